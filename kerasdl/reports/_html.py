"""``report.html``: one self-contained page per run folder.

Everything the page needs is inside it: inline CSS, the plots as base64 ``data:`` URIs, no
script, no external stylesheet, font or image, so it opens offline, can be mailed or attached
to a notebook, and shows the same thing in any browser.
"""

import base64
import datetime
import html
import math
import numbers
from pathlib import Path

from kerasdl._io import atomic_write_text
from kerasdl.reports._run import read_run

__all__ = ["build_report"]

_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;
 margin:0;background:#f6f7f9;color:#1d2330;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px}
header{background:#1d2330;color:#fff;padding:18px 24px}
header h1{margin:0;font-size:1.4em;font-weight:600}
header p{margin:4px 0 0;color:#c5cbd6;font-size:.92em}
h2{font-size:1.1em;margin:28px 0 10px;border-bottom:1px solid #d9dde3;padding-bottom:4px}
h3{font-size:1em;margin:16px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:10px 14px;
 min-width:120px}
.card .k{font-size:.8em;color:#5b6473;text-transform:uppercase;letter-spacing:.03em}
.card .v{font-size:1.35em;font-weight:600;font-variant-numeric:tabular-nums}
.plots{display:flex;flex-wrap:wrap;gap:14px}
figure{margin:0;background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:8px}
figure img{display:block;max-width:100%;height:auto}
figcaption{font-size:.85em;color:#5b6473;text-align:center;margin-top:4px}
table{border-collapse:collapse;background:#fff;font-size:.88em;margin:4px 0 8px}
th,td{border:1px solid #d9dde3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details{margin:8px 0}
summary{cursor:pointer;font-weight:600}
code,pre{font-family:SFMono-Regular,Consolas,Menlo,monospace;font-size:.88em}
.muted{color:#5b6473;font-size:.9em}
footer{color:#5b6473;font-size:.82em;margin:32px 0 8px}
"""

_MAX_FILES = 40  # rows of the file list (a long run can keep many checkpoints)

_CAPTIONS = {
    "learning_curves": "Learning curves: loss and metrics per epoch, training vs validation",
    "confusion_matrix": "Confusion matrix: true class (rows) vs predicted class (columns)",
    "predictions": "Predictions vs truth",
    "decision_boundary": "Decision boundary over the training inputs",
    "fit": "Model fit over the input range",
}


def _esc(value):
    return html.escape(str(value), quote=True)


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _fmt(v):
    """Numbers short (4 significant digits), everything else as text."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, numbers.Integral):
        return str(v)
    if _is_number(v):
        if not math.isfinite(v):
            return str(v)
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        if len(v) > 12:
            return "[" + ", ".join(_fmt(x) for x in v[:12]) + f", … ({len(v)} values)]"
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return ", ".join(f"{k}={_fmt(x)}" for k, x in v.items())
    return str(v)


def _cell(v):
    cls = ' class="n"' if _is_number(v) else ""
    return f"<td{cls}>{_esc(_fmt(v))}</td>"


def _kv_table(mapping):
    rows = "".join(f"<tr><th>{_esc(k)}</th>{_cell(v)}</tr>" for k, v in mapping.items())
    return f"<table>{rows}</table>"


def _flatten(mapping, prefix=""):
    out = {}
    for k, v in mapping.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and len(v) <= 40:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _cards(metrics):
    cards = []
    for k, v in metrics.items():
        if _is_number(v):
            cards.append(f'<div class="card"><div class="k">{_esc(k)}</div>'
                         f'<div class="v">{_esc(_fmt(v))}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>' if cards else ""


def _metrics_section(metrics):
    if not metrics:
        return '<p class="muted">No test metrics were recorded.</p>'
    nested = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    flat = {k: v for k, v in metrics.items() if not isinstance(v, dict)}
    parts = [_cards(flat)] if flat else []
    if flat and any(not _is_number(v) for v in flat.values()):
        parts.append(_kv_table({k: v for k, v in flat.items() if not _is_number(v)}))
    if nested:  # metrics keyed by model: one row per model
        columns = []
        for v in nested.values():
            for c in v:
                if c not in columns:
                    columns.append(c)
        head = "<tr><th>model</th>" + "".join(f"<th>{_esc(c)}</th>" for c in columns) + "</tr>"
        rows = "".join("<tr><th>" + _esc(name) + "</th>" +
                       "".join(_cell(v.get(c)) for c in columns) + "</tr>"
                       for name, v in nested.items())
        parts.append(f"<table>{head}{rows}</table>")
    return "".join(parts)


def _evaluation_section(ev):
    if not ev:
        return ""
    part = ev.get("part")
    out = [f"<h2>Evaluation{' on the ' + _esc(part) + ' part' if part else ''}</h2>"]
    scalars = {k: v for k, v in ev.items()
               if _is_number(v) and k not in ("part",)}
    if scalars:
        out.append(_cards(scalars))
    per_class = ev.get("per_class")
    if isinstance(per_class, dict) and per_class:
        cols = ("precision", "recall", "f1", "support")
        head = "<tr><th>class</th>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"
        rows = []
        for name, stats in per_class.items():
            if isinstance(stats, dict):
                rows.append("<tr><th>" + _esc(name) + "</th>" +
                            "".join(_cell(stats.get(c)) for c in cols) + "</tr>")
        for avg in ("macro_avg", "weighted_avg"):
            stats = ev.get(avg)
            if isinstance(stats, dict):
                rows.append("<tr><th>" + avg.replace("_", " ") + "</th>" +
                            "".join(_cell(stats.get(c)) for c in cols) + "</tr>")
        out.append("<h3>Per-class report</h3>")
        out.append(f"<table>{head}{''.join(rows)}</table>")
    cm = ev.get("confusion_matrix")
    if isinstance(cm, list) and cm and all(isinstance(r, list) for r in cm) and len(cm) <= 30:
        names = ev.get("class_names") or [str(i) for i in range(len(cm))]
        head = ("<tr><th>true \\ predicted</th>" +
                "".join(f"<th>{_esc(n)}</th>" for n in names) + "</tr>")
        rows = "".join("<tr><th>" + _esc(names[i] if i < len(names) else i) + "</th>" +
                       "".join(_cell(v) for v in row) + "</tr>" for i, row in enumerate(cm))
        out.append("<h3>Confusion matrix</h3>")
        out.append(f"<table>{head}{rows}</table>")
    return "".join(out)


def _timings_section(timings):
    if not timings:
        return ""
    shown = {}
    for k, v in timings.items():
        if isinstance(v, list) and v and all(_is_number(x) for x in v):
            shown[f"{k} (mean of {len(v)})"] = sum(v) / len(v)
            shown[f"{k} (per epoch)"] = v
        else:
            shown[k] = v
    return "<h2>Timings</h2>" + _kv_table(shown)


def _history_section(history):
    if not history:
        return '<h2>History</h2><p class="muted">No history.csv: no epoch was recorded.</p>'
    keys = list(history)
    n = max(len(v) for v in history.values())
    head = "<tr><th>epoch</th>" + "".join(f"<th>{_esc(k)}</th>" for k in keys) + "</tr>"
    rows = "".join("<tr><td class=\"n\">" + str(i + 1) + "</td>" +
                   "".join(_cell(history[k][i]) if i < len(history[k]) else "<td></td>"
                           for k in keys) + "</tr>" for i in range(n))
    last = {k: v[-1] for k, v in history.items() if v}
    summary = f"History: {n} epoch{'s' if n != 1 else ''}"
    return (f"<h2>History</h2>{_kv_table({f'{k} (last epoch)': v for k, v in last.items()})}"
            f"<details><summary>{summary}</summary><table>{head}{rows}</table></details>")


def _plots_section(run_dir, plots):
    if not plots:
        return '<h2>Plots</h2><p class="muted">No plots in this run folder.</p>'
    figures = []
    for path in plots:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rel = path.relative_to(run_dir).as_posix()
        caption = _CAPTIONS.get(path.stem, path.stem.replace("_", " "))
        figures.append(f'<figure><img alt="{_esc(rel)}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{_esc(caption)} <code>{_esc(rel)}</code></figcaption>"
                       f"</figure>")
    return f'<h2>Plots</h2><div class="plots">{"".join(figures)}</div>'


def _config_section(config):
    out = ["<h2>Configuration</h2>"]
    settings = config.get("settings")
    if isinstance(settings, dict):
        # what the Environment table shows anyway (a trainer may copy it into its settings)
        settings = {k: v for k, v in settings.items()
                    if not (k in ("backend", "devices", "versions") and config.get(k) == v)}
        out.append("<h3>Settings</h3>")
        out.append(_kv_table(_flatten(settings)) if settings
                   else '<p class="muted">No settings were recorded.</p>')
    env_keys = ("seed", "backend", "devices", "versions", "python", "platform", "created",
                "run_dir")
    env = {k: config[k] for k in env_keys if k in config}
    if isinstance(env.get("versions"), dict):
        versions = env.pop("versions")
        env.update({f"version of {k}": v for k, v in versions.items() if v is not None})
    if env:
        out.append("<h3>Environment</h3>")
        out.append(_kv_table(env))
    data = config.get("data")
    if isinstance(data, dict):
        out.append("<h3>Data</h3>")
        out.append(_kv_table(_flatten(data)))
    model = config.get("model")
    if isinstance(model, dict):
        models = model if "class" not in model else {"": model}
        for name, info in models.items():
            if not isinstance(info, dict):
                continue
            out.append(f"<h3>Model{' ' + _esc(name) if name else ''}</h3>")
            out.append(_kv_table({k: v for k, v in info.items() if k != "layers"}))
            layers = info.get("layers")
            if layers:
                head = "<tr><th>layer</th><th>class</th><th>params</th></tr>"
                rows = "".join(f"<tr><td>{_esc(l.get('name'))}</td><td>{_esc(l.get('class'))}"
                               f"</td>{_cell(l.get('params'))}</tr>" for l in layers
                               if isinstance(l, dict))
                out.append(f"<table>{head}{rows}</table>")
    rest = {k: v for k, v in config.items()
            if k not in ("settings", "data", "model", "kerasdl_run", *env_keys)}
    if rest:
        out.append("<h3>Other</h3>")
        out.append(_kv_table(_flatten(rest)))
    return "".join(out)


def _files_section(run_dir):
    rows = []
    for p in sorted(run_dir.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and p.name != "report.html":
            size = p.stat().st_size
            text = f"{size / 1e6:.2f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"
            rows.append(f"<tr><td><code>{_esc(p.relative_to(run_dir).as_posix())}</code></td>"
                        f'<td class="n">{text}</td></tr>')
    if not rows:
        return ""
    if len(rows) > _MAX_FILES:
        more = len(rows) - _MAX_FILES
        rows = rows[:_MAX_FILES] + [f'<tr><td colspan="2" class="muted">… and {more} more '
                                    f"file{'s' if more > 1 else ''}</td></tr>"]
    return ("<h2>Files</h2><table><tr><th>file</th><th>size</th></tr>" + "".join(rows) +
            "</table>")


def _title(run_dir, config):
    data = config.get("data") if isinstance(config.get("data"), dict) else {}
    model = config.get("model") if isinstance(config.get("model"), dict) else {}
    bits = []
    if data.get("name"):
        bits.append(f"data: {data['name']} ({data.get('task', '?')})")
    if model.get("class"):
        bits.append(f"model: {model.get('name') or model['class']}")
    elif model:
        bits.append(f"models: {', '.join(map(str, model))}")
    if config.get("backend"):
        bits.append(f"backend: {config['backend']}")
    if config.get("created"):
        bits.append(f"created {config['created']}")
    return run_dir.resolve().name, " · ".join(bits)


def render_report(run):
    """The HTML text of the report for ``run`` (the dict :func:`read_run` returns)."""
    run_dir = Path(run["run_dir"])
    config = run["config"]
    metrics_doc = run["metrics"] if isinstance(run["metrics"], dict) else {}
    title, subtitle = _title(run_dir, config)
    metrics = metrics_doc.get("metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    evaluation = metrics_doc.get("evaluation")
    timings = metrics_doc.get("timings")
    built = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    body = [
        f"<header><h1>kerasdl run · {_esc(title)}</h1><p>{_esc(subtitle)}</p></header><main>",
        "<h2>Test metrics</h2>",
        _metrics_section(metrics),
        _plots_section(run_dir, run["plots"]),
        _evaluation_section(evaluation if isinstance(evaluation, dict) else {}),
        _timings_section(timings if isinstance(timings, dict) else {}),
        _history_section(run["history"]),
        _config_section(config),
        _files_section(run_dir),
        f"<footer>Built {built} by kerasdl from the files in this folder. Rebuild it with "
        f"<code>kerasdl report RUN_DIR</code> or "
        f"<code>kerasdl.reports.build_report(RUN_DIR)</code>, RUN_DIR being this folder."
        f"</footer></main>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>kerasdl run · {_esc(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>\n")


def build_report(run_dir):
    """(Re)build ``report.html`` from the files in a run folder.

    Reads ``config.json``, ``metrics.json``, ``history.csv`` and every PNG under ``plots/``
    and writes one self-contained page (inline CSS, plots embedded as base64 data URIs, no
    script and nothing fetched from the network) that opens offline. Run it after adding
    your own plots to ``plots/``, or after deleting the report. The CLI does the same:
    ``kerasdl report RUN_DIR``.

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
    path = Path(run["run_dir"]) / "report.html"
    atomic_write_text(path, render_report(run))
    return path
