"""The building blocks of the report pages: escaping, number formatting, tables, cards, CSS.

Shared by the single-run sections (:mod:`kerasdl.reports._html`) and the comparison of
sub-runs (:mod:`kerasdl.reports._compare`); imports neither.
"""

import base64
import html
import math
import numbers

CSS = """
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
td.best{font-weight:700;background:#e8f4ea}
table.kv td.n{text-align:left}
a{color:#1f5fae}
details{margin:8px 0}
summary{cursor:pointer;font-weight:600}
code,pre{font-family:SFMono-Regular,Consolas,Menlo,monospace;font-size:.88em}
pre{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:8px;overflow-x:auto}
.muted{color:#5b6473;font-size:.9em}
footer{color:#5b6473;font-size:.82em;margin:32px 0 8px}
"""


def esc(value):
    return html.escape(str(value), quote=True)


def is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def fmt(v):
    """Numbers short (4 significant digits), everything else as text."""
    if v is None:
        return "—"
    if isinstance(v, (bool, numbers.Integral)):
        return str(v)
    if is_number(v):
        return f"{v:.4g}" if math.isfinite(v) else str(v)
    if isinstance(v, (list, tuple)):
        if len(v) > 12:
            return "[" + ", ".join(fmt(x) for x in v[:12]) + f", … ({len(v)} values)]"
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "—"
        return ", ".join(f"{k}={fmt(x)}" for k, x in v.items())
    return str(v)


def fmt_seconds(s):
    """``0.25 s``, ``12.3 s``, ``2 min 05 s``, ``1 h 02 min``."""
    if not is_number(s) or not math.isfinite(s):
        return "—"
    if s < 60:
        return f"{s:.3g} s"
    if s < 3600:
        return f"{int(s // 60)} min {int(round(s % 60)):02d} s"
    return f"{int(s // 3600)} h {int(round(s % 3600 / 60)):02d} min"


def fmt_bytes(n):
    if not is_number(n):
        return "—"
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def cell(v, cls=None):
    classes = (["n"] if is_number(v) else []) + ([cls] if cls else [])
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}>{esc(fmt(v))}</td>"


def kv_table(mapping):
    rows = "".join(f"<tr><th>{esc(k)}</th>{cell(v)}</tr>" for k, v in mapping.items())
    return f'<table class="kv">{rows}</table>'


def flatten(mapping, prefix=""):
    out = {}
    for k, v in mapping.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and len(v) <= 40:
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def cards(metrics):
    items = [f'<div class="card"><div class="k">{esc(k)}</div>'
             f'<div class="v">{esc(fmt(v))}</div></div>'
             for k, v in metrics.items() if is_number(v)]
    return f'<div class="cards">{"".join(items)}</div>' if items else ""


def png_figure(png_bytes, alt, caption_html):
    """A ``<figure>`` with the PNG embedded as a base64 ``data:`` URI."""
    data = base64.b64encode(png_bytes).decode("ascii")
    return (f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{caption_html}</figcaption></figure>")
