"""Phase 7 of a run: fit -- the rest of an interrupted epoch, then the remaining epochs."""

import time

from kerasdl.training._distribution import padded_arrays

__all__ = ["fit_epochs"]


def fit_epochs(model, settings, feed, callbacks, resume_point):
    """Train from the resume point (or epoch 0) to ``settings.epochs``; returns seconds.

    A backend error raised inside a batch over weights that are no longer finite (PyTorch's
    binary cross-entropy raises on NaN predictions) becomes the NonFiniteLossError the other
    backends give.
    """
    try:
        return _fit_epochs(model, settings, feed, callbacks, resume_point)
    except RuntimeError as exc:
        guard = callbacks.guard
        err = guard.backend_error(exc) if guard is not None else None
        if err is None:
            raise
        raise err from exc


def _fit_epochs(model, settings, feed, callbacks, resume_point):
    """Train from the resume point (or epoch 0) to ``settings.epochs``; returns seconds.

    A run resumed mid-epoch takes two ``fit`` calls: one for the rest of that epoch (from
    the checkpoint's batch, in the same order as the uninterrupted run), one for the epochs
    after it. The callbacks see both as one run (``callbacks.one_run``).
    """
    one_run, throughput, parts = callbacks.one_run, callbacks.throughput, feed.parts
    val = (parts.x_val, parts.y_val) if parts.x_val is not None else None
    val_batch, verbose, placement = max(feed.batch_size or 32, 32), settings.verbose, \
        feed.placement
    if placement is not None and placement.distributed:
        if val is not None:  # padded for the replicas; exact loss and metrics
            val, val_batch = padded_arrays(*val, val_batch, placement)
        verbose = verbose if placement.is_chief else 0
    fit_kwargs = dict(validation_data=val, verbose=verbose, callbacks=[one_run], shuffle=False,
                      validation_batch_size=val_batch)
    epochs = settings.epochs
    epoch = resume_point.epoch if resume_point is not None else 0
    start_batch = resume_point.batch if resume_point is not None else 0
    t_fit = time.perf_counter()
    model.stop_training = False
    if start_batch and epoch < epochs:
        source, partial = feed.rest_of_epoch(epoch, start_batch)
        one_run.epoch_batches = partial
        one_run.last_fit = epoch + 1 >= epochs
        if feed.n_train is not None:  # this epoch trains only its remaining samples
            throughput.samples_per_epoch = feed.n_train - start_batch * feed.batch_size
        # fit to `epochs` (the progress bar shows "Epoch e/epochs"), ending after this one
        one_run.stop_after_epoch = epoch
        model.fit(source, initial_epoch=epoch, epochs=epochs, **fit_kwargs)
        one_run.stop_after_epoch = None
        throughput.samples_per_epoch = feed.n_train
        one_run.epoch_batches = feed.epoch_batches
        epoch += 1
    if epoch < epochs and not one_run.user_stopped:
        one_run.last_fit = True
        model.fit(feed.epoch_source(), initial_epoch=epoch, epochs=epochs, **fit_kwargs)
    elif not one_run.began:
        # nothing left to train (the checkpoint is the end of the run): let callbacks
        # finish as they would have (early stopping restores its best weights)
        one_run.set_model(model)
        one_run.on_train_begin()
        one_run.on_train_end()
    return time.perf_counter() - t_fit
