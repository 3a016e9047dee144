"""Exact resume in-process: a crash at any batch, then resume=True, equals one clean run."""

import keras
import numpy as np
import pytest

from kerasdl.callbacks import EarlyStopping, list_checkpoints, read_checkpoint
from kerasdl.training import train

SETTINGS = dict(epochs=4, batch_size=8, optimizer="adam", learning_rate=0.02, seed=7,
                deterministic=True, verbose=0, plots=False)


class Crash(Exception):
    pass


class CrashAt(keras.callbacks.Callback):
    def __init__(self, at):
        super().__init__()
        self.at, self.n = at, 0

    def on_train_batch_end(self, batch, logs=None):
        self.n += 1
        if self.n == self.at:
            raise Crash(f"crash after batch {self.n}")


def make():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("int32")
    init = keras.initializers.GlorotUniform
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(6, activation="tanh", kernel_initializer=init(seed=1)),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init(seed=2)),
    ])
    return model, (x, y, x[:10], y[:10])


@pytest.fixture(scope="module")
def reference():
    model, data = make()
    return train(model, data, early_stopping={"patience": 10, "monitor": "loss"}, **SETTINGS)


# 5 batches per epoch, a checkpoint every 3 and at each epoch end: a crash after batch 10
# resumes at (epoch 1, batch 4) -- mid-epoch; after batch 11 at (epoch 2, batch 0)
@pytest.mark.parametrize("crash_at", [10, 11])
def test_crash_then_resume_equals_uninterrupted(tmp_path, reference, crash_at):
    model, data = make()
    with pytest.raises(Crash):
        train(model, data, run_dir=tmp_path, checkpoint_every=3,
              early_stopping={"patience": 10, "monitor": "loss"},
              callbacks=[CrashAt(crash_at)], **SETTINGS)
    last = list_checkpoints(tmp_path / "checkpoints")[-1]
    meta, _ = read_checkpoint(last)
    assert (meta["epoch"], meta["batch"]) == {10: (1, 4), 11: (2, 0)}[crash_at]

    model, data = make()
    resumed = train(model, data, run_dir=tmp_path, checkpoint_every=3, resume=True,
                    early_stopping={"patience": 10, "monitor": "loss"}, **SETTINGS)
    assert resumed.extras["resumed_from"]["epoch"] == meta["epoch"]
    assert resumed.history == reference.history
    for a, b in zip(resumed.model.get_weights(), reference.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(resumed.model.optimizer.variables, reference.model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert resumed.extras["early_stopping"] == reference.extras["early_stopping"]
    assert resumed.metrics == reference.metrics


def test_resume_finished_run_trains_nothing_and_extends(tmp_path):
    model, data = make()
    first = train(model, data, run_dir=tmp_path, **dict(SETTINGS, epochs=2))
    model, data = make()
    again = train(model, data, run_dir=tmp_path, resume=True, **dict(SETTINGS, epochs=2))
    assert again.history == first.history
    assert int(again.model.optimizer.iterations) == 10
    model, data = make()
    longer = train(model, data, run_dir=tmp_path, resume=True, **dict(SETTINGS, epochs=3))
    assert longer.history["loss"][:2] == first.history["loss"]
    assert len(longer.history["loss"]) == 3


def test_resume_auto_starts_when_there_is_nothing(tmp_path):
    model, data = make()
    result = train(model, data, run_dir=tmp_path, resume="auto", **dict(SETTINGS, epochs=1))
    assert result.extras["resumed_from"] is None
    assert [p.name for p in list_checkpoints(tmp_path / "checkpoints")] == \
        ["epoch0001-batch000000.keras"]


def test_early_stopping_state_survives_resume():
    es = EarlyStopping(patience=2)
    for v in [1.0, 0.5, 0.7]:
        es.update(v)
    state, arrays = es.get_state()
    clone = EarlyStopping(patience=2)
    clone.set_state(state, arrays)
    assert clone.update(0.9) is True and es.update(0.9) is True
    assert clone.best_epoch == es.best_epoch == 1


def test_timings_cover_every_epoch_after_resume(tmp_path):
    model, data = make()
    with pytest.raises(Crash):
        train(model, data, run_dir=tmp_path, checkpoint_every=3, callbacks=[CrashAt(8)],
              **SETTINGS)
    model, data = make()
    resumed = train(model, data, run_dir=tmp_path, resume=True, **SETTINGS)
    assert len(resumed.timings["epoch_s"]) == len(resumed.timings["samples_per_s"]) == 4
    assert all(t > 0 for t in resumed.timings["epoch_s"])
