"""Building blocks shared by the builders: activations, initializers, regularizers,
optimizers, input shapes, hidden-layer specs and the task head + compile step.

Everything is resolved by name here so every builder validates the same way and lists the
same valid names in its messages.
"""

import numbers

import keras

from kerasdl import _tasks
from kerasdl._validation import (check_choice, check_nonnegative, check_param, check_positive_int,
                                 describe, normalize_name, unknown_name_error)
from kerasdl.layers import Step, step
from kerasdl.layers import get as get_layer

__all__ = [
    "ACTIVATIONS", "INITIALIZERS", "OPTIMIZERS", "DEFAULT_LEAKY_RELU_SLOPE",
    "list_activations", "list_initializers", "parse_activation", "activation_layer",
    "make_initializer", "make_regularizer", "make_optimizer", "check_input_shape",
    "parse_label_format", "check_dropout", "hidden_layer", "build_head", "compile_for_task",
    "layer_seed",
]

# name -> what Keras calls it. "step" is kerasdl's (straight-through gradient).
ACTIVATIONS = {
    "step": "kerasdl>step",
    "identity": "linear",
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
    "gelu": "gelu",
    "elu": "elu",
    "selu": "selu",
    "swish": "silu",
    "silu": "silu",
    "softplus": "softplus",
    "softmax": "softmax",
}

# Maas et al. (2013), "Rectifier nonlinearities improve neural network acoustic models";
# also PyTorch's default.
DEFAULT_LEAKY_RELU_SLOPE = 0.01

# name -> (keras class name, takes a seed)
INITIALIZERS = {
    "lecun_normal": ("LecunNormal", True),
    "lecun_uniform": ("LecunUniform", True),
    "glorot_normal": ("GlorotNormal", True),
    "glorot_uniform": ("GlorotUniform", True),
    "xavier_normal": ("GlorotNormal", True),
    "xavier_uniform": ("GlorotUniform", True),
    "he_normal": ("HeNormal", True),
    "he_uniform": ("HeUniform", True),
    "orthogonal": ("Orthogonal", True),
    "random_normal": ("RandomNormal", True),
    "random_uniform": ("RandomUniform", True),
    "zeros": ("Zeros", False),
    "ones": ("Ones", False),
}

OPTIMIZERS = {
    "sgd": "SGD",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "adamax": "Adamax",
    "nadam": "Nadam",
    "lion": "Lion",
    "ftrl": "Ftrl",
}

LABEL_FORMATS = ("sparse", "onehot")


def list_activations():
    """Names accepted wherever kerasdl takes an activation, sorted.

    Example:

    >>> from kerasdl.models import list_activations
    >>> "leaky_relu" in list_activations() and "step" in list_activations()
    True
    """
    return sorted(ACTIVATIONS)


def list_initializers():
    """Names accepted wherever kerasdl takes a kernel initializer, sorted.

    Example:

    >>> from kerasdl.models import list_initializers
    >>> "he_normal" in list_initializers()
    True
    """
    return sorted(INITIALIZERS)


def layer_seed(seed, index):
    """A distinct seed for layer ``index`` (None stays None: Keras' global seed decides)."""
    return None if seed is None else int(seed) * 1000 + int(index)


def parse_activation(spec, *, name="activation", leaky_relu_slope=None):
    """Validate an activation spec; returns ``(canonical_name, slope_or_None)``.

    ``spec`` is a name from :func:`list_activations` or ``("leaky_relu", slope)``.
    """
    slope = None
    if isinstance(spec, (tuple, list)):
        if len(spec) != 2 or not isinstance(spec[0], str):
            raise TypeError(f"`{name}` given as a tuple must be (name, slope), e.g. "
                            f"('leaky_relu', 0.1); received {describe(spec)}.")
        spec, slope = spec
        slope = check_nonnegative(f"{name}[1] (the leaky_relu slope)", slope)
    if not isinstance(spec, str):
        raise TypeError(f"`{name}` must be an activation name (one of "
                        f"{', '.join(list_activations())}) or ('leaky_relu', slope); "
                        f"received {describe(spec)} of type {type(spec).__name__}.")
    key = normalize_name(spec)
    if key not in ACTIVATIONS:
        raise unknown_name_error("activation", spec, list_activations(), argument=name)
    if slope is not None and key != "leaky_relu":
        raise ValueError(f"`{name}` {spec!r} takes no slope; only 'leaky_relu' does. "
                         f"Received {describe((spec, slope))}.")
    if leaky_relu_slope is not None:
        given = check_nonnegative("leaky_relu_slope", leaky_relu_slope)
        if key != "leaky_relu":
            raise ValueError(f"`leaky_relu_slope` is set ({given:g}) but `{name}` is {spec!r}; "
                             f"set `{name}='leaky_relu'` or drop `leaky_relu_slope`.")
        if slope is not None and slope != given:
            raise ValueError(f"Two different leaky_relu slopes: `{name}` says {slope:g} and "
                             f"`leaky_relu_slope` says {given:g}; give only one.")
        slope = given
    if key == "leaky_relu" and slope is None:
        slope = DEFAULT_LEAKY_RELU_SLOPE
    return key, slope


def activation_layer(key, slope=None, *, name=None):
    """A Keras layer applying the canonical activation ``key``."""
    if key == "step":
        return Step(name=name)
    if key == "leaky_relu":
        return keras.layers.LeakyReLU(negative_slope=slope, name=name)
    return keras.layers.Activation(ACTIVATIONS[key], name=name)


def dense_activation(key):
    """What to pass as ``Dense(activation=...)`` for ``key``, or None if it needs a layer."""
    if key == "leaky_relu":
        return None
    if key == "step":
        return step
    return ACTIVATIONS[key]


def make_initializer(spec, *, seed=None, name="kernel_initializer"):
    """A Keras initializer from a name in :func:`list_initializers` or an Initializer."""
    if isinstance(spec, keras.initializers.Initializer):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"`{name}` must be an initializer name (one of "
                        f"{', '.join(list_initializers())}) or a keras Initializer; received "
                        f"{describe(spec)} of type {type(spec).__name__}.")
    key = normalize_name(spec)
    if key not in INITIALIZERS:
        raise unknown_name_error("initializer", spec, list_initializers(), argument=name)
    class_name, seeded = INITIALIZERS[key]
    cls = getattr(keras.initializers, class_name)
    return cls(seed=seed) if seeded else cls()


def make_regularizer(weight_decay=0.0, l1=0.0):
    """The kernel penalty ``weight_decay * sum(w**2) + l1 * sum(|w|)``, or None if both are 0."""
    weight_decay = check_nonnegative("weight_decay", weight_decay)
    l1 = check_nonnegative("l1", l1)
    if weight_decay and l1:
        return keras.regularizers.L1L2(l1=l1, l2=weight_decay)
    if weight_decay:
        return keras.regularizers.L2(weight_decay)
    if l1:
        return keras.regularizers.L1(l1)
    return None


def make_optimizer(optimizer="adam", learning_rate=None):
    """A Keras optimizer from a name (with an optional learning rate) or an Optimizer."""
    learning_rate = check_param("learning_rate", learning_rate, allow_none=True)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        if learning_rate is not None:
            raise ValueError("`learning_rate` cannot be combined with an optimizer instance; "
                             "set the learning rate on the optimizer itself.")
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(f"`optimizer` must be an optimizer name (one of "
                        f"{', '.join(sorted(OPTIMIZERS))}) or a keras Optimizer; received "
                        f"{describe(optimizer)} of type {type(optimizer).__name__}.")
    key = check_choice("optimizer", optimizer, list(OPTIMIZERS))
    cls = getattr(keras.optimizers, OPTIMIZERS[key])
    return cls() if learning_rate is None else cls(learning_rate=learning_rate)


def check_input_shape(input_shape, *, name="input_shape"):
    """A tuple of positive ints from an int or a sequence of ints (the batch axis excluded)."""
    if isinstance(input_shape, numbers.Integral) and not isinstance(input_shape, bool):
        return (check_positive_int(name, input_shape),)
    if not isinstance(input_shape, (tuple, list)) or not input_shape:
        raise TypeError(f"`{name}` must be a positive int or a non-empty tuple of positive "
                        f"ints (without the batch axis); received {describe(input_shape)}.")
    dims = []
    for i, d in enumerate(input_shape):
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"`{name}` must hold positive ints; received {describe(d)} at "
                            f"position {i} of {describe(input_shape)}.")
        if d < 1:
            raise ValueError(f"`{name}` must hold positive ints; received {d} at position {i} "
                             f"of {tuple(input_shape)}.")
        dims.append(int(d))
    return tuple(dims)


def check_dropout(value, name="dropout"):
    """A dropout rate in [0, 1)."""
    return check_param("dropout", value, arg=name)


def parse_label_format(one_hot=None, label_format=None):
    """"sparse" or "onehot" from ``one_hot`` and/or ``label_format`` (they must agree)."""
    fmt = None
    if label_format is not None:
        key = check_choice("label_format", label_format, ["sparse", "onehot", "one_hot"])
        fmt = "onehot" if key in ("onehot", "one_hot") else "sparse"
    if one_hot is not None:
        if not isinstance(one_hot, bool):
            raise TypeError(f"`one_hot` must be True or False; received {describe(one_hot)}.")
        from_flag = "onehot" if one_hot else "sparse"
        if fmt is not None and fmt != from_flag:
            raise ValueError(f"`one_hot={one_hot}` contradicts `label_format={label_format!r}`; "
                             f"give only one of them.")
        fmt = from_flag
    return fmt or "sparse"


def hidden_layer(spec, index, *, name="hidden"):
    """Resolve a hidden-layer spec that is not an int: a registered name or a Layer instance.

    ``spec`` may be a layer name registered with :func:`kerasdl.layers.register` (built with
    no arguments), a ``(name, {kwargs})`` pair, a ``keras.layers.Layer`` instance, or a
    Layer class (built with no arguments).
    """
    if isinstance(spec, keras.layers.Layer):
        return spec
    if isinstance(spec, type) and issubclass(spec, keras.layers.Layer):
        try:
            return spec()
        except TypeError as e:
            raise TypeError(f"`{name}[{index}]`: could not build {spec.__name__}() with no "
                            f"arguments ({e}). Pass an instance instead.") from None
    kwargs = {}
    if isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[0], str) \
            and isinstance(spec[1], dict):
        spec, kwargs = spec
    if isinstance(spec, str):
        cls = get_layer(spec)
        try:
            return cls(**kwargs)
        except TypeError as e:
            raise TypeError(f"`{name}[{index}]`: could not build layer {spec!r} with "
                            f"{kwargs or 'no arguments'} ({e}). Pass (name, {{kwargs}}) or a "
                            f"layer instance.") from None
    raise TypeError(f"`{name}[{index}]` must be a positive int (units), the name of a layer "
                    f"registered with kerasdl.layers.register, a (name, {{kwargs}}) pair or a "
                    f"keras Layer; received {describe(spec)} of type {type(spec).__name__}.")


def check_hidden(hidden, *, name="hidden"):
    """``hidden`` as a tuple; int entries checked positive."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if hidden is None:
        hidden = ()
    if isinstance(hidden, (str, keras.layers.Layer)) or (
            isinstance(hidden, type) and issubclass(hidden, keras.layers.Layer)):
        hidden = (hidden,)
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(f"`{name}` must be a tuple of units / layer names / layers; received "
                        f"{describe(hidden)} of type {type(hidden).__name__}.")
    out = []
    for i, h in enumerate(hidden):
        if isinstance(h, numbers.Integral) and not isinstance(h, bool):
            if h < 1:
                raise ValueError(f"`{name}[{i}]` (units) must be a positive integer (>= 1); "
                                 f"received {h}.")
            out.append(int(h))
        elif isinstance(h, bool):
            raise TypeError(f"`{name}[{i}]` must be a positive int (units); received {h}.")
        else:
            out.append(h)
    return tuple(out)


def head_spec(task, num_classes, outputs, output):
    """``(units, activation_key, slope, from_logits)`` for the output layer."""
    task, num_classes = _tasks.check_task(task, num_classes)
    outputs = check_positive_int("outputs", outputs)
    if outputs != 1 and task != "regression":
        raise ValueError(f"`outputs` sets the number of regression targets; received "
                         f"outputs={outputs} with task={task!r}. Use `num_classes` for "
                         f"classification.")
    units = _tasks.head_units(task, num_classes, outputs)
    if output is None:
        key, slope = _tasks.head_activation(task), None
    else:
        key, slope = parse_activation(output, name="output")
    from_logits = task != "regression" and key in ("linear", "identity")
    if task == "multiclass" and key not in ("softmax", "linear", "identity"):
        raise ValueError(f"`output={output!r}` does not give class probabilities for "
                         f"task='multiclass'; use 'softmax' (the default) or 'linear' "
                         f"(logits, trained with from_logits=True).")
    if task == "binary" and key not in ("sigmoid", "linear", "identity"):
        raise ValueError(f"`output={output!r}` does not give a probability for task='binary'; "
                         f"use 'sigmoid' (the default), 'linear' (a logit, trained with "
                         f"from_logits=True), or kerasdl.models.perceptron for a step output.")
    return task, num_classes, units, key, slope, from_logits


def build_head(units, key, slope, *, kernel_initializer, kernel_regularizer, name="head"):
    """The output Dense layer (plus an activation layer when the activation needs one)."""
    act = dense_activation(key)
    dense = keras.layers.Dense(units, activation=act, kernel_initializer=kernel_initializer,
                               kernel_regularizer=kernel_regularizer, name=name)
    if act is None:
        return [dense, activation_layer(key, slope, name=f"{name}_activation")]
    return [dense]


def compile_for_task(model, *, task, label_format, from_logits, optimizer, learning_rate):
    """Compile ``model`` with the task's loss and metrics (kerasdl/_tasks.py) and the optimizer."""
    opt = make_optimizer(optimizer, learning_rate)
    if task == "regression":
        loss = _tasks.default_loss(task, label_format)
        metrics = _tasks.default_metrics(task)
    elif from_logits:
        if task == "binary":
            loss = keras.losses.BinaryCrossentropy(from_logits=True)
            metrics = [keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0)]
        elif label_format == "onehot":
            loss = keras.losses.CategoricalCrossentropy(from_logits=True)
            metrics = _tasks.default_metrics(task)
        else:
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            metrics = _tasks.default_metrics(task)
    else:
        loss = _tasks.default_loss(task, label_format)
        metrics = _tasks.default_metrics(task)
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    return model


def check_seed(seed):
    return check_param("seed", seed, allow_none=True)
