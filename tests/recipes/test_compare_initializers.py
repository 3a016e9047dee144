"""compare_initializers: per-layer statistics (exact on a linear net) and a smoke run."""

import numpy as np
import pytest

from kerasdl import recipes
from kerasdl import models
from kerasdl.recipes.compare_initializers import layer_statistics


def test_gradient_statistics_match_the_analytic_gradient(seed):
    model = models.mlp(2, hidden=(3,), activation="identity", task="regression", seed=0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 2)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    w1, b1, w2, b2 = [np.asarray(w, dtype="float64") for w in model.get_weights()]
    h = x @ w1 + b1
    out = h @ w2 + b2
    d_out = 2.0 * (out - y) / len(x)  # d mean-squared-error / d out
    grad_w2 = h.T @ d_out
    grad_w1 = x.T @ (d_out @ w2.T)
    stats = layer_statistics(model, x, y)
    assert stats["activation_mean"] == pytest.approx([h.mean()], rel=1e-4)
    assert stats["activation_std"] == pytest.approx([h.std()], rel=1e-4)
    assert stats["gradient_std"] == pytest.approx([grad_w1.std(), grad_w2.std()], rel=1e-3)
    # the probe changed nothing
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), [w1, b1, w2, b2]))


def test_smoke_he_keeps_relu_activations_level(tiny_run, check_run):
    result, run_dir = tiny_run("compare_initializers")  # small settings: conftest.SMALL_SETTINGS
    stats = result.extras["stats"]
    for name in ("glorot_uniform", "he_normal"):
        assert len(stats[name]["activation_std"]) == 6
        assert len(stats[name]["gradient_std"]) == 7
    # Glorot about halves a ReLU layer's variance; He's factor 2 compensates
    glorot, he = stats["glorot_uniform"]["activation_std"], stats["he_normal"]["activation_std"]
    assert glorot[-1] < 0.3 * glorot[0]
    assert he[-1] / he[0] > 1.5 * glorot[-1] / glorot[0]
    check_run(run_dir, recipe="compare_initializers", figures=["initializers.png"],
              sub_runs=["glorot_uniform", "he_normal"])
    lines = (run_dir / "initializer_stats.csv").read_text().splitlines()
    assert lines[0] == "initializer,layer,activation_mean,activation_std,gradient_std"
    assert len(lines) == 1 + 2 * 7
