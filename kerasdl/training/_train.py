"""The core of ``kerasdl.train``: a run as named phases, from settings to its result.

    settings -> data -> randomness -> compile -> resume -> callbacks -> fit -> evaluation
    -> result

Each phase is a small module of this package with its own tests. Writing the run folder is
not a phase of training: ``kerasdl.workflow.train`` hands this module's result to
``kerasdl.reports.write_run``, so training never depends on reports.
"""

import time

import keras

from kerasdl._validation import check_type
from kerasdl.training._callbacks import build_callbacks, describe_es
from kerasdl.training._compile import compile_model
from kerasdl.training._evaluate import evaluate_run
from kerasdl.training._feed import class_sample_weights as _class_sample_weights  # noqa: F401
from kerasdl.training._feed import prepare_feed
from kerasdl.training._fit import fit_epochs
from kerasdl.training._randomness import seed_model_states, seed_run
from kerasdl.training._result import RunResult, TrainingRun, report_data, run_config
from kerasdl.training._resume import resume_run, run_info

__all__ = ["fit_run"]


def fit_run(model, data, settings, folder=None):
    """Train ``model`` on ``data`` with validated ``settings`` (a ``TrainSettings``).

    Args:
        model: a ``keras.Model``.
        data: what ``kerasdl.train`` accepts as ``data``.
        settings: a :class:`kerasdl.training.internal.TrainSettings`.
        folder: the locked :class:`RunFolder` of the run (checkpoints, resume), or None.

    Returns:
        A :class:`TrainingRun` (the ``RunResult`` and the data, for the run folder).
    """
    t_start = time.perf_counter()
    check_type("model", model, keras.Model)
    feed = prepare_feed(model, data, settings)
    seed_run(settings)
    compiled = compile_model(model, settings, feed)
    info = run_info(settings, feed)
    checkpoints = folder.checkpoints if folder is not None else None
    resumed = (resume_run(model, checkpoints, info, feed.parts)
               if folder is not None and folder.resume else None)
    if resumed is None:
        seed_model_states(model, settings.seed)
    callbacks = build_callbacks(model, settings, feed, checkpoints=checkpoints, info=info,
                                resume_point=resumed)
    fit_s = fit_epochs(model, settings, feed, callbacks, resumed)
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
    config = run_config(model, settings, feed, compiled, describe_es(es), resumed_from)
    timings["wall_s"] = time.perf_counter() - t_start
    result = RunResult(
        model=model, history={k: list(v) for k, v in tracker.history.items()},
        metrics=metrics, run_dir=settings.run_dir, timings=timings, config=config,
        extras={"evaluation": evaluation, "resumed_from": resumed_from,
                "early_stopping": describe_es(es, final=True),
                "checkpoints": [str(p) for p in callbacks.checkpoint.saved]})
    return TrainingRun(result=result, data=report_data(feed.parts))
