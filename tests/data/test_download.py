"""The download path against a local HTTP server on 127.0.0.1 (never the internet)."""

import hashlib
import os

import numpy as np
import pytest

import kerasdl.data as kd
from kerasdl.data import _download, _remote
from kerasdl.data._download import RemoteFile, cache_dir, fetch, mirror_urls, verify_file
from kerasdl.errors import ChecksumError, DatasetNotAvailableError

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def _remote_for(name, raw):
    return RemoteFile(name, hashlib.sha256(raw).hexdigest(), len(raw),
                      ("https://example.invalid/" + name,))


def test_good_file_is_downloaded_verified_and_placed(http_folder, tmp_path):
    folder, url = http_folder
    raw = os.urandom(3000)
    (folder / "f.bin").write_bytes(raw)
    dest = tmp_path / "dest"
    path = fetch(_remote_for("f.bin", raw), dest, mirror=url, progress=False)
    assert path == dest / "f.bin"
    assert path.read_bytes() == raw
    assert sorted(p.name for p in dest.iterdir()) == ["f.bin"]  # no temporary file left


def test_truncated_file_is_rejected_and_not_kept(http_folder, tmp_path):
    folder, url = http_folder
    raw = os.urandom(3000)
    (folder / "f.bin").write_bytes(raw[:1000])
    dest = tmp_path / "dest"
    with pytest.raises(ChecksumError, match=r"received 1000 of 3000 bytes: truncated"):
        fetch(_remote_for("f.bin", raw), dest, mirror=url, progress=False)
    assert list(dest.iterdir()) == []


def test_wrong_hash_is_rejected_and_not_kept(http_folder, tmp_path):
    folder, url = http_folder
    raw = os.urandom(3000)
    (folder / "f.bin").write_bytes(os.urandom(3000))
    dest = tmp_path / "dest"
    with pytest.raises(ChecksumError, match=r"SHA-256 [0-9a-f]{64} != pinned "
                                            + hashlib.sha256(raw).hexdigest()):
        fetch(_remote_for("f.bin", raw), dest, mirror=url, progress=False)
    assert list(dest.iterdir()) == []


def test_oversized_download_is_rejected(http_folder, tmp_path):
    folder, url = http_folder
    raw = os.urandom(100)
    (folder / "f.bin").write_bytes(raw + b"extra")
    with pytest.raises(ChecksumError, match="more than the expected 100 bytes"):
        fetch(_remote_for("f.bin", raw), tmp_path / "d", mirror=url, progress=False)


def test_server_down_raises_not_available(closed_port_url, tmp_path):
    raw = b"abc"
    with pytest.raises(DatasetNotAvailableError) as info:
        fetch(_remote_for("f.bin", raw), tmp_path / "d", mirror=closed_port_url, progress=False)
    msg = str(info.value)
    assert f"{closed_port_url}f.bin: [Errno 111] Connection refused" in msg
    assert f"copy the file f.bin into {tmp_path / 'd'}" in msg


def test_missing_on_server_then_next_mirror(http_folder, closed_port_url, tmp_path):
    folder, url = http_folder
    raw = os.urandom(500)
    (folder / "f.bin").write_bytes(raw)
    path = fetch(_remote_for("f.bin", raw), tmp_path / "d",
                 mirror=[closed_port_url, url + "nothing-here/", url], progress=False)
    assert path.read_bytes() == raw


def test_http_404_is_reported(http_folder, tmp_path):
    _, url = http_folder
    with pytest.raises(DatasetNotAvailableError, match=r"f.bin: HTTP 404 File not found"):
        fetch(_remote_for("f.bin", b"x"), tmp_path / "d", mirror=url, progress=False)


def test_mirror_urls_env_and_option(monkeypatch):
    remote = RemoteFile("a.gz", "0" * 64, 1, ("https://official/a.gz",))
    assert mirror_urls(remote) == ["https://official/a.gz"]
    monkeypatch.setenv("KERASDL_DATASET_MIRROR", "http://m1/x/, http://m2")
    assert mirror_urls(remote) == ["http://m1/x/a.gz", "http://m2/a.gz"]
    assert mirror_urls(remote, "http://m3") == ["http://m3/a.gz"]
    with pytest.raises(ValueError, match=r"`mirror` must name at least one base URL"):
        mirror_urls(remote, [])


def test_cache_dir_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("KERASDL_DATA_DIR")
    assert cache_dir() == __import__("pathlib").Path.home() / ".kerasdl" / "data"


def test_verify_file_message(tmp_path):
    p = tmp_path / "mnist.npz"
    p.write_bytes(b"12345")
    remote = _remote.REMOTE_FILES["mnist"]["npz"]["mnist.npz"]
    with pytest.raises(ChecksumError, match=r"mnist.npz: SHA-256 [0-9a-f]{64} does not match the "
                                            r"official mnist.npz \(731c5ac6.*It has 5 bytes "
                                            r"instead of 11490434.*verify=False"):
        verify_file(p, remote)


def test_pinned_hashes_are_well_formed():
    for name, layouts in _remote.REMOTE_FILES.items():
        for table in layouts.values():
            for fname, remote in table.items():
                assert remote.name == fname
                assert len(remote.sha256) == 64 and int(remote.sha256, 16) >= 0
                assert remote.size > 0
                assert all(u.startswith(("https://", "http://")) and u.endswith(fname)
                           for u in remote.urls)
    assert _remote.REMOTE_FILES["mnist"]["npz"]["mnist.npz"].urls == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",)


# ------------------------------------------------------------ load() through the local server

def _patch_remote(monkeypatch, dataset, layout, fname, raw):
    table = _remote.REMOTE_FILES[dataset][layout]
    monkeypatch.setitem(table, fname, RemoteFile(fname, hashlib.sha256(raw).hexdigest(),
                                                 len(raw), table[fname].urls))


def test_load_mnist_downloads_into_cache(http_folder, monkeypatch, fx, tmp_path):
    folder, url = http_folder
    arrays = fx.small_mnist()
    raw = fx.write_mnist_npz(folder / "mnist.npz", arrays).read_bytes()
    _patch_remote(monkeypatch, "mnist", "npz", "mnist.npz", raw)
    monkeypatch.setenv("KERASDL_DATASET_MIRROR", url)
    data = kd.load("mnist")
    assert (cache_dir() / "mnist" / "mnist.npz").read_bytes() == raw
    assert data.x_train.shape == (30, 28, 28) and data.x_test.shape == (10, 28, 28)
    np.testing.assert_allclose(data.x_train, arrays[0] / np.float32(255), rtol=1e-6)
    # second load: from the cache, the server is no longer needed
    (folder / "mnist.npz").unlink()
    again = kd.load("mnist", source="local")
    np.testing.assert_array_equal(again.x_test, data.x_test)


def test_load_fashion_downloads_four_files_with_mirror_option(http_folder, monkeypatch, fx,
                                                              tmp_path):
    folder, url = http_folder
    paths = fx.write_idx_set(folder, fx.small_mnist(seed=3))
    for p in paths:
        _patch_remote(monkeypatch, "fashion_mnist", "idx", p.name, p.read_bytes())
    target = tmp_path / "mine"
    data = kd.load("fashion_mnist", data_dir=target, mirror=url)
    assert sorted(p.name for p in target.iterdir()) == sorted(fx.IDX_NAMES)
    assert data.class_names[9] == "Ankle boot"
    assert data.input_shape == (28, 28)


def test_load_cifar_downloads_tarball(http_folder, monkeypatch, fx):
    folder, url = http_folder
    batches, test = fx.small_cifar()
    raw = fx.write_cifar_tar(folder / "cifar-10-python.tar.gz", batches, test).read_bytes()
    _patch_remote(monkeypatch, "cifar10", "tar", "cifar-10-python.tar.gz", raw)
    data = kd.load("cifar10", mirror=url, val=0.2)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (16, 4, 6)
    assert data.input_shape == (32, 32, 3)
    assert data.class_names[0] == "airplane"


def test_load_wrong_hash_download_keeps_nothing(http_folder, monkeypatch, fx):
    folder, url = http_folder
    fx.write_mnist_npz(folder / "mnist.npz", fx.small_mnist())
    with pytest.raises(ChecksumError, match=r"Downloaded mnist.npz but its SHA-256 did not match "
                                            r"the pinned 731c5ac6"):
        kd.load("mnist", mirror=url)
    assert not (cache_dir() / "mnist" / "mnist.npz").exists()


def test_offline_error_names_files_and_folder(closed_port_url, tmp_path):
    with pytest.raises(DatasetNotAvailableError) as info:
        kd.load("mnist", mirror=closed_port_url)
    msg = str(info.value)
    folder = cache_dir() / "mnist"
    assert msg.startswith("Dataset 'mnist' is not on disk and could not be downloaded "
                          "(mnist.npz):")
    assert "Connection refused" in msg
    assert (f"To use it offline, put mnist.npz (the keras file), or the four IDX files "
            f"train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz into {folder} (or pass "
            f"data_dir= to the folder that holds them).") in msg
    assert "Traceback" not in msg
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_offline_error_cifar_names_tarball(closed_port_url, tmp_path):
    with pytest.raises(DatasetNotAvailableError,
                       match=r"put cifar-10-python.tar.gz \(or its extracted folder "
                             r"cifar-10-batches-py\) into .*data"):
        kd.load("cifar10", data_dir=tmp_path / "data", mirror=closed_port_url)


def test_source_local_never_downloads(tmp_path):
    with pytest.raises(DatasetNotAvailableError,
                       match=r"Dataset 'fashion_mnist' is not on disk and source='local' forbids "
                             r"downloading. Put the four IDX files train-images-idx3-ubyte.gz"):
        kd.load("fashion_mnist", source="local")


def test_download_module_constants():
    assert _download.MIRROR_ENV == "KERASDL_DATASET_MIRROR"
    assert _download.DATA_DIR_ENV == "KERASDL_DATA_DIR"


def test_official_urls_are_not_reached_in_tests(tmp_path):
    # The suite blocks every host but 127.0.0.1: the official URL fails fast and cleanly.
    with pytest.raises(DatasetNotAvailableError,
                       match=r"https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                             r"mnist.npz: test tried to reach 'storage.googleapis.com'"):
        kd.load("mnist")
