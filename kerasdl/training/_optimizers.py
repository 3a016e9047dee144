"""Optimizers by name, with their hyper-parameters.

The names follow the way optimizers are taught: full-batch gradient descent (``gd``), online
stochastic gradient descent (``sgd``), mini-batch SGD, momentum, Nesterov momentum, RMSProp,
Adam and AdamW. Each name maps to a Keras optimizer class plus default settings; ``gd`` fixes
the batch size to the whole training set. ``sgd`` has two meanings: without a ``batch_size``
it is the textbook's online SGD (batch size 1); with one it is ``keras.optimizers.SGD`` at
that batch size, as every Keras user means it (``online_sgd`` always means batch size 1).
"""

import inspect

from kerasdl._validation import (check_param, check_type, describe, normalize_name,
                                 unknown_name_error)

__all__ = ["get_optimizer", "list_optimizers", "optimizer_batch_size"]

# name -> (keras class name, default options, batch-size rule, one-line description)
_OPTIMIZERS = {
    "gd": ("SGD", {"learning_rate": 0.1}, "full",
           "full-batch gradient descent: one step per epoch on the whole training set"),
    "sgd": ("SGD", {"learning_rate": 0.01}, "online_unless_batch_size",
            "stochastic gradient descent: online (batch size 1) unless a batch_size is given, "
            "then Keras's SGD at that batch size"),
    "online_sgd": ("SGD", {"learning_rate": 0.01}, "online",
                   "online stochastic gradient descent: one step per sample (batch size 1)"),
    "minibatch_sgd": ("SGD", {"learning_rate": 0.01}, None,
                      "mini-batch stochastic gradient descent"),
    "momentum": ("SGD", {"learning_rate": 0.01, "momentum": 0.9}, None,
                 "SGD with (heavy-ball) momentum 0.9"),
    "nesterov": ("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}, None,
                 "SGD with Nesterov momentum 0.9"),
    "rmsprop": ("RMSprop", {"learning_rate": 0.001}, None,
                "RMSProp: steps scaled by a running RMS of the gradients"),
    "adam": ("Adam", {"learning_rate": 0.001}, None,
             "Adam: momentum plus per-weight step sizes (RMSProp-style)"),
    "adamw": ("AdamW", {"learning_rate": 0.001, "weight_decay": 0.004}, None,
              "Adam with decoupled weight decay"),
}


def list_optimizers():
    """The optimizer names :func:`get_optimizer` (and ``train``) accept.

    Returns:
        A sorted list of names.
    """
    return sorted(_OPTIMIZERS)


def describe_optimizers():
    """``{name: one-line description}`` for every optimizer name."""
    return {name: spec[3] for name, spec in sorted(_OPTIMIZERS.items())}


def _canonical(name):
    key = normalize_name(name)
    if key not in _OPTIMIZERS:
        raise unknown_name_error("optimizer", name, _OPTIMIZERS)
    return key


def optimizer_batch_size(name, batch_size=None):
    """The batch-size rule an optimizer name implies: ``"full"``, ``"online"`` or None.

    ``"gd"`` -> ``"full"`` (the whole training set) and ``"online_sgd"`` -> ``"online"``
    (batch size 1), whatever ``batch_size`` is. ``"sgd"`` -> ``"online"`` when
    ``batch_size`` is None (the textbook meaning) and None when a batch size is given
    (``keras.optimizers.SGD`` at that batch size, the Keras meaning). Other names, and
    optimizer instances, -> None (``batch_size`` decides).

    Args:
        name: an optimizer name or instance.
        batch_size: the batch size the caller gave, or None. Defaults to None.

    Returns:
        ``"full"``, ``"online"`` or None.

    Example:

    >>> optimizer_batch_size("sgd"), optimizer_batch_size("sgd", 16)
    ('online', None)
    """
    if not isinstance(name, str):
        return None
    rule = _OPTIMIZERS[_canonical(name)][2]
    if rule == "online_unless_batch_size":
        return "online" if batch_size is None else None
    return rule


def get_optimizer(optimizer="adam", *, learning_rate=None, **options):
    """A Keras optimizer from a name and hyper-parameters.

    ``gd``, ``sgd`` and ``minibatch_sgd`` all use ``keras.optimizers.SGD``: what differs is
    the batch size :func:`kerasdl.train` feeds them (the whole training set, one sample, or
    ``batch_size`` samples). ``momentum`` and ``nesterov`` add momentum 0.9 (Nesterov's
    look-ahead variant for the latter). ``adamw`` decouples the weight decay from the
    gradient step.

    Args:
        optimizer: a name from :func:`list_optimizers` or a ``keras.optimizers.Optimizer``
            instance (returned unchanged; then ``learning_rate`` and options must be left
            out). Defaults to ``"adam"``.
        learning_rate: a float or a ``keras.optimizers.schedules.LearningRateSchedule``.
            Defaults to None (the name's default: 0.1 for ``gd``, 0.01 for the SGD family,
            0.001 for RMSProp/Adam/AdamW).
        **options: keyword arguments of the Keras optimizer class, e.g. ``momentum=0.95``,
            ``weight_decay=0.01``, ``clipnorm=1.0``.

    Returns:
        A new ``keras.optimizers.Optimizer``.

    Raises:
        ValueError: for an unknown name (the message lists the valid ones).
        TypeError: for an option the optimizer does not take, or a wrong type.

    Example:

    >>> opt = get_optimizer("momentum", learning_rate=0.05, momentum=0.95)
    >>> type(opt).__name__, float(opt.momentum)
    ('SGD', 0.95)
    """
    import keras

    if isinstance(optimizer, keras.optimizers.Optimizer):
        if learning_rate is not None or options:
            raise TypeError(
                "`learning_rate` and optimizer options apply to an optimizer given by name; "
                f"received an optimizer instance ({type(optimizer).__name__}) together with "
                f"{sorted(['learning_rate'] * (learning_rate is not None) + list(options))}. "
                "Set them on the instance instead."
            )
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(
            f"`optimizer` must be a name (one of {', '.join(list_optimizers())}) or a "
            f"keras.optimizers.Optimizer; received {describe(optimizer)} of type "
            f"{type(optimizer).__name__}."
        )
    key = _canonical(optimizer)
    class_name, defaults, _, _ = _OPTIMIZERS[key]
    cls = getattr(keras.optimizers, class_name)
    allowed = [p for p in inspect.signature(cls).parameters if p not in ("kwargs", "name")]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(
            f"Unknown option(s) {', '.join(map(repr, unknown))} for optimizer {key!r} "
            f"(keras.optimizers.{class_name}). Valid options: {', '.join(sorted(allowed))}."
        )
    kwargs = dict(defaults)
    kwargs.update(options)
    if learning_rate is not None:
        if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
            learning_rate = check_param("learning_rate", learning_rate)
        kwargs["learning_rate"] = learning_rate
    elif isinstance(kwargs.get("learning_rate"), (int, float)):
        kwargs["learning_rate"] = float(kwargs["learning_rate"])
    return cls(**kwargs)


def parse_optimizer_spec(optimizer, optimizer_options=None):
    """Split ``optimizer`` (name, ``(name, options)`` or instance) into (optimizer, options)."""
    options = dict(check_type("optimizer_options", optimizer_options, dict, allow_none=True)
                   or {})
    if isinstance(optimizer, tuple):
        if len(optimizer) != 2 or not isinstance(optimizer[1], dict):
            raise TypeError(
                "`optimizer` given as a tuple must be (name, options_dict), e.g. "
                f"(\"momentum\", {{\"momentum\": 0.95}}); received {describe(optimizer)}."
            )
        name, extra = optimizer
        clash = sorted(set(extra) & set(options))
        if clash:
            raise ValueError(f"Option(s) {clash} given both in `optimizer` and "
                             f"`optimizer_options`; give each once.")
        options.update(extra)
        optimizer = name
    return optimizer, options
