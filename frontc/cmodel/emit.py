"""``emit``: a fused IR quantized by a ``*_t`` strategy -> portable C99 (cmodel.c, cmodel.h), its weight
blob (weights.bin, or const arrays in weights.c) and cmodel.json (tensors, arena, input quantization)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from frontc.cmodel import binary, others, resize, transpose, volume, weighted
from frontc.cmodel.blob import HEADER, Blob, c_type
from frontc.cmodel.context import LayerContext
from frontc.cmodel.plan import ArenaPlan, plan_arena
from frontc.cmodel.runtime import API, HELPERS
from frontc.cmodel.runtime import HEADER as H_FILE
from frontc.ir.errors import OptionError, UnsupportedOpError
from frontc.ir.graph import Graph, Node
from frontc.ir.validate import lint
from frontc.quant.annotations import TensorQuant, graph_quant, is_integer, is_quantized, node_quant
from frontc.quant.integer_params import TABLE_ACTIVATIONS

FORMAT = 1
KERNELS = {"Conv": volume.conv, "ConvTranspose": transpose.conv_transpose, "Dense": weighted.dense,
           "MaxPool": others.pool, "AvgPool": others.pool,
           "GlobalAvgPool": others.global_pool, "GlobalMaxPool": others.global_pool,
           **{op: binary.binary for op in ("Add", "Sub", "Mul", "Div")}, "Concat": others.concat,
           "Relu": others.clamp, "Relu6": others.clamp,
           "Clip": others.clamp, "Softmax": others.softmax, **{op: others.table for op in TABLE_ACTIVATIONS},
           **{op: others.copy for op in others.COPIES}, **{op: others.gather for op in others.GATHERS}}
WEIGHTS = ("blob", "const")


@dataclass
class CModelSource:
    """The emitted files by name, the manifest (also in cmodel.json) and the arena plan."""

    files: dict[str, bytes]
    manifest: dict[str, Any]
    arena: ArenaPlan


def check_emittable(graph: Graph) -> None:
    """OptionError for a float or fake-quant IR; UnsupportedOpError listing every node without a C kernel."""
    if not is_quantized(graph):
        raise OptionError(f"graph '{graph.name}' is a float IR; the C model executes integer IRs only",
                          hint="quantize it with a *_t strategy (symmetry_max_t, scale_shift_t)")
    if not is_integer(graph):
        raise OptionError(f"graph '{graph.name}' is quantized with '{graph_quant(graph).get('strategy')}' "
                          "(fake quantization); the C model executes integer IRs only",
                          hint="quantize it with a *_t strategy (symmetry_max_t, scale_shift_t)")
    missing: dict[str, list[str]] = {}
    dtypes, pointers = _dtypes(graph), {t: "" for t in _activations(graph)}
    for node in graph.nodes:
        ctx = LayerContext(graph, node, Blob(), pointers, dtypes)
        if node.op not in KERNELS:
            reason = node.op
        else:
            check = weighted.unsupported if node.op in weighted.WEIGHTED else others.unsupported
            reason = check(ctx) or _asymmetric(node)
        if reason:
            missing.setdefault(reason, []).append(node.name)
    if missing:
        what = "; ".join(f"{op} ({len(names)}: {', '.join(names[:3])}{'...' if len(names) > 3 else ''})"
                         for op, names in sorted(missing.items()))
        raise UnsupportedOpError(f"no integer C kernel for {what}",
                                 hint="the C model covers Conv, ConvTranspose, Dense, pools, Add/Sub/Mul/Div, Concat, "
                                      "Resize, clamps, table activations, Softmax and data movement")


def _asymmetric(node: Node) -> str | None:
    """Imported models: the C kernels subtract input zero points, but take symmetric weights only."""
    nq = node_quant(node)
    if "weight" in nq and np.any(TensorQuant.from_meta(nq["weight"]).zero_point):
        return f"{node.op} with asymmetric (zero point) weights"
    return None


def _activations(graph: Graph) -> list[str]:
    return [s.name for s in graph.inputs] + [t for n in graph.nodes for t in n.outputs]


def _input_quant(graph: Graph, name: str) -> TensorQuant | None:
    data = (graph_quant(graph) or {}).get("inputs", {}).get(name)
    return TensorQuant.from_meta(data) if data is not None else None


def _dtypes(graph: Graph) -> dict[str, str]:
    out = {}
    for name in _activations(graph):
        tq = _input_quant(graph, name) if graph.is_input(name) else None
        out[name] = tq.dtype if tq is not None else graph.spec(name).dtype
    return out


def _nbytes(graph: Graph, dtypes: dict[str, str], name: str) -> int:
    return math.prod(graph.spec(name).shape) * np.dtype(dtypes[name]).itemsize


def emit(graph: Graph, *, weights: str = "blob") -> CModelSource:
    """The C model of ``graph`` (see the module docstring); ``weights`` is 'blob' or 'const'."""
    if weights not in WEIGHTS:
        raise OptionError(f"unknown weights mode '{weights}'", hint=f"choose one of {list(WEIGHTS)}")
    lint(graph)
    check_emittable(graph)
    dtypes = _dtypes(graph)
    nodes = graph.nodes
    steps = len(nodes)
    last = {t: i for i, node in enumerate(nodes) for t in node.inputs}
    lifetimes = {t: (i, steps if t in graph.outputs else last.get(t, i))
                 for i, node in enumerate(nodes) for t in node.outputs}
    arena = plan_arena({t: _nbytes(graph, dtypes, t) for t in lifetimes}, lifetimes)
    pointers, offset, inputs = {}, 0, []
    for spec in graph.inputs:
        pointers[spec.name] = f"(cm_in + {offset})"
        tq = _input_quant(graph, spec.name)
        inputs.append({"name": spec.name, "shape": list(spec.shape), "dtype": dtypes[spec.name], "offset": offset,
                       "float": tq is not None, "quant": _json_quant(tq)})
        offset += _nbytes(graph, dtypes, spec.name)
    input_bytes = offset
    pointers.update({t: f"(cm_arena + {o})" for t, o in arena.offsets.items()})
    blob = Blob()
    layers, scratch, tensors, calls, floating = [], 0, [], [], False
    for i, node in enumerate(nodes):
        ctx = LayerContext(graph, node, blob, pointers, dtypes)
        body = KERNELS[node.op](ctx)
        scratch = max(scratch, weighted.scratch_bytes(ctx), transpose.scratch_bytes(ctx), resize.scratch_bytes(ctx))
        floating = floating or resize.scratch_bytes(ctx) > 0
        layers.append(f"/* {node.op} {node.name} */\nstatic void cm_layer_{i}(void) {{\n{body}\n}}\n")
        hooks = []
        for t in node.outputs:
            hooks.append(f"if (hook) hook({len(tensors)}, {pointers[t]}, user);")
            tensors.append({"name": t, "node": node.name, "op": node.op, "shape": list(graph.spec(t).shape),
                            "dtype": dtypes[t]})
        calls.append(f"  cm_layer_{i}(); " + " ".join(hooks))
    outputs, offset = [], 0
    for name in graph.outputs:
        size = _nbytes(graph, dtypes, name)
        calls.append(f"  memcpy(out + {offset}, {pointers[name]}, {size});")
        outputs.append({"name": name, "shape": list(graph.spec(name).shape), "dtype": dtypes[name],
                        "offset": offset})
        offset += size
    defines = {"CM_BLOB_SIZE": f"{blob.size}u", "CM_BLOB_CHECKSUM": f"{blob.checksum()}u",
               "CM_BLOB_HEADER": HEADER, "CM_INPUT_BYTES": input_bytes, "CM_OUTPUT_BYTES": offset,
               "CM_ARENA_BYTES": arena.peak}
    source = [f"/* {graph.name}: generated by frontc cmodel emit from a {graph_quant(graph)['strategy']} IR. */",
              *(["#define CM_CONST_BLOB"] if weights == "const" else []), '#include "cmodel.h"', HELPERS,
              *(f"#define {k} {v}" for k, v in defines.items()), _storage(arena.peak, scratch, weights, blob.size),
              *layers,
              "static void cm_forward(const unsigned char *in, unsigned char *out, cm_trace_fn hook, void *user) {",
              "  cm_in = in; (void)hook; (void)user;", *calls, "}", API]
    manifest = {"format": FORMAT, "name": graph.name, "strategy": graph_quant(graph)["strategy"],
                "weights": weights, "inputs": inputs, "outputs": outputs, "tensors": tensors,
                "arena": {"peak_bytes": arena.peak, "naive_bytes": arena.naive, "saving": round(arena.saving, 4)},
                "scratch_bytes": scratch, "blob": {"file": "weights.bin" if weights == "blob" else None,
                                                   "bytes": blob.size, "checksum": blob.checksum()},
                "layers": len(nodes), "floating_point": floating}
    files = {"cmodel.h": H_FILE.format(name=graph.name).encode(), "cmodel.c": "\n".join(source).encode(),
             "cmodel.json": (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()}
    if weights == "blob":
        files["weights.bin"] = blob.to_bytes()
    else:
        files["weights.c"] = _const_blob(blob)
    return CModelSource(files, manifest, arena)


def _json_quant(tq: TensorQuant | None) -> dict[str, Any] | None:
    if tq is None:
        return None
    return {"scale": float(tq.scale), "zero_point": int(tq.zero_point), "bits": tq.bits, "signed": tq.signed,
            "narrow": tq.narrow}


def _storage(arena: int, scratch: int, weights: str, blob_size: int) -> str:
    lines = ["#if defined(__GNUC__)", "#define CM_ALIGNED __attribute__((aligned(64)))", "#else",
             "#define CM_ALIGNED", "#endif",
             f"static unsigned char cm_arena[{max(arena, 1)}] CM_ALIGNED;",
             f"static unsigned char cm_scratch[{max(scratch, 1)}] CM_ALIGNED;",
             "static const unsigned char *cm_blob = NULL;", "static const unsigned char *cm_in = NULL;"]
    if weights == "const":
        lines += [f"typedef union {{ unsigned char bytes[{blob_size}]; int64_t align; }} cm_blob_t;",
                  "extern const cm_blob_t cm_const_blob;"]
    return "\n".join(lines)


def _const_blob(blob: Blob) -> bytes:
    data = np.frombuffer(blob.to_bytes(), np.uint8)
    rows = [",".join(map(str, data[i:i + 32].tolist())) for i in range(0, len(data), 32)]
    return ("/* the weight blob as a const array (generated by frontc cmodel emit --weights const) */\n"
            "#include <stdint.h>\n"
            f"typedef union {{ unsigned char bytes[{len(data)}]; int64_t align; }} cm_blob_t;\n"
            "const cm_blob_t cm_const_blob = {{\n" + ",\n".join(rows) + "\n}};\n").encode()


__all__ = ["CModelSource", "c_type", "check_emittable", "emit"]
