"""Calibration cost on ResNet-50: time against one plain float inference pass over the same inputs
(the same runtime, in the same chunks), and peak memory.

Runtime: --backend onnxruntime (default, the fastest here) or torch, for both the float pass and
calibration. Inputs: --inputs (default 500) seeded random crops (area 30-100 %, flipped half the time) of
scikit-image's photos (configs/data/skimage_photos.txt), 224x224, ImageNet mean/std, stored as a
memory-mapped .npy. Model: torch ResNet-50 (frontc.models.torch, seeded), IR_fused_for_CModel.
The float pass and calibration alternate --repeat times in one process (each from the IR file:
model building included on both sides); the medians' ratios of wall and of process CPU time are
printed (goal: at most 1.5x). On a shared machine the CPU ratio is the steadier one: calibration
scans on one thread per CPU besides the runtime's, which takes a larger share of busy cores.
Peak RSS is measured in fresh processes (`frontc calibrate` vs a float pass alone), so each
number is that process's own maximum resident set.

    .venv/bin/python bench/bench_calibration.py [--inputs 500] [--observer kl] [--repeat 1] [--chunk 8]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MEAN = np.float32([123.675, 116.28, 103.53])
STD = np.float32([58.395, 57.12, 57.375])


def photo_crops(path: Path, n: int, size: int = 224, seed: int = 0) -> Path:
    """``n`` seeded random crops of the photos in configs/data/skimage_photos.txt, NCHW, normalized."""
    from PIL import Image

    from frontc.datasets.labels import read_paths

    photos = [Image.open(p).convert("RGB") for p in read_paths(ROOT / "configs" / "data" / "skimage_photos.txt")]
    rng = np.random.default_rng(seed)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, 3, size, size))
    for i in range(n):
        photo = photos[rng.integers(len(photos))]
        w, h = photo.size
        side = int(min(w, h) * np.sqrt(rng.uniform(0.3, 1.0)))
        left, top = rng.integers(0, w - side + 1), rng.integers(0, h - side + 1)
        crop = photo.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR)
        if rng.random() < 0.5:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        out[i] = ((np.asarray(crop, np.float32) - MEAN) / STD).transpose(2, 0, 1)
    out.flush()
    return path


def fused_resnet50(folder: Path) -> Path:
    """torch ResNet-50 (seeded) compiled; returns the IR_fused_for_CModel graph path."""
    import torch

    import frontc
    from frontc.compiler import compile_graph
    from frontc.ir import save_graph
    from frontc.models.torch import resnet50

    torch.manual_seed(0)
    result = compile_graph(frontc.load(resnet50().eval(), "torch", input_shapes={"x": (1, 3, 224, 224)}))
    return save_graph(result.cmodel, folder / "IR_fused_for_CModel")[0]


def float_pass(graph_path: Path, data: Path, chunk: int, backend: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one plain float inference pass over ``data`` in chunks, with ``backend``
    (building the model in the runtime included, as in calibration)."""
    from frontc.datasets.images import ArrayInputs
    from frontc.ir import load_graph
    from frontc.ir.batch import rebatch
    from frontc.quant.calibrate import chunks

    start, cpu = time.perf_counter(), time.process_time()
    graph = load_graph(graph_path)
    specialized = rebatch(graph, chunk)[0]
    if backend == "torch":
        import torch

        from frontc.backends.torch import to_torch
        module = to_torch(specialized)

        def forward(x: np.ndarray) -> None:
            with torch.no_grad():
                module(torch.from_numpy(x))
    else:
        from frontc.backends.onnx import onnxruntime_session, to_onnx
        session = onnxruntime_session(to_onnx(specialized))
        name = graph.inputs[0].name

        def forward(x: np.ndarray) -> None:
            session.run(None, {name: x})
    inputs = ArrayInputs(data, graph.inputs[0])
    for x, _ in chunks(inputs, chunk, 32, None):
        forward(x)
    return time.perf_counter() - start, time.process_time() - cpu


def peak_rss(code: str) -> float:
    """Peak RSS (MiB) of a fresh Python process running ``code``: its VmHWM, which starts afresh at
    exec (ru_maxrss would start at this forking process's own RSS and report that)."""
    script = (f"{code}\nhwm = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
              "print('PEAK', int(hwm.split()[1]) / 1024)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    return float(out.split("PEAK")[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=500)
    parser.add_argument("--observer", default="kl")
    parser.add_argument("--chunk", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--backend", choices=["onnxruntime", "torch"], default="onnxruntime")
    parser.add_argument("--json", help="write the numbers here")
    args = parser.parse_args()
    import torch

    from frontc.datasets.images import ArrayInputs
    from frontc.ir import load_graph
    from frontc.quant.calibrate import collect, make_table

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        graph_path = fused_resnet50(folder)
        data = photo_crops(folder / "crops.npy", args.inputs)
        graph = load_graph(graph_path)
        print(f"ResNet-50 fused IR ({len(graph.nodes)} nodes), {args.inputs} inputs, chunk {args.chunk}, "
              f"runtime {args.backend} (torch {torch.__version__}, {torch.get_num_threads()} threads)")
        runs: dict[str, list[float]] = {key: [] for key in ("float", "float_cpu", "calib", "calib_cpu", "table")}
        for _ in range(args.repeat):
            wall, cpu = float_pass(graph_path, data, args.chunk, args.backend)
            runs["float"].append(wall)
            runs["float_cpu"].append(cpu)
            start, cpu = time.perf_counter(), time.process_time()
            graph = load_graph(graph_path)
            stats, _ = collect(graph, ArrayInputs(data, graph.inputs[0]), chunk=args.chunk, backend=args.backend,
                               progress=False)
            middle = time.perf_counter()
            make_table(graph, stats, args.inputs, args.observer)
            runs["calib"].append(time.perf_counter() - start)
            runs["calib_cpu"].append(time.process_time() - cpu)
            runs["table"].append(time.perf_counter() - middle)
        f, fc, c, cc, t = (statistics.median(v) for v in runs.values())
        print(f"float pass {f:.1f} s (CPU {fc:.1f} s), calibration ({args.observer}) {c:.1f} s (CPU {cc:.1f} s; "
              f"thresholds {t:.1f} s): {c / f:.2f}x wall, {cc / fc:.2f}x CPU (load average "
              f"{os.getloadavg()[0]:.1f}); each run: float {' '.join(f'{v:.1f}' for v in runs['float'])}, "
              f"calibration {' '.join(f'{v:.1f}' for v in runs['calib'])} s")
        base = (f"from pathlib import Path\nimport sys\nsys.path.insert(0, {str(ROOT / 'bench')!r})\n"
                "import bench_calibration as b\n")
        rss_float = peak_rss(base + f"b.float_pass(Path({str(graph_path)!r}), Path({str(data)!r}), {args.chunk}, "
                             f"{args.backend!r})")
        rss_calib = peak_rss(base + "from frontc.cli import main\n"
                             f"main(['calibrate', '--graph', {str(graph_path)!r}, '--images', {str(data)!r}, "
                             f"'-o', {str(folder / 't.json')!r}, '--observer', {args.observer!r}, "
                             f"'--chunk', '{args.chunk}', '--backend', {args.backend!r}])")
        print(f"peak RSS: float pass {rss_float:.1f} MiB, calibration {rss_calib:.1f} MiB "
              f"(inputs memory-mapped: {args.inputs * 3 * 224 * 224 * 4 / 2**20:.0f} MiB on disk)")
        if args.json:
            Path(args.json).write_text(json.dumps({"inputs": args.inputs, "float_s": f, "calibration_s": c,
                                                   "float_cpu_s": fc, "calibration_cpu_s": cc,
                                                   "thresholds_s": t, "ratio": c / f, "rss_float_mib": rss_float,
                                                   "rss_calibration_mib": rss_calib}, indent=1) + "\n")


if __name__ == "__main__":
    main()
