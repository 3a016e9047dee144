"""Convolutional network: [augmentation] -> conv blocks -> dense layers -> task head."""

import importlib
import numbers

import keras

from kerasdl._validation import check_bool, check_choice, check_positive_int, describe
from kerasdl.models._components import (activation_layer, build_head, check_dropout,
                                        check_hidden,
                                        check_input_shape, check_seed, compile_for_task,
                                        dense_activation, head_spec, layer_seed,
                                        make_initializer, make_regularizer, parse_activation,
                                        parse_label_format)
from kerasdl.models._mlp import dense_blocks
from kerasdl.models._registry import register_model

__all__ = ["cnn", "augmentation_layer"]


def _check_image_shape(input_shape):
    shape = check_input_shape(input_shape)
    if len(shape) == 1:
        raise ValueError(
            f"`input_shape` for a CNN must be (height, width, channels); received the flat "
            f"shape {shape}. Reshape the images first, e.g. for 28x28 grayscale "
            f"x.reshape(-1, 28, 28, 1) and input_shape=(28, 28, 1), or use mlp for vectors.")
    if len(shape) == 2:
        raise ValueError(
            f"`input_shape` for a CNN must be (height, width, channels); received {shape} "
            f"with no channels axis. Add one: x = x[..., None] and "
            f"input_shape={shape + (1,)}.")
    if len(shape) != 3:
        raise ValueError(f"`input_shape` for a CNN must be (height, width, channels); "
                         f"received {shape}.")
    return shape


def _pair(name, value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        v = check_positive_int(name, value)
        return (v, v)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(check_positive_int(f"{name}[{i}]", v) for i, v in enumerate(value))
    raise TypeError(f"`{name}` must be a positive int or a pair of positive ints; received "
                    f"{describe(value)}.")


def augmentation_layer(augment, seed=None):
    """The layer for ``cnn(augment=...)``: a Layer as given, a preset name or a dict spec.

    Preset names and dicts go to ``kerasdl.augment.pipeline`` (imported here, on use); a
    ``seed`` is passed on unless the dict sets its own. Returns None for ``augment=None``.
    """
    if augment is None:
        return None
    if isinstance(augment, keras.layers.Layer):
        return augment
    if isinstance(augment, (str, dict)):
        try:
            augment_pkg = importlib.import_module("kerasdl.augment")
            pipeline = augment_pkg.pipeline
        except (ImportError, AttributeError) as e:
            raise ImportError(f"`augment={describe(augment)}` needs kerasdl.augment.pipeline, "
                              f"which could not be loaded ({e}). Pass a keras Layer instead, "
                              f"e.g. keras.layers.RandomFlip('horizontal').") from None
        if isinstance(augment, str):
            return pipeline(augment, seed=seed)
        spec = dict(augment)
        if seed is not None:
            spec.setdefault("seed", seed)
        return pipeline(**spec)
    raise TypeError(f"`augment` must be None, a keras Layer, a preset name ('mnist', 'cifar', "
                    f"'none') or a dict of kerasdl.augment.pipeline settings; received "
                    f"{describe(augment)} of type {type(augment).__name__}.")


@register_model
def cnn(input_shape, filters=(16, 32), *, kernel_size=3, pooling="max", pool_size=2,
        dense=(64,), activation="relu", leaky_relu_slope=None, task="multiclass",
        num_classes=None, outputs=1, output=None, one_hot=None, label_format=None,
        dropout=0.0, conv_dropout=0.0, batch_norm=False, global_pooling=False, augment=None,
        kernel_initializer="he_normal", weight_decay=0.0, l1=0.0, optimizer="adam",
        learning_rate=None, seed=None, name="cnn"):
    """A convolutional network: conv blocks, then dense layers, then the task head.

    Layout: ``Input(H, W, C)`` -> [augmentation, active only in training] -> one block per
    entry of ``filters`` (``Conv2D(f, kernel_size, padding="same")`` -> [BatchNorm] ->
    activation -> pooling -> [Dropout ``conv_dropout``]) -> ``Flatten`` (or global average
    pooling) -> [Dropout] -> the ``dense`` hidden layers (as in :func:`mlp`) -> head.
    Returned **compiled** with the task's loss and metrics (as every kerasdl builder).

    Args:
        input_shape: ``(height, width, channels)``. A flat or channel-less shape raises
            with the reshape to apply.
        filters: filters per conv block. Defaults to ``(16, 32)``.
        kernel_size: conv kernel size (int or pair). Defaults to 3.
        pooling: ``"max"``, ``"avg"`` or None (no pooling) after each block. Defaults to
            ``"max"``.
        pool_size: pooling window and stride. Defaults to 2.
        dense: units of the hidden Dense layers after the conv part (entries as in
            :func:`mlp`'s ``hidden``). Defaults to ``(64,)``.
        activation: activation of conv and dense layers (see ``list_activations()``).
            Defaults to ``"relu"``.
        leaky_relu_slope: slope for ``"leaky_relu"``. Defaults to None (0.01).
        task: ``"multiclass"``, ``"binary"`` or ``"regression"``. Defaults to
            ``"multiclass"``.
        num_classes: number of classes (>= 2) for multiclass. Defaults to None.
        outputs: number of regression targets. Defaults to 1.
        output: override the head activation (``"linear"`` for logits). Defaults to None.
        one_hot: True for one-hot multiclass labels. Defaults to None (sparse labels).
        label_format: ``"sparse"`` or ``"onehot"``. Defaults to None.
        dropout: dropout rate in [0, 1) after flattening and after each dense layer.
            Defaults to 0.
        conv_dropout: dropout rate in [0, 1) after each conv block. Defaults to 0.
        batch_norm: BatchNormalization after each conv / dense layer. Defaults to False.
        global_pooling: use global average pooling instead of Flatten. Defaults to False.
        augment: augmentation applied first, only in training (inference is identity): a
            keras Layer, a preset name (``"mnist"``, ``"cifar"``, ``"none"``) or a dict of
            ``kerasdl.augment.pipeline`` settings. Defaults to None.
        kernel_initializer: initializer name or keras Initializer. Defaults to
            ``"he_normal"`` (suited to ReLU).
        weight_decay: L2 coefficient on every kernel. Defaults to 0.
        l1: L1 coefficient on every kernel. Defaults to 0.
        optimizer: optimizer name or keras Optimizer. Defaults to ``"adam"``.
        learning_rate: learning rate of a named optimizer. Defaults to None.
        seed: seed for initializers and dropout. Defaults to None.
        name: model name. Defaults to ``"cnn"``.

    Returns:
        A **compiled** ``keras.Sequential``.

    Raises:
        ValueError: a flat / channel-less ``input_shape``, more pooling than the image
            size allows, non-positive filters or units, unknown names (valid ones listed),
            dropout outside [0, 1), negative penalties, ``num_classes < 2``.
        TypeError: arguments of the wrong type.

    Example:

    >>> from kerasdl.models import cnn
    >>> model = cnn((8, 8, 1), filters=(4,), dense=(8,), num_classes=10, seed=0)
    >>> model.output_shape
    (None, 10)
    """
    shape = _check_image_shape(input_shape)
    if isinstance(filters, numbers.Integral) and not isinstance(filters, bool):
        filters = (filters,)
    if not isinstance(filters, (tuple, list)):
        raise TypeError(f"`filters` must be a tuple of positive ints; received "
                        f"{describe(filters)}.")
    filters = tuple(check_positive_int(f"filters[{i}]", f) for i, f in enumerate(filters))
    kernel = _pair("kernel_size", kernel_size)
    pool = _pair("pool_size", pool_size)
    if pooling is not None:
        pooling = check_choice("pooling", pooling, ["max", "avg"])
    key, slope = parse_activation(activation, leaky_relu_slope=leaky_relu_slope)
    dense = check_hidden(dense, name="dense")
    task, num_classes, units, head_key, head_slope, from_logits = head_spec(
        task, num_classes, outputs, output)
    fmt = parse_label_format(one_hot, label_format)
    dropout = check_dropout(dropout)
    conv_dropout = check_dropout(conv_dropout, "conv_dropout")
    batch_norm = check_bool("batch_norm", batch_norm)
    global_pooling = check_bool("global_pooling", global_pooling)
    regularizer = make_regularizer(weight_decay, l1)
    seed = check_seed(seed)
    make_initializer(kernel_initializer)
    if pooling is not None:
        h, w = shape[0], shape[1]
        for _ in filters:
            h, w = h // pool[0], w // pool[1]
        if h < 1 or w < 1:
            raise ValueError(
                f"{len(filters)} pooling steps of {pool} do not fit a {shape[0]}x{shape[1]} "
                f"input (the feature map would shrink below 1x1). Use fewer `filters` "
                f"blocks, a smaller `pool_size` or pooling=None.")
    aug = augmentation_layer(augment, seed=layer_seed(seed, 200))

    layers = [keras.Input(shape=shape)]
    if aug is not None:
        layers.append(aug)
    for i, f in enumerate(filters):
        inline = None if batch_norm else dense_activation(key)
        layers.append(keras.layers.Conv2D(
            f, kernel, padding="same", activation=inline, use_bias=not batch_norm,
            kernel_initializer=make_initializer(kernel_initializer, seed=layer_seed(seed, i)),
            kernel_regularizer=regularizer, name=f"conv_{i}"))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"conv_{i}_bn"))
        if inline is None:
            layers.append(activation_layer(key, slope, name=f"conv_{i}_{key}"))
        if pooling == "max":
            layers.append(keras.layers.MaxPooling2D(pool, name=f"conv_{i}_maxpool"))
        elif pooling == "avg":
            layers.append(keras.layers.AveragePooling2D(pool, name=f"conv_{i}_avgpool"))
        if conv_dropout:
            layers.append(keras.layers.Dropout(conv_dropout, seed=layer_seed(seed, 300 + i),
                                               name=f"conv_{i}_dropout"))
    if global_pooling:
        layers.append(keras.layers.GlobalAveragePooling2D(name="global_pool"))
    else:
        layers.append(keras.layers.Flatten(name="flatten"))
    if dropout:
        layers.append(keras.layers.Dropout(dropout, seed=layer_seed(seed, 400),
                                           name="flatten_dropout"))
    layers += dense_blocks(dense, activation_key=key, slope=slope, dropout=dropout,
                           batch_norm=batch_norm, kernel_initializer=kernel_initializer,
                           regularizer=regularizer, seed=seed)
    layers += build_head(units, head_key, head_slope,
                         kernel_initializer=make_initializer(
                             kernel_initializer, seed=layer_seed(seed, 999)),
                         kernel_regularizer=regularizer)
    model = keras.Sequential(layers, name=name)
    return compile_for_task(model, task=task, label_format=fmt, from_logits=from_logits,
                            optimizer=optimizer, learning_rate=learning_rate)
