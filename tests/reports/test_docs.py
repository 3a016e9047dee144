"""The examples of docs/run_folder.md run as written (in a fresh process, in a temp folder)."""

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "run_folder.md"


def python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.slow
@pytest.mark.heavy_docs
def test_run_folder_examples_run(tmp_path, run_python):
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) == 8
    code = "\n".join(blocks) + "\n".join([
        "",
        "import json",
        "assert sorted(p.name for p in run['plots'])[:3] == ['confusion_matrix.png',",
        "    'decision_boundary.png', 'learning_curves.png']",
        "page = open('runs/spirals/report.html').read()",
        "assert page.count('<img ') == 4",
        "moons = reports.read_run('runs/moons')",
        "print(json.dumps(sorted(p.name for p in moons['plots'])))",
    ])
    proc = run_python(code, cwd=tmp_path)
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == '["confusion_matrix.png", "decision_boundary.png", "learning_curves.png"]'
    assert "y = 1.999·x + 1.021" in lines
    assert "['comparison_curves.png', 'hidden_lines.png', 'xor_boundaries.png']" in lines
    assert lines[-4:-1] == ["finished", "empty",
                            "RunResult(metrics={'accuracy': 0.9722}, epochs=2, "
                            "run_dir='runs/x')"]
    xor_page = (tmp_path / "runs" / "xor" / "report.html").read_text(encoding="utf-8")
    assert '<a href="mlp/report.html">mlp</a>' in xor_page
    assert '<a href="perceptron/report.html">perceptron</a>' in xor_page
    assert (tmp_path / "runs" / "spirals" / "plots" / "log_loss.png").is_file()


@pytest.mark.slow
@pytest.mark.heavy_docs
def test_plots_example_needs_only_the_first_example(tmp_path, run_python):
    """A reader who runs the first example and then "The plots on their own" (skipping the
    sections between) gets the plots: that block uses nothing but the spirals run folder."""
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    first = blocks[0]
    plots_block = next(b for b in blocks if "plots.plot_history" in b)
    assert "plots.plot_history" in plots_block
    run_python(first + plots_block + "\nprint('plotted')\n", cwd=tmp_path)
    assert (tmp_path / "curves.png").stat().st_size > 1000
