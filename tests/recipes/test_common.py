"""Shared recipe plumbing: settings merge/validation, data choice, run folders, files."""

import numpy as np
import pytest

from kerasdl.recipes import _common

DEFAULTS = {"epochs": 5, "learning_rate": 0.01, "dropout": 0.5, "hidden": (64, 32), "batch_norm": False,
            "optimizer": "adam", "spec": {"a": 1}, "extra": None, **_common.COMMON_DEFAULTS}


def test_resolve_settings_merges_and_normalizes_keys():
    s = _common.resolve_settings("demo", DEFAULTS, {"Learning-Rate": 1, "hidden": [8],
                                                    "batch-norm": True, "extra": object,
                                                    "dropout": 0})
    assert s["learning_rate"] == 1
    assert s["dropout"] == 0.0 and isinstance(s["dropout"], float)
    assert s["hidden"] == (8,)
    assert s["batch_norm"] is True
    assert s["extra"] is object
    assert s["epochs"] == 5
    assert DEFAULTS["hidden"] == (64, 32)  # defaults untouched


def test_resolve_settings_single_number_for_tuple_setting():
    assert _common.resolve_settings("demo", DEFAULTS, {"hidden": 16})["hidden"] == (16,)


def test_resolve_settings_flexible_settings_take_anything():
    s = _common.resolve_settings("demo", DEFAULTS, {"optimizer": ("sgd", {"momentum": 0.5}),
                                                    "learning_rate": None, "data": "iris"})
    assert s["optimizer"] == ("sgd", {"momentum": 0.5})
    assert s["learning_rate"] is None
    assert s["data"] == "iris"


@pytest.mark.parametrize("overrides, error, message", [
    ({"epoch": 3}, ValueError, r"Recipe 'demo' has no setting 'epoch'\. Did you mean "
                               r"'epochs'\? Its settings: batch_norm, data, data_dir, dropout, epochs"),
    ({"zzz": 3}, ValueError, r"Recipe 'demo' has no setting 'zzz'\. Its settings:"),
    ({"epochs": 2.5}, TypeError, r"`epochs` must be an integer; received 2\.5"),
    ({"epochs": True}, TypeError, r"`epochs` must be an integer; received True"),
    ({"epochs": None}, ValueError, r"`epochs` needs a value like its default 5; received None"),
    ({"batch_norm": "yes"}, TypeError, r"`batch_norm` must be True or False; received 'yes'"),
    ({"hidden": "64"}, TypeError, r"`hidden` must be tuple or list; received '64'"),
    ({"spec": 3}, TypeError, r"`spec` must be dict; received 3"),
    ({"seed": "0"}, TypeError, r"`seed` must be an integer; received '0'"),
])
def test_resolve_settings_errors(overrides, error, message):
    with pytest.raises(error, match=message):
        _common.resolve_settings("demo", DEFAULTS, overrides)


def test_data_setting_keeps_a_dataset_and_a_name():
    from kerasdl import data as kdata

    ds = kdata.from_arrays(np.zeros((6, 2), "float32"), np.array([0, 1] * 3))
    assert _common.resolve_settings("demo", DEFAULTS, {"data": ds})["data"] is ds
    assert _common.resolve_settings("demo", DEFAULTS, {"data": "wine"})["data"] == "wine"
    assert _common.resolve_settings("demo", DEFAULTS, {})["data"] is None


def test_data_setting_reads_an_npz_path(tmp_path):
    path = tmp_path / "mine.npz"
    np.savez(path, x_train=np.arange(20, dtype="float32").reshape(10, 2),
             y_train=np.array([0, 1] * 5))
    for given in (str(path), path):
        data = _common.resolve_settings("demo", DEFAULTS, {"data": given})["data"]
        assert data.x_train.shape == (10, 2)


def test_data_setting_rejects_other_types():
    with pytest.raises(TypeError, match=r"`data` must be a kerasdl\.data\.Dataset, a dataset "
                                        r"name or an \.npz path; received 3 of type int"):
        _common.resolve_settings("demo", DEFAULTS, {"data": 3})


def test_run_folder_default_is_timestamped_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = dict(DEFAULTS)
    path = _common.run_folder("xor", settings)
    assert path.parent.name == "runs" and path.name.startswith("xor-") and path.is_dir()
    settings["run_dir"] = tmp_path / "given"
    assert _common.run_folder("xor", settings) == tmp_path / "given"
    settings["run_dir"] = 3
    with pytest.raises(TypeError, match=r"`run_dir` must be a path or None; received 3"):
        _common.run_folder("xor", settings)


@pytest.mark.parametrize("held", ["metrics.json", "b/checkpoints"])
def test_run_folder_of_several_models_refuses_a_held_folder(tmp_path, held):
    (tmp_path / held).parent.mkdir(parents=True, exist_ok=True)
    if held.endswith(".json"):
        (tmp_path / held).write_text("{}")
    else:
        (tmp_path / held).mkdir()
    settings = dict(DEFAULTS, run_dir=tmp_path)
    with pytest.raises(ValueError, match=rf"Run folder '{tmp_path}' already holds a run of "
                                         rf"recipe 'demo' \({held}\)\. Pass resume=True to "
                                         rf"continue it, overwrite=True to replace it, or "
                                         rf"choose a new `run_dir`\."):
        _common.run_folder("demo", settings, sub_runs=("a", "b"))
    for options in ({"resume": True}, {"resume": "auto"}, {"overwrite": True}):
        assert _common.run_folder("demo", dict(settings, **options),
                                  sub_runs=("a", "b")) == tmp_path
    # one model: kerasdl.train decides
    assert _common.run_folder("demo", settings) == tmp_path


def test_train_options_give_resume_and_overwrite_only_when_set():
    assert _common.train_options(dict(DEFAULTS)) == {}
    assert _common.train_options(dict(DEFAULTS, resume="auto")) == {"resume": "auto"}
    assert _common.train_options(dict(DEFAULTS, resume=True, overwrite=True)) == {
        "resume": True, "overwrite": True}


def test_save_csv_is_exact(tmp_path):
    path = _common.save_csv(tmp_path / "t.csv", ["a", "b"], [["x", 0.123456789], ["y", 2]])
    assert path.read_text() == "a,b\nx,0.123457\ny,2\n"


def test_jsonable_settings():
    from kerasdl import data as kdata

    ds = kdata.from_arrays(np.zeros((4, 2), "float32"), np.array([0, 1, 0, 1]), name="mine")
    assert _common.jsonable_settings({"data": ds, "hidden": (1, 2), "x": {1: 2}, "o": object,
                                      "n": None}) == {
        "data": "Dataset 'mine'", "hidden": [1, 2], "x": {"1": 2}, "o": repr(object),
        "n": None}


@pytest.mark.parametrize("augment, expected", [
    (None, None), (False, None), ("none", None), ("None", None),
    ("mnist", {"preset": "mnist", "seed": 3}),
    ({"rotation": 5}, {"seed": 3, "rotation": 5}),
    ({"rotation": 5, "seed": 1}, {"seed": 1, "rotation": 5}),
])
def test_augment_spec(augment, expected):
    assert _common.augment_spec(augment, 3) == expected


def test_with_channels_adds_the_axis_to_every_part():
    from kerasdl import data as kdata

    ds = kdata.from_arrays(np.zeros((6, 5, 5), "float32"), np.array([0, 1] * 3),
                           np.zeros((2, 5, 5), "float32"), np.array([0, 1]))
    out = _common.with_channels(ds)
    assert out.x_train.shape == (6, 5, 5, 1) and out.x_test.shape == (2, 5, 5, 1)
    assert _common.with_channels(out) is out


def test_label_format():
    from kerasdl import data as kdata

    y = np.array([0, 1, 2] * 2)
    assert _common.label_format(kdata.from_arrays(np.zeros((6, 2)), y)) == "sparse"
    assert _common.label_format(kdata.from_arrays(np.zeros((6, 2)), y, one_hot=True)) == \
        "onehot"


@pytest.mark.parametrize("key, value, message", [
    ("epochs", 0, r"`epochs` must be a positive integer \(>= 1\); received 0"),
    ("learning_rate", float("nan"), r"`learning_rate` must be a finite number; received nan"),
    ("learning_rate", 0.0, r"`learning_rate` must be in \(0, inf\); received 0"),
    ("dropout", 1.0, r"`dropout` must be in \[0, 1\); received 1"),
    ("hidden", (8, 0), r"`hidden\[1\]` must be a positive integer \(>= 1\); received 0"),
    ("seed", -1, r"`seed` must be >= 0; received -1"),
    ("verbose", 3, r"`verbose` must be <= 2; received 3"),
])
def test_resolve_settings_checks_values_before_any_work(key, value, message):
    with pytest.raises(ValueError, match=message):
        _common.resolve_settings("demo", DEFAULTS, {key: value})


def test_bad_value_fails_before_the_run_folder_exists(tmp_path):
    from kerasdl import recipes

    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer"):
        recipes.run("linear_regression", batch_size=-1, run_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()
