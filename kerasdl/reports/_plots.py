"""Plots of a training run, drawn on :class:`matplotlib.figure.Figure` objects.

No pyplot: every function builds its own ``Figure`` (rendered by the Agg canvas when it is
saved), so nothing touches matplotlib's global state, no window opens, figures are never
leaked in pyplot's registry and the functions are safe to call from threads. In a notebook
the returned ``Figure`` displays inline like any other.

Every function takes ``path=``: when given, the figure is saved there atomically
(temporary file + ``os.replace``, see :mod:`kerasdl._io`).
"""

import math
import numbers

import numpy as np

from kerasdl._io import atomic_path
from kerasdl._validation import (
    check_array,
    check_bool,
    check_finite,
    check_number,
    check_positive_int,
    check_same_length,
    check_type,
    describe,
)

__all__ = [
    "plot_history",
    "plot_confusion_matrix",
    "plot_regression",
    "plot_fit",
    "plot_decision_boundary",
    "plot_decision_boundaries",
    "plot_lines",
    "plot_histories",
    "plot_mistakes",
    "fit_equation",
    "save_figure",
]

DPI = 100
_PANEL = (4.2, 3.2)  # inches per panel: small figures, fast to render, small PNGs
_CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


# --------------------------------------------------------------------------- helpers


def _new_figure(ncols=1, nrows=1, *, width=None, height=None, margins=None):
    """A figure and its grid of axes.

    ``margins`` (inches: ``left``, ``right``, ``bottom``, ``top`` around the grid, ``wspace``
    and ``hspace`` between panels) fixes the layout for the figures of every run folder,
    whose contents are known: matplotlib's constrained layout measures every text before
    each draw, which doubled the time of saving one (about 0.2-0.4 s a figure on this CPU).
    Without ``margins`` the layout is constrained (figures with arbitrary contents).
    """
    from matplotlib.figure import Figure

    size = (width or _PANEL[0] * ncols, height or _PANEL[1] * nrows)
    fig = Figure(figsize=size, dpi=DPI, layout=None if margins else "constrained")
    if margins:
        w, h = size
        grid_w = w - margins["left"] - margins["right"]
        grid_h = h - margins["bottom"] - margins["top"]
        fig.subplots_adjust(
            left=margins["left"] / w, right=1 - margins["right"] / w,
            bottom=margins["bottom"] / h, top=1 - margins["top"] / h,
            wspace=margins.get("wspace", 0) * ncols / max(grid_w - margins.get("wspace", 0)
                                                          * (ncols - 1), 1e-3),
            hspace=margins.get("hspace", 0) * nrows / max(grid_h - margins.get("hspace", 0)
                                                          * (nrows - 1), 1e-3))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _check_ax(ax):
    if ax is None:
        return None
    from matplotlib.axes import Axes

    return check_type("ax", ax, Axes, allow_none=True)


def _figure_and_ax(ax, *, width, height, margins=None):
    """``(figure, axes)`` to draw on: the given ``ax`` and its figure, or a new figure."""
    ax = _check_ax(ax)
    if ax is not None:
        return ax.figure, ax
    fig, axes = _new_figure(width=width, height=height, margins=margins)
    return fig, axes[0, 0]


def save_figure(fig, path, *, dpi=DPI):
    """Save ``fig`` as an image at ``path`` atomically (the format follows the suffix).

    Args:
        fig: a ``matplotlib.figure.Figure``.
        path: destination (str or ``pathlib.Path``); ".png", ".svg" and ".pdf" work.
        dpi: resolution of raster formats. Defaults to 100.

    Returns:
        The path, as a ``pathlib.Path``.
    """
    from pathlib import Path

    from matplotlib.figure import Figure

    check_type("fig", fig, Figure)
    check_type("path", path, (str, Path))
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    return path


def _finish(fig, path):
    if path is not None:
        save_figure(fig, path)
    return fig


def _history_dict(history):
    """A ``{name: [float, ...]}`` dict from a dict, a keras History or a RunResult."""
    if hasattr(history, "history") and isinstance(getattr(history, "history"), dict):
        history = history.history  # keras.callbacks.History or RunResult
    if not isinstance(history, dict):
        raise TypeError(f"`history` must be a dict of per-epoch lists (e.g. "
                        f"{{'loss': [...], 'val_loss': [...]}}) or a keras History; received "
                        f"{describe(history)} of type {type(history).__name__}.")
    out = {}
    for key, values in history.items():
        if not isinstance(key, str):
            raise TypeError(f"`history` keys must be metric names (str); received {key!r}.")
        if isinstance(values, (numbers.Real, np.generic)) and not isinstance(values, bool):
            values = [values]
        try:
            arr = np.asarray(values, dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            raise TypeError(f"`history[{key!r}]` must be a list of numbers (one per epoch); "
                            f"received {describe(values)}.") from None
        out[key] = arr.tolist()
    return out


def _history_panels(names):
    """Group history keys by metric: {"loss": ["loss", "val_loss"], ...}, train first."""
    panels = {}
    for key in names:
        base = key[4:] if key.startswith("val_") else key
        panels.setdefault(base, []).append(key)
    for keys in panels.values():
        keys.sort(key=lambda k: k.startswith("val_"))
    # loss first, then the metrics in their order, learning rate last
    order = sorted(panels, key=lambda b: (b != "loss", b in _LR_KEYS))
    return {b: panels[b] for b in order}


_LR_KEYS = ("learning_rate", "lr")


def _axis_label(base):
    """The y-axis label of a history panel: ``learning rate`` or the metric's name."""
    return "learning rate" if base in _LR_KEYS else base.replace("_", " ")


# --------------------------------------------------------------------------- history


def plot_history(history, path=None, *, title=None, log_loss=False):
    """Learning curves: the loss and each metric, training vs validation, per epoch.

    One panel per metric ("loss", "accuracy", ...); each panel shows the training curve and,
    when present, the validation curve (the ``val_`` keys). The best validation epoch is
    marked on the loss panel, which is where early stopping would restore the weights.

    Args:
        history: per-epoch lists by name (``{"loss": [...], "val_loss": [...]}``), a
            ``keras.callbacks.History`` or a ``RunResult``.
        path: where to save the figure (PNG, SVG, PDF by suffix). Defaults to None (not
            saved).
        title: figure title. Defaults to None.
        log_loss: draw the loss on a log scale. Defaults to False.

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        TypeError: if ``history`` is not a dict of number lists.
        ValueError: if it holds no epoch.

    Example:

    >>> fig = plot_history({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    hist = _history_dict(history)
    hist = {k: v for k, v in hist.items() if len(v)}
    if not hist:
        raise ValueError("`history` holds no epoch (every list is empty); train for at least "
                         "one epoch before plotting learning curves.")
    check_bool("log_loss", log_loss)
    panels = _history_panels(hist)
    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    # fixed margins: room for tick labels of up to ~7 characters, the axis labels and titles
    fig, axes = _new_figure(ncols, nrows, margins={
        "left": 0.8, "right": 0.15, "bottom": 0.5, "top": 0.35 + (0.3 if title else 0),
        "wspace": 0.85, "hspace": 0.8})
    flat = axes.reshape(-1)
    for ax, (base, keys) in zip(flat, panels.items()):
        for key in keys:
            values = np.asarray(hist[key])
            is_val = key.startswith("val_")
            color = "#2ca02c" if base in _LR_KEYS else "#d62728" if is_val else "#1f77b4"
            ax.plot(np.arange(1, len(values) + 1), values,
                    marker="o" if len(values) <= 30 else None, markersize=3,
                    linestyle="--" if is_val else "-", color=color,
                    label="validation" if is_val else "training")
        if base == "loss" and "val_loss" in hist:
            _mark_best(ax, np.asarray(hist["val_loss"]))
        if base == "loss" and log_loss:
            ax.set_yscale("log")
        ax.set_title("learning rate" if base in _LR_KEYS else base)
        _label_epoch_axes(ax, _axis_label(base))
        if len(keys) > 1:
            ax.legend(fontsize=8)
    for ax in flat[len(panels):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


def _mark_best(ax, val):
    """Mark the best (lowest) validation loss: where early stopping restores the weights."""
    if not np.isfinite(val).any():
        return
    best = int(np.nanargmin(np.where(np.isfinite(val), val, np.nan)))
    ax.axvline(best + 1, color="#7f7f7f", linewidth=0.8, linestyle=":")
    late = best + 1 > (len(val) + 1) / 2
    ax.annotate(f"best {val[best]:.4g}\n(epoch {best + 1})", (best + 1, val[best]),
                textcoords="offset points", xytext=(-4 if late else 4, 8),
                ha="right" if late else "left", fontsize=7, color="#555555")


def _label_epoch_axes(ax, ylabel):
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)


def plot_histories(histories, path=None, *, title=None, log_loss=False):
    """Learning curves of several runs overlaid: one panel per history key, one line per run.

    Used by the report of a multi-model run folder to compare its sub-runs: the panel
    ``loss`` shows every run's training loss, ``val_loss`` every run's validation loss, and
    so on; each run keeps its colour in every panel and the legend names it.

    Args:
        histories: a dict ``{run name: history}``, each history as :func:`plot_history`
            accepts it (a dict of per-epoch lists, a keras ``History``, a ``RunResult``).
        path: where to save the figure. Defaults to None (not saved).
        title: figure title. Defaults to None.
        log_loss: draw the loss panels on a log scale. Defaults to False.

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        TypeError: if ``histories`` is not a dict, or a history is not a dict of numbers.
        ValueError: if no run holds an epoch.

    Example:

    >>> fig = plot_histories({"sgd": {"loss": [1.0, 0.6]}, "adam": {"loss": [0.9, 0.3]}})
    >>> [ax.get_title() for ax in fig.axes], [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    (['loss'], ['sgd', 'adam'])
    """
    if not isinstance(histories, dict):
        raise TypeError(f"`histories` must be a dict {{run name: history}}; received "
                        f"{describe(histories)} of type {type(histories).__name__}.")
    runs = {}
    for name, history in histories.items():
        hist = {k: v for k, v in _history_dict(history).items() if len(v)}
        if hist:
            runs[str(name)] = hist
    if not runs:
        raise ValueError("`histories` holds no epoch (no run has a non-empty history).")
    check_bool("log_loss", log_loss)
    keys = []
    for panel in _history_panels([k for hist in runs.values() for k in hist]).values():
        keys.extend(k for k in panel if k not in keys)
    ncols = min(len(keys), 3)
    fig, axes = _new_figure(ncols, math.ceil(len(keys) / ncols))
    flat = axes.reshape(-1)
    for ax, key in zip(flat, keys):
        for i, (name, hist) in enumerate(runs.items()):
            if key in hist:
                values = np.asarray(hist[key])
                ax.plot(np.arange(1, len(values) + 1), values, color=_CLASS_COLORS[i % 10],
                        marker="o" if len(values) <= 30 else None, markersize=3,
                        linestyle="--" if key.startswith("val_") else "-", label=name)
        base = key[4:] if key.startswith("val_") else key
        if base == "loss" and log_loss:
            ax.set_yscale("log")
        ax.set_title(("validation " + base) if key.startswith("val_") else
                     "learning rate" if base in _LR_KEYS else base)
        _label_epoch_axes(ax, _axis_label(base))
        ax.legend(fontsize=7, framealpha=0.8)
    for ax in flat[len(keys):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


# --------------------------------------------------------------------------- confusion matrix


def plot_confusion_matrix(cm, class_names=None, path=None, *, normalize=False, title=None,
                          ax=None):
    """A confusion matrix as a heat map: true class in rows, predicted class in columns.

    Args:
        cm: square array of counts, ``cm[i, j]`` = samples of true class ``i`` predicted as
            class ``j``.
        class_names: names of the classes (tick labels). Defaults to None (the indices).
        path: where to save the figure. Defaults to None (not saved).
        normalize: show each row as fractions of its true class (the recall on the
            diagonal). Defaults to False (counts).
        title: axes title. Defaults to "confusion matrix".
        ax: a matplotlib ``Axes`` to draw into. Defaults to None (a new figure).

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: if ``cm`` is not square or holds negative values, or ``class_names``
            does not have one name per row.

    Example:

    >>> fig = plot_confusion_matrix([[5, 1], [0, 4]], class_names=["no", "yes"])
    """
    cm = check_array("cm", cm, ndim=2, dtype_kind="biuf")
    check_finite("cm", cm)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"`cm` must be a square matrix (classes x classes); received shape "
                         f"{cm.shape}.")
    if (cm < 0).any():
        raise ValueError("`cm` holds negative counts; a confusion matrix counts samples.")
    k = cm.shape[0]
    if class_names is None:
        class_names = [str(i) for i in range(k)]
    else:
        class_names = [str(c) for c in class_names]
        if len(class_names) != k:
            raise ValueError(f"`class_names` must have one name per class ({k}); received "
                             f"{len(class_names)} names.")
    check_bool("normalize", normalize)
    side = min(max(3.4, 0.45 * k + 2.0), 9.0)  # grows with the number of classes
    fontsize = 8 if k <= 12 else 6
    rotate = max(map(len, class_names)) * k > 30
    # fixed margins (see _new_figure) sized to the longest class name and the colorbar
    name_in = max(map(len, class_names)) * fontsize * 0.62 / 72
    fig, ax = _figure_and_ax(ax, width=side * 1.15 + name_in, height=side, margins={
        "left": 0.45 + name_in, "right": 0.2, "top": 0.35,
        "bottom": 0.45 + (0.72 * name_in if rotate else fontsize / 72)})
    values = cm.astype("float64")
    if normalize:
        totals = values.sum(axis=1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    fig.colorbar(image, ax=ax, shrink=0.85)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xticklabels(class_names, rotation=45 if rotate else 0,
                       ha="right" if rotate else "center", fontsize=fontsize)
    ax.set_yticklabels(class_names, fontsize=fontsize)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if k <= 20:
        threshold = (values.max() if values.size else 0) / 2
        for i in range(k):
            for j in range(k):
                text = f"{values[i, j]:.2f}" if normalize else f"{int(round(cm[i, j]))}"
                ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                        color="white" if values[i, j] > threshold else "black")
    total = cm.sum()
    acc = np.trace(cm) / total if total else float("nan")
    ax.set_title(title or f"confusion matrix (accuracy {acc:.3f})", fontsize=10)
    return _finish(fig, path)


# --------------------------------------------------------------------------- regression


def plot_regression(y_true, y_pred, path=None, *, title=None, ax=None):
    """Predictions against the true targets, with the ideal ``y = x`` line.

    Points on the diagonal are perfect predictions; the title gives the mean absolute error
    and R². Multi-output targets are drawn together (flattened).

    Args:
        y_true: true targets, shape ``(n,)`` or ``(n, outputs)``.
        y_pred: predictions, same number of values.
        path: where to save the figure. Defaults to None (not saved).
        title: axes title. Defaults to "predictions vs truth (MAE ..., R² ...)".
        ax: a matplotlib ``Axes`` to draw into. Defaults to None (a new figure).

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: if the two arrays hold different numbers of values or non-finite values.

    Example:

    >>> fig = plot_regression([1.0, 2.0, 3.0], [1.1, 1.9, 3.2])
    """
    y_true = check_finite("y_true", check_array("y_true", y_true, dtype_kind="biuf"))
    y_pred = check_finite("y_pred", check_array("y_pred", y_pred, dtype_kind="biuf"))
    t = y_true.astype("float64").reshape(-1)
    p = y_pred.astype("float64").reshape(-1)
    if t.size != p.size:
        raise ValueError(f"`y_true` and `y_pred` must hold the same number of values; received "
                         f"{t.size} and {p.size} (shapes {y_true.shape} and {y_pred.shape}).")
    fig, ax = _figure_and_ax(ax, width=4.0, height=3.8)
    mae = float(np.mean(np.abs(t - p)))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    r2 = 1.0 - float(np.sum((t - p) ** 2)) / ss_tot if ss_tot > 0 else float("nan")
    ax.scatter(t, p, s=12, alpha=0.6, color="#1f77b4", edgecolors="none")
    lo = float(min(t.min(), p.min()))
    hi = float(max(t.max(), p.max()))
    pad = 0.05 * (hi - lo) if hi > lo else 1.0
    ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="#7f7f7f", linestyle="--",
            linewidth=1, label="y = x")
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("true")
    ax.set_ylabel("predicted")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title or f"predictions vs truth (MAE {mae:.3g}, R² {r2:.3f})", fontsize=10)
    return _finish(fig, path)


# --------------------------------------------------------------------------- model helpers


def _predict(model, x, batch_size=None):
    """Outputs of a keras model (or of a plain function) on ``x``, as a 2-D float array.

    ``batch_size=None`` predicts in one batch (one compiled shape: right for the small
    2-feature grids of the boundary plots); pass a batch size for real data.
    """
    if hasattr(model, "predict") and callable(model.predict):
        out = model.predict(x, batch_size=max(1, len(x) if batch_size is None else batch_size),
                            verbose=0)
    elif callable(model):
        out = model(x)
    else:
        raise TypeError(f"`model` must be a keras model or a function mapping inputs to "
                        f"outputs; received {describe(model)} of type {type(model).__name__}.")
    if isinstance(out, (list, tuple)) or isinstance(out, dict):
        raise ValueError("`model` must have a single output to plot its predictions; it "
                         f"returned {type(out).__name__}.")
    try:
        from keras import ops

        out = ops.convert_to_numpy(out)
    except Exception:  # a plain numpy function: keras may not even be needed
        out = np.asarray(out)
    out = np.asarray(out, dtype="float64")
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != len(x):
        raise ValueError(f"`model` must return one row per input; for {len(x)} inputs it "
                         f"returned shape {out.shape}.")
    return out


def _labels_1d(name, y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    return y.reshape(-1)


def _check_2d_inputs(x, y):
    x = check_finite("x", check_array("x", x, ndim=2, dtype_kind="biuf"))
    if x.shape[1] != 2:
        raise ValueError(f"`x` must have 2 features (one per axis of the plot); received shape "
                         f"{x.shape}. Decision boundaries are drawn for 2-D inputs only.")
    y = check_array("y", y, dtype_kind="biuf")
    check_same_length("x", x, "y", y)
    return x.astype("float64"), _labels_1d("y", y)


def _grid(x, resolution, padding):
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo = lo - padding * span
    hi = hi + padding * span
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    return gx, gy, np.stack([gx.ravel(), gy.ravel()], axis=1).astype("float32")


def _scatter_classes(ax, x, y, class_names=None):
    labels = np.unique(y)
    discrete = y.dtype.kind in "biu" or np.all(np.mod(labels, 1) == 0)
    if not discrete or len(labels) > len(_CLASS_COLORS):
        sc = ax.scatter(x[:, 0], x[:, 1], c=y, s=16, cmap="viridis", edgecolors="k",
                        linewidths=0.3)
        ax.figure.colorbar(sc, ax=ax, fraction=0.046, pad=0.04)
        return
    for i, label in enumerate(labels):
        mask = y == label
        name = (class_names[int(label)] if class_names is not None
                and 0 <= int(label) < len(class_names) else f"{label:g}")
        ax.scatter(x[mask, 0], x[mask, 1], s=22, color=_CLASS_COLORS[int(label) % 10],
                   marker=_MARKERS[i % len(_MARKERS)], edgecolors="k", linewidths=0.4,
                   label=str(name), zorder=3)
    ax.legend(fontsize=7, loc="best", framealpha=0.8)


def _draw_boundary(ax, model, x, y, *, resolution, padding, threshold, class_names, title):
    gx, gy, grid = _grid(x, resolution, padding)
    out = _predict(model, grid)
    from matplotlib.colors import ListedColormap

    if out.shape[1] == 1:
        score = out[:, 0].reshape(gx.shape)
        lo, hi = float(np.nanmin(score)), float(np.nanmax(score))
        if 0.0 <= lo and hi <= 1.0:
            # a probability (sigmoid) or a 0/1 step: shade it, draw the threshold line
            ax.contourf(gx, gy, score, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35,
                        vmin=0, vmax=1)
        else:
            ax.contourf(gx, gy, (score > threshold).astype(float), levels=[-0.5, 0.5, 1.5],
                        colors=[_CLASS_COLORS[0], _CLASS_COLORS[1]], alpha=0.25)
        if lo < threshold < hi:
            ax.contour(gx, gy, score, levels=[threshold], colors="k", linewidths=1.2)
        else:  # no boundary in view: say so rather than leave a puzzling flat picture
            side = int(lo > threshold)
            ax.text(0.5, 0.03, f"predicts class {side} everywhere in view",
                    transform=ax.transAxes, ha="center", va="bottom", fontsize=8,
                    bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.8})
    else:
        k = out.shape[1]
        pred = np.argmax(out, axis=1).reshape(gx.shape)
        colors = [_CLASS_COLORS[i % 10] for i in range(k)]
        ax.contourf(gx, gy, pred, levels=np.arange(-0.5, k, 1.0), cmap=ListedColormap(colors),
                    alpha=0.25)
        ax.contour(gx, gy, pred, levels=np.arange(0.5, k - 1, 1.0), colors="k",
                   linewidths=0.8)
    _scatter_classes(ax, x, y, class_names)
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title:
        ax.set_title(title, fontsize=10)


def _check_boundary_options(resolution, padding, threshold):
    resolution = check_positive_int("resolution", resolution)
    if resolution < 2:
        raise ValueError(f"`resolution` must be >= 2 (grid points per axis); received "
                         f"{resolution}.")
    padding = check_number("padding", padding, min_value=0.0)
    threshold = check_number("threshold", threshold)
    return resolution, padding, threshold


def plot_decision_boundary(model, x, y, path=None, *, resolution=150, padding=0.25,
                           threshold=0.5, class_names=None, title=None, ax=None):
    """The decision regions of a classifier over 2-D inputs, with the data on top.

    The model is evaluated on a grid covering the data. For one output (a sigmoid or a step
    unit) the probability is shaded and the ``threshold`` line drawn; for several outputs
    (softmax) each region gets the colour of its most likely class. Works for gates, XOR,
    spirals and any model with two input features.

    Args:
        model: a keras model, or any function mapping an array ``(n, 2)`` to outputs
            ``(n,)`` / ``(n, k)``.
        x: inputs, shape ``(n, 2)``.
        y: labels, shape ``(n,)`` (sparse) or ``(n, k)`` (one-hot).
        path: where to save the figure. Defaults to None (not saved).
        resolution: grid points per axis. Defaults to 150.
        padding: margin around the data, as a fraction of its range. Defaults to 0.25.
        threshold: decision threshold for a single output. Defaults to 0.5.
        class_names: names for the legend. Defaults to None (the labels).
        title: axes title. Defaults to None.
        ax: a matplotlib ``Axes`` to draw into. Defaults to None (a new figure).

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: if ``x`` does not have exactly 2 features, or ``x`` and ``y`` differ in
            length.

    Example:

    >>> import numpy as np
    >>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    >>> fig = plot_decision_boundary(lambda v: v.sum(axis=1) > 1.5, x, [0, 0, 0, 1])
    """
    x, y = _check_2d_inputs(x, y)
    resolution, padding, threshold = _check_boundary_options(resolution, padding, threshold)
    fig, ax = _figure_and_ax(ax, width=4.4, height=3.8)
    _draw_boundary(ax, model, x, y, resolution=resolution, padding=padding,
                   threshold=threshold, class_names=class_names,
                   title=title if title is not None else "decision boundary")
    return _finish(fig, path)


def plot_decision_boundaries(models, x, y, path=None, *, titles=None, resolution=100,
                             padding=0.25, threshold=0.5, class_names=None, ncols=None):
    """Decision boundaries of several models side by side, on the same data.

    Useful to compare a perceptron with an MLP on XOR, or the same MLP with different
    hidden sizes.

    Args:
        models: a list of models (or functions), or a dict ``{title: model}``.
        x: inputs, shape ``(n, 2)``.
        y: labels, shape ``(n,)`` or ``(n, k)``.
        path: where to save the figure. Defaults to None (not saved).
        titles: one title per model. Defaults to None (the dict keys, the model names or
            "model 1", "model 2", ...).
        resolution: grid points per axis. Defaults to 100.
        padding: margin around the data, as a fraction of its range. Defaults to 0.25.
        threshold: decision threshold for single-output models. Defaults to 0.5.
        class_names: names for the legend. Defaults to None.
        ncols: panels per row. Defaults to None (up to 4).

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: if ``models`` is empty or ``titles`` has the wrong length.
    """
    if isinstance(models, dict):
        default_titles = [str(k) for k in models]
        models = list(models.values())
    else:
        if not isinstance(models, (list, tuple)):
            raise TypeError(f"`models` must be a list or dict of models; received "
                            f"{describe(models)} of type {type(models).__name__}.")
        models = list(models)
        default_titles = [getattr(m, "name", None) or f"model {i + 1}"
                          for i, m in enumerate(models)]
    if not models:
        raise ValueError("`models` is empty; pass at least one model.")
    if titles is None:
        titles = default_titles
    elif len(titles) != len(models):
        raise ValueError(f"`titles` must have one title per model ({len(models)}); received "
                         f"{len(titles)}.")
    x, y = _check_2d_inputs(x, y)
    resolution, padding, threshold = _check_boundary_options(resolution, padding, threshold)
    ncols = min(len(models), 4) if ncols is None else check_positive_int("ncols", ncols)
    nrows = math.ceil(len(models) / ncols)
    fig, axes = _new_figure(ncols, nrows, width=3.8 * ncols, height=3.5 * nrows)
    flat = axes.reshape(-1)
    for ax, model, t in zip(flat, models, titles):
        _draw_boundary(ax, model, x, y, resolution=resolution, padding=padding,
                       threshold=threshold, class_names=class_names, title=str(t))
    for ax in flat[len(models):]:
        ax.set_visible(False)
    return _finish(fig, path)


def _lines_from(lines):
    """[(w (2,), b), ...] from a list of pairs or from the first 2-input Dense-like layer."""
    if hasattr(lines, "layers"):
        for layer in lines.layers:
            weights = [np.asarray(w) for w in layer.get_weights()]
            if weights and weights[0].ndim == 2 and weights[0].shape[0] == 2:
                kernel = weights[0]
                bias = weights[1] if len(weights) > 1 else np.zeros(kernel.shape[1])
                return [(kernel[:, j], float(bias[j])) for j in range(kernel.shape[1])]
        raise ValueError("`lines` is a model without a layer of kernel shape (2, units); "
                         "decision lines exist only for 2 input features.")
    if not isinstance(lines, (list, tuple)) or not lines:
        raise TypeError(f"`lines` must be a model or a non-empty list of (w, b) pairs; "
                        f"received {describe(lines)}.")
    if len(lines) == 2 and isinstance(lines[1], (numbers.Real, np.generic)):
        lines = [lines]  # a single (w, b) pair
    out = []
    for i, pair in enumerate(lines):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(f"`lines[{i}]` must be a (w, b) pair; received {describe(pair)}.")
        w = np.asarray(pair[0], dtype="float64").reshape(-1)
        if w.size != 2:
            raise ValueError(f"`lines[{i}]` weight must have 2 values (w1, w2); received "
                             f"{w.size}.")
        out.append((w, float(np.asarray(pair[1]).reshape(-1)[0])))
    return out


def plot_lines(lines, x=None, y=None, path=None, *, labels=None, title=None, ax=None):
    """Perceptron decision lines ``w1*x1 + w2*x2 + b = 0`` over 2-D data.

    Each line splits the plane in two; an arrow shows the side where ``w·x + b > 0``. Pass a
    model to draw one line per unit of its first layer with two inputs (a perceptron, or
    the hidden units of an XOR MLP).

    Args:
        lines: a ``(w, b)`` pair, a list of pairs, or a keras model.
        x: inputs to scatter, shape ``(n, 2)``. Defaults to None (lines only, on [-1, 2]²).
        y: labels of ``x``. Defaults to None (all points one colour).
        path: where to save the figure. Defaults to None (not saved).
        labels: one legend label per line. Defaults to None ("unit 1", ...).
        title: axes title. Defaults to "decision lines".
        ax: a matplotlib ``Axes`` to draw into. Defaults to None (a new figure).

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: for a weight vector without 2 values or a model without a 2-input layer.

    Example:

    >>> fig = plot_lines([([1.0, 1.0], -1.5)], [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    """
    pairs = _lines_from(lines)
    if labels is not None and len(labels) != len(pairs):
        raise ValueError(f"`labels` must have one label per line ({len(pairs)}); received "
                         f"{len(labels)}.")
    fig, ax = _figure_and_ax(ax, width=4.4, height=3.8)
    if x is not None:
        if y is None:
            xx = check_finite("x", check_array("x", x, ndim=2, dtype_kind="biuf"))
            if xx.shape[1] != 2:
                raise ValueError(f"`x` must have 2 features; received shape {xx.shape}.")
            yy = np.zeros(len(xx), dtype=int)
        else:
            xx, yy = _check_2d_inputs(x, y)
        _scatter_classes(ax, xx.astype("float64"), yy)
        lo, hi = xx.min(axis=0), xx.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        lo, hi = lo - 0.25 * span, hi + 0.25 * span
    else:
        lo, hi = np.array([-1.0, -1.0]), np.array([2.0, 2.0])
    for i, (w, b) in enumerate(pairs):
        color = _CLASS_COLORS[(i + 2) % 10]
        label = labels[i] if labels is not None else (f"unit {i + 1}" if len(pairs) > 1
                                                      else "w·x + b = 0")
        norm = float(np.linalg.norm(w))
        if norm < 1e-12:  # w = 0: no line, the whole plane is on one side
            continue
        # the point of the line nearest the centre of the view, and the line through it
        centre = (lo + hi) / 2
        foot = centre - (float(w @ centre) + b) / norm ** 2 * w
        direction = np.array([-w[1], w[0]]) / norm
        reach = float(np.linalg.norm(hi - lo))
        xs = foot[0] + np.array([-reach, reach]) * direction[0]
        ys = foot[1] + np.array([-reach, reach]) * direction[1]
        corners = np.array([[lo[0], lo[1]], [lo[0], hi[1]], [hi[0], lo[1]], [hi[0], hi[1]]])
        signs = np.sign(corners @ w + b)
        if np.all(signs > 0) or np.all(signs < 0):
            label = f"{label} (out of view)"
        ax.plot(xs, ys, color=color, linewidth=1.5, label=str(label))
        # an arrow from the line toward its positive side (w·x + b > 0)
        step = 0.12 * float(np.max(hi - lo)) * w / norm
        ax.annotate("", xy=tuple(foot + step), xytext=tuple(foot),
                    arrowprops={"arrowstyle": "->", "color": color})
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best", framealpha=0.8)
    ax.set_title(title or "decision lines", fontsize=10)
    return _finish(fig, path)


def plot_fit(model, x, y, path=None, *, title=None, ax=None, resolution=200):
    """A 1-D regression: the data and the model's prediction curve over the input range.

    When the model is a straight line (a linear regression, or any model whose predictions
    over the range are linear) the legend gives the learned equation ``y = w·x + b``.

    Args:
        model: a keras model, or a function mapping ``(n, 1)`` inputs to ``(n,)`` outputs.
        x: inputs, shape ``(n,)`` or ``(n, 1)``.
        y: targets, shape ``(n,)`` or ``(n, 1)``.
        path: where to save the figure. Defaults to None (not saved).
        title: axes title. Defaults to "model fit".
        ax: a matplotlib ``Axes`` to draw into. Defaults to None (a new figure).
        resolution: points on the prediction curve. Defaults to 200.

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: if ``x`` has more than one feature.

    Example:

    >>> import numpy as np
    >>> fig = plot_fit(lambda v: 2 * v[:, 0] + 1, np.arange(5.0), 2 * np.arange(5.0) + 1)
    """
    x = check_finite("x", check_array("x", x, ndim=(1, 2), dtype_kind="biuf"))
    if x.ndim == 2 and x.shape[1] != 1:
        raise ValueError(f"`x` must have 1 feature for a fit plot; received shape {x.shape}.")
    y = check_finite("y", check_array("y", y, dtype_kind="biuf"))
    check_same_length("x", x, "y", y)
    resolution = check_positive_int("resolution", resolution)
    x1 = x.reshape(-1).astype("float64")
    fig, ax = _figure_and_ax(ax, width=4.4, height=3.4)
    ax.scatter(x1, np.asarray(y, dtype="float64").reshape(len(x1), -1)[:, 0], s=12, alpha=0.6,
               color="#1f77b4", edgecolors="none", label="data")
    grid = np.linspace(x1.min(), x1.max(), max(resolution, 2)).astype("float32")[:, None]
    pred = _predict(model, grid)
    line = _line_through(grid[:, 0], pred[:, 0])
    label = "model" if line is None else f"model: {fit_equation(*line)}"
    ax.plot(grid[:, 0], pred[:, 0], color="#d62728", linewidth=2, label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or "model fit", fontsize=10)
    return _finish(fig, path)


def fit_equation(w, b, *, digits=4):
    """The equation ``y = w·x + b`` with the numbers, as the fit plot writes it.

    Args:
        w: the slope.
        b: the intercept.
        digits: significant digits of each number. Defaults to 4.

    Returns:
        A string such as ``"y = 2·x + 1"`` or ``"y = −0.5·x − 3.25"`` (minus signs as ``−``).

    Example:

    >>> fit_equation(1.9987, 1.0213)
    'y = 1.999·x + 1.021'
    """
    w = check_number("w", w)
    b = check_number("b", b)
    digits = check_positive_int("digits", digits)

    def num(v):
        return f"{v:.{digits}g}".replace("-", "−")

    sign = "−" if b < 0 else "+"
    return f"y = {num(w)}·x {sign} {num(abs(b))}"


def _line_through(x, y):
    """``(w, b)`` when the points ``(x, y)`` lie on a straight line, else None."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if x.size < 2 or np.ptp(x) == 0:
        return None
    w, b = np.polyfit(x, y, 1)
    scale = max(float(np.max(np.abs(y))), float(np.ptp(y)), 1e-12)
    if float(np.max(np.abs(w * x + b - y))) > 1e-4 * scale:
        return None
    return float(w), float(b)


def _image_rows(x):
    """Images ``(n, h, w)`` (gray) or ``(n, h, w, 3)`` for imshow, and the value range."""
    x = np.asarray(x, dtype="float64")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    elif x.ndim == 4 and x.shape[-1] == 4:
        x = x[..., :3]
    if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3)):
        raise ValueError(f"`x` must be images of shape (n, height, width), (n, height, width, "
                         f"1) or (n, height, width, 3); received shape {x.shape}.")
    lo, hi = float(np.min(x)), float(np.max(x))
    if x.ndim == 4:  # RGB: imshow needs [0, 1]
        x = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
        lo, hi = 0.0, 1.0
    return x, lo, hi


def plot_mistakes(x, y_true, outputs, path=None, *, class_names=None, k=16, ncols=8,
                  title=None):
    """A gallery of the test images the model got most wrong.

    Shows the ``k`` wrong predictions with the highest confidence in the predicted class
    (:func:`kerasdl.reports.most_confident_mistakes`), each titled "true → predicted" with
    the confidence: the mistakes a model is surest of are the ones worth looking at (a
    mislabelled image, a confusable pair of classes, an artefact of the data).

    Args:
        x: the images, ``(n, height, width)``, ``(n, height, width, 1)`` or
            ``(n, height, width, 3)``.
        y_true: their labels, sparse ``(n,)`` or one-hot ``(n, classes)``.
        outputs: the model's outputs on ``x``: ``(n, classes)`` probabilities or ``(n,)`` /
            ``(n, 1)`` for one sigmoid unit.
        path: where to save the figure. Defaults to None (not saved).
        class_names: names of the classes. Defaults to None (the indices).
        k: how many mistakes to show at most. Defaults to 16.
        ncols: images per row. Defaults to 8.
        title: figure title. Defaults to "the N most confident mistakes (of M)".

    Returns:
        The ``matplotlib.figure.Figure`` (a note instead of images when there is no
        mistake).

    Raises:
        ValueError: if ``x`` is not a batch of images or the lengths differ.

    Example:

    >>> import numpy as np
    >>> x = np.zeros((3, 8, 8, 1), "float32")
    >>> fig = plot_mistakes(x, [1, 1, 0], [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]])
    >>> [ax.get_title() for ax in fig.axes]
    ['1 → 0 (90%)', '0 → 1 (70%)']
    """
    from kerasdl.reports._summary import (
        confidences,
        most_confident_mistakes,
        predicted_classes,
        true_classes,
    )

    images, lo, hi = _image_rows(check_array("x", x, dtype_kind="biuf"))
    index = most_confident_mistakes(y_true, outputs, k=k)
    check_same_length("x", images, "y_true", np.asarray(y_true))
    ncols = check_positive_int("ncols", ncols)
    wrong = int(np.sum(predicted_classes(outputs) != true_classes(y_true)))
    if not len(index):
        fig, axes = _new_figure(width=4.0, height=1.2)
        axes[0, 0].axis("off")
        axes[0, 0].text(0.5, 0.5, f"no mistake on these {len(images)} images",
                        ha="center", va="center")
        return _finish(fig, path)
    cols = min(ncols, len(index))
    rows = math.ceil(len(index) / cols)
    # fixed margins (a constrained layout of 16 small axes costs more than drawing them)
    margins = {"left": 0.05, "right": 0.05, "top": 0.45, "bottom": 0.05, "wspace": 0.25,
               "hspace": 0.35}
    fig, axes = _new_figure(cols, rows, width=max(1.45 * cols, 6.4), height=1.6 * rows + 0.4,
                            margins=margins)
    names = [str(c) for c in class_names] if class_names is not None else None
    conf = confidences(outputs)
    t, p = true_classes(y_true), predicted_classes(outputs)

    def name(c):
        return names[c] if names is not None and 0 <= c < len(names) else str(c)

    for ax, i in zip(axes.reshape(-1), index):
        ax.imshow(images[i], cmap="gray_r" if images.ndim == 3 else None, vmin=lo, vmax=hi)
        ax.set_title(f"{name(t[i])} → {name(p[i])} ({conf[i]:.0%})", fontsize=8,
                     color="#b2182b")
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes.reshape(-1)[len(index):]:
        ax.set_visible(False)
    fig.suptitle(title or f"the {len(index)} most confident mistakes (of {wrong} wrong, "
                          f"{len(images)} images): true → predicted (confidence)", fontsize=9)
    return _finish(fig, path)
