"""kerasdl: a Keras 3 training framework for learning and practising deep learning.

Importing kerasdl is cheap: it imports neither keras nor tensorflow. Sub-packages and the
top-level functions load on first use::

    import kerasdl
    data = kerasdl.data.load("digits", val=0.15)
    model = kerasdl.models.create("mlp", input_shape=data.input_shape, hidden=(64,),
                                  task=data.task, num_classes=data.num_classes)
    result = kerasdl.train(model, data, epochs=10)
    print(result.metrics)
"""

import importlib
import sys

from kerasdl import _logging
from kerasdl._version import __version__

# Before any backend is imported: keep TensorFlow's C++ start-up lines and retracing warnings
# out of the terminal (KERASDL_LOG_LEVEL=info brings them back; see kerasdl/_logging.py).
_logging.configure()

__all__ = [
    "__version__",
    "augment",
    "callbacks",
    "data",
    "errors",
    "evaluate",
    "export",
    "exporting",
    "find_lr",
    "layers",
    "load_model",
    "models",
    "reports",
    "saving",
    "set_random_seed",
    "train",
    "tune",
    "tuning",
]

_SUBMODULES = {"augment", "callbacks", "data", "errors", "layers", "models", "reports",
               "saving", "training", "tuning", "exporting"}
_FUNCTIONS = {
    "train": "kerasdl.workflow",
    "evaluate": "kerasdl.training",
    "find_lr": "kerasdl.training",
    "set_random_seed": "kerasdl.training",
    "load_model": "kerasdl.saving",
    "tune": "kerasdl.tuning",
    "export": "kerasdl.exporting",
}


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"kerasdl.{name}")
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        value = getattr(importlib.import_module(_FUNCTIONS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kerasdl' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _SourceCheckoutRecipes:
    """Import finder for ``kerasdl.recipes`` when kerasdl runs from a source checkout.

    The wheel installs the repository's top-level ``recipes/`` folder as ``kerasdl/recipes``
    (setuptools ``package_dir``). Run from the repository itself (``python -m kerasdl`` in
    its root, where the checkout's ``kerasdl/`` shadows the installed one), that folder sits
    beside the package instead; this finder maps ``kerasdl.recipes`` onto it. It is only
    installed when the package has no ``recipes`` sub-package of its own, and it is
    consulted before the other finders: an editable install of another checkout maps
    ``kerasdl.recipes`` onto *that* checkout's folder, and the recipes must come from the
    same checkout as the ``kerasdl`` package that was imported.
    """

    def __init__(self, folder):
        self.folder = folder

    def find_spec(self, name, path=None, target=None):
        if name != "kerasdl.recipes":
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(
            name, self.folder / "__init__.py", submodule_search_locations=[str(self.folder)])


def _map_source_checkout_recipes():
    from pathlib import Path

    here = Path(__file__).resolve().parent
    folder = here.parent / "recipes"
    if (here / "recipes").is_dir() or not (folder / "__init__.py").is_file():
        return
    if not any(isinstance(f, _SourceCheckoutRecipes) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceCheckoutRecipes(folder))


_map_source_checkout_recipes()
