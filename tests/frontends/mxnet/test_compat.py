"""The compatibility shim and lazy imports, each checked in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.frontends.mxnet.helpers import mx, save_symbol


def _python(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]


def test_gluoncv_imports_next_to_torch_and_keeps_its_threads():
    _python("""
import sys, numpy as np, torch
torch.set_num_threads(2)
from frontc.compat.mxnet_env import import_gluoncv, import_mxnet
gluoncv = import_gluoncv()
assert gluoncv.model_zoo.get_model_list(), "gluoncv did not import its zoo"
assert sys.modules["torch"] is torch and torch.get_num_threads() == 2, torch.get_num_threads()
assert np.bool is np.bool_ and np.int is int and np.float is float and np.object is object
assert np.complex is complex and np.str is str
assert import_mxnet() is sys.modules["mxnet"]
""")


def test_torch_imported_after_mxnet_keeps_its_threads():
    _python("""
from frontc.compat.mxnet_env import import_mxnet
import_mxnet()
import torch
assert torch.get_num_threads() > 1, torch.get_num_threads()
""")


@pytest.mark.parametrize("what", ["import", "read"])
def test_exported_files_are_read_without_mxnet(tmp_path, what):
    symbol = mx.sym.FullyConnected(mx.sym.var("data"), mx.sym.var("w"), num_hidden=2, no_bias=True,
                                   name="fc")
    prefix = save_symbol(symbol, {"arg:w": mx.nd.ones((2, 3))}, tmp_path / "fc")
    read = f"g = frontc.load({prefix!r}, 'mxnet', input_shapes={{'data': (1, 3)}}); " \
           "assert frontc.run(g, np.ones((1, 3), np.float32))['fc'].tolist() == [[3.0, 3.0]]"
    _python(f"""
import sys
import numpy as np
import frontc, frontc.frontends.mxnet
{read if what == "read" else ""}
assert not {{"mxnet", "gluoncv", "torch", "tensorflow"}} & set(sys.modules), sorted(sys.modules)
""")
