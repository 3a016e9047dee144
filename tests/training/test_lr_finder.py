import keras
import numpy as np
import pytest

from kerasdl.training import LRFinderResult, find_lr
from kerasdl.training._lr_finder import suggest_lr


def problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([
        keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dropout(0.2),
        keras.layers.Dense(2, activation="softmax")])
    return model, x, y


def test_sweep_and_exact_restoration():
    model, x, y = problem()
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)  # optimizer state to keep
    weights = [np.array(w) for w in model.get_weights()]
    opt_state = [np.array(v) for v in model.optimizer.variables]
    seeds = [np.array(v) for v in model.non_trainable_variables]
    optimizer = model.optimizer

    res = find_lr(model, (x, y), start_lr=1e-5, end_lr=1.0, steps=12, batch_size=16,
                  diverge_factor=1e9)
    assert isinstance(res, LRFinderResult)
    np.testing.assert_allclose(res.lrs, 1e-5 * (1e5) ** (np.arange(12) / 11), rtol=1e-12)
    assert len(res.losses) == len(res.smoothed_losses) == 12
    assert res.smoothed_losses[0] == pytest.approx(res.losses[0])  # bias-corrected start
    assert res.suggested_lr in res.lrs

    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer is optimizer
    for a, b in zip(model.optimizer.variables, opt_state):
        np.testing.assert_array_equal(np.asarray(a), b)
    for a, b in zip(model.non_trainable_variables, seeds):
        np.testing.assert_array_equal(np.asarray(a), b)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.003)
    # still trains with its own compile settings
    hist = model.fit(x, y, epochs=1, batch_size=16, verbose=0).history
    assert sorted(hist) == ["accuracy", "loss"]


def test_uncompiled_model_and_early_stop_on_divergence():
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    y = x @ np.array([2.0, -1.0], "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    res = find_lr(model, (x, y), start_lr=1e-3, end_lr=1e6, steps=60, optimizer="sgd")
    assert res.stopped_early and len(res.lrs) < 60
    assert res.suggested_lr < 1.0  # SGD on this problem diverges above lr ~ 1
    assert not model.compiled


def test_suggest_lr_is_steepest_descent_before_the_minimum():
    lrs = np.logspace(-4, 0, 9)
    smoothed = [1.0, 0.99, 0.95, 0.7, 0.5, 0.45, 0.44, 0.9, 3.0]
    # log-spacing is even, so the steepest drop is around index 3 (0.95 -> 0.7 -> 0.5)
    assert suggest_lr(lrs, smoothed) == pytest.approx(lrs[3])
    # the first tenth of a sweep is skipped (start-up noise of the smoothing)
    lrs = np.logspace(-4, 0, 20)
    smoothed = [2.0, 0.5, 1.0, 0.99, 0.98, 0.9, 0.6, 0.5, 0.45, 0.44, 0.43, 0.42, 0.41, 0.40,
                0.39, 0.38, 0.37, 0.5, 1.0, 3.0]
    assert suggest_lr(lrs, smoothed) == pytest.approx(lrs[6])


def test_plot(tmp_path):
    res = LRFinderResult(lrs=[1e-3, 1e-2, 1e-1], losses=[1.0, 0.5, 2.0],
                         smoothed_losses=[1.0, 0.6, 1.5], suggested_lr=1e-2)
    fig = res.plot(tmp_path / "lr.png")
    assert (tmp_path / "lr.png").stat().st_size > 0
    assert fig.axes[0].get_xscale() == "log"


def test_bad_range():
    model, x, y = problem()
    with pytest.raises(ValueError, match=r"`end_lr` must be greater than `start_lr` \(0\.1\); "
                                         r"received 0\.01"):
        find_lr(model, (x, y), start_lr=0.1, end_lr=0.01)
    with pytest.raises(ValueError, match=r"`steps` must be >= 3; received 2"):
        find_lr(model, (x, y), steps=2)
