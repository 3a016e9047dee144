"""Property-based tests of kerasdl's dataset file parsers (IDX, npz, CIFAR batches, images).

Valid files round-trip exactly; random and mutated bytes either parse to a well-formed array
or raise kerasdl's own ``DamagedFileError``/``SecurityError`` (ValueError subclasses) from
kerasdl's code, never an exception from deep inside gzip, zipfile, numpy, pickle or PIL.
"""

import gzip
import io
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerasdl
from kerasdl.data import _formats
from kerasdl.errors import DamagedFileError, SecurityError

# KERASDL_TEST_FUZZ_EXAMPLES=5000 runs a deeper, randomized search (default: 60, fixed).
_DEEP = int(os.environ.get("KERASDL_TEST_FUZZ_EXAMPLES", 0))
FUZZ = settings(max_examples=_DEEP or 60, deadline=None, derandomize=not _DEEP,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_clear_error(excinfo, types=(DamagedFileError, SecurityError)):
    """The error is kerasdl's, a ValueError/TypeError, raised from kerasdl's own code."""
    err = excinfo.value
    assert isinstance(err, types), f"{type(err).__name__}: {err}"
    assert isinstance(err, (ValueError, TypeError))
    innermost = str(excinfo.traceback[-1].path)
    assert f"{os.sep}kerasdl{os.sep}" in innermost, (innermost, err)


def outcome(fn, *args, **kwargs):
    """``(result, None)`` or ``(None, ExceptionInfo)``."""
    try:
        return fn(*args, **kwargs), None
    except Exception:  # noqa: BLE001 - the caller checks what was raised
        return None, pytest.ExceptionInfo.from_exc_info(sys.exc_info())


def mutate(data, edits):
    """Apply (kind, position, byte) edits: flip, insert, delete, truncate."""
    data = bytearray(data)
    for kind, pos, byte in edits:
        if not data:
            break
        i = pos % len(data)
        if kind == "flip":
            data[i] ^= byte or 1
        elif kind == "set":
            data[i] = byte
        elif kind == "insert":
            data[i:i] = bytes([byte])
        elif kind == "delete":
            del data[i]
        else:  # truncate
            del data[i:]
    return bytes(data)


EDITS = st.lists(st.tuples(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]),
                           st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4)


# ---------------------------------------------------------------------------------------- IDX

IDX_CODES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def idx_bytes(arr, code):
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(IDX_CODES[code]).tobytes()


@st.composite
def idx_files(draw):
    code = draw(st.sampled_from(sorted(IDX_CODES)))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    arr = (rng.integers(0, 100, size=shape)).astype(np.dtype(IDX_CODES[code]).newbyteorder("="))
    compress = draw(st.booleans())
    raw = idx_bytes(arr, code)
    return arr, (gzip.compress(raw, mtime=0) if compress else raw)


@FUZZ
@given(idx_files())
def test_idx_roundtrip(sample):
    arr, raw = sample
    out = _formats.parse_idx_bytes(raw)
    assert out.shape == arr.shape and out.dtype == arr.dtype
    np.testing.assert_array_equal(out, arr)


@FUZZ
@given(idx_files(), EDITS)
def test_idx_mutated(sample, edits):
    _, raw = sample
    bad = mutate(raw, edits)
    out, excinfo = outcome(_formats.parse_idx_bytes, bad, "mutated.idx")
    if excinfo:
        assert_clear_error(excinfo)
        assert "mutated.idx" in str(excinfo.value)
    else:
        assert isinstance(out, np.ndarray) and out.ndim >= 1


@FUZZ
@given(st.binary(max_size=300))
def test_idx_random_bytes(raw):
    out, excinfo = outcome(_formats.parse_idx_bytes, raw)
    if excinfo:
        assert_clear_error(excinfo)
    else:
        assert isinstance(out, np.ndarray) and out.ndim >= 1


def test_idx_header_announcing_terabytes_is_refused_without_allocating():
    raw = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 2**20, 2**20, 2**10) + b"\x00" * 16
    with pytest.raises(DamagedFileError, match=r"announces 1125899906842624 bytes") as ei:
        _formats.parse_idx_bytes(raw, "huge.idx")
    assert_clear_error(ei)


def test_idx_gzip_bomb_is_refused():
    raw = bytes([0, 0, 0x08, 1]) + struct.pack(">I", 10) + bytes(10)
    bomb = gzip.compress(raw + bytes(50 * 2**20), mtime=0)  # 50 MiB of zeros after the data
    with pytest.raises(DamagedFileError, match=r"decompresses to more") as ei:
        _formats.parse_idx_bytes(bomb, "bomb.idx.gz")
    assert_clear_error(ei)


# ---------------------------------------------------------------------------------------- npz


def npz_bytes(seed):
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    np.savez(buf, x=rng.random((6, 3)).astype("float32"), y=np.arange(6) % 2)
    return buf.getvalue()


def _write(data, suffix):
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(name)


@FUZZ
@given(st.integers(0, 3), EDITS)
def test_npz_mutated(seed, edits):
    path = _write(mutate(npz_bytes(seed), edits), ".npz")
    try:
        out, excinfo = outcome(_formats.read_npz_arrays, path, ["x", "y"])
        if excinfo:
            assert_clear_error(excinfo)
            assert str(path) in str(excinfo.value)
        else:
            assert set(out) == {"x", "y"}
            assert all(v.dtype.kind in "biuf" for v in out.values())
    finally:
        path.unlink()


@FUZZ
@given(st.integers(0, 3), EDITS)
def test_from_npz_mutated(seed, edits):
    """The public entry point: damaged files and bad arrays both give kerasdl's errors."""
    path = _write(mutate(npz_bytes(seed), edits), ".npz")
    try:
        data, excinfo = outcome(kerasdl.data.from_npz, path)
        if excinfo:
            assert_clear_error(excinfo, (ValueError, TypeError))
        else:
            assert data.x_train.ndim == 2 and len(data.x_train) == len(data.y_train)
    finally:
        path.unlink()


def test_npz_with_pickled_object_is_refused(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "obj.npz"
    np.savez(path, x=np.array([_Touch(marker)], dtype=object), y=np.arange(1))
    with pytest.raises(DamagedFileError) as ei:
        kerasdl.data.from_npz(path)
    assert_clear_error(ei)
    assert not marker.exists()


# -------------------------------------------------------------------------------------- CIFAR


class _Touch:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def cifar_bytes(n, seed, protocol):
    rng = np.random.default_rng(seed)
    batch = {b"batch_label": b"testing batch", b"labels": list(rng.integers(0, 10, n)),
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             b"filenames": [b"f%d.png" % i for i in range(n)]}
    batch[b"labels"] = [int(v) for v in batch[b"labels"]]
    return batch, pickle.dumps(batch, protocol=protocol)


@FUZZ
@given(st.integers(1, 3), st.integers(0, 9), st.sampled_from([2, 4]))
def test_cifar_roundtrip(n, seed, protocol):
    batch, raw = cifar_bytes(n, seed, protocol)
    x, y = _formats.parse_cifar_batch(raw)
    assert x.shape == (n, 32, 32, 3) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[:, :, :, 0].reshape(n, -1), batch[b"data"][:, :1024])
    np.testing.assert_array_equal(y, batch[b"labels"])


@FUZZ
@given(st.integers(1, 2), st.integers(0, 9), st.sampled_from([2, 4]), EDITS)
def test_cifar_mutated(n, seed, protocol, edits):
    _, raw = cifar_bytes(n, seed, protocol)
    bad = mutate(raw, edits)
    out, excinfo = outcome(_formats.parse_cifar_batch, bad, "mutated_batch")
    if excinfo:
        assert_clear_error(excinfo)
    else:
        x, y = out
        assert x.ndim == 4 and x.shape[1:] == (32, 32, 3) and len(y) == len(x)


@FUZZ
@given(st.binary(max_size=200))
def test_cifar_random_bytes(raw):
    out, excinfo = outcome(_formats.parse_cifar_batch, raw)
    if excinfo:
        assert_clear_error(excinfo)
    else:
        assert out[0].shape[1:] == (32, 32, 3)


@pytest.mark.parametrize("protocol", [0, 2, 4, 5])
def test_cifar_pickle_payload_never_runs(tmp_path, protocol):
    marker = tmp_path / "PWNED"
    raw = pickle.dumps({b"data": _Touch(marker), b"labels": [0]}, protocol=protocol)
    pattern = r"evil_batch: refusing to load \S+ from a pickle"
    with pytest.raises(SecurityError, match=pattern) as ei:
        _formats.parse_cifar_batch(raw, "evil_batch")
    assert_clear_error(ei)
    assert not marker.exists()


# ------------------------------------------------------------------------------------- images


def png_bytes(seed, mode):
    from PIL import Image

    rng = np.random.default_rng(seed)
    shape = (5, 4) if mode == "L" else (5, 4, len(mode))
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(buf, "PNG")
    return buf.getvalue()


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 5), st.sampled_from(["L", "RGB", "RGBA"]), EDITS,
       st.sampled_from([".png", ".jpg"]))
def test_image_folder_with_mutated_image(seed, mode, edits, suffix):
    root = Path(tempfile.mkdtemp())
    try:
        for cls in ("a", "b"):
            (root / cls).mkdir()
            (root / cls / f"0{suffix}").write_bytes(png_bytes(seed, mode))
        (root / "b" / f"1{suffix}").write_bytes(mutate(png_bytes(seed + 1, mode), edits))
        data, excinfo = outcome(kerasdl.data.from_directory, root, image_size=(5, 4),
                                color_mode="rgb")
        if excinfo:
            assert_clear_error(excinfo)
            assert "1" + suffix in str(excinfo.value)
        else:
            assert data.x_train.shape == (3, 5, 4, 3)
            assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    finally:
        for p in sorted(root.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        root.rmdir()
