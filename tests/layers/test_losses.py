"""Tests for kerasdl/layers/_losses.py: the perceptron loss's value and its registration."""

import keras
import numpy as np

import kerasdl.layers  # noqa: F401  (registration happens on import)
from kerasdl.layers._losses import PerceptronLoss, perceptron_loss


def test_value_is_the_zero_one_error_per_sample_and_its_mean():
    y_pred = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    y_true = np.array([1, 1, 0, 0])
    per_sample = keras.ops.convert_to_numpy(perceptron_loss(y_true, y_pred))
    assert per_sample.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert float(PerceptronLoss()(y_true, y_pred)) == 0.5
    assert float(PerceptronLoss()(y_true[:, None], y_pred)) == 0.5  # (n, 1) targets too
    assert float(PerceptronLoss(reduction="sum")(y_true, y_pred)) == 2.0


def test_registered_under_kerasdl_by_importing_kerasdl_layers():
    assert keras.saving.get_registered_object("kerasdl>PerceptronLoss") is PerceptronLoss
    assert keras.saving.get_registered_object("kerasdl>perceptron_loss") is perceptron_loss
    restored = keras.losses.deserialize(keras.losses.serialize(PerceptronLoss(reduction="sum")))
    assert isinstance(restored, PerceptronLoss) and restored.reduction == "sum"
