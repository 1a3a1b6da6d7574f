"""The numpy-only ``.params`` reader, byte for byte against ``mx.nd.load``, and its errors."""
from __future__ import annotations

import struct

import numpy as np
import pytest

from frontc.frontends.mxnet.params import read_params
from frontc.ir.errors import ModelLoadError
from tests.frontends.mxnet.helpers import mx

BFLOAT16 = mx.ndarray.ndarray._DTYPE_MX_TO_NP[12]  # mxnet's structured bfloat16 dtype
HEADER = 24  # u64 list magic, u64 reserved, u64 array count


def _same_as_mxnet(path: str, loaded: dict | list) -> None:
    ours = read_params(path)
    theirs = loaded if isinstance(loaded, dict) else {str(i): v for i, v in enumerate(loaded)}
    assert list(ours) == list(theirs)
    for name, array in theirs.items():
        expected = (array.astype("float32") if array.dtype == BFLOAT16 else array).asnumpy()
        assert ours[name].dtype == expected.dtype, name
        assert ours[name].shape == expected.shape, name
        assert ours[name].tobytes() == expected.tobytes(), name


def test_every_dtype_matches_mx_nd_load(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {f"arg:{dtype}": mx.nd.array(rng.uniform(-100, 100, (2, 3, 4)), dtype=dtype)
              for dtype in ("float32", "float64", "float16", "uint8", "int32", "int8", "int64")}
    arrays["aux:bool"] = mx.nd.array(rng.uniform(-1, 1, (5,)) > 0, dtype="bool")
    arrays["arg:bf16"] = mx.nd.amp_cast(mx.nd.array(rng.standard_normal((3, 7))), dtype=BFLOAT16)
    path = str(tmp_path / "dtypes.params")
    mx.nd.save(path, arrays)
    _same_as_mxnet(path, mx.nd.load(path))
    assert read_params(path)["arg:bf16"].dtype == np.float32  # widened exactly


def test_list_file_and_numpy_shape_semantics(tmp_path):
    listed = str(tmp_path / "list.params")
    mx.nd.save(listed, [mx.nd.ones((2,)), mx.nd.arange(6).reshape((2, 3))])
    _same_as_mxnet(listed, mx.nd.load(listed))
    v3 = str(tmp_path / "v3.params")
    with mx.util.np_shape(True):  # V3 arrays: 0-d scalars and zero-size dims
        mx.nd.save(v3, {"scalar": mx.nd.array(np.float32(3.5).reshape(())), "empty": mx.nd.zeros((2, 0))})
        _same_as_mxnet(v3, mx.nd.load(v3))


def test_exported_model_params_match_mx_nd_load(tmp_path):
    net = mx.gluon.model_zoo.vision.resnet18_v1()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(mx.nd.zeros((1, 3, 64, 64)))
    net.export(str(tmp_path / "resnet"))
    path = str(tmp_path / "resnet-0000.params")
    _same_as_mxnet(path, mx.nd.load(path))
    assert all(name.startswith(("arg:", "aux:")) for name in read_params(path))


@pytest.fixture
def one_array(tmp_path) -> bytes:
    """A valid file holding one float32 (2, 3) array named 'w'."""
    path = tmp_path / "one.params"
    mx.nd.save(str(path), {"w": mx.nd.ones((2, 3))})
    return path.read_bytes()


def _patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    return data[:offset] + struct.pack(fmt, value) + data[offset + struct.calcsize(fmt):]


ARRAY = HEADER  # the array's u32 magic, then i32 storage, i32 ndim, 2 x i64 dims, 2 x i32 context
DTYPE_FLAG = ARRAY + 4 + 4 + 4 + 16 + 8


@pytest.mark.parametrize("mutate, message", [
    (lambda d: _patched(d, 0, "<Q", 0x113), "not an MXNet params file: magic 0x113"),
    (lambda d: _patched(d, ARRAY, "<I", 0xF993FAC8), "array 0 has unknown NDArray magic 0xF993FAC8"),
    (lambda d: _patched(d, ARRAY + 4, "<i", 2), r"array 0 is a sparse \(csr\) NDArray"),
    (lambda d: _patched(d, DTYPE_FLAG, "<i", 9), "array 0 has unknown dtype flag 9"),
    (lambda d: d[:DTYPE_FLAG + 10], "truncated MXNet params file: array 0 data needs 24 bytes"),
    (lambda d: d[:-1], "truncated MXNet params file: name 0 needs 1 bytes"),
    (lambda d: d[:10], "truncated MXNet params file: file header"),
    (lambda d: d + b"\0", "1 unexpected bytes after the names"),
])
def test_malformed_files_raise_one_line_errors_naming_the_file(tmp_path, one_array, mutate, message):
    path = tmp_path / "bad-0000.params"
    path.write_bytes(mutate(one_array))
    with pytest.raises(ModelLoadError, match=message) as info:
        read_params(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_every_truncation_is_caught(tmp_path, one_array):
    path = tmp_path / "cut.params"
    for size in range(len(one_array)):
        path.write_bytes(one_array[:size])
        with pytest.raises(ModelLoadError, match="truncated"):
            read_params(path)


def test_sparse_arrays_saved_by_mxnet_are_refused(tmp_path):
    path = str(tmp_path / "sparse.params")
    mx.nd.save(path, {"s": mx.nd.sparse.csr_matrix(np.eye(3, dtype="float32"))})
    with pytest.raises(ModelLoadError, match=r"sparse \(csr\)"):
        read_params(path)


def test_missing_file(tmp_path):
    with pytest.raises(ModelLoadError, match="cannot read MXNet params file"):
        read_params(tmp_path / "absent.params")
