"""The Heaviside step activation with a straight-through gradient."""

import keras
from keras import ops

__all__ = ["step", "Step"]


@keras.saving.register_keras_serializable(package="kerasdl", name="step")
def step(x):
    """Heaviside step: 1 where ``x >= 0``, else 0, with a straight-through gradient.

    The true derivative of a step is zero almost everywhere, so nothing upstream could
    learn through it. This activation uses the *straight-through estimator*: the forward
    value is exactly ``step(x)`` and the gradient is that of the identity, ``dy/dx = 1``.
    It is computed as ``step(x) + (x - stop_gradient(x))``: the bracket is exactly 0 in
    floating point (``x - x == 0`` for every finite ``x``), so outputs are exactly 0.0 or
    1.0, while its derivative is 1. (The equivalent form ``x + stop_gradient(step(x) - x)``
    can be off by one ulp.) Combined with :func:`kerasdl.models.perceptron_loss` and SGD
    with batch size 1 this gives Rosenblatt's perceptron rule.

    Args:
        x: a tensor.

    Returns:
        A tensor of the same shape and dtype holding 0.0 and 1.0.

    Example:

    >>> import numpy as np
    >>> from kerasdl.layers import step
    >>> np.asarray(step(np.array([-2.0, 0.0, 0.5], dtype="float32"))).tolist()
    [0.0, 1.0, 1.0]
    """
    x = ops.convert_to_tensor(x)
    if not keras.backend.is_float_dtype(x.dtype):
        x = ops.cast(x, keras.config.floatx())
    hard = ops.cast(ops.greater_equal(x, 0), x.dtype)
    return hard + (x - ops.stop_gradient(x))


@keras.saving.register_keras_serializable(package="kerasdl", name="Step")
class Step(keras.layers.Layer):
    """Layer form of :func:`step`: outputs 1 where ``x >= 0`` else 0 (straight-through gradient).

    Forward values are exactly 0.0 and 1.0; the gradient passes through unchanged
    (``dy/dx = 1``), so layers before it keep learning. Use it as the output of a
    perceptron or as a hidden activation (``mlp(..., activation="step")``).

    Args:
        **kwargs: base layer arguments (``name``, ``dtype``...).

    Example:

    >>> import numpy as np
    >>> from kerasdl.layers import Step
    >>> np.asarray(Step()(np.array([[-1.0, 3.0]], dtype="float32"))).tolist()
    [[0.0, 1.0]]
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return step(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return super().get_config()
