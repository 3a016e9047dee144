"""What :func:`kerasdl.train` returns, and phase 9 of a run: assembling it."""

from dataclasses import dataclass, field

import keras
import numpy as np

from kerasdl.training import _display

__all__ = ["RunResult", "TrainingRun", "run_config", "report_data"]


@dataclass(eq=False)
class RunResult:
    """The outcome of a training run.

    In a notebook a ``RunResult`` displays as a small card: the test metrics, the learning
    curves (the run folder's ``plots/learning_curves.png``, or curves drawn from
    ``history`` when there is no run folder) and a link to the run's ``report.html``.

    Attributes:
        model: the trained ``keras.Model`` (best weights restored when early stopping did).
        history: per-epoch lists by metric name, e.g. ``{"loss": [...], "val_loss": [...]}``.
        metrics: test metrics by name (``{"accuracy": 0.97, "loss": 0.1}``); evaluated on the
            test part, or the validation part when there is no test part. A recipe that trains
            several models keys them by model: ``{"mlp": {...}, "perceptron": {...}}``.
        run_dir: the run folder (``pathlib.Path``) or None when none was written.
        timings: ``{"wall_s": float, "epoch_s": [...], "samples_per_s": [...]}``.
        config: every setting of the run (what ``config.json`` holds).
        extras: anything else a recipe reports (learned weights, figures, sub-results).
    """

    model: object = None
    history: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    run_dir: object = None
    timings: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    def __repr__(self):
        return _display.result_repr(self)

    def _repr_html_(self):
        """The notebook display: metrics, learning curves and a link to the report."""
        return _display.result_html(self)


@dataclass(eq=False)
class TrainingRun:
    """What training hands to the step that writes the run folder: the ``result`` and the
    ``data`` it trained and was evaluated on (a ``kerasdl.data.Dataset``, or None)."""

    result: RunResult
    data: object = None


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    return repr(obj)


def _describe_loss(loss):
    return loss if isinstance(loss, str) else (getattr(loss, "name", None)
                                               or getattr(loss, "__name__", repr(loss)))


def _describe_metrics(metrics):
    if metrics is None:
        return []
    if isinstance(metrics, dict):
        return {str(k): _describe_metrics(v) for k, v in metrics.items()}
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return [m if isinstance(m, str) else getattr(m, "name", repr(m)) for m in metrics]


def _settings_config(model, settings, feed, compiled, early_stopping, resumed):
    s = settings
    spec = s.optimizer_spec
    class_weight = s.class_weight
    if isinstance(class_weight, dict):
        class_weight = {str(k): float(v) for k, v in class_weight.items()}
    return dict(
        optimizer=spec if isinstance(spec, str) else type(spec).__name__,
        optimizer_options=s.optimizer_options,
        optimizer_config=_jsonable(compiled.optimizer.get_config()),
        learning_rate=compiled.learning_rate, schedule=compiled.schedule_config,
        epochs=s.epochs, batch_size=feed.batch_size, loss=_describe_loss(compiled.loss),
        metrics=_describe_metrics(compiled.metrics), validation_split=s.validation_split,
        early_stopping=early_stopping,
        checkpoint_every=s.checkpoint_every if s.run_dir is not None else None, seed=s.seed,
        shuffle=s.shuffle, deterministic=s.deterministic,
        mixed_precision=compiled.precision or False, jit_compile=bool(model.jit_compile),
        steps_per_execution=s.steps_per_execution, class_weight=class_weight,
        resumed_from=resumed, callbacks=[type(cb).__name__ for cb in s.callbacks])


def run_config(model, settings, feed, compiled, early_stopping, resumed):
    """Every setting of the run plus the model, data and machine (``config.json``)."""
    from kerasdl._backend import devices, versions

    parts = feed.parts
    config = {k: _jsonable(v) for k, v in _settings_config(
        model, settings, feed, compiled, early_stopping, resumed).items()}
    config.update(
        model=model.name,
        params=int(model.count_params()),
        task=parts.task,
        num_classes=parts.num_classes,
        dataset=getattr(parts.dataset, "name", "arrays" if parts.x_train is not None
                        else "PyDataset"),
        n_train=parts.n_train,
        n_val=None if parts.x_val is None else int(len(parts.x_val)),
        n_test=None if parts.x_test is None else int(len(parts.x_test)),
        backend=keras.backend.backend(),
        devices=devices(),
        versions=versions(),
    )
    return config


def report_data(parts):
    """The data of the run as a ``kerasdl.data.Dataset`` for its report (None: a PyDataset)."""
    from kerasdl.data import Dataset

    if parts.dataset is not None:
        return parts.dataset
    if parts.x_train is None:
        return None
    return Dataset(x_train=parts.x_train, y_train=parts.y_train, x_val=parts.x_val,
                   y_val=parts.y_val, x_test=parts.x_test, y_test=parts.y_test,
                   task=parts.task or "regression", num_classes=parts.num_classes)
