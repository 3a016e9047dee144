"""Fixtures for the recipe tests: tiny generated stand-ins for the downloadable datasets."""

import json
from pathlib import Path

import numpy as np
import pytest


def tiny_images(shape, *, n_train=40, n_test=20, classes=10, seed=0, one_hot=False):
    """A small image Dataset (values in [0, 1]) shaped like MNIST / CIFAR, via from_arrays.

    Each class gets a bright square at its own position so a model can learn something.
    """
    from kerasdl import data as kdata

    rng = np.random.default_rng(seed)
    n = n_train + n_test
    y = np.arange(n) % classes
    x = rng.uniform(0.0, 0.3, size=(n, *shape)).astype("float32")
    for i, label in enumerate(y):
        r = (label * 2) % (shape[0] - 4)
        x[i, r:r + 4, r:r + 4, ...] = 1.0
    return kdata.from_arrays(x[:n_train], y[:n_train], x[n_train:], y[n_train:],
                             one_hot=one_hot, name="tiny_images")


@pytest.fixture
def images():
    return tiny_images


def read_json(path):
    return json.loads(Path(path).read_text())


def check_run_folder(run_dir, *, recipe, figures=(), sub_runs=()):
    """The folder a recipe writes: config with the recipe, metrics, report, its figures."""
    run_dir = Path(run_dir)
    config = read_json(run_dir / "config.json")
    assert config["recipe"]["name"] == recipe
    assert (run_dir / "metrics.json").is_file()
    report = (run_dir / "report.html").read_text()
    for name in figures:
        assert (run_dir / "plots" / name).stat().st_size > 1000, name
        assert f"plots/{name}" in report
    for sub in sub_runs:
        assert (run_dir / sub / "config.json").is_file(), sub
        assert (run_dir / sub / "report.html").is_file(), sub
    leftovers = [p.name for p in run_dir.rglob(".*.tmp*")]
    assert leftovers == []
    return config


@pytest.fixture
def check_run():
    return check_run_folder


# Small settings per recipe for the registry-generated tests (tests/recipes/test_recipes.py):
# tiny data and one or two epochs where that still shows what the recipe's own tests assert.
# A recipe without an entry runs with its defaults and ``epochs=1`` (if it has epochs); one
# whose default data must be downloaded needs an entry with generated ``data``.
SMALL_SETTINGS = {
    "logic_gates": lambda: {},
    "xor": lambda: {},
    "linear_regression": lambda: {},
    "multivariable_regression": lambda: {},
    "logistic_regression": lambda: {"epochs": 2},
    "softmax_regression": lambda: {"epochs": 2},
    "digits_mlp": lambda: {"epochs": 1, "hidden": (16,)},
    "digits_cnn": lambda: {"epochs": 1, "filters": (4,), "dense": (8,)},
    "mnist_mlp": lambda: {"data": tiny_images((28, 28)), "epochs": 1, "hidden": (16,)},
    "mnist_cnn": lambda: {"data": tiny_images((28, 28)), "epochs": 1, "filters": (4, 8),
                          "dense": (8,), "batch_size": 16},
    "fashion_mnist_cnn": lambda: {"data": tiny_images((28, 28, 1), seed=1), "epochs": 1,
                                  "filters": (4,), "dense": (8,), "batch_size": 20},
    "cifar10_cnn": lambda: {"data": tiny_images((32, 32, 3), seed=2), "epochs": 1,
                            "filters": (4,), "dense": (8,), "batch_size": 20},
    "compare_optimizers": lambda: {"optimizers": ("gd", "sgd", "momentum", "adam"),
                                   "learning_rates": {"adam": 0.3}, "n_samples": 40,
                                   "epochs": 2},
    "compare_initializers": lambda: {"initializers": ("glorot_uniform", "he_normal"),
                                     "depth": 6, "width": 32, "epochs": 1},
    "regularization_study": lambda: {"variants": ("baseline", "early_stopping",
                                                  "augmentation"),
                                     "train_size": 40, "epochs": 2, "patience": 1,
                                     "filters": (4,), "dense": (16,)},
}


def _small_settings(name):
    """The small settings of recipe ``name`` (see SMALL_SETTINGS), as a new dict."""
    from kerasdl import recipes

    if name in SMALL_SETTINGS:
        return SMALL_SETTINGS[name]()
    return {"epochs": 1} if "epochs" in recipes.get_recipe(name).DEFAULTS else {}


@pytest.fixture
def small_settings():
    """``small_settings(name) -> dict``: a recipe's small settings for the tests."""
    return _small_settings


def record_parity_metrics(name, metrics):
    """Keep recipe ``name``'s small-settings test metrics for the backend parity test.

    Only where ``KERASDL_TEST_PARITY_DIR`` is set (tox does): as
    ``$KERASDL_TEST_PARITY_DIR/<backend>/<name>.json``, so tests/recipes/test_parity.py can
    compare the backends' runs of the suite instead of running every recipe again.
    """
    import os

    import keras

    folder = os.environ.get("KERASDL_TEST_PARITY_DIR")
    if not folder:
        return
    path = Path(folder) / keras.backend.backend() / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(metrics, default=float))
    os.replace(tmp, path)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """``tiny_run(name) -> (RunResult, run_dir)``: recipe ``name`` run once per session.

    With its small settings, ``verbose=0``, and ``resume=False, overwrite=False`` given
    explicitly; the generated tests and each recipe's own tests share the one run.
    """
    from kerasdl import recipes

    cache = {}

    def run(name):
        if name not in cache:
            run_dir = tmp_path_factory.mktemp("recipes") / name
            result = recipes.run(name, verbose=0, run_dir=run_dir, resume=False,
                                 overwrite=False, **_small_settings(name))
            cache[name] = (result, run_dir)
            record_parity_metrics(name, result.metrics)
        return cache[name]

    return run
