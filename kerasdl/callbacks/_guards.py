"""Stop training at the first NaN or infinite loss, with a clear error."""

import math

import keras
import numpy as np

from kerasdl.errors import NonFiniteLossError

__all__ = ["NonFiniteLoss"]


class NonFiniteLoss(keras.callbacks.Callback):
    """Raise :class:`kerasdl.errors.NonFiniteLossError` at the first non-finite batch loss.

    The check runs after every batch, so training stops within one batch of the loss
    turning NaN or infinite (``keras.callbacks.TerminateOnNaN`` only stops, silently).
    No checkpoint is written after that batch, so the last good one stays loadable.

    The weights are also checked at the end of every epoch (one pass, cheap): a loss can
    stay finite over NaN weights (TensorFlow clips NaN predictions inside the binary
    cross-entropy), and such a run must not finish as if it had trained.

    Args:
        monitor: the batch log to check. Defaults to ``"loss"``.

    Example:

    >>> guard = NonFiniteLoss()
    >>> guard.check(0.5, epoch=0, batch=0)
    >>> guard.check(float("nan"), epoch=0, batch=3)
    Traceback (most recent call last):
    ...
    kerasdl.errors.NonFiniteLossError: The training loss became nan at epoch 1, batch 4...
    """

    def __init__(self, monitor="loss"):
        super().__init__()
        self.monitor = monitor
        self._epoch = 0
        self._batch = 0

    def check(self, value, *, epoch, batch):
        """Raise NonFiniteLossError when ``value`` is NaN or infinite (pure)."""
        value = float(value)
        if not math.isfinite(value):
            raise NonFiniteLossError(
                f"The training loss became {value} at epoch {epoch + 1}, batch {batch + 1}. "
                f"Lower the learning rate, scale the inputs, check the data for extreme "
                f"values, or clip the gradients (optimizer_options={{'clipnorm': 1.0}}). "
                f"Checkpoints written before this batch are intact."
            )

    def check_weights(self, weights, *, epoch):
        """Raise NonFiniteLossError when a weight array holds NaN or inf (pure)."""
        for variable in weights:
            value = np.asarray(keras.ops.convert_to_numpy(variable))
            if value.dtype.kind in "fc" and not np.isfinite(value).all():
                raise NonFiniteLossError(
                    f"The weights {variable.path!r} became NaN or infinite during epoch "
                    f"{epoch + 1} (the loss {self.monitor!r} stayed finite). Lower the "
                    f"learning rate, scale the inputs or clip the gradients. Checkpoints "
                    f"written before are intact.")

    def backend_error(self, exc):
        """The NonFiniteLossError for ``exc``, an error a backend raised inside a batch, when
        the weights are no longer finite (else None: ``exc`` is about something else).

        PyTorch's binary cross-entropy raises ("all elements of input should be between 0
        and 1") on NaN predictions instead of returning a NaN loss; the run stops in that
        batch all the same, with the same message as on the other backends.
        """
        model = getattr(self, "_model", None)
        if model is None:
            return None
        for variable in model.trainable_variables:
            value = np.asarray(keras.ops.convert_to_numpy(variable))
            if value.dtype.kind in "fc" and not np.isfinite(value).all():
                try:
                    self.check(float("nan"), epoch=self._epoch, batch=self._batch)
                except NonFiniteLossError as err:
                    return err
        return None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        self._batch = batch

    def on_epoch_end(self, epoch, logs=None):
        self.check_weights(self.model.trainable_variables, epoch=epoch)

    def on_train_batch_end(self, batch, logs=None):
        if logs and self.monitor in logs:
            self.check(logs[self.monitor], epoch=self._epoch, batch=batch)
