"""What kerasdl's training package uses from callbacks beyond the public ``__all__``.

Not part of the user API (names may change between releases); it exists so that no other
kerasdl package imports a ``_private`` module of this one.
"""

from kerasdl.callbacks._checkpoint import restore_checkpoint
from kerasdl.callbacks._loggers import append_epoch_logs

__all__ = ["append_epoch_logs", "restore_checkpoint"]
