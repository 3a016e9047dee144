"""Tests for kerasdl/layers/_step.py: exact 0/1 forward values, straight-through gradient."""

import keras
import numpy as np

from kerasdl.layers import Step, step


def test_step_values_are_exactly_zero_or_one():
    x = np.array([-2.0, -1e-30, -0.0, 0.0, 1e-30, 0.3, 7.0], dtype="float32")
    assert keras.ops.convert_to_numpy(step(x)).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_step_of_integers_returns_floats():
    out = keras.ops.convert_to_numpy(step(np.array([-1, 0, 2])))
    assert out.dtype == np.float32
    assert out.tolist() == [0.0, 1.0, 1.0]


def test_step_layer_matches_function_and_keeps_shape():
    x = np.array([[-1.0, 0.0], [2.0, -3.0]], dtype="float32")
    layer = Step()
    assert keras.ops.convert_to_numpy(layer(x)).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert layer.compute_output_shape((None, 2)) == (None, 2)


def test_step_gradient_is_straight_through():
    # z = w x + b = 0.5 -> y = 1; MSE to target 0: dL/dy = 2 (y - t) = 2; the straight-through
    # estimator makes dy/dz = 1, so dL/dw = 2 * x = 1 and dL/db = 2; SGD(0.1) moves w 1 -> 0.9
    # and b 0 -> -0.2. A true step (zero gradient) would leave them unchanged.
    dense = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    model = keras.Sequential([keras.Input(shape=(1,)), dense, Step()])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(np.array([[0.5]], dtype="float32"), np.array([[0.0]], dtype="float32"),
              batch_size=1, epochs=1, verbose=0)
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [0.9], rtol=1e-6)
    np.testing.assert_allclose(bias, [-0.2], rtol=1e-6)


def test_step_layer_and_function_serialize_under_kerasdl():
    assert keras.saving.get_registered_name(Step) == "kerasdl>Step"
    assert keras.saving.get_registered_name(step) == "kerasdl>step"
    layer = Step(name="my_step")
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert isinstance(restored, Step) and restored.name == "my_step"
    dense = keras.layers.Dense(2, activation=step)
    assert keras.layers.Dense.from_config(dense.get_config()).activation is step
