"""Downloadable datasets: MNIST, Fashion-MNIST and CIFAR-10.

Where files are looked for, in order: ``data_dir`` and ``data_dir/<name>`` when ``data_dir`` is
given, otherwise the cache folder ``$KERASDL_DATA_DIR/<name>`` (default
``~/.kerasdl/data/<name>``). Accepted layouts:

- mnist: ``mnist.npz`` (the keras file) or the four IDX files ``train-images-idx3-ubyte.gz``,
  ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``
  (also uncompressed, without ``.gz``).
- fashion_mnist: the same four IDX names (Fashion-MNIST's own files), or ``fashion_mnist.npz``
  in the keras layout.
- cifar10: ``cifar-10-python.tar.gz`` or the extracted ``cifar-10-batches-py`` folder (or its
  batches ``data_batch_1`` ... ``data_batch_5``, ``test_batch``).

Files with an official name are verified against the pinned SHA-256 (``verify=False``
skips this); files without a published hash (uncompressed IDX, extracted batches, a
user-made npz) are read as they are. Nothing found and nothing downloadable raises a
:class:`kerasdl.errors.DatasetNotAvailableError` that names the files and the folder.
"""

from pathlib import Path

import numpy as np

from kerasdl.data._download import RemoteFile, cache_dir, fetch, verify_file
from kerasdl.data._formats import (CIFAR10_FOLDER, CIFAR10_TEST_BATCH, CIFAR10_TRAIN_BATCHES,
                                   read_cifar10, read_idx, read_npz_arrays)
from kerasdl.errors import DamagedFileError, DatasetNotAvailableError

__all__ = ["REMOTE_FILES", "load_remote", "CLASS_NAMES", "TFDS_NAMES"]

_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_CVDF_MNIST = "https://storage.googleapis.com/cvdf-datasets/mnist/"
_ZALANDO = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_TORONTO = "https://www.cs.toronto.edu/~kriz/"

_IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _files(base_urls, table):
    return {name: RemoteFile(name, sha, size, tuple(b + name for b in base_urls))
            for name, (size, sha) in table.items()}


# SHA-256 and sizes: keras.datasets.mnist (mnist.npz, 11,490,434 bytes) and keras.datasets.cifar10
# (the python tarball, also in tensorflow_datasets' url_checksums/cifar10.csv); the IDX files from
# tensorflow_datasets' url_checksums/mnist.txt and fashion_mnist.txt. Cross-checks: the MNIST IDX
# sizes are the ones LeCun's page lists (9912422, 28881, 1648877, 4542 bytes), and Fashion-MNIST's
# SHA-256s are the ones published next to Zalando's MD5s.
REMOTE_FILES = {
    "mnist": {
        "npz": _files((_KERAS,), {
            "mnist.npz": (11490434,
                          "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
        }),
        "idx": _files((_CVDF_MNIST,), {
            "train-images-idx3-ubyte.gz": (
                9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            "train-labels-idx1-ubyte.gz": (
                28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            "t10k-images-idx3-ubyte.gz": (
                1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            "t10k-labels-idx1-ubyte.gz": (
                4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        }),
    },
    "fashion_mnist": {
        "idx": _files((_KERAS, _ZALANDO), {
            "train-images-idx3-ubyte.gz": (
                26421880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            "train-labels-idx1-ubyte.gz": (
                29515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            "t10k-images-idx3-ubyte.gz": (
                4422102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            "t10k-labels-idx1-ubyte.gz": (
                5148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        }),
    },
    "cifar10": {
        "tar": _files((_TORONTO,), {
            "cifar-10-python.tar.gz": (
                170498071, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
        }),
    },
}

# What is downloaded when nothing is on disk.
_DOWNLOAD_LAYOUT = {"mnist": "npz", "fashion_mnist": "idx", "cifar10": "tar"}

CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck"],
}
TFDS_NAMES = {"mnist": "mnist", "fashion_mnist": "fashion_mnist", "cifar10": "cifar10"}
_IMAGE_SHAPE = {"mnist": (28, 28), "fashion_mnist": (28, 28), "cifar10": (32, 32, 3)}


def _folders(name, data_dir):
    if data_dir is not None:
        data_dir = Path(data_dir).expanduser()
        if data_dir.is_file():  # e.g. data_dir="~/Downloads/mnist.npz": use its folder
            data_dir = data_dir.parent
        return [data_dir, data_dir / name], data_dir
    folder = cache_dir() / name
    return [folder], folder


def _check_arrays(name, arrays, where):
    """Check parsed arrays have the dataset's image shape, uint8 pixels and labels 0..9."""
    x_train, y_train, x_test, y_test = arrays
    shape = _IMAGE_SHAPE[name]
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        if x.ndim != len(shape) + 1 or x.shape[1:] != shape:
            raise DamagedFileError(f"{where}: {part} images have shape {x.shape[1:]}, "
                                   f"expected {shape} for {name}.")
        y = np.asarray(y).reshape(-1)
        if y.dtype.kind not in "iu" or len(y) != len(x):
            raise DamagedFileError(f"{where}: {part} labels ({y.dtype}, {len(y)}) do not match "
                                   f"the {len(x)} {part} images.")
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise DamagedFileError(f"{where}: {part} labels fall outside 0..9.")
    return (x_train.astype(np.uint8, copy=False), np.asarray(y_train).reshape(-1),
            x_test.astype(np.uint8, copy=False), np.asarray(y_test).reshape(-1))


def _read_npz(name, path):
    a = read_npz_arrays(path, ("x_train", "y_train", "x_test", "y_test"))
    return _check_arrays(name, (a["x_train"], a["y_train"], a["x_test"], a["y_test"]), path)


def _read_idx_set(name, paths):
    x_train, y_train, x_test, y_test = (read_idx(p) for p in paths)
    return _check_arrays(name, (x_train, y_train, x_test, y_test), paths[0].parent)


def _layouts(name, folder):
    """Candidate file layouts in ``folder``: ([paths], {official name: RemoteFile}, reader)."""
    out = []
    if name == "mnist":
        npz = REMOTE_FILES["mnist"]["npz"]
        out.append(([folder / "mnist.npz"], npz, lambda p: _read_npz(name, p[0])))
    if name in ("mnist", "fashion_mnist"):
        idx = REMOTE_FILES[name]["idx"]
        out.append(([folder / n for n in _IDX_NAMES], idx, lambda p: _read_idx_set(name, p)))
        out.append(([folder / n[:-3] for n in _IDX_NAMES], {}, lambda p: _read_idx_set(name, p)))
    if name == "fashion_mnist":
        out.append(([folder / "fashion_mnist.npz"], {}, lambda p: _read_npz(name, p[0])))
    if name == "cifar10":
        tar = REMOTE_FILES["cifar10"]["tar"]
        reader = lambda p: _check_arrays(name, read_cifar10(p[0]), p[0])  # noqa: E731
        out.append(([folder / "cifar-10-python.tar.gz"], tar, reader))
        batches = CIFAR10_TRAIN_BATCHES + (CIFAR10_TEST_BATCH,)
        out.append(([folder / CIFAR10_FOLDER], {}, reader))
        if all((folder / b).is_file() for b in batches):  # the batches themselves
            out.append(([folder], {}, reader))
    return out


def _needed_text(name):
    if name == "mnist":
        return ("mnist.npz (the keras file), or the four IDX files " + ", ".join(_IDX_NAMES))
    if name == "fashion_mnist":
        return "the four IDX files " + ", ".join(_IDX_NAMES)
    return "cifar-10-python.tar.gz (or its extracted folder cifar-10-batches-py)"


def load_remote(name, *, data_dir=None, source="auto", verify=True, mirror=None, timeout=30.0):
    """Find (or download) a downloadable dataset's files and parse them.

    Returns:
        ``(x_train, y_train, x_test, y_test, files)`` with uint8 images and the paths used.
    """
    if source == "tfds":
        return _load_tfds(name, data_dir)
    folders, target = _folders(name, data_dir)
    for folder in folders:
        for paths, table, reader in _layouts(name, folder):
            if all(p.exists() for p in paths):
                if verify:
                    for p in paths:
                        if p.name in table:
                            verify_file(p, table[p.name])
                return (*reader(paths), [str(p) for p in paths])
    needed = _needed_text(name)
    if source == "local":
        raise DatasetNotAvailableError(
            f"Dataset {name!r} is not on disk and source='local' forbids downloading. Put "
            f"{needed} into {target} (or pass data_dir= to the folder that holds them).")
    table = REMOTE_FILES[name][_DOWNLOAD_LAYOUT[name]]
    paths = []
    for remote in table.values():
        path = target / remote.name
        if path.exists():
            if verify:
                verify_file(path, remote)
        else:
            try:
                fetch(remote, target, mirror=mirror, timeout=timeout)
            except DatasetNotAvailableError as e:
                tried = "\n  ".join(getattr(e, "attempts", [str(e)]))
                raise DatasetNotAvailableError(
                    f"Dataset {name!r} is not on disk and could not be downloaded "
                    f"({remote.name}):\n  {tried}\nTo use it offline, put {needed} into "
                    f"{target} (or pass data_dir= to the folder that holds them).") from None
        paths.append(path)
    for layout_paths, _, reader in _layouts(name, target):
        if [p.name for p in layout_paths] == [p.name for p in paths]:
            return (*reader(paths), [str(p) for p in paths])
    raise RuntimeError(f"kerasdl internal error: no reader for {name}")  # pragma: no cover


def _tfds_arrays(tfds, dataset, batch=4096):
    """``(x, y)`` numpy arrays of a supervised tf.data split, read in batches.

    Not ``tfds.load(..., batch_size=-1)``: that path (one giant ``get_single_element``) aborts
    the process under TensorFlow 2.21 with tensorflow-datasets 4.9.
    """
    xs, ys = [], []
    for x, y in tfds.as_numpy(dataset.batch(batch)):
        xs.append(np.asarray(x))
        ys.append(np.asarray(y))
    if not xs:
        raise ValueError("tensorflow_datasets returned an empty split.")
    return np.concatenate(xs), np.concatenate(ys)


def _load_tfds(name, data_dir):
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise ModuleNotFoundError(
            "source='tfds' needs the tensorflow_datasets package, which is not installed. "
            "Install it with `pip install kerasdl[tfds]` (or `pip install tensorflow-datasets "
            "importlib_resources`; importlib_resources is needed when it downloads), or use "
            "source='auto'."
        ) from None
    import logging

    from kerasdl import _logging

    kwargs = {"data_dir": str(data_dir)} if data_dir is not None else {}
    absl_logger = logging.getLogger("absl")
    level = absl_logger.level
    if _logging.log_level() == "quiet":  # tfds' own deprecation notices (TensorInfo.dtype)
        absl_logger.setLevel(logging.ERROR)
    try:
        train, test = tfds.load(TFDS_NAMES[name], split=["train", "test"], as_supervised=True,
                                **kwargs)
        x_train, y_train = _tfds_arrays(tfds, train)
        x_test, y_test = _tfds_arrays(tfds, test)
    finally:
        absl_logger.setLevel(level)
    if _IMAGE_SHAPE[name] == (28, 28) and x_train.ndim == 4:
        x_train, x_test = x_train[..., 0], x_test[..., 0]
    arrays = _check_arrays(name, (x_train, y_train, x_test, y_test), f"tfds:{name}")
    return (*arrays, [f"tfds:{TFDS_NAMES[name]}"])
