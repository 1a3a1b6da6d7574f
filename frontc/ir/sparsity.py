"""Sparsity patterns recorded in the IR, and the lint rule that checks the weights obey them.

A Conv/ConvTranspose/Dense node may carry ``meta["sparsity"] = {"pattern": P, "rate": R}``:
P is ``unstructured``, ``channel`` (whole output channels), ``N:M`` (at most N nonzeros in every
group of M consecutive input channels, at each output channel and kernel position) or
``blockRxC`` (R outputs x C inputs at each kernel position); R is the share of the weight the
pattern prunes. Lint checks the node's weight (input 1): N:M group by group, and for every
pattern at least ``round(R * units)`` pruned units (weights, channels or blocks).
"""
from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from frontc.ir.errors import GraphError, OptionError

META_KEY = "sparsity"
NM_PATTERN = re.compile(r"^(\d+):(\d+)$")
BLOCK_PATTERN = re.compile(r"^block(\d+)x(\d+)$")


class Pattern(NamedTuple):
    """A parsed sparsity pattern: kind ('unstructured', 'nm', 'block', 'channel') and its sizes."""

    kind: str
    n: int = 0
    m: int = 0

    @property
    def fixed_rate(self) -> float | None:
        """The sparsity an N:M pattern implies (None for the others)."""
        return (self.m - self.n) / self.m if self.kind == "nm" else None

    def __str__(self) -> str:
        if self.kind == "nm":
            return f"{self.n}:{self.m}"
        if self.kind == "block":
            return f"block{self.n}x{self.m}"
        return self.kind


def parse_pattern(text: str) -> Pattern:
    """'unstructured', 'channel', 'N:M' (0 < N < M) or 'blockRxC'; OptionError naming the pattern."""
    if text in ("unstructured", "channel"):
        return Pattern(text)
    nm = NM_PATTERN.match(str(text))
    if nm and 0 < int(nm.group(1)) < int(nm.group(2)):
        return Pattern("nm", int(nm.group(1)), int(nm.group(2)))
    block = BLOCK_PATTERN.match(str(text))
    if block and int(block.group(1)) > 0 and int(block.group(2)) > 0:
        return Pattern("block", int(block.group(1)), int(block.group(2)))
    raise OptionError(f"pattern={text!r}: unknown sparsity pattern",
                      hint="use 'unstructured', 'channel', 'N:M' such as '2:4', or 'blockRxC' such as 'block1x4'")


def grouped(weight: np.ndarray, m: int) -> np.ndarray:
    """(O, I, *k) -> (O * prod(k) * I/m, m): groups of ``m`` consecutive input channels."""
    moved = np.moveaxis(weight.reshape(weight.shape[0], weight.shape[1], -1), 1, -1)  # (O, K, I)
    return moved.reshape(-1, m)


def ungrouped(groups: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The inverse of ``grouped``."""
    moved = groups.reshape(shape[0], -1, shape[1])
    return np.moveaxis(moved, -1, 1).reshape(shape)


def pruned_units(weight: np.ndarray, pattern: Pattern) -> tuple[int, int]:
    """(all-zero units, units): weights, output channels or blocks of ``weight``."""
    zero = weight == 0
    if pattern.kind == "channel":
        per_channel = zero.reshape(zero.shape[0], -1).all(axis=1)
        return int(per_channel.sum()), per_channel.size
    if pattern.kind == "block":
        o, i = zero.shape[:2]
        blocks = zero.reshape(o // pattern.n, pattern.n, i // pattern.m, pattern.m, -1).all(axis=(1, 3))
        return int(blocks.sum()), blocks.size
    return int(zero.sum()), zero.size


def violation(weight: np.ndarray, pattern: Pattern, rate: float) -> str | None:
    """Why ``weight`` breaks ``pattern`` at ``rate``, or None when it obeys it."""
    if pattern.kind in ("nm", "block", "channel") and weight.ndim < 2:
        return f"a {weight.ndim}-d weight cannot hold pattern {pattern}"
    if pattern.kind == "nm":
        if weight.shape[1] % pattern.m:
            return f"{weight.shape[1]} input channels are not divisible by M={pattern.m}"
        nonzero = (grouped(weight, pattern.m) != 0).sum(axis=1)
        bad = int((nonzero > pattern.n).sum())
        if bad:
            return f"{bad} of {nonzero.size} groups of {pattern.m} input channels have more than {pattern.n} nonzeros"
        return None
    if pattern.kind == "block" and (weight.shape[0] % pattern.n or weight.shape[1] % pattern.m):
        return f"shape {list(weight.shape)} does not divide into {pattern.n}x{pattern.m} blocks"
    zeros, units = pruned_units(weight, pattern)
    if zeros < round(rate * units):
        return f"{zeros} of {units} {'weights' if pattern.kind == 'unstructured' else pattern.kind + 's'} are " \
               f"zero, rate {rate} needs {round(rate * units)}"
    return None


def check_node(graph, node) -> None:
    """GraphError naming ``node`` when its recorded sparsity pattern does not hold for its weight."""
    record = node.meta.get(META_KEY)
    if record is None:
        return
    if not isinstance(record, dict) or "pattern" not in record or "rate" not in record:
        raise GraphError(f"meta['{META_KEY}'] must be {{'pattern': ..., 'rate': ...}}, got {record!r}",
                         node=node.name)
    if len(node.inputs) < 2 or node.inputs[1] not in graph.params:
        raise GraphError(f"meta['{META_KEY}'] on a node without a constant weight (input 1)", node=node.name)
    try:
        pattern = parse_pattern(record["pattern"])
    except OptionError as exc:
        raise GraphError(exc.message, node=node.name) from None
    problem = violation(np.asarray(graph.params[node.inputs[1]]), pattern, float(record["rate"]))
    if problem:
        raise GraphError(f"weight '{node.inputs[1]}' breaks its recorded sparsity {pattern}: {problem}",
                         node=node.name, hint="re-prune the layer or remove meta['sparsity']")
