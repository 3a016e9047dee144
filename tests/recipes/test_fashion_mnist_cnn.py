"""fashion_mnist_cnn: smoke-run on generated Fashion-MNIST-shaped images (no download)."""


def test_smoke_on_generated_images(tiny_run, check_run):
    result, run_dir = tiny_run("fashion_mnist_cnn")  # small settings: conftest.SMALL_SETTINGS
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["recipe"]["settings"]["augment"] == {
        "flip": "horizontal", "shift": 0.08, "fill_mode": "constant"}
    check_run(run_dir, recipe="fashion_mnist_cnn", figures=["learning_curves.png"])
