"""The bit-exact integer C model of a quantized fused IR: ``emit`` C99 source and a weight blob,
``build`` a shared object with the system C compiler, run it through ``CModel`` (ctypes)."""
from frontc.cmodel.binding import CModel
from frontc.cmodel.build import build
from frontc.cmodel.emit import CModelSource, check_emittable, emit

__all__ = ["CModel", "CModelSource", "build", "check_emittable", "emit"]
