"""kerasdl.tune: searches on keras-tuner whose trials are kerasdl run folders."""

import csv
import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import kerasdl
from kerasdl.cli import parse_assignments

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_tiny", HERE / "_tiny.py")
tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny)

SPACE = {"units": [2, 4, 8], "learning_rate": "1e-3..1e-1:log"}
FAST = {"plots": False, "batch_size": 16}


def _search(run_dir, **kw):
    args = dict(space=SPACE, max_trials=3, epochs=1, run_dir=run_dir, verbose=0,
                data=tiny.data(), **FAST)
    args.update(kw)
    return kerasdl.tune(tiny.build, **args)


def test_recipe_search_writes_trial_run_folders_and_the_report(tmp_path):
    result = kerasdl.tune("digits_mlp", space={"hidden": [(8,), (16, 8)],
                                               "learning_rate": "1e-3..1e-1:log"},
                          max_trials=2, epochs=1, run_dir=tmp_path / "s", verbose=0, seed=0)
    assert [t["trial"] for t in result.trials] == ["0", "1"]
    for t in result.trials:
        assert t["status"] == "COMPLETED" and t["epochs"] == 1
        assert (t["run_dir"] / "metrics.json").is_file()
        config = json.loads((t["run_dir"] / "config.json").read_text())
        assert config["recipe"]["settings"]["learning_rate"] == t["settings"]["learning_rate"]
        assert tuple(config["recipe"]["settings"]["hidden"]) == t["settings"]["hidden"]
        assert 1e-3 <= t["settings"]["learning_rate"] <= 1e-1
    values = [t["value"] for t in result.trials]
    assert result.best_value == max(values)
    best = next(t for t in result.trials if t["value"] == result.best_value)
    assert result.best_settings == best["settings"] and result.best_run_dir == best["run_dir"]
    # trials.csv is sorted by the objective, best first
    rows = list(csv.DictReader(open(tmp_path / "s" / "trials.csv")))
    assert [float(r["val_accuracy"]) for r in rows] == pytest.approx(sorted(values, reverse=True),
                                                                     rel=1e-5)
    saved = json.loads((tmp_path / "s" / "best.json").read_text())
    assert saved["value"] == result.best_value and saved["command"] == result.command
    # the command line gives back the best settings through `kerasdl run --set`
    parts = result.command.split()
    assert parts[:3] == ["kerasdl", "run", "digits_mlp"]
    settings = parse_assignments(parts[i + 1] for i, p in enumerate(parts) if p == "--set")
    assert settings == {"epochs": 1, "seed": 0, **result.best_settings}
    page = (tmp_path / "s" / "tune_report.html").read_text()
    assert "data:image/png;base64," in page and result.command.split()[2] in page
    assert (tmp_path / "s" / "tune_curves.png").stat().st_size > 1000


def test_same_seed_same_trials_in_the_same_order(tmp_path):
    a = _search(tmp_path / "a", seed=3)
    b = _search(tmp_path / "b", seed=3)
    c = _search(tmp_path / "c", seed=4)
    settings = [t["settings"] for t in a.trials]
    assert settings == [t["settings"] for t in b.trials]
    assert settings != [t["settings"] for t in c.trials]
    assert [t["value"] for t in a.trials] == [t["value"] for t in b.trials]


@pytest.mark.parametrize("tuner", ["bayesian", "hyperband"])
def test_other_tuners(tmp_path, tuner):
    result = _search(tmp_path / tuner, tuner=tuner, epochs=3, max_trials=3,
                     objective="val_loss")
    assert result.direction == "min" and len(result.trials) == 3
    assert result.best_value == min(t["value"] for t in result.trials)
    assert all(1 <= t["epochs"] <= 3 for t in result.trials)
    if tuner == "hyperband":  # growing budgets: the first bracket trains briefly
        assert result.trials[0]["epochs"] == 1


def test_a_finished_search_reloads_and_a_larger_max_trials_extends_it(tmp_path):
    first = _search(tmp_path / "s", max_trials=2)
    stamp = (first.trials[0]["run_dir"] / "metrics.json").stat().st_mtime_ns
    again = _search(tmp_path / "s", max_trials=3)
    assert [t["settings"] for t in again.trials[:2]] == [t["settings"] for t in first.trials]
    assert len(again.trials) == 3
    assert (first.trials[0]["run_dir"] / "metrics.json").stat().st_mtime_ns == stamp


# the oracle's files and the trial folders decide what a killed search redoes, whatever the
# backend: run once (the TensorFlow run in CI)
@pytest.mark.backend_independent
def test_search_killed_mid_trial_continues_where_it_stopped(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    code = textwrap.dedent(f"""
        import kerasdl, _tiny
        kerasdl.tune(_tiny.build, space={SPACE!r}, max_trials=3, epochs=1,
                     run_dir={str(tmp_path / 'killed')!r}, verbose=0, data=_tiny.data(),
                     plots=False, batch_size=16)
    """)
    env = dict(os.environ, PYTHONPATH=f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               TINY_SLEEP_DIR=str(marks))
    child = subprocess.Popen([sys.executable, "-c", code], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while not (marks / "build_1").exists():  # the second trial has started
        if child.poll() is not None or time.time() > deadline:
            child.kill()
            pytest.fail(f"child ended early: {child.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()
    killed = tmp_path / "killed"
    assert (killed / "trial_0" / "metrics.json").is_file()
    assert not (killed / "trials.csv").exists()
    stamp = (killed / "trial_0" / "metrics.json").stat().st_mtime_ns
    resumed = _search(killed)
    assert [t["trial"] for t in resumed.trials] == ["0", "1", "2"]
    assert all(t["status"] == "COMPLETED" for t in resumed.trials)
    assert (killed / "trial_0" / "metrics.json").stat().st_mtime_ns == stamp  # not retrained
    plain = _search(tmp_path / "plain")
    assert [t["settings"] for t in resumed.trials] == [t["settings"] for t in plain.trials]


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(space={"learnig_rate": [0.1]}), ValueError,
     r"unknown setting 'learnig_rate' of recipe 'digits_mlp'. Did you mean 'learning_rate'\?"),
    (dict(space={"learning_rate": "1e-1..1e-4:log"}), ValueError, r"is empty"),
    (dict(space={"learning_rate": "1e-4..x"}), ValueError, r"'x' is not a number"),
    (dict(tuner="randm"), ValueError,
     r"`tuner` must be one of 'bayesian', 'hyperband', 'random'; received 'randm'. "
     r"Did you mean 'random'"),
    (dict(max_trials=0), ValueError, r"`max_trials`"),
    (dict(objective="val_accuracy", val=0.0), ValueError,
     r"'val_accuracy' is a validation metric, but the runs of recipe 'digits_mlp' have no "
     r"validation data"),
    (dict(direction="up"), ValueError, r"`direction` must be one of 'max', 'min'"),
    (dict(space={"run_dir": ["a", "b"]}), ValueError, r"`space` may not set 'run_dir'"),
    (dict(learning_rate=0.1), ValueError, r"'learning_rate' is both searched"),
    (dict(epochs=0), ValueError, r"`epochs`"),
    (dict(hidden=3.5, space={"learning_rate": [0.1]}, recipe="nope"), ValueError,
     r"Unknown recipe"),
])
def test_bad_input_fails_before_any_training(tmp_path, kwargs, error, message):
    recipe = kwargs.pop("recipe", "digits_mlp")
    args = dict(space={"learning_rate": [0.01, 0.1]}, max_trials=2, epochs=1,
                run_dir=tmp_path / "s", verbose=0)
    args.update(kwargs)
    with pytest.raises(error, match=message):
        kerasdl.tune(recipe, **args)
    assert not list((tmp_path / "s").glob("trial_*"))


def test_objective_the_runs_do_not_record(tmp_path):
    with pytest.raises(ValueError, match=r"`objective` 'val_auc' is not recorded by the runs "
                                         r"of builder 'build'; they record: accuracy, loss, "
                                         r"val_accuracy, val_loss"):
        _search(tmp_path / "s", objective="val_auc")


def test_builder_without_data_and_another_search_in_the_folder(tmp_path):
    with pytest.raises(ValueError, match=r"Tuning a model builder needs the data"):
        kerasdl.tune(tiny.build, space=SPACE, run_dir=tmp_path / "s", verbose=0)
    _search(tmp_path / "s", max_trials=1)
    with pytest.raises(ValueError, match=r"holds another search \(its tuner differ\); pass "
                                         r"overwrite=True"):
        _search(tmp_path / "s", max_trials=1, tuner="bayesian")
    again = _search(tmp_path / "s", max_trials=1, tuner="bayesian", overwrite=True)
    assert len(again.trials) == 1
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"is not empty and holds no kerasdl search"):
        _search(tmp_path / "other")
