"""kerasdl.export: SavedModel, TFLite and ONNX artifacts checked against the Keras model."""

import json

import numpy as np
import pytest

import kerasdl
from kerasdl.cli import main
from kerasdl.exporting import BACKENDS, ExportMismatchError, inference_model

FORMATS = ["saved_model", "tflite", "onnx"]
NAMES = {"saved_model": "saved_model", "tflite": "model.tflite", "onnx": "model.onnx"}


def _supported(fmt, backend):
    if fmt == "onnx" and backend == "jax":
        import importlib.util

        return importlib.util.find_spec("jax2onnx") is not None
    return backend in BACKENDS[fmt]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A finished run on the embedded digits (its data reloads offline for the check)."""
    import keras

    keras.utils.set_random_seed(0)
    data = kerasdl.data.load("digits", val=0.1, test=0.2)
    model = kerasdl.models.mlp(data.input_shape, hidden=(8,), task=data.task,
                               num_classes=data.num_classes)
    folder = tmp_path_factory.mktemp("run") / "digits"
    kerasdl.train(model, data, epochs=1, run_dir=folder, verbose=0, plots=False)
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_a_verified_artifact_and_the_manifest(run_dir, fmt, backend):
    if not _supported(fmt, backend):
        with pytest.raises(ValueError, match=rf"`format` '{fmt}'"):
            kerasdl.export(run_dir, format=fmt)
        assert not (run_dir / "export" / NAMES[fmt]).exists()
        return
    out = kerasdl.export(run_dir, format=fmt)
    assert out.path == run_dir / "export" / NAMES[fmt] and out.path.exists()
    assert out.source == "test" and out.samples == 8
    assert 0.0 <= out.max_abs_diff <= 1e-4 and out.tolerance == 1e-4
    assert out.bytes > 1000
    entries = json.loads((run_dir / "export" / "exports.json").read_text())
    mine = [e for e in entries if e["format"] == fmt]
    assert len(mine) == 1
    assert mine[0]["path"] == f"export/{NAMES[fmt]}" and mine[0]["bytes"] == out.bytes
    assert mine[0]["max_abs_diff"] == out.max_abs_diff and mine[0]["created"].endswith("+00:00")
    # exporting again replaces the artifact and its manifest entry
    again = kerasdl.export(run_dir, format=fmt)
    entries = json.loads((run_dir / "export" / "exports.json").read_text())
    assert [e["bytes"] for e in entries if e["format"] == fmt] == [again.bytes]
    assert not [p.name for p in (run_dir / "export").iterdir() if p.name.startswith(".")]


def test_augmentation_is_dropped_and_the_model_exports(tmp_path, backend):
    model = kerasdl.models.cnn((8, 8, 1), filters=(4,), dense=(8,), augment="mnist",
                               task="multiclass", num_classes=10)
    plain = inference_model(model)
    names = [type(layer).__name__ for layer in plain.layers]
    assert len(names) < len(model.layers)
    assert not any(n.startswith("Random") or n == "AugmentationPipeline" for n in names)
    x = np.random.default_rng(0).random((4, 8, 8, 1), dtype=np.float32)
    np.testing.assert_allclose(plain.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)
    fmt = "onnx" if _supported("onnx", backend) else "saved_model"
    out = kerasdl.export(model, format=fmt, path=tmp_path / f"cnn.{fmt}")
    assert out.source == "random" and out.max_abs_diff <= 1e-4


def test_a_mismatch_is_an_error_and_keeps_the_previous_artifact(run_dir, backend, monkeypatch):
    from kerasdl.exporting import _formats

    fmt = "onnx" if _supported("onnx", backend) else "saved_model"
    dest = run_dir.parent / f"mismatch.{fmt}"
    kerasdl.export(run_dir, format=fmt, path=dest)
    before = _formats.size_of(dest)
    real = _formats.predict
    monkeypatch.setattr(_formats, "predict", lambda f, p, x: real(f, p, x) + 0.01)
    with pytest.raises(ExportMismatchError, match=rf"The {fmt} export does not match the Keras "
                                                  r"model: largest difference 0.01"):
        kerasdl.export(run_dir, format=fmt, path=dest)
    assert _formats.size_of(dest) == before
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(f".{dest.name}")]


def test_bad_input(run_dir, tmp_path, backend):
    fmt = "onnx" if _supported("onnx", backend) else "saved_model"
    with pytest.raises(ValueError, match=r"`format` must be one of 'onnx', 'saved_model', "
                                         r"'tflite'; received 'onxx'. Did you mean 'onnx'\?"):
        kerasdl.export(run_dir, format="onxx")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"holds no model \(no model.keras\)"):
        kerasdl.export(tmp_path / "empty", format=fmt)
    with pytest.raises(FileNotFoundError, match=r"is not a folder"):
        kerasdl.export(tmp_path / "missing", format=fmt)
    with pytest.raises(TypeError, match=r"`run_dir_or_model` must be a run folder path"):
        kerasdl.export(3, format=fmt)
    with pytest.raises(ValueError, match=r"`tolerance`"):
        kerasdl.export(run_dir, format=fmt, tolerance=-1)
    model = kerasdl.load_model(run_dir / "model.keras")
    with pytest.raises(ValueError, match=r"`path` is required when exporting a keras.Model"):
        kerasdl.export(model, format=fmt)


@pytest.mark.parametrize("backend_name, fmt, message", [
    ("torch", "saved_model", r"cannot be written on the 'torch' Keras backend .* works on "
                             r"tensorflow or jax\); run the export with "
                             r"KERAS_BACKEND=tensorflow"),
    ("torch", "tflite", r"cannot be written on the 'torch' Keras backend"),
])
def test_backend_refusals_name_the_backends_that_can(backend_name, fmt, message):
    from kerasdl.exporting._formats import check_backend

    with pytest.raises(ValueError, match=message):
        check_backend(fmt, backend_name)


def test_cli_export(run_dir, backend, capsys):
    fmt = "onnx" if _supported("onnx", backend) else "saved_model"
    dest = run_dir.parent / f"cli.{fmt}"
    assert main(["export", str(run_dir), "--format", fmt, "--path", str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"{fmt}: {dest}" in out and "checked on 8 test samples" in out
    assert main(["export", str(run_dir), "--format", "pickle"]) == 2
    assert "`format` must be one of" in capsys.readouterr().err


def test_functional_model_keeps_its_weights_without_augmentation():
    import keras

    inputs = keras.Input((6, 6, 1))
    x = keras.layers.RandomFlip("horizontal", name="flip")(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(3, name="head")(x)
    model = keras.Model(inputs, outputs)
    plain = inference_model(model)
    assert [type(layer).__name__ for layer in plain.layers] == ["InputLayer", "Identity",
                                                                "Flatten", "Dense"]
    assert plain.get_layer("head") is model.get_layer("head")  # shared weights
    x = np.random.default_rng(0).random((2, 6, 6, 1), dtype=np.float32)
    np.testing.assert_allclose(plain.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)
