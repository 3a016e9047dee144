"""The model registry: ``register_model`` + ``create(name, **kw)`` + ``list_models()``."""

import inspect

from kerasdl._validation import describe, normalize_name, unknown_name_error

__all__ = ["register_model", "create", "list_models", "get_builder"]

_MODELS = {}  # canonical name (lower case, underscores) -> builder


def register_model(name=None, *, overwrite=False):
    """Decorator that adds a model builder to the registry, so ``create(name)`` finds it.

    Usable bare (``@register_model``, the name is the function's name) or with a name
    (``@register_model("tiny_cnn")``). Names are stored lower case with underscores;
    ``create`` accepts hyphens and any case. A builder takes keyword arguments and returns a
    ``keras.Model`` (kerasdl's own builders return compiled models).

    Args:
        name: the registry name. Defaults to the function's ``__name__``.
        overwrite: replace an existing entry of the same name instead of raising.
            Defaults to False.

    Returns:
        The decorator (which returns the builder unchanged).

    Raises:
        ValueError: if ``name`` is already registered and ``overwrite`` is False.
        TypeError: if the decorated object is not callable or ``name`` is not a string.

    Example:

    >>> import kerasdl
    >>> @kerasdl.models.register_model("wide_mlp_doc_example")
    ... def wide_mlp(input_shape, **kw):
    ...     return kerasdl.models.mlp(input_shape, hidden=(256,), **kw)
    >>> "wide_mlp_doc_example" in kerasdl.models.list_models()
    True
    """
    if callable(name) and not isinstance(name, str):  # bare @register_model
        return register_model(None, overwrite=overwrite)(name)
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise TypeError(f"`name` must be a non-empty string or None; received {describe(name)}.")

    def decorator(builder):
        if not callable(builder):
            raise TypeError(f"`register_model` decorates a callable that builds a model; "
                            f"received {describe(builder)}.")
        key = normalize_name(name if name is not None else builder.__name__)
        if key in _MODELS and not overwrite:
            raise ValueError(f"A model named {key!r} is already registered "
                             f"({_MODELS[key].__module__}.{_MODELS[key].__qualname__}); choose "
                             f"another name or pass overwrite=True.")
        _MODELS[key] = builder
        return builder

    return decorator


def get_builder(name):
    """The builder registered as ``name`` (case-insensitive; hyphens equal underscores)."""
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string; received {describe(name)} of type "
                        f"{type(name).__name__}.")
    key = normalize_name(name)
    if key not in _MODELS:
        raise unknown_name_error("model", name, list_models())
    return _MODELS[key]


def create(name, **kwargs):
    """Build the registered model ``name`` with ``kwargs``.

    ``create("mlp", input_shape=4, hidden=(8,), task="multiclass", num_classes=3)`` is
    ``mlp(4, hidden=(8,), task="multiclass", num_classes=3)``. Unknown keyword arguments
    raise a TypeError that names the builder and lists the arguments it accepts.

    Args:
        name: a name from :func:`list_models` (any case; ``-`` equals ``_``).
        **kwargs: the builder's arguments.

    Returns:
        The model the builder returns (compiled for kerasdl's builders).

    Raises:
        ValueError: for an unknown name (close matches and all names are listed).
        TypeError: for an argument the builder does not take.

    Example:

    >>> import kerasdl
    >>> model = kerasdl.models.create("logistic-regression", input_shape=2)
    >>> model.output_shape
    (None, 1)
    """
    builder = get_builder(name)
    try:
        sig = inspect.signature(builder)
    except (TypeError, ValueError):
        sig = None
    if sig is not None and not any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
        unknown = sorted(set(kwargs) - set(sig.parameters))
        if unknown:
            accepted = ", ".join(p for p in sig.parameters)
            raise TypeError(f"Model {normalize_name(name)!r} got unexpected argument(s) "
                            f"{', '.join(unknown)}. It accepts: {accepted}.")
    return builder(**kwargs)


def list_models():
    """Names of all registered models, sorted.

    Example:

    >>> import kerasdl
    >>> {"perceptron", "mlp", "cnn"} <= set(kerasdl.models.list_models())
    True
    """
    return sorted(_MODELS)
