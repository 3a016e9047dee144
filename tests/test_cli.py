"""The `kerasdl` command line: value parsing in-process, commands as real subprocesses."""

import json
import os
import subprocess
import sys

import pytest

from kerasdl import recipes
from kerasdl.cli import load_config, main, parse_assignments, parse_value


def _kerasdl(*args, cwd=None, timeout=240):
    env = dict(os.environ)
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
