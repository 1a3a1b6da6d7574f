"""The statistics update of ``observers`` as one C pass (built with gcc on first use, cached by the hash
of its source); numpy is the fallback where no compiler works. Both give the same result: the exact
min and max, and bin = (int32)(|x| * scale) in float32, scale a power of two (tested).

The C pass computes the bins of a block of values vectorized (with the min and max as integer order
keys, exact in any order), then counts them into four interleaved uint32 copies of the histogram, so
runs of one bin (a ReLU's zeros) do not wait on each other; the copies are added up at the end.
ctypes releases the GIL during the call, so tensors can be scanned on several threads at once.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

LANES = 4
SOURCE = r"""
#include <stdint.h>
#include <string.h>
#include <math.h>
#define LANES @LANES@
#define BLOCK 2048
static inline int32_t order_key(int32_t v) { return v ^ ((v >> 31) & 0x7fffffff); }

__attribute__((target_clones("avx2", "default")))
static void block_bins(const float *x, int64_t n, float scale, float top, int32_t bins, int32_t *idx, int32_t *lo,
                       int32_t *hi) {
    int32_t l = *lo, h = *hi;
    for (int64_t i = 0; i < n; i++) {
        float f = x[i];
        int32_t v;
        memcpy(&v, &f, 4);
        int32_t k = order_key(v);
        l = k < l ? k : l;
        h = k > h ? k : h;
        float s = fabsf(f) * scale;
        idx[i] = s < top ? (int32_t)s : bins;
    }
    *lo = l;
    *hi = h;
}

int64_t frontc_stats_f32(const float *x, int64_t n, float scale, int64_t *hist, int32_t bins, uint32_t *scratch,
                         float *range) {
    int32_t idx[BLOCK];
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    int64_t outside = 0;
    const float top = (float)bins;
    for (int64_t start = 0; start < n; start += (int64_t)1 << 30) {
        int64_t end = n - start > ((int64_t)1 << 30) ? start + ((int64_t)1 << 30) : n;
        for (int64_t i = start; i < end; i += BLOCK) {
            int64_t m = end - i < BLOCK ? end - i : BLOCK;
            block_bins(x + i, m, scale, top, bins, idx, &lo, &hi);
            int64_t j = 0;
            for (; j + LANES <= m; j += LANES)
                for (int l = 0; l < LANES; l++) scratch[l * (bins + 1) + idx[j + l]]++;
            for (; j < m; j++) scratch[idx[j]]++;
        }
        for (int l = 0; l < LANES; l++) outside += scratch[l * (bins + 1) + bins];
        if (!outside)
            for (int l = 0; l < LANES; l++)
                for (int32_t b = 0; b < bins; b++) hist[b] += scratch[l * (bins + 1) + b];
        memset(scratch, 0, (size_t)LANES * (bins + 1) * sizeof(uint32_t));
    }
    lo = order_key(lo);
    hi = order_key(hi);
    memcpy(range, &lo, 4);
    memcpy(range + 1, &hi, 4);
    return outside;
}
""".replace("@LANES@", str(LANES))
_LIB: list = []
_SCRATCH = threading.local()


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "frontc"


def _load() -> ctypes.CDLL | None:
    if _LIB:
        return _LIB[0]
    lib = None
    try:
        folder = _cache_dir()
        target = folder / f"fasthist_{hashlib.sha256(SOURCE.encode()).hexdigest()[:16]}.so"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder) as tmp:
                src = Path(tmp) / "fasthist.c"
                src.write_text(SOURCE)
                subprocess.run(["gcc", "-O3", "-shared", "-fPIC", "-o", str(Path(tmp) / "lib.so"), str(src)],
                               check=True, capture_output=True, timeout=60)
                os.replace(Path(tmp) / "lib.so", target)
        lib = ctypes.CDLL(str(target))
        lib.frontc_stats_f32.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_float, ctypes.c_void_p,
                                         ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p]
        lib.frontc_stats_f32.restype = ctypes.c_int64
    except (OSError, subprocess.SubprocessError):
        lib = None
    _LIB.append(lib)
    return lib


def _scratch(bins: int) -> np.ndarray:
    """This thread's zeroed LANES x (bins + 1) uint32 counts (the C pass leaves them zeroed)."""
    scratch = getattr(_SCRATCH, "counts", None)
    if scratch is None or scratch.size != LANES * (bins + 1):
        scratch = _SCRATCH.counts = np.zeros(LANES * (bins + 1), np.uint32)
    return scratch


def scan(values: np.ndarray, hist: np.ndarray, scale: np.float32) -> tuple[float, float, bool]:
    """(min, max, counted) of float32 ``values``: when every |v| * scale falls in the bins (so none is
    NaN or infinite), hist[(int32)(|v| * scale)] += 1 for each and counted is True; else hist is unchanged."""
    assert hist.dtype == np.int64 and hist.flags.c_contiguous and values.dtype == np.float32
    lib = _load()
    flat = np.ascontiguousarray(values).reshape(-1)
    if lib is not None:
        bounds = np.zeros(2, np.float32)
        outside = lib.frontc_stats_f32(flat.ctypes.data, flat.size, float(scale), hist.ctypes.data, hist.size,
                                       _scratch(hist.size).ctypes.data, bounds.ctypes.data)
        return float(bounds[0]), float(bounds[1]), outside == 0
    low, high = float(flat.min()), float(flat.max())
    magnitude = np.abs(flat)
    magnitude *= scale
    if not bool((magnitude < hist.size).all()):  # NaN compares False
        return low, high, False
    hist += np.bincount(magnitude.astype(np.intp), minlength=hist.size)
    return low, high, True
