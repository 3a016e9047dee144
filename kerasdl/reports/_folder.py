"""Reading a run folder: its files, its state, its sub-runs and its exports.

The writing side is :mod:`kerasdl.reports._run`, the page is :mod:`kerasdl.reports._html`;
both read folders through this module, which imports neither.
"""

import csv
import io
import json
import os
from pathlib import Path

from kerasdl._validation import check_type
from kerasdl.errors import DamagedFileError

__all__ = ["PLOT_FILES", "read_run", "run_state", "find_subruns", "read_exports"]

#: file names (under ``plots/``) of the plots ``write_run`` and ``build_report`` draw.
PLOT_FILES = {
    "learning_curves": "learning_curves.png",
    "confusion_matrix": "confusion_matrix.png",
    "predictions": "predictions.png",
    "decision_boundary": "decision_boundary.png",
    "fit": "fit.png",
    "mistakes": "mistakes.png",
    "comparison_curves": "comparison_curves.png",
}

RUN_STATES = ("empty", "interrupted", "finished")


def check_run_dir(run_dir):
    """``run_dir`` as a ``Path``; a TypeError/ValueError for anything but a folder path."""
    check_type("run_dir", run_dir, (str, os.PathLike))
    run_dir = Path(run_dir).expanduser()
    if run_dir.exists() and not run_dir.is_dir():
        raise ValueError(f"`run_dir` must be a folder; received {str(run_dir)!r}, which is a "
                         f"file.")
    return run_dir


def _read_text(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise DamagedFileError(f"{path} is damaged: it is not UTF-8 text ({e}).") from None


def read_json(path, kind=None):
    """The JSON content of ``path``; ``kind`` (dict/list) is the type it must have."""
    try:
        doc = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise DamagedFileError(f"{path} is damaged: it is not valid JSON ({e}). Re-run the "
                               f"training, or delete the file.") from None
    if kind is not None and not isinstance(doc, kind):
        what = {dict: "a JSON object", list: "a JSON list"}[kind]
        raise DamagedFileError(f"{path} is damaged: it must hold {what}; it holds "
                               f"{type(doc).__name__}.")
    return doc


def parse_history_csv(path):
    """``{name: [float, ...]}`` from a ``history.csv`` (the ``epoch`` column dropped)."""
    rows = list(csv.reader(io.StringIO(_read_text(path))))
    if not rows:
        return {}
    header = rows[0]
    history = {k: [] for k in header if k != "epoch"}
    for line_no, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DamagedFileError(f"{path} is damaged: line {line_no} has {len(row)} fields, "
                                   f"the header has {len(header)}.")
        for name, cell in zip(header, row):
            if name == "epoch" or cell == "":
                continue
            try:
                history[name].append(float(cell))
            except ValueError:
                raise DamagedFileError(f"{path} is damaged: line {line_no}, column {name!r} "
                                       f"holds {cell!r}, not a number.") from None
    return history


def plot_order(path):
    """Sort key: the standard plots in PLOT_FILES order, then the others by name."""
    for i, name in enumerate(PLOT_FILES.values()):
        if path.name == name or path.name.startswith(name[:-4] + "_"):
            return (0, i, path.as_posix())
    return (1, 0, path.as_posix())


def _visible(path):
    return not path.name.startswith(".")


def read_run(run_dir):
    """Read a run folder back: its config, history and metrics, and where its files are.

    Args:
        run_dir: a folder written by :func:`write_run` (or ``kerasdl.train(run_dir=...)``).

    Returns:
        A dict with ``"run_dir"`` (``Path``), ``"config"`` (dict), ``"history"``
        (``{name: [float, ...]}``, empty when there is no history.csv), ``"metrics"`` (the
        content of metrics.json, empty when missing), ``"plots"`` (sorted PNG paths under
        ``plots/``), ``"models"`` (the ``*.keras`` paths) and ``"report"`` (the
        ``report.html`` path or None).

    Raises:
        FileNotFoundError: if the folder does not exist or has no config.json (it is not
            a kerasdl run folder).
        ValueError: if ``run_dir`` is a file, or a file in it is damaged
            (``kerasdl.errors.DamagedFileError``).

    Example:

    >>> run = kerasdl.reports.read_run("runs/xor")                       # doctest: +SKIP
    >>> run["metrics"]["metrics"]["accuracy"]                            # doctest: +SKIP
    1.0
    """
    run_dir = check_run_dir(run_dir)
    if not run_dir.exists():
        raise FileNotFoundError(f"Run folder {str(run_dir)!r} does not exist.")
    config_path = run_dir / "config.json"
    if not config_path.is_file():
        present = sorted(p.name for p in run_dir.iterdir())
        found = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise FileNotFoundError(
            f"{str(run_dir)!r} is not a kerasdl run folder: config.json is missing (found: "
            f"{found or 'nothing'}). A run folder is written by "
            f"kerasdl.train(..., run_dir=...) or kerasdl.reports.write_run(...)."
        )
    config = read_json(config_path, dict)
    metrics_path = run_dir / "metrics.json"
    metrics = read_json(metrics_path, dict) if metrics_path.is_file() else {}
    history_path = run_dir / "history.csv"
    history = parse_history_csv(history_path) if history_path.is_file() else {}
    plots_dir = run_dir / "plots"
    plots = (sorted((p for p in plots_dir.rglob("*.png") if p.is_file() and _visible(p)),
                    key=plot_order) if plots_dir.is_dir() else [])
    report = run_dir / "report.html"
    return {
        "run_dir": run_dir,
        "config": config,
        "history": history,
        "metrics": metrics,
        "plots": plots,
        "models": sorted(p for p in run_dir.glob("*.keras") if _visible(p)),
        "report": report if report.is_file() else None,
    }


def find_subruns(run_dir):
    """The sub-runs of a multi-model run folder: its direct sub-folders that hold both
    ``config.json`` and ``metrics.json`` (finished runs), sorted by name."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        return []
    return sorted(p for p in run_dir.iterdir()
                  if p.is_dir() and _visible(p) and (p / "config.json").is_file()
                  and (p / "metrics.json").is_file())


def run_state(run_dir):
    """What a run folder holds: ``"empty"``, ``"interrupted"`` or ``"finished"``.

    - ``"finished"``: the folder holds its own ``metrics.json``. ``kerasdl.train`` writes
      it after the last epoch and the evaluation; a recipe that trains several models into
      sub-folders writes the top folder's ``metrics.json`` only after every sub-run
      finished, so a multi-model folder is finished exactly when its top ``metrics.json``
      exists (finished sub-runs alone do not make it finished).
    - ``"interrupted"``: no top ``metrics.json``, but training began: a ``checkpoints/``
      folder at the top or in a sub-folder, or a sub-folder that holds a finished run (its
      own ``metrics.json``: a multi-model run stopped between two models).
    - ``"empty"``: anything else, including a folder that does not exist yet.

    ``kerasdl.train(resume="auto")`` and the CLI's ``--resume``/``--overwrite`` decide with
    it: an interrupted run can be resumed, a finished one is never silently overwritten.

    Args:
        run_dir: the run folder (str or path).

    Returns:
        One of ``"empty"``, ``"interrupted"``, ``"finished"``.

    Raises:
        TypeError: if ``run_dir`` is not a str or path.
        ValueError: if ``run_dir`` is a file.

    Example:

    >>> kerasdl.reports.run_state("runs/not-yet")                        # doctest: +SKIP
    'empty'
    """
    run_dir = check_run_dir(run_dir)
    if (run_dir / "metrics.json").is_file():
        return "finished"
    if not run_dir.is_dir():
        return "empty"
    if (run_dir / "checkpoints").is_dir():
        return "interrupted"
    for sub in sorted(run_dir.iterdir()):
        if sub.is_dir() and _visible(sub) and ((sub / "checkpoints").is_dir()
                                               or (sub / "metrics.json").is_file()):
            return "interrupted"
    return "empty"


def read_exports(run_dir):
    """The export manifest ``export/exports.json`` of a run folder.

    Returns ``(entries, problem)``: the list of export entries (dicts) and None, an empty
    list and None when there is no manifest, or an empty list and a sentence saying why a
    manifest could not be read (the report shows it instead of failing).
    """
    path = Path(run_dir) / "export" / "exports.json"
    if not path.is_file():
        return [], None
    try:
        entries = read_json(path, list)
    except DamagedFileError as e:
        return [], str(e)
    bad = [i for i, e in enumerate(entries) if not isinstance(e, dict) or "path" not in e]
    if bad:
        return [], (f"{path} is damaged: entry {bad[0]} is not an object with a \"path\" "
                    f"(format, path, bytes, max_abs_diff, created).")
    return entries, None
