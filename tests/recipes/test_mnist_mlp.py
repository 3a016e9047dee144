"""mnist_mlp: the textbook MLP, smoke-run on generated MNIST-shaped images (no download)."""

from kerasdl import recipes


def test_smoke_on_generated_images(tmp_path, images, check_run):
    data = images((28, 28))  # sparse labels: the recipe one-hot encodes them
    result = recipes.run("mnist_mlp", data=data, epochs=1, hidden=(16,), verbose=0,
                         run_dir=tmp_path / "mm")
    assert result.model.input_shape == (None, 28, 28)
    assert result.config["loss"] == "categorical_crossentropy"
    assert result.config["optimizer"] == "rmsprop"
    assert result.config["batch_size"] == 40  # 128, capped at the 40 training images
    check_run(tmp_path / "mm", recipe="mnist_mlp", figures=["confusion_matrix.png"])


def test_defaults_are_the_textbook_model():
    from kerasdl.recipes import mnist_mlp

    assert {k: mnist_mlp.DEFAULTS[k] for k in ("hidden", "activation", "optimizer", "epochs",
                                               "batch_size", "one_hot")} == {
        "hidden": (512,), "activation": "relu", "optimizer": "rmsprop", "epochs": 5,
        "batch_size": 128, "one_hot": True}
