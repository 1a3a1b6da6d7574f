"""The integer C model of a quantized IR: ``emit`` C99 and a weight blob, ``build`` a shared object
with the system C compiler, ``run`` it on .npy inputs (outputs as ``frontc run`` writes them)."""
from __future__ import annotations

import argparse
from pathlib import Path

from frontc.commands.common import add_force, named_paths, npy_bytes, read_graph, read_npy
from frontc.outputs import Outputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="{emit,build,run}")
    emit = sub.add_parser("emit", help="write the C model of a *_t-quantized IR into a folder")
    emit.add_argument("--graph", required=True, help="a quantized IR *_graph.json (a *_t strategy)")
    emit.add_argument("--params", help="its *_params.npz (default: next to the graph)")
    emit.add_argument("-o", "--output", required=True, help="the folder to write (cmodel.c/.h/.json, weights)")
    emit.add_argument("--weights", choices=["blob", "const"], default="blob",
                      help="weights as a binary blob read at init (default) or as const arrays in weights.c")
    add_force(emit)
    build = sub.add_parser("build", help="compile an emitted folder into libcmodel.so")
    build.add_argument("folder", help="a folder written by frontc cmodel emit")
    build.add_argument("--opt", choices=["O0", "O2", "O3", "native"], default="native",
                       help="optimization (default native: -O3 -march=native)")
    build.add_argument("--cc", help="the C compiler (default: $CC, else cc, gcc or clang)")
    build.add_argument("--cflag", action="append", default=[], metavar="FLAG", help="an extra compiler flag")
    add_force(build)
    run = sub.add_parser("run", help="run a built C model on .npy inputs")
    run.add_argument("folder", help="a built C model folder")
    run.add_argument("--input_npy", "--input-npy", action="append", required=True, metavar="[NAME=]X.npy",
                     help="input array (the graph's shape, or several stacked along axis 0)")
    run.add_argument("--output_npy", "--output-npy", action="append", default=[], metavar="[NAME=]Y.npy",
                     help="where to write outputs (NAME=Y.npy per output)")
    run.add_argument("--trace", metavar="TRACE.npz", help="also write every layer's integer output to this .npz")
    add_force(run)


def main(args: argparse.Namespace) -> int:
    return {"emit": _emit, "build": _build, "run": _run}[args.action](args)


def _emit(args: argparse.Namespace) -> int:
    from frontc.cmodel import emit
    graph = read_graph(args.graph, args.params)
    with Outputs("cmodel", force=args.force) as out:
        folder = out.folder(args.output)
        source = emit(graph, weights=args.weights)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in source.files.items():
            (folder / name).write_bytes(data)
    arena = source.arena
    print(f"wrote {args.output}: {len(source.manifest['tensors'])} layer outputs, weights "
          f"{source.manifest['blob']['bytes']} bytes ({args.weights}), arena {arena.peak} bytes "
          f"(naive {arena.naive}, {100 * arena.saving:.1f}% saved), scratch {source.manifest['scratch_bytes']} bytes")
    return 0


def _build(args: argparse.Namespace) -> int:
    from frontc.cmodel.build import LIBRARY, build
    target = Path(args.folder) / LIBRARY
    with Outputs("cmodel", force=args.force) as out:
        staged = out.file(target)
        build(args.folder, staged, opt=args.opt, cc=args.cc, extra=args.cflag)
    print(f"wrote {target}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from frontc.cmodel import CModel
    from frontc.ir.serialize import npz_bytes
    model = CModel(args.folder)
    names = [s["name"] for s in model.inputs]
    feeds = {name: read_npy(path) for name, path in named_paths(args.input_npy, names, "--input_npy").items()}
    targets = named_paths(args.output_npy, [s["name"] for s in model.outputs], "--output_npy")
    with Outputs("cmodel", force=args.force) as out:
        for path in [*targets.values(), *([args.trace] if args.trace else [])]:
            out.file(path)
        values = model.trace(feeds) if args.trace else model.predict(feeds)
        for spec in model.outputs:
            value = values[spec["name"]]
            print(f"{spec['name']}: {value.dtype}{list(value.shape)} min={value.min()} max={value.max()}")
            if spec["name"] in targets:
                out.write(targets[spec["name"]], npy_bytes(value))
        if args.trace:
            out.write(args.trace, npz_bytes(values))
    for name, path in targets.items():
        print(f"wrote {name} to {path}")
    if args.trace:
        print(f"wrote {len(values)} tensors to {args.trace}")
    return 0
