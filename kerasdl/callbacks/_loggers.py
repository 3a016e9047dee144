"""Loggers: throughput (samples/s per epoch), CSV/JSON history, TensorBoard."""

import csv
import io
import json
import math
import time
from pathlib import Path

import keras

from kerasdl._backend import is_installed
from kerasdl._io import atomic_write_text
from kerasdl._validation import check_param, check_positive_int

__all__ = ["ThroughputLogger", "HistoryLogger", "TensorBoard"]


def append_epoch_logs(history, logs):
    """Append one epoch's logs to ``history`` (dict of lists), keeping the lists aligned.

    A metric that first appears at a later epoch gets None for the earlier ones; one that
    is missing from an epoch gets None for it.
    """
    n = max((len(v) for v in history.values()), default=0)
    for k, v in (logs or {}).items():
        history.setdefault(k, [None] * n).append(float(v))
    for values in history.values():
        if len(values) < n + 1:
            values.append(None)
    return history


class ThroughputLogger(keras.callbacks.Callback):
    """Measure each epoch's duration and training throughput (samples per second).

    ``epoch_s`` is the wall time from the start of an epoch to its end (validation
    included); ``train_s`` and ``samples_per_s`` cover the training batches only.

    Args:
        samples_per_epoch: training samples in one epoch. Defaults to None (counted as
            batches x ``batch_size``, which must then be given).
        batch_size: samples per batch, used when ``samples_per_epoch`` is None.
            Defaults to None.
        verbose: print one line per epoch. Defaults to 0.

    Example:

    >>> logger = ThroughputLogger(samples_per_epoch=1000)
    >>> logger.samples_per_s
    []
    """

    def __init__(self, samples_per_epoch=None, batch_size=None, verbose=0):
        super().__init__()
        if samples_per_epoch is None and batch_size is None:
            raise ValueError("ThroughputLogger needs `samples_per_epoch` or `batch_size`.")
        self.samples_per_epoch = check_positive_int("samples_per_epoch", samples_per_epoch,
                                                    allow_none=True)
        self.batch_size = check_param("batch_size", batch_size, allow_none=True)
        self.verbose = verbose
        self.epoch_s, self.train_s, self.samples_per_s = [], [], []
        self._t0 = self._t_train = None
        self._batches = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = self._t_train = time.perf_counter()
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches = int(batch) + 1
        self._t_train = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        train_s = max(self._t_train - self._t0, 1e-9)
        samples = self.samples_per_epoch or self._batches * self.batch_size
        self.epoch_s.append(now - self._t0)
        self.train_s.append(train_s)
        self.samples_per_s.append(samples / train_s)
        if self.verbose:
            print(f"epoch {epoch + 1}: {self.epoch_s[-1]:.2f} s, "
                  f"{self.samples_per_s[-1]:.0f} samples/s")


class HistoryLogger(keras.callbacks.Callback):
    """Write the per-epoch history to a CSV or JSON file after every epoch (atomically).

    Args:
        path: the file; ``.csv`` gives one row per epoch, ``.json`` a dict of lists.
        initial_history: history of earlier epochs (after a resume). Defaults to None.

    Example:

    >>> HistoryLogger("history.csv").format
    'csv'
    """

    def __init__(self, path, initial_history=None):
        super().__init__()
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValueError(f"`path` must end in .csv or .json; received {str(path)!r}.")
        self.format = suffix[1:]
        self.history = {k: list(v) for k, v in (initial_history or {}).items()}

    def on_epoch_end(self, epoch, logs=None):
        append_epoch_logs(self.history, logs)
        self.write()

    def write(self):
        """Write the history collected so far."""
        if self.format == "json":
            atomic_write_text(self.path, json.dumps(self.history, indent=2) + "\n")
            return
        keys = list(self.history)
        n = max((len(v) for v in self.history.values()), default=0)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["epoch"] + keys)
        for i in range(n):
            row = [i + 1]
            for k in keys:
                vals = self.history[k]
                row.append("" if i >= len(vals) or vals[i] is None or
                           (isinstance(vals[i], float) and math.isnan(vals[i]))
                           else repr(vals[i]))
            writer.writerow(row)
        atomic_write_text(self.path, buf.getvalue())


def TensorBoard(log_dir, **kwargs):  # noqa: N802 - reads like the class it returns
    """A ``keras.callbacks.TensorBoard`` callback, when the ``tensorboard`` package exists.

    TensorBoard is an optional dependency (``pip install tensorboard``).

    Args:
        log_dir: folder of the event files.
        **kwargs: passed to ``keras.callbacks.TensorBoard`` (``histogram_freq``...).

    Returns:
        The Keras callback.

    Raises:
        ImportError: when tensorboard is not installed (with the install command).
    """
    if not is_installed("tensorboard"):
        raise ImportError("TensorBoard logging needs the optional `tensorboard` package: "
                          "pip install tensorboard")
    return keras.callbacks.TensorBoard(log_dir=str(log_dir), **kwargs)
