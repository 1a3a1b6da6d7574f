"""Image folders, .npy/.npz sets, the PREPROCESS spec and label lists."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from frontc.datasets.images import ArrayInputs, ImageFiles, image_folder, open_inputs
from frontc.datasets.labels import read_image_list
from frontc.datasets.preprocess import Preprocess
from frontc.ir.errors import OptionError
from frontc.ir.graph import TensorSpec

NCHW = TensorSpec("data", (1, 3, 6, 8), layout="NCHW")


def _pixels(seed: int, h: int = 6, w: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.fixture
def folder(tmp_path):
    """Five lossless PNGs (one in a subfolder) with known pixels."""
    (tmp_path / "sub").mkdir()
    for i in range(5):
        path = tmp_path / ("sub" if i == 4 else ".") / f"img{i}.png"
        Image.fromarray(_pixels(i)).save(path)
    return tmp_path


def test_folder_order_and_normalization(folder):
    files = image_folder(folder)
    assert [p.relative_to(folder).as_posix() for p in files] == [f"img{i}.png" for i in range(4)] + ["sub/img4.png"]
    pre = Preprocess.from_config({"mean": [123.68, 116.78, 103.94], "std": [58.4, 57.1, 57.4]})
    inputs = ImageFiles(files, NCHW, pre)
    expected = (_pixels(2).astype(np.float32) - np.float32([123.68, 116.78, 103.94])) \
        / np.float32([58.4, 57.1, 57.4])
    np.testing.assert_array_equal(inputs.sample(2), expected.transpose(2, 0, 1))


def test_batches_of_any_size_and_order(folder):
    inputs = open_inputs(folder, NCHW, Preprocess())
    whole = np.concatenate(list(inputs.batches(5)))
    for size in (1, 2, 3, 7):
        batches = list(inputs.batches(size))
        assert [len(b) for b in batches][:-1] == [size] * (len(batches) - 1)
        np.testing.assert_array_equal(np.concatenate(batches), whole)
    order = [4, 0, 3, 1, 2]
    np.testing.assert_array_equal(np.concatenate(list(inputs.batches(2, order))), whole[order])


def test_bgr_nhwc_and_grayscale(folder):
    pre = Preprocess.from_config({"color": "BGR", "mean": [1, 2, 3]})
    nhwc = ImageFiles(image_folder(folder), TensorSpec("x", (1, 6, 8, 3), layout="NHWC"), pre)
    expected = _pixels(0)[:, :, ::-1].astype(np.float32) - np.float32([1, 2, 3])
    np.testing.assert_array_equal(nhwc.sample(0), expected)
    gray = ImageFiles(image_folder(folder), TensorSpec("x", (1, 1, 6, 8)), Preprocess())
    expected = np.asarray(Image.fromarray(_pixels(0)).convert("L"), np.float32)
    np.testing.assert_array_equal(gray.sample(0)[0], expected)


def test_resize_shorter_side_then_crop(tmp_path):
    Image.fromarray(_pixels(0, 40, 60)).save(tmp_path / "a.png")
    pre = Preprocess.from_config({"resize": 20, "crop": [16, 18]})
    got = ImageFiles(image_folder(tmp_path), TensorSpec("x", (1, 3, 16, 18)), pre).sample(0)
    resized = Image.fromarray(_pixels(0, 40, 60)).resize((30, 20), Image.BILINEAR)
    expected = np.asarray(resized, np.float32)[2:18, 6:24]
    np.testing.assert_array_equal(got, expected.transpose(2, 0, 1))
    exact = Preprocess.from_config({"resize": [16, 18]})
    got = ImageFiles(image_folder(tmp_path), TensorSpec("x", (1, 3, 16, 18)), exact).sample(0)
    resized = Image.fromarray(_pixels(0, 40, 60)).resize((18, 16), Image.BILINEAR)
    np.testing.assert_array_equal(got, np.asarray(resized, np.float32).transpose(2, 0, 1))


def test_array_sets(tmp_path):
    x = np.random.default_rng(0).standard_normal((7, 3, 6, 8)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.savez(tmp_path / "x.npz", data=x, other=x[:1])
    for name in ("x.npy", "x.npz"):
        inputs = open_inputs(tmp_path / name, NCHW)
        assert isinstance(inputs, ArrayInputs) and len(inputs) == 7
        np.testing.assert_array_equal(np.concatenate(list(inputs.batches(3))), x)


@pytest.mark.parametrize("make, match", [
    (lambda p: p / "missing", "image folder not found"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "empty"),
    (lambda p: (p / "notes.txt").write_text("x") and p, "'notes.txt' is not an image file"),
])
def test_folder_errors(tmp_path, make, match):
    with pytest.raises(OptionError, match=match):
        open_inputs(make(tmp_path), NCHW)


def test_unreadable_and_missized_images(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    inputs = open_inputs(tmp_path, NCHW)
    with pytest.raises(OptionError, match="bad.jpg: cannot read the image"):
        list(inputs.batches(4))
    (tmp_path / "bad.jpg").unlink()
    Image.fromarray(_pixels(0, 10, 10)).save(tmp_path / "a.png")
    with pytest.raises(OptionError, match=r"preprocessed image is \[10, 10\].*takes \[6, 8\]"):
        list(open_inputs(tmp_path, NCHW).batches(1))


@pytest.mark.parametrize("config, match", [
    ({"resize": "big"}, "PREPROCESS.resize"), ({"color": "HSV"}, "not RGB or BGR"),
    ({"std": [0, 1, 1]}, "must be positive"), ({"mean": [1, 2]}, "1 or 3"), ({"scale": 1}, "unknown key"),
])
def test_preprocess_errors(config, match):
    with pytest.raises(OptionError, match=match):
        Preprocess.from_config(config)


def test_array_errors(tmp_path):
    np.save(tmp_path / "wrong.npy", np.zeros((2, 3, 5, 5), np.float32))
    with pytest.raises(OptionError, match="does not hold inputs"):
        open_inputs(tmp_path / "wrong.npy", NCHW)
    (tmp_path / "junk.npy").write_bytes(b"junk")
    with pytest.raises(OptionError, match="cannot read the array file"):
        open_inputs(tmp_path / "junk.npy", NCHW)


def test_image_list_with_synsets(folder):
    (folder / "synsets.txt").write_text("n01440764\nn01443537\nn01484850\n")
    (folder / "list.txt").write_text("# comment\nimg0.png n01443537\nsub/img4.png 2\n\n")
    files, labels = read_image_list(folder / "list.txt", folder, folder / "synsets.txt")
    assert [f.name for f in files] == ["img0.png", "img4.png"] and labels == [1, 2]
    (folder / "list.txt").write_text("img0.png n99999999\n")
    with pytest.raises(OptionError, match="line 1: label 'n99999999' is not in the label file"):
        read_image_list(folder / "list.txt", folder, folder / "synsets.txt")
    (folder / "list.txt").write_text("img9.png 1\n")
    with pytest.raises(OptionError, match="image 'img9.png' not found"):
        read_image_list(folder / "list.txt", folder)


def test_image_list_file(folder):
    (folder / "calib.txt").write_text("sub/img4.png\n# skipped\nimg1.png 7\n")
    inputs = open_inputs(folder / "calib.txt", NCHW)
    np.testing.assert_array_equal(np.concatenate(list(inputs.batches(2))),
                                  np.stack([_pixels(4), _pixels(1)]).astype(np.float32).transpose(0, 3, 1, 2))
    (folder / "calib.txt").write_text("gone.png\n")
    with pytest.raises(OptionError, match="line 1: image 'gone.png' not found"):
        open_inputs(folder / "calib.txt", NCHW)


def _resident_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def test_streaming_a_large_npy_keeps_the_resident_set_flat(tmp_path):
    path = tmp_path / "x.npy"
    data = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(256, 3, 128, 128))
    data[:] = np.arange(256, dtype=np.float32)[:, None, None, None]  # 48 MiB
    data.flush()
    del data
    inputs = ArrayInputs(path, TensorSpec("x", (1, 3, 128, 128), "float32"))
    before = _resident_mib()
    seen = [float(batch[0, 0, 0, 0]) for batch in inputs.batches(1, order=list(range(255, -1, -1)))]
    assert seen == list(range(255, -1, -1))
    assert _resident_mib() - before < 8  # was the file's 48 MiB: every mapped page stayed resident
