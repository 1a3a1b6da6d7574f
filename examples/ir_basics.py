"""The IR in five steps: build a graph, check it, save it, load it, run and render it.

    python examples/ir_basics.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np

import frontc
from frontc.testing.graphs import tiny_resnet
from frontc.viz import render_graph


def main(out: Path) -> None:
    graph = tiny_resnet()                     # built with frontc.frontends.builder.GraphBuilder
    frontc.ir.lint(graph)                     # names, order, schemas, params, shapes
    json_path, _ = frontc.save_graph(graph, out / "tiny", overwrite=True)
    loaded = frontc.load_graph(json_path)     # checks the params file belongs to the graph
    x = np.random.default_rng(0).uniform(-1, 1, loaded.inputs[0].shape).astype(np.float32)
    trace = frontc.run(loaded, {"data": x}, trace=True)
    for name in ("stem.conv", "block.add", "prob"):
        print(f"{name:10} {trace[name].shape}")
    print("rendered", render_graph(loaded, out / "tiny_graph.svg"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/examples"))
