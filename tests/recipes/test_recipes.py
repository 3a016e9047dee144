"""Tests generated from the registry: every recipe in ``recipes.list_recipes()``.

A new recipe is tested by registering it: it runs with small settings (``SMALL_SETTINGS`` in
conftest.py, else its defaults with one epoch), writes a run folder, reports finite metrics,
documents every setting in its "Settings:" section, lists close matches for an unknown
setting, checks values before any work, and forwards ``resume`` / ``overwrite`` to
``kerasdl.train``.
"""

import inspect
import math
import shutil
from pathlib import Path

import pytest

import kerasdl
from kerasdl import recipes
from kerasdl.recipes import _common

NAMES = recipes.list_recipes()


def _numbers(metrics):
    """Every number in a metrics dict (nested by model for multi-model recipes)."""
    for value in metrics.values():
        if isinstance(value, dict):
            yield from _numbers(value)
        else:
            yield value


@pytest.mark.parametrize("name", NAMES)
def test_runs_and_writes_its_run_folder(name, tiny_run, check_run):
    result, run_dir = tiny_run(name)
    assert Path(result.run_dir) == run_dir
    config = check_run(run_dir, recipe=name)
    assert config["recipe"]["settings"]["resume"] is False
    assert config["recipe"]["settings"]["overwrite"] is False
    subs = [p for p in run_dir.iterdir() if (p / "config.json").is_file()]
    if isinstance(result.model, dict):  # several models: one sub-run each
        assert sorted(p.name for p in subs) == sorted(result.model)
        assert sorted(result.extras["runs"]) == sorted(result.model)
    values = list(_numbers(result.metrics))
    assert values and all(isinstance(v, float) and math.isfinite(v) for v in values), values


@pytest.mark.parametrize("name", NAMES)
def test_settings_section_documents_every_setting(name):
    defaults = recipes.get_recipe(name).DEFAULTS
    documented = recipes.describe_settings(name)
    assert list(documented) == list(defaults)
    for key, entry in documented.items():
        expected = defaults[key]
        assert entry["default"] == expected, key
        assert type(entry["default"]) is type(expected), key
        assert len(entry["help"]) > 10 and entry["help"].endswith("."), key
    for key in _common.COMMON_DEFAULTS:
        assert defaults[key] == _common.COMMON_DEFAULTS[key]
    assert list(defaults)[-len(_common.COMMON_DEFAULTS):] == list(_common.COMMON_DEFAULTS)


@pytest.mark.parametrize("name", NAMES)
def test_unknown_setting_lists_close_matches_before_any_work(name, tmp_path):
    with pytest.raises(ValueError, match=rf"Recipe '{name}' has no setting 'overwrit'\. "
                                         rf"Did you mean 'overwrite'( or '\w+')*\? Its settings: "):
        recipes.run(name, overwrit=True, run_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key, value, error, message", [
    ("seed", -1, ValueError, r"`seed` must be >= 0; received -1"),
    ("resume", "always", ValueError, r"`resume` must be one of 'auto'; received 'always'"),
    ("overwrite", "yes", TypeError, r"`overwrite` must be True or False; received 'yes'"),
])
def test_bad_value_fails_before_the_run_folder_exists(name, key, value, error, message,
                                                      tmp_path):
    with pytest.raises(error, match=message):
        recipes.run(name, run_dir=tmp_path / "run", **{key: value})
    assert not (tmp_path / "run").exists()


class _Stop(Exception):
    """Raised by the spy in place of training."""


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("options", [{"resume": True}, {"overwrite": True}])
def test_resume_and_overwrite_reach_kerasdl_train(name, options, small_settings, monkeypatch,
                                                  tmp_path):
    calls = []

    def spy(model, data, **kwargs):
        calls.append(kwargs)
        raise _Stop

    monkeypatch.setattr(kerasdl, "train", spy)
    settings = dict(small_settings(name), **options)
    with pytest.raises(_Stop):
        recipes.run(name, verbose=0, run_dir=tmp_path / "run", **settings)
    # given when set (False, the default, is left out so older `train`s accept the call)
    assert {k: calls[0][k] for k in ("resume", "overwrite") if k in calls[0]} == {
        k: v for k, v in options.items() if v is not False}


def _train_with_overwrite(real):
    """``kerasdl.train`` that also takes ``overwrite`` where this train does not yet."""
    if "overwrite" in inspect.signature(real).parameters:
        return real

    def train(model, data, *, overwrite=False, **kwargs):
        if overwrite and kwargs.get("run_dir") is not None:
            shutil.rmtree(kwargs["run_dir"], ignore_errors=True)
        return real(model, data, **kwargs)

    return train


def test_multi_model_recipe_guards_its_whole_top_folder(tmp_path, monkeypatch):
    """Resume / overwrite decide for the top folder: refused before any model is trained."""
    run_dir = tmp_path / "xor"
    recipes.run("xor", epochs=2, perceptron_epochs=1, verbose=0, run_dir=run_dir)
    calls = []
    real = _train_with_overwrite(kerasdl.train)

    def spy(model, data, **kwargs):
        calls.append(kwargs)
        return real(model, data, **kwargs)

    monkeypatch.setattr(kerasdl, "train", spy)
    with pytest.raises(ValueError, match=r"already holds a run of recipe 'xor' "
                                         r"\(metrics\.json\)\. Pass resume=True to continue "
                                         r"it, overwrite=True to replace it"):
        recipes.run("xor", epochs=2, perceptron_epochs=1, verbose=0, run_dir=run_dir)
    assert calls == []
    result = recipes.run("xor", epochs=3, perceptron_epochs=1, verbose=0, run_dir=run_dir,
                         overwrite=True)
    assert [c.get("overwrite") for c in calls] == [True, True]
    assert len(result.history["mlp"]["loss"]) == 3
    assert (run_dir / "metrics.json").is_file()


def test_one_model_recipe_leaves_the_folder_rules_to_train(tmp_path):
    """A one-model recipe adds no rule of its own: ``kerasdl.train`` decides."""
    run_dir = tmp_path / "lr"
    recipes.run("linear_regression", n_samples=40, epochs=1, verbose=0, run_dir=run_dir)
    with pytest.raises(ValueError, match=r"resume=True"):
        recipes.run("linear_regression", n_samples=40, epochs=1, verbose=0, run_dir=run_dir)
