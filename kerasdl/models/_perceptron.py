"""Rosenblatt's perceptron: a step output trained by the perceptron rule through ``fit``."""

import keras
import numpy as np

from kerasdl._validation import (check_array, check_choice, check_finite, check_number,
                                 check_param)
from kerasdl.layers import step
# The loss lives beside the step activation in kerasdl.layers so that importing
# kerasdl.layers (what kerasdl.load_model does) is enough to load a saved perceptron.
from kerasdl.layers.internal import PerceptronLoss, perceptron_loss
from kerasdl.models._components import check_input_shape, check_seed, make_initializer
from kerasdl.models._registry import register_model

__all__ = ["perceptron", "perceptron_loss", "PerceptronLoss"]


@register_model
def perceptron(input_dim=None, *, weights=None, bias=None, learning_rate=1.0,
               kernel_initializer="zeros", task="binary", num_classes=None, seed=None,
               name="perceptron", input_shape=None):
    """Rosenblatt's perceptron: ``y = step(w·x + b)``, trained by the perceptron rule.

    One Dense unit computes ``z = w·x + b``; the output is the Heaviside step
    ``y = 1 if z >= 0 else 0`` (:func:`kerasdl.layers.step`, exact 0/1 values, gradient passed
    straight through). The model is returned **compiled** with :func:`perceptron_loss`
    (value: the fraction misclassified; gradient: ``y - t``), SGD at ``learning_rate`` and an
    ``accuracy`` metric, so ``model.fit(x, y, batch_size=1)`` is exactly the perceptron rule
    ``w <- w + η (t - y) x``. Use targets in {0, 1}. With ``batch_size > 1`` each step
    applies the *mean* of the per-sample updates (the batch perceptron).

    The perceptron convergence theorem guarantees that the rule finds a separating line in
    finitely many updates when one exists (AND, OR, NAND). XOR has none: no line puts
    (0,1) and (1,0) on one side and (0,0) and (1,1) on the other, so a perceptron gets at
    most 3 of its 4 rows right.

    Args:
        input_dim: number of inputs (an int, or a 1-tuple).
        weights: hand-set weights ``w`` (one number per input). Defaults to None
            (``kernel_initializer`` decides).
        bias: hand-set bias ``b``. Defaults to None (0, or the initial bias).
        learning_rate: the SGD step ``η``. Defaults to 1.0 (with zero initial weights and
            0/1 inputs, the weights stay integers, as in the textbook).
        kernel_initializer: initializer name for ``w`` when ``weights`` is None (see
            :func:`list_initializers`). Defaults to ``"zeros"``.
        task: must be ``"binary"`` (a perceptron separates two classes). Defaults to
            ``"binary"``.
        num_classes: None or 2. Defaults to None.
        seed: seed for a random ``kernel_initializer``. Defaults to None.
        name: model name. Defaults to ``"perceptron"``.
        input_shape: alternative to ``input_dim`` (``(n,)`` or ``n``), so generic code can
            call every builder with ``input_shape=``. Give one of the two. Defaults to None.

    Returns:
        A compiled ``keras.Sequential`` model with output shape ``(None, 1)``.

    Raises:
        ValueError: for a non-positive ``input_dim``, ``weights`` of the wrong length,
            non-finite values, a non-positive learning rate, or a task other than binary.

    Example (the textbook AND gate, no training):

    >>> import numpy as np
    >>> from kerasdl.models import perceptron
    >>> model = perceptron(2, weights=[1, 1], bias=-1.5)
    >>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    >>> model.predict(x, verbose=0).ravel().tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    if (input_dim is None) == (input_shape is None):
        raise TypeError(f"Give exactly one of `input_dim` and `input_shape`; received "
                        f"input_dim={input_dim!r} and input_shape={input_shape!r}.")
    if input_dim is None:
        input_dim = input_shape
    shape = check_input_shape(input_dim, name="input_dim")
    if len(shape) != 1:
        raise ValueError(f"`input_dim` must be a number of inputs (an int); received {shape}. "
                         f"Flatten the inputs first, e.g. x.reshape(len(x), -1).")
    task = check_choice("task", task, ["binary", "multiclass", "regression"])
    if task != "binary":
        raise ValueError(f"A perceptron separates two classes: `task` must be 'binary'; "
                         f"received {task!r}. Use softmax_regression or mlp for "
                         f"task='multiclass', linear_regression for task='regression'.")
    if num_classes not in (None, 2):
        raise ValueError(f"`num_classes` must be 2 (or None) for a perceptron; received "
                         f"{num_classes!r}.")
    learning_rate = check_param("learning_rate", learning_rate)
    seed = check_seed(seed)
    init = make_initializer(kernel_initializer, seed=seed)
    w = b = None
    if weights is not None:
        w = check_array("weights", weights, dtype_kind="biuf")
        check_finite("weights", w)
        if w.size != shape[0] or w.ndim > 2 or (w.ndim == 2 and w.shape[1] != 1):
            raise ValueError(f"`weights` must hold one number per input ({shape[0]}); "
                             f"received shape {w.shape}.")
        w = w.reshape(shape[0], 1).astype("float32")
    if bias is not None:
        b = np.array([check_number("bias", bias)], dtype="float32")
    unit = keras.layers.Dense(1, activation=step, kernel_initializer=init,
                              bias_initializer="zeros", name="unit")
    model = keras.Sequential([keras.Input(shape=shape), unit], name=name)
    if w is not None:
        unit.kernel.assign(w)
    if b is not None:
        unit.bias.assign(b)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss=PerceptronLoss(),
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
    return model
