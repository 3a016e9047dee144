"""Phase 6 of a run: callbacks -- the user's and kerasdl's, in one list, seen as one run."""

from dataclasses import dataclass

import keras

from kerasdl._validation import describe
from kerasdl.callbacks import Checkpoint, EarlyStopping, NonFiniteLoss, ThroughputLogger
from kerasdl.callbacks.internal import append_epoch_logs
from kerasdl.training._randomness import TorchStepSeeds, draws_random_numbers

__all__ = ["RunCallbacks", "build_callbacks", "early_stopping_callback", "describe_es"]


def early_stopping_callback(early_stopping, has_val):
    """The EarlyStopping that ``train``'s ``early_stopping`` setting asks for, or None."""
    monitor = "val_loss" if has_val else "loss"
    if early_stopping is False or early_stopping is None:
        return None
    if early_stopping is True:
        return EarlyStopping(monitor=monitor, patience=5)
    if isinstance(early_stopping, EarlyStopping):
        return early_stopping
    if isinstance(early_stopping, dict):
        options = dict(early_stopping)
        options.setdefault("monitor", monitor)
        try:
            return EarlyStopping(**options)
        except TypeError as e:
            raise TypeError(f"`early_stopping` settings {sorted(early_stopping)} do not fit "
                            f"EarlyStopping: {e}") from None
    raise TypeError(f"`early_stopping` must be True, False, a dict of EarlyStopping settings "
                    f"or an EarlyStopping; received {describe(early_stopping)}.")


def describe_es(es, final=False):
    """Early stopping's settings (and with ``final``, its outcome) as a JSON-able dict."""
    if es is None:
        return None
    out = {"monitor": es.monitor, "patience": es.patience, "min_delta": es.min_delta,
           "mode": es.mode, "restore_best_weights": es.restore_best_weights}
    if final:
        out.update(best=es.best, best_epoch=es.best_epoch, stopped_epoch=es.stopped_epoch,
                   restored_epoch=es.restored_epoch)
    return out


class _HistoryOnly(keras.callbacks.Callback):
    """Keeps the run's history when no checkpoints are written (Checkpoint's bookkeeping)."""

    def __init__(self, ckpt):
        super().__init__()
        self.history = ckpt.history
        self.timings = {"epoch_s": [], "samples_per_s": []}

    def on_epoch_end(self, epoch, logs=None):
        append_epoch_logs(self.history, logs)


class LearningRateLog(keras.callbacks.Callback):
    """Record the optimizer's learning rate at each epoch's end (``logs["learning_rate"]``),
    so the history and the run report show what a schedule did."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            rate = self.model.optimizer.learning_rate
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(rate))


class _OneRun(keras.callbacks.CallbackList):
    """The run's callbacks, presented as one run even when it takes two ``fit`` calls.

    Resuming mid-epoch runs the rest of that epoch in one ``fit`` and the remaining epochs
    in another; callbacks must still see a single ``on_train_begin``/``on_train_end``.
    Keras wraps what ``fit`` receives in its own ``CallbackList``; this list is handed over
    as one callback, so it owns the begin/end bookkeeping and the epoch's batch order.
    """

    def __init__(self, callbacks, model, epoch_batches, after_begin):
        super().__init__(list(callbacks), add_history=False, add_progbar=False, model=model)
        self.epoch_batches = epoch_batches  # set_epoch() at each epoch's start, or None
        self.after_begin = after_begin
        self.began = False
        self.last_fit = True
        self.stop_after_epoch = None  # end the partial-epoch fit here (resume)
        self.user_stopped = False

    def on_train_begin(self, logs=None):
        if not self.began:
            self.began = True
            super().on_train_begin(logs)
            self.after_begin()

    def on_train_end(self, logs=None):
        if self.last_fit or self.user_stopped:
            super().on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        if self.epoch_batches is not None:
            self.epoch_batches.set_epoch(epoch)
        super().on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if self._model.stop_training:
            self.user_stopped = True
        elif epoch == self.stop_after_epoch:
            self._model.stop_training = True  # the rest of the run is the next fit


@dataclass
class RunCallbacks:
    """The callbacks of one run: ``one_run`` (what ``fit`` receives) and the ones whose
    figures the result reads -- early stopping, throughput, history tracker, checkpoint."""

    one_run: _OneRun
    early_stopping: EarlyStopping
    throughput: ThroughputLogger
    tracker: keras.callbacks.Callback
    checkpoint: Checkpoint
    guard: NonFiniteLoss = None


def _stateful(callbacks):
    return {f"{i}_{type(cb).__name__}": cb for i, cb in enumerate(callbacks)
            if hasattr(cb, "get_state") and hasattr(cb, "set_state")}


def build_callbacks(model, settings, feed, *, checkpoints, info, resume_point, writes=True):
    """Assemble the run's callbacks (NaN guard, user's, early stopping, throughput, history
    or checkpoints) into one :class:`RunCallbacks`; a resumed run gets its states back.
    With ``writes=False`` (a data parallel process other than 0) no checkpoint is written."""
    es = early_stopping_callback(settings.early_stopping, feed.parts.x_val is not None)
    user = list(settings.callbacks)
    throughput = ThroughputLogger(samples_per_epoch=feed.n_train,
                                  batch_size=feed.batch_size or 1)
    ckpt = Checkpoint(checkpoints if checkpoints is not None else ".",
                      every=settings.checkpoint_every or "epoch",
                      keep=settings.keep_checkpoints,
                      stateful_callbacks=_stateful(([es] if es is not None else []) + user),
                      run_info=info)
    ckpt.throughput = throughput
    ckpt.writes = writes
    if resume_point is not None:
        ckpt.resume_from(resume_point.meta, resume_point.arrays)
    tracker = ckpt if checkpoints is not None else _HistoryOnly(ckpt)
    # user callbacks run before early stopping, so one that adds a metric to the epoch
    # logs (say val_f1) can be monitored
    guard = NonFiniteLoss()
    ordered = ([guard] + [cb for cb in user if cb is not es]
               + ([es] if es is not None else []) + [throughput, tracker])
    if keras.backend.backend() == "torch" and draws_random_numbers(model):
        ordered.insert(0, TorchStepSeeds(settings.seed))
    if settings.schedule is not None or isinstance(
            settings.learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        ordered.insert(ordered.index(throughput), LearningRateLog())
    one_run = _OneRun(ordered, model, feed.epoch_batches, ckpt.restore_callback_states)
    return RunCallbacks(one_run=one_run, early_stopping=es, throughput=throughput,
                        tracker=tracker, checkpoint=ckpt, guard=guard)
