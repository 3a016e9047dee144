"""linear_regression: SGD recovers w and b of the generated line (seeded)."""

import pytest

from kerasdl import recipes


def test_recovers_w_and_b(tiny_run, check_run):
    result, run_dir = tiny_run("linear_regression")  # small settings: conftest.SMALL_SETTINGS
    assert result.extras["true_w"] == 2.0 and result.extras["true_b"] == 1.0
    assert result.extras["w"][0] == pytest.approx(2.0, abs=0.1)
    assert result.extras["b"] == pytest.approx(1.0, abs=0.1)
    assert result.metrics["loss"] < 0.4  # noise variance 0.25
    assert len(result.history["loss"]) == 100 and "val_loss" in result.history
    config = check_run(run_dir, recipe="linear_regression",
                       figures=["fit.png", "learning_curves.png"])
    assert config["settings"]["validation_split"] == 0.2
    assert config["settings"]["optimizer"] == "minibatch_sgd"


def test_other_line_and_noise(tmp_path):
    result = recipes.run("linear_regression", w=-3.0, b=0.5, noise=0.1, n_samples=60,
                         learning_rate=0.1, epochs=15, verbose=0, run_dir=tmp_path / "lr2")
    assert result.config["n_train"] == 38  # 60 -> 48 train / 12 test -> 38 + 10 validation
    assert result.extras["w"][0] == pytest.approx(-3.0, abs=0.1)
    assert result.extras["b"] == pytest.approx(0.5, abs=0.1)
