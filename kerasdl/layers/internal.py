"""What kerasdl's models package uses from layers beyond the public ``__all__``.

Not part of the user API (``kerasdl.models`` exports the perceptron loss to users); it
exists so that no other kerasdl package imports a ``_private`` module of this one.
"""

from kerasdl.layers._losses import PerceptronLoss, perceptron_loss

__all__ = ["PerceptronLoss", "perceptron_loss"]
