"""cifar10_cnn: smoke-run on generated CIFAR-shaped colour images (no download)."""


def test_smoke_on_generated_images(tiny_run, check_run):
    result, run_dir = tiny_run("cifar10_cnn")  # small settings: conftest.SMALL_SETTINGS
    assert result.model.input_shape == (None, 32, 32, 3)
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["optimizer"] == "adam"
    check_run(run_dir, recipe="cifar10_cnn", figures=["learning_curves.png"])

