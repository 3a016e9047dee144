"""Parsers for the file formats datasets come in: IDX, npz, CIFAR-10 batches, image folders.

Every parser turns *any* failure on damaged input (truncated, mutated, wrong format) into a
:class:`kerasdl.errors.DamagedFileError` naming the file, never an exception from deep inside
gzip, zipfile, numpy or pickle. CIFAR-10 batches are pickles: they are read with a restricted
unpickler that only accepts numpy arrays and dtypes, so a malicious file cannot run code.
"""

import io
import os
import pickle
import tarfile
import warnings
import zlib
from pathlib import Path

import numpy as np

from kerasdl.errors import DamagedFileError, SecurityError

__all__ = [
    "read_idx",
    "parse_idx_bytes",
    "read_npz_arrays",
    "unpickle_cifar_batch",
    "parse_cifar_batch",
    "read_cifar10",
    "read_image",
    "IMAGE_EXTENSIONS",
]

# IDX type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT").
_IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_MAX_IDX_BYTES = 1 << 34  # 16 GiB: a header claiming more is damaged, not a dataset
_GZIP_MAGIC = b"\x1f\x8b"

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def _damaged(path, what):
    return DamagedFileError(f"{path}: {what}. The file is damaged or not in the expected "
                            f"format; delete it and download or copy it again.")


# ---------------------------------------------------------------------------------------- IDX


def _decompress(raw, path, limit):
    """Decompress gzip bytes, refusing output larger than ``limit`` bytes (gzip bombs)."""
    out = bytearray()
    try:
        while raw:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += d.decompress(raw, limit + 1 - len(out))
            if len(out) > limit:
                raise _damaged(path, f"decompresses to more than {limit} bytes")
            if d.unconsumed_tail:
                raise _damaged(path, "decompresses to more data than its header announces")
            if not d.eof:
                raise _damaged(path, "gzip stream is truncated")
            raw = d.unused_data  # concatenated gzip members
            if raw and not raw.startswith(_GZIP_MAGIC):
                raise _damaged(path, "has trailing bytes after the gzip stream")
    except zlib.error as e:
        raise _damaged(path, f"is not a valid gzip stream ({e})") from None
    return bytes(out)


def parse_idx_bytes(raw, path="<bytes>"):
    """Parse IDX data (optionally gzip-compressed) into a numpy array.

    Args:
        raw: the file's bytes.
        path: name used in error messages. Defaults to "<bytes>".

    Returns:
        A numpy array of the shape and (native-endian) dtype the header announces.

    Raises:
        DamagedFileError: bad magic number, unknown type code, truncated or trailing data.
    """
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise TypeError(f"`raw` must be bytes; received {type(raw).__name__}.")
    raw = bytes(raw)
    compressed = raw.startswith(_GZIP_MAGIC)
    if compressed:
        # Read the header first so the decompressed size can be bounded exactly.
        head = _gzip_head(raw, path)
    else:
        head = raw
    shape, dtype, offset = _idx_header(head, path)
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize if shape else dtype.itemsize
    if expected > _MAX_IDX_BYTES:
        raise _damaged(path, f"its IDX header announces {expected} bytes of data")
    body = _decompress(raw, path, offset + expected) if compressed else raw
    if len(body) < offset + expected:
        raise _damaged(path, f"is truncated: the IDX header announces shape {shape} "
                             f"({offset + expected} bytes) but the data has {len(body)} bytes")
    if len(body) > offset + expected:
        raise _damaged(path, f"has {len(body) - offset - expected} trailing bytes after the "
                             f"data of shape {shape}")
    arr = np.frombuffer(body, dtype=dtype, count=expected // dtype.itemsize, offset=offset)
    return arr.reshape(shape).astype(dtype.newbyteorder("="), copy=True)


def _gzip_head(raw, path):
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(raw, 4 + 4 * 255)
    except zlib.error as e:
        raise _damaged(path, f"is not a valid gzip stream ({e})") from None


def _idx_header(head, path):
    if len(head) < 4:
        raise _damaged(path, "is too short to hold an IDX header")
    if head[0] != 0 or head[1] != 0:
        raise _damaged(path, f"does not start with an IDX magic number (first bytes "
                             f"{head[:4].hex()})")
    code, ndim = head[2], head[3]
    if code not in _IDX_DTYPES:
        raise _damaged(path, f"has unknown IDX type code 0x{code:02x}")
    if ndim == 0:
        raise _damaged(path, "has an IDX header with 0 dimensions")
    offset = 4 + 4 * ndim
    if len(head) < offset:
        raise _damaged(path, f"is truncated inside its IDX header ({ndim} dimensions)")
    shape = tuple(int(v) for v in np.frombuffer(head, dtype=">u4", count=ndim, offset=4))
    return shape, _IDX_DTYPES[code], offset


def read_idx(path):
    """Read an IDX file (``.gz`` or uncompressed), such as MNIST's, into a numpy array."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DamagedFileError(f"{path}: could not be read ({e}).") from None
    return parse_idx_bytes(raw, str(path))


# ---------------------------------------------------------------------------------------- npz


def read_npz_arrays(path, keys):
    """Load the arrays ``keys`` from an ``.npz`` file without allowing pickled objects.

    Args:
        path: the ``.npz`` file.
        keys: names of the arrays to read (all required).

    Returns:
        dict of name -> numpy array.

    Raises:
        DamagedFileError: not a valid npz, a key missing, or an object array inside.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:  # our handle: closed even when numpy fails
            f = np.load(handle, allow_pickle=False)
            if not hasattr(f, "files"):
                raise _damaged(path, "is a single .npy array, not an .npz archive")
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise _damaged(path, f"lacks the arrays {missing} (it holds {sorted(f.files)})")
            out = {k: np.asarray(f[k]) for k in keys}
    except DamagedFileError:
        raise
    except Exception as e:  # zipfile/zlib/numpy raise many types on damaged input
        raise _damaged(path, f"could not be read as .npz ({type(e).__name__}: {e})") from None
    for k, v in out.items():
        if v.dtype == object or v.dtype.kind not in "biuf":
            raise _damaged(path, f"array {k!r} has non-numeric dtype {v.dtype}")
    return out


# ------------------------------------------------------------------------------------- CIFAR


def _np_reconstruct():
    core = getattr(np, "_core", None) or np.core
    return core.multiarray._reconstruct


def _np_scalar():
    core = getattr(np, "_core", None) or np.core
    return core.multiarray.scalar


def _latin1_encode(text, encoding="utf-8", errors="strict"):
    """``_codecs.encode`` as protocol-2 pickles use it for bytes: latin-1 text only."""
    if not isinstance(text, str) or str(encoding).lower() not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("_codecs.encode is only allowed for latin-1 text")
    return text.encode("latin-1")


_ALLOWED_GLOBALS = {
    ("_codecs", "encode"): lambda: _latin1_encode,
    ("numpy.core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _np_reconstruct,
    ("numpy.core.multiarray", "scalar"): _np_scalar,
    ("numpy._core.multiarray", "scalar"): _np_scalar,
    ("numpy", "ndarray"): lambda: np.ndarray,
    ("numpy", "dtype"): lambda: np.dtype,
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only numpy's array/dtype constructors (no arbitrary code)."""

    def find_class(self, module, name):
        factory = _ALLOWED_GLOBALS.get((module, name))
        if factory is None:
            raise SecurityError(
                f"refusing to load {module}.{name} from a pickle: CIFAR batches only hold "
                f"numpy arrays, lists and numbers.")
        return factory()

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent ids are not allowed")


def unpickle_cifar_batch(raw, path="<bytes>"):
    """Unpickle one CIFAR batch's bytes with the restricted unpickler; returns a dict."""
    try:
        obj = _RestrictedUnpickler(io.BytesIO(bytes(raw)), encoding="bytes").load()
    except SecurityError as e:
        raise SecurityError(f"{path}: {e}") from None
    except Exception as e:  # noqa: BLE001 - any failure inside pickle means a damaged file
        raise _damaged(path, f"could not be unpickled ({type(e).__name__}: {e})") from None
    if not isinstance(obj, dict):
        raise _damaged(path, f"holds a {type(obj).__name__}, not a CIFAR batch dict")
    return {(k.decode("latin1") if isinstance(k, bytes) else k): v for k, v in obj.items()}


def parse_cifar_batch(raw, path="<bytes>", *, label_key="labels", num_classes=10):
    """Parse one CIFAR python batch into ``(images, labels)``.

    Args:
        raw: bytes of the batch file (a pickle).
        path: name used in error messages. Defaults to "<bytes>".
        label_key: key of the labels ("labels" for CIFAR-10). Defaults to "labels".
        num_classes: labels must be in [0, num_classes). Defaults to 10.

    Returns:
        ``(x, y)``: uint8 images of shape (n, 32, 32, 3) and int64 labels of shape (n,).

    Raises:
        DamagedFileError: the pickle is damaged or does not hold a CIFAR batch.
        SecurityError: the pickle references anything other than numpy arrays.
    """
    batch = unpickle_cifar_batch(raw, path)
    if "data" not in batch or label_key not in batch:
        raise _damaged(path, f"lacks 'data' or {label_key!r} (keys: {sorted(map(str, batch))})")
    data, labels = batch["data"], batch[label_key]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != 3072:
        what = (f"array of shape {data.shape} and dtype {data.dtype}"
                if isinstance(data, np.ndarray) else type(data).__name__)
        raise _damaged(path, f"'data' must be a uint8 array of shape (n, 3072); found {what}")
    try:
        y = np.asarray(labels)
    except Exception:  # noqa: BLE001
        raise _damaged(path, "'labels' is not a list of integers") from None
    if y.ndim != 1 or y.dtype.kind not in "iu" or len(y) != len(data):
        raise _damaged(path, f"'labels' must be {len(data)} integers; found {y.dtype} "
                             f"of shape {y.shape}")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise _damaged(path, f"'labels' holds values outside [0, {num_classes})")
    x = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(x), y.astype(np.int64)


CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_FOLDER = "cifar-10-batches-py"


def read_cifar10(path):
    """Read CIFAR-10 from its python tarball or from a folder of extracted batches.

    The tarball is read in place (nothing is extracted, so no path in it can escape).

    Args:
        path: ``cifar-10-python.tar.gz`` or a folder holding ``data_batch_1`` ...
            ``data_batch_5`` and ``test_batch`` (optionally inside ``cifar-10-batches-py``).

    Returns:
        ``(x_train, y_train, x_test, y_test)`` with uint8 images (n, 32, 32, 3).
    """
    path = Path(path)
    names = CIFAR10_TRAIN_BATCHES + (CIFAR10_TEST_BATCH,)
    if path.is_dir():
        folder = path / CIFAR10_FOLDER if (path / CIFAR10_FOLDER).is_dir() else path
        raws = {}
        for n in names:
            try:
                raws[n] = (folder / n).read_bytes()
            except OSError as e:
                raise DamagedFileError(f"{folder / n}: could not be read ({e}).") from None
        where = {n: str(folder / n) for n in names}
    else:
        raws, where = _read_tar_members(path, names), {n: f"{path}:{n}" for n in names}
    parts = [parse_cifar_batch(raws[n], where[n]) for n in names]
    x_train = np.concatenate([p[0] for p in parts[:5]])
    y_train = np.concatenate([p[1] for p in parts[:5]])
    return x_train, y_train, parts[5][0], parts[5][1]


def _read_tar_members(path, names):
    found = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                base = os.path.basename(member.name)
                if base in names and member.isfile():
                    f = tar.extractfile(member)
                    found[base] = f.read() if f is not None else b""
    except Exception as e:  # noqa: BLE001 - tarfile/gzip/zlib/EOF errors on a damaged file
        raise _damaged(path, f"could not be read as a tar archive ({type(e).__name__}: {e})") \
            from None
    missing = [n for n in names if n not in found]
    if missing:
        raise _damaged(path, f"lacks the CIFAR batches {missing}")
    return found


# ------------------------------------------------------------------------------------ images


def read_image(path, *, size, mode):
    """Read one image file, convert it to ``mode`` ("L", "RGB", "RGBA") and resize it.

    Args:
        path: the image file.
        size: ``(height, width)``.
        mode: PIL mode.

    Returns:
        uint8 array of shape (height, width, channels).

    Raises:
        DamagedFileError: the file cannot be decoded as an image.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # An image that claims a huge size is a decompression bomb, not a training sample.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            arr = _decode_image(Image, path, size, mode)
    except Exception as e:  # noqa: BLE001 - PIL raises OSError, SyntaxError, ValueError...
        raise DamagedFileError(f"{path}: could not be read as an image ({type(e).__name__}: "
                               f"{e}). Remove or replace the file.") from None
    if arr.ndim == 2:
        arr = arr[..., None]
    return arr


_MAX_IMAGE_PIXELS = 50_000_000  # larger claims are damaged files or decompression bombs


def _decode_image(Image, path, size, mode):
    with Image.open(path) as img:
        width, height = img.size
        if width * height > _MAX_IMAGE_PIXELS:
            raise ValueError(f"its header claims {width}x{height} pixels")
        img = img.convert(mode)
        if img.size != (size[1], size[0]):
            img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        return np.asarray(img, dtype=np.uint8)
