"""Registering user layers: serializable under package "kerasdl" and usable by name."""

import inspect

import keras

from kerasdl._validation import close_matches, describe, normalize_name

__all__ = ["register", "get", "list_layers"]

# normalized name -> class. The library's own layers are added by kerasdl/layers/__init__.py.
_LAYERS = {}


def _init_params(init):
    """Named parameters of an ``__init__`` (no self, *args, **kwargs)."""
    try:
        params = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _owner(cls, attr):
    for klass in cls.__mro__:
        if attr in vars(klass):
            return klass
    return None


def missing_config_args(cls):
    """Arguments of ``cls.__init__`` that its inherited ``get_config`` cannot know about.

    ``get_config`` must return every argument ``__init__`` needs to rebuild the layer. When
    ``__init__`` is defined below the class that defines ``get_config`` (so ``get_config``
    was written for another signature) and adds arguments, those arguments are missing.
    Returns them sorted; an empty list means the config is complete.
    """
    config_owner = _owner(cls, "get_config")
    init_owner = _owner(cls, "__init__")
    if config_owner is None or init_owner is None or init_owner is config_owner:
        return []
    if not issubclass(init_owner, config_owner):
        return []
    extra = _init_params(init_owner.__init__) - _init_params(config_owner.__init__)
    return sorted(extra)


def _install_config_guard(cls, missing):
    name = cls.__name__

    def get_config(self):
        raise NotImplementedError(
            f"Layer `{name}` cannot be saved: it does not define `get_config()`, but its "
            f"`__init__` takes {missing}, so the saved file could not rebuild it. Add to "
            f"`{name}`:\n\n"
            f"    def get_config(self):\n"
            f"        config = super().get_config()\n"
            f"        config.update({{{', '.join(f'{a!r}: self.{a}' for a in missing)}}})\n"
            f"        return config\n"
        )

    get_config.__qualname__ = f"{cls.__qualname__}.get_config"
    get_config._kerasdl_config_guard = True
    cls.get_config = get_config


def register(cls=None, *, name=None):
    """Make a custom layer serializable and usable by name in kerasdl's builders.

    Registers ``cls`` with ``keras.saving.register_keras_serializable(package="kerasdl")``
    (so a saved ``.keras`` model that uses it loads in another process once the module
    defining it is imported) and records it by name, so builder specs can name it:
    ``mlp(4, hidden=(64, "MyBlock", 32), ...)``. Names are matched ignoring case, with
    hyphens equal to underscores.

    A layer must describe itself in ``get_config()`` to be saved. Keras can sometimes
    guess a config from the ``__init__`` arguments; kerasdl does not rely on that guess:
    a registered class whose ``__init__`` takes arguments that its inherited
    ``get_config`` does not know about fails at **save** time (``NotImplementedError``)
    with a message showing the ``get_config`` to add, rather than producing a file that
    cannot be loaded or loads wrongly.

    Usable as ``@register`` or ``@register(name="Other")``. Registering the same class
    again (for example re-running a notebook cell) replaces the earlier definition;
    registering a *different* class under a name in use raises.

    Args:
        cls: a subclass of ``keras.layers.Layer``.
        name: the registered name. Defaults to ``cls.__name__``.

    Returns:
        ``cls`` itself (so it works as a class decorator).

    Raises:
        TypeError: if ``cls`` is not a Layer subclass or ``name`` is not a string.
        ValueError: if another class is already registered under ``name``.

    Example:

    >>> import keras
    >>> import kerasdl
    >>> @kerasdl.layers.register
    ... class Doubler(keras.layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> kerasdl.layers.get("doubler") is Doubler
    True
    """
    if cls is None:
        return lambda c: register(c, name=name)
    if not (isinstance(cls, type) and issubclass(cls, keras.layers.Layer)):
        raise TypeError(f"`register` expects a subclass of keras.layers.Layer; received "
                        f"{describe(cls)}.")
    if name is None:
        name = cls.__name__
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"`name` must be a non-empty string; received {describe(name)}.")
    key = normalize_name(name)
    previous = _LAYERS.get(key)
    if previous is not None and previous is not cls and not (
            previous.__module__ == cls.__module__ and previous.__qualname__ == cls.__qualname__):
        raise ValueError(
            f"A different layer is already registered as {name!r} "
            f"({previous.__module__}.{previous.__qualname__}); pass another name: "
            f"`register(cls, name=...)`."
        )
    missing = missing_config_args(cls)
    if missing:
        _install_config_guard(cls, missing)
    keras.saving.register_keras_serializable(package="kerasdl", name=name)(cls)
    _LAYERS[key] = cls
    return cls


def get(name):
    """The layer class registered under ``name`` (case-insensitive, ``-`` equals ``_``).

    Args:
        name: a name given to :func:`register` (or a kerasdl layer such as ``"Step"``).

    Returns:
        The layer class.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if no layer has that name (the message lists close matches and all
            registered names).

    Example:

    >>> import kerasdl
    >>> kerasdl.layers.get("step").__name__
    'Step'
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string; received {describe(name)} of type "
                        f"{type(name).__name__}.")
    key = normalize_name(name)
    if key not in _LAYERS:
        names = {normalize_name(n): n for n in list_layers()}
        matches = [names[m] for m in close_matches(name, list(names))]
        hint = f" Did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
        raise ValueError(f"Unknown layer {name!r}.{hint} Registered layers: "
                         f"{', '.join(names.values())}. Register yours with "
                         f"kerasdl.layers.register.")
    return _LAYERS[key]


def list_layers():
    """Names of every registered layer (kerasdl's own and the user's), sorted.

    Example:

    >>> import kerasdl
    >>> "Step" in kerasdl.layers.list_layers()
    True
    """
    return sorted(_registered_name(cls, key) for key, cls in _LAYERS.items())


def _registered_name(cls, key):
    registered = keras.saving.get_registered_name(cls)
    short = registered.split(">", 1)[-1]
    return short if normalize_name(short) == key else key
