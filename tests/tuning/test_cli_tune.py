"""`kerasdl tune`: --space parsing and a small search through the command line."""

import json

import pytest

from kerasdl.cli import main, parse_space_options

# the CLI shell over kerasdl.tune (tested on every backend in test_tune.py): run once
pytestmark = pytest.mark.backend_independent


def test_parse_space_options():
    assert parse_space_options(["learning_rate=1e-4..1e-1:log", "hidden=[16],[32,16]",
                                "optimizer=adam,sgd", "batch-size=16,32"]) == {
        "learning_rate": "1e-4..1e-1:log", "hidden": [(16,), (32, 16)],
        "optimizer": ["adam", "sgd"], "batch_size": [16, 32]}


@pytest.mark.parametrize("items, message", [
    (["lr"], r"`--space` expects KEY=V1,V2 or KEY=LO..HI\[:log\]; received 'lr'"),
    (["lr="], r"received 'lr='"),
    (["lr=1,2", "lr=3"], r"`--space lr` is given twice"),
])
def test_parse_space_options_errors(items, message):
    with pytest.raises(ValueError, match=message):
        parse_space_options(items)


def test_cli_tune_runs_a_search_and_prints_the_best_command(tmp_path, capsys):
    code = main(["tune", "digits_mlp", "--space", "learning_rate=1e-3..1e-1:log",
                 "--space", "hidden=[8],[16,8]", "--max-trials", "2", "--epochs", "1",
                 "--run-dir", str(tmp_path / "s"), "--seed", "1", "--set", "verbose=0"])
    out = capsys.readouterr().out
    assert code == 0
    best = json.loads((tmp_path / "s" / "best.json").read_text())
    assert f"rerun: {best['command']}" in out
    assert best["command"].startswith("kerasdl run digits_mlp --set epochs=1 --set seed=1")
    assert f"report: {tmp_path / 's' / 'tune_report.html'}" in out


def test_cli_tune_errors_exit_2(tmp_path, capsys):
    assert main(["tune", "digits_mlp", "--run-dir", str(tmp_path / "s")]) == 2
    assert "needs at least one --space" in capsys.readouterr().err
    assert main(["tune", "digits_mlp", "--space", "hiden=8,16", "--run-dir",
                 str(tmp_path / "s")]) == 2
    assert "Did you mean 'hidden'?" in capsys.readouterr().err
    assert main(["tune", "digits_mlp", "--space", "hidden=8,16", "--tuner", "grid",
                 "--run-dir", str(tmp_path / "s")]) == 2
    assert "`tuner` must be one of" in capsys.readouterr().err
