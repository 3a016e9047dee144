"""Tests for kerasdl/models/_cnn.py: layout, image-shape checks, augmentation."""

import keras
import numpy as np
import pytest

from kerasdl.models import cnn


def _names(model):
    return [layer.name for layer in model.layers]


def test_layout_conv_blocks_then_dense_then_head():
    model = cnn((8, 8, 1), filters=(4, 8), dense=(6,), num_classes=10, seed=0)
    assert _names(model) == ["conv_0", "conv_0_maxpool", "conv_1", "conv_1_maxpool",
                             "flatten", "hidden_0", "head"]
    assert model.output_shape == (None, 10)
    assert model.get_layer("flatten").output.shape == (None, 2 * 2 * 8)
    assert model.get_layer("conv_0").kernel.shape == (3, 3, 1, 4)
    assert model.loss == "sparse_categorical_crossentropy"


def test_batch_norm_dropout_avg_pooling_and_global_pooling():
    model = cnn((8, 8, 3), filters=(4,), kernel_size=(3, 5), pooling="avg", dense=(),
                dropout=0.3, conv_dropout=0.1, batch_norm=True, global_pooling=True,
                task="binary", seed=0)
    assert _names(model) == ["conv_0", "conv_0_bn", "conv_0_relu", "conv_0_avgpool",
                             "conv_0_dropout", "global_pool", "flatten_dropout", "head"]
    assert model.get_layer("conv_0").kernel.shape == (3, 5, 3, 4)
    assert model.output_shape == (None, 1)


def test_flat_input_raises_with_reshape_advice():
    with pytest.raises(ValueError, match=r"`input_shape` for a CNN must be \(height, width, "
                                         r"channels\); received the flat shape \(784,\)\. "
                                         r"Reshape the images first, e\.g\. for 28x28 grayscale "
                                         r"x\.reshape\(-1, 28, 28, 1\)"):
        cnn(784, num_classes=10)


def test_missing_channel_axis_raises_with_fix():
    with pytest.raises(ValueError, match=r"received \(28, 28\) with no channels axis\. Add one: "
                                         r"x = x\[\.\.\., None\] and input_shape=\(28, 28, 1\)"):
        cnn((28, 28), num_classes=10)


def test_too_much_pooling_for_the_image_raises():
    with pytest.raises(ValueError, match=r"3 pooling steps of \(2, 2\) do not fit a 4x4 input"):
        cnn((4, 4, 1), filters=(2, 2, 2), num_classes=2)


def test_cnn_validation_of_filters_pooling_and_augment():
    with pytest.raises(ValueError, match=r"`filters\[1\]` must be a positive integer \(>= 1\); "
                                         r"received 0\."):
        cnn((8, 8, 1), filters=(4, 0), num_classes=2)
    with pytest.raises(ValueError, match=r"`pooling` must be one of 'avg', 'max'; received "
                                         r"'min'"):
        cnn((8, 8, 1), pooling="min", num_classes=2)
    with pytest.raises(TypeError, match=r"`augment` must be None, a keras Layer, a preset name"):
        cnn((8, 8, 1), augment=3, num_classes=2)


def test_augmentation_layer_is_first_and_active_only_in_training():
    flip = keras.layers.RandomFlip("horizontal", seed=1)
    model = cnn((4, 4, 1), filters=(2,), dense=(), num_classes=2, augment=flip, seed=0)
    assert model.layers[0] is flip
    plain = cnn((4, 4, 1), filters=(2,), dense=(), num_classes=2, seed=0)
    x = np.arange(2 * 16, dtype="float32").reshape(2, 4, 4, 1) / 32
    want = plain.predict(x, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), want)  # identity at inference
    outs = [keras.ops.convert_to_numpy(model(x, training=True)) for _ in range(8)]
    assert any(not np.allclose(o, want) for o in outs)  # some training calls flip


def test_augment_preset_uses_kerasdl_augment_pipeline():
    augment = pytest.importorskip("kerasdl.augment")
    if not hasattr(augment, "pipeline"):
        pytest.skip("kerasdl.augment.pipeline is not available yet")
    model = cnn((8, 8, 1), filters=(2,), dense=(), num_classes=2, augment="mnist", seed=0)
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    plain = cnn((8, 8, 1), filters=(2,), dense=(), num_classes=2, seed=0)
    assert len(model.layers) == len(plain.layers) + 1
    np.testing.assert_allclose(model.predict(x, verbose=0), plain.predict(x, verbose=0),
                               rtol=1e-6)


def test_augment_dict_spec_and_none_preset():
    augment = pytest.importorskip("kerasdl.augment")
    if not hasattr(augment, "pipeline"):
        pytest.skip("kerasdl.augment.pipeline is not available yet")
    x = np.random.default_rng(0).random((4, 8, 8, 1), dtype=np.float32)
    plain = cnn((8, 8, 1), filters=(2,), dense=(), num_classes=2, seed=0)
    model = cnn((8, 8, 1), filters=(2,), dense=(), num_classes=2, seed=0,
                augment={"flip": "horizontal", "rotation": 10})
    assert len(model.layers) == len(plain.layers) + 1
    np.testing.assert_allclose(model.predict(x, verbose=0), plain.predict(x, verbose=0),
                               rtol=1e-6)
    outs = [keras.ops.convert_to_numpy(model(x, training=True)) for _ in range(4)]
    assert any(not np.allclose(o, plain.predict(x, verbose=0), atol=1e-6) for o in outs)
    none = cnn((8, 8, 1), filters=(2,), dense=(), num_classes=2, seed=0, augment="none")
    np.testing.assert_allclose(none.predict(x, verbose=0), plain.predict(x, verbose=0),
                               rtol=1e-6)


def test_cnn_one_training_step_on_images(seed):
    x = np.random.default_rng(0).random((8, 8, 8, 1), dtype=np.float32)
    y = np.random.default_rng(1).integers(0, 3, 8)
    model = cnn((8, 8, 1), filters=(4,), dense=(8,), num_classes=3, batch_norm=True,
                dropout=0.2, seed=0)
    assert np.isfinite(model.fit(x, y, batch_size=4, epochs=1, verbose=0).history["loss"][0])
