"""Backend parity, generated from the recipe registry: every recipe, with the same small
settings (tests/recipes/conftest.py SMALL_SETTINGS) and seed, reaches test metrics on
TensorFlow, JAX and PyTorch within a stated band of each other.

Each backend runs every recipe once, in a subprocess of its own (Keras picks its backend at
import). The backends start from different random weights for the same seed (each draws
from its own generator), so the band is what differs on this tiny data, stated per recipe:
0 for the recipes that converge exactly (logic gates, xor's MLP), a few points where a few
epochs settle, wide where one epoch on 40 images is barely past chance. Runs where all three
backends are installed; skipped elsewhere.

The metrics are those of the recipe tests' own small runs (``tiny_run``): a backend's come
from its run of the suite when ``KERASDL_TEST_PARITY_DIR`` holds them (tox runs the suite on
each backend in turn, then this test alone), else from this session (the current backend)
or from a subprocess on that backend.
"""

import importlib.util
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BACKENDS = ("tensorflow", "jax", "torch")
HERE = Path(__file__).resolve().parent

# The largest difference of any accuracy or loss between two backends, per recipe (absolute;
# measured on CPU: e.g. softmax_regression accuracy 0.80 / 0.67 / 0.84 and logistic_regression
# loss 0.19 / 0.34 / 0.22 on TF / JAX / torch after their two small-settings epochs).
BAND = {
    "logic_gates": 0.0,
    "xor": 0.25,            # the MLP reaches 1.0 everywhere; the perceptron sits at 0.5-0.75
    "linear_regression": 0.25,
    "multivariable_regression": 0.25,
    "logistic_regression": 0.2,
    "softmax_regression": 0.25,
    "digits_mlp": 0.15,
    "digits_cnn": 0.3,
    "compare_optimizers": 0.5,
    "compare_initializers": 0.5,
}
WIDE = 0.6  # one epoch on 40 generated images (the MNIST / CIFAR stand-ins)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parity,
    pytest.mark.skipif(any(importlib.util.find_spec(b) is None for b in BACKENDS),
                       reason="needs TensorFlow, JAX and PyTorch installed"),
]

_RUNNER = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from conftest import _small_settings
    from kerasdl import recipes
    out = {}
    for name in recipes.list_recipes():
        result = recipes.run(name, **_small_settings(name), verbose=0, seed=0,
                             run_dir=sys.argv[2] + "/" + name)
        out[name] = result.metrics
    print("METRICS " + json.dumps(out, default=float))
""")


def _recorded(backend):
    """``{recipe: metrics}`` kept by ``backend``'s run of the recipe tests, or None."""
    folder = os.environ.get("KERASDL_TEST_PARITY_DIR")
    if not folder:
        return None
    paths = {name: Path(folder) / backend / f"{name}.json" for name in _recipes()}
    if not all(p.is_file() for p in paths.values()):
        return None
    return {name: json.loads(p.read_text()) for name, p in paths.items()}


def _in_subprocess(backend, folder):
    env = dict(os.environ, KERAS_BACKEND=backend)
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(HERE), str(folder)],
                          env=env, cwd=folder, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [s for s in proc.stdout.splitlines() if s.startswith("METRICS ")][-1]
    return json.loads(line[len("METRICS "):])


@pytest.fixture(scope="module")
def metrics(tmp_path_factory, tiny_run):
    import keras

    out = {}
    for backend in BACKENDS:
        out[backend] = _recorded(backend)
        if out[backend] is None and backend == keras.backend.backend():
            out[backend] = {name: tiny_run(name)[0].metrics for name in _recipes()}
        elif out[backend] is None:
            out[backend] = _in_subprocess(backend, tmp_path_factory.mktemp(f"parity-{backend}"))
    return json.loads(json.dumps(out, default=float))


def _leaves(metrics, prefix=""):
    if isinstance(metrics, dict):
        for key, value in metrics.items():
            yield from _leaves(value, f"{prefix}{key}/")
    elif isinstance(metrics, (int, float)) and not isinstance(metrics, bool):
        yield prefix.rstrip("/"), float(metrics)


def _recipes():
    from kerasdl import recipes

    return recipes.list_recipes()


@pytest.mark.parametrize("name", _recipes())
def test_recipe_reaches_the_same_metrics_on_every_backend(name, metrics):
    band = BAND.get(name, WIDE)
    per_backend = {b: dict(_leaves(metrics[b][name])) for b in BACKENDS}
    keys = set(per_backend["tensorflow"])
    assert keys and all(set(v) == keys for v in per_backend.values())
    for key in sorted(keys):
        values = [per_backend[b][key] for b in BACKENDS]
        assert all(math.isfinite(v) for v in values), (key, values)
        if "accuracy" in key.rsplit("/", 1)[-1]:
            assert max(values) - min(values) <= band + 1e-9, (key, values)
        elif key.rsplit("/", 1)[-1] in ("loss", "mse", "mean_squared_error", "mae",
                                         "mean_absolute_error"):
            assert max(values) - min(values) <= max(band, 0.05) + 1e-9, (key, values)
