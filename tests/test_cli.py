"""The `kerasdl` command line: value parsing in-process, commands as real subprocesses."""

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest

from kerasdl import recipes
from kerasdl.cli import load_config, main, parse_assignments, parse_value

# The CLI is a shell over the recipes; what it does on each backend is the recipes' own
# behaviour, tested on every backend in tests/recipes. Its tests run once (TensorFlow run).
pytestmark = pytest.mark.backend_independent


# The children train on JAX where it is installed: what these tests check (run folders,
# messages, exit codes) is the same on every backend, and a JAX child skips TensorFlow's
# import (a tiny `kerasdl run` takes ~10 s instead of ~17 s on a 2-core CPU).
CHILD_BACKEND = "jax" if importlib.util.find_spec("jax") else None


def _kerasdl(*args, cwd=None, timeout=240):
    env = dict(os.environ)
    if CHILD_BACKEND:
        env["KERAS_BACKEND"] = CHILD_BACKEND
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return subprocess.run([sys.executable, "-m", "kerasdl", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


# --- typed --set values ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("64", 64),
    ("-3", -3),
    ("0.5", 0.5),
    ("1e-3", 0.001),
    ("2.5E2", 250.0),
    ("true", True),
    ("False", False),
    ("yes", True),
    ("none", None),
    ("None", None),
    ("null", None),
    ("adam", "adam"),
    ("he_normal", "he_normal"),
    ("'3'", "3"),
    ('"none"', "none"),
    ("64,32", (64, 32)),
    ("64,", (64,)),
    ("[64, 32]", (64, 32)),
    ("(64, 32)", (64, 32)),
    ("[]", ()),
    ("relu,tanh", ("relu", "tanh")),
    ("0.1, 1e-2", (0.1, 0.01)),
    ("[[1, 2], [3]]", ((1, 2), (3,))),
    ("{rotation: 10, zoom: 1e-1, flip: horizontal}",
     {"rotation": 10, "zoom": 0.1, "flip": "horizontal"}),
    ("{patience: 3, monitor: val_loss}", {"patience": 3, "monitor": "val_loss"}),
])
def test_parse_value(text, expected):
    value = parse_value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text, message", [
    ("", "is empty; write `none` for None"),
    ("[64, 32", r"unbalanced brackets or quotes in '\[64, 32'"),
    ("(64]", r"unbalanced brackets in '\(64\]'"),
    ("64)", r"unbalanced '\)' in '64\)'"),
    ("{a: 1", "unbalanced brackets or quotes"),
    ("{a: [1}", "unbalanced"),
    ("{a: b: c}", "is not a valid mapping"),
])
def test_parse_value_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_value(text)


def test_parse_assignments_normalizes_keys_and_types():
    assert parse_assignments(["batch-size=64", "hidden=128,64", "dropout=0.25",
                              "augment=none"]) == {
        "batch_size": 64, "hidden": (128, 64), "dropout": 0.25, "augment": None}


@pytest.mark.parametrize("items, message", [
    (["epochs"], r"`--set` expects KEY=VALUE; received 'epochs'"),
    (["=3"], r"received '=3' \(empty key\)"),
    (["epochs=3", "epochs=4"], r"`--set epochs` is given twice"),
    (["hidden=[64"], r"`--set hidden`: unbalanced brackets"),
])
def test_parse_assignments_errors(items, message):
    with pytest.raises(ValueError, match=message):
        parse_assignments(items)


# --- --config files ----------------------------------------------------------------------------

def test_load_config_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("recipe: xor\nlearning-rate: 1e-3\nhidden: [8, 4]\nverbose: 0\n"
                    "augment: {rotation: 10}\n")
    assert load_config(path) == {"recipe": "xor", "learning_rate": 0.001, "hidden": (8, 4),
                                 "verbose": 0, "augment": {"rotation": 10}}


def test_load_config_json(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"epochs": 3, "hidden": [8], "optimizer": "sgd"}))
    assert load_config(path) == {"epochs": 3, "hidden": (8,), "optimizer": "sgd"}


def test_load_config_empty_yaml_is_no_settings(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text("")
    assert load_config(path) == {}


@pytest.mark.parametrize("name, text, error, message", [
    ("c.toml", "epochs = 3", ValueError, r"must be a \.yaml, \.yml or \.json file"),
    ("c.yaml", "- 1\n- 2\n", ValueError, "must hold a mapping of settings at the top level; "
                                         "found list"),
    ("c.yaml", "epochs: [1\n", ValueError, "is not valid YAML"),
    ("c.json", "{epochs: 3}", ValueError, "is not valid JSON"),
])
def test_load_config_errors(tmp_path, name, text, error, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(error, match=message):
        load_config(path)


def test_load_config_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`--config` file .*nope\.yaml' does not exist"):
        load_config(tmp_path / "nope.yaml")


# --- commands, in-process (no keras needed) --------------------------------------------------

def test_main_without_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: kerasdl" in capsys.readouterr().out


def test_run_unknown_recipe_in_process(capsys):
    assert main(["run", "digits-cnnn"]) == 2
    err = capsys.readouterr().err
    assert "kerasdl run: error: Unknown recipe 'digits-cnnn'. Did you mean 'digits_cnn'" in err


def test_run_without_name(capsys):
    assert main(["run", "--epochs", "2"]) == 2
    assert "`kerasdl run` needs a recipe NAME" in capsys.readouterr().err


def test_report_missing_folder(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


# --- commands as subprocesses ----------------------------------------------------------------

def test_cli_list_prints_every_recipe_with_its_line():
    proc = _kerasdl("list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == recipes.list_recipes()
    for line, (name, description) in zip(lines, recipes.describe_recipes().items()):
        assert line.split(None, 1)[1] == description


def test_cli_unknown_recipe_and_setting_exit_2():
    proc = _kerasdl("run", "xr")
    assert proc.returncode == 2
    assert "Unknown recipe 'xr'. Did you mean 'xor'?" in proc.stderr
    proc = _kerasdl("run", "xor", "--set", "epoch=3")
    assert proc.returncode == 2
    assert "Recipe 'xor' has no setting 'epoch'. Did you mean" in proc.stderr
    assert "'epochs'" in proc.stderr


def test_cli_run_with_config_set_and_flags_then_report(tmp_path):
    config = tmp_path / "linreg.yaml"
    # --config names the recipe; --set and flags override it (flags win).
    config.write_text("recipe: linear-regression\nepochs: 50\nlearning_rate: 1e-1\n")
    run_dir = tmp_path / "run"
    proc = _kerasdl("run", "--config", str(config), "--set", "epochs=3", "--set",
                    "n_samples=60", "--epochs", "2", "--batch-size", "16", "--run-dir",
                    str(run_dir), "--seed", "1", "--verbose", "0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "recipe linear_regression: test metrics" in proc.stdout
    assert "loss" in proc.stdout
    assert f"run folder: {run_dir}" in proc.stdout
    saved = json.loads((run_dir / "config.json").read_text())
    assert saved["recipe"]["name"] == "linear_regression"
    recipe_settings = saved["recipe"]["settings"]
    assert recipe_settings["epochs"] == 2
    assert recipe_settings["batch_size"] == 16
    assert recipe_settings["learning_rate"] == 0.1
    assert recipe_settings["n_samples"] == 60
    assert recipe_settings["seed"] == 1

    (run_dir / "report.html").unlink(missing_ok=True)
    proc = _kerasdl("report", str(run_dir))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == f"report: {run_dir / 'report.html'}"
    assert "<html" in (run_dir / "report.html").read_text().lower()


@pytest.mark.parametrize("argv, backend", [
    (["run", "xor", "--backend", "jax"], "jax"),
    (["--backend", "jax", "run", "xor"], "jax"),
    (["run", "xor"], None),
])
def test_backend_before_or_after_run(argv, backend):
    from kerasdl.cli import build_parser

    assert build_parser().parse_args(argv).backend == backend


def test_run_flags_accept_hyphens_and_underscores():
    from kerasdl.cli import build_parser

    args = build_parser().parse_args(["run", "xor", "--batch_size", "8", "--learning-rate",
                                      "0.5", "--data-dir", "d", "--run_dir", "r", "--set",
                                      "hidden=8", "--set", "activation=relu"])
    assert (args.batch_size, args.learning_rate, args.data_dir, args.run_dir) == (8, 0.5, "d",
                                                                                  "r")
    assert args.assignments == ["hidden=8", "activation=relu"]


@pytest.mark.parametrize("text", ["(" * 3000 + "1" + ")" * 3000,
                                  "{a: " * 3000 + "1" + "}" * 3000])
def test_deep_nesting_is_a_value_error(text):
    with pytest.raises(ValueError, match=r"`--set x`: brackets nested more than 32 levels"):
        parse_value(text, what="`--set x`")


# --- run folders that already hold a run -------------------------------------------------------

def _finished(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "checkpoints").mkdir(exist_ok=True)
    (folder / "metrics.json").write_text("{}")
    return folder


def _interrupted(folder, sub=None):
    (folder / (sub or "") / "checkpoints").mkdir(parents=True, exist_ok=True)
    return folder


def test_plan_empty_folder_gets_a_new_run(tmp_path):
    from kerasdl.cli import _plan_run_dir

    assert _plan_run_dir(tmp_path / "r", resume=False, overwrite=False) == (tmp_path / "r", {},
                                                                            None)


def test_plan_finished_run_is_kept_and_the_next_numbered_folder_used(tmp_path):
    from kerasdl.cli import _plan_run_dir

    base = _finished(tmp_path / "digits_cnn")
    run_dir, settings, message = _plan_run_dir(base, resume=False, overwrite=False)
    assert (run_dir, settings) == (tmp_path / "digits_cnn-2", {})
    assert message == (f"{base} holds a finished run (kept); this run goes to {run_dir} "
                       f"(--overwrite replaces {base}, --run-dir picks another folder)")
    _finished(tmp_path / "digits_cnn-2")
    assert _plan_run_dir(base, resume=False, overwrite=False)[0] == tmp_path / "digits_cnn-3"


def test_plan_interrupted_run_is_resumed(tmp_path):
    from kerasdl.cli import _plan_run_dir

    base = _interrupted(tmp_path / "xor", sub="mlp")  # a multi-model run stopped in a sub-run
    assert _plan_run_dir(base, resume=False, overwrite=False) == (
        base, {"resume": "auto"},
        f"resuming the interrupted run in {base} (--overwrite starts it over)")
    # finished base, interrupted base-2: the unfinished one is continued
    base = _finished(tmp_path / "lr")
    _interrupted(tmp_path / "lr-2")
    run_dir, settings, message = _plan_run_dir(base, resume=False, overwrite=False)
    assert (run_dir, settings) == (tmp_path / "lr-2", {"resume": "auto"})
    assert message.startswith(f"{base} holds a finished run (kept); resuming the interrupted "
                              f"run in {run_dir}")


def test_plan_resume_and_overwrite_flags(tmp_path):
    from kerasdl.cli import _plan_run_dir

    base = _interrupted(tmp_path / "a")
    assert _plan_run_dir(base, resume=True, overwrite=False)[:2] == (base, {"resume": "auto"})
    assert _plan_run_dir(base, resume=False, overwrite=True) == (
        base, {"overwrite": True}, f"replacing the interrupted run in {base} (--overwrite)")
    finished = _finished(tmp_path / "b")
    with pytest.raises(ValueError, match=r"`--resume`: run folder '.*b' holds a finished run "
                                         r"\(it has metrics.json\): there is nothing to resume; "
                                         r"use --overwrite to replace it"):
        _plan_run_dir(finished, resume=True, overwrite=False)
    with pytest.raises(ValueError, match=r"`--resume`: run folder '.*c' holds no interrupted run "
                                         r"\(no checkpoints/ folder\)"):
        _plan_run_dir(tmp_path / "c", resume=True, overwrite=False)
    assert _plan_run_dir(tmp_path / "c", resume=False, overwrite=True) == (
        tmp_path / "c", {"overwrite": True}, None)


def test_run_resume_on_finished_folder_exits_2(tmp_path, capsys):
    _finished(tmp_path / "done")
    assert main(["run", "xor", "--resume", "--run-dir", str(tmp_path / "done")]) == 2
    assert "kerasdl run: error: `--resume`: run folder" in capsys.readouterr().err


def test_resume_and_overwrite_are_exclusive(capsys):
    with pytest.raises(SystemExit):
        main(["run", "xor", "--resume", "--overwrite"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_same_run_dir_twice_keeps_the_first_run(tmp_path):
    # The README's main job, run twice (a fast recipe): the second run goes beside the first.
    args = ("run", "linear_regression", "--set", "n_samples=40", "--epochs", "2",
            "--verbose", "0", "--run-dir", "runs/lr")
    first = _kerasdl(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "kerasdl run linear_regression: run folder runs/lr\n" in first.stdout
    metrics = (tmp_path / "runs" / "lr" / "metrics.json").read_text()
    second = _kerasdl(*args, cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert ("kerasdl run linear_regression: runs/lr holds a finished run (kept); this run goes "
            "to runs/lr-2") in second.stdout
    assert "run folder: runs/lr-2" in second.stdout
    assert (tmp_path / "runs" / "lr" / "metrics.json").read_text() == metrics
    assert (tmp_path / "runs" / "lr-2" / "metrics.json").is_file()


def test_without_run_dir_the_folder_is_runs_name_and_printed(tmp_path):
    proc = _kerasdl("run", "linear_regression", "--set", "n_samples=40", "--epochs", "1",
                    "--verbose", "0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("kerasdl run linear_regression: run folder "
                                  "runs/linear_regression (the default, runs/NAME; --run-dir "
                                  "picks another)\n")
    assert (tmp_path / "runs" / "linear_regression" / "metrics.json").is_file()


def test_overwrite_and_resume_end_to_end(tmp_path):
    args = ("run", "linear_regression", "--set", "n_samples=40", "--epochs", "2",
            "--verbose", "0", "--run-dir", "r")
    assert _kerasdl(*args, cwd=tmp_path).returncode == 0
    proc = _kerasdl(*args, "--overwrite", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "replacing the finished run in r (--overwrite)" in proc.stdout
    assert not (tmp_path / "r-2").exists()
    (tmp_path / "r" / "metrics.json").unlink()  # as if the run had been killed before the end
    proc = _kerasdl(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "resuming the interrupted run in r" in proc.stdout


# --- per-recipe help, fast listing ---------------------------------------------------------------

@pytest.mark.parametrize("name", recipes.list_recipes())
def test_recipe_help_shows_each_settings_meaning_from_describe_settings(name):
    from kerasdl.cli import _recipe_settings_help

    documented = recipes.describe_settings(name)
    meanings = _recipe_settings_help(recipes.get_recipe(name))
    assert list(meanings) == list(recipes.get_recipe(name).DEFAULTS)
    assert meanings == {key: entry["help"] for key, entry in documented.items()}
    assert not any("Defaults to" in text for text in meanings.values())


def test_key_value_options_share_one_split_with_the_flag_in_each_message():
    from kerasdl.cli import parse_assignments

    with pytest.raises(ValueError, match=r"^`--set` expects KEY=VALUE; received 'lr'\. "
                                         r"Example: --set hidden=64,32$"):
        parse_assignments(["lr"])
    with pytest.raises(ValueError, match=r"^`--set` expects KEY=VALUE; received '=3' "
                                         r"\(empty key\)\.$"):
        parse_assignments(["=3"])
    with pytest.raises(ValueError, match=r"^`--set learning_rate` is given twice\.$"):
        parse_assignments(["learning-rate=1", "learning_rate=2"])
    assert parse_assignments(["Batch-Size=32"]) == {"batch_size": 32}


def test_run_recipe_help_lists_settings_without_importing_keras():
    proc = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom kerasdl.cli import main\n"
         "main(['run', 'xor', '--help'])\nmain(['list'])\nmain(['list', 'datasets'])\n"
         "print('IMPORTED', sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') "
         "if m in sys.modules))"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "usage: kerasdl run" in out
    assert "settings of xor (default shown; change one with --set KEY=VALUE" in out
    assert re.search(r"^  hidden=4, +\n", out, re.MULTILINE) or "  hidden=4," in out
    assert re.search(r"^  epochs=60 +\[--epochs\] the MLP's epochs\.$", out, re.MULTILINE)
    assert re.search(r"^  data=none +a kerasdl\.data\.Dataset, a dataset name or an \.npz path",
                     out, re.MULTILINE)
    assert "Defaults to" not in out.split("settings of xor")[1]
    assert re.search(r"^  verbose=2 +\[--verbose\]", out, re.MULTILINE)
    for key in recipes.get_recipe("xor").DEFAULTS:
        assert re.search(rf"^  {key}=", out, re.MULTILINE), key
    assert re.search(r"^mnist +local, download, tfds +70,000 handwritten digits", out,
                     re.MULTILINE)
    assert re.search(r"^iris +scikit-learn +150 iris", out, re.MULTILINE)
    assert out.strip().endswith("IMPORTED []")


def test_run_help_without_name_lists_recipes(capsys):
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--resume" in out and "--overwrite" in out
    assert f"recipes: {', '.join(recipes.list_recipes())}" in out


def test_format_metrics_aligns_values():
    from kerasdl.cli import _format_metrics

    assert _format_metrics({"gd": {"loss": 0.25, "mean_absolute_error": 0.5}, "n": 3}, "  ") == [
        "  gd:",
        "    loss                 0.2500",
        "    mean_absolute_error  0.5000",
        "  n  3"]


def test_offline_error_names_the_cli_flag(tmp_path, capsys, monkeypatch):
    import kerasdl.data as kd
    from kerasdl.errors import DatasetNotAvailableError

    def offline(*args, **kwargs):
        raise DatasetNotAvailableError(
            "Dataset 'mnist' is not on disk and source='local' forbids downloading. Put "
            "mnist.npz into /x (or pass data_dir= to the folder that holds them).")

    monkeypatch.setattr(kd, "load", offline)
    assert main(["run", "mnist_mlp", "--run-dir", str(tmp_path / "r"), "--verbose", "0"]) == 2
    err = capsys.readouterr().err
    assert ("kerasdl run: error: Dataset 'mnist' is not on disk and source='local' forbids "
            "downloading. Put mnist.npz into /x (or pass --data-dir (data_dir= in Python) with "
            "the folder that holds them).") in err


def test_log_flags_parse():
    from kerasdl.cli import build_parser

    args = build_parser().parse_args(["--verbose", "--log-level", "WARNING", "run", "xor",
                                      "--verbose", "0"])
    assert (args.log_verbose, args.log_level, args.verbose) == (True, "warning", 0)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--log-level", "loud", "info"])


def test_sgd_with_a_batch_size_from_the_cli(tmp_path):
    proc = _kerasdl("run", "linear_regression", "--set", "n_samples=40", "--epochs", "1",
                    "--optimizer", "sgd", "--batch-size", "16", "--verbose", "0",
                    "--run-dir", "r", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert saved["settings"]["batch_size"] == 16
