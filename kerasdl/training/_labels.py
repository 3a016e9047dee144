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


def check_targets_fit_head(model, y, name="y_train"):
    """Refuse continuous (non-integer) targets for a model with a classifier head.

    Args:
        model: the Keras model.
        y: the targets.
        name: the targets' argument name for the message. Defaults to "y_train".

    Raises:
        ValueError: ``y`` holds fractional values but the output layer is a softmax or
            sigmoid classifier head.
    """
    y = np.asarray(y)
    if y.dtype.kind != "f" or not y.size:
        return
    fractional = np.mod(y, 1) != 0
    if not fractional.any():
        return
    head = _classifier_head(model)
    if head is None:
        return
    units, activation = head
    in_unit = bool(np.all((y >= 0) & (y <= 1)))
    if in_unit and (activation == "sigmoid" or (y.ndim == 2 and y.shape[1] == units)):
        return  # soft labels (probabilities, label smoothing, mixup) are fine
    bad = y[fractional].reshape(-1)[0]
    what = (f"a {units}-class {activation} classifier" if units > 1 else
            f"a 1-unit {activation} (binary) classifier")
    allowed = f"integer class labels in [0, {units})" if units > 1 else "labels 0 and 1"
    raise ValueError(
        f"`{name}` holds continuous values (e.g. {format_number(bad)}) but the model's output "
        f"layer is {what}, which needs {allowed}. For regression build a model with a "
        f"1-unit linear head (e.g. kerasdl.models.mlp(..., task='regression')); for "
        f"classification pass the class labels.")
