"""The model catalog: one list of frameworks, entries that match what they build, configs for every entry,
and production code that never imports the test helpers."""
import ast
from pathlib import Path

import pytest
import yaml

from frontc.catalog.registry import MODULES, entries, find
from frontc.frontends import FRAMEWORKS
from frontc.ir.errors import OptionError

ROOT = Path(__file__).resolve().parents[2]


def test_one_module_of_entries_per_framework():
    assert list(MODULES) == list(FRAMEWORKS)


def test_every_entry_is_described():
    for entry in entries():
        assert entry.framework in FRAMEWORKS and entry.name
        assert len(entry.input_shape) >= 2 and all(d > 0 for d in entry.input_shape), entry.name
        assert entry.domain in ("vision", "nlp", "recommendation") and entry.task
        assert isinstance(entry.preprocessing, dict) and entry.preprocessing


@pytest.mark.parametrize("entry", [e for e in entries() if not e.slow], ids=lambda e: f"{e.framework}:{e.name}")
def test_the_declared_input_shape_is_what_the_entry_builds(entry):
    case = entry()
    assert tuple(next(iter(case.feeds.values())).shape) == entry.input_shape  # feeds are in the IR's layout


def test_every_entry_has_a_config_and_every_config_names_an_entry():
    named = {}
    for path in sorted((ROOT / "configs").glob("*.yml")):
        model = (yaml.safe_load(path.read_text()) or {}).get("MODEL") or {}  # bench/matrix suites: other shapes
        if "name" in model:
            entry = find(f"{model['framework']}:{model['name']}")
            named[(entry.framework, entry.name)] = path.name
    assert sorted(named) == sorted((e.framework, e.name) for e in entries())


def test_find_by_name_alias_and_framework():
    assert (find("resnet50v1b").framework, find("resnet50v1b").name) == ("mxnet", "resnet50_v1b")
    assert find("keras:resnet50").framework == "tf" and find("torch:resnet50").framework == "torch"
    with pytest.raises(OptionError, match="unknown framework 'caffe'"):
        find("caffe:alexnet")
    with pytest.raises(OptionError, match="is not a file, a YAML config or a catalog model"):
        find("no_such_model")


def test_production_code_never_imports_the_test_helpers():
    offenders = []
    for path in [*(ROOT / "frontc").rglob("*.py"), *(ROOT / "scripts").glob("*.py")]:
        if "testing" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("frontc.testing")]
    assert offenders == []
