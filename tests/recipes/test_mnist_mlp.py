"""mnist_mlp: the textbook MLP, smoke-run on generated MNIST-shaped images (no download)."""


def test_smoke_on_generated_images(tiny_run, check_run):
    result, run_dir = tiny_run("mnist_mlp")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 28, 28)
    assert result.config["loss"] == "categorical_crossentropy"
    assert result.config["optimizer"] == "rmsprop"
    assert result.config["batch_size"] == 40  # 64, capped at the 40 training images
    check_run(run_dir, recipe="mnist_mlp", figures=["confusion_matrix.png"])


def test_defaults_are_the_textbook_model():
    # the book's network, optimizer, rate and epochs; batches of 64 and a cosine decay
    # instead of the book's 128 at a constant rate (see the recipe's docstring)
    from kerasdl.recipes import mnist_mlp

    assert {k: mnist_mlp.DEFAULTS[k] for k in ("hidden", "activation", "optimizer",
                                               "learning_rate", "epochs", "batch_size",
                                               "schedule", "one_hot")} == {
        "hidden": (512,), "activation": "relu", "optimizer": "rmsprop", "learning_rate": 0.001,
        "epochs": 5, "batch_size": 64, "schedule": "cosine", "one_hot": True}
