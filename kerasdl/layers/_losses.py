"""The perceptron loss: its value is the 0/1 error, its gradient gives the perceptron rule.

It lives in kerasdl.layers (beside :func:`kerasdl.layers.step`, whose straight-through
gradient it relies on) so that importing kerasdl.layers registers everything a saved
perceptron needs; ``kerasdl.models`` re-exports both names.
"""

import keras
from keras import ops

__all__ = ["perceptron_loss", "PerceptronLoss"]


def _same_rank(y_true, y_pred):
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = ops.expand_dims(y_true, -1)
    elif len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true


@keras.saving.register_keras_serializable(package="kerasdl", name="perceptron_loss")
def perceptron_loss(y_true, y_pred):
    """Loss whose value is the 0/1 error and whose gradient gives the perceptron rule.

    With targets ``t`` in {0, 1} and the perceptron's step output ``y`` in {0, 1}
    (computed with a straight-through gradient, ``dy/dz = 1`` for ``z = w·x + b``)::

        L = stop_gradient(y - t) * (y - stop_gradient(y)) + stop_gradient(|y - t|)

    * **Value:** ``y - stop_gradient(y)`` is exactly 0, so ``L = |y - t|``: 1 for a
      misclassified sample, 0 otherwise. The mean over a batch is the error rate.
    * **Gradient:** only the first term has one: ``dL/dy = y - t``, hence
      ``dL/dz = y - t`` and ``dL/dw = (y - t) x``, ``dL/db = y - t``.

    ``(y - t)`` is also the gradient of the *perceptron criterion* ``max(0, -t'·z)`` with
    ``t' = 2t - 1`` in {-1, +1}: zero on a correct sample and ``-t'`` on a wrong one
    (``+1`` when the unit fired for a 0, ``-1`` when it stayed silent for a 1). So plain SGD
    with batch size 1 and learning rate ``η`` performs exactly Rosenblatt's rule
    ``w <- w + η (t - y) x``, ``b <- b + η (t - y)``, on every backend. (At ``z = 0`` the
    step fires, so a 0-target sample there is counted wrong and updated, as in the rule.)
    The ``|y - t|`` term is wrapped in ``stop_gradient``: without it the gradient would be
    doubled.

    Args:
        y_true: targets in {0, 1}, shape ``(n,)`` or ``(n, 1)``.
        y_pred: step outputs in {0, 1}, shape ``(n, 1)``.

    Returns:
        Per-sample losses, shape ``(n,)``.

    Example:

    >>> import numpy as np
    >>> from kerasdl.models import perceptron_loss
    >>> y = np.array([[1.0], [0.0], [1.0]], dtype="float32")
    >>> np.asarray(perceptron_loss(np.array([1, 1, 0]), y)).tolist()
    [0.0, 1.0, 1.0]
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = _same_rank(y_true, y_pred)
    err = y_pred - y_true
    per_unit = (ops.stop_gradient(err) * (y_pred - ops.stop_gradient(y_pred))
                + ops.stop_gradient(ops.abs(err)))
    return ops.mean(per_unit, axis=-1)


@keras.saving.register_keras_serializable(package="kerasdl", name="PerceptronLoss")
class PerceptronLoss(keras.losses.Loss):
    """:func:`perceptron_loss` as a Keras ``Loss`` (value: error rate; gradient: the rule).

    Args:
        reduction: how per-sample losses are combined. Defaults to
            ``"sum_over_batch_size"`` (the mean, i.e. the error rate).
        name: the loss name. Defaults to ``"perceptron_loss"``.

    Example:

    >>> import numpy as np
    >>> from kerasdl.models import PerceptronLoss
    >>> float(PerceptronLoss()(np.array([1, 0]), np.array([[1.0], [1.0]], dtype="float32")))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="perceptron_loss", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return perceptron_loss(y_true, y_pred)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype}
