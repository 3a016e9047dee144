"""Tests for kerasdl/models/_linear.py: linear, logistic and softmax regression."""

import keras
import numpy as np
import pytest

from kerasdl.models import linear_regression, logistic_regression, softmax_regression


def test_linear_regression_head_loss_metrics_and_optimizer():
    model = linear_regression(3)
    assert model.output_shape == (None, 1)
    assert model.loss == "mean_squared_error"
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert [layer.name for layer in model.layers] == ["head"]
    assert model.get_layer("head").activation is keras.activations.linear


def test_linear_regression_fits_a_line(seed):
    x = np.linspace(-1, 1, 256, dtype="float32")[:, None]
    y = 2 * x + 1
    model = linear_regression(1, learning_rate=0.1)
    model.fit(x, y, batch_size=8, epochs=4, verbose=0)
    kernel, bias = model.get_layer("head").get_weights()
    np.testing.assert_allclose(kernel.ravel(), [2.0], atol=1e-2)
    np.testing.assert_allclose(bias, [1.0], atol=1e-2)


def test_linear_regression_several_outputs():
    assert linear_regression(3, outputs=2).output_shape == (None, 2)


def test_logistic_regression_is_one_sigmoid_unit_with_bce():
    model = logistic_regression(4)
    assert model.output_shape == (None, 1)
    assert model.loss == "binary_crossentropy"
    assert model.get_layer("head").activation is keras.activations.sigmoid
    assert isinstance(model.optimizer, keras.optimizers.Adam)


def test_logistic_regression_multiclass_is_softmax_regression():
    model = logistic_regression(4, task="multiclass", num_classes=3)
    assert model.output_shape == (None, 3)
    assert model.loss == "sparse_categorical_crossentropy"


def test_softmax_regression_head_and_one_hot():
    model = softmax_regression(4, num_classes=5)
    assert model.output_shape == (None, 5)
    assert model.get_layer("head").activation is keras.activations.softmax
    assert softmax_regression(4, num_classes=5, one_hot=True).loss == "categorical_crossentropy"


def test_softmax_regression_needs_num_classes():
    with pytest.raises(ValueError, match=r"`num_classes` is required for task='multiclass'; "
                                         r"received None\."):
        softmax_regression(4)
    with pytest.raises(ValueError, match=r"`num_classes` must be >= 2 for task='multiclass'; "
                                         r"received 1\."):
        softmax_regression(4, num_classes=1)


def test_image_input_is_flattened_and_penalty_is_applied():
    model = softmax_regression((3, 3, 1), num_classes=2, weight_decay=0.1, seed=0)
    assert [layer.name for layer in model.layers] == ["flatten", "head"]
    kernel = model.get_layer("head").get_weights()[0]
    reg = float(keras.ops.convert_to_numpy(model.losses[0]))
    np.testing.assert_allclose(reg, 0.1 * np.sum(kernel.astype("float64") ** 2), rtol=1e-5)


def test_logistic_regression_separates_two_blobs(seed):
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2, 0.5, (100, 2)), rng.normal(2, 0.5, (100, 2))])
    y = np.array([0] * 100 + [1] * 100)
    model = logistic_regression(2, learning_rate=0.1, seed=0)
    model.fit(x.astype("float32"), y, batch_size=8, epochs=2, verbose=0)
    assert model.evaluate(x.astype("float32"), y, verbose=0)[1] == 1.0
