"""IDX, npz, CIFAR-batch and image parsing on files the tests generate."""

import gzip
import pickle

import numpy as np
import pytest

from kerasdl.data._formats import (parse_cifar_batch, parse_idx_bytes, read_cifar10, read_idx,
                                   read_image, read_npz_arrays, unpickle_cifar_batch)
from kerasdl.errors import DamagedFileError, SecurityError

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


# ----------------------------------------------------------------------------------------- IDX

@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
def test_idx_round_trip_every_type(fx, dtype):
    arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype) if dtype != "u1" else \
        np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    out = parse_idx_bytes(fx.idx_bytes(arr))
    assert out.shape == (2, 3, 4)
    assert out.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(out, arr)


def test_idx_uncompressed_and_file(fx, tmp_path):
    arr = np.array([[1, 2], [3, 250]], dtype=np.uint8)
    p = tmp_path / "a-idx2-ubyte"
    p.write_bytes(fx.idx_bytes(arr, compress=False))
    np.testing.assert_array_equal(read_idx(p), arr)
    p.write_bytes(fx.idx_bytes(arr))
    np.testing.assert_array_equal(read_idx(p), arr)


def test_idx_labels_1d(fx):
    out = parse_idx_bytes(fx.idx_bytes(np.array([7, 2, 1, 0], np.uint8)))
    assert out.tolist() == [7, 2, 1, 0]


def test_idx_truncated_data(fx):
    raw = fx.idx_bytes(np.zeros((3, 4, 4), np.uint8), compress=False)[:-5]
    with pytest.raises(DamagedFileError, match=r"is truncated: the IDX header announces shape "
                                               r"\(3, 4, 4\) \(64 bytes\) but the data has 59"):
        parse_idx_bytes(raw, "x.idx")


def test_idx_trailing_bytes(fx):
    raw = fx.idx_bytes(np.zeros((2, 2), np.uint8), compress=False) + b"\x00\x01"
    with pytest.raises(DamagedFileError, match="has 2 trailing bytes"):
        parse_idx_bytes(raw, "x.idx")


def test_idx_bad_magic():
    with pytest.raises(DamagedFileError, match="does not start with an IDX magic number"):
        parse_idx_bytes(b"PK\x03\x04abcdefgh", "x.idx")


def test_idx_unknown_type_code():
    with pytest.raises(DamagedFileError, match="unknown IDX type code 0x07"):
        parse_idx_bytes(bytes([0, 0, 7, 1, 0, 0, 0, 1, 5]), "x.idx")


def test_idx_too_short():
    with pytest.raises(DamagedFileError, match="too short to hold an IDX header"):
        parse_idx_bytes(b"\x00\x00", "x.idx")


def test_idx_header_cut_inside_dims():
    with pytest.raises(DamagedFileError, match="truncated inside its IDX header"):
        parse_idx_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 1]), "x.idx")


def test_idx_huge_header_is_refused_without_allocating():
    raw = bytes([0, 0, 0x0E, 3]) + b"\xff\xff\xff\xff" * 3
    with pytest.raises(DamagedFileError, match="announces .* bytes of data"):
        parse_idx_bytes(gzip.compress(raw), "x.idx")


def test_idx_truncated_gzip(fx):
    raw = fx.idx_bytes(np.arange(200, dtype=np.uint8).reshape(10, 20))
    with pytest.raises(DamagedFileError, match="gzip stream is truncated|truncated"):
        parse_idx_bytes(raw[:-12], "x.gz")


def test_idx_corrupt_gzip(fx):
    raw = bytearray(fx.idx_bytes(np.arange(200, dtype=np.uint8).reshape(10, 20)))
    raw[15] ^= 0xFF
    raw[20] ^= 0xFF
    with pytest.raises(DamagedFileError, match="x.gz"):
        parse_idx_bytes(bytes(raw), "x.gz")


def test_idx_missing_file(tmp_path):
    with pytest.raises(DamagedFileError, match="could not be read"):
        read_idx(tmp_path / "nope.gz")


def test_idx_rejects_non_bytes():
    with pytest.raises(TypeError, match="`raw` must be bytes; received str"):
        parse_idx_bytes("abc")


# ----------------------------------------------------------------------------------------- npz

def test_npz_reads_keys(tmp_path):
    p = tmp_path / "a.npz"
    np.savez(p, a=np.arange(3), b=np.ones((2, 2)))
    out = read_npz_arrays(p, ["a", "b"])
    assert out["a"].tolist() == [0, 1, 2]
    assert out["b"].shape == (2, 2)


def test_npz_missing_key(tmp_path):
    p = tmp_path / "a.npz"
    np.savez(p, a=np.arange(3))
    with pytest.raises(DamagedFileError, match=r"lacks the arrays \['x'\] \(it holds \['a'\]\)"):
        read_npz_arrays(p, ["x"])


def test_npz_not_a_zip(tmp_path):
    p = tmp_path / "a.npz"
    p.write_bytes(b"PK\x03\x04 this is not a zip file at all")
    with pytest.raises(DamagedFileError, match="could not be read as .npz"):
        read_npz_arrays(p, ["x"])


def test_npz_truncated(tmp_path):
    p = tmp_path / "a.npz"
    np.savez_compressed(p, x=np.arange(1000))
    p.write_bytes(p.read_bytes()[:150])
    with pytest.raises(DamagedFileError, match="a.npz"):
        read_npz_arrays(p, ["x"])


def test_npz_object_array_refused(tmp_path):
    p = tmp_path / "a.npz"
    np.savez(p, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DamagedFileError, match="could not be read as .npz"):
        read_npz_arrays(p, ["x"])


def test_npz_string_array_refused(tmp_path):
    p = tmp_path / "a.npz"
    np.savez(p, x=np.array(["a", "b"]))
    with pytest.raises(DamagedFileError, match="array 'x' has non-numeric dtype <U1"):
        read_npz_arrays(p, ["x"])


def test_npz_single_npy_refused(tmp_path):
    p = tmp_path / "a.npz"
    with open(p, "wb") as f:
        np.save(f, np.arange(3))
    with pytest.raises(DamagedFileError, match="single .npy array"):
        read_npz_arrays(p, ["x"])


# --------------------------------------------------------------------------------------- CIFAR

def test_cifar_batch_layout(fx):
    x = np.zeros((2, 32, 32, 3), np.uint8)
    x[0, 1, 2] = [10, 20, 30]  # row 1, column 2: red 10, green 20, blue 30
    xs, ys = parse_cifar_batch(fx.cifar_batch_bytes(x, [3, 9]))
    assert xs.shape == (2, 32, 32, 3)
    assert xs[0, 1, 2].tolist() == [10, 20, 30]
    assert ys.tolist() == [3, 9]
    # the raw CIFAR layout: 1024 red values, then green, then blue, row-major
    raw = unpickle_cifar_batch(fx.cifar_batch_bytes(x, [3, 9]))["data"]
    assert raw[0, 1 * 32 + 2] == 10 and raw[0, 1024 + 34] == 20 and raw[0, 2048 + 34] == 30


def test_cifar_batch_str_keys(fx):
    x = np.ones((1, 32, 32, 3), np.uint8)
    xs, ys = parse_cifar_batch(fx.cifar_batch_bytes(x, [4], py2_keys=False))
    assert ys.tolist() == [4]


def test_cifar_read_folder_and_tar(fx, tmp_path):
    batches, test = fx.small_cifar()
    folder = fx.write_cifar_folder(tmp_path / "f" / "cifar-10-batches-py", batches, test)
    tar = fx.write_cifar_tar(tmp_path / "cifar-10-python.tar.gz", batches, test)
    for src in (folder, folder.parent, tar):
        x_train, y_train, x_test, y_test = read_cifar10(src)
        assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (6, 32, 32, 3)
        np.testing.assert_array_equal(x_train[4:8], batches[1][0])
        assert y_train[:4].tolist() == [0, 1, 2, 3]
        assert y_test.tolist() == [0, 1, 2, 3, 4, 5]


def test_cifar_restricted_unpickler_refuses_code():
    class Evil:
        def __reduce__(self):
            import os
            return (os.system, ("echo pwned",))

    raw = pickle.dumps({"data": Evil()}, protocol=2)
    with pytest.raises(SecurityError, match=r"refusing to load (posix|os|nt)\.system"):
        unpickle_cifar_batch(raw, "evil")


def test_cifar_damaged_pickle():
    with pytest.raises(DamagedFileError, match="could not be unpickled"):
        unpickle_cifar_batch(b"\x80\x02}q\x00(U\x04data", "b")


def test_cifar_not_a_dict():
    with pytest.raises(DamagedFileError, match="holds a list, not a CIFAR batch dict"):
        unpickle_cifar_batch(pickle.dumps([1, 2]), "b")


def test_cifar_wrong_data_shape():
    raw = pickle.dumps({"data": np.zeros((2, 10), np.uint8), "labels": [0, 1]})
    with pytest.raises(DamagedFileError, match=r"must be a uint8 array of shape \(n, 3072\)"):
        parse_cifar_batch(raw, "b")


def test_cifar_label_count_mismatch():
    raw = pickle.dumps({"data": np.zeros((2, 3072), np.uint8), "labels": [0]})
    with pytest.raises(DamagedFileError, match="'labels' must be 2 integers"):
        parse_cifar_batch(raw, "b")


def test_cifar_label_out_of_range():
    raw = pickle.dumps({"data": np.zeros((2, 3072), np.uint8), "labels": [0, 10]})
    with pytest.raises(DamagedFileError, match=r"outside \[0, 10\)"):
        parse_cifar_batch(raw, "b")


def test_cifar_missing_keys():
    with pytest.raises(DamagedFileError, match="lacks 'data' or 'labels'"):
        parse_cifar_batch(pickle.dumps({"x": 1}), "b")


def test_cifar_tar_missing_batches(tmp_path):
    import tarfile

    p = tmp_path / "c.tar.gz"
    with tarfile.open(p, "w:gz"):
        pass
    with pytest.raises(DamagedFileError, match="lacks the CIFAR batches"):
        read_cifar10(p)


def test_cifar_tar_garbage(tmp_path):
    p = tmp_path / "c.tar.gz"
    p.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(DamagedFileError, match="could not be read as a tar archive"):
        read_cifar10(p)


# -------------------------------------------------------------------------------------- images

def test_read_image_modes_and_resize(tmp_path):
    from PIL import Image

    p = tmp_path / "a.png"
    Image.new("RGB", (6, 4), (255, 0, 0)).save(p)
    rgb = read_image(p, size=(2, 3), mode="RGB")
    assert rgb.shape == (2, 3, 3) and rgb[0, 0].tolist() == [255, 0, 0]
    grey = read_image(p, size=(4, 6), mode="L")
    assert grey.shape == (4, 6, 1) and int(grey[0, 0, 0]) == 76  # ITU-R 601: 0.299 * 255


def test_read_image_damaged(tmp_path):
    p = tmp_path / "bad.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(DamagedFileError, match="bad.png: could not be read as an image"):
        read_image(p, size=(2, 2), mode="RGB")


def test_read_image_refuses_huge_claimed_size(tmp_path):
    import io
    import struct
    import zlib

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (2, 2)).save(buf, "PNG")
    raw = bytearray(buf.getvalue())
    ihdr = raw.index(b"IHDR")
    raw[ihdr + 4:ihdr + 12] = struct.pack(">II", 20000, 20000)  # claims 400 M pixels
    raw[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(raw[ihdr:ihdr + 17])))
    p = tmp_path / "bomb.png"
    p.write_bytes(bytes(raw))
    with pytest.raises(DamagedFileError, match=r"bomb.png: could not be read as an image"):
        read_image(p, size=(2, 2), mode="L")


# ------------------------------------------------------------- fuzzing: only kerasdl's errors

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _mutations(seed_bytes):
    return st.tuples(st.integers(0, max(len(seed_bytes) - 1, 0)), st.binary(max_size=8),
                     st.integers(0, len(seed_bytes))).map(
        lambda t: (seed_bytes[:t[0]] + t[1] + seed_bytes[t[0] + len(t[1]):])[:t[2] or None])


_IDX_SEED = (b"\x00\x00\x08\x03" + b"\x00\x00\x00\x02" * 3 + bytes(range(8)))
_FUZZ = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(raw=st.one_of(st.binary(max_size=64), _mutations(_IDX_SEED),
                     _mutations(gzip.compress(_IDX_SEED))))
def test_fuzz_idx_raises_only_damaged_file_error(raw):
    try:
        parse_idx_bytes(raw, "fuzz")
    except DamagedFileError:
        pass


_CIFAR_SEED = pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [3]}, protocol=2)


@_FUZZ
@given(raw=st.one_of(st.binary(max_size=64), _mutations(_CIFAR_SEED)))
def test_fuzz_cifar_raises_only_kerasdl_errors(raw):
    try:
        parse_cifar_batch(raw, "fuzz")
    except (DamagedFileError, SecurityError):
        pass


def _npz_seed():
    import io

    buf = io.BytesIO()
    np.savez(buf, x=np.zeros((2, 2)), y=np.array([0, 1]))
    return buf.getvalue()


@_FUZZ
@given(raw=_mutations(_npz_seed()))
def test_fuzz_npz_raises_only_damaged_file_error(raw, tmp_path_factory):
    p = tmp_path_factory.mktemp("fuzz") / "f.npz"
    p.write_bytes(raw)
    try:
        read_npz_arrays(p, ["x", "y"])
    except DamagedFileError:
        pass
