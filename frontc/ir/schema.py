"""Op schemas: the inputs, outputs, typed attributes, defaults and shape function of each op.

Every op of the IR is registered here by one of the modules in ``frontc.ir.ops``.
A schema's ``infer`` maps the input specs (shape, dtype) and the node's attributes
(defaults filled in) to the output (shape, dtype) pairs, raising ShapeError for
inputs the op cannot accept.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontc.ir.errors import GraphError

Shape = tuple[int, ...]
InferFn = Callable[["Ins", dict[str, Any]], list[tuple[Shape, str]]]

REQUIRED = object()

# Activations a producing Conv/ConvTranspose/Dense/Gemm can carry as attributes.
FUSABLE_ACTIVATIONS = ("", "Relu", "Relu6", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid",
                       "HardSwish", "Swish", "Tanh")


@dataclass(frozen=True)
class AttrSpec:
    """A typed attribute with a default (``REQUIRED`` when it has none)."""

    kind: str
    default: Any = REQUIRED
    choices: tuple[Any, ...] | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class In:
    """A spec (shape, dtype) of one input as seen by a shape function."""

    shape: Shape
    dtype: str

    @property
    def rank(self) -> int:
        return len(self.shape)


Ins = Sequence["In | None"]


@dataclass(frozen=True)
class OpSchema:
    """What an op takes and gives.

    ``inputs`` names the inputs in order; a trailing ``?`` marks an optional one
    and a trailing ``*`` a variadic tail. ``weights`` names inputs that are
    normally params (trainable tensors). ``outputs`` is a count, or -1 when the
    node decides (Split).
    """

    op: str
    inputs: tuple[str, ...]
    attrs: dict[str, AttrSpec]
    infer: InferFn
    outputs: int = 1
    weights: tuple[str, ...] = ()
    doc: str = ""
    family: str = field(default="", compare=False)

    def arity(self) -> tuple[int, int | None]:
        """(min, max) number of inputs; max is None for variadic ops."""
        required = sum(1 for name in self.inputs if not name.endswith(("?", "*")))
        variadic = any(name.endswith("*") for name in self.inputs)
        return required, None if variadic else len(self.inputs)


_SCHEMAS: dict[str, OpSchema] = {}


def register_op(op: str, inputs: Sequence[str], attrs: dict[str, AttrSpec] | None = None, *,
                outputs: int = 1, weights: Sequence[str] = (), doc: str = "",
                family: str = "") -> Callable[[InferFn], InferFn]:
    """Decorator registering ``op`` with its shape function; registering twice is an error."""

    def decorate(infer: InferFn) -> InferFn:
        if op in _SCHEMAS:
            raise ValueError(f"op {op} is registered twice")
        _SCHEMAS[op] = OpSchema(op, tuple(inputs), dict(attrs or {}), infer, outputs,
                                tuple(weights), doc or (infer.__doc__ or "").strip(), family)
        return infer

    return decorate


def get_schema(op: str) -> OpSchema:
    """The schema of ``op``; GraphError naming the known ops if there is none."""
    _load_ops()
    try:
        return _SCHEMAS[op]
    except KeyError:
        raise GraphError(f"unknown op '{op}'",
                         hint=f"known ops: {', '.join(sorted(_SCHEMAS))}") from None


def known_ops() -> list[str]:
    _load_ops()
    return sorted(_SCHEMAS)


def _load_ops() -> None:
    import frontc.ir.ops  # noqa: F401  (registers every op family)


def check_attr(op: str, name: str, spec: AttrSpec, value: Any) -> Any:
    """``value`` converted to the attribute's kind; ValueError saying what is wrong."""
    def scalar(kind: str, v: Any) -> Any:
        if kind == "int":
            if isinstance(v, bool) or not isinstance(v, int):
                if hasattr(v, "dtype") and v.dtype.kind in "iu":
                    return int(v)
                raise ValueError(f"attribute {name} of {op} must be an int, got {v!r}")
            return int(v)
        if kind == "float":
            if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "dtype"):
                raise ValueError(f"attribute {name} of {op} must be a number, got {v!r}")
            return float(v)
        if not isinstance(v, str):
            raise ValueError(f"attribute {name} of {op} must be a string, got {v!r}")
        return v

    if spec.kind in ("ints", "floats"):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"attribute {name} of {op} must be a list, got {value!r}")
        out: Any = [scalar(spec.kind[:-1], v) for v in value]
    else:
        out = scalar(spec.kind, value)
    if spec.choices is not None and out not in spec.choices:
        raise ValueError(f"attribute {name} of {op} must be one of {list(spec.choices)}, "
                         f"got {out!r}")
    return out


def resolved_attrs(schema: OpSchema, attrs: dict[str, Any], node: str = "") -> dict[str, Any]:
    """The node's attributes checked against the schema, with defaults filled in."""
    unknown = sorted(set(attrs) - set(schema.attrs))
    if unknown:
        raise GraphError(f"{schema.op} has no attribute(s) {unknown}", node=node,
                         hint=f"allowed: {sorted(schema.attrs)}")
    out = {}
    for name, spec in schema.attrs.items():
        if name in attrs:
            try:
                out[name] = check_attr(schema.op, name, spec, attrs[name])
            except ValueError as exc:
                raise GraphError(str(exc), node=node) from None
        elif spec.required:
            raise GraphError(f"{schema.op} needs attribute '{name}'", node=node)
        else:
            out[name] = list(spec.default) if isinstance(spec.default, (list, tuple)) \
                else spec.default
    return out
