"""Tests for kerasdl/models/_mlp.py: layer layout, hidden specs, batch norm, images."""

import keras
import numpy as np
import pytest

from kerasdl.layers import Step
from kerasdl.models import mlp


def _names(model):
    return [layer.name for layer in model.layers]


def test_layout_dense_bn_activation_dropout():
    model = mlp(4, hidden=(8, 6), activation="tanh", dropout=0.25, batch_norm=True,
                num_classes=3, seed=0)
    assert _names(model) == [
        "hidden_0", "hidden_0_bn", "hidden_0_tanh", "hidden_0_dropout",
        "hidden_1", "hidden_1_bn", "hidden_1_tanh", "hidden_1_dropout", "head"]
    assert model.get_layer("hidden_0").use_bias is False  # BatchNorm's beta is the bias
    assert model.get_layer("hidden_0_dropout").rate == 0.25
    assert model.output_shape == (None, 3)
    assert model.count_params() == (4 * 8 + 4 * 8) + (8 * 6 + 4 * 6) + (6 * 3 + 3)


def test_plain_layout_puts_activation_in_dense():
    model = mlp(4, hidden=(8,), activation="relu", task="binary")
    assert _names(model) == ["hidden_0", "head"]
    assert model.get_layer("hidden_0").activation is keras.activations.relu


def test_step_and_leaky_relu_hidden_activations():
    model = mlp(2, hidden=(3,), activation="step", task="binary")
    from kerasdl.layers import step
    assert model.get_layer("hidden_0").activation is step
    leaky = mlp(2, hidden=(3,), activation=("leaky_relu", 0.2), task="binary")
    assert _names(leaky) == ["hidden_0", "hidden_0_leaky_relu", "head"]
    assert leaky.get_layer("hidden_0_leaky_relu").negative_slope == pytest.approx(0.2)


def test_hidden_accepts_units_names_and_instances():
    custom = keras.layers.Dense(5, name="my_dense")
    model = mlp(3, hidden=(4, "Step", custom), task="regression")
    assert isinstance(model.layers[1], Step)
    assert model.get_layer("my_dense") is custom
    assert model.output_shape == (None, 1)


def test_hidden_accepts_a_layer_class_and_a_single_spec():
    model = mlp(3, hidden=(4, keras.layers.LayerNormalization), task="binary")
    assert isinstance(model.layers[1], keras.layers.LayerNormalization)
    assert [type(layer).__name__ for layer in mlp(3, hidden=5, task="binary").layers] == \
        ["Dense", "Dense"]
    with pytest.raises(TypeError, match=r"`hidden\[0\]`: could not build Dense\(\) with no "
                                        r"arguments"):
        mlp(3, hidden=(keras.layers.Dense,), task="binary")


def test_empty_hidden_is_a_linear_model():
    model = mlp(3, hidden=(), task="binary")
    assert _names(model) == ["head"]


def test_image_input_is_flattened():
    model = mlp((4, 4, 1), hidden=(5,), num_classes=10)
    assert _names(model)[0] == "flatten"
    assert model.get_layer("hidden_0").kernel.shape == (16, 5)
    assert model.predict(np.zeros((2, 4, 4, 1), "float32"), verbose=0).shape == (2, 10)


def test_mlp_learns_a_separable_problem(seed):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    model = mlp(2, hidden=(8,), task="binary", learning_rate=0.05, seed=0)
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] >= 0.95


def test_batch_norm_model_trains_and_predicts_deterministically():
    x = np.random.default_rng(0).random((16, 3), dtype=np.float32)
    y = np.random.default_rng(1).integers(0, 3, 16)
    model = mlp(3, hidden=(4,), batch_norm=True, num_classes=3, seed=0)
    assert np.isfinite(model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["loss"][0])
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
