"""Einsum (the contractions attention writes as equations) and Attention (scaled dot-product)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from frontc.ir.ops.common import broadcast, need, numeric_input, require
from frontc.ir.schema import AttrSpec, Ins, register_op


def parse_einsum(equation: str, ranks: Sequence[int]) -> tuple[list[str], str]:
    """(input terms, output term) with an explicit output; ``...`` kept as is."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    require(len(terms) == len(ranks), f"Einsum '{equation}' has {len(terms)} operands, got {len(ranks)}")
    for term in terms:
        letters = term.replace("...", "")
        require(letters.isalpha() and term.count("...") <= 1 and "." not in letters,
                f"bad Einsum term '{term}' in '{equation}'")
    if not arrow:
        counts = {c: lhs.count(c) for c in set(lhs.replace("...", "").replace(",", ""))}
        rhs = ("..." if "..." in lhs else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    require(set(rhs.replace("...", "")) <= set(lhs), f"Einsum output '{rhs}' names unknown letters")
    return terms, rhs


def einsum_shape(equation: str, shapes: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    terms, rhs = parse_einsum(equation, [len(s) for s in shapes])
    dims: dict[str, int] = {}
    ellipses = []
    for term, shape in zip(terms, shapes):
        pre, dots, post = term.partition("...")
        n_ell = len(shape) - len(pre) - len(post) if dots else 0
        require(n_ell >= 0 and (dots or len(term) == len(shape)),
                f"Einsum term '{term}' does not fit a rank-{len(shape)} operand")
        ellipses.append(shape[len(pre):len(pre) + n_ell])
        for letter, d in zip(pre + post, shape[:len(pre)] + shape[len(pre) + n_ell:]):
            old = dims.setdefault(letter, d)
            require(old == d or 1 in (old, d), f"Einsum letter '{letter}' is {old} and {d}")
            dims[letter] = max(old, d) if 1 in (old, d) else d
    ell = broadcast(*ellipses) if ellipses else ()
    pre, dots, post = rhs.partition("...")
    return tuple(dims[c] for c in pre) + (ell if dots else ()) + tuple(dims[c] for c in post)


@register_op("Det", ["X"], {}, family="nn")
def det(ins: Ins, a: dict[str, Any]):
    """The determinant of each square matrix in the last two axes of X (..., M, M)."""
    x = need(ins, 0, "X")
    numeric_input(x, "Det")
    require(x.rank >= 2 and x.shape[-1] == x.shape[-2], f"Det needs square matrices (..., M, M), got {x.shape}")
    return [(x.shape[:-2], x.dtype)]


@register_op("Einsum", ["inputs*"], {"equation": AttrSpec("str")}, family="nn")
def einsum(ins: Ins, a: dict[str, Any]):
    """numpy.einsum of the inputs (explicit or implicit output, ``...`` broadcast)."""
    require(len(ins) > 0 and all(s is not None for s in ins), "Einsum needs at least one input")
    require(len({s.dtype for s in ins}) == 1, f"Einsum operands differ in dtype: {[s.dtype for s in ins]}")
    return [(einsum_shape(a["equation"], [s.shape for s in ins]), ins[0].dtype)]


@register_op("Attention", ["Q", "K", "V", "mask?"], {"scale": AttrSpec("float", 0.0)}, family="nn")
def attention(ins: Ins, a: dict[str, Any]):
    """softmax(Q K^T * scale + mask) V over the last two axes (batch axes broadcast); Q (..., Lq, d),
    K (..., Lk, d), V (..., Lk, dv), an additive float mask broadcasting to (..., Lq, Lk); scale 0
    means 1 / sqrt(d)."""
    q, k, v = need(ins, 0, "Q"), need(ins, 1, "K"), need(ins, 2, "V")
    numeric_input(q, "Attention")
    require(min(q.rank, k.rank, v.rank) >= 2 and q.shape[-1] == k.shape[-1] and k.shape[-2] == v.shape[-2],
            f"Attention needs Q(..., Lq, d), K(..., Lk, d), V(..., Lk, dv), got {q.shape} {k.shape} {v.shape}")
    batch = broadcast(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    scores = (*batch, q.shape[-2], k.shape[-2])
    if len(ins) > 3 and ins[3] is not None:
        require(broadcast(ins[3].shape, scores) == scores, f"Attention mask {ins[3].shape} does not "
                                                         f"broadcast to the scores {scores}")
    return [((*batch, q.shape[-2], v.shape[-1]), q.dtype)]
