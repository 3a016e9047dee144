"""Multi-layer perceptron: Dense blocks -> task head."""

import numbers

import keras

from kerasdl._validation import check_bool
from kerasdl.models._components import (activation_layer, build_head, check_dropout,
                                        check_hidden, check_input_shape, check_seed,
                                        compile_for_task, dense_activation, head_spec,
                                        hidden_layer, layer_seed, make_initializer,
                                        make_regularizer, parse_activation, parse_label_format)
from kerasdl.models._registry import register_model

__all__ = ["mlp", "dense_blocks"]


def dense_blocks(hidden, *, activation_key, slope, dropout, batch_norm, kernel_initializer,
                 regularizer, seed, prefix="hidden", seed_offset=100):
    """The layers of the hidden part: per int entry Dense [-> BatchNorm] -> act [-> Dropout].

    With batch norm the Dense has no bias (BatchNorm's beta replaces it) and the activation
    comes after the normalisation, as in Ioffe & Szegedy (2015). Non-int entries (registered
    layer names, ``(name, kwargs)`` pairs, layer instances) are inserted as they are.
    """
    layers = []
    for i, spec in enumerate(hidden):
        index = i
        if not isinstance(spec, numbers.Integral):
            layers.append(hidden_layer(spec, i))
            continue
        init = make_initializer(kernel_initializer, seed=layer_seed(seed, seed_offset + index))
        inline = None if batch_norm else dense_activation(activation_key)
        layers.append(keras.layers.Dense(spec, activation=inline, use_bias=not batch_norm,
                                         kernel_initializer=init,
                                         kernel_regularizer=regularizer,
                                         name=f"{prefix}_{index}"))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"{prefix}_{index}_bn"))
        if inline is None:
            layers.append(activation_layer(activation_key, slope,
                                           name=f"{prefix}_{index}_{activation_key}"))
        if dropout:
            layers.append(keras.layers.Dropout(
                dropout, seed=layer_seed(seed, seed_offset + 500 + index),
                name=f"{prefix}_{index}_dropout"))
    return layers


@register_model
def mlp(input_shape, hidden=(32,), *, activation="relu", leaky_relu_slope=None,
        task="multiclass", num_classes=None, outputs=1, output=None, one_hot=None,
        label_format=None, dropout=0.0, batch_norm=False, kernel_initializer="glorot_uniform",
        weight_decay=0.0, l1=0.0, optimizer="adam", learning_rate=None, seed=None, name="mlp"):
    """A multi-layer perceptron: hidden Dense layers, then an output head for the task.

    Each int in ``hidden`` adds ``Dense(units)`` -> [``BatchNormalization``] ->
    activation -> [``Dropout``]. Entries may also be the name of a layer registered with
    :func:`kerasdl.layers.register` (built with no arguments), a ``(name, {kwargs})`` pair,
    a ``keras.layers.Layer`` instance (inserted as it is) or a Layer class (built with no
    arguments). Inputs with more than one
    axis (images) are flattened first. The head follows ``task`` (1 sigmoid unit for
    binary, ``num_classes`` softmax units for multiclass, ``outputs`` linear units for
    regression) and the model is returned **compiled** with the task's loss and metrics.
    ``weight_decay`` and ``l1`` penalise every Dense kernel, the head included (not the
    biases); their penalty is part of the training loss.

    Args:
        input_shape: shape of one sample without the batch axis (an int for vectors).
        hidden: the hidden layers (see above); ``()`` gives a linear model. Defaults to
            ``(32,)``.
        activation: hidden activation: one of ``list_activations()`` (``"step"``,
            ``"identity"``/``"linear"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``,
            ``"leaky_relu"``, ``"gelu"``, ...) or ``("leaky_relu", slope)``. ``"step"`` passes
            gradients straight through (see :func:`kerasdl.layers.step`). Defaults to
            ``"relu"``.
        leaky_relu_slope: negative slope when ``activation="leaky_relu"``. Defaults to
            None (0.01).
        task: ``"multiclass"``, ``"binary"`` or ``"regression"``. Defaults to
            ``"multiclass"``.
        num_classes: number of classes, required (>= 2) for multiclass. Defaults to None.
        outputs: number of regression targets. Defaults to 1.
        output: override the head activation, e.g. ``"linear"`` for logits (the loss then
            uses ``from_logits=True``). Defaults to None (from the task).
        one_hot: True for one-hot multiclass labels (categorical cross-entropy), False for
            integer labels (sparse). Defaults to None (sparse).
        label_format: ``"sparse"`` or ``"onehot"``, alternative to ``one_hot``. Defaults
            to None.
        dropout: dropout rate in [0, 1) after each hidden activation; identity at
            inference. Defaults to 0.
        batch_norm: add BatchNormalization between each Dense and its activation.
            Defaults to False.
        kernel_initializer: initializer name (``"glorot_uniform"``, ``"he_normal"``,
            ``"lecun_normal"``, ``"xavier_uniform"``...; see ``list_initializers()``) or a
            keras Initializer. Defaults to ``"glorot_uniform"``.
        weight_decay: L2 coefficient ``λ``: adds ``λ·Σw²`` per kernel to the loss.
            Defaults to 0.
        l1: L1 coefficient ``λ₁``: adds ``λ₁·Σ|w|`` per kernel to the loss. Defaults to 0.
        optimizer: optimizer name or keras Optimizer. Defaults to ``"adam"``.
        learning_rate: learning rate of a named optimizer. Defaults to None (its default).
        seed: seed for initializers and dropout (each layer gets its own derived seed).
            Defaults to None (Keras' global seed, ``keras.utils.set_random_seed``).
        name: model name. Defaults to ``"mlp"``.

    Returns:
        A **compiled** ``keras.Sequential``.

    Raises:
        ValueError: non-positive units, unknown activation / initializer / task / layer
            name (valid names listed), dropout outside [0, 1), negative ``weight_decay`` or
            ``l1``, ``num_classes < 2`` for multiclass.
        TypeError: arguments of the wrong type.

    Example (XOR, which a perceptron cannot learn):

    >>> import numpy as np
    >>> from kerasdl.models import mlp
    >>> model = mlp(2, hidden=(4,), activation="tanh", task="binary", seed=0)
    >>> [layer.name for layer in model.layers]
    ['hidden_0', 'head']
    """
    shape = check_input_shape(input_shape)
    hidden = check_hidden(hidden)
    key, slope = parse_activation(activation, leaky_relu_slope=leaky_relu_slope)
    task, num_classes, units, head_key, head_slope, from_logits = head_spec(
        task, num_classes, outputs, output)
    fmt = parse_label_format(one_hot, label_format)
    dropout = check_dropout(dropout)
    batch_norm = check_bool("batch_norm", batch_norm)
    regularizer = make_regularizer(weight_decay, l1)
    seed = check_seed(seed)
    make_initializer(kernel_initializer)  # validate the name before building anything
    layers = [keras.Input(shape=shape)]
    if len(shape) > 1:
        layers.append(keras.layers.Flatten(name="flatten"))
    layers += dense_blocks(hidden, activation_key=key, slope=slope, dropout=dropout,
                           batch_norm=batch_norm, kernel_initializer=kernel_initializer,
                           regularizer=regularizer, seed=seed)
    layers += build_head(units, head_key, head_slope,
                         kernel_initializer=make_initializer(
                             kernel_initializer, seed=layer_seed(seed, 999)),
                         kernel_regularizer=regularizer)
    model = keras.Sequential(layers, name=name)
    return compile_for_task(model, task=task, label_format=fmt, from_logits=from_logits,
                            optimizer=optimizer, learning_rate=learning_rate)
