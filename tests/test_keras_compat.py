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
