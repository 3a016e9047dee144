import keras
import numpy as np
import pytest

from kerasdl.callbacks import EarlyStopping


def run(values, **kwargs):
    """Feed ``values`` one epoch at a time, as training would, until it says stop."""
    es = EarlyStopping(**kwargs)
    for epoch, value in enumerate(values):
        if es.update(value):
            return es, epoch
    return es, None


def test_scripted_losses_stop_epoch_and_best_epoch():
    es, stop = run([1.0, 0.8, 0.9, 0.85, 0.95, 0.7], patience=2)
    assert stop == 3 and es.stopped_epoch == 3 and es.best_epoch == 1 and es.best == 0.8


def test_patience_zero_and_min_delta():
    _, stop = run([1.0, 1.1], patience=0)
    assert stop == 1
    es, stop = run([1.0, 0.95, 0.92, 0.91], patience=2, min_delta=0.1)
    assert stop == 2 and es.best_epoch == 0


def test_max_mode_auto_for_accuracy_and_baseline():
    es, stop = run([0.5, 0.6, 0.55, 0.58], monitor="val_accuracy", patience=2)
    assert es.mode == "max" and stop == 3 and es.best_epoch == 1
    es, stop = run([0.9, 0.85, 0.8], patience=2, baseline=0.5)  # never beats the baseline
    assert stop == 1 and es.best is None


def test_start_from_epoch_and_nan_is_no_improvement():
    es, stop = run([0.1, 0.1, 1.0, 0.9, 0.95], patience=1, start_from_epoch=2)
    assert es.best_epoch == 3 and stop == 4
    es, stop = run([1.0, float("nan")], patience=1)
    assert stop == 1


class Scripted(keras.callbacks.Callback):
    def __init__(self, values, stop_at=None):
        super().__init__()
        self.values, self.stop_at, self.snapshots = values, stop_at, []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]
        self.snapshots.append([np.array(w) for w in self.model.get_weights()])
        if epoch == self.stop_at:
            self.model.stop_training = True


@pytest.mark.parametrize("values, stop_at, epochs_run, restored", [
    ([1.0, 0.4, 0.6, 0.7, 0.8, 0.9], None, 4, 1),   # early stopping stops it (patience 2)
    ([1.0, 0.4, 0.3, 0.7, 0.8, 0.9], 3, 4, 2),       # another callback stops it
    ([1.0, 0.4, 0.6, 0.3, 0.2, 0.5], None, 6, 4),     # runs to the last epoch
])
def test_restores_best_weights_however_training_ends(values, stop_at, epochs_run, restored):
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    script = Scripted(values, stop_at)
    es = EarlyStopping(patience=2)
    model.fit(x, x[:, :1], epochs=6, batch_size=8, verbose=0, callbacks=[script, es])
    assert len(script.snapshots) == epochs_run
    assert es.restored_epoch == restored
    for a, b in zip(model.get_weights(), script.snapshots[restored]):
        np.testing.assert_array_equal(a, b)


def test_missing_monitor_names_the_available_logs():
    es = EarlyStopping(monitor="val_f1")
    with pytest.raises(ValueError, match=r"EarlyStopping monitors 'val_f1' but the epoch logs "
                                         r"hold only \['loss'\]"):
        es.on_epoch_end(0, {"loss": 1.0})


def test_bad_settings():
    with pytest.raises(ValueError, match=r"`patience` must be >= 0; received -1"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match=r"`mode` must be one of 'auto', 'max', 'min'"):
        EarlyStopping(mode="up")
