"""Settings plumbing every recipe shares (private to ``kerasdl.recipes``).

A recipe shows its public calls inline -- ``kerasdl.data.load``, a ``kerasdl.models``
builder, ``kerasdl.train`` -- and leaves here only what every recipe would otherwise repeat
around them: merging overrides into ``DEFAULTS`` (close matches for unknown names, a value
check per setting, before any work), the run folder's name and its resume / overwrite
rules, adapting a user's ``data=`` Dataset, and recording the recipe in its run folder.
Built only from public kerasdl names (``kerasdl.validation``, ``kerasdl.io``, ``kerasdl.data``,
``kerasdl.reports``).
"""

import datetime
import difflib
import os
from pathlib import Path

from kerasdl import io
from kerasdl.validation import (check_bool, check_choice, check_int, check_number,
                                check_positive_int, check_type, describe, normalize_name)

__all__ = ["COMMON_DEFAULTS", "TRAIN_PASSTHROUGH", "resolve_settings", "run_folder", "train_options",
           "with_channels", "one_hot_labels", "augment_spec", "label_format", "finish_single",
           "finish_multi", "jsonable_settings", "save_csv", "new_figure"]

# Settings every recipe has (merged into each recipe's DEFAULTS, documented in each one's
# "Settings:" section).
COMMON_DEFAULTS = {
    "data": None,
    "data_dir": None,
    "seed": 0,
    "verbose": 0,
    "run_dir": None,
    "resume": False,
    "overwrite": False,
}

# Settings of ``kerasdl.train`` that every recipe takes besides its DEFAULTS and forwards as
# they are (how the run is placed, not what it trains): ``kerasdl run --distribution``.
TRAIN_PASSTHROUGH = {"distribution": None}

# Settings that take values of several kinds; kerasdl validates them where they are used.
_FLEXIBLE = {"optimizer", "learning_rate", "augment", "early_stopping", "data_dir", "run_dir",
             "schedule"}


def resolve_settings(recipe, defaults, overrides):
    """Merge ``overrides`` into ``defaults`` and check every value, before any work.

    Keys match with hyphens and underscores equivalent. A value must have the kind of its
    default (int settings take integers, not bools; float settings numbers; tuple settings a
    list or tuple, or one number for a one-entry tuple; bool settings True/False); settings
    whose default is None and the flexible ones accept what kerasdl accepts there. ``data``
    takes a ``kerasdl.data.Dataset``, a dataset name or an ``.npz`` path (read here). The
    settings of ``TRAIN_PASSTHROUGH`` (``distribution``) are taken by every recipe and
    reach ``kerasdl.train`` as they are.

    Returns:
        A new dict holding every setting.

    Raises:
        ValueError: for an unknown setting (close matches listed) or a bad value.
        TypeError: for a value of the wrong kind.
    """
    settings = dict(defaults)
    for raw_key, value in overrides.items():
        key = normalize_name(raw_key)
        if key in TRAIN_PASSTHROUGH and key not in defaults:
            settings[key] = value  # kerasdl.train checks it, before any work
            continue
        if key not in defaults:
            matches = difflib.get_close_matches(key, list(defaults), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
            raise ValueError(f"Recipe {recipe!r} has no setting {raw_key!r}.{hint} Its "
                             f"settings: {', '.join(sorted(defaults))}.")
        settings[key] = _check_setting(key, value, defaults[key])
    return settings


def _positive_ints(key, value):
    """The int entries of a widths tuple (other entries: layer names, checked later)."""
    for i, v in enumerate(value):
        if isinstance(v, int) and not isinstance(v, bool):
            check_positive_int(f"{key}[{i}]", v)
    return value


def _rate(key, value):
    """A learning rate: None, a positive finite number, or a schedule object (left to train)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return check_number(key, value, min_value=0.0, min_inclusive=False)


def _fraction(key, value, *, zero=True):
    if value is None:
        return None
    return check_number(key, value, min_value=0.0, max_value=1.0, min_inclusive=zero,
                        max_inclusive=False)


def _data(key, value):
    from kerasdl import data as kdata

    if value is None or isinstance(value, kdata.Dataset):
        return value
    if isinstance(value, os.PathLike) or (isinstance(value, str) and value.endswith(".npz")):
        return kdata.from_npz(value)
    if isinstance(value, str):
        return value  # a dataset name: the recipe loads it with its own options
    raise TypeError(f"`data` must be a kerasdl.data.Dataset, a dataset name or an .npz path; "
                    f"received {describe(value)} of type {type(value).__name__}.")


def _resume(key, value):
    return check_choice(key, value, ("auto",)) if isinstance(value, str) else check_bool(key,
                                                                                         value)


_NONNEGATIVE = ("weight_decay", "l1", "noise")
_POSITIVE = ("epochs", "perceptron_epochs", "repeats", "n_samples", "depth", "width",
             "stats_samples", "train_size")
# Value checks by setting name, run before any work (no run folder, no training) so a bad
# value fails as early as a bad name. Settings not listed are checked by kerasdl where used.
_VALUE_CHECKS = {
    **{k: check_positive_int for k in _POSITIVE},
    **{k: lambda k, v: check_number(k, v, min_value=0.0) for k in _NONNEGATIVE},
    **{k: check_number for k in ("w", "b", "initial_w", "initial_b")},
    **{k: _positive_ints for k in ("hidden", "filters", "dense")},
    **{k: _fraction for k in ("dropout", "conv_dropout", "val", "test")},
    "batch_size": lambda k, v: check_positive_int(k, v, allow_none=True),
    "patience": lambda k, v: check_int(k, v, min_value=0),
    "seed": lambda k, v: check_int(k, v, min_value=0),
    "verbose": lambda k, v: check_int(k, v, min_value=0, max_value=2),
    "learning_rate": _rate,
    "perceptron_learning_rate": _rate,
    "validation_split": lambda k, v: _fraction(k, v, zero=False),
    "data": _data,
    "resume": _resume,
}


def _check_setting(key, value, default):
    value = _check_kind(key, value, default)
    check = _VALUE_CHECKS.get(key)
    return value if check is None else check(key, value)


def _check_kind(key, value, default):
    if key in _FLEXIBLE or key in ("data", "resume") or default is None:
        return value
    if value is None:
        raise ValueError(f"`{key}` needs a value like its default {default!r}; received None.")
    if isinstance(default, bool):
        return check_bool(key, value)
    if isinstance(default, int):
        return check_int(key, value)
    if isinstance(default, float):
        return check_number(key, value)
    if isinstance(default, (str, dict)):
        return type(default)(check_type(key, value, type(default)))
    if isinstance(default, tuple):
        numbers = default and all(isinstance(v, (int, float)) for v in default)
        if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            return (value,)  # `--set hidden=64` means one layer of 64
        return tuple(check_type(key, value, (tuple, list)))
    return value


def run_folder(recipe, settings, *, sub_runs=()):
    """The run folder: ``settings["run_dir"]``, else ``runs/<recipe>-<UTC time>`` (created).

    For a recipe that trains several models (``sub_runs``: their sub-folder names), resume
    and overwrite apply to the whole top folder: a folder that already holds this recipe's
    run (a top ``metrics.json``, or a sub-run's checkpoints) is refused, before anything is
    trained, unless ``resume`` or ``overwrite`` is set, and then every model is trained with
    the same setting.

    Raises:
        ValueError: for a folder holding a run, with neither ``resume`` nor ``overwrite``.
    """
    run_dir = settings["run_dir"]
    if run_dir is None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        run_dir = Path("runs") / f"{recipe}-{stamp}"
    if not isinstance(run_dir, (str, os.PathLike)):
        raise TypeError(f"`run_dir` must be a path or None; received {describe(run_dir)} of "
                        f"type {type(run_dir).__name__}.")
    path = Path(run_dir)
    held = [p for p in (path / "metrics.json", *(path / s / "checkpoints" for s in sub_runs))
            if p.exists()]
    if sub_runs and held and settings["resume"] is False and not settings["overwrite"]:
        raise ValueError(f"Run folder {str(path)!r} already holds a run of recipe {recipe!r} "
                         f"({held[0].relative_to(path)}). Pass resume=True to continue it, "
                         f"overwrite=True to replace it, or choose a new `run_dir`.")
    path.mkdir(parents=True, exist_ok=True)
    return path


def train_options(settings):
    """``resume`` / ``overwrite`` (and ``distribution``) for ``kerasdl.train``, each only
    when it is set.

    (Given only when set, so a recipe also runs on a ``kerasdl.train`` without them.)
    """
    options = {key: settings[key] for key in ("resume", "overwrite")
               if settings[key] is not False}
    options.update({key: settings[key] for key in TRAIN_PASSTHROUGH
                    if settings.get(key) is not None})
    return options


def with_channels(data):
    """``data`` with a channel axis on 2-D images ((n, h, w) -> (n, h, w, 1)), for CNNs."""
    if len(data.input_shape) != 2:
        return data
    return data.replace(**{part: getattr(data, part)[..., None]
                           for part in ("x_train", "x_val", "x_test")
                           if getattr(data, part) is not None})


def one_hot_labels(data):
    """``data`` with one-hot labels (``kerasdl.data.to_categorical``) for a multiclass set."""
    from kerasdl.data import to_categorical

    if data.task != "multiclass" or data.label_format == "onehot":
        return data
    return data.replace(**{part: to_categorical(getattr(data, part), data.num_classes)
                           for part in ("y_train", "y_val", "y_test")
                           if getattr(data, part) is not None})


def label_format(data):
    """"onehot" or "sparse": what a classifier built for ``data`` must expect."""
    return "onehot" if data.label_format == "onehot" else "sparse"


def augment_spec(augment, seed):
    """``augment`` for ``kerasdl.models.cnn``, seeded: a preset name or dict gets ``seed``.

    None, False and "none" switch augmentation off; a keras Layer is used as it is.
    """
    if augment is None or augment is False:
        return None
    if isinstance(augment, str):
        return None if normalize_name(augment) == "none" else {"preset": augment,
                                                               "seed": int(seed)}
    if isinstance(augment, dict):
        return {"seed": int(seed), **augment}
    return augment


def jsonable_settings(settings):
    """The settings as JSON-friendly values (a Dataset is named, objects are repr'ed)."""
    out = {}
    for key, value in settings.items():
        if isinstance(value, (str, int, float, bool)) or value is None:
            out[key] = value
        elif key == "data" and getattr(value, "name", None) is not None:
            out[key] = f"Dataset {value.name!r}"
        elif isinstance(value, os.PathLike):
            out[key] = str(value)
        elif isinstance(value, (tuple, list)):
            out[key] = list(value)
        elif isinstance(value, dict):
            out[key] = {str(k): v for k, v in value.items()}
        else:
            out[key] = repr(value)
    return out


def _record(run_dir, recipe, settings, extras):
    """Add ``{"recipe": {name, settings[, results]}}`` to config.json, rebuild the report."""
    import json

    from kerasdl import reports

    path = Path(run_dir) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["recipe"] = {"name": recipe, "settings": jsonable_settings(settings)}
    if extras:
        config["recipe"]["results"] = extras
    io.atomic_write_json(path, config)
    reports.build_report(run_dir)
    plots = Path(run_dir) / "plots"
    return sorted(str(p) for p in plots.glob("*.png")) if plots.is_dir() else []


def finish_single(recipe, settings, result, extras=None):
    """Record the recipe (name, settings, ``extras``) in a one-model run and its result.

    ``extras`` (JSON-friendly numbers, e.g. learned weights) go to ``result.extras`` and
    ``config.json``; the report is rebuilt and ``extras["figures"]`` lists the plots.
    """
    extras = dict(extras or {})
    result.extras.update(extras)
    result.config["recipe"] = {"name": recipe, "settings": jsonable_settings(settings)}
    if result.run_dir is not None:
        result.extras["figures"] = _record(result.run_dir, recipe, settings, extras or None)
    return result


def finish_multi(recipe, settings, run_dir, results, metrics, *, extras=None, timings=None,
                 result_extras=None):
    """The top folder and ``RunResult`` of a recipe that trained several models.

    Each model's run folder is a sub-folder; the top folder gets ``config.json`` (the recipe
    settings), ``metrics.json`` (``metrics`` keyed by model), the recipe's figures under
    ``plots/`` (written before this call) and ``report.html`` (``kerasdl.reports``).
    """
    import kerasdl

    kerasdl.reports.write_run(run_dir, metrics=metrics, config=jsonable_settings(settings),
                              plots=False)
    figures = _record(run_dir, recipe, settings, extras)
    return kerasdl.training.RunResult(
        model={n: r.model for n, r in results.items()},
        history={n: r.history for n, r in results.items()}, metrics=metrics, run_dir=run_dir,
        timings=timings or {"wall_s": sum(r.timings.get("wall_s", 0.0)
                                          for r in results.values())},
        config=jsonable_settings(settings),
        extras={"figures": figures, "runs": {n: str(r.run_dir) for n, r in results.items()},
                **(result_extras or {})})


def save_csv(path, header, rows):
    """Write a small CSV table atomically (``header`` a list, ``rows`` lists of values)."""
    def fmt(v):
        return f"{v:.6g}" if isinstance(v, float) else str(v)

    lines = [",".join(header)] + [",".join(fmt(v) for v in row) for row in rows]
    return io.atomic_write_text(path, "\n".join(lines) + "\n")


def new_figure(ncols=1, nrows=1, *, width=4.2, height=3.4):
    """A matplotlib ``Figure`` (no pyplot: nothing global, no window) and its axes grid."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), dpi=100, layout="constrained")
    return fig, fig.subplots(nrows, ncols, squeeze=False)
