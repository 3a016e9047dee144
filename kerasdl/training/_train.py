"""The core of ``kerasdl.train``: a run as named phases, from settings to its result.

    settings -> distribution -> data -> randomness -> compile -> resume -> callbacks -> fit
    -> evaluation -> result

Under a data parallel distribution the phases from compile to fit run inside its scope, on
the model placed on the replicas (``place_model``); the trained weights come back to the
user's model, which is evaluated on one device (exact metrics, the same on every process).

Each phase is a small module of this package with its own tests. Writing the run folder is
not a phase of training: ``kerasdl.workflow.train`` hands this module's result to
``kerasdl.reports.write_run``, so training never depends on reports.
"""

import time

import keras

from kerasdl._validation import check_type
from kerasdl.training._callbacks import build_callbacks, describe_es
from kerasdl.training._compile import apply_precision, compile_model
from kerasdl.training._distribution import gather_model, place_model, resolve_distribution
from kerasdl.training._evaluate import evaluate_run
from kerasdl.training._feed import class_sample_weights as _class_sample_weights  # noqa: F401
from kerasdl.training._feed import prepare_feed
from kerasdl.training._fit import fit_epochs
from kerasdl.training._randomness import seed_model_states, seed_run
from kerasdl.training._result import RunResult, TrainingRun, report_data, run_config
from kerasdl.training._resume import resume_run, run_info

__all__ = ["fit_run"]


def fit_run(model, data, settings, folder=None, *, placement=None):
    """Train ``model`` on ``data`` with validated ``settings`` (a ``TrainSettings``).

    Args:
        model: a ``keras.Model``.
        data: what ``kerasdl.train`` accepts as ``data``.
        settings: a :class:`kerasdl.training.internal.TrainSettings`.
        folder: the locked :class:`RunFolder` of the run (checkpoints, resume), or None.
        placement: the run's :class:`Placement` (``resolve_distribution``), or None to
            resolve ``settings.distribution`` here.

    Returns:
        A :class:`TrainingRun` (the ``RunResult`` and the data, for the run folder).
    """
    t_start = time.perf_counter()
    check_type("model", model, keras.Model)
    if placement is None:
        placement = resolve_distribution(settings.distribution)
    feed = prepare_feed(model, data, settings, placement)
    placement.check_batch_size(feed.batch_size)
    seed_run(settings)
    checkpoints = folder.checkpoints if folder is not None else None
    info = run_info(settings, feed)
    with placement.scope():
        trained = place_model(model, placement)
        compiled = compile_model(trained, settings, feed, previous=model,
                                 weighted_metrics=placement.distributed)
        resumed = (resume_run(trained, checkpoints, info, feed.parts)
                   if folder is not None and folder.resume else None)
        if resumed is None:
            seed_model_states(trained, settings.seed)
        callbacks = build_callbacks(trained, settings, feed, checkpoints=checkpoints, info=info,
                                    resume_point=resumed, writes=placement.is_chief)
        fit_s = fit_epochs(trained, settings, feed, callbacks, resumed)
    if placement.distributed:
        model = _trained_locally(model, trained, compiled)
    evaluation, metrics = evaluate_run(model, feed.parts, feed.batch_size)
    tracker, throughput, es = callbacks.tracker, callbacks.throughput, callbacks.early_stopping
    timings = {
        "epoch_s": list(tracker.timings.get("epoch_s", [])) + throughput.epoch_s,
        "samples_per_s": list(tracker.timings.get("samples_per_s", []))
        + throughput.samples_per_s,
        "fit_s": fit_s,
    }
    if checkpoints is not None:
        timings["checkpoint_s"] = callbacks.checkpoint.write_s  # part of fit_s
    resumed_from = resumed.info if resumed is not None else None
    config = run_config(trained, settings, feed, compiled, describe_es(es), resumed_from)
    config["distribution"] = placement.describe()
    timings["wall_s"] = time.perf_counter() - t_start
    result = RunResult(
        model=model, history={k: list(v) for k, v in tracker.history.items()},
        metrics=metrics, run_dir=settings.run_dir, timings=timings, config=config,
        extras={"evaluation": evaluation, "resumed_from": resumed_from,
                "early_stopping": describe_es(es, final=True),
                "checkpoints": [str(p) for p in callbacks.checkpoint.saved]})
    return TrainingRun(result=result, data=report_data(feed.parts))


def _trained_locally(model, trained, compiled):
    """The user's ``model`` with the weights ``trained`` learned on the replicas, on one
    device, compiled with the run's loss and plain metrics (for evaluation)."""
    local = gather_model(model, trained)
    if compiled.precision:
        apply_precision(local, compiled.precision)
    optimizer = trained.optimizer if local is trained else _fresh(trained.optimizer)
    local.compile(optimizer=optimizer, loss=compiled.loss, metrics=compiled.metrics)
    return local


def _fresh(optimizer):
    """An optimizer of the same settings (evaluation does not use it)."""
    try:
        return keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    except (TypeError, ValueError):
        return "sgd"
