"""Validate the step-7 performance model on this CPU: fit a CPU profile once, predict other models.

1. Measure the per-layer latency of the PyTorch reconstruction of IR_fused_for_CModel (float32, batch 1,
   1 thread, forward hooks, fastest of --repeats runs) of the FIT model.
2. Fit the profile's MAC rate, vector rate, DRAM bandwidth and per-layer overhead to it (least squares
   on log latency; the other fields are the CPU's: 32-bit, L2 size as SRAM, no sparsity speedup).
3. For every other model: Spearman rank correlation between estimated and measured per-layer latency,
   and the error of the estimated total against the sum of the measured per-layer minima and against
   the measured forward pass without hooks (on a loaded machine the forward pass, which spans many
   preemptions, is slower than the sum of its layers' minima).

    PYTHONPATH=. python scripts/perf_validate.py [--write configs/hardware/cpu_profile.yaml]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FIT = "torch:resnet50"
VALIDATE = ["torch:mobilenet_v2", "torch:efficientnet_lite0", "mxnet:resnet18_v1", "mxnet:squeezenet1.1",
            "mxnet:densenet121", "onnx:light_inception_v1", "tf:efficientnet_b0"]


def fused_graph(name: str):
    from frontc.checklist.source import from_case
    from frontc.compiler import compile_graph
    return compile_graph(from_case(name).graph).cmodel


def l2_kib() -> float:
    try:
        text = Path("/sys/devices/system/cpu/cpu0/cache/index2/size").read_text().strip()
        return float(text.rstrip("K")) if text.endswith("K") else float(text.rstrip("M")) * 1024
    except (OSError, ValueError):
        return 1024.0


def main() -> int:
    from scipy.stats import spearmanr

    from frontc.perf.hardware import parse_hardware
    from frontc.perf.measure import fit_profile, measure_torch
    from frontc.perf.model import estimate

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--write", help="write the fitted profile to this YAML")
    parser.add_argument("--models", nargs="*", default=VALIDATE)
    args = parser.parse_args()
    base = parse_hardware({"name": "cpu_profile", "mac_array": 8.0, "mac_bits": 32, "clock_mhz": 1000,
                           "bit_widths": [32], "vector_lanes": 1.0, "sram_kib": l2_kib(), "dram_gbps": 10.0,
                           "layer_overhead_us": 10.0, "sparse_index_bits": 0, "sparse_speedup": {}}, "base")
    graph = fused_graph(FIT)
    measured = measure_torch(graph, repeats=args.repeats)
    hw = fit_profile([graph], [measured], base)
    print(f"fitted on {FIT} ({len(graph.nodes)} layers): MAC rate {hw.mac_array * hw.clock_hz / 1e9:.2f} GMAC/s, "
          f"vector {hw.vector_lanes * hw.clock_hz / 1e9:.3f} Gop/s, DRAM {hw.dram_gbps:.2f} GB/s, "
          f"overhead {hw.layer_overhead_us:.1f} us/layer, SRAM (L2) {hw.sram_kib:g} KiB")
    print("| model | layers | Spearman rho (per layer) | estimated ms | measured ms: sum of layers / forward | "
          "total error vs sum / vs forward |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in [FIT] + args.models:
        g = graph if name == FIT else fused_graph(name)
        m = measured if name == FIT else measure_torch(g, repeats=args.repeats)
        report = estimate(g, hw)
        est = [layer.latency_s for layer in report.layers]
        meas = [m.layers[layer.name] for layer in report.layers]
        rho = spearmanr(est, meas).statistic
        print(f"| {name}{' (fit)' if name == FIT else ''} | {len(est)} | {rho:.3f} | {report.latency_s * 1e3:.1f} | "
              f"{sum(meas) * 1e3:.1f} / {m.total_s * 1e3:.1f} | {report.latency_s / sum(meas) - 1:+.1%} / "
              f"{report.latency_s / m.total_s - 1:+.1%} |", flush=True)
    if args.write:
        from frontc.ir.fileio import atomic_write
        data = hw.as_dict() | {"name": "cpu_profile"}
        head = (f"# This machine's CPU as a hardware profile (float32, 1 thread): MAC rate, vector rate, DRAM\n"
                f"# bandwidth and per-layer overhead fitted once on {FIT} by scripts/perf_validate.py.\n")
        atomic_write(args.write, (head + yaml.safe_dump(data, sort_keys=False)).encode())
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
