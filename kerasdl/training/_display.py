"""How a :class:`~kerasdl.training.RunResult` shows itself: its ``repr`` and the notebook card
(test metrics, the learning curves, a link to the run's report)."""

import base64
import html
import math
import numbers
from pathlib import Path

__all__ = ["result_repr", "result_html"]

# the plots a notebook shows inline, best first (file names of kerasdl.reports.PLOT_FILES;
# training does not import reports, so the two names are repeated here)
_INLINE_PLOTS = ("learning_curves.png", "comparison_curves.png")
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def result_repr(result):
    """``RunResult(metrics=..., epochs=..., run_dir=...)``, floats to 4 significant digits."""
    run_dir = str(result.run_dir) if result.run_dir is not None else None
    return (f"RunResult(metrics={_rounded(result.metrics)!r}, "
            f"epochs={_epochs(result.history)!r}, run_dir={run_dir!r})")


def result_html(result):
    """The notebook card of ``result``: metrics, learning curves and a link to the report."""
    epochs = _epochs(result.history)
    bits = ["<b>RunResult</b>"]
    if isinstance(epochs, int):
        bits.append(f"{epochs} epoch{'s' if epochs != 1 else ''}")
    wall = result.timings.get("wall_s") if isinstance(result.timings, dict) else None
    if _is_number(wall):
        bits.append(f"{wall:.3g} s")
    report = Path(result.run_dir) / "report.html" if result.run_dir is not None else None
    if report is not None:
        bits.append(f"run folder <code>{_esc(result.run_dir)}</code>")
        if report.is_file():
            bits.append(f'<a href="{_esc(_href(report))}" target="_blank">report.html</a>')
    return ('<div class="kerasdl-run" style="font-family:sans-serif;font-size:13px">'
            f"<div>{' · '.join(bits)}</div>{_metrics_table(result.metrics)}"
            f"{_curves_html(result.run_dir, result.history)}</div>")


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _esc(value):
    return html.escape(str(value), quote=True)


def _rounded(value):
    """Floats to 4 significant digits (nested dicts too), for a readable repr."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if _is_number(value) and not isinstance(value, numbers.Integral) and math.isfinite(value):
        return float(f"{value:.4g}")
    return value


def _epochs(history):
    """Epochs recorded: an int, or ``{model: int}`` for a history keyed by model."""
    if history and all(isinstance(v, dict) for v in history.values()):
        return {name: _epochs(h) for name, h in history.items()}
    return max((len(v) for v in history.values() if isinstance(v, (list, tuple))), default=0)


def _href(path):
    path = Path(path)
    return path.as_posix() if not path.is_absolute() else path.as_uri()


def _metrics_table(metrics):
    if not metrics:
        return '<p style="color:#5b6473">No test metrics.</p>'
    nested = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    rows = {"": {k: v for k, v in metrics.items() if not isinstance(v, dict)}, **nested}
    rows = {name: row for name, row in rows.items() if row}
    columns = []
    for row in rows.values():
        columns.extend(c for c in row if c not in columns)
    style = 'style="border:1px solid #d9dde3;padding:2px 8px;text-align:{}"'

    def cell(v):
        text = f"{v:.4g}" if _is_number(v) else "—" if v is None else str(v)
        return f"<td {style.format('right' if _is_number(v) else 'left')}>{_esc(text)}</td>"

    head = "".join(f"<th {style.format('left')}>{_esc(c)}</th>" for c in columns)
    body = "".join(f"<tr><th {style.format('left')}>{_esc(name)}</th>"
                   + "".join(cell(row.get(c)) for c in columns) + "</tr>"
                   for name, row in rows.items())
    return (f'<table style="border-collapse:collapse;margin:6px 0"><tr><th {style.format("left")}>'
            f"{'model' if nested else ''}</th>{head}</tr>{body}</table>")


def _curves_html(run_dir, history):
    """The run folder's learning-curve PNG, embedded, or an inline SVG drawn from history."""
    if run_dir is not None:
        for name in _INLINE_PLOTS:
            png = Path(run_dir) / "plots" / name
            if png.is_file():
                data = base64.b64encode(png.read_bytes()).decode("ascii")
                return (f'<img alt="learning curves" style="max-width:min(100%,900px)" '
                        f'src="data:image/png;base64,{data}">')
    return _svg_curves(history)


def _panels(history):
    """``{panel title: [(label, values), ...]}``: one panel per metric, training and
    validation together; a history keyed by model gets one line per model."""
    if history and all(isinstance(v, dict) for v in history.values()):
        lines = [(f"{model} {k}" if k.startswith("val_") else model, k, v)
                 for model, h in history.items() for k, v in h.items()]
    else:
        lines = [("validation" if k.startswith("val_") else "training", k, v)
                 for k, v in history.items()]
    panels = {}
    for label, key, values in lines:
        values = [float(v) for v in values if _is_number(v) and math.isfinite(v)]
        if values:
            base = key[4:] if key.startswith("val_") else key
            panels.setdefault(base, []).append((label, values))
    return panels


def _svg_curves(history, width=240, height=150, pad=28):
    """Small inline SVG line charts (one per metric) of a history; '' when it is empty."""
    panels = _panels(history or {})
    charts = []
    for title, lines in panels.items():
        lo = min(min(v) for _, v in lines)
        hi = max(max(v) for _, v in lines)
        n = max(len(v) for _, v in lines)
        span = (hi - lo) or 1.0
        parts = [f'<text x="{width / 2}" y="12" text-anchor="middle" font-size="11">'
                 f"{_esc(title)}</text>",
                 f'<text x="2" y="{pad}" font-size="9">{hi:.3g}</text>',
                 f'<text x="2" y="{height - pad + 10}" font-size="9">{lo:.3g}</text>',
                 f'<text x="{width / 2}" y="{height - 4}" text-anchor="middle" '
                 f'font-size="9">epoch (1–{n})</text>']
        for i, (label, values) in enumerate(lines):
            xs = [pad + (width - 2 * pad) * (j / max(n - 1, 1)) for j in range(len(values))]
            ys = [height - pad - (height - 2 * pad) * (v - lo) / span for v in values]
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
            dash = ' stroke-dasharray="4 3"' if "val" in label else ""
            color = _COLORS[i % len(_COLORS)]
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5"{dash} '
                         f'points="{points}"><title>{_esc(label)}</title></polyline>'
                         f'<text x="{width - 4}" y="{24 + 10 * i}" text-anchor="end" '
                         f'font-size="9" fill="{color}">{_esc(label)}</text>')
        charts.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
                      f'height="{height}" style="background:#fff;border:1px solid #d9dde3;'
                      f'margin:2px">{"".join(parts)}</svg>')
    return "<div>" + "".join(charts) + "</div>" if charts else ""
