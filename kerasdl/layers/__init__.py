"""kerasdl's layers and the registry of custom layers.

``register(cls)`` makes a user layer serializable (package "kerasdl") and usable by name in
builder specs such as ``kerasdl.models.mlp(4, hidden=(64, "MyBlock"), ...)``; ``get(name)``
returns a registered class; ``list_layers()`` lists them. kerasdl's own layers: ``Step``.
"""

from kerasdl.layers import _losses  # noqa: F401  (registers the perceptron loss for loading)
from kerasdl.layers._registry import get, list_layers, register
from kerasdl.layers._step import Step, step

__all__ = ["Step", "get", "list_layers", "register", "step"]

register(Step)
