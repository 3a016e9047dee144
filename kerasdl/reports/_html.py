"""``report.html``: one self-contained page per run folder.

Everything the page needs is inside it: inline CSS, the plots as base64 ``data:`` URIs, no
script, no external stylesheet, font or image, so it opens offline, can be mailed or attached
to a notebook, and shows the same thing in any browser. Its only links point to files of the
folder itself: the sub-runs' reports of a multi-model run and the exported models.
"""

import datetime
import json
from pathlib import Path

from kerasdl._io import atomic_write_text
from kerasdl.reports import _compare
from kerasdl.reports import _htmlkit as kit
from kerasdl.reports._folder import PLOT_FILES, find_subruns, read_exports, read_run
from kerasdl.reports._settings import user_settings

__all__ = ["build_report", "render_report"]

_MAX_FILES = 40  # rows of the file list (a long run can keep many checkpoints)

_CAPTIONS = {
    "learning_curves": "Learning curves: loss and metrics per epoch, training vs validation",
    "confusion_matrix": "Confusion matrix: true class (rows) vs predicted class (columns)",
    "predictions": "Predictions vs truth",
    "decision_boundary": "Decision boundary over the training inputs",
    "fit": "Model fit over the input range",
    "mistakes": "The test images the model got most wrong: true → predicted (confidence)",
}

def _metrics_section(metrics):
    if not metrics:
        return '<p class="muted">No test metrics were recorded.</p>'
    nested = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    flat = {k: v for k, v in metrics.items() if not isinstance(v, dict)}
    parts = [kit.cards(flat)] if flat else []
    if flat and any(not kit.is_number(v) for v in flat.values()):
        parts.append(kit.kv_table({k: v for k, v in flat.items() if not kit.is_number(v)}))
    if nested:  # metrics keyed by model: one row per model
        columns = []
        for v in nested.values():
            for c in v:
                if c not in columns:
                    columns.append(c)
        head = "<tr><th>model</th>" + "".join(f"<th>{kit.esc(c)}</th>" for c in columns) + "</tr>"
        rows = "".join("<tr><th>" + kit.esc(name) + "</th>" +
                       "".join(kit.cell(v.get(c)) for c in columns) + "</tr>"
                       for name, v in nested.items())
        parts.append(f"<table>{head}{rows}</table>")
    return "".join(parts)


def _evaluation_section(ev):
    if not ev:
        return ""
    part = ev.get("part")
    out = [f"<h2>Evaluation{' on the ' + kit.esc(part) + ' part' if part else ''}</h2>"]
    scalars = {k: v for k, v in ev.items()
               if kit.is_number(v) and k not in ("part",)}
    if scalars:
        out.append(kit.cards(scalars))
    per_class = ev.get("per_class")
    if isinstance(per_class, dict) and per_class:
        cols = ("precision", "recall", "f1", "support")
        head = "<tr><th>class</th>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"
        rows = []
        for name, stats in per_class.items():
            if isinstance(stats, dict):
                rows.append("<tr><th>" + kit.esc(name) + "</th>" +
                            "".join(kit.cell(stats.get(c)) for c in cols) + "</tr>")
        for avg in ("macro_avg", "weighted_avg"):
            stats = ev.get(avg)
            if isinstance(stats, dict):
                rows.append("<tr><th>" + avg.replace("_", " ") + "</th>" +
                            "".join(kit.cell(stats.get(c)) for c in cols) + "</tr>")
        out.append("<h3>Per-class report</h3>")
        out.append(f"<table>{head}{''.join(rows)}</table>")
    cm = ev.get("confusion_matrix")
    if isinstance(cm, list) and cm and all(isinstance(r, list) for r in cm) and len(cm) <= 30:
        names = ev.get("class_names") or [str(i) for i in range(len(cm))]
        head = ("<tr><th>true \\ predicted</th>" +
                "".join(f"<th>{kit.esc(n)}</th>" for n in names) + "</tr>")
        rows = "".join("<tr><th>" + kit.esc(names[i] if i < len(names) else i) + "</th>" +
                       "".join(kit.cell(v) for v in row) + "</tr>" for i, row in enumerate(cm))
        out.append("<h3>Confusion matrix</h3>")
        out.append(f"<table>{head}{rows}</table>")
    return "".join(out)


def _timings_section(timings):
    if not timings:
        return ""
    shown = {}
    for k, v in timings.items():
        if isinstance(v, list) and v and all(kit.is_number(x) for x in v):
            shown[f"{k} (mean of {len(v)})"] = sum(v) / len(v)
            shown[f"{k} (per epoch)"] = v
        else:
            shown[k] = v
    return "<h2>Timings</h2>" + kit.kv_table(shown)


def _history_section(history):
    if not history:
        return '<h2>History</h2><p class="muted">No history.csv: no epoch was recorded.</p>'
    keys = list(history)
    n = max(len(v) for v in history.values())
    head = "<tr><th>epoch</th>" + "".join(f"<th>{kit.esc(k)}</th>" for k in keys) + "</tr>"
    rows = "".join("<tr><td class=\"n\">" + str(i + 1) + "</td>" +
                   "".join(kit.cell(history[k][i]) if i < len(history[k]) else "<td></td>"
                           for k in keys) + "</tr>" for i in range(n))
    last = {k: v[-1] for k, v in history.items() if v}
    summary = f"History: {n} epoch{'s' if n != 1 else ''}"
    return (f"<h2>History</h2>{kit.kv_table({f'{k} (last epoch)': v for k, v in last.items()})}"
            f"<details><summary>{summary}</summary><table>{head}{rows}</table></details>")


def _plots_section(run_dir, plots):
    plots = [p for p in plots if p.name != PLOT_FILES["comparison_curves"]]
    if not plots:
        return '<h2>Plots</h2><p class="muted">No plots in this run folder.</p>'
    figures = []
    for path in plots:
        rel = path.relative_to(run_dir).as_posix()
        caption = _CAPTIONS.get(path.stem, path.stem.replace("_", " "))
        figures.append(kit.png_figure(path.read_bytes(), rel,
                                      f"{kit.esc(caption)} <code>{kit.esc(rel)}</code>"))
    return f'<h2>Plots</h2><div class="plots">{"".join(figures)}</div>'


_ENV_KEYS = ("seed", "backend", "devices", "versions", "python", "platform", "created",
             "run_dir")


def _settings_table(config):
    settings = config.get("settings")
    if not isinstance(settings, dict):
        return ""
    shown = user_settings(settings, config)
    return "<h3>Settings</h3>" + (kit.kv_table(kit.flatten(shown)) if shown else
                                  '<p class="muted">No settings were recorded.</p>')


def _environment_table(config):
    env = {k: config[k] for k in _ENV_KEYS if k in config}
    if isinstance(env.get("versions"), dict):
        versions = env.pop("versions")
        env.update({f"version of {k}": v for k, v in versions.items() if v is not None})
    return "<h3>Environment</h3>" + kit.kv_table(env) if env else ""


def _model_tables(model):
    if not isinstance(model, dict):
        return ""
    out = []
    for name, info in (model if "class" not in model else {"": model}).items():
        if not isinstance(info, dict):
            continue
        out.append(f"<h3>Model{' ' + kit.esc(name) if name else ''}</h3>")
        out.append(kit.kv_table({k: v for k, v in info.items() if k != "layers"}))
        layers = [layer for layer in info.get("layers") or () if isinstance(layer, dict)]
        if layers:
            rows = "".join(f"<tr><td>{kit.esc(layer.get('name'))}</td><td>"
                           f"{kit.esc(layer.get('class'))}</td>{kit.cell(layer.get('params'))}"
                           f"</tr>" for layer in layers)
            out.append(f"<table><tr><th>layer</th><th>class</th><th>params</th></tr>{rows}"
                       f"</table>")
    return "".join(out)


def _other_table(config):
    rest = {k: v for k, v in config.items()
            if k not in ("settings", "data", "model", "kerasdl_run", *_ENV_KEYS)}
    recipe = rest.get("recipe")
    if isinstance(recipe, dict) and recipe.get("settings") == config.get("settings"):
        rest["recipe"] = {k: v for k, v in recipe.items() if k != "settings"}
    return "<h3>Other</h3>" + kit.kv_table(kit.flatten(rest)) if rest else ""


def _config_section(config):
    data = config.get("data")
    raw = kit.esc(json.dumps(config, indent=2, ensure_ascii=False))
    return "".join([
        "<h2>Configuration</h2>",
        _settings_table(config),
        _environment_table(config),
        "<h3>Data</h3>" + kit.kv_table(kit.flatten(data)) if isinstance(data, dict) else "",
        _model_tables(config.get("model")),
        _other_table(config),
        "<details><summary>config.json as written (every setting, including the "
        f"optimizer's full Keras config)</summary><pre>{raw}</pre></details>",
    ])


def _exports_section(run_dir):
    entries, problem = read_exports(run_dir)
    if problem:
        return f'<h2>Exports</h2><p class="muted">{kit.esc(problem)}</p>'
    if not entries:
        return ""
    rows = []
    for e in entries:
        rel = str(e.get("path"))
        target = run_dir / rel
        size = e.get("bytes")
        if not kit.is_number(size) and target.is_file():
            size = target.stat().st_size
        link = (f'<a href="{kit.esc(Path(rel).as_posix())}"><code>{kit.esc(rel)}</code></a>'
                if target.exists() else f"<code>{kit.esc(rel)}</code> (missing)")
        rows.append(f"<tr><td>{kit.esc(e.get('format', '—'))}</td><td>{link}</td>"
                    f'<td class="n">{kit.fmt_bytes(size)}</td>{kit.cell(e.get("max_abs_diff"))}'
                    f"<td>{kit.esc(e.get('created', '—'))}</td></tr>")
    return ("<h2>Exports</h2><p class=\"muted\">Written by <code>kerasdl.export</code>; "
            "max |Δ| is the largest difference between the exported model's outputs and the "
            "Keras model's.</p><table><tr><th>format</th><th>path</th><th>size</th>"
            "<th>max |Δ|</th><th>created</th></tr>" + "".join(rows) + "</table>")


def _files_section(run_dir):
    rows = []
    for p in sorted(run_dir.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and p.name != "report.html":
            rows.append(f"<tr><td><code>{kit.esc(p.relative_to(run_dir).as_posix())}</code>"
                        f'</td><td class="n">{kit.fmt_bytes(p.stat().st_size)}</td></tr>')
    if not rows:
        return ""
    if len(rows) > _MAX_FILES:
        more = len(rows) - _MAX_FILES
        rows = rows[:_MAX_FILES] + [f'<tr><td colspan="2" class="muted">… and {more} more '
                                    f"file{'s' if more > 1 else ''}</td></tr>"]
    return ("<h2>Files</h2><table><tr><th>file</th><th>size</th></tr>" + "".join(rows) +
            "</table>")


def _title(run_dir, config, subruns):
    data = config.get("data") if isinstance(config.get("data"), dict) else {}
    model = config.get("model") if isinstance(config.get("model"), dict) else {}
    recipe = config.get("recipe") if isinstance(config.get("recipe"), dict) else {}
    bits = []
    if recipe.get("name"):
        bits.append(f"recipe: {recipe['name']}")
    if data.get("name"):
        bits.append(f"data: {data['name']} ({data.get('task', '?')})")
    if model.get("class"):
        bits.append(f"model: {model.get('name') or model['class']}")
    elif model:
        bits.append(f"models: {', '.join(map(str, model))}")
    if subruns:
        bits.append(f"{len(subruns)} sub-runs: {', '.join(subruns)}")
    if config.get("backend"):
        bits.append(f"backend: {config['backend']}")
    if config.get("created"):
        bits.append(f"created {config['created']}")
    return run_dir.resolve().name, " · ".join(bits)


def _dict(value):
    return value if isinstance(value, dict) else {}


def render_report(run, subruns=None, comparison_curves=None):
    """The HTML text of the report for ``run`` (the dict :func:`read_run` returns).

    ``subruns`` (``{name: read_run(sub-folder)}``) makes it the top report of a
    multi-model run: the comparison of the sub-runs comes first, and a missing history is
    not reported (the top folder trains nothing itself).
    """
    run_dir = Path(run["run_dir"])
    config = run["config"]
    metrics_doc = _dict(run["metrics"])
    title, subtitle = _title(run_dir, config, subruns)
    metrics = _dict(metrics_doc.get("metrics"))
    built = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    if subruns:
        section, merged = _compare.comparison_section(run_dir, subruns, comparison_curves,
                                                      metrics)
        head = [section]
        if metrics and not merged:
            head += ["<h2>Metrics reported by the recipe</h2>", _metrics_section(metrics)]
    else:
        head = ["<h2>Test metrics</h2>", _metrics_section(metrics)]
    body = [
        f"<header><h1>kerasdl run · {kit.esc(title)}</h1><p>{kit.esc(subtitle)}</p></header>"
        "<main>",
        *head,
        _plots_section(run_dir, run["plots"]),
        _evaluation_section(_dict(metrics_doc.get("evaluation"))),
        _timings_section(_dict(metrics_doc.get("timings"))),
        _history_section(run["history"]) if run["history"] or not subruns else "",
        _exports_section(run_dir),
        _config_section(config),
        _files_section(run_dir),
        f"<footer>Built {built} by kerasdl from the files in this folder. Rebuild it with "
        f"<code>kerasdl report RUN_DIR</code> or "
        f"<code>kerasdl.reports.build_report(RUN_DIR)</code>, RUN_DIR being this folder."
        f"</footer></main>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>kerasdl run · {kit.esc(title)}</title><style>{kit.CSS}</style></head>"
            "<body>" + "".join(body) + "</body></html>\n")


def build_report(run_dir):
    """(Re)build ``report.html`` from the files in a run folder.

    Reads ``config.json``, ``metrics.json``, ``history.csv``, every PNG under ``plots/``
    and ``export/exports.json`` (the exports, linked) and writes one self-contained page (inline CSS, plots embedded as base64 data URIs, no
    script and nothing fetched from the network) that opens offline. Run it after adding
    your own plots to ``plots/``, or after deleting the report. The CLI does the same:
    ``kerasdl report RUN_DIR``.

    A multi-model run folder (its sub-folders are run folders, each with its own
    ``config.json`` and ``metrics.json``, as recipes like ``xor`` or ``compare_optimizers``
    write them) is detected: its report opens with a table comparing the sub-runs (test
    metrics, epochs, time, parameters, a link to each sub-run's report) and their learning
    curves overlaid, drawn into ``plots/comparison_curves.png``.

    Args:
        run_dir: a run folder written by ``kerasdl.train(..., run_dir=...)`` or
            :func:`write_run`.

    Returns:
        The path of ``report.html``.

    Raises:
        FileNotFoundError: if the folder does not exist or is not a kerasdl run folder
            (no config.json).
        ValueError: if ``run_dir`` is a file, or config.json / metrics.json / history.csv
            is damaged.

    Example:

    >>> kerasdl.reports.build_report("runs/xor")                         # doctest: +SKIP
    PosixPath('runs/xor/report.html')
    """
    run = read_run(run_dir)
    top = Path(run["run_dir"])
    top_metrics = _dict(_dict(run["metrics"]).get("metrics"))
    subruns = _compare.read_subruns(top, list(top_metrics)) if find_subruns(top) else None
    curves = _compare.draw_comparison(top, subruns) if subruns else None
    path = top / "report.html"
    atomic_write_text(path, render_report(run, subruns, curves))
    return path
