"""The run folder: config, history, metrics, model, plots and a one-page HTML report.

``kerasdl.train(..., run_dir=...)`` writes it through :func:`write_run`;
``kerasdl report RUN_DIR`` (or :func:`build_report`) rebuilds the report from the files;
:func:`read_run` reads a folder back. The plotting functions live in
:mod:`kerasdl.reports.plots` and are re-exported here::

    import kerasdl
    kerasdl.reports.write_run("runs/demo", model=model, data=data, history=history)
    kerasdl.reports.build_report("runs/demo")
    kerasdl.reports.plot_history(history, path="curves.png")
"""

from kerasdl.reports import plots
from kerasdl.reports._html import build_report
from kerasdl.reports._plots import (
    plot_confusion_matrix,
    plot_decision_boundaries,
    plot_decision_boundary,
    plot_fit,
    plot_history,
    plot_lines,
    plot_regression,
    save_figure,
)
from kerasdl.reports._run import PLOT_FILES, read_run, write_run
from kerasdl.reports._summary import classification_summary, confusion_matrix

__all__ = [
    "PLOT_FILES",
    "build_report",
    "classification_summary",
    "confusion_matrix",
    "plot_confusion_matrix",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_fit",
    "plot_history",
    "plot_lines",
    "plot_regression",
    "plots",
    "read_run",
    "save_figure",
    "write_run",
]
