"""Exact resume survives real ``kill -9``: checkpoints stay loadable, the run finishes
with the same weights as an uninterrupted one (CPU, deterministic=True).

A "zygote" child process imports keras and kerasdl once; for every kill it forks a fresh
worker that resumes the run (``resume="auto"``). The test process SIGKILLs the worker at
random moments -- half of the time exactly while a checkpoint is being written (a test-only
environment variable widens the write window with a sleep) -- then checks that every
checkpoint on disk loads. Forking keeps each cycle well under a second.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("needs os.fork and SIGKILL", allow_module_level=True)

N_KILLS = 15  # a third while a checkpoint is written, a third mid-batch, a third at start
EPOCHS = 30
CKPT_EVERY = 2

SETUP = """
import numpy as np
import keras

def make_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] - x[:, 1] > 0).astype("int32")
    return x, y

def make_model():
    init = lambda s: keras.initializers.GlorotUniform(seed=s)
    return keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(6, activation="relu", kernel_initializer=init(1)),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(2, activation="softmax", kernel_initializer=init(2)),
    ])

SETTINGS = dict(epochs=%d, batch_size=8, optimizer="adam", learning_rate=0.01, seed=3,
                deterministic=True, verbose=0, plots=False)
""" % EPOCHS

ZYGOTE = SETUP + """
import os, sys, traceback
from kerasdl.training import train   # imported once; workers are forked from here

class Ready(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if not getattr(self, "said", False):
            self.said = True
            print("ready", flush=True)

run_dir = sys.argv[1]
x, y = make_data()
for line in sys.stdin:
    if line.strip() != "go":
        break
    pid = os.fork()
    if pid == 0:
        try:
            train(make_model(), (x, y), run_dir=run_dir, resume="auto",
                  checkpoint_every=%d, callbacks=[Ready()], **SETTINGS)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    print("pid", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("status", status, flush=True)
""" % CKPT_EVERY


def _read(stream, prefix):
    """The next line of the zygote's output that starts with ``prefix`` (its value)."""
    while True:
        line = stream.readline()
        if not line:
            raise AssertionError(f"the zygote process ended while waiting for {prefix!r}")
        if line.startswith(prefix):
            return line[len(prefix):].strip()


def _temporaries(ckpt_dir):
    return [p for p in ckpt_dir.iterdir() if ".tmp" in p.name] if ckpt_dir.is_dir() else []


def test_kill_9_at_random_moments_then_resume_matches_uninterrupted(tmp_path):
    import keras

    from kerasdl.callbacks import list_checkpoints, load_checkpoint_model, read_checkpoint
    from kerasdl.training import train

    namespace = {}
    exec(SETUP, namespace)  # the same data, model and settings as the workers
    run_dir = tmp_path / "run"
    ckpt_dir = run_dir / "checkpoints"
    env = dict(os.environ, KERASDL_TEST_CHECKPOINT_SLEEP="0.03", PYTHONUNBUFFERED="1",
               # each forked JAX worker would compile the same functions again
               JAX_COMPILATION_CACHE_DIR=str(tmp_path / "jax_cache"),
               JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
               JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    zygote = subprocess.Popen([sys.executable, "-c", textwrap.dedent(ZYGOTE), str(run_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=env)
    rng = np.random.default_rng(2024)
    kills, kills_in_write, steps_seen = 0, 0, []
    try:
        for cycle in range(N_KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(_read(zygote.stdout, "pid"))
            mode = cycle % 3
            if mode == 0:
                # kill while a checkpoint is being written: wait for its temporary file
                deadline = time.monotonic() + 60
                before = {p.name for p in _temporaries(ckpt_dir)}
                while time.monotonic() < deadline:
                    if {p.name for p in _temporaries(ckpt_dir)} - before:
                        break
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.02))
            elif mode == 1:
                _read(zygote.stdout, "ready")  # training runs: kill at a random batch
                time.sleep(rng.uniform(0.0, 0.5))
            else:
                time.sleep(rng.uniform(0.0, 0.3))  # kill during start-up or restore
            os.kill(pid, signal.SIGKILL)
            status = int(_read(zygote.stdout, "status"))
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                f"worker ended by itself (status {status}) before the kill; see its stderr")
            kills += 1
            if _temporaries(ckpt_dir):
                kills_in_write += 1
            # every checkpoint on disk loads (a half-written file is never under its name)
            files = list_checkpoints(ckpt_dir)
            for path in files:
                meta, _ = read_checkpoint(path)
                assert meta["fingerprint"]["weights"]
            if files:
                steps_seen.append(read_checkpoint(files[-1])[0]["global_step"])
                load_checkpoint_model(files[-1])
    finally:
        zygote.stdin.close()
        zygote.kill()
        zygote.wait()

    assert kills == N_KILLS
    assert kills_in_write >= N_KILLS // 3 - 1, f"only {kills_in_write} kills hit a write"
    assert steps_seen and steps_seen[-1] > 0
    assert steps_seen == sorted(steps_seen)  # progress is never lost
    total = EPOCHS * 8
    assert steps_seen[-1] < total, "the run finished before the kills ended"

    x, y = namespace["make_data"]()
    settings = namespace["SETTINGS"]
    resumed = train(namespace["make_model"](), (x, y), run_dir=run_dir, resume=True,
                    checkpoint_every=CKPT_EVERY, **settings)
    assert not _temporaries(ckpt_dir)  # stale temporaries of killed writes are cleaned
    reference = train(namespace["make_model"](), (x, y), **settings)
    assert resumed.extras["resumed_from"]["epoch"] * 8 + \
        resumed.extras["resumed_from"]["batch"] == steps_seen[-1]
    for a, b in zip(reference.model.get_weights(), resumed.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.history == reference.history
    assert len(resumed.history["loss"]) == EPOCHS
    assert keras.backend.backend() in json.dumps(resumed.config)
