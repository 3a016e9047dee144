"""Early stopping that always hands back the best weights."""

import math

import keras
import numpy as np

from kerasdl._validation import check_bool, check_choice, check_int, check_nonnegative, \
    check_number, check_type

__all__ = ["EarlyStopping"]

_MAX_WORDS = ("acc", "auc", "precision", "recall", "f1", "r2")


class EarlyStopping(keras.callbacks.Callback):
    """Stop training when a monitored value stops improving; restore the best weights.

    Unlike ``keras.callbacks.EarlyStopping``, the best weights are restored *however*
    training ends: when this callback stops it, when another callback stops it, and when it
    simply runs to its last epoch. The stop decision lives in :meth:`update`, a pure method
    that takes one value per epoch, so it can be tested with scripted losses.

    Args:
        monitor: the epoch log to watch. Defaults to ``"val_loss"``.
        patience: epochs without improvement before stopping. Defaults to 5.
        min_delta: smallest change that counts as an improvement. Defaults to 0.0.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` for accuracy-like names).
            Defaults to ``"auto"``.
        restore_best_weights: put the best epoch's weights back at the end.
            Defaults to True.
        start_from_epoch: epochs to ignore at the start (warm-up). Defaults to 0.
        baseline: a value the monitored quantity must beat to count as an improvement.
            Defaults to None.
        verbose: print a line when stopping / restoring. Defaults to 0.

    Attributes:
        best: best value seen; ``best_epoch``: its 0-based epoch; ``wait``: epochs since;
        ``stopped_epoch``: 0-based epoch at which it asked to stop (None if it did not);
        ``restored_epoch``: the epoch whose weights were restored (None if none were).

    Example:

    >>> es = EarlyStopping(patience=2)
    >>> [es.update(v) for v in [1.0, 0.8, 0.9, 0.85]]
    [False, False, False, True]
    >>> es.best_epoch, es.stopped_epoch
    (1, 3)
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto",
                 restore_best_weights=True, start_from_epoch=0, baseline=None, verbose=0):
        super().__init__()
        self.monitor = check_type("monitor", monitor, str)
        self.patience = check_int("patience", patience, min_value=0)
        self.min_delta = check_nonnegative("min_delta", min_delta)
        mode = check_choice("mode", mode, ("auto", "min", "max"))
        if mode == "auto":
            mode = "max" if any(w in monitor.lower() for w in _MAX_WORDS) and \
                "loss" not in monitor.lower() else "min"
        self.mode = mode
        self.restore_best_weights = check_bool("restore_best_weights", restore_best_weights)
        self.start_from_epoch = check_int("start_from_epoch", start_from_epoch, min_value=0)
        self.baseline = check_number("baseline", baseline, allow_none=True)
        self.verbose = check_int("verbose", verbose, min_value=0)
        self.reset()

    # -------------------------------------------------------------- the pure decision
    def reset(self):
        """Forget everything seen (called at the start of training)."""
        self.best = None
        self.best_epoch = None
        self.wait = 0
        self.stopped_epoch = None
        self.restored_epoch = None
        self.best_weights = None
        self._last_epoch = -1

    def is_improvement(self, value):
        """Whether ``value`` improves on the best so far (or the baseline), by min_delta."""
        reference = self.best if self.best is not None else self.baseline
        if reference is None:
            return True
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def update(self, value, epoch=None):
        """Record the value of one epoch; return True when training should stop.

        Args:
            value: the monitored value at the end of the epoch.
            epoch: its 0-based index. Defaults to None (the epoch after the last one seen).

        Returns:
            True when ``patience`` epochs went by without improvement.
        """
        epoch = self._last_epoch + 1 if epoch is None else int(epoch)
        self._last_epoch = epoch
        value = float(value)
        if epoch < self.start_from_epoch:
            return False
        if not math.isnan(value) and self.is_improvement(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    # -------------------------------------------------------------- keras hooks
    def on_train_begin(self, logs=None):
        self.reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r} but the epoch logs hold only "
                f"{sorted(logs)}. Pick one of those as `monitor` (\"val_...\" names need "
                f"validation data).")
        stop = self.update(logs[self.monitor], epoch)
        if self.restore_best_weights and self.best_epoch == epoch:
            self.best_weights = [np.array(w) for w in self.model.get_weights()]
        if stop:
            self.model.stop_training = True
            if self.verbose:
                print(f"EarlyStopping: {self.monitor} did not improve for {self.wait} epochs; "
                      f"stopping after epoch {epoch + 1}.")

    def on_train_end(self, logs=None):
        if not self.restore_best_weights or self.best_weights is None:
            return
        if self.best_epoch != self._last_epoch:
            self.model.set_weights(self.best_weights)
        self.restored_epoch = self.best_epoch
        if self.verbose:
            print(f"EarlyStopping: restored the weights of epoch {self.best_epoch + 1} "
                  f"({self.monitor}={self.best:.6g}).")

    # -------------------------------------------------------------- checkpoint support
    def get_state(self):
        """(json_state, arrays) for a checkpoint."""
        state = {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                 "stopped_epoch": self.stopped_epoch, "last_epoch": self._last_epoch}
        arrays = {f"w{i}": w for i, w in enumerate(self.best_weights or [])}
        state["n_weights"] = len(arrays)
        return state, arrays

    def set_state(self, state, arrays):
        """Restore what :meth:`get_state` returned."""
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.wait, self.stopped_epoch = state["wait"], state["stopped_epoch"]
        self._last_epoch = state["last_epoch"]
        n = state.get("n_weights", 0)
        self.best_weights = [arrays[f"w{i}"] for i in range(n)] if n else None
