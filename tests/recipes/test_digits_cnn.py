"""digits_cnn: smoke run, and the >= 97% test accuracy claim with the defaults (slow)."""

import pytest

from kerasdl import recipes


def test_smoke(tiny_run, check_run):
    result, run_dir = tiny_run("digits_cnn")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 8, 8, 1)
    assert result.config["schedule"]["class"] == "OneCycle"
    check_run(run_dir, recipe="digits_cnn", figures=["learning_curves.png"])


@pytest.mark.slow
def test_reaches_97_percent_with_defaults(tmp_path):
    result = recipes.run("digits_cnn", verbose=0, run_dir=tmp_path / "full")
    assert result.metrics["accuracy"] >= 0.97
    assert result.config["n_test"] == 539
