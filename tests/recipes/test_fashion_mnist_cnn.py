"""fashion_mnist_cnn: smoke-run on generated Fashion-MNIST-shaped images (no download)."""

from kerasdl import recipes


def test_smoke_on_generated_images(tmp_path, images, check_run):
    data = images((28, 28, 1), seed=1)
    result = recipes.run("fashion_mnist_cnn", data=data, epochs=1, filters=(4,), dense=(8,),
                         batch_size=20, verbose=0, run_dir=tmp_path / "fm")
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["recipe"]["settings"]["augment"] == {
        "flip": "horizontal", "shift": 0.08, "fill_mode": "constant"}
    check_run(tmp_path / "fm", recipe="fashion_mnist_cnn", figures=["learning_curves.png"])
