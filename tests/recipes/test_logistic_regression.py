"""logistic_regression: smoke run on breast_cancer, and on user data."""

import numpy as np

from kerasdl import recipes
from kerasdl import data as kdata


def test_smoke(tiny_run, check_run):
    result, run_dir = tiny_run("logistic_regression")  # small settings: conftest.SMALL_SETTINGS
    assert set(result.metrics) >= {"accuracy", "loss"}
    assert result.config["loss"] == "binary_crossentropy"
    assert result.config["dataset"] == "breast_cancer"
    check_run(run_dir, recipe="logistic_regression",
              figures=["confusion_matrix.png", "learning_curves.png"])


def test_runs_on_a_user_dataset(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3)).astype("float32")
    y = (x[:, 0] > 0).astype(int)
    data = kdata.from_arrays(x, y, test=0.25, name="mine")
    result = recipes.run("logistic_regression", data=data, epochs=1, verbose=0,
                         run_dir=tmp_path / "mine")
    assert result.config["dataset"] == "mine"
    assert result.config["recipe"]["settings"]["data"] == "Dataset 'mine'"
