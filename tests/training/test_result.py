"""RunResult: a readable repr and a rich notebook display (metrics, curves, report link)."""

import base64
import re

from kerasdl.training import RunResult


def test_repr_rounds_metrics_and_counts_epochs():
    result = RunResult(history={"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.6, 0.3]},
                       metrics={"accuracy": 0.972222, "loss": 0.091346}, run_dir="runs/x")
    assert repr(result) == ("RunResult(metrics={'accuracy': 0.9722, 'loss': 0.09135}, "
                            "epochs=3, run_dir='runs/x')")
    multi = RunResult(history={"mlp": {"loss": [1.0, 0.5]}, "perceptron": {"loss": [1.0]}},
                      metrics={"mlp": {"accuracy": 1.0}})
    assert repr(multi) == ("RunResult(metrics={'mlp': {'accuracy': 1.0}}, "
                           "epochs={'mlp': 2, 'perceptron': 1}, run_dir=None)")
    assert repr(RunResult()) == "RunResult(metrics={}, epochs=0, run_dir=None)"


def test_html_without_run_folder_draws_svg_curves():
    result = RunResult(history={"loss": [1.0, 0.5], "val_loss": [1.2, 0.7],
                                "accuracy": [0.5, 0.9]},
                       metrics={"accuracy": 0.9, "loss": 0.4}, timings={"wall_s": 1.25})
    page = result._repr_html_()
    assert "<b>RunResult</b> · 2 epochs · 1.25 s" in page
    assert re.search(r"<th [^>]*>accuracy</th><th [^>]*>loss</th></tr><tr><th [^>]*></th>"
                     r"<td [^>]*>0\.9</td><td [^>]*>0\.4</td></tr>", page)
    assert page.count("<svg ") == 2  # one chart per metric: loss (train + val), accuracy
    assert page.count("<polyline ") == 3
    assert "report.html" not in page and "<img" not in page


def test_html_embeds_the_run_folder_curves_and_links_the_report(tmp_path):
    (tmp_path / "plots").mkdir()
    png = b"\x89PNG\r\n\x1a\nfake"
    (tmp_path / "plots" / "learning_curves.png").write_bytes(png)
    (tmp_path / "report.html").write_text("<!DOCTYPE html>")
    result = RunResult(history={"loss": [1.0]}, metrics={"mlp": {"accuracy": 1.0},
                                                         "perceptron": {"accuracy": 0.5}},
                       run_dir=tmp_path)
    page = result._repr_html_()
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    assert f'<a href="{(tmp_path / "report.html").as_uri()}" target="_blank">report.html</a>' \
        in page
    assert re.search(r"<tr><th [^>]*>mlp</th><td [^>]*>1</td></tr><tr><th [^>]*>perceptron"
                     r"</th><td [^>]*>0\.5</td></tr>", page)
    assert "<svg" not in page


def test_html_of_an_empty_result():
    page = RunResult()._repr_html_()
    assert "No test metrics." in page and "<svg" not in page
