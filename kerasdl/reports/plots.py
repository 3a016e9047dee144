"""Plots of a training run (matplotlib ``Figure`` objects, no pyplot, Agg rendering).

Each function returns the ``matplotlib.figure.Figure`` and, given ``path=``, saves it
atomically::

    from kerasdl.reports import plots
    plots.plot_history(result.history, path="curves.png")
    plots.plot_decision_boundary(model, data.x_train, data.y_train)
"""

from kerasdl.reports._plots import (
    fit_equation,
    plot_confusion_matrix,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_fit,
    plot_histories,
    plot_history,
    plot_lines,
    plot_mistakes,
    plot_regression,
    save_figure,
)

__all__ = [
    "fit_equation",
    "plot_confusion_matrix",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_fit",
    "plot_histories",
    "plot_history",
    "plot_lines",
    "plot_mistakes",
    "plot_regression",
    "save_figure",
]
