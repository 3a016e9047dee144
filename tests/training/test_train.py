import json

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.data._dataset import Dataset
from kerasdl.errors import CheckpointError, NonFiniteLossError
from kerasdl.training import RunResult, train
from kerasdl.training._train import _class_sample_weights

QUIET = dict(verbose=0, plots=False)


def data(n=48, seed=0, classes=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (np.argmax(x[:, :classes], axis=1)).astype("int32")
    return x, y


def mlp(units=3, activation="softmax", dropout=0.0, inputs=4, seed=1):
    init = keras.initializers.GlorotUniform(seed=seed)
    layers = [keras.Input((inputs,)), keras.layers.Dense(5, activation="relu",
                                                         kernel_initializer=init)]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(units, activation=activation,
                                     kernel_initializer=keras.initializers.GlorotUniform(
                                         seed=seed + 1)))
    return keras.Sequential(layers)


def test_train_arrays_returns_run_result():
    x, y = data()
    result = train(mlp(), (x, y, x[:12], y[:12]), epochs=2, batch_size=16, **QUIET)
    assert isinstance(result, RunResult)
    assert sorted(result.history) == ["accuracy", "loss"]
    assert len(result.history["loss"]) == 2
    assert sorted(result.timings) == ["epoch_s", "fit_s", "samples_per_s", "wall_s"]
    assert len(result.timings["epoch_s"]) == len(result.timings["samples_per_s"]) == 2
    expected = result.model.evaluate(x[:12], y[:12], verbose=0, return_dict=True)
    assert result.metrics["accuracy"] == pytest.approx(float(expected["accuracy"]))
    assert result.extras["evaluation"]["part"] == "test"
    assert result.config["task"] == "multiclass" and result.config["batch_size"] == 16
    assert result.config["loss"] == "sparse_categorical_crossentropy"
    assert result.run_dir is None
    assert int(result.model.optimizer.iterations) == 2 * 3


def test_same_seed_same_history_and_another_seed_differs():
    x, y = data()
    runs = [train(mlp(dropout=0.3), (x, y), epochs=2, batch_size=8, seed=s, **QUIET)
            for s in (5, 5, 6)]
    assert runs[0].history == runs[1].history
    assert runs[0].history != runs[2].history
    for a, b in zip(runs[0].model.get_weights(), runs[1].model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_dataset_validation_part_and_validation_split():
    x, y = data(60)
    ds = Dataset(x_train=x[:40], y_train=y[:40], x_val=x[40:50], y_val=y[40:50],
                 x_test=x[50:], y_test=y[50:], task="multiclass", num_classes=3,
                 class_names=["a", "b", "c"], name="toy")
    result = train(mlp(), ds, epochs=1, **QUIET)
    assert sorted(result.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert result.config["n_val"] == 10 and result.config["n_test"] == 10
    assert sorted(result.extras["evaluation"]["per_class"]) == ["a", "b", "c"]
    split = train(mlp(), ds, epochs=1, validation_split=0.25, **QUIET)
    assert split.config["n_train"] == 30 and split.config["n_val"] == 10


@pytest.mark.parametrize("name, steps", [("gd", 1), ("sgd", 20), ("minibatch_sgd", 3)])
def test_batch_size_of_gd_sgd_minibatch(name, steps):
    x, y = data(20)
    result = train(mlp(), (x, y), optimizer=name, epochs=1,
                   batch_size=8 if name == "minibatch_sgd" else None, **QUIET)
    assert int(result.model.optimizer.iterations) == steps


def test_optimizer_tuple_and_options():
    x, y = data(16)
    result = train(mlp(), (x, y), optimizer=("momentum", {"momentum": 0.5}), epochs=1,
                   learning_rate=0.02, **QUIET)
    config = result.model.optimizer.get_config()
    assert config["momentum"] == pytest.approx(0.5)
    assert config["learning_rate"] == pytest.approx(0.02)


def test_schedule_fills_total_steps():
    x, y = data(32)
    result = train(mlp(), (x, y), optimizer="minibatch_sgd",
                   learning_rate=0.1, schedule=("step", {"step_size": 2, "gamma": 0.5}),
                   epochs=2, batch_size=8, **QUIET)
    # 8 steps: the rate at step 8 is 0.1 * 0.5 ** 4
    assert float(result.model.optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** 4)
    assert result.config["schedule"]["class"] == "StepDecay"
    cosine = train(mlp(), (x, y), schedule="cosine", epochs=2, batch_size=8, **QUIET)
    assert cosine.config["schedule"]["total_steps"] == 8


def test_keeps_compiled_loss_and_metrics():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5, 0.0], "float32") + 0.3
    model = mlp(units=1, activation="linear")
    model.compile(optimizer="sgd", loss="mae", metrics=["mse"])
    result = train(model, (x, y), epochs=1, **QUIET)
    assert sorted(result.history) == ["loss", "mse"]
    assert result.config["loss"] == "mae"
    assert result.config["task"] == "regression"


def test_binary_task_and_class_weight():
    x, _ = data(40)
    y = (x[:, 0] > 0).astype("int32")
    result = train(mlp(units=1, activation="sigmoid"), (x, y), epochs=1,
                   class_weight="balanced", **QUIET)
    assert result.config["task"] == "binary"
    assert result.config["loss"] == "binary_crossentropy"


def test_class_sample_weights_exact():
    y = np.array([0, 0, 0, 1])
    np.testing.assert_allclose(_class_sample_weights({1: 3.0}, y, "binary", 2),
                               [1, 1, 1, 3])
    np.testing.assert_allclose(_class_sample_weights("balanced", y, "binary", 2),
                               [4 / 6, 4 / 6, 4 / 6, 2.0], rtol=1e-6)
    with pytest.raises(ValueError, match=r"`class_weight` keys must be class indices in "
                                         r"\[0, 2\); received \[5\]"):
        _class_sample_weights({5: 1.0}, y, "binary", 2)


def test_pydataset_and_memmap_inputs(tmp_path):
    x, y = data(24)

    class Seq(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]

    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    result = train(model, Seq(), epochs=2, **QUIET)
    assert len(result.history["loss"]) == 2
    assert int(result.model.optimizer.iterations) == 6

    mm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype="float32",
                                   shape=x.shape)
    mm[:] = x
    mm.flush()
    on_disk = np.load(tmp_path / "x.npy", mmap_mode="r")
    a = train(mlp(), (on_disk, y), epochs=1, batch_size=8, **QUIET)
    b = train(mlp(), (x, y), epochs=1, batch_size=8, **QUIET)
    assert a.history == b.history


def test_nan_loss_raises_within_one_batch_and_keeps_last_checkpoint(tmp_path):
    x, y = data(32)
    seen = []

    class Count(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:  # make the second epoch blow up
                self.model.optimizer.learning_rate.assign(1e30)

        def on_train_batch_end(self, batch, logs=None):
            seen.append(float(logs["loss"]))

    model = mlp()
    with pytest.raises(NonFiniteLossError, match=r"The training loss became (nan|inf) at "
                                                 r"epoch 2, batch 2\. Lower the learning"):
        train(model, (x, y), optimizer="adam", epochs=3, batch_size=8, callbacks=[Count()],
              run_dir=tmp_path, **QUIET)
    # 4 batches of epoch 1, then batch 1 of epoch 2; the guard (which runs before user
    # callbacks) raised at batch 2, so no later batch ran
    assert len(seen) == 5 and np.isfinite(seen).all()
    from kerasdl.callbacks import list_checkpoints, load_checkpoint_model

    files = list_checkpoints(tmp_path / "checkpoints")
    assert [f.name for f in files] == ["epoch0001-batch000000.keras"]
    loaded = load_checkpoint_model(files[0])
    assert all(np.isfinite(w).all() for w in loaded.get_weights())


def test_early_stopping_restores_best_when_another_callback_stops():
    x, y = data(16)
    script = [1.0, 0.5, 0.7, 0.9, 0.2]
    snapshots = []

    class Script(keras.callbacks.Callback):  # runs before early stopping sees the logs
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = script[epoch]
            snapshots.append([np.array(w) for w in self.model.get_weights()])
            if epoch == 3:
                self.model.stop_training = True

    es = kerasdl.callbacks.EarlyStopping(monitor="val_loss", patience=10)
    result = train(mlp(), (x, y), epochs=5, early_stopping=es, callbacks=[Script()], **QUIET)
    assert len(result.history["loss"]) == 4
    assert es.restored_epoch == 1 and es.stopped_epoch is None
    for a, b in zip(result.model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(a, b)
    assert result.extras["early_stopping"]["best_epoch"] == 1


def test_early_stopping_true_stops_training():
    x, y = data(16)
    result = train(mlp(), (x, y), epochs=30, learning_rate=1e-9,
                   early_stopping={"patience": 1, "min_delta": 1.0}, **QUIET)
    assert len(result.history["loss"]) == 2
    assert result.extras["early_stopping"]["monitor"] == "loss"


def test_run_dir_is_written_and_resume_false_refuses_to_mix(tmp_path):
    x, y = data(24)
    result = train(mlp(), (x, y, x[:8], y[:8]), epochs=2, run_dir=tmp_path / "run", **QUIET)
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    for expected in ("checkpoints", "config.json", "history.csv", "metrics.json",
                     "model.keras"):
        assert expected in names
    assert [p.name for p in sorted((tmp_path / "run" / "checkpoints").iterdir())] == \
        ["epoch0001-batch000000.keras", "epoch0002-batch000000.keras"]
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert "seed" in json.dumps(config)
    assert "report_s" in result.timings
    with pytest.raises(ValueError, match=r"already holds checkpoints of a run "
                                         r"\(epoch0002-batch000000\.keras\)\. Pass "
                                         r"resume=True"):
        train(mlp(), (x, y), epochs=2, run_dir=tmp_path / "run", **QUIET)


def test_run_dir_without_checkpoints(tmp_path):
    x, y = data(24)
    result = train(mlp(), (x, y, x[:8], y[:8]), epochs=2, run_dir=tmp_path / "run",
                   checkpoint_every=None, **QUIET)
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert "checkpoints" not in names
    assert {"config.json", "history.csv", "metrics.json", "model.keras"} <= set(names)
    assert len(result.history["loss"]) == 2
    with pytest.raises(ValueError, match=r"`resume=True` needs checkpoints; received "
                                         r"checkpoint_every=None"):
        train(mlp(), (x, y), epochs=2, run_dir=tmp_path / "run", resume=True,
              checkpoint_every=None, **QUIET)


def test_mixed_precision(backend):
    x, y = data(16)
    model = mlp()
    result = train(model, (x, y), epochs=1, mixed_precision=True, **QUIET)
    assert model.layers[0].dtype_policy.name.startswith("mixed_")
    assert model.layers[-1].dtype_policy.name == "float32"
    assert np.isfinite(result.history["loss"]).all()
    auto = train(mlp(), (x, y), epochs=1, **QUIET)
    assert auto.config["mixed_precision"] is False  # CPU: no gain, so "auto" is off


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("kwargs, error, message", [
    ({"optimizer": "adma"}, ValueError, r"Unknown optimizer 'adma'\. Did you mean 'adam'"),
    ({"loss": "crossentropy_sparse"}, ValueError, r"Unknown loss name 'crossentropy_sparse'.*"
                                                  r"Valid loss names: .*binary_crossentropy"),
    ({"schedule": "linear"}, ValueError, r"Unknown schedule 'linear'.*Valid schedules: "
                                         r"cosine, exponential, one_cycle, step"),
    ({"epochs": 0}, ValueError, r"`epochs` must be a positive integer \(>= 1\); received 0"),
    ({"batch_size": -4}, ValueError, r"`batch_size` must be a positive integer \(>= 1\); "
                                     r"received -4"),
    ({"validation_split": 1.5}, ValueError, r"`validation_split` must be in \(0, 1\); "
                                            r"received 1\.5"),
    ({"optimizer": "gd", "batch_size": 4}, ValueError, r"`optimizer='gd'` is full-batch "
                                                       r"gradient descent"),
    ({"resume": True}, ValueError, r"`resume=True` needs `run_dir`"),
    ({"checkpoint_every": "step"}, ValueError, r"`checkpoint_every` must be 'epoch' or a "
                                               r"number of batches; received 'step'"),
    ({"epochs": 2.5}, TypeError, r"`epochs` must be a positive integer; received 2\.5"),
])
def test_bad_settings(kwargs, error, message):
    x, y = data(8)
    with pytest.raises(error, match=message):
        train(mlp(), (x, y), **QUIET, **kwargs)


def test_data_shape_not_fitting_model_input():
    x, y = data(8)
    with pytest.raises(ValueError, match=r"`x_train` has samples of shape \(3,\) but the model "
                                         r"expects inputs of shape \(4,\)"):
        train(mlp(), (x[:, :3], y), **QUIET)


def test_ten_classes_into_five_unit_head():
    x, _ = data(20)
    y = np.arange(20) % 10
    with pytest.raises(ValueError, match=r"`y_train` holds label 9 but labels must be in "
                                         r"\[0, 5\) for 5 classes\. The model's output layer "
                                         r"has 5 units"):
        train(mlp(units=5), (x, y), **QUIET)
    ds = Dataset(x_train=x, y_train=y, task="multiclass", num_classes=10)
    with pytest.raises(ValueError, match=r"The data has 10 classes but the model's output "
                                         r"layer has 5 units"):
        train(mlp(units=5), ds, **QUIET)


def test_one_hot_into_sparse_loss_and_the_reverse():
    x, y = data(12)
    onehot = np.eye(3, dtype="float32")[y]
    with pytest.raises(ValueError, match=r"The loss 'sparse_categorical_crossentropy' expects "
                                         r"integer class labels but `y_train` is one-hot"):
        train(mlp(), (x, onehot), loss="sparse_categorical_crossentropy", **QUIET)
    with pytest.raises(ValueError, match=r"The loss 'categorical_crossentropy' expects one-hot "
                                         r"labels but `y_train` holds integer class labels"):
        train(mlp(), (x, y), loss="categorical_crossentropy", **QUIET)


def test_non_finite_data():
    x, y = data(8)
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"`x_train` contains non-finite values \(1 NaN, 0 "
                                         r"inf; first at index \(3, 2\)\)"):
        train(mlp(), (x, y), **QUIET)


def test_bad_data_type():
    with pytest.raises(TypeError, match=r"`data` must be a kerasdl\.data\.Dataset, a tuple"):
        train(mlp(), {"x": 1}, **QUIET)


def test_resume_errors(tmp_path):
    x, y = data(16)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckpointError, match=r"No checkpoint to resume from in .*empty"):
        train(mlp(), (x, y), run_dir=tmp_path / "empty", resume=True, **QUIET)
    train(mlp(), (x, y), epochs=1, run_dir=tmp_path / "run", **QUIET)
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(7),
                              keras.layers.Dense(3, activation="softmax")])
    with pytest.raises(CheckpointError, match=r"belongs to a different model: its model has 4 "
                                              r"weight arrays of shapes \[\[4, 5\]"):
        train(other, (x, y), epochs=2, run_dir=tmp_path / "run", resume=True, **QUIET)
    with pytest.raises(CheckpointError, match=r"was made by a run with other settings: "
                                              r"seed=0 in the checkpoint but 1 now"):
        train(mlp(), (x, y), epochs=2, seed=1, run_dir=tmp_path / "run", resume=True,
              **QUIET)


def test_memmap_source_trains_chunk_by_chunk(tmp_path):
    from kerasdl.data import MemmapSource
    from kerasdl.training._data import EpochBatches

    x, y = data(40)
    np.save(tmp_path / "x.npy", x.astype("float64"))
    np.save(tmp_path / "y.npy", y)
    source = MemmapSource(tmp_path / "x.npy", tmp_path / "y.npy", chunk_size=16)
    result = train(mlp(), source, epochs=2, batch_size=8, **QUIET)
    assert len(result.history["loss"]) == 2 and result.config["n_train"] == 40
    # the epoch order visits one chunk after another, samples shuffled inside each
    seq = EpochBatches(source.x, source.y, 8, seed=0, chunk_size=16, x_dtype="float32")
    order = seq.order(0)
    chunk_of = order // 16
    assert sorted(order.tolist()) == list(range(40))
    assert (np.diff(chunk_of) != 0).sum() == 2  # three chunks, two switches
    assert seq[0][0].dtype == np.float32 and seq.order(1).tolist() != order.tolist()


def test_tensorflow_pipeline_serves_the_same_batches(backend):
    """On TensorFlow, in-memory arrays go through tf.data; the batches must not change."""
    if backend != "tensorflow":
        pytest.skip("the tf.data path exists on the TensorFlow backend only")
    from kerasdl.training._data import EpochBatches

    x, y = data(21)
    seq = EpochBatches(x, y, 8, seed=4, sample_weight=np.arange(21, dtype="float32"))
    ds = seq.as_tf_dataset()
    for epoch in (0, 3):
        seq.set_epoch(epoch)
        got = [tuple(np.asarray(t) for t in batch) for batch in ds]
        assert len(got) == 3
        for i, batch in enumerate(got):
            for a, b in zip(batch, seq[i]):
                np.testing.assert_array_equal(a, b)

    # and model.fit reads each epoch's order after the epoch began: same history as the
    # Python PyDataset path
    class SetEpoch(keras.callbacks.Callback):
        def __init__(self, seq):
            super().__init__()
            self.seq = seq

        def on_epoch_begin(self, epoch, logs=None):
            self.seq.set_epoch(epoch)

    result = train(mlp(), (x, y), epochs=3, batch_size=8, seed=4, **QUIET)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    seq = EpochBatches(x, y, 8, seed=4)
    hist = model.fit(seq, epochs=3, verbose=0, shuffle=False,
                     callbacks=[SetEpoch(seq)]).history
    assert result.history["loss"] == hist["loss"]


def test_a_schedule_records_the_learning_rate_of_each_epoch():
    x, y = data()
    rate = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    result = train(mlp(), (x, y), epochs=2, batch_size=16, learning_rate=rate, **QUIET)
    # 48 samples / 16 = 3 steps per epoch: 0.1 * 0.5**3 after epoch 1, 0.1 * 0.5**6 after 2
    assert result.history["learning_rate"] == pytest.approx([0.0125, 0.0015625])
    plain = train(mlp(), (x, y), epochs=1, batch_size=16, **QUIET)
    assert "learning_rate" not in plain.history


def test_mixed_precision_takes_keras_policy_names():
    x, y = data(16)
    model = mlp()
    result = train(model, (x, y), epochs=1, mixed_precision="mixed_bfloat16", **QUIET)
    assert model.layers[0].dtype_policy.name == "mixed_bfloat16"
    assert model.layers[-1].dtype_policy.name == "float32"
    assert result.config["mixed_precision"] == "mixed_bfloat16"
    assert np.isfinite(result.history["loss"]).all()
    off = train(mlp(), (x, y), epochs=1, mixed_precision="float32", **QUIET)
    assert off.config["mixed_precision"] is False
    with pytest.raises(ValueError, match=r"`mixed_precision` must be one of 'auto', "
                                         r"'float32', 'mixed_bfloat16', 'mixed_float16'; "
                                         r"received 'mixed_float61'\. Did you mean "
                                         r"'mixed_float16'"):
        train(mlp(), (x, y), mixed_precision="mixed_float61", **QUIET)
    with pytest.raises(TypeError, match=r"`mixed_precision` must be True, False or one of"):
        train(mlp(), (x, y), mixed_precision=1, **QUIET)
