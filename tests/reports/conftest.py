"""Tiny models with hand-set weights, so every prediction (and every report number) is known."""

import numpy as np
import pytest

from kerasdl.data._dataset import Dataset

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(path):
    """(width, height) of a PNG file, read from its IHDR chunk; checks the signature."""
    data = open(path, "rb").read(32)
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture
def png_size():
    """A function giving the (width, height) of a PNG file; fails on anything else."""
    return _png_size


@pytest.fixture
def make_dense():
    """A function building a one-Dense-layer model with the given weights."""
    return dense_model


def dense_model(weights, bias, *, activation, name):
    import keras

    kernel = np.asarray(weights, dtype="float32")
    model = keras.Sequential([keras.Input((kernel.shape[0],)),
                              keras.layers.Dense(kernel.shape[1], activation=activation,
                                                 name="dense")], name=name)
    model.layers[0].set_weights([kernel, np.asarray(bias, dtype="float32")])
    return model


@pytest.fixture
def binary_2d():
    """p(on) = sigmoid(10 * x1): predicts "on" exactly when x1 > 0."""
    return _binary_2d()


@pytest.fixture(scope="module")
def binary_2d_shared():
    """:func:`binary_2d` shared by a module: for tests that neither train nor patch it."""
    return _binary_2d()


def _binary_2d():
    model = dense_model([[10.0], [0.0]], [0.0], activation="sigmoid", name="threshold")
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x_train = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1], [-2, 0], [2, 0], [-0.5, 0.5],
                        [0.5, -0.5]], dtype="float32")
    y_train = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    x_test = np.array([[-1, 0], [-0.5, 1], [0.5, 0], [1, 1], [2, -1], [-2, -1]], "float32")
    y_test = np.array([0, 1, 1, 1, 0, 0])  # predictions: 0 0 1 1 1 0 -> cm [[2, 1], [1, 2]]
    data = Dataset(x_train, y_train, x_test=x_test, y_test=y_test, task="binary",
                   num_classes=2, class_names=["off", "on"], name="toy2d")
    return model, data


@pytest.fixture
def multiclass_3d():
    """softmax(x): predicts the index of the largest of the three features."""
    model = dense_model(np.eye(3), np.zeros(3), activation="softmax", name="argmax")
    x = np.array([[1, 0, 0], [0, 2, 0], [0, 0, 3], [2, 1, 0], [0, 1, 2], [1, 2, 3]], "float32")
    y_val = np.array([0, 1, 2, 1, 2, 0])  # predictions: 0 1 2 0 2 2
    data = Dataset(x, np.array([0, 1, 2, 0, 2, 2]), x_val=x, y_val=y_val, task="multiclass",
                   num_classes=3, class_names=["a", "b", "c"], name="toy3")
    return model, data


@pytest.fixture
def regression_1d():
    """y_hat = 2x + 1; the targets are off by +-0.5 alternately (MAE 0.5, MSE 0.25)."""
    model = dense_model([[2.0]], [1.0], activation=None, name="line")
    model.compile(optimizer="sgd", loss="mean_squared_error")
    x = np.arange(8, dtype="float32")[:, None]
    y = (2 * x[:, 0] + 1 + np.array([0.5, -0.5] * 4)).astype("float32")
    data = Dataset(x, y, x_test=x, y_test=y, task="regression", name="line")
    return model, data
