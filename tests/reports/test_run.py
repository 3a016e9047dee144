"""write_run / read_run: the files of a run folder and their exact content."""

import json
import math
from pathlib import Path

import keras
import numpy as np
import pytest

from kerasdl import _backend
from kerasdl.reports import read_run, write_run

HISTORY = {"loss": [0.9, 0.5], "accuracy": [0.5, 0.75], "val_loss": [1.0, 0.6],
           "val_accuracy": [0.5, 0.5]}
HISTORY_CSV = ("epoch,loss,accuracy,val_loss,val_accuracy\n"
               "1,0.9,0.5,1.0,0.5\n"
               "2,0.5,0.75,0.6,0.5\n")
CONFIG_KEYS = {"kerasdl_run", "created", "run_dir", "settings", "seed", "backend", "devices",
               "versions", "python", "platform", "data", "model"}


def files_of(folder):
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*")
                  if p.is_file())


def test_binary_2d_run_folder(tmp_path, binary_2d, png_size):
    model, data = binary_2d
    out = write_run(tmp_path / "run", model=model, data=data, history=HISTORY,
                    metrics={"accuracy": 0.6666666666666666, "loss": 0.4},
                    config={"optimizer": "sgd", "epochs": 2, "batch_size": 4, "seed": 7},
                    timings={"wall_s": 1.5, "epoch_s": [0.75, 0.75],
                             "samples_per_s": [10.0, 12.0]})
    assert out == tmp_path / "run"
    assert files_of(out) == ["config.json", "history.csv", "metrics.json", "model.keras",
                             "plots/confusion_matrix.png", "plots/decision_boundary.png",
                             "plots/learning_curves.png", "report.html"]

    assert (out / "history.csv").read_text() == HISTORY_CSV

    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics == {
        "metrics": {"accuracy": 0.6666666666666666, "loss": 0.4},
        "timings": {"wall_s": 1.5, "epoch_s": [0.75, 0.75], "samples_per_s": [10.0, 12.0]},
        "evaluation": {
            "part": "test",
            "samples": 6,
            "accuracy": 4 / 6,
            "class_names": ["off", "on"],
            "confusion_matrix": [[2, 1], [1, 2]],
            "per_class": {
                "off": {"precision": 2 / 3, "recall": 2 / 3, "f1": pytest.approx(2 / 3),
                        "support": 3},
                "on": {"precision": 2 / 3, "recall": 2 / 3, "f1": pytest.approx(2 / 3),
                       "support": 3},
            },
            "macro_avg": {"precision": 2 / 3, "recall": 2 / 3, "f1": pytest.approx(2 / 3),
                          "support": 6},
            "weighted_avg": {"precision": 2 / 3, "recall": 2 / 3, "f1": pytest.approx(2 / 3),
                             "support": 6},
        },
    }

    config = json.loads((out / "config.json").read_text())
    assert set(config) == CONFIG_KEYS
    assert config["kerasdl_run"] == 1
    assert config["settings"] == {"optimizer": "sgd", "epochs": 2, "batch_size": 4, "seed": 7}
    assert config["seed"] == 7
    assert config["backend"] == keras.backend.backend()
    assert config["versions"] == _backend.versions()
    assert config["devices"] == _backend.devices()
    assert config["run_dir"] == str(out.resolve())
    assert config["data"] == {"name": "toy2d", "description": "", "task": "binary",
                              "num_classes": 2, "class_names": ["off", "on"],
                              "input_shape": [2], "label_format": "sparse",
                              "sizes": {"train": 8, "test": 6}}
    assert config["model"]["name"] == "threshold"
    assert config["model"]["class"] == "Sequential"
    assert config["model"]["params"] == 3
    assert config["model"]["trainable_params"] == 3
    assert config["model"]["layers"] == [{"name": "dense", "class": "Dense", "params": 3}]

    for name in ("confusion_matrix", "decision_boundary", "learning_curves"):
        width, height = png_size(out / "plots" / f"{name}.png")
        assert 200 <= width <= 1300 and 200 <= height <= 1000

    loaded = keras.saving.load_model(out / "model.keras")
    np.testing.assert_array_equal(loaded.predict(data.x_test, verbose=0),
                                  model.predict(data.x_test, verbose=0))


def test_multiclass_without_2d_input_has_no_decision_boundary(tmp_path, multiclass_3d):
    model, data = multiclass_3d
    out = write_run(tmp_path, model=model, data=data, history={"loss": [1.0]})
    assert files_of(out) == ["config.json", "history.csv", "metrics.json", "model.keras",
                             "plots/confusion_matrix.png", "plots/learning_curves.png",
                             "report.html"]
    ev = json.loads((out / "metrics.json").read_text())["evaluation"]
    assert ev["part"] == "val"  # no test part: the validation part is evaluated
    assert ev["confusion_matrix"] == [[1, 0, 1], [1, 1, 0], [0, 0, 2]]
    assert ev["accuracy"] == 4 / 6
    assert ev["per_class"]["c"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8,
                                    "support": 2}
    assert ev["per_class"]["b"] == {"precision": 1.0, "recall": 0.5,
                                    "f1": pytest.approx(2 / 3), "support": 2}


def test_regression_1d_run_folder(tmp_path, regression_1d, png_size):
    model, data = regression_1d
    out = write_run(tmp_path, model=model, data=data, history={"loss": [2.0, 1.0, 0.25]},
                    metrics={"loss": 0.25})
    assert files_of(out) == ["config.json", "history.csv", "metrics.json", "model.keras",
                             "plots/fit.png", "plots/learning_curves.png",
                             "plots/predictions.png", "report.html"]
    ev = json.loads((out / "metrics.json").read_text())["evaluation"]
    assert ev["part"] == "test"
    assert ev["samples"] == 8
    assert ev["mae"] == pytest.approx(0.5)
    assert ev["mse"] == pytest.approx(0.25)
    assert ev["rmse"] == pytest.approx(0.5)
    assert ev["r2"] == pytest.approx(1 - 8 * 0.25 / float(np.sum((data.y_test -
                                                                  data.y_test.mean()) ** 2)))
    assert "confusion_matrix" not in ev
    assert (out / "history.csv").read_text() == "epoch,loss\n1,2.0\n2,1.0\n3,0.25\n"
    png_size(out / "plots" / "predictions.png")
    png_size(out / "plots" / "fit.png")


def test_keras_history_object_is_written_row_per_epoch(tmp_path, binary_2d):
    model, data = binary_2d
    keras.utils.set_random_seed(0)
    history = model.fit(data.x_train, data.y_train, epochs=2, batch_size=8,
                        validation_data=(data.x_test, data.y_test), verbose=0)
    write_run(tmp_path, model=model, data=data, history=history, plots=False)
    rows = (tmp_path / "history.csv").read_text().splitlines()
    keys = list(history.history)
    assert rows[0] == ",".join(["epoch", *keys])
    assert len(rows) == 3
    run = read_run(tmp_path)
    assert run["history"] == {k: [float(v) for v in history.history[k]] for k in keys}


def test_read_run_round_trip(tmp_path, binary_2d):
    model, data = binary_2d
    history = {"loss": [1 / 3, 0.1 + 0.2, float("nan")], "val_loss": [0.5, 0.25, 0.125]}
    write_run(tmp_path, model=model, data=data, history=history, metrics={"accuracy": 1 / 3},
              config={"seed": 1})
    run = read_run(tmp_path)
    assert set(run) == {"run_dir", "config", "history", "metrics", "plots", "models", "report"}
    assert run["run_dir"] == tmp_path
    assert run["history"]["loss"][:2] == [1 / 3, 0.1 + 0.2]  # exact: repr round-trips
    assert math.isnan(run["history"]["loss"][2])
    assert run["history"]["val_loss"] == [0.5, 0.25, 0.125]
    assert run["metrics"]["metrics"] == {"accuracy": 1 / 3}
    assert run["config"]["settings"] == {"seed": 1}
    assert [p.name for p in run["plots"]] == ["learning_curves.png", "confusion_matrix.png",
                                             "decision_boundary.png"]
    assert run["models"] == [tmp_path / "model.keras"]
    assert run["report"] == tmp_path / "report.html"


def test_without_model_or_data_only_history_and_given_evaluation(tmp_path):
    out = write_run(tmp_path, history={"loss": [1.0, 0.5]}, metrics={"accuracy": 0.5},
                    evaluation={"confusion_matrix": np.array([[3, 1], [0, 4]]),
                                "class_names": ["x", "y"]})
    assert files_of(out) == ["config.json", "history.csv", "metrics.json",
                             "plots/confusion_matrix.png", "plots/learning_curves.png",
                             "report.html"]
    ev = json.loads((out / "metrics.json").read_text())["evaluation"]
    assert ev["confusion_matrix"] == [[3, 1], [0, 4]]
    assert ev["accuracy"] == 7 / 8
    assert ev["per_class"]["x"] == {"precision": 1.0, "recall": 0.75,
                                    "f1": pytest.approx(6 / 7), "support": 4}
    config = json.loads((out / "config.json").read_text())
    assert config["data"] is None and config["model"] is None and config["seed"] is None


def test_given_evaluation_overrides_computed_numbers(tmp_path, binary_2d):
    model, data = binary_2d
    write_run(tmp_path, model=model, data=data, plots=False,
              evaluation={"accuracy": 0.5, "loss": 0.75})
    ev = json.loads((tmp_path / "metrics.json").read_text())["evaluation"]
    assert ev["accuracy"] == 0.5
    assert ev["loss"] == 0.75
    assert ev["confusion_matrix"] == [[2, 1], [1, 2]]


def test_plots_false_writes_no_plot(tmp_path, binary_2d):
    model, data = binary_2d
    write_run(tmp_path, model=model, data=data, history=HISTORY, plots=False)
    assert not (tmp_path / "plots").exists()
    assert "data:image/png" not in (tmp_path / "report.html").read_text()


def test_several_models_side_by_side(tmp_path, binary_2d, make_dense):
    model, data = binary_2d
    other = make_dense([[0.0], [10.0]], [0.0], activation="sigmoid", name="vertical")
    out = write_run(tmp_path, model={"x1": model, "x2": other}, data=data,
                    metrics={"x1": {"accuracy": 0.5}, "x2": {"accuracy": 0.25}})
    assert files_of(out) == ["config.json", "history.csv", "metrics.json", "model_x1.keras",
                             "model_x2.keras", "plots/decision_boundary.png", "report.html"]
    config = json.loads((out / "config.json").read_text())
    assert sorted(config["model"]) == ["x1", "x2"]
    assert config["model"]["x2"]["name"] == "vertical"
    assert json.loads((out / "metrics.json").read_text()) == {
        "metrics": {"x1": {"accuracy": 0.5}, "x2": {"accuracy": 0.25}}, "timings": {}}


def test_settings_are_made_json(tmp_path):
    config = {"optimizer": keras.optimizers.SGD(learning_rate=0.5), "epochs": np.int64(3),
              "lr": np.float32(0.25), "shape": (2, 3), "path": tmp_path / "x",
              "loss_fn": keras.losses.mean_squared_error, "tags": {"b", "a"}}
    write_run(tmp_path, config=config, plots=False)
    settings = json.loads((tmp_path / "config.json").read_text())["settings"]
    assert settings["optimizer"]["class_name"] == "SGD"
    assert settings["optimizer"]["config"]["learning_rate"] == 0.5
    assert settings["epochs"] == 3
    assert settings["lr"] == 0.25
    assert settings["shape"] == [2, 3]
    assert settings["path"] == str(tmp_path / "x")
    assert settings["loss_fn"].endswith("mean_squared_error")
    assert settings["tags"] == ["a", "b"]


def test_rewrite_keeps_other_files_and_user_plots(tmp_path, binary_2d, png_size):
    model, data = binary_2d
    write_run(tmp_path, model=model, data=data, history=HISTORY)
    from kerasdl.reports import plot_history

    plot_history({"loss": [3.0, 2.0]}, path=tmp_path / "plots" / "extra.png")
    (tmp_path / "checkpoint.txt").write_text("keep me")
    write_run(tmp_path, model=model, data=data, history={"loss": [1.0]})
    assert (tmp_path / "checkpoint.txt").read_text() == "keep me"
    assert (tmp_path / "history.csv").read_text() == "epoch,loss\n1,1.0\n"
    png_size(tmp_path / "plots" / "extra.png")
    assert [p.name for p in read_run(tmp_path)["plots"]] == [
        "learning_curves.png", "confusion_matrix.png", "decision_boundary.png", "extra.png"]


# --------------------------------------------------------------------------- atomicity


def _no_temp_files(folder):
    return [p.name for p in Path(folder).rglob(".*") if ".tmp" in p.name] == []


def test_failed_model_save_leaves_previous_model_intact(tmp_path, binary_2d, monkeypatch):
    model, data = binary_2d
    write_run(tmp_path, model=model, data=data, plots=False)
    before = (tmp_path / "model.keras").read_bytes()

    def broken_save(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a model")
        raise OSError("disk full")

    monkeypatch.setattr(model, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_run(tmp_path, model=model, data=data, plots=False)
    assert (tmp_path / "model.keras").read_bytes() == before
    assert _no_temp_files(tmp_path)


def test_failed_plot_leaves_previous_plot_intact(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    write_run(tmp_path, history={"loss": [1.0, 0.5]})
    png = tmp_path / "plots" / "learning_curves.png"
    before = png.read_bytes()
    real_savefig = Figure.savefig

    def savefig_then_fail(self, fname, *args, **kwargs):
        real_savefig(self, fname, *args, **kwargs)
        with open(fname, "r+b") as f:
            f.truncate(100)
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", savefig_then_fail)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_run(tmp_path, history={"loss": [9.0, 8.0, 7.0]})
    assert png.read_bytes() == before
    assert _no_temp_files(tmp_path)


# --------------------------------------------------------------------------- bad input


def test_run_dir_that_is_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ValueError, match=r"`run_dir` must be a folder; received '.*file\.txt', "
                                         r"which is a file\."):
        write_run(target)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"model": "mlp"}, TypeError, r"`model` must be a keras Model \(with \.save and \.predict\);"
                                  r" received 'mlp' of type str\."),
    ({"model": {}}, ValueError, r"`model` is an empty dict"),
    ({"data": (np.zeros((2, 2)), np.zeros(2))}, TypeError, r"`data` must be Dataset; received"),
    ({"history": [0.5, 0.4]}, TypeError, r"`history` must be a dict of per-epoch lists"),
    ({"history": {"loss": ["a"]}}, TypeError, r"`history\['loss'\]` must be a list of numbers"),
    ({"metrics": [0.5]}, TypeError, r"`metrics` must be dict or None; received \[0\.5\]"),
    ({"config": "cfg"}, TypeError, r"`config` must be dict or None"),
    ({"timings": 1.0}, TypeError, r"`timings` must be dict or None"),
    ({"evaluation": 3}, TypeError, r"`evaluation` must be dict or None"),
    ({"plots": "yes"}, TypeError, r"`plots` must be True or False; received 'yes'\."),
    ({"run_dir": 3}, TypeError, r"`run_dir` must be str or PathLike; received 3"),
])
def test_bad_arguments(tmp_path, kwargs, error, message):
    kwargs = dict(kwargs)
    run_dir = kwargs.pop("run_dir", tmp_path / "run")
    with pytest.raises(error, match=message):
        write_run(run_dir, **kwargs)
    assert not (tmp_path / "run").exists()  # checked before anything is written


def test_read_run_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Run folder '.*nowhere' does not exist\."):
        read_run(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"is not a kerasdl run folder: config\.json is "
                                                r"missing \(found: notes\.txt\)"):
        read_run(tmp_path)
    for i in range(6):
        (tmp_path / f"x{i}").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"\(found: notes\.txt, x0, x1, x2, x3, \.\.\.\)"):
        read_run(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"config\.json is missing \(found: nothing\)"):
        read_run(tmp_path / "empty")


def test_given_evaluation_of_another_part_is_not_mixed(tmp_path, binary_2d):
    model, data = binary_2d  # the data has no "val" part: nothing is computed for it
    write_run(tmp_path, model=model, data=data, plots=False,
              evaluation={"part": "val", "loss": 0.5, "confusion_matrix": [[1, 0], [1, 2]],
                          "class_names": ["off", "on"]})
    ev = json.loads((tmp_path / "metrics.json").read_text())["evaluation"]
    assert ev["part"] == "val"
    assert ev["confusion_matrix"] == [[1, 0], [1, 2]]
    assert ev["accuracy"] == 0.75 and ev["samples"] == 4
    assert ev["per_class"]["on"] == {"precision": 1.0, "recall": 2 / 3, "f1": 0.8,
                                     "support": 3}


def test_end_to_end_with_kerasdl_train(tmp_path, binary_2d):
    import kerasdl

    model, data = binary_2d
    result = kerasdl.train(model, data, epochs=2, batch_size=4, run_dir=tmp_path / "run",
                           verbose=0, seed=0)
    run = read_run(tmp_path / "run")
    assert run["history"] == {k: [float(v) for v in vals] for k, vals in result.history.items()}
    assert run["metrics"]["metrics"] == pytest.approx(result.metrics)
    assert run["config"]["seed"] == 0
    assert run["metrics"]["evaluation"]["part"] == "test"
    assert [p.name for p in run["plots"]] == ["learning_curves.png", "confusion_matrix.png",
                                             "decision_boundary.png"]
    assert run["report"] is not None


def test_given_confusion_matrix_needs_no_prediction(tmp_path, binary_2d, monkeypatch):
    model, data = binary_2d
    calls = []
    real_predict = model.predict

    def counting_predict(x, *args, **kwargs):
        calls.append(len(x))
        return real_predict(x, *args, **kwargs)

    monkeypatch.setattr(model, "predict", counting_predict)
    write_run(tmp_path, model=model, data=data, plots=True,
              evaluation={"part": "test", "confusion_matrix": [[3, 0], [0, 3]]})
    assert calls == [150 * 150]  # only the decision-boundary grid, in one batch
    ev = json.loads((tmp_path / "metrics.json").read_text())["evaluation"]
    assert ev["confusion_matrix"] == [[3, 0], [0, 3]] and ev["accuracy"] == 1.0


def test_class_names_that_do_not_fit_the_matrix_fall_back_to_indices(tmp_path):
    write_run(tmp_path, evaluation={"confusion_matrix": [[1, 0], [0, 1]],
                                    "class_names": ["a", "b", "c"]})
    ev = json.loads((tmp_path / "metrics.json").read_text())["evaluation"]
    assert list(ev["per_class"]) == ["0", "1"]
    assert (tmp_path / "plots" / "confusion_matrix.png").is_file()


# --------------------------------------------------------------------------- new in issue 13


def _image_classifier():
    """4x4 grey images; p(class 1) = softmax([2, sum of pixels])[1]: "bright" images are 1."""
    from kerasdl.data import Dataset

    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")], name="bright")
    kernel = np.stack([np.zeros(16), np.ones(16)], axis=1).astype("float32")
    model.layers[-1].set_weights([kernel, np.array([2.0, 0.0], "float32")])
    levels = np.array([0.0, 0.04, 0.1, 0.2, 0.3, 0.5], "float32")  # sums 0 .. 8
    x = np.repeat(levels, 16).reshape(6, 4, 4, 1)
    y = np.array([1, 1, 0, 0, 0, 1])  # predictions 0 0 0 1 1 1 -> 4 mistakes
    data = Dataset(x, y, x_test=x, y_test=y, task="multiclass", num_classes=2,
                   class_names=["dark", "bright"], name="brightness")
    return model, data


def test_image_classification_gets_the_mistakes_gallery(tmp_path, png_size):
    model, data = _image_classifier()
    write_run(tmp_path, model=model, data=data, evaluation={
        "part": "test", "confusion_matrix": [[1, 2], [2, 1]]})
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "confusion_matrix.png", "mistakes.png"]
    assert png_size(tmp_path / "plots" / "mistakes.png")[0] > 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "The test images the model got most wrong" in page
    from kerasdl.reports import most_confident_mistakes

    outputs = model.predict(data.x_test, verbose=0)
    # confidences of the mistakes: 0.943 (4), 0.881 (0), 0.796 (1), 0.769 (3)
    assert most_confident_mistakes(data.y_test, outputs).tolist() == [4, 0, 1, 3]


def test_exports_are_listed_with_format_link_and_size(tmp_path):
    write_run(tmp_path, plots=False)
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "model.onnx").write_bytes(b"x" * 2048)
    manifest = [
        {"format": "onnx", "path": "export/model.onnx", "bytes": 2048, "max_abs_diff": 3e-7,
         "created": "2026-12-03T10:00:00+00:00"},
        {"format": "tflite", "path": "export/model.tflite", "bytes": 1500000,
         "max_abs_diff": None, "created": "2026-12-03T10:01:00+00:00"},
    ]
    (tmp_path / "export" / "exports.json").write_text(json.dumps(manifest))
    from kerasdl.reports import build_report

    page = build_report(tmp_path).read_text(encoding="utf-8")
    assert ('<tr><td>onnx</td><td><a href="export/model.onnx"><code>export/model.onnx</code>'
            '</a></td><td class="n">2.0 kB</td><td class="n">3e-07</td>'
            '<td>2026-12-03T10:00:00+00:00</td></tr>') in page
    assert ('<tr><td>tflite</td><td><code>export/model.tflite</code> (missing)</td>'
            '<td class="n">1.50 MB</td><td>—</td><td>2026-12-03T10:01:00+00:00</td></tr>'
            ) in page
    (tmp_path / "export" / "exports.json").write_text("[{")
    page = build_report(tmp_path).read_text(encoding="utf-8")
    assert "exports.json is damaged: it is not valid JSON" in page
