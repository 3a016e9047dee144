"""The top report of a multi-model run folder: its sub-runs side by side.

Recipes such as ``xor`` or ``compare_optimizers`` train several models, each into a
sub-folder of one run folder. The top report compares them: one table row per sub-run (its
test metrics, epochs, training time, parameters, a link to its own report) and the learning
curves of all of them overlaid (``plots/comparison_curves.png``).
"""

import math
from pathlib import Path

from kerasdl.reports import _htmlkit as kit
from kerasdl.reports._folder import PLOT_FILES, find_subruns, read_run

__all__ = ["read_subruns", "comparison_rows", "comparison_section", "draw_comparison"]

# metrics where lower is better (the best row of the table is marked accordingly)
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse", "mape", "hinge", "crossentropy")


def read_subruns(run_dir, order=()):
    """``{name: read_run(sub-folder)}`` for every sub-run of ``run_dir``: the names in
    ``order`` first (e.g. the recipe's order of its models), then the others by name."""
    found = {p.name: p for p in find_subruns(run_dir)}
    names = [n for n in order if n in found] + [n for n in sorted(found) if n not in order]
    return {name: read_run(found[name]) for name in names}


def _epochs(history):
    return max((len(v) for v in history.values()), default=0)


def _params(config):
    model = config.get("model")
    if isinstance(model, dict) and isinstance(model.get("params"), int):
        return model["params"]
    settings = config.get("settings")
    if isinstance(settings, dict) and isinstance(settings.get("params"), int):
        return settings["params"]
    return None


def _seconds(timings):
    if not isinstance(timings, dict):
        return None
    for key in ("wall_s", "fit_s"):
        if kit.is_number(timings.get(key)):
            return float(timings[key])
    return None


def _recipe_metrics(top_metrics, names):
    """The top folder's metrics keyed by sub-run (``{"mlp": {...}, ...}``) when it has
    numbers for every sub-run, else None."""
    if not isinstance(top_metrics, dict) or not names:
        return None
    if all(isinstance(top_metrics.get(name), dict) for name in names):
        return {name: top_metrics[name] for name in names}
    return None


def comparison_rows(subruns, top_metrics=None):
    """One row per sub-run: what the comparison table shows.

    The metrics of a row are the ones the recipe reported for that sub-run in the top
    folder's ``metrics.json`` (``{"mlp": {...}, "perceptron": {...}}``) when it reported
    numbers for every sub-run: then all rows come from one evaluation made alike. Otherwise
    each row shows its sub-run's own test metrics (its ``metrics.json``).

    Args:
        subruns: ``{name: run}``, each ``run`` as :func:`read_run` returns it.
        top_metrics: the ``"metrics"`` of the top folder's metrics.json. Defaults to None.

    Returns:
        A list of dicts ``{"name", "metrics" ({name: number}), "source" ("recipe" or
        "run": where the metrics come from), "epochs" (rows of its history), "time_s" (its
        wall time, None if not recorded), "params" (the model's parameter count, None if
        unknown), "report" (the relative path of its report.html, None if it has none)}``,
        in the order of ``subruns``.
    """
    recipe = _recipe_metrics(top_metrics, list(subruns))
    rows = []
    for name, run in subruns.items():
        doc = run["metrics"] if isinstance(run["metrics"], dict) else {}
        metrics = recipe[name] if recipe else doc.get("metrics")
        metrics = metrics if isinstance(metrics, dict) else {}
        rows.append({
            "name": name,
            "metrics": {k: v for k, v in metrics.items() if kit.is_number(v)},
            "source": "recipe" if recipe else "run",
            "epochs": _epochs(run["history"]),
            "time_s": _seconds(doc.get("timings")),
            "params": _params(run["config"]),
            "report": f"{name}/report.html" if run["report"] is not None else None,
        })
    return rows


def _best(rows, column):
    values = [r["metrics"].get(column) for r in rows]
    finite = [v for v in values if kit.is_number(v) and math.isfinite(v)]
    if len(finite) < 2 or min(finite) == max(finite):
        return None
    lower = any(word in column.lower() for word in _LOWER_IS_BETTER)
    return min(finite) if lower else max(finite)


def _table(rows):
    columns = []
    for row in rows:
        columns.extend(c for c in row["metrics"] if c not in columns)
    columns.sort(key=lambda c: c != "loss")  # stable: loss first, the others in order
    best = {c: _best(rows, c) for c in columns}
    head = ("<tr><th>sub-run</th>" + "".join(f"<th>{kit.esc(c)}</th>" for c in columns) +
            "<th>epochs</th><th>time</th><th>parameters</th></tr>")
    body = []
    for row in rows:
        name = kit.esc(row["name"])
        link = (f'<a href="{kit.esc(row["report"])}">{name}</a>' if row["report"] else name)
        cells = "".join(kit.cell(row["metrics"].get(c),
                                 "best" if best[c] is not None
                                 and row["metrics"].get(c) == best[c] else None)
                        for c in columns)
        body.append(f"<tr><th>{link}</th>{cells}{kit.cell(row['epochs'])}"
                    f'<td class="n">{kit.fmt_seconds(row["time_s"])}</td>'
                    f"{kit.cell(row['params'])}</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def draw_comparison(run_dir, subruns):
    """Draw ``plots/comparison_curves.png`` (the sub-runs' learning curves overlaid).

    Returns its path, or None when no sub-run recorded an epoch (a stale file is removed).
    """
    from kerasdl.reports import _plots

    path = Path(run_dir) / "plots" / PLOT_FILES["comparison_curves"]
    histories = {name: run["history"] for name, run in subruns.items() if run["history"]}
    if not any(any(v) for v in histories.values()):
        path.unlink(missing_ok=True)
        return None
    _plots.save_figure(_plots.plot_histories(histories), path)
    return path


def comparison_section(run_dir, subruns, curves=None, top_metrics=None):
    """The "Sub-runs" section: the table, the overlaid curves and the links.

    Returns ``(html, merged)``: ``merged`` is True when the table shows the top folder's
    metrics (the page then need not repeat them in a table of their own).
    """
    rows = comparison_rows(subruns, top_metrics)
    merged = bool(rows) and rows[0]["source"] == "recipe"
    source = ("the metrics the recipe reported for it" if merged else "its test metrics")
    out = [f"<h2>Sub-runs ({len(rows)})</h2>",
           f'<p class="muted">Each model of this run trained in its own sub-folder. One row '
           f"per sub-run: {source} (best value in bold), epochs, training time and "
           f"parameters; the name links to its own report.</p>", _table(rows)]
    if curves is not None and Path(curves).is_file():
        rel = Path(curves).relative_to(run_dir).as_posix()
        out.append('<div class="plots">' + kit.png_figure(
            Path(curves).read_bytes(), rel,
            "Learning curves of the sub-runs overlaid: one panel per metric, one line per "
            f"sub-run <code>{kit.esc(rel)}</code>") + "</div>")
    return "".join(out), merged
