"""The hardware YAML of the performance model: MAC array, clock, bit widths, SRAM, DRAM, sparsity speedups."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontc.ir.errors import OptionError

# field -> what it means (every field is required and must be >= 0; the sizes and rates > 0)
FIELDS = {
    "mac_array": "multiply-accumulate units; each does one MAC per cycle at mac_bits",
    "mac_bits": "native MAC width in bits; unannotated tensors are assumed at this width",
    "clock_mhz": "clock in MHz",
    "bit_widths": "supported bit widths (a quantized tensor at another width is refused); a layer runs at the "
                  "wider of its weight and activation widths, at mac_array * mac_bits / width MACs per cycle",
    "vector_lanes": "elementwise operations per cycle (pooling, unfused adds and activations)",
    "sram_kib": "on-chip SRAM in KiB; a layer whose weights and activations fit keeps activations on chip",
    "dram_gbps": "DRAM bandwidth in GB/s (1e9 bytes)",
    "layer_overhead_us": "fixed cost per layer in microseconds (launch, synchronisation)",
    "sparse_index_bits": "index bits stored per nonzero of an unstructured sparse weight",
    "sparse_speedup": "pattern recorded in the IR (unstructured, 2:4, channel, ...) -> the most its zeros can "
                      "speed up a layer's MACs",
}
POSITIVE = ("mac_array", "mac_bits", "clock_mhz", "vector_lanes", "dram_gbps")


@dataclass(frozen=True)
class Hardware:
    """A validated hardware description."""

    name: str
    mac_array: float
    mac_bits: int
    clock_mhz: float
    bit_widths: tuple[int, ...]
    vector_lanes: float
    sram_kib: float
    dram_gbps: float
    layer_overhead_us: float
    sparse_index_bits: float
    sparse_speedup: dict[str, float] = field(default_factory=dict)

    @property
    def clock_hz(self) -> float:
        return self.clock_mhz * 1e6

    @property
    def peak_flops(self) -> float:
        """FLOP/s of the MAC array at its native width (a MAC is 2 FLOPs)."""
        return 2 * self.mac_array * self.clock_hz

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **{key: getattr(self, key) for key in FIELDS}} | {
            "bit_widths": list(self.bit_widths)}


def parse_hardware(data: Any, path: str) -> Hardware:
    """A Hardware from a YAML mapping; OptionError names the first missing or invalid field."""
    def fail(message: str) -> None:
        raise OptionError(message, path=path, hint="see configs/hardware/README.md for every field")

    if not isinstance(data, dict):
        fail("a hardware description is a YAML mapping")
    for key in FIELDS:
        if key not in data:
            fail(f"missing field '{key}' ({FIELDS[key]})")
    for key in FIELDS:
        if key in ("bit_widths", "sparse_speedup"):
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or \
                (key in POSITIVE and value == 0):
            fail(f"field '{key}' must be a number {'> 0' if key in POSITIVE else '>= 0'}, not {value!r}")
    widths = data["bit_widths"]
    if not (isinstance(widths, list) and widths and all(isinstance(w, int) and w > 0 for w in widths)):
        fail(f"field 'bit_widths' must be a list of positive ints, not {widths!r}")
    if data["mac_bits"] not in widths:
        fail(f"field 'mac_bits' ({data['mac_bits']}) must be one of bit_widths {widths}")
    speedup = data["sparse_speedup"]
    if not isinstance(speedup, dict) or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) or v < 1 for v in speedup.values()):
        fail(f"field 'sparse_speedup' must map patterns to numbers >= 1, not {speedup!r}")
    return Hardware(str(data.get("name", Path(path).stem)), float(data["mac_array"]), int(data["mac_bits"]),
                    float(data["clock_mhz"]), tuple(sorted(widths)), float(data["vector_lanes"]),
                    float(data["sram_kib"]), float(data["dram_gbps"]), float(data["layer_overhead_us"]),
                    float(data["sparse_index_bits"]), {str(k): float(v) for k, v in speedup.items()})


def load_hardware(path: str | Path) -> Hardware:
    """Read and validate a hardware YAML file."""
    from frontc.configfile import read_yaml

    return parse_hardware(read_yaml(path, "hardware file"), str(path))
