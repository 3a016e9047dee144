"""The settings table of a report: what the user chose, not the optimizer's internals.

``kerasdl.train`` stores every setting in ``config.json["settings"]``, including the
optimizer's full Keras config (``optimizer_config``: ``ema_momentum``,
``loss_scale_factor``, ``gradient_accumulation_steps``...) and schedules or optimizers
serialized as ``{"module", "class_name", "config", "registered_name"}``. The report shows
the settings a user set or would set: serialized objects become ``Name(option=value, ...)``
without the bookkeeping keys, and the raw file stays available in a collapsed block.
"""

__all__ = ["user_settings", "describe_object"]

# keys of a Keras object's config that are bookkeeping, not choices of the user
_INTERNAL_KEYS = frozenset({
    "name", "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
    "gradient_accumulation_steps", "module", "registered_name", "dtype", "trainable",
    "build_config", "compile_config",
})
# settings shown elsewhere in full (the optimizer's Keras config, summarised below)
_HIDDEN_SETTINGS = frozenset({"optimizer_config"})


def _is_serialized(value):
    return isinstance(value, dict) and "class_name" in value and isinstance(
        value.get("config"), dict)


def describe_object(value):
    """``Name(option=value, ...)`` for a serialized Keras object or a schedule record.

    Accepts ``{"class_name": ..., "config": {...}}`` (Keras serialization, also nested)
    and ``{"class": ..., **options}`` (how ``kerasdl.train`` records a schedule). Options
    that are bookkeeping (name, EMA, loss scaling, module paths) or None are left out.

    >>> describe_object({"class_name": "SGD", "config": {"name": "SGD", "learning_rate": 0.5,
    ...                  "momentum": 0.0, "use_ema": False, "clipnorm": None}})
    'SGD(learning_rate=0.5, momentum=0.0)'
    """
    if _is_serialized(value):
        name, options = value["class_name"], value["config"]
    else:
        name, options = value["class"], {k: v for k, v in value.items() if k != "class"}
    parts = []
    for key, option in options.items():
        if key in _INTERNAL_KEYS or option is None:
            continue
        if _is_serialized(option) or (isinstance(option, dict) and "class" in option):
            option = describe_object(option)
        else:
            option = repr(option) if isinstance(option, str) else _short(option)
        parts.append(f"{key}={option}")
    return f"{name}({', '.join(parts)})"


def _short(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


def user_settings(settings, environment=None):
    """The settings to show, in their order, with Keras internals summarised.

    Args:
        settings: ``config.json["settings"]`` (a dict).
        environment: the top of ``config.json``; a setting equal to the environment entry
            of the same name (``backend``, ``devices``, ``versions``) is left out, the
            Environment table shows it. Defaults to None.

    Returns:
        A dict ``{name: value}``: serialized optimizers and schedules as
        ``"Name(option=value, ...)"``; ``optimizer_config`` left out (when the optimizer
        was given as an object, its learning rate fills an unset ``learning_rate``).
    """
    environment = environment or {}
    out = {}
    for key, value in settings.items():
        if key in _HIDDEN_SETTINGS:
            continue
        if key in ("backend", "devices", "versions") and environment.get(key) == value:
            continue
        if _is_serialized(value) or (isinstance(value, dict) and isinstance(
                value.get("class"), str)):
            value = describe_object(value)
        out[key] = value
    internal = settings.get("optimizer_config")
    if "learning_rate" in out and out["learning_rate"] is None and isinstance(internal, dict):
        rate = internal.get("learning_rate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool):
            out["learning_rate"] = rate
        elif _is_serialized(rate):
            out["learning_rate"] = describe_object(rate)
    return out
