"""One Dense layer: linear, logistic and softmax regression (one generic builder)."""

import keras

from kerasdl.models._components import (build_head, check_input_shape, check_seed,
                                        compile_for_task, head_spec, make_initializer,
                                        make_regularizer, parse_label_format)
from kerasdl.models._registry import register_model

__all__ = ["linear_model", "linear_regression", "logistic_regression", "softmax_regression"]


def linear_model(input_shape, *, task, num_classes=None, outputs=1, output=None, one_hot=None,
                 label_format=None, kernel_initializer="glorot_uniform", weight_decay=0.0,
                 l1=0.0, optimizer="adam", learning_rate=None, seed=None, name=None):
    """The generic single-layer model behind the three named variants.

    Inputs with more than one axis are flattened first. The head (units, activation) and
    the compiled loss and metrics follow ``task`` through kerasdl's task table:

    ============  =========================  ==========  ============================
    task          units                      activation  loss / metrics
    ============  =========================  ==========  ============================
    regression    ``outputs``                linear      mean squared error / MAE
    binary        1                          sigmoid     binary cross-entropy / acc.
    multiclass    ``num_classes``            softmax     (sparse) categorical CE / acc.
    ============  =========================  ==========  ============================

    See :func:`linear_regression` for the arguments.
    """
    shape = check_input_shape(input_shape)
    task, num_classes, units, key, slope, from_logits = head_spec(task, num_classes, outputs,
                                                                   output)
    fmt = parse_label_format(one_hot, label_format)
    seed = check_seed(seed)
    layers = [keras.Input(shape=shape)]
    if len(shape) > 1:
        layers.append(keras.layers.Flatten(name="flatten"))
    layers += build_head(units, key, slope,
                         kernel_initializer=make_initializer(kernel_initializer, seed=seed),
                         kernel_regularizer=make_regularizer(weight_decay, l1))
    model = keras.Sequential(layers, name=name)
    return compile_for_task(model, task=task, label_format=fmt, from_logits=from_logits,
                            optimizer=optimizer, learning_rate=learning_rate)


_ARGS_DOC = """
    Args:
        input_shape: the shape of one sample without the batch axis (an int for a vector).
            Inputs with more than one axis are flattened.
        task: ``"regression"``, ``"binary"`` or ``"multiclass"``; picks the head, loss and
            metrics. Defaults to ``"{task}"``.
        num_classes: number of classes (>= 2), required for ``task="multiclass"``.
            Defaults to None.
        outputs: number of regression targets. Defaults to 1.
        output: override the head activation, e.g. ``"linear"`` to output logits (the loss
            is then built with ``from_logits=True``). Defaults to None (from the task).
        one_hot: True when multiclass labels are one-hot (categorical cross-entropy),
            False for integer labels (sparse). Defaults to None (sparse).
        label_format: ``"sparse"`` or ``"onehot"``, an alternative to ``one_hot``.
            Defaults to None.
        kernel_initializer: initializer name (see ``list_initializers()``) or a keras
            Initializer. Defaults to ``"glorot_uniform"``.
        weight_decay: L2 penalty ``λ``: adds ``λ·Σw²`` over the kernel to the loss.
            Defaults to 0.
        l1: L1 penalty ``λ₁``: adds ``λ₁·Σ|w|`` over the kernel. Defaults to 0.
        optimizer: optimizer name (``"adam"``, ``"sgd"``, ...) or a keras Optimizer.
            Defaults to ``"{optimizer}"``.
        learning_rate: learning rate for a named optimizer. Defaults to None (the
            optimizer's default).
        seed: seed of the initializer. Defaults to None.
        name: model name. Defaults to ``"{name}"``.

    Returns:
        A **compiled** ``keras.Sequential`` (loss and metrics from the task).

    Raises:
        ValueError: for an unknown task / initializer / optimizer (valid names listed),
            ``num_classes < 2`` for multiclass, negative penalties, non-positive shapes.
        TypeError: for arguments of the wrong type.
"""


@register_model
def linear_regression(input_shape, *, task="regression", num_classes=None, outputs=1,
                      output=None, one_hot=None, label_format=None,
                      kernel_initializer="glorot_uniform", weight_decay=0.0, l1=0.0,
                      optimizer="sgd", learning_rate=0.01, seed=None, name="linear_regression"):
    """Linear regression: ``y = W x + b``, fitted by minimising the mean squared error.

    One Dense layer with a linear output, compiled with MSE loss, a mean-absolute-error
    metric and SGD (learning rate 0.01). With ``weight_decay`` it is ridge regression,
    with ``l1`` the lasso.
    {args}
    Example:

    >>> import numpy as np
    >>> from kerasdl.models import linear_regression
    >>> model = linear_regression(3)
    >>> model.output_shape, model.loss
    ((None, 1), 'mean_squared_error')
    """
    return linear_model(input_shape, task=task, num_classes=num_classes, outputs=outputs,
                        output=output, one_hot=one_hot, label_format=label_format,
                        kernel_initializer=kernel_initializer, weight_decay=weight_decay,
                        l1=l1, optimizer=optimizer, learning_rate=learning_rate, seed=seed,
                        name=name)


@register_model
def logistic_regression(input_shape, *, task="binary", num_classes=None, outputs=1,
                        output=None, one_hot=None, label_format=None,
                        kernel_initializer="glorot_uniform", weight_decay=0.0, l1=0.0,
                        optimizer="adam", learning_rate=None, seed=None,
                        name="logistic_regression"):
    """Logistic regression: ``p(y=1|x) = sigmoid(w·x + b)``, trained on cross-entropy.

    One Dense unit with a sigmoid, compiled with binary cross-entropy, accuracy and Adam.
    With ``task="multiclass"`` it becomes multinomial logistic regression (the same model
    as :func:`softmax_regression`).
    {args}
    Example:

    >>> from kerasdl.models import logistic_regression
    >>> model = logistic_regression(2)
    >>> model.output_shape, model.loss
    ((None, 1), 'binary_crossentropy')
    """
    return linear_model(input_shape, task=task, num_classes=num_classes, outputs=outputs,
                        output=output, one_hot=one_hot, label_format=label_format,
                        kernel_initializer=kernel_initializer, weight_decay=weight_decay,
                        l1=l1, optimizer=optimizer, learning_rate=learning_rate, seed=seed,
                        name=name)


@register_model
def softmax_regression(input_shape, *, task="multiclass", num_classes=None, outputs=1,
                       output=None, one_hot=None, label_format=None,
                       kernel_initializer="glorot_uniform", weight_decay=0.0, l1=0.0,
                       optimizer="adam", learning_rate=None, seed=None,
                       name="softmax_regression"):
    """Softmax (multinomial logistic) regression: ``p = softmax(W x + b)``.

    One Dense layer of ``num_classes`` units with a softmax, compiled with sparse
    categorical cross-entropy (categorical with ``one_hot=True``), accuracy and Adam.
    {args}
    Example:

    >>> from kerasdl.models import softmax_regression
    >>> model = softmax_regression(4, num_classes=3)
    >>> model.output_shape, model.loss
    ((None, 3), 'sparse_categorical_crossentropy')
    """
    return linear_model(input_shape, task=task, num_classes=num_classes, outputs=outputs,
                        output=output, one_hot=one_hot, label_format=label_format,
                        kernel_initializer=kernel_initializer, weight_decay=weight_decay,
                        l1=l1, optimizer=optimizer, learning_rate=learning_rate, seed=seed,
                        name=name)


if linear_regression.__doc__:  # None under python -OO
    linear_regression.__doc__ = linear_regression.__doc__.format(
        args=_ARGS_DOC.format(task="regression", optimizer="sgd", name="linear_regression")
        .replace("Defaults to None (the\n            optimizer's default)", "Defaults to 0.01"))
    logistic_regression.__doc__ = logistic_regression.__doc__.format(
        args=_ARGS_DOC.format(task="binary", optimizer="adam", name="logistic_regression"))
    softmax_regression.__doc__ = softmax_regression.__doc__.format(
        args=_ARGS_DOC.format(task="multiclass", optimizer="adam", name="softmax_regression"))
