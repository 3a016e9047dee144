"""The recipe registry: names, descriptions, lookup, and the module convention."""

import importlib

import pytest

from kerasdl import recipes
from kerasdl.recipes import _common

EXPECTED = ["logic_gates", "xor", "linear_regression", "multivariable_regression",
            "logistic_regression", "softmax_regression", "digits_mlp", "digits_cnn",
            "mnist_mlp", "mnist_cnn", "fashion_mnist_cnn", "cifar10_cnn",
            "compare_optimizers", "compare_initializers", "regularization_study"]


def test_public_names():
    assert recipes.__all__ == ["list_recipes", "describe_recipes", "describe_settings",
                               "get_recipe", "run"]


def test_list_recipes_in_teaching_order():
    assert recipes.list_recipes() == EXPECTED


def test_describe_recipes_one_line_each():
    described = recipes.describe_recipes()
    assert list(described) == EXPECTED
    for name, line in described.items():
        assert isinstance(line, str) and 20 <= len(line) <= 100, name
        assert "\n" not in line


@pytest.mark.parametrize("name", EXPECTED)
def test_module_convention(name):
    module = importlib.import_module(f"kerasdl.recipes.{name}")
    assert module.DESCRIPTION == recipes.describe_recipes()[name]
    assert isinstance(module.DEFAULTS, dict)
    for key in _common.COMMON_DEFAULTS:
        assert key in module.DEFAULTS, (name, key)
    assert callable(module.run)
    assert module.__doc__ and "kerasdl run" in module.__doc__


@pytest.mark.parametrize("name", EXPECTED)
def test_unknown_setting_lists_close_matches_before_any_work(name):
    with pytest.raises(ValueError, match=rf"Recipe '{name}' has no setting 'seeed'\. "
                                         rf"Did you mean 'seed'\?"):
        recipes.run(name, seeed=1)


def test_get_recipe_hyphens_equal_underscores():
    assert recipes.get_recipe("digits-cnn") is importlib.import_module("kerasdl.recipes.digits_cnn")
    assert recipes.get_recipe("Logic-Gates").__name__ == "kerasdl.recipes.logic_gates"


def test_unknown_recipe_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown recipe 'mnist_cn'\. Did you mean "
                                         r"'mnist_cnn'.*Valid recipes: cifar10_cnn, "):
        recipes.run("mnist_cn")


def test_recipe_name_must_be_a_string():
    with pytest.raises(TypeError, match=r"`name` must be str; received 3"):
        recipes.get_recipe(3)


def test_importing_recipes_does_not_import_keras(run_python):
    proc = run_python("""
        import sys
        from kerasdl import recipes
        recipes.describe_recipes()
        print("keras" in sys.modules, "tensorflow" in sys.modules)
    """)
    assert proc.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name", recipes.list_recipes())
def test_recipe_page_settings_table_is_the_defaults(name):
    # docs/recipes/NAME.md's "Settings" table: every default, as its repr (no drift when a
    # recipe's default changes)
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "recipes" / f"{name}.md"
    rows = dict(re.findall(r"^\| `([a-z_0-9]+)` \| `(.*)` \|$", page.read_text(), flags=re.M))
    assert rows == {key: repr(value) for key, value in recipes.get_recipe(name).DEFAULTS.items()}
