"""``kerasdl.tune``: hyper-parameter search over recipe settings on keras-tuner."""

import contextlib
import io
import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kerasdl._io import atomic_write_json
from kerasdl._validation import (check_bool, check_choice, check_int, check_positive_int,
                                 check_type, describe)
from kerasdl.tuning import _report, _space, _targets, _tuner

__all__ = ["tune", "TuneResult", "read_history"]

_STATE_FILE = "search.json"


@dataclass(eq=False)
class TuneResult:
    """The outcome of :func:`tune`.

    Attributes:
        best_settings: the searched settings of the best trial (``{"learning_rate": ...}``).
        best_value: the best trial's objective value.
        trials: one dict per trial in the order they ran: ``trial`` (id), ``status``,
            ``value``, ``settings``, ``epochs`` and ``run_dir`` (a kerasdl run folder).
        run_dir: the search folder (``pathlib.Path``).
        best_run_dir: the best trial's run folder.
        objective: the metric searched, e.g. ``"val_accuracy"``.
        direction: ``"max"`` or ``"min"``.
        command: the best settings as a ``kerasdl run`` command line (None for a builder).
    """

    best_settings: dict = field(default_factory=dict)
    best_value: float = None
    trials: list = field(default_factory=list)
    run_dir: Path = None
    best_run_dir: Path = None
    objective: str = None
    direction: str = None
    command: str = None

    def __repr__(self):
        return (f"TuneResult(best_settings={self.best_settings!r}, best_value="
                f"{self.best_value!r}, trials={len(self.trials)}, run_dir={str(self.run_dir)!r})")


def _default_direction(objective):
    low = objective.lower()
    lower_better = ("loss", "error", "mae", "mse", "rmse", "mape", "crossentropy")
    return "min" if any(word in low for word in lower_better) else "max"


def _check_arguments(space, max_trials, tuner, objective, direction, epochs, seed):
    dims = _space.parse_space(space)
    check_positive_int("max_trials", max_trials)
    check_type("tuner", tuner, str)
    tuner = check_choice("tuner", tuner, _tuner.TUNERS, kind="tuner")
    check_type("objective", objective, str)
    if not objective.strip():
        raise ValueError("`objective` is empty; name a metric the runs record, e.g. "
                         "'val_accuracy' or 'val_loss'.")
    if direction is None:
        direction = _default_direction(objective)
    direction = check_choice("direction", direction, ("min", "max"), kind="direction")
    check_positive_int("epochs", epochs, allow_none=True)
    check_int("seed", seed, min_value=0)
    return dims, tuner, direction


def _resolve_target(recipe_or_builder):
    if isinstance(recipe_or_builder, str):
        return _targets.recipe_target(recipe_or_builder)
    if callable(recipe_or_builder):
        return _targets.builder_target(recipe_or_builder)
    raise TypeError(f"`recipe_or_builder` must be a recipe name (str) or a callable "
                    f"builder(**settings) -> keras.Model; received "
                    f"{describe(recipe_or_builder)} of type {type(recipe_or_builder).__name__}.")


def _fixed_settings(target, dims, fixed, epochs, seed):
    fixed = {target.key(k): v for k, v in fixed.items()}
    target.check_names(dims, "space")
    target.check_names(fixed, "fixed settings")
    dims = {target.key(k): d for k, d in dims.items()}
    both = sorted(set(dims) & set(fixed))
    if both:
        raise ValueError(f"{both[0]!r} is both searched (in `space`) and fixed; remove it from "
                         f"one of them.")
    if epochs is not None:
        if "epochs" in fixed or "epochs" in dims:
            raise ValueError("`epochs` is given twice (as the argument and as a setting).")
        fixed["epochs"] = epochs
    if "seed" not in dims:
        fixed.setdefault("seed", seed)
    if target.kind == "builder":
        target.check_data(fixed)
    return dims, fixed


def _check_objective_before_training(target, objective, fixed, dims):
    if not objective.startswith("val_"):
        return
    if target.has_validation(fixed, dims) is False:
        where = ("its `val` setting is 0 or None" if target.kind == "recipe"
                 else "`data` has no validation part")
        raise ValueError(f"`objective` {objective!r} is a validation metric, but the runs of "
                         f"{target.describe()} have no validation data ({where}). Give them "
                         f"some (e.g. val=0.2 or validation_split=0.2) or search a training "
                         f"metric such as objective={objective[4:]!r}.")


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "x_train"):
        return f"Dataset {getattr(value, 'name', None)!r}"
    return f"<{type(value).__name__}>"


def _search_record(target, dims, fixed, tuner, objective, direction, seed):
    return {
        "kerasdl_tune": 1,
        "target": {"kind": target.kind, "name": target.name},
        "space": {name: {"kind": d.kind, "values": d.describe()} for name, d in dims.items()},
        "fixed": _jsonable(fixed),
        "tuner": tuner, "objective": objective, "direction": direction, "seed": seed,
    }


def _prepare_folder(run_dir, record, overwrite):
    """Create the search folder, clear it (overwrite) or check it holds this same search."""
    run_dir = Path(run_dir)
    state = run_dir / _STATE_FILE
    if overwrite:
        for entry in [state, run_dir / "tuner", *run_dir.glob("trial_*"),
                      *(run_dir / name for name in _report.FILES)]:
            if entry.is_dir():
                shutil.rmtree(entry)
            elif entry.exists():
                entry.unlink()
    if state.exists():
        previous = json.loads(state.read_text(encoding="utf-8"))
        changed = sorted(k for k in record if previous.get(k) != record[k])
        if changed:
            raise ValueError(f"`run_dir` {str(run_dir)!r} holds another search (its "
                             f"{', '.join(changed)} differ); pass overwrite=True to replace "
                             f"it or choose another run_dir. The same settings continue it.")
    elif run_dir.is_dir() and any(run_dir.iterdir()):
        raise ValueError(f"`run_dir` {str(run_dir)!r} is not empty and holds no kerasdl "
                         f"search; choose an empty or new folder (or overwrite=True).")
    run_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_json(state, record)
    return run_dir


def read_history(run_dir):
    """The per-epoch history of a finished run folder (``history.csv``), or None."""
    import csv

    run_dir = Path(run_dir)
    path = run_dir / "history.csv"
    if not (run_dir / "metrics.json").is_file() or not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    return {k: [float(r[k]) if r[k] not in ("", None) else math.nan for r in rows]
            for k in keys}


def _objective_value(history, objective, direction, target):
    values = [v for v in (history or {}).get(objective, []) if not math.isnan(v)]
    if not values:
        recorded = ", ".join(sorted(history or {})) or "no per-epoch history"
        raise ValueError(f"`objective` {objective!r} is not recorded by the runs of "
                         f"{target.describe()}; they record: {recorded}.")
    return float(max(values) if direction == "max" else min(values))


def _trial_runner(target, dims, fixed, run_dir, objective, direction, tuner_name):
    """The function keras-tuner calls for each trial: one kerasdl run folder per trial."""

    def run_one(trial):
        values = trial.hyperparameters.values
        settings = {**fixed, **_space.settings_from_values(dims, values)}
        if tuner_name == "hyperband":
            settings["epochs"] = int(values["tuner/epochs"])
        trial_dir = Path(run_dir) / f"trial_{trial.trial_id}"
        history = read_history(trial_dir)  # finished before a kill: keep it
        if history is None:
            if trial_dir.exists():
                shutil.rmtree(trial_dir)  # interrupted mid-run: run it again
            history = target.run(settings, trial_dir).history
        return {objective: _objective_value(history, objective, direction, target)}

    return run_one


def _collect_trials(oracle, dims, run_dir, tuner_name):
    trials = []
    for trial_id in oracle.start_order:
        trial = oracle.trials[trial_id]
        values = trial.hyperparameters.values
        settings = _space.settings_from_values(dims, values)
        history = read_history(Path(run_dir) / f"trial_{trial_id}")
        epochs = len(next(iter(history.values()), [])) if history else None
        score = None if trial.score is None else float(trial.score)
        trials.append({"trial": trial_id, "status": trial.status, "value": score,
                       "settings": settings, "epochs": epochs,
                       "run_dir": Path(run_dir) / f"trial_{trial_id}", "history": history})
    return trials


def tune(recipe_or_builder, space, *, max_trials=10, tuner="random", objective="val_accuracy",
         direction=None, epochs=None, run_dir="runs/tune", seed=0, overwrite=False, verbose=1,
         **fixed_settings):
    """Search the settings of a recipe (or a model builder) with keras-tuner.

    Each trial is a normal kerasdl run (``kerasdl.recipes.run(name, **settings,
    run_dir=RUN_DIR/trial_N)``, or ``kerasdl.train(builder(...), data, ...)``) scored by
    the best epoch value of ``objective``. keras-tuner picks the settings (random search,
    Bayesian optimization or Hyperband) and keeps its state in ``RUN_DIR/tuner``, so a
    search that was killed continues where it stopped when called again with the same
    arguments (a larger ``max_trials`` extends a finished search). The folder also gets
    ``trials.csv`` (sorted by the objective), ``best.json`` (the best settings and a
    ready ``kerasdl run`` command line) and ``tune_report.html`` (table and overlaid
    learning curves). The same ``seed`` gives the same trial settings in the same order.

    Args:
        recipe_or_builder: a recipe name (``"digits_mlp"``) or a callable
            ``builder(**settings) -> keras.Model``; builder settings that are not its
            parameters go to ``kerasdl.train`` (``epochs``, ``learning_rate``...).
        space: ``{setting: dimension}``: a list of choices (``[64, 128]``), a range
            ``(lo, hi)`` (ints: integer range), the text ``"1e-4..1e-1:log"`` or a
            :class:`kerasdl.tuning.Range`.
        max_trials: number of trials (settings tried). Defaults to 10.
        tuner: ``"random"``, ``"bayesian"`` or ``"hyperband"`` (trials with growing epoch
            budgets up to ``epochs``; each trial trains from scratch). Defaults to
            ``"random"``.
        objective: the per-epoch metric to optimize, as the history names it
            (``"val_accuracy"``, ``"val_loss"``, ``"loss"``...). Defaults to
            ``"val_accuracy"``.
        direction: ``"max"`` or ``"min"``. Defaults to None (``"min"`` for losses and
            errors, else ``"max"``).
        epochs: epochs of every trial (Hyperband: the largest budget). Defaults to None
            (the recipe's own; 10 for a builder).
        run_dir: the search folder. Defaults to ``"runs/tune"``.
        seed: seed of the search and of every trial (unless ``seed`` is searched or
            fixed). Defaults to 0.
        overwrite: clear a previous search in ``run_dir`` first. Defaults to False.
        verbose: 1 prints keras-tuner's progress per trial, 0 nothing. Defaults to 1.
        **fixed_settings: settings every trial uses (``val=0.2``, ``data=...``).

    Returns:
        A :class:`TuneResult`.

    Raises:
        ValueError: for an unknown setting (close matches listed), an empty or ill-formed
            range, an unknown tuner, ``max_trials < 1``, an objective the runs do not
            record (a ``val_`` objective without validation data is refused before any
            training), or a ``run_dir`` holding another search.
        TypeError: for arguments of the wrong type.

    Example:

    >>> result = kerasdl.tune("digits_mlp", space={"learning_rate": "1e-4..1e-1:log",
    ...                       "hidden": [(64,), (128, 64)]}, max_trials=8,
    ...                       epochs=5, run_dir="runs/tune-digits")    # doctest: +SKIP
    >>> result.best_settings                                           # doctest: +SKIP
    {'learning_rate': 0.0042..., 'hidden': (128, 64)}
    """
    dims, tuner, direction = _check_arguments(space, max_trials, tuner, objective, direction,
                                              epochs, seed)
    check_bool("overwrite", overwrite)
    check_int("verbose", verbose, min_value=0, max_value=2)
    check_type("run_dir", run_dir, (str, Path))
    target = _resolve_target(recipe_or_builder)
    dims, fixed = _fixed_settings(target, dims, fixed_settings, epochs, seed)
    _check_objective_before_training(target, objective, fixed, dims)
    max_epochs = target.epochs(fixed)
    if tuner == "hyperband":
        check_positive_int("epochs", max_epochs)
    record = _search_record(target, dims, fixed, tuner, objective, direction, seed)
    run_dir = _prepare_folder(run_dir, record, overwrite)
    oracle = _tuner.make_oracle(tuner, objective=objective, direction=direction,
                                hyperparameters=_space.to_hyperparameters(dims),
                                max_trials=max_trials, seed=seed, max_epochs=max_epochs)
    run_one = _trial_runner(target, dims, fixed, run_dir, objective, direction, tuner)
    quiet = contextlib.redirect_stdout(io.StringIO()) if not verbose else contextlib.nullcontext()
    with quiet:
        kt = _tuner.make_tuner(oracle, directory=run_dir, run_one=run_one, verbose=verbose)
        try:
            kt.search()
        except kt.fatal_error as e:
            raise e.args[0].error from None
    trials = _collect_trials(kt.oracle, dims, run_dir, tuner)
    return _report.write_search_report(run_dir, trials, target=target, fixed=fixed,
                                       objective=objective, direction=direction,
                                       result_cls=TuneResult)
