"""Shared test setup. The backend comes from KERAS_BACKEND (tox sets it for each run of the suite)."""

import os
import subprocess
import sys
import textwrap

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_report_header(config):
    return f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND', 'tensorflow (default)')}"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``gpu`` skip where the backend sees no GPU or TPU (decided once).

    For ``pytest-xdist --dist loadgroup`` (tox's runs) every test file is one unit, as with
    ``--dist loadfile``, except that tests/recipes is one unit as a whole: a recipe's
    small-settings run (the session fixture ``tiny_run``, shared by test_recipes.py and the
    recipe's own file) is then made once per run of the suite instead of once per worker.
    """
    for item in items:
        path = item.path
        group = ("tests/recipes" if path.parent.name == "recipes"
                 else f"{path.parent.name}/{path.name}")
        item.add_marker(pytest.mark.xdist_group(group))
    marked = [item for item in items if item.get_closest_marker("gpu")]
    if not marked:
        return
    from kerasdl._backend import has_accelerator

    if not has_accelerator():
        skip = pytest.mark.skip(reason="needs a GPU or TPU; the backend sees none")
        for item in marked:
            item.add_marker(skip)


@pytest.fixture
def backend():
    """The active Keras backend name."""
    import keras

    return keras.backend.backend()


@pytest.fixture
def seed():
    """Seed python, numpy and the backend; returns the seed."""
    import keras

    keras.utils.set_random_seed(0)
    return 0


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def run_python(code, *, cwd=None, env=None, timeout=240):
    """Run ``code`` in a fresh Python process with the same backend; return CompletedProcess.

    Raises AssertionError with the child's output when it exits non-zero.
    """
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"child process failed ({proc.returncode}):\n"
                             f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr[-4000:]}")
    return proc


@pytest.fixture(name="run_python")
def run_python_fixture():
    """Fixture form of :func:`run_python`."""
    return run_python
