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
"""

import importlib

from kerasdl._validation import check_type, normalize_name, unknown_name_error

__all__ = ["list_recipes", "describe_recipes", "get_recipe", "run"]

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


def run(name, **overrides):
    """Run recipe ``name`` with its defaults, changed by ``overrides``.

    Args:
        name: recipe name (see :func:`list_recipes`); hyphens equal underscores.
        **overrides: settings to change (see the recipe's ``DEFAULTS``), e.g.
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
