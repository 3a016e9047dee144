"""mnist_mlp: the textbook MLP, smoke-run on generated MNIST-shaped images (no download)."""


def test_smoke_on_generated_images(tiny_run, check_run):
    result, run_dir = tiny_run("mnist_mlp")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 28, 28)
    assert result.config["loss"] == "categorical_crossentropy"
    assert result.config["optimizer"] == "rmsprop"
    assert result.config["batch_size"] == 40  # 128, capped at the 40 training images
    check_run(run_dir, recipe="mnist_mlp", figures=["confusion_matrix.png"])


def test_defaults_are_the_textbook_model():
    # the book's network, optimizer, batch size and epochs; a cosine decay from 0.002
    # instead of the book's constant 0.001 (see the recipe's docstring)
    from kerasdl.recipes import mnist_mlp

    assert {k: mnist_mlp.DEFAULTS[k] for k in ("hidden", "activation", "optimizer",
                                               "learning_rate", "epochs", "batch_size",
                                               "schedule", "one_hot")} == {
        "hidden": (512,), "activation": "relu", "optimizer": "rmsprop", "learning_rate": 0.002,
        "epochs": 5, "batch_size": 128, "schedule": "cosine", "one_hot": True}
