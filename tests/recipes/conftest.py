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
