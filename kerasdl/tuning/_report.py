"""The search report: ``trials.csv``, ``best.json``, ``tune_curves.png`` and
``tune_report.html`` (trials sorted by the objective, overlaid learning curves, the best
settings as a ready ``kerasdl run`` command line). Every file is written atomically."""

import base64
import html
import math
import shlex
from pathlib import Path

from kerasdl._io import atomic_write_json, atomic_write_text

__all__ = ["FILES", "write_search_report", "command_line", "cli_value"]

FILES = ("trials.csv", "best.json", "tune_report.html", "tune_curves.png")


def cli_value(value):
    """``value`` as the text ``kerasdl run --set key=TEXT`` reads back to the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return f"{cli_value(value[0])},"
        return ",".join(cli_value(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {cli_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def command_line(recipe, settings):
    """``kerasdl run RECIPE --set k=v ...`` for the settings that a command line can hold."""
    parts = ["kerasdl", "run", recipe]
    for key, value in settings.items():
        if key in ("verbose", "run_dir") or not _cli_friendly(value):
            continue
        parts += ["--set", f"{key}={cli_value(value)}"]
    return " ".join(shlex.quote(p) for p in parts)


def _cli_friendly(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return True
    if isinstance(value, (tuple, list)):
        return all(_cli_friendly(v) for v in value)
    if isinstance(value, dict):
        return all(_cli_friendly(v) for v in value.values())
    return False


def _sorted_trials(trials, direction):
    def key(t):
        v = t["value"]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return (1, 0.0)
        return (0, -v if direction == "max" else v)

    return sorted(trials, key=key)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (tuple, list)):
        return cli_value(value)
    return "" if value is None else str(value)


def _write_csv(run_dir, ordered, names, objective):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "trial", objective, *names, "epochs", "status", "run_dir"])
    for rank, t in enumerate(ordered, 1):
        writer.writerow([rank, t["trial"], _fmt(t["value"]),
                         *(_fmt(t["settings"].get(n)) for n in names), _fmt(t["epochs"]),
                         t["status"], t["run_dir"].name])
    atomic_write_text(run_dir / "trials.csv", out.getvalue())


def _write_curves(run_dir, ordered, objective):
    from matplotlib.figure import Figure

    from kerasdl import reports

    fig = Figure(figsize=(6.4, 4.2), dpi=100, layout="constrained")
    ax = fig.subplots()
    for t in ordered:
        values = (t["history"] or {}).get(objective)
        if values:
            ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3,
                    label=f"trial {t['trial']}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(objective)
    ax.set_title(f"{objective} per epoch, every trial")
    if ax.lines:
        ax.legend(fontsize=7, ncol=2)
    path = run_dir / "tune_curves.png"
    reports.save_figure(fig, path)
    return path


def _html_page(result, ordered, names, png):
    rows = []
    for rank, t in enumerate(ordered, 1):
        cells = [rank, t["trial"], _fmt(t["value"]), *(_fmt(t["settings"].get(n)) for n in names),
                 _fmt(t["epochs"]), t["status"]]
        link = f'<a href="{t["run_dir"].name}/report.html">{t["run_dir"].name}</a>'
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                    + f"<td>{link}</td></tr>")
    head = ["rank", "trial", result.objective, *names, "epochs", "status", "run folder"]
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    command = (f"<pre>{html.escape(result.command)}</pre>" if result.command
               else "<p>(a builder search: call your builder with these settings)</p>")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>kerasdl search: {html.escape(str(result.run_dir))}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}tr:nth-child(2){{background:#e8f4e8}}</style>
</head><body>
<h1>Hyper-parameter search</h1>
<p>{len(ordered)} trials; objective <b>{html.escape(result.objective)}</b> ({result.direction});
best {html.escape(_fmt(result.best_value))} in {html.escape(str(result.best_run_dir.name if result.best_run_dir else ''))}.</p>
<h2>Best settings</h2>
<pre>{html.escape(repr(result.best_settings))}</pre>
{command}
<h2>Trials, best first</h2>
<table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>
{chr(10).join(rows)}</table>
<h2>Learning curves</h2>
<img alt="{html.escape(result.objective)} per epoch" src="data:image/png;base64,{image}">
</body></html>
"""


def write_search_report(run_dir, trials, *, target, fixed, objective, direction, result_cls):
    """Write the report files and return the ``TuneResult``."""
    run_dir = Path(run_dir)
    ordered = _sorted_trials(trials, direction)
    names = list(trials[0]["settings"]) if trials else []
    done = [t for t in ordered if t["value"] is not None]
    best = done[0] if done else None
    command = None
    if best is not None and target.kind == "recipe":
        command = command_line(target.name, {**fixed, **best["settings"]})
    result = result_cls(best_settings=dict(best["settings"]) if best else {},
                        best_value=best["value"] if best else None,
                        trials=[{k: v for k, v in t.items() if k != "history"} for t in trials],
                        run_dir=run_dir, best_run_dir=best["run_dir"] if best else None,
                        objective=objective, direction=direction, command=command)
    _write_csv(run_dir, ordered, names, objective)
    atomic_write_json(run_dir / "best.json", {
        "objective": objective, "direction": direction, "value": result.best_value,
        "trial": best["trial"] if best else None, "settings": result.best_settings,
        "run_dir": best["run_dir"].name if best else None, "command": command,
        "trials": len(trials)})
    png = _write_curves(run_dir, ordered, objective)
    atomic_write_text(run_dir / "tune_report.html", _html_page(result, ordered, names, png))
    return result
