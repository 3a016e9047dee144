"""The public surface of kerasdl.reports: renaming a name is a conscious act."""

import kerasdl
import kerasdl.reports as reports


def test_public_names():
    assert reports.__all__ == [
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
    for name in reports.__all__:
        assert getattr(reports, name) is not None
    assert kerasdl.reports is reports


def test_plot_file_names():
    assert reports.PLOT_FILES == {
        "learning_curves": "learning_curves.png",
        "confusion_matrix": "confusion_matrix.png",
        "predictions": "predictions.png",
        "decision_boundary": "decision_boundary.png",
        "fit": "fit.png",
        "mistakes": "mistakes.png",
        "comparison_curves": "comparison_curves.png",
    }


def test_importing_reports_does_not_import_pyplot(run_python):
    proc = run_python("""
        import sys
        import kerasdl.reports
        print("matplotlib.pyplot" in sys.modules)
    """)
    assert proc.stdout.strip() == "False"
