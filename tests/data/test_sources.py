"""chunks() and MemmapSource: chunk by chunk, memory stays bounded."""

import tracemalloc

import numpy as np
import pytest

from kerasdl.data import MemmapSource, chunks
from kerasdl.errors import DamagedFileError

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def test_chunks_sizes_and_order():
    x = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    out = list(chunks(x, y, 4))
    assert [len(c[0]) for c in out] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([c[1] for c in out]), y)
    assert [c.tolist() for c in chunks([1, 2, 3], size=2)] == [[1, 2], [3]]


def test_chunks_shuffled_order_is_seeded():
    y = np.arange(10)
    a = [c[1][0] for c in chunks(y, y, 2, shuffle=True, seed=1)]
    b = [c[1][0] for c in chunks(y, y, 2, shuffle=True, seed=1)]
    assert a == b and sorted(a) == [0, 2, 4, 6, 8]


def test_chunks_bad_size():
    with pytest.raises(ValueError, match=r"`size` must be a positive integer \(>= 1\); received "
                                         r"0."):
        list(chunks(np.zeros(3), np.zeros(3), 0))


def test_chunks_length_mismatch():
    with pytest.raises(ValueError, match=r"`x` and `y` must have the same number of samples"):
        list(chunks(np.zeros(3), np.zeros(2), 2))


def test_memmap_source_chunks(tmp_path):
    x = np.arange(30, dtype=np.float64).reshape(10, 3)
    y = np.arange(10) % 2
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    src = MemmapSource(tmp_path / "x.npy", tmp_path / "y.npy", chunk_size=4)
    assert (len(src), src.num_samples, src.input_shape) == (3, 10, (3,))
    got = list(src)
    assert [len(cx) for cx, _ in got] == [4, 4, 2]
    assert got[0][0].dtype == np.float32
    np.testing.assert_array_equal(np.concatenate([cy for _, cy in got]), y)
    np.testing.assert_array_equal(src.chunk(2)[0], x[8:].astype(np.float32))


def test_memmap_source_shuffle_changes_per_epoch(tmp_path):
    np.save(tmp_path / "x.npy", np.arange(40).reshape(40, 1))
    src = MemmapSource(tmp_path / "x.npy", chunk_size=4, shuffle=True, seed=0)
    first = [int(c[0, 0]) for c in src]
    second = [int(c[0, 0]) for c in src]
    assert sorted(first) == sorted(second) == list(range(0, 40, 4))
    assert first != second
    again = MemmapSource(tmp_path / "x.npy", chunk_size=4, shuffle=True, seed=0)
    assert [int(c[0, 0]) for c in again] == first


def test_memory_stays_bounded_on_a_200mb_file(tmp_path):
    n, d = 500_000, 100  # 500k x 100 float32 = 200 MB on disk
    path = tmp_path / "big.npy"
    mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, d))
    for start in range(0, n, 100_000):
        mm[start:start + 100_000] = 1.0
    mm.flush()
    del mm
    np.save(tmp_path / "y.npy", np.zeros(n, np.int8))
    src = MemmapSource(path, tmp_path / "y.npy", chunk_size=25_000)  # 10 MB per chunk
    chunk_bytes = 25_000 * d * 4
    tracemalloc.start()
    try:
        total, seen = 0.0, 0
        for cx, cy in src:
            total += float(cx[:, 0].sum())
            seen += len(cx)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == n and total == n
    assert peak < 3 * chunk_bytes, f"peak {peak / 1e6:.1f} MB for {chunk_bytes / 1e6:.0f} MB chunks"


def test_memmap_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`x_path` '.*x.npy' does not exist."):
        MemmapSource(tmp_path / "x.npy")


def test_memmap_damaged_file(tmp_path):
    (tmp_path / "x.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(DamagedFileError, match=r"x.npy: could not be opened as a .npy array"):
        MemmapSource(tmp_path / "x.npy")


def test_memmap_length_mismatch(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((5, 2)))
    np.save(tmp_path / "y.npy", np.zeros(4))
    with pytest.raises(ValueError, match=r"`x_path` and `y_path` must have the same number of "
                                         r"samples; received 5 and 4."):
        MemmapSource(tmp_path / "x.npy", tmp_path / "y.npy")


def test_memmap_nan_in_chunk(tmp_path):
    x = np.zeros((6, 2))
    x[4, 1] = np.nan
    np.save(tmp_path / "x.npy", x)
    src = MemmapSource(tmp_path / "x.npy", chunk_size=3)
    assert src.chunk(0).shape == (3, 2)
    with pytest.raises(ValueError, match=r"`x chunk 1 of x.npy` contains non-finite values \(1 "
                                         r"NaN, 0 inf; first at index \(1, 1\)\)"):
        src.chunk(1)


def test_memmap_non_numeric(tmp_path):
    np.save(tmp_path / "x.npy", np.array(["a", "b"]))
    with pytest.raises(TypeError, match=r"must hold numbers; its dtype is <U1"):
        MemmapSource(tmp_path / "x.npy")
