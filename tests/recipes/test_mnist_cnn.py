"""mnist_cnn: smoke-run on generated MNIST-shaped images (no download), augmentation on."""

from kerasdl import recipes


def test_smoke_on_generated_images(tmp_path, images, check_run):
    data = images((28, 28))  # no channel axis: the recipe adds it
    result = recipes.run("mnist_cnn", data=data, epochs=1, filters=(4, 8), dense=(8,),
                         batch_size=16, verbose=0, run_dir=tmp_path / "mc")
    assert result.model.input_shape == (None, 28, 28, 1)
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["schedule"]["class"] == "OneCycle"
    assert set(result.metrics) >= {"accuracy", "loss"}
    check_run(tmp_path / "mc", recipe="mnist_cnn", figures=["learning_curves.png"])
