"""Tests for kerasdl/models/_registry.py, and the tests the registry generates.

For every name in ``list_models()``: the model builds from a tiny spec, one training step
gives a finite loss, and save -> load in a new Python process gives identical predictions.
"""

import inspect
import json

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl import models
from kerasdl.models import _registry

# The tests below are generated from ``list_models()``: every registered model gets a tiny
# spec from its builder's own signature (the task it defaults to, 3 input features, 3 classes
# when multiclass, seed 0). Only a model whose defaults are too big for a quick test needs a
# size hint here -- a new model is tested by registering it.
SIZE_HINTS = {
    "mlp": {"hidden": (4,)},
    "cnn": {"input_shape": (6, 6, 1), "filters": (2,), "dense": (4,)},
}
REGISTERED = models.list_models()


def tiny_spec(name):
    """``(kwargs, sample shape, task)`` for a quick build of the registered model ``name``."""
    params = inspect.signature(_registry._MODELS[name]).parameters
    task = params["task"].default if "task" in params else "regression"
    kwargs = {"input_shape": (3,)}
    if task == "multiclass":
        kwargs["num_classes"] = 3
    if "seed" in params:
        kwargs["seed"] = 0
    kwargs.update(SIZE_HINTS.get(name, {}))
    return kwargs, tuple(kwargs["input_shape"]), task


def _data(sample_shape, kind, n=8):
    rng = np.random.default_rng(0)
    x = rng.random((n,) + sample_shape, dtype=np.float32)
    if kind == "regression":
        y = rng.random((n, 1), dtype=np.float32)
    elif kind == "binary":
        y = rng.integers(0, 2, n)
    else:
        y = rng.integers(0, 3, n)
    return x, y


@pytest.fixture
def scratch_names():
    """Names registered by a test are removed afterwards (the registry is process-global)."""
    added = []
    yield added
    for name in added:
        _registry._MODELS.pop(name, None)


def test_public_names_are_pinned():
    assert sorted(models.__all__) == [
        "PerceptronLoss", "cnn", "create", "linear_regression", "list_activations",
        "list_initializers", "list_models", "logistic_regression", "mlp", "perceptron",
        "perceptron_loss", "register_model", "softmax_regression",
    ]
    assert sorted(kerasdl.layers.__all__) == ["Step", "get", "list_layers", "register", "step"]


def test_size_hints_name_registered_models_and_specs_fit_their_builders():
    assert set(SIZE_HINTS) <= set(REGISTERED), "a size hint names no registered model"
    assert {"cnn", "mlp", "perceptron"} <= set(REGISTERED)
    assert tiny_spec("perceptron") == ({"input_shape": (3,), "seed": 0}, (3,), "binary")
    assert tiny_spec("cnn")[1:] == ((6, 6, 1), "multiclass")


def test_create_accepts_hyphens_and_case():
    model = models.create("Softmax-Regression", input_shape=4, num_classes=3)
    assert model.output_shape == (None, 3)
    assert model.name == "softmax_regression"


def test_unknown_model_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown model 'mpl'\. Did you mean 'mlp'\? "
                                         r"Valid models: cnn, linear_regression, "):
        models.create("mpl", input_shape=2)


def test_create_rejects_unknown_argument_naming_the_builder():
    with pytest.raises(TypeError, match=r"Model 'mlp' got unexpected argument\(s\) hiden\. "
                                        r"It accepts: input_shape, hidden, activation"):
        models.create("mlp", input_shape=2, hiden=(4,), num_classes=3)


def test_duplicate_name_raises(scratch_names):
    with pytest.raises(ValueError, match=r"A model named 'mlp' is already registered "
                                         r"\(kerasdl\.models\._mlp\.mlp\); choose another "
                                         r"name or pass overwrite=True\."):
        models.register_model("MLP")(lambda **kw: None)


def test_register_model_bare_named_and_overwrite(scratch_names):
    @models.register_model
    def tiny_wide(input_shape, **kw):
        return models.mlp(input_shape, hidden=(8,), **kw)

    scratch_names.append("tiny_wide")

    @models.register_model("Tiny-Deep")
    def deep(input_shape, **kw):
        return models.mlp(input_shape, hidden=(2, 2), **kw)

    scratch_names.append("tiny_deep")
    assert {"tiny_wide", "tiny_deep"} <= set(models.list_models())
    model = models.create("tiny_deep", input_shape=3, task="binary")
    assert [layer.name for layer in model.layers] == ["hidden_0", "hidden_1", "head"]

    def replacement(**kw):
        return "replaced"

    with pytest.raises(ValueError, match="already registered"):
        models.register_model("tiny_wide")(replacement)
    models.register_model("tiny_wide", overwrite=True)(replacement)
    assert models.create("tiny-wide") == "replaced"


def test_register_model_type_errors():
    with pytest.raises(TypeError, match="`register_model` decorates a callable"):
        models.register_model("x_not_callable")(3)
    with pytest.raises(TypeError, match="`name` must be a non-empty string or None"):
        models.register_model("")


@pytest.mark.parametrize("name", REGISTERED)
def test_registered_model_builds_compiled_and_one_step_gives_finite_loss(name):
    kwargs, sample_shape, kind = tiny_spec(name)
    model = models.create(name, **kwargs)
    assert model.compiled
    x, y = _data(sample_shape, kind)
    assert model.output_shape[1:] == ((3,) if kind == "multiclass" else (1,))
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    loss = history.history["loss"][0]
    assert np.isfinite(loss)
    assert np.isfinite(model.evaluate(x, y, verbose=0)[0])


def test_every_registered_model_saves_and_loads_in_a_new_process_identically(tmp_path,
                                                                           run_python):
    # One child process reloads all models (one process start per backend, not per model).
    expected = {}
    for name in REGISTERED:
        kwargs, sample_shape, kind = tiny_spec(name)
        keras.utils.set_random_seed(1)
        model = models.create(name, **kwargs)
        x, y = _data(sample_shape, kind)
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # trained weights + optimizer
        np.save(tmp_path / f"{name}.x.npy", x)
        model.save(tmp_path / f"{name}.keras")
        expected[name] = model.predict(x, batch_size=8, verbose=0)
    code = f"""
        import json, pathlib, sys
        import numpy as np, keras
        import kerasdl  # kerasdl.load_model imports kerasdl.layers: step, PerceptronLoss
        folder = pathlib.Path({str(tmp_path)!r})
        info = {{}}
        for name in {sorted(expected)!r}:
            model = kerasdl.load_model(folder / f"{{name}}.keras")
            x = np.load(folder / f"{{name}}.x.npy")
            np.save(folder / f"{{name}}.pred.npy", model.predict(x, batch_size=8, verbose=0))
            loss = model.loss if isinstance(model.loss, str) else type(model.loss).__name__
            info[name] = {{"loss": loss, "backend": keras.backend.backend(),
                           "models_imported": "kerasdl.models" in sys.modules}}
        (folder / "info.json").write_text(json.dumps(info))
    """
    run_python(code)
    info = json.loads((tmp_path / "info.json").read_text())
    for name, want in expected.items():
        got = np.load(tmp_path / f"{name}.pred.npy")
        assert got.shape == want.shape, name
        assert np.array_equal(got, want), f"{name}: predictions differ after reload"
        assert info[name]["backend"] == keras.backend.backend()
    assert info["perceptron"]["loss"] == "PerceptronLoss"
    assert info["perceptron"]["models_imported"] is False  # loading needs only kerasdl.layers
    assert info["softmax_regression"]["loss"] == "sparse_categorical_crossentropy"
