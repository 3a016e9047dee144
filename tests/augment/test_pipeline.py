"""pipeline(), presets and the AugmentationPipeline layer."""

import keras
import numpy as np
import pytest

from kerasdl import augment
from kerasdl.augment import AugmentationPipeline, RandomAffine, pipeline


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_public_names_are_pinned():
    assert augment.__all__ == [
        "AugmentationPipeline", "DataFrameIterator", "DirectoryIterator", "GaussianNoise",
        "ImageDataGenerator", "ImageDataGeneratorLayer", "Iterator", "NumpyArrayIterator",
        "RandomAffine", "RandomBrightness", "RandomChannelShift", "RandomContrast",
        "RandomErasing", "apply_affine_transform", "apply_brightness_shift",
        "apply_channel_shift", "array_to_img", "flip_axis", "img_to_array", "list_pictures",
        "list_presets", "load_img", "pipeline", "random_brightness", "random_channel_shift",
        "random_rotation", "random_shear", "random_shift", "random_zoom", "save_img",
        "smart_resize"]


def test_list_presets():
    assert augment.list_presets() == ["cifar", "mnist", "none"]


def test_presets_build_the_expected_layers():
    mnist = pipeline("mnist")
    assert [type(la).__name__ for la in mnist.augmenters] == ["RandomAffine"]
    affine = mnist.augmenters[0]
    assert (affine.rotation, affine.width_shift, affine.height_shift, affine.zoom,
            affine.flip) == (10.0, 0.1, 0.1, 0.1, None)
    cifar = pipeline("cifar")
    assert [type(la).__name__ for la in cifar.augmenters] == [
        "RandomAffine", "RandomBrightness", "RandomContrast"]
    assert cifar.augmenters[0].flip == "horizontal"
    assert pipeline("none").augmenters == []


def test_explicit_arguments_override_the_preset():
    aug = pipeline("mnist", rotation=5, flip="vertical", noise=0.05, erasing=0.25, seed=10)
    names = [type(la).__name__ for la in aug.augmenters]
    assert names == ["RandomAffine", "GaussianNoise", "RandomErasing"]
    affine, noise, erasing = aug.augmenters
    assert (affine.rotation, affine.flip, affine.seed) == (5.0, "vertical", 10)
    assert (noise.stddev, noise.seed, erasing.probability, erasing.seed) == (0.05, 14, 0.25, 15)


def test_shift_and_zoom_pairs_are_height_width():
    affine = pipeline(shift=(0.1, 0.2), zoom=(0.05, 0.15)).augmenters[0]
    assert (affine.height_shift, affine.width_shift, affine.zoom) == (0.1, 0.2, (0.05, 0.15))


def test_none_preset_and_inference_are_identity():
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32")
    np.testing.assert_array_equal(_np(pipeline("none")(x)), x)
    aug = pipeline("cifar", erasing=0.5, seed=0)
    np.testing.assert_array_equal(_np(aug(x, training=False)), x)
    assert not np.allclose(_np(aug(x, training=True)), x)


def test_same_seed_same_batch():
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype("float32")
    a = _np(pipeline("cifar", rotation=10, seed=3)(x))
    b = _np(pipeline("cifar", rotation=10, seed=3)(x))
    np.testing.assert_array_equal(a, b)


def test_pipeline_in_a_model_trains_and_round_trips(tmp_path):
    aug = pipeline("mnist", seed=0)
    model = keras.Sequential([keras.Input((8, 8, 1)), aug, keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((16, 8, 8, 1)).astype("float32")
    y = np.arange(16) % 2
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[0], AugmentationPipeline)
    assert isinstance(loaded.layers[0].augmenters[0], RandomAffine)
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)),
                               _np(model.predict(x, verbose=0)), atol=1e-6)


def test_pipeline_config_round_trip():
    aug = pipeline("cifar", shear=5, erasing=0.3, seed=1, data_format="channels_first")
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(aug))
    assert [type(la).__name__ for la in clone.augmenters] == \
        [type(la).__name__ for la in aug.augmenters]
    assert [la.get_config() for la in clone.augmenters] == \
        [la.get_config() for la in aug.augmenters]


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(preset="imagenet"), ValueError, r"Unknown preset 'imagenet'.*Valid presets: cifar, "
                                          r"mnist, none"),
    (dict(preset="cifer"), ValueError, r"Did you mean 'cifar'"),
    (dict(rotation=-1), ValueError, r"`rotation` must be in \[0, 180\]; received -1"),
    (dict(shift=1.2), ValueError, r"`shift` must be in \[0, 1\); received 1.2"),
    (dict(shift=(0.1, -0.1)), ValueError, r"`shift\[1\]` must be in \[0, 1\)"),
    (dict(zoom=1.5), ValueError, r"`zoom` must be in \[0, 1\)"),
    (dict(brightness=1.0), ValueError, r"`brightness` must be in \[0, 1\)"),
    (dict(flip="sideways"), ValueError, r"`flip` must be one of 'both', 'horizontal', "
                                        r"'vertical'; received 'sideways'"),
    (dict(noise=-0.1), ValueError, r"`noise` must be in \[0, inf\)"),
    (dict(erasing=2), ValueError, r"`erasing` must be in \[0, 1\]"),
    (dict(fill_mode="zeros"), ValueError, r"`fill_mode` must be one of"),
    (dict(preset=3), TypeError, r"`preset` must be a string or None"),
])
def test_pipeline_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        pipeline(**kwargs)


def test_augmentation_pipeline_rejects_non_layers():
    with pytest.raises(TypeError, match=r"`layers\[0\]` must be a keras Layer"):
        AugmentationPipeline([lambda x: x])
