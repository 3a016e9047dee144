"""The examples in the docstrings of kerasdl.models and kerasdl.layers run (doctest)."""

import doctest
import importlib

import pytest

from kerasdl.layers import _registry as layer_registry
from kerasdl.models import _registry as model_registry

MODULES = [
    "kerasdl.layers._losses", "kerasdl.layers._registry", "kerasdl.layers._step",
    "kerasdl.models._cnn", "kerasdl.models._components", "kerasdl.models._linear",
    "kerasdl.models._mlp", "kerasdl.models._perceptron", "kerasdl.models._registry",
]


@pytest.fixture
def clean_registries():
    models, layers = dict(model_registry._MODELS), dict(layer_registry._LAYERS)
    yield
    model_registry._MODELS.clear()
    model_registry._MODELS.update(models)
    layer_registry._LAYERS.clear()
    layer_registry._LAYERS.update(layers)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, clean_registries, seed):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0  # every module shows at least one example
