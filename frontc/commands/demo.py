"""The main job on the built-in default model: build it, lower it to the IR, save, render and run it.

Files in the output folder that the demo writes are replaced on each run.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from frontc.commands.common import write_npy
from frontc.commands.info import summary
from frontc.interpreter import run
from frontc.ir.serialize import load_graph, save_graph
from frontc.testing.case import seeded_input
from frontc.testing.graphs import tiny_resnet
from frontc.viz import render_graph


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="out/demo", help="output folder (default: out/demo)")


def main(args: argparse.Namespace) -> int:
    out = Path(args.output)
    graph = tiny_resnet()
    json_path, npz_path = save_graph(graph, out / graph.name, overwrite=True)
    print(f"IR: {json_path} and {npz_path}")
    for suffix in ("png", "svg"):
        print(f"rendered: {render_graph(graph, out / f'{graph.name}_graph.{suffix}')}")
    reloaded = load_graph(json_path)
    x = seeded_input(reloaded.inputs[0].shape)
    (y,) = run(reloaded, x).values()
    write_npy(str(out / "input.npy"), x)
    write_npy(str(out / "result.npy"), y)
    info = summary(reloaded)
    print(f"{info['nodes']} nodes, {info['param_values']:,} param values; ops: {info['ops']}")
    print(f"interpreter output {list(y.shape)}: top-1 class {int(np.argmax(y))}, "
          f"p={float(np.max(y)):.4f} (input.npy, result.npy in {out})")
    return 0
