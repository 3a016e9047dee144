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
