"""Callbacks for kerasdl.train and model.fit.

- :class:`EarlyStopping` restores the best weights however training ends.
- :class:`Checkpoint` writes atomic exact-resume checkpoints (weights, optimizer, progress).
- :class:`NonFiniteLoss` raises :class:`kerasdl.errors.NonFiniteLossError` within one batch.
- :class:`ThroughputLogger`, :class:`HistoryLogger` and :func:`TensorBoard` log a run.
"""

from kerasdl.callbacks._checkpoint import (Checkpoint, latest_checkpoint, list_checkpoints,
                                           load_checkpoint_model, read_checkpoint)
from kerasdl.callbacks._early_stopping import EarlyStopping
from kerasdl.callbacks._guards import NonFiniteLoss
from kerasdl.callbacks._loggers import HistoryLogger, TensorBoard, ThroughputLogger

__all__ = [
    "Checkpoint",
    "EarlyStopping",
    "HistoryLogger",
    "NonFiniteLoss",
    "TensorBoard",
    "ThroughputLogger",
    "latest_checkpoint",
    "list_checkpoints",
    "load_checkpoint_model",
    "read_checkpoint",
]
