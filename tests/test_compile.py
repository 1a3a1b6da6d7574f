"""frontc compile: the six checklist files, written only on success, byte-identical on a rerun."""
import filecmp

import numpy as np
import onnx
import pytest
from onnx import helper

import frontc
from frontc.catalog.onnx_cases import light_case
from frontc.cli import main
from frontc.compiler import REPORT, output_files, parse_input_shapes
from frontc.ir.errors import OptionError


@pytest.fixture(scope="module")
def squeezenet(tmp_path_factory):
    case = light_case("squeezenet")
    path = tmp_path_factory.mktemp("model") / "squeezenet.onnx"
    onnx.save(case.source, str(path))
    return case, path


def test_compile_writes_the_six_files_and_they_reproduce_the_model(squeezenet, tmp_path, capsys):
    case, path = squeezenet
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path / "moffett_ir")]) == 0
    out = tmp_path / "moffett_ir"
    assert sorted(p.name for p in out.iterdir()) == sorted(output_files() + [REPORT])
    imported = frontc.load(str(path), "onnx")
    assert f"nodes: imported {len(imported.nodes)}, " in (out / REPORT).read_text()
    for prefix in ("IR_for_reconstruct", "IR_fused_for_CModel"):
        graph = frontc.load_graph(out / f"{prefix}_graph.json")
        (y,) = frontc.run(graph, case.feeds).values()
        err = np.abs(y - case.reference[0]).max()
        assert err <= 1e-5 * np.abs(case.reference[0]).max()
    assert "wrote" in capsys.readouterr().out


def test_compiling_twice_gives_identical_files(squeezenet, tmp_path):
    _, path = squeezenet
    for name in ("a", "b"):
        assert main(["compile", "onnx", str(path), "-o", str(tmp_path / name)]) == 0
    for name in output_files() + [REPORT]:
        if name != REPORT:  # the report holds timings
            assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name


def test_existing_output_needs_force(squeezenet, tmp_path, capsys):
    _, path = squeezenet
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path), "--no-png"]) == 0
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path), "--no-png"]) == 2
    assert "file exists (choose another output, or --force to replace it)" in capsys.readouterr().err
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path), "--no-png", "--force"]) == 0


def test_failed_compile_writes_nothing(tmp_path, capsys):
    node = helper.make_node("Unique", ["x"], ["v"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("v", onnx.TensorProto.FLOAT, [None])])
    path = tmp_path / "unique.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path / "ir")]) == 2
    err = capsys.readouterr().err
    assert "Unique x1" in err and err.count("\n") == 1
    assert not (tmp_path / "ir").exists() or not any((tmp_path / "ir").iterdir())


def test_parse_input_shapes():
    assert parse_input_shapes(["data=1,3,224,224"]) == {"data": (1, 3, 224, 224)}
    assert parse_input_shapes(["1x3x8x8"]) == {"": (1, 3, 8, 8)}
    with pytest.raises(OptionError, match="positive sizes"):
        parse_input_shapes(["data=1,0,3"])
    with pytest.raises(OptionError, match="name each input"):
        parse_input_shapes(["1,2", "3,4"])


def test_force_without_png_removes_the_old_pngs(squeezenet, tmp_path):
    _, path = squeezenet
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path)]) == 0
    assert main(["compile", "onnx", str(path), "-o", str(tmp_path), "--force", "--no-png"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n in output_files() + [REPORT]
                                                                if not n.endswith(".png"))
