"""Helpers every recipe shares: settings, data, run folders and figures.

Private to ``recipes``: recipes compose kerasdl's public API; this module only holds the
plumbing they would otherwise repeat (merging overrides into ``DEFAULTS`` with clear
errors, picking the data, naming the run folder, writing figures and tables atomically).
"""

import datetime
import difflib
import os
from pathlib import Path

import numpy as np

from kerasdl._io import atomic_write_json, atomic_write_text
from kerasdl._validation import (check_bool, check_int, check_number, check_positive_int,
                                 check_type, describe, normalize_name)

__all__ = ["resolve_settings", "load_data", "make_run_dir", "save_json", "save_csv", "set_seed",
           "jsonable_settings", "record_recipe", "write_multi_run", "new_figure", "write_figure",
           "finish_single", "run_image_cnn", "label_format", "augment_spec",
           "with_channels", "one_hot_labels",
           "COMMON_DEFAULTS"]

# Settings every recipe has (merged into each recipe's DEFAULTS).
COMMON_DEFAULTS = {
    "data": None,
    "data_dir": None,
    "seed": 0,
    "verbose": 0,
    "run_dir": None,
}

# Settings that take values of several kinds; kerasdl validates them where they are used.
# data: Dataset, dataset name or .npz path; optimizer: name or keras optimizer; learning_rate:
# number or schedule; augment: preset name, dict spec or a layer; early_stopping: bool or dict.
_FLEXIBLE = {"data", "optimizer", "learning_rate", "augment", "early_stopping", "data_dir",
             "run_dir", "schedule"}


def resolve_settings(recipe, defaults, overrides):
    """Merge ``overrides`` into ``defaults`` and check every value.

    Keys are matched with hyphens and underscores equivalent. A value must have the kind of
    its default: int settings take integers (not bools), float settings take numbers, tuple
    settings take a list or tuple (returned as a tuple), bool settings take True/False.
    Settings whose default is None, and the flexible ones (data, optimizer, learning_rate,
    augment, early_stopping, data_dir, run_dir), accept anything kerasdl accepts there.

    Args:
        recipe: the recipe's name (for messages).
        defaults: the recipe's ``DEFAULTS`` dict.
        overrides: the settings given by the user.

    Returns:
        A new dict holding every setting.

    Raises:
        ValueError: for an unknown setting (the message lists close matches) or a None
            given to a setting that needs a value.
        TypeError: for a value of the wrong kind.
    """
    settings = dict(defaults)
    for raw_key, value in overrides.items():
        key = normalize_name(raw_key)
        if key not in defaults:
            matches = difflib.get_close_matches(key, list(defaults), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
            raise ValueError(
                f"Recipe {recipe!r} has no setting {raw_key!r}.{hint} Its settings: "
                f"{', '.join(sorted(defaults))}."
            )
        settings[key] = _check_setting(key, value, defaults[key])
    return settings


def _positive_ints(key, value):
    """Check the int entries of a widths tuple (other entries: layer names, checked later)."""
    from kerasdl._validation import check_positive_int

    for i, v in enumerate(value):
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            check_positive_int(f"{key}[{i}]", v)
    return value


def _rate(key, value):
    """A learning rate: None, a positive finite number, or a schedule object (left to train)."""
    if value is None or isinstance(value, (str, dict, tuple, list)) or not isinstance(
            value, (int, float, np.number)) or isinstance(value, bool):
        return value
    return check_number(key, value, min_value=0.0, min_inclusive=False)


def _fraction(key, value, *, zero=True):
    if value is None:
        return None
    return check_number(key, value, min_value=0.0, max_value=1.0, min_inclusive=zero,
                        max_inclusive=False)


# Value checks by setting name, run before any work (no run folder, no training) so a bad
# value fails as early as a bad name. Settings not listed are checked by kerasdl where used.
_VALUE_CHECKS = {
    "epochs": lambda k, v: check_positive_int(k, v),
    "perceptron_epochs": lambda k, v: check_positive_int(k, v),
    "batch_size": lambda k, v: check_positive_int(k, v, allow_none=True),
    "repeats": lambda k, v: check_positive_int(k, v),
    "n_samples": lambda k, v: check_positive_int(k, v),
    "depth": lambda k, v: check_positive_int(k, v),
    "width": lambda k, v: check_positive_int(k, v),
    "stats_samples": lambda k, v: check_positive_int(k, v),
    "train_size": lambda k, v: check_positive_int(k, v),
    "patience": lambda k, v: check_int(k, v, min_value=0),
    "seed": lambda k, v: check_int(k, v, min_value=0),
    "verbose": lambda k, v: check_int(k, v, min_value=0, max_value=2),
    "learning_rate": _rate,
    "perceptron_learning_rate": _rate,
    "dropout": lambda k, v: _fraction(k, v),
    "conv_dropout": lambda k, v: _fraction(k, v),
    "val": lambda k, v: _fraction(k, v),
    "test": lambda k, v: _fraction(k, v),
    "validation_split": lambda k, v: _fraction(k, v, zero=False),
    "weight_decay": lambda k, v: check_number(k, v, min_value=0.0),
    "l1": lambda k, v: check_number(k, v, min_value=0.0),
    "noise": lambda k, v: check_number(k, v, min_value=0.0),
    "w": lambda k, v: check_number(k, v),
    "b": lambda k, v: check_number(k, v),
    "initial_w": lambda k, v: check_number(k, v),
    "initial_b": lambda k, v: check_number(k, v),
    "hidden": _positive_ints,
    "filters": _positive_ints,
    "dense": _positive_ints,
}


def _check_setting(key, value, default):
    value = _check_kind(key, value, default)
    check = _VALUE_CHECKS.get(key)
    return value if check is None else check(key, value)


def _check_kind(key, value, default):
    if key in _FLEXIBLE or default is None:
        return value
    if value is None:
        raise ValueError(f"`{key}` needs a value like its default {default!r}; received None.")
    if isinstance(default, bool):
        return check_bool(key, value)
    if isinstance(default, int):
        return check_int(key, value)
    if isinstance(default, float):
        return check_number(key, value)
    if isinstance(default, str):
        return check_type(key, value, str)
    if isinstance(default, (tuple, list)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and default and \
                all(isinstance(v, (int, float)) for v in default):
            return (value,)  # `--set hidden=64` means one layer of 64
        check_type(key, value, (tuple, list))
        return tuple(value)
    if isinstance(default, dict):
        return dict(check_type(key, value, dict))
    return value


def set_seed(seed):
    """Seed python, numpy and the Keras backend (model weights, dropout, shuffling)."""
    import keras

    keras.utils.set_random_seed(int(seed))


def load_data(settings, default_name, **load_options):
    """The recipe's data: ``settings["data"]`` if given, else ``kerasdl.data.load(default_name)``.

    ``data`` may be a :class:`kerasdl.data.Dataset` (used as is), a dataset name known to
    ``kerasdl.data.load`` or the path of an ``.npz`` file (``kerasdl.data.from_npz``).
    ``load_options`` (e.g. ``val=0.15``) apply only when the recipe loads by name.
    """
    from kerasdl import data as kdata

    data = settings.get("data")
    if data is None:
        data = default_name
    if isinstance(data, kdata.Dataset):
        return data
    if isinstance(data, os.PathLike) or (isinstance(data, str) and data.endswith(".npz")):
        return kdata.from_npz(data)
    if isinstance(data, str):
        return kdata.load(data, data_dir=settings.get("data_dir"), seed=settings.get("seed", 0),
                          **load_options)
    raise TypeError(f"`data` must be a kerasdl.data.Dataset, a dataset name or an .npz path; "
                    f"received {describe(data)} of type {type(data).__name__}.")


def make_run_dir(recipe, run_dir):
    """The run folder: ``run_dir`` if given, else ``runs/<recipe>-<UTC time>`` (created)."""
    if run_dir is None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        run_dir = Path("runs") / f"{recipe}-{stamp}"
    if not isinstance(run_dir, (str, os.PathLike)):
        raise TypeError(f"`run_dir` must be a path or None; received {describe(run_dir)} of "
                        f"type {type(run_dir).__name__}.")
    path = Path(run_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_json(path, obj):
    """Write ``obj`` as JSON atomically; returns the path."""
    return atomic_write_json(path, obj)


def save_csv(path, header, rows):
    """Write a small CSV table atomically (``header`` a list, ``rows`` lists of values)."""
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.6g}"
        return str(v)

    lines = [",".join(header)] + [",".join(fmt(v) for v in row) for row in rows]
    return atomic_write_text(path, "\n".join(lines) + "\n")


def jsonable_settings(settings):
    """The settings as JSON-friendly values (a Dataset is named, objects are repr'ed)."""
    out = {}
    for key, value in settings.items():
        if key == "data" and value is not None and not isinstance(value, (str, os.PathLike)):
            name = getattr(value, "name", None)
            out[key] = f"Dataset {name!r}" if name is not None else repr(value)
        elif isinstance(value, os.PathLike):
            out[key] = str(value)
        elif isinstance(value, (str, int, float, bool)) or value is None:
            out[key] = value
        elif isinstance(value, (tuple, list)):
            out[key] = list(value)
        elif isinstance(value, dict):
            out[key] = {str(k): v for k, v in value.items()}
        else:
            out[key] = repr(value)
    return out


def record_recipe(run_dir, recipe, settings, *, extras=None):
    """Add the recipe's name and settings to ``config.json`` and rebuild ``report.html``.

    ``config.json`` (written by ``kerasdl.train`` / ``kerasdl.reports.write_run``) gains a
    ``"recipe"`` entry ``{"name": ..., "settings": {...}}``; the report is rebuilt so that
    figures the recipe added under ``plots/`` are embedded. Returns the sorted list of the
    PNG files under ``plots/``.
    """
    import json

    from kerasdl import reports

    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["recipe"] = {"name": recipe, "settings": jsonable_settings(settings)}
    if extras:
        config["recipe"]["results"] = extras
    atomic_write_json(config_path, config)
    reports.build_report(run_dir)
    plots = run_dir / "plots"
    return sorted(str(p) for p in plots.glob("*.png")) if plots.is_dir() else []


def write_multi_run(run_dir, recipe, settings, metrics, *, extras=None):
    """Write the summary run folder of a recipe that trains several models.

    Each model's own run folder is a sub-folder (``run_dir/<model>``); the top folder gets
    ``config.json`` (the recipe settings), ``metrics.json`` (metrics keyed by model), the
    recipe's figures under ``plots/`` (written before this call) and ``report.html``,
    through ``kerasdl.reports.write_run``. Returns the list of PNG files under ``plots/``.
    """
    from kerasdl import reports

    reports.write_run(run_dir, metrics=metrics, config=jsonable_settings(settings),
                      plots=False)
    return record_recipe(run_dir, recipe, settings, extras=extras)


def new_figure(ncols=1, nrows=1, *, width=4.2, height=3.4):
    """A matplotlib ``Figure`` (no pyplot: nothing global, no window) and its axes grid."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width * ncols, height * nrows), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def write_figure(fig, path):
    """Save a figure atomically through ``kerasdl.reports.save_figure``; returns the path."""
    from kerasdl import reports

    return Path(reports.save_figure(fig, path))


def finish_single(recipe, settings, result, extras=None):
    """Complete a one-model recipe's ``RunResult``: record the recipe in the run folder.

    Adds ``extras`` (JSON-friendly numbers, e.g. learned weights) to ``result.extras`` and
    to ``config.json``, rebuilds the report, lists the figures in ``extras["figures"]`` and
    adds ``config["recipe"]``.
    """
    extras = dict(extras or {})
    result.extras.update(extras)
    result.config["recipe"] = {"name": recipe, "settings": jsonable_settings(settings)}
    if result.run_dir is not None:
        result.extras["figures"] = record_recipe(result.run_dir, recipe, settings,
                                                 extras=extras or None)
    return result


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
        if normalize_name(augment) == "none":
            return None
        return {"preset": augment, "seed": int(seed)}
    if isinstance(augment, dict):
        return {"seed": int(seed), **augment}
    return augment


def with_channels(data):
    """``data`` with a channel axis on 2-D images ((n, h, w) -> (n, h, w, 1)), for CNNs."""
    if len(data.input_shape) != 2:
        return data
    changes = {}
    for part in ("x_train", "x_val", "x_test"):
        x = getattr(data, part)
        if x is not None:
            changes[part] = x[..., None]
    return data.replace(**changes)


def one_hot_labels(data):
    """``data`` with one-hot labels (``kerasdl.data.to_categorical``) for a multiclass set."""
    from kerasdl.data import to_categorical

    if data.task != "multiclass" or data.label_format == "onehot":
        return data
    changes = {}
    for part in ("y_train", "y_val", "y_test"):
        y = getattr(data, part)
        if y is not None:
            changes[part] = to_categorical(y, data.num_classes)
    return data.replace(**changes)


def run_image_cnn(recipe, dataset, settings, **load_options):
    """The body the image-CNN recipes share: load images, build ``kerasdl.models.cnn``, train.

    Args:
        recipe: the recipe name (run folder, messages).
        dataset: the default dataset name (``settings["data"]`` may replace it).
        settings: the resolved settings of the recipe.
        **load_options: extra ``kerasdl.data.load`` options (e.g. ``test=``).

    Returns:
        The ``RunResult`` of ``kerasdl.train``, finished by :func:`finish_single`.
    """
    import kerasdl

    s = settings
    data = with_channels(load_data(s, dataset, val=s["val"], channels=True, **load_options))
    run_dir = make_run_dir(recipe, s["run_dir"])
    set_seed(s["seed"])
    model = kerasdl.models.cnn(data.input_shape, filters=s["filters"],
                               kernel_size=s["kernel_size"], dense=s["dense"],
                               dropout=s["dropout"], conv_dropout=s["conv_dropout"],
                               batch_norm=s["batch_norm"], weight_decay=s["weight_decay"],
                               augment=augment_spec(s["augment"], s["seed"]),
                               task=data.task, num_classes=data.num_classes,
                               label_format=label_format(data), seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], schedule=s["schedule"],
                           epochs=s["epochs"], batch_size=s["batch_size"],
                           early_stopping=s["early_stopping"], seed=s["seed"],
                           verbose=s["verbose"], run_dir=run_dir)
    return finish_single(recipe, s, result)
