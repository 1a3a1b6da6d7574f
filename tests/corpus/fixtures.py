"""The corpus's input files: one good IR graph, model files, and many malformed files and configs."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from frontc.interpreter import run
from frontc.ir import save_graph
from frontc.testing.graphs import tiny_resnet

# files that each case's output folder holds before the command runs: none may change without --force
TAKEN = ["taken.npy", "taken.npz", "taken.png", "taken.json", "taken.pt", "taken.pb",
         "ir/IR_for_reconstruct_graph.json", "ir/IR_for_reconstruct_params.npz", "ir/IR_fused_for_CModel_graph.png",
         "ck/checklist.md",
         "ck/checklist.json", "afile", "adir/keep.txt", "saved/saved_model.pb"]


def onnx_model(path: Path) -> None:
    """Conv-Relu-GlobalAveragePool-Flatten-Gemm on a 1x3x32x32 input named x, seeded weights."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal(s).astype(np.float32) / 4, n)
             for n, s in (("w", (8, 3, 3, 3)), ("b", (8,)), ("fw", (10, 8)), ("fb", (10,)))]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]), helper.make_node("GlobalAveragePool", ["r"], ["g"]),
             helper.make_node("Flatten", ["g"], ["f"]), helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def make_inputs(root: Path) -> dict[str, str]:
    """Write every input file under ``root``; returns the placeholders of the case command lines."""
    graph = tiny_resnet()
    g, p = save_graph(graph, root / "m")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1, 3, 32, 32)).astype(np.float32)
    np.save(root / "x.npy", x)
    np.save(root / "y.npy", run(graph, x)["prob"])
    np.save(root / "x_nhwc.npy", x.transpose(0, 2, 3, 1))
    onnx_model(root / "tiny.onnx")
    f = root / "bad"
    f.mkdir()
    files = {
        "empty.json": b"", "garbage.json": os.urandom(256), "notir.json": b'{"a": 1}', "list.json": b"[1, 2]",
        "deep.json": b"[" * 200000 + b"]" * 200000, "truncated_graph.json": g.read_bytes()[:500],
        "random.npz": os.urandom(512), "empty.npz": b"", "truncated.npz": p.read_bytes()[:300],
        "random.npy": os.urandom(300), "empty.npy": b"", "text.npy": b"1,2,3\n",
        "random.onnx": os.urandom(400), "empty.onnx": b"",
        "random.tflite": os.urandom(300), "empty.tflite": b"", "text.pt": b"not a torch file",
        "random.keras": os.urandom(300), "random.pb": os.urandom(300), "random.h5": os.urandom(300),
        "random-symbol.json": os.urandom(200), "bad.yml": b"MODEL: [unclosed", "list.yml": b"- 1\n- 2\n",
        "empty.yml": b"", "nomodel.yml": b"EVALUATION: {}\n", "random.yml": os.urandom(64).replace(b"\x00", b"a"),
    }
    for name, data in files.items():
        (f / name).write_bytes(data)
    doc = json.loads(g.read_text())
    for name, edit in {
        "version": lambda d: d.update(schema_version=99), "nodes_str": lambda d: d.update(nodes="x"),
        "no_inputs": lambda d: d.pop("inputs"), "bad_dim": lambda d: d["inputs"][0].update(shape=[1, 3.5, 32, 32]),
        "neg_dim": lambda d: d["inputs"][0].update(shape=[1, -3, 32, 32]),
        "str_dim": lambda d: d["inputs"][0].update(shape=["a", 3, 32, 32]),
        "bad_op": lambda d: d["nodes"][0].update(op="Conv2"),
        "bad_attr": lambda d: d["nodes"][0]["attrs"].update(strides="2"),
        "dangling": lambda d: d["nodes"][3].update(inputs=["nowhere"]),
        "dup_node": lambda d: d["nodes"].append(d["nodes"][0]),
        "deep_meta": lambda d: d["meta"].update(x=json.loads("[" * 500 + "]" * 500)),
    }.items():
        edit(doc)
        (f / f"{name}_graph.json").write_text(json.dumps(doc))
        (f / f"{name}_params.npz").write_bytes(p.read_bytes())
        doc = json.loads(g.read_text())
    # params that break the values, not the format
    for name, param, value in (("nan", "fc.weight", np.nan), ("inf", "stem.conv.weight", np.inf)):
        (f / f"{name}_graph.json").write_bytes(g.read_bytes())  # frontc never writes these: edit the npz
        with np.load(p) as npz:
            arrays = dict(npz)
        arrays[param].flat[0] = value
        np.savez(f / f"{name}_params.npz", **arrays)
    other = tiny_resnet(classes=5)
    save_graph(other, f / "other")
    np.savez(f / "pickled.npz", a=np.array([{"a": 1}], dtype=object))
    np.save(f / "pickled.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    arrays = {"wrong_shape": np.zeros((2, 2), np.float32), "f64": x.astype(np.float64), "f16": x.astype(np.float16),
              "int32": (x * 10).astype(np.int32), "bool": x > 0, "complex": x.astype(np.complex64),
              "strings": np.array(["a", "b"]), "nan_x": np.full_like(x, np.nan), "scalar": np.float32(1),
              "batch2": np.concatenate([x, x]), "y_wrong": np.zeros((1, 7), np.float32),
              "uint8": (x * 100).astype(np.uint8), "int64big": np.full(x.shape, 2**40 + 1, np.int64),
              "x_nhwc_wrong": np.zeros((1, 32, 32, 5), np.float32)}
    for name, value in arrays.items():
        np.save(f / f"{name}.npy", value)
    np.savez(f / "x.npz", data=x)
    (f / "adir").mkdir()
    for name, text in {
        "typo_key.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nEVALUATION:\n  inptu_npy: ../x.npy\n",
        "typo_section.yml": "MODLE:\n  framework: onnx\n  path: ../tiny.onnx\n",
        "typo_model_key.yml": "MODEL:\n  framework: onnx\n  pth: ../tiny.onnx\n",
        "half_pair.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nEVALUATION:\n  input_npy: ../x.npy\n",
        "bad_fw.yml": "MODEL:\n  framework: caffe\n  path: ../tiny.onnx\n",
        "missing_path.yml": "MODEL:\n  framework: onnx\n  path: ../nothere.onnx\n",
        "bad_shape.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\n  input_shape: [1, 3.5, 32, 32]\n",
        "str_shape.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\n  input_shape: 1x3x32x32x\n",
        "neg_epoch.yml": "MODEL:\n  framework: mxnet\n  path: ../random-symbol.json\n  epoch: -1\n",
        "model_list.yml": "MODEL:\n  - onnx\n",
        "unknown_name.yml": "MODEL:\n  framework: mxnet\n  name: nosuchnet\n",
        "missing_npy.yml": ("MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nEVALUATION:\n  input_npy: nothere.npy\n"
                            "  result_npy: nothere2.npy\n"),
        "bad_eval.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nEVALUATION: 3\n",
        "path_dir.yml": "MODEL:\n  framework: onnx\n  path: adir\n",
        "threshold_key.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nEVALUATION:\n  threshold: -1\n",
        "hw.yaml": ("mac_array: 64\nmac_bits: 8\nclock_mhz: 100\nbit_widths: [8]\nvector_lanes: 4\nsram_kib: 64\n"
                    "dram_gbps: 2\nlayer_overhead_us: 1\nsparse_index_bits: 4\nsparse_speedup: {}\n"),
        "hw_negative.yaml": ("mac_array: 64\nmac_bits: 8\nclock_mhz: 100\nbit_widths: [8]\nvector_lanes: 4\n"
                             "sram_kib: -1\ndram_gbps: 2\nlayer_overhead_us: 1\nsparse_index_bits: 4\n"
                             "sparse_speedup: {}\n"),
        "hw_missing.yaml": "mac_array: 64\nmac_bits: 8\n",
        "sparse_key.yml": "MODEL:\n  framework: onnx\n  path: ../tiny.onnx\nPERF:\n  hardwre: hw.yaml\n",
    }.items():
        (f / name).write_text(text)
    return {"g": str(g), "p": str(p), "x": str(root / "x.npy"), "y": str(root / "y.npy"),
            "xh": str(root / "x_nhwc.npy"), "onnx": str(root / "tiny.onnx"), "F": str(f)}


def make_taken(out: Path) -> None:
    """The files a case's output folder already holds."""
    for name in TAKEN:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(b"precious " + name.encode())
