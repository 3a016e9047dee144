"""Fixtures for kerasdl.data tests: generated IDX / npz / CIFAR files and a local HTTP server."""

import functools
import gzip
import http.server
import io
import pickle
import struct
import tarfile
import threading

import numpy as np
import pytest

IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def idx_bytes(arr, *, compress=True):
    """Encode an array in the IDX format (big-endian), gzip-compressed by default."""
    codes = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}
    arr = np.asarray(arr)
    big = arr.astype(arr.dtype.newbyteorder(">")) if arr.dtype.itemsize > 1 else arr
    code = codes[np.dtype(big.dtype.str)]
    raw = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) \
        + big.tobytes()
    return gzip.compress(raw) if compress else raw


def small_mnist(n_train=30, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            (np.arange(n_train) % 10).astype(np.uint8),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            (np.arange(n_test) % 10).astype(np.uint8))


def write_idx_set(folder, arrays, *, compress=True):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, arr in zip(IDX_NAMES, arrays):
        p = folder / (name if compress else name[:-3])
        p.write_bytes(idx_bytes(arr, compress=compress))
        paths.append(p)
    return paths


def write_mnist_npz(path, arrays):
    x_train, y_train, x_test, y_test = arrays
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez(f, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def cifar_batch_bytes(x, y, *, py2_keys=True):
    """A CIFAR-10 python batch (pickle) for images x (n, 32, 32, 3) uint8 and labels y."""
    data = np.ascontiguousarray(np.asarray(x, np.uint8).transpose(0, 3, 1, 2)).reshape(
        len(x), 3072)
    key = (lambda k: k.encode()) if py2_keys else (lambda k: k)
    batch = {key("batch_label"): b"testing batch", key("labels"): [int(v) for v in y],
             key("data"): data, key("filenames"): [b"f%d.png" % i for i in range(len(x))]}
    return pickle.dumps(batch, protocol=2)


def small_cifar(n_per_batch=4, n_test=6, seed=0):
    rng = np.random.default_rng(seed)
    batches = []
    for i in range(5):
        x = rng.integers(0, 256, (n_per_batch, 32, 32, 3), dtype=np.uint8)
        y = (np.arange(n_per_batch) + i) % 10
        batches.append((x, y))
    x_test = rng.integers(0, 256, (n_test, 32, 32, 3), dtype=np.uint8)
    y_test = np.arange(n_test) % 10
    return batches, (x_test, y_test)


def write_cifar_folder(folder, batches, test):
    folder.mkdir(parents=True, exist_ok=True)
    for i, (x, y) in enumerate(batches, 1):
        (folder / f"data_batch_{i}").write_bytes(cifar_batch_bytes(x, y))
    (folder / "test_batch").write_bytes(cifar_batch_bytes(*test))
    return folder


def write_cifar_tar(path, batches, test):
    path.parent.mkdir(parents=True, exist_ok=True)
    members = {f"cifar-10-batches-py/data_batch_{i}": cifar_batch_bytes(x, y)
               for i, (x, y) in enumerate(batches, 1)}
    members["cifar-10-batches-py/test_batch"] = cifar_batch_bytes(*test)
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def http_folder(tmp_path):
    """Serve a fresh folder over HTTP on 127.0.0.1; yields (folder, base_url)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url():
    """A base URL on 127.0.0.1 where nothing listens (a server that is down)."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Every test gets its own empty cache folder, no mirror from the environment, and no
    network beyond 127.0.0.1 (a test that would reach the internet fails instead)."""
    import socket

    monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KERASDL_DATASET_MIRROR", raising=False)
    real_getaddrinfo = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"test tried to reach {host!r}: tests never use the network")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture
def fx():
    """The file-generating helpers above (test modules cannot import conftest directly)."""
    import types

    return types.SimpleNamespace(
        IDX_NAMES=IDX_NAMES, idx_bytes=idx_bytes, small_mnist=small_mnist,
        write_idx_set=write_idx_set, write_mnist_npz=write_mnist_npz,
        cifar_batch_bytes=cifar_batch_bytes, small_cifar=small_cifar,
        write_cifar_folder=write_cifar_folder, write_cifar_tar=write_cifar_tar)
