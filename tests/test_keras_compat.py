"""The private Keras APIs kerasdl relies on still exist (fails loudly when Keras moves one)."""

import ast
import contextlib
from pathlib import Path

import keras
import pytest

from kerasdl import _keras_compat as compat

ROOT = Path(__file__).resolve().parents[1]


def test_data_layer_base_is_keras_preprocessing_base():
    base = compat.data_layer_base()
    assert issubclass(base, keras.layers.Layer)
    assert isinstance(keras.layers.RandomRotation(0.1), base)


def test_safe_mode_scope_is_a_context_manager_that_forces_safe_mode():
    keras.config.enable_unsafe_deserialization()
    try:
        with compat.safe_mode_scope(True) as scope:
            assert isinstance(scope, contextlib.AbstractContextManager) or scope is None
            from keras.src.saving.serialization_lib import in_safe_mode
            assert in_safe_mode() is True
    finally:
        from keras.src.saving import serialization_lib
        serialization_lib.global_state.set_global_attribute("safe_mode_saving", None)


def test_non_modeling_apis_lists_keras_refusals():
    names = compat.non_modeling_apis()
    assert isinstance(names, frozenset)
    assert "keras.saving.load_model" in names


def test_reset_global_seed_sets_keras_seed():
    assert compat.reset_global_seed(123) is True
    from keras.src.backend.common import global_state
    assert global_state.get_global_attribute("global_random_seed") == 123


def test_missing_api_error_names_the_piece(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("keras.src.saving"):
            raise ImportError("moved")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(compat.KerasCompatibilityError,
                       match=r"kerasdl needs SafeModeScope \(keras.src.saving.serialization_lib\)"):
        compat.safe_mode_scope(True)


def test_keras_src_is_used_in_one_module_only():
    users = set()
    for path in list((ROOT / "kerasdl").rglob("*.py")) + list((ROOT / "recipes").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "keras.src" or n.startswith("keras.src.") for n in names):
                users.add(path.relative_to(ROOT).as_posix())
    assert users == {"kerasdl/_keras_compat.py"}


def test_tensorflow_probe_answers_only_once_tensorflow_is_imported(monkeypatch):
    import sys

    from keras.src.saving import serialization_lib

    assert compat.skip_idle_tensorflow_probe() is True
    assert compat.skip_idle_tensorflow_probe() is True  # idempotent: wrapped once
    probe = serialization_lib.tf
    assert isinstance(probe, compat._TensorFlowIfImported)
    assert not isinstance(probe._lazy, compat._TensorFlowIfImported)
    if "tensorflow" in sys.modules:
        assert probe.available is True
        assert probe.TensorShape is sys.modules["tensorflow"].TensorShape
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    assert probe.available is False  # never imports TensorFlow to ask
    assert "tensorflow" not in sys.modules


# The subprocess picks its own backend: run once (the TensorFlow run in CI).
@pytest.mark.backend_independent
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_training_and_saving_on_another_backend_never_import_tensorflow(backend, tmp_path):
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    code = """
import sys
import numpy as np, keras, kerasdl
x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
result = kerasdl.train(model, (x, y), epochs=2, verbose=0, run_dir=sys.argv[1])
kerasdl.saving.save_model(result.model, sys.argv[1] + "/again.keras")
again = kerasdl.load_model(sys.argv[1] + "/again.keras")
same = all(np.array_equal(a, b) for a, b in zip(again.get_weights(), result.model.get_weights()))
print(sorted(p.name for p in (result.run_dir / "checkpoints").iterdir())[-1], same,
      "tensorflow" in sys.modules)
"""
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, KERAS_BACKEND=backend))
    assert proc.returncode == 0, proc.stderr[-3000:]
    # checkpoints, model.keras and a saved copy written, loaded back equal: no TensorFlow
    assert proc.stdout.split() == ["epoch0002-batch000000.keras", "True", "False"]
