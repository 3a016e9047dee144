"""Data parallel training (``train(distribution=...)``, kerasdl/training/_distribution.py).

The backends' device counts are fixed when they start, so the runs over several devices
are children: JAX with ``--xla_force_host_platform_device_count=4`` (four CPU devices),
TensorFlow with two logical CPUs, and two real JAX processes on 127.0.0.1 (gloo). Each
child trains a tiny model on one device and on several, and prints what the test checks:
the same weights, validation history and test metrics, weights placed on every replica, a
remainder batch, resume after a crash, and a run folder written once. Float results of
several devices are compared at 1e-5 (the replicas sum the gradient in another order).
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.training._distribution import (PaddedBatches, Placement, check_distribution,
                                            padded_arrays)
from kerasdl.training._run_folder import follow_run_folder

HAS = {name: importlib.util.find_spec(name) is not None for name in ("jax", "tensorflow")}


def _xy(n=20):
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def _model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])


# ------------------------------------------------------------------ bad input, in process
def test_unknown_name_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match=r"^`distribution` must be one of 'auto', "
                                         r"'data_parallel'; received 'data-paralel'\. Did "
                                         r"you mean 'data_parallel'\?$"):
        kerasdl.train(_model(), _xy(), distribution="data-paralel", run_dir=tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_wrong_type_is_refused():
    with pytest.raises(TypeError, match=r"^`distribution` must be None, one of 'auto', "
                                        r"'data_parallel', a keras.distribution object \(JAX\) "
                                        r"or a tf.distribute.Strategy \(TensorFlow\); received "
                                        r"4 of type int\.$"):
        kerasdl.train(_model(), _xy(), distribution=4)


def test_torch_is_refused_before_any_work(backend, tmp_path):
    message = (r"^`distribution='data_parallel'` needs a Keras distribution engine, which the "
               r"'torch' backend does not have \(Keras distributes on JAX through "
               r"keras.distribution and on TensorFlow through tf.distribute\)\. Use "
               r"KERAS_BACKEND=jax or tensorflow, or distribution=None\.$")
    with pytest.raises(ValueError, match=message):
        check_distribution("data_parallel", backend="torch")
    assert check_distribution("auto", backend="torch") == "auto"
    if backend == "torch":
        with pytest.raises(ValueError, match=message):
            kerasdl.train(_model(), _xy(), distribution="data_parallel",
                          run_dir=tmp_path / "r")
        assert not (tmp_path / "r").exists()


def test_auto_is_one_device_on_cpu():
    result = kerasdl.train(_model(), _xy(), epochs=1, verbose=0, distribution="auto")
    assert result.config["distribution"] is None


def test_a_batch_smaller_than_the_replicas_is_refused():
    with pytest.raises(ValueError, match=r"^`batch_size` 3 is smaller than the 4 replicas data "
                                         r"parallel training splits each batch over; pass "
                                         r"batch_size >= 4 \(a multiple of 4 wastes no "
                                         r"compute\), or distribution=None\.$"):
        Placement(engine=object(), replicas=4).check_batch_size(3)
    Placement(engine=object(), replicas=4).check_batch_size(4)


# ------------------------------------------------------------------ padding, exact values
def test_a_batch_is_padded_with_zero_weight_copies_and_cut_per_process():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    y = np.array([0, 1, 2])

    class Three(keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return x, y, np.array([1.0, 2.0, 1.0], "float32")

    one = PaddedBatches(Three(), Placement(engine=object(), replicas=4))[0]
    np.testing.assert_array_equal(one[1], [0, 1, 2, 0])
    np.testing.assert_array_equal(one[0][3], x[0])
    # the real samples weigh 4/3 of their own weight: the step's loss is their mean
    np.testing.assert_allclose(one[2], [4 / 3, 8 / 3, 4 / 3, 0.0])
    second = PaddedBatches(Three(), Placement(engine=object(), replicas=4, processes=2,
                                              process_index=1))[0]
    np.testing.assert_array_equal(second[1], [2, 0])
    np.testing.assert_allclose(second[2], [4 / 3, 0.0])


def test_validation_data_is_padded_once_with_a_constant_weight():
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    (xp, yp, w), batch = padded_arrays(x, y, 5, Placement(engine=object(), replicas=4))
    assert batch == 8 and len(xp) == 12
    np.testing.assert_array_equal(yp, list(range(10)) + [0, 1])
    np.testing.assert_allclose(w, [1.2] * 10 + [0, 0])
    # process 1 of 2: the second half of each global batch (8, then the last 4)
    (_, yl, wl), local = padded_arrays(x, y, 5, Placement(engine=object(), replicas=4,
                                                          processes=2, process_index=1))
    assert local == 4
    np.testing.assert_array_equal(yl, [4, 5, 6, 7, 0, 1])
    np.testing.assert_allclose(wl, [1.2, 1.2, 1.2, 1.2, 0, 0])


def test_a_following_process_resumes_as_the_writer_decides(tmp_path):
    (tmp_path / "checkpoints").mkdir()
    assert follow_run_folder(tmp_path, resume="auto").resume is False
    (tmp_path / "checkpoints" / "epoch0001-batch000000.keras").write_bytes(b"x")
    assert follow_run_folder(tmp_path, resume="auto").resume is True
    assert follow_run_folder(tmp_path, overwrite=True).resume is False
    with pytest.raises(ValueError, match="already holds checkpoints of a run"):
        follow_run_folder(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints"]


# ------------------------------------------------------------------ several devices
COMMON = """
import json, sys
import numpy as np, keras, kerasdl

x = np.random.default_rng(0).normal(size=(50, 3)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
DATA = (x[:40], y[:40], x[40:], y[40:])  # 30 to train (4 x 7 + 2), 10 to validate, 10 to test

def model():
    init = lambda s: keras.initializers.GlorotUniform(seed=s)
    return keras.Sequential([keras.Input((3,)),
                             keras.layers.Dense(4, "relu", kernel_initializer=init(1)),
                             keras.layers.Dense(2, "softmax", kernel_initializer=init(2))])

SETTINGS = dict(optimizer="sgd", learning_rate=0.1, batch_size=7, epochs=2, verbose=0,
                validation_split=0.25, plots=False)

class Replicas(keras.callbacks.Callback):
    '''Record on how many devices the first weight lives while training.'''
    def on_train_batch_end(self, batch, logs=None):
        self.seen = replicas(self.model.weights[0])

class Crash(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)) == 7:
            raise KeyboardInterrupt

def diff(a, b):
    return max(float(np.abs(u - v).max()) for u, v in zip(a.model.get_weights(),
                                                           b.model.get_weights()))

def run(run_dir, dist):
    one = kerasdl.train(model(), DATA, **SETTINGS)  # one device, uninterrupted
    try:
        kerasdl.train(model(), DATA, distribution=dist, **dict(SETTINGS, batch_size=1))
    except ValueError as e:
        bad = str(e)
    spy = Replicas()
    try:  # several devices, a crash in the middle of the second epoch, then resume
        kerasdl.train(model(), DATA, distribution=dist, run_dir=run_dir, checkpoint_every=2,
                      callbacks=[spy, Crash()], **SETTINGS)
    except KeyboardInterrupt:
        pass
    many = kerasdl.train(model(), DATA, distribution=dist, run_dir=run_dir, resume=True,
                         checkpoint_every=2, **SETTINGS)
    print(json.dumps({
        "weights_diff": diff(one, many),
        "val": [one.history["val_loss"], many.history["val_loss"],
                one.history["val_accuracy"], many.history["val_accuracy"]],
        "metrics": [one.metrics, many.metrics],
        "resumed_from": many.extras["resumed_from"]["checkpoint"].rsplit("/", 1)[-1],
        "distribution": many.config["distribution"], "seen": spy.seen, "bad": bad}))
"""

JAX_CHILD = """
import os
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
""" + COMMON + """
def replicas(v):
    return len(v.value.sharding.device_set)

run(sys.argv[1], "data_parallel")
"""

TF_CHILD = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
""" + COMMON + """
def replicas(v):
    return len(v.value.values)

run(sys.argv[1], "data_parallel")
"""


def _child(code, backend, run, env=None):
    """Start ``code`` with ``backend``; its output goes to files beside ``run`` (a pipe left
    unread while the test waits for another child could fill up and stall it)."""
    full = dict(os.environ, KERAS_BACKEND=backend, CUDA_VISIBLE_DEVICES="",
                TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    tag = (env or {}).get("KERAS_DISTRIBUTION_PROCESS_ID", "")
    with open(run.parent / f"out{tag}.txt", "w") as out, \
            open(run.parent / f"err{tag}.txt", "w") as err:
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(run)],
                                env=full, stdout=out, stderr=err, text=True)
    proc.files = (run.parent / f"out{tag}.txt", run.parent / f"err{tag}.txt")
    return proc


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def children(tmp_path_factory):
    """Every child of this file, started at once (each is mostly single-threaded start-up
    and compilation, so together they take about as long as the longest): ``{name:
    (process, run folder)}``; the two JAX processes are ``"worker0"`` and ``"worker1"``."""
    started = {}
    if HAS["jax"]:
        address = f"127.0.0.1:{_free_port()}"
        runs = tmp_path_factory.mktemp("processes") / "run"
        for i in range(2):
            env = {"KERAS_DISTRIBUTION_JOB_ADDRESSES": address,
                   "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
                   "KERAS_DISTRIBUTION_PROCESS_ID": str(i)}
            started[f"worker{i}"] = (_child(WORKER, "jax", runs, env=env), runs)
        run = tmp_path_factory.mktemp("jax") / "run"
        started["jax"] = (_child(JAX_CHILD, "jax", run), run)
    if HAS["tensorflow"]:
        run = tmp_path_factory.mktemp("tensorflow") / "run"
        started["tensorflow"] = (_child(TF_CHILD, "tensorflow", run), run)
    yield started
    for proc, _ in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _result(proc, timeout=240):
    proc.wait(timeout=timeout)
    out, err = (path.read_text() for path in proc.files)
    assert proc.returncode == 0, f"child failed:\n{out}\n{err[-4000:]}"
    return json.loads(out.strip().splitlines()[-1])


def _check_same_training(out, replicas, engine):
    assert out["distribution"] == {"kind": "data_parallel", "engine": engine,
                                   "replicas": replicas, "processes": 1}
    assert out["seen"] == replicas  # the weights live on every replica while training
    assert out["resumed_from"] == "epoch0001-batch000001.keras"  # the crash: mid-epoch 2
    # crashed, resumed, on several devices: the same steps as one device uninterrupted
    # (the remainder batches padded exactly)
    assert out["weights_diff"] < 1e-5
    one_loss, many_loss, one_acc, many_acc = out["val"]
    assert many_loss == pytest.approx(one_loss, rel=1e-5)
    assert many_acc == one_acc  # the padded validation samples count for nothing
    one, many = out["metrics"]
    assert many == pytest.approx(one, rel=1e-5)
    assert out["bad"].startswith(f"`batch_size` 1 is smaller than the {replicas} replicas")


# The children pick their own backend: run once (the TensorFlow run in CI).
@pytest.mark.backend_independent
@pytest.mark.parametrize("backend, replicas, engine", [
    pytest.param("jax", 4, "keras.distribution.DataParallel",
                 marks=pytest.mark.skipif(not HAS["jax"], reason="jax is not installed")),
    pytest.param("tensorflow", 2, "tf.distribute.MirroredStrategy",
                 marks=pytest.mark.skipif(not HAS["tensorflow"],
                                          reason="tensorflow is not installed")),
])
def test_several_devices_train_as_one(children, backend, replicas, engine):
    proc, run = children[backend]
    _check_same_training(_result(proc), replicas, engine)
    config = json.loads((run / "config.json").read_text())
    assert config["settings"]["distribution"]["replicas"] == replicas


WORKER = """
import os, json, sys
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
import jax
jax.config.update("jax_cpu_collectives_implementation", "gloo")
import keras
keras.distribution.initialize()  # from the KERAS_DISTRIBUTION_* variables
""" + COMMON.split("class Replicas")[0] + """
result = kerasdl.train(model(), DATA, distribution="data_parallel", run_dir=sys.argv[1],
                       **SETTINGS)
print(json.dumps({"metrics": result.metrics, "history": result.history,
                  "distribution": result.config["distribution"],
                  "checkpoints": [p.rsplit("/", 1)[-1] for p in result.extras["checkpoints"]],
                  "run_dir": None if result.run_dir is None else str(result.run_dir),
                  "weights": [w.tolist() for w in result.model.get_weights()]}))
"""


@pytest.mark.backend_independent
@pytest.mark.skipif(not HAS["jax"], reason="jax is not installed")
def test_two_jax_processes_train_alike_and_process_0_writes(children):
    first, second = (_result(children[f"worker{i}"][0]) for i in range(2))
    run = children["worker0"][1]
    assert first["distribution"] == {"kind": "data_parallel",
                                     "engine": "keras.distribution.DataParallel",
                                     "replicas": 4, "processes": 2}
    assert second["metrics"] == first["metrics"]
    assert second["history"] == first["history"]
    assert second["weights"] == first["weights"]
    assert first["checkpoints"] == ["epoch0001-batch000000.keras",
                                    "epoch0002-batch000000.keras"]
    assert second["checkpoints"] == []  # its checkpoints went to a throwaway folder
    assert first["run_dir"] == str(run) and second["run_dir"] is None  # wrote no folder
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == first["checkpoints"]
    assert json.loads((run / "metrics.json").read_text())["metrics"] == first["metrics"]
    config = json.loads((run / "config.json").read_text())["settings"]
    assert config["distribution"]["processes"] == 2


# ------------------------------------------------------------------ the CLI and recipes
def test_recipes_forward_distribution_to_train(monkeypatch, tmp_path):
    from kerasdl import recipes

    calls = []

    def spy(model, data, **kwargs):
        calls.append(kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(kerasdl, "train", spy)
    with pytest.raises(KeyboardInterrupt):
        recipes.run("logistic_regression", distribution="auto", run_dir=tmp_path / "r")
    assert calls[0]["distribution"] == "auto"


def test_cli_takes_distribution_and_refuses_unknown_names(monkeypatch, capsys, tmp_path):
    from kerasdl import cli, recipes

    seen = []
    monkeypatch.setattr(recipes.get_recipe("xor"), "run",
                        lambda **s: seen.append(s) or kerasdl.training.RunResult())
    assert cli.main(["run", "xor", "--distribution", "auto", "--run-dir",
                     str(tmp_path / "r")]) == 0
    assert seen[0]["distribution"] == "auto"
    with pytest.raises(SystemExit):
        cli.main(["run", "xor", "--distribution", "mirrored"])
    assert "invalid choice: 'mirrored' (choose from 'auto', 'data_parallel')" in \
        capsys.readouterr().err


def test_an_engine_object_of_another_backend_is_refused():
    class MirroredStrategy:  # stands for tf.distribute's (only its module and parts count)
        extended = None

        def scope(self):
            pass

    MirroredStrategy.__module__ = "tensorflow.python.distribute.mirrored_strategy"
    with pytest.raises(ValueError, match=r"is a tf.distribute.Strategy, which runs on "
                                         r"tensorflow only; the backend is 'jax'\. Pass "
                                         r"'data_parallel' instead\.$"):
        check_distribution(MirroredStrategy(), backend="jax")
    assert isinstance(check_distribution(MirroredStrategy(), backend="tensorflow"),
                      MirroredStrategy)
