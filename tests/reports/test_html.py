"""build_report: one self-contained page, rebuilt from the files of a run folder."""

import base64
import json
import re
import shutil
from pathlib import Path

import pytest

from kerasdl.errors import DamagedFileError
from kerasdl.reports import build_report, plot_history, write_run

EXTERNAL = re.compile(r"""(src|href)\s*=\s*(?!["']?(data:|#))""", re.IGNORECASE)


@pytest.fixture(scope="module")
def template(tmp_path_factory, binary_2d_shared):
    model, data = binary_2d_shared
    return write_run(tmp_path_factory.mktemp("template") / "run", model=model, data=data,
                     history={"loss": [0.9, 0.5], "val_loss": [1.0, 0.6]},
                     metrics={"accuracy": 0.625, "loss": 0.4321},
                     config={"optimizer": "sgd", "learning_rate": 0.05, "seed": 3},
                     timings={"wall_s": 2.5, "epoch_s": [1.0, 1.5]})


@pytest.fixture
def run_dir(tmp_path, template):
    """A fresh copy of the template run folder (tests may damage or extend it)."""
    return Path(shutil.copytree(template, tmp_path / "run"))


def assert_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert EXTERNAL.search(page) is None  # every src/href is a data: URI (or an anchor)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page


def test_rebuild_after_deleting_report(run_dir):
    original = (run_dir / "report.html").read_text()
    (run_dir / "report.html").unlink()
    path = build_report(run_dir)
    assert path == run_dir / "report.html"
    page = path.read_text(encoding="utf-8")
    assert_self_contained(page)
    # every plot is embedded byte for byte
    plots = sorted((run_dir / "plots").glob("*.png"))
    assert [p.name for p in plots] == ["confusion_matrix.png", "decision_boundary.png",
                                       "learning_curves.png"]
    for png in plots:
        encoded = base64.b64encode(png.read_bytes()).decode("ascii")
        assert f'src="data:image/png;base64,{encoded}"' in page
    assert page.count("<img ") == 3
    # the same sections as the report write_run made (only the build time differs)
    strip = re.compile(r"Built \S+ by kerasdl")
    assert strip.sub("", page) == strip.sub("", original)


def test_report_shows_metrics_config_evaluation_and_history(run_dir):
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert '<div class="k">accuracy</div><div class="v">0.625</div>' in page
    assert '<div class="k">loss</div><div class="v">0.4321</div>' in page
    assert "<th>learning_rate</th><td class=\"n\">0.05</td>" in page
    assert "<th>optimizer</th><td>sgd</td>" in page
    assert "<th>seed</th><td class=\"n\">3</td>" in page
    assert "Evaluation on the test part" in page
    assert "<h3>Per-class report</h3>" in page
    assert "<h3>Confusion matrix</h3>" in page
    assert "<th>wall_s</th><td class=\"n\">2.5</td>" in page
    assert "<th>epoch_s (mean of 2)</th><td class=\"n\">1.25</td>" in page
    assert "History: 2 epochs" in page
    assert "<th>val_loss (last epoch)</th><td class=\"n\">0.6</td>" in page
    assert "toy2d" in page and "threshold" in page


def test_report_embeds_plots_added_later(run_dir):
    plot_history({"loss": [4.0, 2.0, 1.0]}, path=run_dir / "plots" / "my_plot.png")
    page = build_report(run_dir).read_text(encoding="utf-8")
    encoded = base64.b64encode((run_dir / "plots" / "my_plot.png").read_bytes()).decode()
    assert encoded in page
    assert page.count("<img ") == 4


def test_text_is_escaped(tmp_path):
    write_run(tmp_path, config={"note": "<script>alert(1)</script> & co"}, plots=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert_self_contained(page)


def test_metrics_keyed_by_model_make_one_row_per_model(tmp_path):
    write_run(tmp_path, metrics={"perceptron": {"accuracy": 0.5}, "mlp": {"accuracy": 1.0}},
              plots=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<tr><th>model</th><th>accuracy</th></tr>" in page
    assert '<tr><th>perceptron</th><td class="n">0.5</td></tr>' in page
    assert '<tr><th>mlp</th><td class="n">1</td></tr>' in page


def test_minimal_folder_with_only_config(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"settings": {"epochs": 1}}))
    page = build_report(tmp_path).read_text(encoding="utf-8")
    assert "No test metrics were recorded." in page
    assert "No plots in this run folder." in page
    assert "No history.csv: no epoch was recorded." in page
    assert_self_contained(page)


def test_not_a_run_folder(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"x")
    with pytest.raises(FileNotFoundError,
                       match=r"'.*' is not a kerasdl run folder: config\.json is missing "
                             r"\(found: photo\.png\)\. A run folder is written by "
                             r"kerasdl\.train\(\.\.\., run_dir=\.\.\.\)"):
        build_report(tmp_path)
    assert not (tmp_path / "report.html").exists()


def test_missing_folder_and_file_instead_of_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Run folder '.*missing' does not exist\."):
        build_report(tmp_path / "missing")
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match=r"`run_dir` must be a folder; received '.*f', which "
                                         r"is a file\."):
        build_report(tmp_path / "f")


@pytest.mark.parametrize("name, content, message", [
    ("config.json", "{not json", r"config\.json is damaged: it is not valid JSON"),
    ("config.json", "[1, 2]", r"config\.json is damaged: it must hold a JSON object; it holds "
                              r"list\."),
    ("metrics.json", "{", r"metrics\.json is damaged: it is not valid JSON"),
    ("history.csv", "epoch,loss\n1,abc\n", r"history\.csv is damaged: line 2, column 'loss' "
                                           r"holds 'abc', not a number\."),
    ("history.csv", "epoch,loss\n1,0.5,7\n", r"history\.csv is damaged: line 2 has 3 fields, "
                                             r"the header has 2\."),
])
def test_damaged_files(run_dir, name, content, message):
    before = (run_dir / "report.html").read_bytes()
    (run_dir / name).write_text(content)
    with pytest.raises(DamagedFileError, match=message):
        build_report(run_dir)
    assert (run_dir / "report.html").read_bytes() == before


def test_long_file_lists_are_cut(tmp_path):
    write_run(tmp_path, plots=False)
    for i in range(45):
        (tmp_path / "checkpoints").mkdir(exist_ok=True)
        (tmp_path / "checkpoints" / f"epoch{i:04d}.keras").write_bytes(b"x" * 10)
    page = build_report(tmp_path).read_text(encoding="utf-8")
    assert "checkpoints/epoch0039.keras" in page  # the first 40 rows, sorted by path
    assert "checkpoints/epoch0040.keras" not in page
    assert "… and 8 more files" in page  # 45 checkpoints and 3 files, 40 shown


def test_settings_that_repeat_the_environment_are_shown_once(tmp_path):
    import keras

    write_run(tmp_path, config={"backend": keras.backend.backend(), "epochs": 2}, plots=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<th>backend</th>") == 1  # in Environment only
    assert "<th>epochs</th>" in page
