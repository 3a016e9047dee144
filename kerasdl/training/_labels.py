"""Label format against the model's head and loss, checked on the host before Keras runs.

Used by :func:`kerasdl.evaluate` (and meant for :func:`kerasdl.train`): a mismatch between
the labels (sparse integers, one-hot rows, continuous floats) and what the compiled loss or
the output layer expects otherwise surfaces as a shape error from inside Keras or as
TensorFlow's ``InvalidArgumentError``.
"""

import numpy as np

from kerasdl._validation import format_number, normalize_name

__all__ = ["SPARSE_LOSSES", "ONEHOT_LOSSES", "loss_name", "check_loss_fits_labels",
           "check_targets_fit_head"]

SPARSE_LOSSES = frozenset({"sparse_categorical_crossentropy", "sparsecategoricalcrossentropy"})
ONEHOT_LOSSES = frozenset({"categorical_crossentropy", "categoricalcrossentropy",
                           "categorical_focal_crossentropy", "kl_divergence", "kld"})


def loss_name(loss):
    """The normalized name of a loss given by name, object or function (None if unknown)."""
    if isinstance(loss, str):
        return normalize_name(loss)
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return normalize_name(name) if isinstance(name, str) else None


def check_loss_fits_labels(loss, label_format, name="y_train"):
    """Refuse one-hot labels for a sparse loss and integer labels for a one-hot loss.

    Args:
        loss: the loss (name, object or function).
        label_format: "sparse", "onehot" or "regression".
        name: the labels' argument name for the message. Defaults to "y_train".

    Raises:
        ValueError: the label format does not match the loss.
    """
    lname = loss_name(loss)
    if lname in SPARSE_LOSSES and label_format == "onehot":
        raise ValueError(
            f"The loss {lname!r} expects integer class labels but `{name}` is one-hot. Use "
            f"loss='categorical_crossentropy', or pass integer labels (y.argmax(axis=1)).")
    if lname in ONEHOT_LOSSES and label_format == "sparse":
        raise ValueError(
            f"The loss {lname!r} expects one-hot labels but `{name}` holds integer class "
            f"labels. Use loss='sparse_categorical_crossentropy', or one-hot encode the labels "
            f"(kerasdl.data.to_categorical).")


def _classifier_head(model):
    """``(units, activation)`` of a classifier's single output, else None."""
    from kerasdl.training._data import model_output_units

    units = model_output_units(model)
    layers = [layer for layer in model._flatten_layers(include_self=False, recursive=True)
              if hasattr(layer, "activation")]
    activation = getattr(layers[-1].activation, "__name__", None) if layers else None
    if activation in ("softmax", "sigmoid", "log_softmax") and units:
        return units, activation
    return None


def _check_rows_sum_to_one(y, units, name):
    sums = y.sum(axis=1)
    off = ~np.isclose(sums, 1.0, atol=1e-3)
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"`{name}` has rows that do not sum to 1 (row {row} sums to "
            f"{format_number(sums[row])}: multi-hot labels?) but the model's output layer is a "
            f"{units}-class softmax, which predicts exactly one class per sample. For "
            f"multi-label data use a sigmoid head with loss='binary_crossentropy'; for "
            f"single-label data pass one-hot rows or integer class labels.")


def check_targets_fit_head(model, y, name="y_train"):
    """Refuse targets a classifier head cannot be trained or scored on.

    Continuous (fractional) targets for a softmax or sigmoid head (sigmoid targets in
    [0, 1] and softmax rows summing to 1 are soft labels and pass), and multi-hot rows for a
    softmax head.

    Args:
        model: the Keras model.
        y: the targets.
        name: the targets' argument name for the message. Defaults to "y_train".

    Raises:
        ValueError: the targets do not fit the classifier head.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf" or not y.size:
        return
    head = _classifier_head(model)
    if head is None:
        return
    units, activation = head
    if activation != "sigmoid" and units > 1 and y.ndim == 2 and y.shape[1] == units:
        _check_rows_sum_to_one(y, units, name)
        return
    fractional = np.mod(y, 1) != 0 if y.dtype.kind == "f" else None
    if fractional is None or not fractional.any():
        return
    if activation == "sigmoid" and np.all((y >= 0) & (y <= 1)):
        return  # probabilities / soft labels for a sigmoid head are fine
    bad = y[fractional].reshape(-1)[0]
    what = (f"a {units}-class {activation} classifier" if units > 1 else
            f"a 1-unit {activation} (binary) classifier")
    allowed = f"integer class labels in [0, {units})" if units > 1 else "labels 0 and 1"
    raise ValueError(
        f"`{name}` holds continuous values (e.g. {format_number(bad)}) but the model's output "
        f"layer is {what}, which needs {allowed}. For regression build a model with a "
        f"1-unit linear head (e.g. kerasdl.models.mlp(..., task='regression')); for "
        f"classification pass the class labels.")
