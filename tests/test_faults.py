"""Faults: NaN losses, full or read-only disks, damaged checkpoints, dropped downloads.

Each test provokes the fault for real (a NaN injected into the weights at a random batch,
``OSError(ENOSPC)`` from the low-level fsync of a checkpoint write, a folder that refuses
new files, a local HTTP server that drops the connection mid-file) and checks that kerasdl
stops with a clear error and that nothing already on disk is lost. The SIGKILL resume test
lives in ``tests/training/test_resume_kill.py``.
"""

import errno
import hashlib
import http.server
import os
import threading
from pathlib import Path

import keras
import numpy as np
import pytest

import kerasdl
import kerasdl.saving
from kerasdl.callbacks import list_checkpoints, read_checkpoint
from kerasdl.data import _download
from kerasdl.errors import (ChecksumError, DamagedFileError, DatasetNotAvailableError,
                            NonFiniteLossError)

BATCHES = 8  # per epoch: 64 samples, batch_size 8
X = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("int32")


def model(**kw):
    return kerasdl.models.mlp(input_shape=(4,), hidden=(8,), task="binary", seed=0, **kw)


def train(run_dir, *, model_options=None, **kw):
    kw.setdefault("epochs", 2)
    if run_dir is not None:
        kw.setdefault("checkpoint_every", 1)
    return kerasdl.train(model(**(model_options or {})), (X, Y), batch_size=8,
                         run_dir=run_dir, verbose=0, plots=False, **kw)


def steps_done(path):
    meta, _ = read_checkpoint(path)
    return int(meta["epoch"]) * BATCHES + int(meta["batch"])


def assert_all_checkpoints_load(folder):
    """Every checkpoint file is readable, loads safely and holds finite weights."""
    paths = list_checkpoints(folder)
    assert paths
    for p in paths:
        read_checkpoint(p)
        loaded = kerasdl.load_model(p)
        assert all(np.isfinite(w).all() for w in loaded.get_weights())
    leftovers = [p.name for p in Path(folder).iterdir() if ".tmp" in p.name]
    assert leftovers == []
    return paths


# ----------------------------------------------------------------------- non-finite loss


class InjectNaN(keras.callbacks.Callback):
    """Poisons the first kernel with NaN just before global batch ``step`` (0-based)."""

    def __init__(self, step):
        super().__init__()
        self.step = step
        self.epoch = 0
        self.started_after = 0
        self.injected = False

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.injected:
            self.started_after += 1
        elif self.epoch * BATCHES + batch == self.step:
            kernel = self.model.trainable_weights[0]
            kernel.assign(np.full(kernel.shape, np.nan, dtype="float32"))
            self.injected = True


# The L2 penalty of a NaN kernel is NaN, so the loss itself turns NaN on every backend.
DECAY = {"weight_decay": 1e-3}


@pytest.mark.parametrize("seed", [0, 2])
def test_nan_loss_at_random_batch_stops_within_that_batch(tmp_path, seed):
    step = int(np.random.default_rng(seed).integers(1, 2 * BATCHES))
    epoch, batch = divmod(step, BATCHES)
    injector = InjectNaN(step)
    with pytest.raises(NonFiniteLossError,
                       match=rf"loss became nan at epoch {epoch + 1}, batch {batch + 1}\. "):
        train(tmp_path / "run", callbacks=[injector], model_options=DECAY)
    assert injector.injected and injector.started_after == 0  # no further batch ran
    paths = assert_all_checkpoints_load(tmp_path / "run" / "checkpoints")
    # the newest checkpoint is the last good step, taken just before the poisoned batch
    assert steps_done(paths[-1]) == step
    if seed == 0:  # and the run resumes from it and finishes (once is enough)
        result = train(tmp_path / "run", resume=True, model_options=DECAY)
        assert len(result.history["loss"]) == 2
        assert all(np.isfinite(result.history["loss"]))


def test_nan_loss_without_run_dir_also_stops(tmp_path):
    with pytest.raises(NonFiniteLossError, match=r"loss became nan at epoch 1, batch 4\. "):
        train(None, epochs=1, callbacks=[InjectNaN(3)], model_options=DECAY)


def test_nan_weights_with_finite_loss_also_stop(tmp_path):
    # Where the loss of NaN predictions turns NaN (JAX; TensorFlow without oneDNN) the run
    # stops within the batch. Where it stays finite (TensorFlow's binary cross-entropy with
    # oneDNN clips NaN predictions) the guard's weight check stops it at the end of that
    # epoch: never later, and never silently.
    with pytest.raises(NonFiniteLossError, match=r"loss became nan at epoch 1, batch 4\. |"
                                                 r"The weights '.*' became NaN or infinite "
                                                 r"during epoch 1 "):
        train(None, epochs=2, callbacks=[InjectNaN(3)])


# ------------------------------------------------------------------ disk full / read-only


def _fd_path(fd):
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"),
                                reason="needs /proc to see which file an fsync is for")


@needs_proc
def test_disk_full_during_checkpoint_write_keeps_previous_checkpoint(tmp_path, monkeypatch):
    real_fsync = os.fsync
    calls = {"n": 0}

    def full_disk_fsync(fd):
        path = _fd_path(fd)
        if "/checkpoints/.epoch" in path:
            calls["n"] += 1
            if calls["n"] >= 5:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk_fsync)
    with pytest.raises(OSError, match="No space left on device") as excinfo:
        train(tmp_path / "run")
    assert excinfo.value.errno == errno.ENOSPC
    monkeypatch.setattr(os, "fsync", real_fsync)
    paths = assert_all_checkpoints_load(tmp_path / "run" / "checkpoints")
    assert steps_done(paths[-1]) == 4  # the fifth write failed; the fourth is intact
    result = train(tmp_path / "run", resume=True)  # space is back: the run completes
    assert len(result.history["loss"]) == 2


@needs_proc
def test_disk_full_error_names_the_checkpoint_folder(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def full_disk_fsync(fd):
        if "/checkpoints/.epoch" in _fd_path(fd):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk_fsync)
    with pytest.raises(OSError, match=r"checkpoint.*No space left on device") as excinfo:
        train(tmp_path / "run")
    assert str(tmp_path / "run" / "checkpoints") in str(excinfo.value)


def _make_read_only_after(monkeypatch, folder, allowed):
    """Simulate a folder that turns read-only: new files in it fail with EACCES.

    Tests run as root in CI containers, where chmod does not stop writes, so the refusal
    is injected where kerasdl creates its temporary files.
    """
    import tempfile

    real = tempfile.mkstemp
    calls = {"n": 0}

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == Path(folder):
            calls["n"] += 1
            if calls["n"] > allowed:
                raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_read_only_checkpoint_folder_keeps_previous_checkpoint(tmp_path, monkeypatch):
    folder = tmp_path / "run" / "checkpoints"
    _make_read_only_after(monkeypatch, folder, allowed=3)
    with pytest.raises(PermissionError, match="Permission denied") as excinfo:
        train(tmp_path / "run")
    assert str(folder) in str(excinfo.value)
    monkeypatch.undo()
    paths = assert_all_checkpoints_load(folder)
    assert steps_done(paths[-1]) == 3


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="chmod does not stop root from writing")
def test_really_read_only_run_folder(tmp_path):
    train(tmp_path / "run", epochs=1)
    folder = tmp_path / "run" / "checkpoints"
    before = {p.name: p.read_bytes() for p in list_checkpoints(folder)}
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(PermissionError):
            train(tmp_path / "run", epochs=2, resume=True)
    finally:
        os.chmod(folder, 0o755)
    assert {p.name: p.read_bytes() for p in list_checkpoints(folder)} == before


def test_truncated_latest_checkpoint_is_detected_and_resume_uses_the_previous(tmp_path):
    train(tmp_path / "run", epochs=1)
    paths = list_checkpoints(tmp_path / "run" / "checkpoints")
    newest = paths[-1]
    data = newest.read_bytes()
    newest.write_bytes(data[: len(data) // 2])  # what a broken copy or a bad disk leaves
    with pytest.raises(DamagedFileError, match=r"this file is damaged/truncated"):
        kerasdl.load_model(newest)
    result = train(tmp_path / "run", epochs=2, resume=True)
    assert result.extras["resumed_from"]["checkpoint"] == str(paths[-2])
    assert result.extras["resumed_from"]["skipped_damaged"] == [str(newest)]


# ----------------------------------------------------------------- interrupted download


PAYLOAD = np.random.default_rng(1).integers(0, 256, 300_000, dtype=np.uint8).tobytes()


class _Server:
    """A local HTTP server whose next responses can be cut short."""

    def __init__(self):
        state = self
        self.mode = "drop"  # "drop": announce the full length, send 40 %, close
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                state.requests += 1
                self.send_response(200)
                if state.mode != "no-length":
                    self.send_header("Content-Length", str(len(PAYLOAD)))
                self.end_headers()
                if state.mode == "full":
                    self.wfile.write(PAYLOAD)
                else:
                    self.wfile.write(PAYLOAD[: len(PAYLOAD) * 2 // 5])
                    self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def remote(server):
    return _download.RemoteFile(name="blob.bin", sha256=hashlib.sha256(PAYLOAD).hexdigest(),
                                size=len(PAYLOAD), urls=(server.url + "/blob.bin",))


@pytest.mark.parametrize("mode, error, message", [
    # the server announced 300000 bytes and closed after 120000: a dropped connection
    ("drop", DatasetNotAvailableError,
     r"Could not download blob\.bin \(300000 bytes\):\n  .*blob\.bin: ConnectionError: "
     r"connection closed after 120000 of 300000 bytes \(download incomplete\)"),
    # no Content-Length: the client cannot tell a cut from a short file; the hash refuses it
    ("no-length", ChecksumError, r"blob\.bin.*received 120000 of 300000 bytes: truncated"),
])
def test_dropped_download_leaves_no_partial_file_and_next_call_downloads(
        tmp_path, server, mode, error, message):
    server.mode = mode
    folder = tmp_path / "data"
    with pytest.raises(error, match=message):
        _download.fetch(remote(server), folder, progress=False, timeout=5)
    assert list(folder.iterdir()) == []  # neither the final name nor a temporary file
    server.mode = "full"
    path = _download.fetch(remote(server), folder, progress=False, timeout=5)
    assert path == folder / "blob.bin"
    assert path.read_bytes() == PAYLOAD
    assert server.requests == 2
    assert sorted(p.name for p in folder.iterdir()) == ["blob.bin"]


def test_dropped_download_through_a_mirror_keeps_the_good_file(tmp_path, server):
    """A good file already in place is not touched by a later failed download."""
    server.mode = "full"
    folder = tmp_path / "data"
    _download.fetch(remote(server), folder, progress=False, mirror=server.url)
    server.mode = "drop"
    with pytest.raises(DatasetNotAvailableError, match=r"connection closed after 120000 of "
                                                       r"300000 bytes"):
        _download.fetch(remote(server), folder, progress=False, mirror=server.url, timeout=5)
    assert (folder / "blob.bin").read_bytes() == PAYLOAD
    assert sorted(p.name for p in folder.iterdir()) == ["blob.bin"]
