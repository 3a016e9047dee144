"""Model builders and the model registry.

Every builder returns a **compiled** ``keras.Model`` whose head, loss and metrics follow
``task`` (``"binary"``, ``"multiclass"``, ``"regression"``) and ``num_classes``::

    from kerasdl import models
    model = models.create("mlp", input_shape=4, hidden=(16,), task="multiclass",
                          num_classes=3)
    model.fit(x, y, epochs=10)

``list_models()`` names every registered builder; ``register_model`` adds your own.
"""

from kerasdl.models._cnn import cnn
from kerasdl.models._components import list_activations, list_initializers
from kerasdl.models._linear import linear_regression, logistic_regression, softmax_regression
from kerasdl.models._mlp import mlp
from kerasdl.models._perceptron import PerceptronLoss, perceptron, perceptron_loss
from kerasdl.models._registry import create, list_models, register_model

__all__ = [
    "PerceptronLoss",
    "cnn",
    "create",
    "linear_regression",
    "list_activations",
    "list_initializers",
    "list_models",
    "logistic_regression",
    "mlp",
    "perceptron",
    "perceptron_loss",
    "register_model",
    "softmax_regression",
]
