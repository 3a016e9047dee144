"""Ready-made kerasdl workflows: data -> model -> ``kerasdl.train`` -> evaluated, plotted run.

Each recipe is a short module built only from kerasdl's public API. It documents its
default settings (``DEFAULTS``), says in one line what it teaches (``DESCRIPTION``) and
exposes ``run(**overrides) -> kerasdl RunResult``. Every setting can be overridden, and
``data=`` takes any :class:`kerasdl.data.Dataset`, so a recipe runs on your own data::

    from kerasdl import recipes
    print(recipes.list_recipes())
    result = recipes.run("digits_cnn", epochs=3, run_dir="runs/digits")
    print(result.metrics)          # {"accuracy": ..., "loss": ...}

Importing this package (or listing and describing the recipes) does not import keras.

Every recipe module's docstring documents its settings in a section of this exact format,
which :func:`describe_settings` parses (and ``kerasdl run NAME --help`` prints)::

    Settings:
        epochs: the number of passes over the training part. Defaults to 12.
        augment: a kerasdl.augment preset name, a pipeline dict, or None (off). Defaults to 'mnist'.

- the line ``Settings:`` (no indent, nothing after the colon) opens the section; the first
  blank line ends it;
- one line per setting, indented four spaces: ``name: meaning. Defaults to X.`` where
  ``name`` is the key in the recipe's ``DEFAULTS``, the meaning is one sentence (no line
  break) and ``X`` is the Python literal of the default (``repr`` of the ``DEFAULTS``
  value, e.g. ``0.005``, ``'adam'``, ``(32, 64)``, ``None``);
- every key of ``DEFAULTS`` has exactly one line, in ``DEFAULTS`` order, the settings every
  recipe shares (``data``, ``data_dir``, ``seed``, ``verbose``, ``run_dir``, ``resume``,
  ``overwrite``) last. ``tests/recipes/test_recipes.py`` checks all of this for every recipe.
"""

import ast
import importlib
import re

from kerasdl.validation import check_type, normalize_name, unknown_name_error

__all__ = ["list_recipes", "describe_recipes", "describe_settings", "get_recipe", "run"]

# In the order the tutorials teach them.
_RECIPES = (
    "logic_gates",
    "xor",
    "linear_regression",
    "multivariable_regression",
    "logistic_regression",
    "softmax_regression",
    "digits_mlp",
    "digits_cnn",
    "mnist_mlp",
    "mnist_cnn",
    "fashion_mnist_cnn",
    "cifar10_cnn",
    "compare_optimizers",
    "compare_initializers",
    "regularization_study",
)


def list_recipes():
    """The names of the available recipes, in teaching order.

    Returns:
        A list of str, e.g. ``["logic_gates", "xor", ...]``.

    Example:

    >>> from kerasdl import recipes
    >>> "digits_cnn" in recipes.list_recipes()
    True
    """
    return list(_RECIPES)


def get_recipe(name):
    """The module of recipe ``name`` (hyphens and underscores are equivalent).

    Args:
        name: recipe name, e.g. ``"digits_cnn"`` or ``"digits-cnn"``.

    Returns:
        The recipe module, with ``DESCRIPTION``, ``DEFAULTS`` and ``run``.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: for an unknown name (the message lists close matches).
    """
    check_type("name", name, str)
    key = normalize_name(name)
    if key not in _RECIPES:
        raise unknown_name_error("recipe", name, _RECIPES)
    return importlib.import_module(f"kerasdl.recipes.{key}")


def describe_recipes():
    """Each recipe's one-line description.

    Returns:
        A dict ``{name: description}`` in teaching order.
    """
    return {name: get_recipe(name).DESCRIPTION for name in _RECIPES}


_SETTING_LINE = re.compile(r"^    (\w+): (.+) Defaults to (.+)\.$")


def describe_settings(name):
    """The settings of recipe ``name`` as its docstring's "Settings:" section states them.

    Args:
        name: recipe name (see :func:`list_recipes`); hyphens equal underscores.

    Returns:
        A dict ``{setting: {"help": meaning, "default": value}}`` in ``DEFAULTS`` order;
        ``value`` is the documented default (a Python literal, parsed).

    Raises:
        ValueError: for an unknown recipe, or a docstring whose section breaks the format
            (a line that is not ``name: meaning. Defaults to X.``, or no section at all).

    Example:

    >>> from kerasdl import recipes
    >>> recipes.describe_settings("xor")["hidden"]
    {'help': "the units of the MLP's hidden layers.", 'default': (4,)}
    """
    module = get_recipe(name)
    lines = (module.__doc__ or "").splitlines()
    if "Settings:" not in lines:
        raise ValueError(f"Recipe {module.__name__!r} has no 'Settings:' section.")
    settings = {}
    for line in lines[lines.index("Settings:") + 1:]:
        if not line.strip():
            break
        match = _SETTING_LINE.match(line)
        if match is None:
            raise ValueError(f"Recipe {module.__name__!r}: a 'Settings:' line must read "
                             f"'    name: meaning. Defaults to X.'; received {line!r}.")
        key, meaning, default = match.groups()
        settings[key] = {"help": meaning, "default": ast.literal_eval(default)}
    return settings


def run(name, **overrides):
    """Run recipe ``name`` with its defaults, changed by ``overrides``.

    Args:
        name: recipe name (see :func:`list_recipes`); hyphens equal underscores.
        **overrides: settings to change (see :func:`describe_settings`), e.g.
            ``epochs=3, batch_size=64, seed=1, run_dir="runs/x", data=my_dataset``.

    Returns:
        The recipe's :class:`kerasdl.training.RunResult`.

    Raises:
        ValueError: for an unknown recipe or setting name (close matches listed) or a
            value a setting does not accept.
        TypeError: for a setting of the wrong type.

    Example:

    >>> result = recipes.run("xor", verbose=0, run_dir="runs/xor")  # doctest: +SKIP
    >>> result.metrics["mlp"]["accuracy"]                           # doctest: +SKIP
    1.0
    """
    return get_recipe(name).run(**overrides)
