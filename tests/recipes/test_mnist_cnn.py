"""mnist_cnn: smoke-run on generated MNIST-shaped images (no download), augmentation on."""


def test_smoke_on_generated_images(tiny_run, check_run):
    result, run_dir = tiny_run("mnist_cnn")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 28, 28, 1)
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["schedule"]["class"] == "OneCycle"
    assert set(result.metrics) >= {"accuracy", "loss"}
    check_run(run_dir, recipe="mnist_cnn", figures=["learning_curves.png"])
