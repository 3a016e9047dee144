"""Reading run folders: run_state for every layout, sub-run detection, the export manifest."""

import json

import pytest

from kerasdl.reports import run_state
from kerasdl.reports._folder import find_subruns, read_exports

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def _touch(path, text="{}"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_run_state_of_a_missing_or_empty_folder(tmp_path):
    assert run_state(tmp_path / "not-yet") == "empty"
    assert run_state(str(tmp_path)) == "empty"
    _touch(tmp_path / "notes.txt", "mine")
    _touch(tmp_path / ".kerasdl.lock", "")
    (tmp_path / "photos").mkdir()
    assert run_state(tmp_path) == "empty"


def test_run_state_of_a_single_run(tmp_path):
    (tmp_path / "checkpoints").mkdir()
    assert run_state(tmp_path) == "interrupted"
    _touch(tmp_path / "config.json")
    assert run_state(tmp_path) == "interrupted"
    _touch(tmp_path / "metrics.json")
    assert run_state(tmp_path) == "finished"  # checkpoints are kept after the run


def test_run_state_of_a_multi_model_folder(tmp_path):
    (tmp_path / "perceptron" / "checkpoints").mkdir(parents=True)
    assert run_state(tmp_path) == "interrupted"  # the first model is training
    _touch(tmp_path / "perceptron" / "metrics.json")
    assert run_state(tmp_path) == "interrupted"  # one model done, the next not begun
    _touch(tmp_path / "mlp" / "config.json")
    _touch(tmp_path / "mlp" / "metrics.json")
    assert run_state(tmp_path) == "interrupted"  # every model done, the top not written
    _touch(tmp_path / "metrics.json")
    assert run_state(tmp_path) == "finished"


def test_run_state_ignores_hidden_sub_folders(tmp_path):
    (tmp_path / ".cache" / "checkpoints").mkdir(parents=True)
    assert run_state(tmp_path) == "empty"


def test_run_state_bad_arguments(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match=r"`run_dir` must be a folder; received '.*f', which "
                                         r"is a file\."):
        run_state(tmp_path / "f")
    with pytest.raises(TypeError, match=r"`run_dir`"):
        run_state(3)


def test_find_subruns_needs_config_and_metrics(tmp_path):
    for name in ("b", "a"):
        _touch(tmp_path / name / "config.json")
        _touch(tmp_path / name / "metrics.json")
    _touch(tmp_path / "c" / "config.json")  # unfinished: no metrics.json
    _touch(tmp_path / "plots" / "x.png", "")
    _touch(tmp_path / ".hidden" / "config.json")
    _touch(tmp_path / ".hidden" / "metrics.json")
    assert [p.name for p in find_subruns(tmp_path)] == ["a", "b"]
    assert find_subruns(tmp_path / "missing") == []


def test_read_exports(tmp_path):
    assert read_exports(tmp_path) == ([], None)
    entries = [{"format": "onnx", "path": "export/model.onnx", "bytes": 2048,
                "max_abs_diff": 1e-6, "created": "2026-12-03T10:00:00+00:00"}]
    _touch(tmp_path / "export" / "exports.json", json.dumps(entries))
    assert read_exports(tmp_path) == (entries, None)
    _touch(tmp_path / "export" / "exports.json", "{oops")
    found, problem = read_exports(tmp_path)
    assert found == [] and problem.startswith(f"{tmp_path / 'export' / 'exports.json'} is "
                                              f"damaged: it is not valid JSON")
    _touch(tmp_path / "export" / "exports.json", json.dumps([{"format": "onnx"}]))
    assert read_exports(tmp_path)[1].endswith(
        'is damaged: entry 0 is not an object with a "path" (format, path, bytes, '
        'max_abs_diff, created).')
