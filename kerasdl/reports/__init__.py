"""The run folder: config, history, metrics, model, plots and a one-page HTML report.

``kerasdl.train(..., run_dir=...)`` writes it through :func:`write_run`;
``kerasdl report RUN_DIR`` (or :func:`build_report`) rebuilds the report from the files
(for a multi-model run folder, a comparison of its sub-runs); :func:`read_run` reads a
folder back and :func:`run_state` says whether it is empty, interrupted or finished. The plotting functions live in
:mod:`kerasdl.reports.plots` and are re-exported here::

    import kerasdl
    kerasdl.reports.write_run("runs/demo", model=model, data=data, history=history)
    kerasdl.reports.build_report("runs/demo")
    kerasdl.reports.plot_history(history, path="curves.png")
"""

from kerasdl.reports import plots
from kerasdl.reports._folder import PLOT_FILES, read_run, run_state
from kerasdl.reports._html import build_report
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
from kerasdl.reports._run import write_run
from kerasdl.reports._summary import (
    classification_summary,
    confusion_matrix,
    most_confident_mistakes,
)

__all__ = [
    "PLOT_FILES",
    "build_report",
    "classification_summary",
    "confusion_matrix",
    "fit_equation",
    "most_confident_mistakes",
    "plot_confusion_matrix",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_fit",
    "plot_histories",
    "plot_history",
    "plot_lines",
    "plot_mistakes",
    "plot_regression",
    "plots",
    "read_run",
    "run_state",
    "save_figure",
    "write_run",
]
