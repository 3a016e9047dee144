"""softmax_regression: iris with one-hot labels and categorical cross-entropy."""

from kerasdl import recipes


def test_smoke_one_hot(tiny_run, check_run):
    result, run_dir = tiny_run("softmax_regression")  # small settings: conftest.SMALL_SETTINGS
    assert result.config["loss"] == "categorical_crossentropy"
    assert result.model.output_shape == (None, 3)
    assert set(result.metrics) >= {"accuracy", "loss"}
    check_run(run_dir, recipe="softmax_regression", figures=["confusion_matrix.png"])


def test_sparse_labels_on_another_dataset(tmp_path):
    result = recipes.run("softmax_regression", data="wine", one_hot=False, epochs=1, verbose=0,
                         run_dir=tmp_path / "wine")
    assert result.config["loss"] == "sparse_categorical_crossentropy"
    assert result.config["dataset"] == "wine"
