"""The top report of a multi-model run folder compares its sub-runs."""

import json

import pytest

from kerasdl.reports import build_report, read_run, run_state, write_run
from kerasdl.reports._compare import comparison_rows, read_subruns


def _subrun(path, *, metrics, history, wall_s=None, params=None, report=True):
    """A hand-written run folder, as kerasdl.train leaves it."""
    path.mkdir(parents=True)
    config = {"settings": {"optimizer": path.name}}
    if params is not None:
        config["model"] = {"class": "Sequential", "params": params}
    (path / "config.json").write_text(json.dumps(config))
    timings = {} if wall_s is None else {"wall_s": wall_s, "epoch_s": [0.1]}
    (path / "metrics.json").write_text(json.dumps({"metrics": metrics, "timings": timings}))
    keys = list(history)
    rows = ["epoch," + ",".join(keys)]
    for i in range(len(history[keys[0]])):
        rows.append(f"{i + 1}," + ",".join(repr(history[k][i]) for k in keys))
    (path / "history.csv").write_text("\n".join(rows) + "\n")
    if report:
        (path / "report.html").write_text("<!DOCTYPE html>")


@pytest.fixture
def top(tmp_path):
    top = tmp_path / "compare"
    _subrun(top / "sgd", metrics={"loss": 0.5, "mae": 0.6}, wall_s=2.5, params=2,
            history={"loss": [1.0, 0.7, 0.5], "val_loss": [1.1, 0.8, 0.6]})
    _subrun(top / "adam", metrics={"loss": 0.25, "mae": 0.4, "note": "text"}, wall_s=75.0,
            params=2, history={"loss": [0.9, 0.3], "val_loss": [1.0, 0.35]})
    _subrun(top / "gd", metrics={"mae": 0.9}, history={"loss": [2.0]}, report=False)
    (top / "unfinished").mkdir()
    (top / "unfinished" / "config.json").write_text("{}")
    # the top folder, as a recipe writes it after its models
    write_run(top, metrics={"sgd": {"loss": 0.5}, "adam": {"loss": 0.25}},
              config={"optimizers": ["sgd", "adam", "gd"]}, plots=False)
    return top


def test_comparison_rows_exact(top):
    assert comparison_rows(read_subruns(top)) == [
        {"name": "adam", "metrics": {"loss": 0.25, "mae": 0.4}, "source": "run", "epochs": 2,
         "time_s": 75.0, "params": 2, "report": "adam/report.html"},
        {"name": "gd", "metrics": {"mae": 0.9}, "source": "run", "epochs": 1, "time_s": None,
         "params": None, "report": None},
        {"name": "sgd", "metrics": {"loss": 0.5, "mae": 0.6}, "source": "run", "epochs": 3,
         "time_s": 2.5, "params": 2, "report": "sgd/report.html"},
    ]


def test_metrics_the_recipe_reported_for_every_sub_run_fill_the_table(top):
    recipe = {"adam": {"accuracy": 1.0}, "gd": {"accuracy": 0.5}, "sgd": {"accuracy": 0.75},
              "extra": 3}
    rows = comparison_rows(read_subruns(top), recipe)
    assert [(r["name"], r["metrics"], r["source"]) for r in rows] == [
        ("adam", {"accuracy": 1.0}, "recipe"), ("gd", {"accuracy": 0.5}, "recipe"),
        ("sgd", {"accuracy": 0.75}, "recipe")]
    write_run(top, metrics=recipe, plots=False)
    page = (top / "report.html").read_text(encoding="utf-8")
    assert ('<tr><th><a href="adam/report.html">adam</a></th><td class="n best">1</td>'
            '<td class="n">2</td><td class="n">1 min 15 s</td><td class="n">2</td></tr>'
            ) in page
    assert "the metrics the recipe reported for it" in page
    assert "Metrics reported by the recipe" not in page  # not repeated below


def test_top_report_table_curves_and_links(top, png_size):
    page = (top / "report.html").read_text(encoding="utf-8")
    assert "<h2>Sub-runs (3)</h2>" in page
    assert ("<tr><th>sub-run</th><th>loss</th><th>mae</th><th>epochs</th><th>time</th>"
            "<th>parameters</th></tr>") in page
    assert ('<tr><th><a href="adam/report.html">adam</a></th><td class="n best">0.25</td>'
            '<td class="n best">0.4</td><td class="n">2</td><td class="n">1 min 15 s</td>'
            '<td class="n">2</td></tr>') in page
    assert ('<tr><th>gd</th><td>—</td><td class="n">0.9</td><td class="n">1</td>'
            '<td class="n">—</td><td>—</td></tr>') in page
    assert ('<tr><th><a href="sgd/report.html">sgd</a></th><td class="n">0.5</td>'
            '<td class="n">0.6</td><td class="n">3</td><td class="n">2.5 s</td>'
            '<td class="n">2</td></tr>') in page
    assert "No history.csv" not in page
    assert "<h2>Metrics reported by the recipe</h2>" in page
    curves = top / "plots" / "comparison_curves.png"
    assert png_size(curves)[0] > 0
    assert page.count("<img ") == 1  # the overlaid curves, once (not again under Plots)
    assert "3 sub-runs: sgd, adam, gd" in page  # the recipe's order, then by name


def test_overlaid_curves_have_one_panel_per_key_and_one_line_per_run(top):
    from kerasdl.reports import plot_histories

    runs = read_subruns(top)
    fig = plot_histories({name: run["history"] for name, run in runs.items()})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["loss", "validation loss"]
    assert [[t.get_text() for t in ax.get_legend().get_texts()] for ax in visible] == [
        ["adam", "gd", "sgd"], ["adam", "sgd"]]
    assert [ax.get_ylabel() for ax in visible] == ["loss", "loss"]


def test_rebuild_is_stable_and_top_is_finished(top):
    first = read_run(top)["plots"]
    build_report(top)
    assert read_run(top)["plots"] == first
    assert run_state(top) == "finished"


def test_a_single_run_folder_has_no_comparison(tmp_path):
    write_run(tmp_path, history={"loss": [1.0, 0.5]}, plots=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Sub-runs" not in page
    assert not (tmp_path / "plots" / "comparison_curves.png").exists()


def test_sub_runs_follow_the_order_of_the_recipe_metrics(top):
    write_run(top, metrics={"sgd": {"loss": 0.5}, "gd": {"loss": 2.0}}, plots=False)
    assert list(read_subruns(top, ["sgd", "gd", "missing"])) == ["sgd", "gd", "adam"]
    page = (top / "report.html").read_text(encoding="utf-8")
    assert page.index(">sgd</a></th>") < page.index("<tr><th>gd</th>") < page.index(
        ">adam</a></th>")
