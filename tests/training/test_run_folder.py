"""The run folder: one writer at a time (a real second process), resume / overwrite, and an
unwritable folder refused before any work."""

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.errors import RunFolderInUseError
from kerasdl.training import train
from kerasdl.training.internal import LOCK_NAME, open_run_folder, run_state

QUIET = dict(verbose=0, plots=False)


def data(n=24):
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])


# ------------------------------------------------------------------ the lock, two processes
HOLDER = """
import sys, time
from pathlib import Path
import keras, numpy as np, kerasdl

run_dir, ready, release = map(Path, sys.argv[1:4])

class HoldOn(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if not ready.exists():
            ready.write_text("training")
            deadline = time.time() + 120
            while not release.exists() and time.time() < deadline:
                time.sleep(0.05)

x = np.random.default_rng(0).normal(size=(24, 3)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
kerasdl.train(model, (x, y), epochs=1, run_dir=run_dir, callbacks=[HoldOn()], verbose=0,
              plots=False)
print("holder done")
"""

SECOND = """
import sys, time
import keras, numpy as np, kerasdl
from kerasdl.errors import RunFolderInUseError

x = np.random.default_rng(0).normal(size=(24, 3)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
train = kerasdl.train  # loads kerasdl's training modules: not part of the refusal's time
start = time.perf_counter()
try:
    train(model, (x, y), epochs=1, run_dir=sys.argv[1], resume="auto", verbose=0,
          plots=False)
except RunFolderInUseError as e:
    print("REFUSED", round(time.perf_counter() - start, 3), model.compiled, e)
    sys.exit(3)
print("TRAINED")
"""


def _has(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _python(code, *args):
    return [sys.executable, "-c", textwrap.dedent(code), *map(str, args)]


def _wait_for(path, proc, timeout=180):
    deadline = time.time() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"holder exited early ({proc.returncode}):\n{out}\n{err}")
        assert time.time() < deadline, "the holder never started training"
        time.sleep(0.1)


def _start_holder(tmp_path, env=None):
    """A process training into ``tmp_path/run`` that holds on at its first batch until
    ``tmp_path/release`` exists; returns once it is training."""
    ready = tmp_path / "ready"
    holder = subprocess.Popen(_python(HOLDER, tmp_path / "run", ready, tmp_path / "release"),
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env)
    try:
        _wait_for(ready, holder)
    except BaseException:
        holder.kill()
        holder.communicate()
        raise
    return holder


# the lock is a file lock, whatever the backend: run once (the TensorFlow run in CI)
@pytest.mark.backend_independent
def test_a_second_process_is_refused_fast_and_named_while_the_first_trains(tmp_path):
    run_dir, release = tmp_path / "run", tmp_path / "release"
    # the lock does not depend on the backend: both children on JAX where it is installed
    # (no TensorFlow import, seconds less each)
    env = dict(os.environ, **({"KERAS_BACKEND": "jax"} if _has("jax") else {}))
    holder = _start_holder(tmp_path, env)
    try:
        lock = json.loads((run_dir / LOCK_NAME).read_text())
        assert lock["pid"] == holder.pid and lock["host"] and lock["started"]
        second = subprocess.run(_python(SECOND, run_dir), text=True, capture_output=True,
                                timeout=240, env=env)
        assert second.returncode == 3, second.stdout + second.stderr[-3000:]
        line = second.stdout.strip().splitlines()[-1]
        _, seconds, compiled, message = line.split(" ", 3)
        assert compiled == "False"  # refused before any model work
        assert float(seconds) < 5.0  # at once (generous: a loaded CI machine)
        assert str(run_dir) in message and f"process {holder.pid} on host" in message
        assert "only one run may write a folder at a time" in message
        # reading the folder while it is in use works (no lock is needed to read)
        assert kerasdl.callbacks.list_checkpoints(run_dir / "checkpoints") == []
        assert run_state(run_dir) == "empty"
    finally:
        release.write_text("go")
        out, err = holder.communicate(timeout=240)
    assert holder.returncode == 0, err[-3000:]
    assert "holder done" in out
    assert run_state(run_dir) == "finished" and not (run_dir / LOCK_NAME).exists()


def test_after_kill_9_the_next_run_is_not_blocked(tmp_path):
    run_dir = tmp_path / "run"
    holder = _start_holder(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=60)
    assert (run_dir / LOCK_NAME).exists()  # the stale file stays, its lock is gone
    x, y = data()
    result = train(model(), (x, y), epochs=1, run_dir=run_dir, resume="auto", **QUIET)
    assert result.extras["resumed_from"] is None  # killed before its first checkpoint
    assert run_state(run_dir) == "finished" and not (run_dir / LOCK_NAME).exists()


def test_the_lock_is_exclusive_within_one_process_too(tmp_path):
    with open_run_folder(tmp_path / "run"):
        with pytest.raises(RunFolderInUseError, match=rf"is in use by process {os.getpid()} "):
            with open_run_folder(tmp_path / "run"):
                pass
        assert issubclass(RunFolderInUseError, RuntimeError)
    with open_run_folder(tmp_path / "run") as folder:  # released: free again
        assert folder.path == tmp_path / "run"


# ------------------------------------------------------------------ resume / overwrite
def test_neither_resume_nor_overwrite_refuses_a_finished_run_naming_both(tmp_path):
    x, y = data()
    train(model(), (x, y), epochs=1, run_dir=tmp_path, checkpoint_every=None, **QUIET)
    before = (tmp_path / "metrics.json").read_bytes()
    with pytest.raises(ValueError, match=r"already holds a finished run \(metrics\.json\)\. It "
                                         r"cannot be resumed \(no checkpoints\)\. Pass "
                                         r"overwrite=True"):
        train(model(), (x, y), epochs=1, run_dir=tmp_path, **QUIET)
    with pytest.raises(ValueError, match=r"finished run .* Pass overwrite=True"):
        train(model(), (x, y), epochs=1, run_dir=tmp_path, resume="auto", **QUIET)
    assert (tmp_path / "metrics.json").read_bytes() == before  # never silently overwritten


def test_refusal_names_resume_and_overwrite_for_a_run_with_checkpoints(tmp_path):
    x, y = data()
    train(model(), (x, y), epochs=1, run_dir=tmp_path, **QUIET)
    with pytest.raises(ValueError, match=r"Pass resume=True to continue it, overwrite=True to "
                                         r"start it again"):
        train(model(), (x, y), epochs=1, run_dir=tmp_path, **QUIET)


def test_overwrite_clears_only_the_files_of_a_run(tmp_path):
    x, y = data()
    train(model(), (x, y), epochs=2, run_dir=tmp_path, **QUIET)
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "events").write_text("old")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "my_data").mkdir()
    (tmp_path / "my_data" / "x.npy").write_bytes(b"keep")
    result = train(model(), (x, y), epochs=1, run_dir=tmp_path, overwrite=True, **QUIET)
    assert result.extras["resumed_from"] is None and len(result.history["loss"]) == 1
    assert [p.name for p in (tmp_path / "checkpoints").iterdir()] == \
        ["epoch0001-batch000000.keras"]  # the old run's two checkpoints are gone
    assert not (tmp_path / "logs").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "my_data" / "x.npy").read_bytes() == b"keep"
    assert json.loads((tmp_path / "config.json").read_text())["settings"]["epochs"] == 1


def test_resume_auto_continues_an_interrupted_run_and_starts_in_an_empty_folder(tmp_path):
    x, y = data()

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:  # after the first epoch's checkpoint
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(model(), (x, y), epochs=2, run_dir=tmp_path / "run", callbacks=[Crash()],
              **QUIET)
    assert run_state(tmp_path / "run") == "interrupted"
    resumed = train(model(), (x, y), epochs=2, run_dir=tmp_path / "run", resume="auto",
                    **QUIET)
    assert resumed.extras["resumed_from"]["epoch"] == 1
    assert len(resumed.history["loss"]) == 2
    fresh = train(model(), (x, y), epochs=1, run_dir=tmp_path / "new", resume="auto", **QUIET)
    assert fresh.extras["resumed_from"] is None


@pytest.mark.parametrize("kw, error, match", [
    ({"resume": True, "overwrite": True}, ValueError,
     r"`resume=True` and `overwrite=True` contradict each other"),
    ({"resume": "auto", "overwrite": True}, ValueError, r"contradict each other"),
    ({"overwrite": "yes"}, TypeError, r"`overwrite` must be True or False; received 'yes'"),
    ({"overwrite": True, "run_dir": None}, ValueError, r"`overwrite=True` needs `run_dir`"),
])
def test_bad_resume_overwrite_combinations(tmp_path, kw, error, match):
    x, y = data()
    kw = {"run_dir": tmp_path / "run", **kw}
    with pytest.raises(error, match=match):
        train(model(), (x, y), epochs=1, **kw, **QUIET)
    assert not (tmp_path / "run").exists()


# ------------------------------------------------------------------ unwritable folders
def test_a_run_refused_before_work_leaves_no_folder_behind(tmp_path):
    x, y = data()
    with pytest.raises(ValueError, match=r"`x_train` has samples of shape"):
        train(model(), (np.zeros((4, 5), "float32"), y[:4]), epochs=1,
              run_dir=tmp_path / "run", **QUIET)
    assert not (tmp_path / "run").exists()


def test_run_dir_under_a_file_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    x, y = data()
    m = model()
    with pytest.raises(OSError, match=r"The run folder .*a_file/run' cannot be created .* "
                                      r"nothing was trained"):
        train(m, (x, y), epochs=1, run_dir=blocker / "run", **QUIET)
    assert not m.compiled


def test_a_read_only_run_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    folder = tmp_path / "run"
    folder.mkdir()
    if os.name == "posix" and os.geteuid() != 0:
        os.chmod(folder, 0o555)  # a real read-only folder
    else:  # root writes through chmod: refuse the folder's writes where kerasdl makes files
        real_open = os.open

        def read_only(path, flags, *args, **kwargs):
            if Path(path).parent == folder and flags & os.O_CREAT:
                raise PermissionError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", read_only)
    x, y = data()
    m = model()
    try:
        with pytest.raises(PermissionError, match=r"The run folder .* cannot be written "
                                                  r"\(.*\); nothing was trained"):
            train(m, (x, y), epochs=1, run_dir=folder, **QUIET)
    finally:
        os.chmod(folder, 0o755)
    assert not m.compiled  # refused before compile and fit
