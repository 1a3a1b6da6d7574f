"""frontc zoo: layout, write-once submission (interrupted, repeated, racing), verify, list, show, export."""
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from frontc.cli import main
from frontc.compiler import compile_graph, write_ir
from frontc.testing.graphs import tiny_resnet
from frontc.zoo import store
from frontc.zoo.card import FIELDS

ROOT = Path(__file__).resolve().parents[2]


def card(**changes):
    base = {"model": "tinyresnet", "domain": "vision", "task": "classification", "framework": "onnx",
            "input_shape": [1, 3, 32, 32], "preprocessing": {"mean": [0.5] * 3, "std": [0.5] * 3},
            "accuracy": {"float": 0.7767, "quantized": {"symmetry_max": 0.761}}, "sparsity": 0.9375,
            "nnz": 1234, "dense_flops": 5.0e6, "sparse_flops": 3.1e5, "checklist": {"compile": "yes"},
            "frontc_version": "0.1.0", "date": "20200717"}
    return base | changes


@pytest.fixture(scope="module")
def checklist_folder(tmp_path_factory):
    """A checklist output folder: compiled IR of a real graph, a source file, a quantized pb and a card."""
    folder = tmp_path_factory.mktemp("out")
    write_ir(compile_graph(tiny_resnet()), folder / "moffett_ir", render=False)
    (folder / "source").mkdir()
    (folder / "source" / "tinyresnet-symbol.json").write_text('{"nodes": []}\n')
    (folder / "source" / "tinyresnet-0000.params").write_bytes(os.urandom(4096))
    (folder / "tinyresnet_symmetry_max_quantization.pb").write_bytes(os.urandom(512))
    (folder / "oldname_symmetry_max_quantization.pb").write_bytes(os.urandom(64))  # another model's: not submitted
    (folder / "card.yaml").write_text(yaml.safe_dump(card()))
    return folder


def zoo(*args):
    return main(["zoo", *args])


def test_submit_lays_out_the_seed_folder_and_verifies(checklist_folder, tmp_path, capsys):
    assert zoo("submit", str(checklist_folder), "--zoo", str(tmp_path)) == 0
    version = tmp_path / "vision" / "classification" / "tinyresnet" / "20200717_sp93.75_32x32"
    names = sorted(p.relative_to(version).as_posix() for p in version.rglob("*") if p.is_file())
    assert names == ["MANIFEST.sha256", "card.yaml", "moffett_ir/IR_for_reconstruct_graph.json",
                     "moffett_ir/IR_for_reconstruct_params.npz", "moffett_ir/IR_fused_for_CModel_graph.json",
                     "moffett_ir/IR_fused_for_CModel_params.npz", "moffett_ir/compile_report.txt",
                     "tinyresnet-0000.params", "tinyresnet-symbol.json",
                     "tinyresnet_symmetry_max_quantization.pb"]
    assert (version / "tinyresnet-0000.params").read_bytes() == \
        (checklist_folder / "source" / "tinyresnet-0000.params").read_bytes()
    written = yaml.safe_load((version / "card.yaml").read_text())
    assert list(written)[:len(FIELDS)] == list(FIELDS) and written["version"] == "20200717_sp93.75_32x32"
    # the manifest is what sha256sum computes
    check = subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=version, capture_output=True)
    assert check.returncode == 0, check.stdout
    assert zoo("verify", "--zoo", str(tmp_path)) == 0
    assert "20200717_sp93.75_32x32: ok" in capsys.readouterr().out


def test_verify_reports_a_flipped_byte_a_deleted_and_an_added_file(checklist_folder, tmp_path, capsys):
    zoo("submit", str(checklist_folder), "--zoo", str(tmp_path), "--version", "original")
    version = tmp_path / "vision" / "classification" / "tinyresnet" / "original"
    params = version / "tinyresnet-0000.params"
    data = bytearray(params.read_bytes())
    data[100] ^= 0x01
    params.write_bytes(bytes(data))
    (version / "moffett_ir" / "IR_fused_for_CModel_graph.json").unlink()
    (version / "notes.txt").write_text("added\n")
    capsys.readouterr()
    assert zoo("verify", "tinyresnet/original", "--zoo", str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert out.strip() == ("vision/classification/tinyresnet/original: missing moffett_ir/IR_fused_for_CModel_"
                           "graph.json; modified tinyresnet-0000.params; extra notes.txt")
    assert zoo("export", "tinyresnet/original", "-o", str(tmp_path / "x.tar.gz"), "--zoo", str(tmp_path)) == 2
    assert not (tmp_path / "x.tar.gz").exists()


def test_a_second_submit_of_the_same_version_is_refused(checklist_folder, tmp_path, capsys):
    assert zoo("submit", str(checklist_folder), "--zoo", str(tmp_path)) == 0
    manifest = next(tmp_path.rglob("MANIFEST.sha256")).read_bytes()
    assert zoo("submit", str(checklist_folder), "--zoo", str(tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "zoo version vision/classification/tinyresnet/20200717_sp93.75_32x32 already exists" \
        in err[0]
    assert next(tmp_path.rglob("MANIFEST.sha256")).read_bytes() == manifest


def test_two_racing_submits_one_wins_the_other_fails_cleanly(checklist_folder, tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    for name in ("source", "moffett_ir"):
        (big / name).symlink_to(checklist_folder / name)
    (big / "card.yaml").write_bytes((checklist_folder / "card.yaml").read_bytes())
    (big / "tinyresnet_scale_shift_quantization.pb").write_bytes(os.urandom(48 << 20))  # a slow copy
    go = tmp_path / "go"
    code = ("import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.001)\n"
            "from frontc.cli import main\nsys.exit(main(['zoo', 'submit', sys.argv[2], '--zoo', sys.argv[3]]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", code, str(go), str(big), str(tmp_path / "zoo")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    go.touch()
    results = sorted((p.wait(timeout=120), p.stderr.read().strip()) for p in procs)
    assert [rc for rc, _ in results] == [0, 2]
    assert len(results[1][1].splitlines()) == 1
    assert ("already exists" in results[1][1]) or ("is in progress" in results[1][1])
    assert main(["zoo", "verify", "--zoo", str(tmp_path / "zoo")]) == 0
    model = tmp_path / "zoo" / "vision" / "classification" / "tinyresnet"
    assert [p.name for p in model.iterdir()] == ["20200717_sp93.75_32x32"]


def test_an_interrupted_submit_leaves_nothing_visible(checklist_folder, tmp_path, monkeypatch):
    calls = []

    def copy_then_interrupt(source, target):
        calls.append(source)
        if len(calls) == 3:
            raise KeyboardInterrupt
        Path(target).write_bytes(Path(source).read_bytes())

    monkeypatch.setattr(store.shutil, "copyfile", copy_then_interrupt)
    assert zoo("submit", str(checklist_folder), "--zoo", str(tmp_path)) == 130
    model = tmp_path / "vision" / "classification" / "tinyresnet"
    assert list(model.iterdir()) == [] and store.entries(tmp_path) == []


def test_a_staging_folder_left_by_a_killed_submit_is_invisible_and_cleaned(checklist_folder, tmp_path, capsys):
    model = tmp_path / "vision" / "classification" / "tinyresnet"
    stale = model / ".staging-20200717_sp93.75_32x32-abc"
    stale.mkdir(parents=True)
    (stale / "half.params").write_bytes(b"x")
    assert store.entries(tmp_path) == []
    assert zoo("submit", str(checklist_folder), "--zoo", str(tmp_path)) == 0
    assert [p.name for p in model.iterdir()] == ["20200717_sp93.75_32x32"]


@pytest.mark.parametrize("field,value", [("model", "../evil"), ("model", "/abs"), ("task", "a/b"),
                                         ("model", "bad\nname"), ("model", ".."), ("domain", "audio")])
def test_unsafe_names_are_refused_and_nothing_is_written(checklist_folder, tmp_path, capsys, field, value):
    (tmp_path / "in").mkdir()
    for name in ("source", "moffett_ir"):
        (tmp_path / "in" / name).symlink_to(checklist_folder / name)
    (tmp_path / "in" / "card.yaml").write_text(yaml.safe_dump(card(**{field: value})))
    assert zoo("submit", str(tmp_path / "in"), "--zoo", str(tmp_path / "zoo")) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "zoo").exists() or store.entries(tmp_path / "zoo") == []
    assert not list(tmp_path.rglob("*.yaml"))[1:]  # only the input card


@pytest.mark.parametrize("missing", ["nnz", "accuracy", "frontc_version"])
def test_a_card_missing_a_required_field_is_one_line_exit_2(checklist_folder, tmp_path, capsys, missing):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "moffett_ir").symlink_to(checklist_folder / "moffett_ir")
    (tmp_path / "in" / "card.yaml").write_text(yaml.safe_dump({k: v for k, v in card().items() if k != missing}))
    assert zoo("submit", str(tmp_path / "in"), "--zoo", str(tmp_path / "zoo")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"card misses the required field '{missing}'" in err[0]
    assert not (tmp_path / "zoo").exists()


def test_a_zoo_inside_the_checkout_sources_is_refused(checklist_folder, capsys):
    target = ROOT / "frontc" / "MODEL_ZOO"
    assert zoo("submit", str(checklist_folder), "--zoo", str(target)) == 2
    assert "inside the checkout's sources" in capsys.readouterr().err and not target.exists()


def test_root_comes_from_the_environment_then_the_working_folder(checklist_folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRONTC_ZOO", raising=False)
    assert zoo("submit", str(checklist_folder)) == 0
    assert (tmp_path / "MODEL_ZOO" / "vision").is_dir()
    monkeypatch.setenv("FRONTC_ZOO", str(tmp_path / "envzoo"))
    assert zoo("submit", str(checklist_folder), "--version", "original") == 0
    assert (tmp_path / "envzoo" / "vision" / "classification" / "tinyresnet" / "original").is_dir()


def test_list_filters_by_task_and_sparsity_show_and_export(checklist_folder, tmp_path, capsys):
    zoo("submit", str(checklist_folder), "--zoo", str(tmp_path))
    dense = tmp_path / "dense"
    dense.mkdir()
    (dense / "moffett_ir").symlink_to(checklist_folder / "moffett_ir")
    (dense / "card.yaml").write_text(yaml.safe_dump(card(task="detection", sparsity=0.0, version="original")))
    zoo("submit", str(dense), "--zoo", str(tmp_path))
    capsys.readouterr()
    zoo("list", "--zoo", str(tmp_path))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["domain", "task", "model", "version", "sparsity", "acc", "top1", "quant", "acc"]
    assert len(lines) == 3
    zoo("list", "--zoo", str(tmp_path), "--task", "detection")
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]] == ["detection"]
    zoo("list", "--zoo", str(tmp_path), "--min-sparsity", "0.9")
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [r.split()[3:5] for r in rows] == [["20200717_sp93.75_32x32", "0.9375"]] and "0.7767" in rows[0]
    assert zoo("show", "classification/tinyresnet", "--zoo", str(tmp_path)) == 2  # 2 parts: MODEL/VERSION
    assert zoo("show", "tinyresnet/original", "--zoo", str(tmp_path)) == 0
    assert "task: detection" in capsys.readouterr().out
    assert zoo("export", "vision/classification/tinyresnet/20200717_sp93.75_32x32", "-o",
               str(tmp_path / "out.tar.gz"), "--zoo", str(tmp_path)) == 0
    with tarfile.open(tmp_path / "out.tar.gz") as tar:
        assert "tinyresnet/20200717_sp93.75_32x32/MANIFEST.sha256" in tar.getnames()
    assert zoo("export", "tinyresnet/original", "-o", str(tmp_path / "copy"), "--zoo", str(tmp_path)) == 0
    assert (tmp_path / "copy" / "card.yaml").is_file()
    assert zoo("export", "tinyresnet/original", "-o", str(tmp_path / "copy"), "--zoo", str(tmp_path)) == 2
