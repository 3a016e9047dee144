"""Tests for kerasdl/layers/_registry.py: registering, finding and saving custom layers."""

import os

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.layers import _registry
from kerasdl.models import mlp


@pytest.fixture
def scratch_layers():
    """Layers registered by a test are dropped from kerasdl's name table afterwards."""
    before = dict(_registry._LAYERS)
    yield
    _registry._LAYERS.clear()
    _registry._LAYERS.update(before)


def test_builtin_step_is_registered():
    assert "Step" in kerasdl.layers.list_layers()
    assert kerasdl.layers.get("step") is kerasdl.layers.Step
    assert kerasdl.layers.get("STEP") is kerasdl.layers.Step


def test_register_makes_layer_findable_serializable_and_usable_by_name(scratch_layers):
    @kerasdl.layers.register
    class TimesTwo(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    assert kerasdl.layers.get("timestwo") is TimesTwo
    assert "TimesTwo" in kerasdl.layers.list_layers()
    assert keras.saving.get_registered_name(TimesTwo) == "kerasdl>TimesTwo"
    model = mlp(2, hidden=(3, "TimesTwo"), task="binary", seed=0)
    assert isinstance(model.layers[1], TimesTwo)


def test_register_with_name_and_kwargs_spec(scratch_layers):
    @kerasdl.layers.register(name="Scale")
    class ScaleLayer(keras.layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return self.factor * x

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = mlp(2, hidden=(("scale", {"factor": 3.0}),), task="regression",
                kernel_initializer="ones")
    model.get_layer("head").bias.assign(np.zeros(1, "float32"))
    out = model.predict(np.array([[1.0, 2.0]], dtype="float32"), verbose=0)
    assert out.tolist() == [[9.0]]


def test_get_unknown_layer_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown layer 'stpe'\. Did you mean 'Step'\? "
                                         r"Registered layers: .*Step"):
        kerasdl.layers.get("stpe")


def test_unknown_layer_name_in_hidden_spec_raises():
    with pytest.raises(ValueError, match=r"Unknown layer 'NoSuchBlock'\."):
        mlp(2, hidden=(4, "NoSuchBlock"), task="binary")


def test_register_rejects_non_layers():
    with pytest.raises(TypeError, match="`register` expects a subclass of keras.layers.Layer; "
                                        "received 3"):
        kerasdl.layers.register(3)


def test_register_rejects_a_different_class_under_a_taken_name(scratch_layers):
    class Step(keras.layers.Layer):  # same name as kerasdl's Step, different class
        pass

    with pytest.raises(ValueError, match=r"A different layer is already registered as 'Step' "
                                         r"\(kerasdl\.layers\._step\.Step\)"):
        kerasdl.layers.register(Step)


def test_re_registering_a_redefined_class_replaces_it(scratch_layers):
    def define():
        class Redefined(keras.layers.Layer):
            def call(self, x):
                return x
        return Redefined

    first, second = define(), define()
    kerasdl.layers.register(first)
    kerasdl.layers.register(second)  # same module and qualname: a re-run notebook cell
    assert kerasdl.layers.get("Redefined") is second


def test_layer_without_get_config_fails_at_save_with_clear_message(tmp_path, scratch_layers):
    @kerasdl.layers.register
    class NoConfig(keras.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units))

        def call(self, x):
            return keras.ops.matmul(x, self.w)

    model = mlp(2, hidden=(NoConfig(4),), task="binary")
    with pytest.raises(NotImplementedError,
                       match=r"Layer `NoConfig` cannot be saved: it does not define "
                             r"`get_config\(\)`, but its `__init__` takes \['units'\]"):
        model.save(tmp_path / "model.keras")


def test_layer_with_only_base_arguments_needs_no_get_config(tmp_path, scratch_layers):
    @kerasdl.layers.register
    class Negate(keras.layers.Layer):
        def call(self, x):
            return -x

    model = mlp(2, hidden=(2, Negate()), task="binary", seed=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    x = np.array([[0.5, -1.0]], dtype="float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_missing_config_args_inherited_init_is_fine():
    class Base(keras.layers.Layer):
        def __init__(self, k=1, **kwargs):
            super().__init__(**kwargs)
            self.k = k

        def get_config(self):
            return {**super().get_config(), "k": self.k}

    class Child(Base):
        pass

    class ChildWithMore(Base):
        def __init__(self, k=1, extra=2, **kwargs):
            super().__init__(k=k, **kwargs)

    assert _registry.missing_config_args(Base) == []
    assert _registry.missing_config_args(Child) == []
    assert _registry.missing_config_args(ChildWithMore) == ["extra"]


BLOCK_MODULE = '''
import keras
import kerasdl


@kerasdl.layers.register
class ScaledDense(keras.layers.Layer):
    """A Dense layer followed by a learned scalar scale."""

    def __init__(self, units=4, init_scale=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.init_scale = init_scale

    def build(self, input_shape):
        self.dense = keras.layers.Dense(self.units, activation="tanh")
        self.dense.build(input_shape)
        self.scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(
            self.init_scale), name="scale")

    def call(self, x):
        return self.scale * self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "init_scale": self.init_scale}
'''


def test_custom_layer_model_saves_and_loads_in_new_process(tmp_path, run_python,
                                                            scratch_layers, monkeypatch):
    (tmp_path / "myblocks.py").write_text(BLOCK_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import myblocks

    keras.utils.set_random_seed(3)
    model = mlp(3, hidden=(5, "ScaledDense", ("scaleddense", {"units": 2, "init_scale": 2.0})),
                task="multiclass", num_classes=3, seed=3)
    x = np.random.default_rng(0).random((6, 3), dtype=np.float32)
    model.fit(x, np.array([0, 1, 2, 0, 1, 2]), epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "want.npy", model.predict(x, verbose=0))
    assert isinstance(model.layers[1], myblocks.ScaledDense)
    run_python(f"""
        import numpy as np, keras
        import myblocks  # registers ScaledDense, as a user's script would
        model = keras.saving.load_model({str(tmp_path / "model.keras")!r})
        got = model.predict(np.load({str(tmp_path / "x.npy")!r}), verbose=0)
        want = np.load({str(tmp_path / "want.npy")!r})
        assert type(model.layers[2]).__name__ == "ScaledDense", model.layers
        assert model.layers[2].units == 2 and model.layers[2].init_scale == 2.0
        assert np.array_equal(got, want), (got, want)
    """, env={"PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path),
                                                        os.environ.get("PYTHONPATH")]))})
