"""cifar10_cnn: smoke-run on generated CIFAR-shaped colour images (no download)."""

from kerasdl import recipes


def test_smoke_on_generated_images(tmp_path, images, check_run):
    data = images((32, 32, 3), seed=2)
    result = recipes.run("cifar10_cnn", data=data, epochs=1, filters=(4,),
                         dense=(8,), batch_size=20, verbose=0, run_dir=tmp_path / "cf")
    assert result.model.input_shape == (None, 32, 32, 3)
    assert type(result.model.layers[0]).__name__ == "AugmentationPipeline"
    assert result.config["optimizer"] == "adam"
    check_run(tmp_path / "cf", recipe="cifar10_cnn", figures=["learning_curves.png"])

