"""examples/mxnet_eval.py: an MXNet checkpoint's top-1/top-5 on labelled images, against the frontc
interpreter on the same checkpoint and the same preprocessed images."""
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

import frontc
from frontc.datasets.images import open_inputs
from frontc.datasets.preprocess import Preprocess
from frontc.ir.graph import TensorSpec

ROOT = Path(__file__).resolve().parents[1]


def test_mxnet_eval_agrees_with_the_interpreter(tmp_path, capsys):
    from frontc.compat.mxnet_env import import_mxnet
    from frontc.frontends.mxnet.gluon import export_block
    mx = import_mxnet()
    mx.random.seed(0)
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Conv2D(8, 3, activation="relu"), mx.gluon.nn.GlobalAvgPool2D(), mx.gluon.nn.Dense(10))
    net.initialize(mx.init.Xavier())
    prefix = export_block(net, [(1, 3, 20, 20)], tmp_path, "tiny")
    rng = np.random.default_rng(0)
    images = tmp_path / "images"
    images.mkdir()
    labels = rng.integers(0, 10, 12)
    for i, label in enumerate(labels):
        Image.fromarray(rng.integers(0, 256, (24, 30, 3), dtype=np.uint8)).save(images / f"img{i:02d}_{label}.png")
    spec = importlib.util.spec_from_file_location("mxnet_eval", ROOT / "examples" / "mxnet_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = ["--prefix", prefix, "--images", str(images), "--input-shape", "1,3,20,20", "--resize", "20",
            "--crop", "20", "--mean", "120", "--std", "60"]
    assert module.main(args) == 0
    graph = frontc.load(f"{prefix}-symbol.json", "mxnet", input_shapes={"data": (1, 3, 20, 20)})
    inputs = open_inputs(images, TensorSpec("data", (1, 3, 20, 20)),
                         Preprocess.from_config({"resize": 20, "crop": 20, "mean": [120], "std": [60]}))
    files = sorted(images.iterdir())
    ranked = [np.argsort(-frontc.run(graph, {"data": inputs.sample(i)[None]})[graph.outputs[0]].reshape(-1),
                         kind="stable")[:5] for i in range(len(files))]
    truth = [int(f.stem.rsplit("_", 1)[1]) for f in files]
    top1 = np.mean([r[0] == t for r, t in zip(ranked, truth)])
    top5 = np.mean([t in r for r, t in zip(ranked, truth)])
    assert capsys.readouterr().out.strip() == f"top-1 {100 * top1:.2f}%, top-5 {100 * top5:.2f}% on 12 images"
