"""The run folder: what a training run leaves on disk, and reading it back.

    run_dir/
        config.json     every setting, the seed, backend, package versions, devices, data, model
        history.csv     one row per epoch: epoch, loss, metrics, val_ metrics
        metrics.json    test metrics, timings, per-class report / confusion matrix or errors
        model.keras     the trained model (``keras.saving.load_model``/``kerasdl.load_model``)
        plots/*.png     learning curves, confusion matrix or predictions vs truth, decision
                        boundary (2-D inputs) or fit (1-D regression), the most confident
                        mistakes (image classification)
        report.html     one self-contained page with all of the above

Every file is written atomically (:mod:`kerasdl._io`): a crash while writing leaves the
previous version of that file in place, never a half-written one.
"""

import csv
import datetime
import io
import numbers
import os
import platform

import numpy as np

from kerasdl._io import atomic_path, atomic_write_json, atomic_write_text
from kerasdl._validation import check_bool, check_type, describe
from kerasdl.data import Dataset
from kerasdl.reports import _plots, _summary
from kerasdl.reports._folder import PLOT_FILES, check_run_dir
from kerasdl.reports._html import build_report

__all__ = ["write_run", "RUN_FORMAT"]

RUN_FORMAT = 1  # stored as config.json["kerasdl_run"]; bump when the layout changes

_MAX_BOUNDARY_POINTS = 1000  # points scattered on a decision-boundary plot
_GALLERY_SIZE = 16  # images in the gallery of the most confident mistakes
_PREDICT_BATCH = 256  # batch size of the predictions on the evaluated part


# --------------------------------------------------------------------------- JSON


def _jsonable(obj, _depth=0):
    """A JSON-serialisable copy of ``obj``: numpy, tensors, paths and keras objects included."""
    if _depth > 50:
        return repr(obj)
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        return float(obj)
    if isinstance(obj, dict):
        return {str(k): _jsonable(v, _depth + 1) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = sorted(obj, key=repr) if isinstance(obj, (set, frozenset)) else obj
        return [_jsonable(v, _depth + 1) for v in items]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, np.ndarray) or hasattr(obj, "__array__"):
        try:
            return _jsonable(np.asarray(obj).tolist(), _depth + 1)
        except Exception:
            pass
    if hasattr(obj, "get_config") and callable(obj.get_config):  # optimizers, schedules...
        try:
            return {"class_name": type(obj).__name__,
                    "config": _jsonable(obj.get_config(), _depth + 1)}
        except Exception:
            pass
    if isinstance(obj, type):
        return f"{obj.__module__}.{obj.__qualname__}"
    if callable(obj) and hasattr(obj, "__qualname__"):
        return f"{getattr(obj, '__module__', '?')}.{obj.__qualname__}"
    return repr(obj)


# --------------------------------------------------------------------------- argument checks


def _check_models(model):
    """None, one model, or a dict {name: model}; returns a dict (possibly empty)."""
    if model is None:
        return {}
    if isinstance(model, dict):
        if not model:
            raise ValueError("`model` is an empty dict; pass a model, a dict {name: model} or "
                             "None.")
        out = {}
        for name, m in model.items():
            if not isinstance(name, str) or not name or os.sep in name or name.startswith("."):
                raise ValueError(f"`model` dict keys must be plain names (used in file names); "
                                 f"received {name!r}.")
            _check_one_model(f"model[{name!r}]", m)
            out[name] = m
        return out
    _check_one_model("model", model)
    return {None: model}


def _check_one_model(name, model):
    if not (hasattr(model, "save") and hasattr(model, "predict")):
        raise TypeError(f"`{name}` must be a keras Model (with .save and .predict); received "
                        f"{describe(model)} of type {type(model).__name__}.")


def _check_dict(name, value):
    return {} if value is None else dict(check_type(name, value, dict, allow_none=True))


# --------------------------------------------------------------------------- sections


def _model_info(model):
    info = {"name": getattr(model, "name", None), "class": type(model).__name__}
    if getattr(model, "built", False):
        try:
            info["params"] = int(model.count_params())
            info["trainable_params"] = int(sum(int(np.prod(w.shape))
                                               for w in model.trainable_weights))
        except Exception:  # an unusual model: the counts are informative only
            pass
    for attr in ("input_shape", "output_shape"):
        try:
            shape = getattr(model, attr)
        except Exception:
            continue
        info[attr] = _jsonable(shape)
    layers = []
    for layer in getattr(model, "layers", []):
        entry = {"name": layer.name, "class": type(layer).__name__}
        try:
            entry["params"] = int(layer.count_params()) if layer.built else 0
        except Exception:
            pass
        layers.append(entry)
    info["layers"] = layers
    return info


def _data_info(data):
    if data is None:
        return None
    info = {
        "name": data.name,
        "description": data.description,
        "task": data.task,
        "num_classes": data.num_classes,
        "class_names": list(data.class_names) if data.class_names is not None else None,
        "input_shape": list(data.input_shape),
        "label_format": data.label_format,
        "sizes": {part: int(len(xy[0])) for part, xy in data.parts().items()},
    }
    if data.info:
        info["info"] = _jsonable(data.info)
    return info


def _environment():
    from kerasdl import _backend

    return {
        "backend": _backend.backend_name(),
        "devices": _backend.devices(),
        "versions": _backend.versions(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _history_csv(history):
    keys = list(history)
    n = max((len(v) for v in history.values()), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for i in range(n):
        row = [i + 1]
        for k in keys:
            values = history[k]
            row.append(repr(float(values[i])) if i < len(values) else "")
        writer.writerow(row)
    return buf.getvalue()


def _evaluation_part(data, wanted=None):
    """The part of ``data`` to evaluate on: ``wanted`` when it has it, else test/val/train."""
    parts = data.parts()
    if wanted in parts:
        return wanted, parts[wanted]
    for part in ("test", "val", "train"):
        if part in parts:
            return part, parts[part]
    raise ValueError("`data` has no part to evaluate on.")  # a Dataset always has "train"


def _is_image_classification(data):
    """Whether ``data`` is a classification task on images ``(height, width, channels)``."""
    shape = tuple(data.input_shape)
    return (data.task != "regression" and len(shape) == 3 and shape[-1] in (1, 3, 4)
            and min(shape[:2]) >= 4)


def _needs_outputs(model, data, given):
    """Predict on the evaluated part? For regression, for a classification without a given
    confusion matrix, and for the mistakes gallery of image classification."""
    if model is None or data is None:
        return False
    return (data.task == "regression" or given.get("confusion_matrix") is None
            or _is_image_classification(data))


def _computed_summary(data, y, outputs):
    if data.task == "regression":
        return _summary.regression_summary(y, outputs)
    y_true = _summary.true_classes(y)
    y_pred = _summary.predicted_classes(outputs)
    k = max(int(data.num_classes or 0), int(y_true.max()) + 1, int(y_pred.max()) + 1)
    cm = _summary.confusion_matrix(y_true, y_pred, num_classes=k)
    names = (data.class_names if data.class_names is not None
             and len(data.class_names) == k else None)
    return _summary.classification_summary(cm, names)


def _merge_given(section, given):
    """``given`` over the computed ``section``; a given confusion matrix brings its own
    per-class numbers (the computed ones of the same keys are dropped)."""
    cm = given.get("confusion_matrix")
    if cm is not None and np.ndim(cm) == 2 and np.shape(cm)[0] == np.shape(cm)[1]:
        names = given.get("class_names")
        if names is not None and len(names) != np.shape(cm)[0]:
            names = None
        derived = _summary.classification_summary(np.asarray(cm), names)
        for key in derived:
            section.pop(key, None)
        given = {**derived, **given}
    section.update(given)
    return section


def _evaluate(model, data, given):
    """The evaluation section and the model's outputs on the evaluated part.

    Numbers in ``given`` (e.g. from ``kerasdl.evaluate``) win. Numbers computed here from
    ``model`` and ``data`` complete them only when both describe the same part of the data,
    so a report never mixes a confusion matrix of one part with scores of another.
    """
    given = _jsonable(given) if given else {}
    section, outputs, part = {}, None, None
    if _needs_outputs(model, data, given):
        wanted = given.get("part")
        part, (x, y) = _evaluation_part(data, wanted)
        outputs = _plots._predict(model, np.asarray(x), batch_size=_PREDICT_BATCH)
        if wanted is None or wanted == part:
            section["part"] = part
            section.update(_computed_summary(data, y, outputs))
    if given:
        section = _merge_given(section, given)
    return section, outputs, part


# --------------------------------------------------------------------------- plots


def _plot_path(run_dir, key, suffix=""):
    stem, ext = os.path.splitext(PLOT_FILES[key])
    return run_dir / "plots" / f"{stem}{suffix}{ext}"


def _evaluation_plots(data, evaluation, outputs, part):
    """``{plot key: figure}`` of the evaluated part: confusion matrix, predictions vs truth
    (regression), the most confident mistakes (image classification)."""
    figures = {}
    cm = evaluation.get("confusion_matrix")
    if cm is not None and np.ndim(cm) == 2 and np.size(cm):
        names = evaluation.get("class_names")
        if not isinstance(names, list) or len(names) != len(cm):
            names = None  # the indices, rather than failing at the end of a training run
        figures["confusion_matrix"] = _plots.plot_confusion_matrix(cm, names)
    if data is None or outputs is None:
        return figures
    _, (x, y) = _evaluation_part(data, part)
    if data.task == "regression":
        errors = _summary.regression_summary(y, outputs)
        figures["predictions"] = _plots.plot_regression(
            y, outputs, title=f"predictions vs truth, {part} part (MAE {errors['mae']:.3g}, "
                              f"R² {errors['r2']:.3f})")
    elif _is_image_classification(data):
        figures["mistakes"] = _plots.plot_mistakes(
            np.asarray(x), y, outputs, class_names=data.class_names, k=_GALLERY_SIZE,
            title=None)
    return figures


def _input_plots(models, data):
    """``{(plot key, suffix): figure}`` over the inputs: the decision boundary (2-D
    classification) or the fit with its equation (1-D regression)."""
    x_train = np.asarray(data.x_train)
    if x_train.ndim == 2 and x_train.shape[1] == 2 and data.task != "regression":
        x, y = x_train, np.asarray(data.y_train)
        if len(x) > _MAX_BOUNDARY_POINTS:
            idx = np.sort(np.random.default_rng(0).choice(len(x), _MAX_BOUNDARY_POINTS,
                                                          replace=False))
            x, y = x[idx], y[idx]
        if len(models) == 1:
            fig = _plots.plot_decision_boundary(next(iter(models.values())), x, y,
                                                class_names=data.class_names)
        else:
            fig = _plots.plot_decision_boundaries(models, x, y, class_names=data.class_names)
        return {("decision_boundary", ""): fig}
    if data.task == "regression" and (x_train.ndim == 1 or (x_train.ndim == 2
                                                           and x_train.shape[1] == 1)):
        figures = {}
        for name, m in models.items():
            suffix = f"_{name}" if name is not None and len(models) > 1 else ""
            figures[("fit", suffix)] = _plots.plot_fit(
                m, x_train, np.asarray(data.y_train),
                title=f"model fit ({name})" if suffix else None)
        return figures
    return {}


def _write_plots(run_dir, *, models, data, history, evaluation, outputs, part):
    figures = {}
    if history:
        figures[("learning_curves", "")] = _plots.plot_history(history)
    figures.update({(key, ""): fig for key, fig in
                    _evaluation_plots(data, evaluation, outputs, part).items()})
    if data is not None and models:
        figures.update(_input_plots(models, data))
    written = []
    for (key, suffix), fig in figures.items():
        written.append(_plots.save_figure(fig, _plot_path(run_dir, key, suffix)))
    return written


# --------------------------------------------------------------------------- public


def write_run(run_dir, *, model=None, data=None, history=None, metrics=None, config=None,
              timings=None, evaluation=None, plots=True):
    """Write a run folder: config, history, metrics, model, plots and an HTML report.

    ``kerasdl.train(..., run_dir=...)`` calls this at the end of training; call it yourself
    to save a model trained with plain ``model.fit``. Existing files of the same names are
    replaced atomically (each is written to a temporary file and moved into place), so a
    crash never leaves a half-written file. Other files in the folder (checkpoints, your own
    plots under ``plots/``) are kept, and the report embeds every PNG under ``plots/``.

    What is written:

    - ``config.json``: ``settings`` (the ``config`` you pass), ``seed``, ``backend``,
      ``devices``, package ``versions``, ``python``, ``platform``, ``data`` (name, task,
      classes, input shape, sizes), ``model`` (class, parameters, layers), ``created``.
    - ``history.csv``: ``epoch`` (from 1) then one column per history key.
    - ``metrics.json``: ``metrics`` (as passed), ``timings`` and ``evaluation``: on the test
      part (else validation, else training part) of ``data``, the confusion matrix and
      per-class precision/recall/F1 for classification, MAE/MSE/RMSE/R² for regression.
      Numbers in ``evaluation`` you pass (e.g. from ``kerasdl.evaluate``) take precedence.
    - ``model.keras`` (or ``model_<name>.keras`` for each model of a dict).
    - ``plots/``: ``learning_curves.png`` when there is a history; ``confusion_matrix.png``
      for classification; ``predictions.png`` (vs truth) for regression;
      ``decision_boundary.png`` for 2-D classification inputs; ``fit.png`` for 1-D
      regression inputs.
    - ``report.html``: see :func:`build_report`.

    Args:
        run_dir: the folder (created if missing).
        model: the trained keras model, a dict ``{name: model}`` for runs that train
            several, or None. Defaults to None.
        data: the ``kerasdl.data.Dataset`` the model was trained on, or None (no
            evaluation plots). Defaults to None.
        history: per-epoch lists (``{"loss": [...], "val_loss": [...]}``) or a keras
            ``History``. Defaults to None (empty).
        metrics: test metrics (``{"accuracy": 0.97, "loss": 0.1}``), possibly keyed by model.
            Defaults to None (empty).
        config: every setting of the run (optimizer, learning rate, epochs, batch size,
            seed...). Defaults to None (empty).
        timings: ``{"wall_s": ..., "epoch_s": [...], "samples_per_s": [...]}``. Defaults to
            None (empty).
        evaluation: extra evaluation results, e.g. ``{"confusion_matrix": [[...]],
            "per_class": {...}}``. Defaults to None (computed from ``model`` and ``data``).
        plots: draw the plots. Defaults to True.

    Returns:
        The run folder, as a ``pathlib.Path``.

    Raises:
        TypeError: for arguments of the wrong type.
        ValueError: if ``run_dir`` is a file.

    Example:

    >>> import kerasdl
    >>> data = kerasdl.data.load("xor")                                  # doctest: +SKIP
    >>> history = model.fit(data.x_train, data.y_train, epochs=50)       # doctest: +SKIP
    >>> kerasdl.reports.write_run("runs/xor", model=model, data=data,
    ...                           history=history)                       # doctest: +SKIP
    """
    run_dir = check_run_dir(run_dir)
    models = _check_models(model)
    if data is not None:
        check_type("data", data, Dataset)
    hist = {} if history is None else _plots._history_dict(history)
    metrics = _check_dict("metrics", metrics)
    config = _check_dict("config", config)
    timings = _check_dict("timings", timings)
    given_eval = _check_dict("evaluation", evaluation)
    plots = check_bool("plots", plots)

    run_dir.mkdir(parents=True, exist_ok=True)
    single = models.get(None) if len(models) == 1 else None
    # Evaluate first: a model that cannot predict on its data fails before any file changes.
    # (several models: their numbers are in `metrics`, keyed by model)
    eval_section, outputs, part = _evaluate(single, data, given_eval)

    atomic_write_json(run_dir / "config.json", _config_doc(run_dir, config, data, models))
    atomic_write_text(run_dir / "history.csv", _history_csv(hist))
    _save_models(run_dir, models)
    if plots:
        _write_plots(run_dir, models=models, data=data, history=hist,
                     evaluation=eval_section, outputs=outputs, part=part)
    # metrics.json last: it marks the run finished (see run_state)
    metrics_doc = {"metrics": _jsonable(metrics), "timings": _jsonable(timings)}
    if eval_section:
        metrics_doc["evaluation"] = eval_section
    atomic_write_json(run_dir / "metrics.json", metrics_doc)
    build_report(run_dir)
    return run_dir


def _config_doc(run_dir, config, data, models):
    """The content of config.json: the settings, the environment, the data and the model."""
    settings = _jsonable(config)
    if not models:
        model_info = None
    elif None in models:
        model_info = _model_info(models[None])
    else:
        model_info = {name: _model_info(m) for name, m in models.items()}
    return {
        "kerasdl_run": RUN_FORMAT,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "run_dir": str(run_dir.resolve()),
        "settings": settings,
        "seed": settings.get("seed"),
        **_environment(),
        "data": _data_info(data),
        "model": model_info,
    }


def _save_models(run_dir, models):
    for name, m in models.items():
        filename = "model.keras" if name is None else f"model_{name}.keras"
        with atomic_path(run_dir / filename) as tmp:
            m.save(str(tmp))
