"""Exact tests of kerasdl.augment's layers on known images (both backends)."""

import keras
import numpy as np
import pytest

from kerasdl.augment import (GaussianNoise, RandomAffine, RandomBrightness, RandomChannelShift,
                             RandomContrast, RandomErasing)

N = 3


def _params(n=N, **overrides):
    base = {"rotation": 0.0, "shift_x": 0.0, "shift_y": 0.0, "shear": 0.0, "zoom_x": 1.0,
            "zoom_y": 1.0, "flip_x": 1.0, "flip_y": 1.0}
    base.update(overrides)
    return {k: np.full((n,), v, dtype="float32") if np.ndim(v) == 0 else np.asarray(v, "float32")
            for k, v in base.items()}


def _asym(size=7, channels=2):
    """An asymmetric image: values 0..size*size-1, a different one per channel."""
    base = np.arange(size * size, dtype="float32").reshape(size, size)
    img = np.stack([base + 100 * c for c in range(channels)], axis=-1)
    return np.repeat(img[None], N, axis=0)


def _np(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_rotation_90_equals_rot90(data_format):
    x = _asym()
    layer = RandomAffine(rotation=90, interpolation="nearest", data_format=data_format)
    xin = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)
    out = _np(layer.transform_images(xin, _params(rotation=90.0)))
    if data_format == "channels_first":
        out = np.moveaxis(out, 1, -1)
    np.testing.assert_array_equal(out, np.rot90(x, k=1, axes=(1, 2)))
    out = _np(layer.transform_images(x if data_format == "channels_last" else xin,
                                     _params(rotation=-90.0)))
    if data_format == "channels_first":
        out = np.moveaxis(out, 1, -1)
    np.testing.assert_array_equal(out, np.rot90(x, k=-1, axes=(1, 2)))


@pytest.mark.parametrize("k", [1, 3])
def test_shift_moves_marker_by_k_pixels(k):
    x = np.zeros((N, 9, 9, 1), "float32")
    x[:, 4, 4, 0] = 1.0
    layer = RandomAffine(width_shift=0.5, interpolation="nearest", fill_mode="constant")
    out = _np(layer.transform_images(x, _params(shift_x=float(k))))
    assert [tuple(p) for p in np.argwhere(out[0, ..., 0] == 1.0)] == [(4, 4 + k)]
    out = _np(layer.transform_images(x, _params(shift_y=-float(k))))
    assert [tuple(p) for p in np.argwhere(out[0, ..., 0] == 1.0)] == [(4 - k, 4)]


def test_flips_equal_np_flip():
    x = _asym(6, 3)
    layer = RandomAffine(flip="both", interpolation="bilinear")
    np.testing.assert_array_equal(_np(layer.transform_images(x, _params(flip_x=-1.0))),
                                  np.flip(x, axis=2))
    np.testing.assert_array_equal(_np(layer.transform_images(x, _params(flip_y=-1.0))),
                                  np.flip(x, axis=1))
    np.testing.assert_array_equal(
        _np(layer.transform_images(x, _params(flip_x=-1.0, flip_y=-1.0))), x[:, ::-1, ::-1])


def test_zoom_2x_doubles_a_centred_square():
    x = np.zeros((1, 16, 16, 1), "float32")
    x[0, 6:10, 6:10, 0] = 1.0  # 4x4 square centred at 7.5
    layer = RandomAffine(zoom=0.5, interpolation="nearest", fill_mode="constant")
    out = _np(layer.transform_images(x, _params(1, zoom_x=2.0, zoom_y=2.0)))[0, ..., 0]
    rows, cols = np.nonzero(out)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (4, 11, 4, 11)
    assert out.sum() == 64.0  # an 8x8 square


def test_all_ranges_zero_is_identity():
    x = np.random.default_rng(0).random((4, 8, 8, 5)).astype("float32")
    out = _np(RandomAffine(seed=1)(x, training=True))
    np.testing.assert_array_equal(out, x)
    ident = _np(RandomAffine(rotation=30).transform_images(x, _params(4)))
    np.testing.assert_allclose(ident, x, atol=1e-5)


def test_same_seed_same_batch_and_inference_identity():
    x = np.random.default_rng(0).random((4, 10, 10, 3)).astype("float32")
    spec = dict(rotation=20, width_shift=0.1, height_shift=0.1, zoom=0.2, shear=10,
                flip="both")
    a = _np(RandomAffine(**spec, seed=7)(x, training=True))
    b = _np(RandomAffine(**spec, seed=7)(x, training=True))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, x)
    np.testing.assert_array_equal(_np(RandomAffine(**spec, seed=7)(x, training=False)), x)


def test_any_channel_count_and_unbatched():
    x = np.random.default_rng(0).random((2, 8, 8, 7)).astype("float32")
    assert RandomAffine(rotation=10, seed=0)(x[0]).shape == (8, 8, 7)
    xf = np.moveaxis(x, -1, 1)
    assert RandomAffine(rotation=10, seed=0, data_format="channels_first")(xf).shape == \
        (2, 7, 8, 8)


@pytest.mark.parametrize("mode,expected", [
    ("constant", [9, 9, 0, 1, 2]),
    ("nearest", [0, 0, 0, 1, 2]),
    ("reflect", [1, 0, 0, 1, 2]),
    ("wrap", [3, 4, 0, 1, 2]),
])
def test_fill_modes(mode, expected):
    row = np.arange(5, dtype="float32")
    x = np.tile(row, (1, 5, 1))[..., None]
    layer = RandomAffine(width_shift=0.5, fill_mode=mode, fill_value=9.0,
                         interpolation="nearest")
    out = _np(layer.transform_images(x, _params(1, shift_x=2.0)))
    assert out[0, 2, :, 0].tolist() == expected


def test_one_pass_agrees_with_the_keras_layer_chain():
    """The same sampled parameters through 4 Keras layers and through one RandomAffine."""
    n, s = 6, 24
    yy, xx = np.mgrid[0:s, 0:s].astype("float32")
    img = np.sin(xx / 3.0) + np.cos(yy / 4.0) + 0.1 * xx
    x = np.repeat(img[None, :, :, None], n, 0).astype("float32")
    flip = keras.layers.RandomFlip("horizontal", seed=1)
    zoom = keras.layers.RandomZoom(0.2, 0.2, seed=2, fill_mode="reflect")
    rot = keras.layers.RandomRotation(0.05, seed=3, fill_mode="reflect")
    shift = keras.layers.RandomTranslation(0.1, 0.1, seed=4, fill_mode="reflect")
    t_f = flip.get_random_transformation(x)
    y = flip.transform_images(x, t_f)
    t_z = zoom.get_random_transformation(y)
    y = zoom.transform_images(y, t_z)
    t_r = rot.get_random_transformation(y)
    y = rot.transform_images(y, t_r)
    t_t = shift.get_random_transformation(y)
    chain = _np(shift.transform_images(y, t_t))

    def f(v):
        return _np(v).astype("float32").reshape(n)

    translations = _np(t_t["translations"])
    params = {"rotation": f(t_r["angle"]), "shift_x": translations[:, 0],
              "shift_y": translations[:, 1], "shear": np.zeros(n, "float32"),
              "zoom_x": 1.0 / f(t_z["width_zoom"]), "zoom_y": 1.0 / f(t_z["height_zoom"]),
              "flip_x": np.where(f(t_f["flips"]) > 0, -1.0, 1.0).astype("float32"),
              "flip_y": np.ones(n, "float32")}
    assert np.abs(params["rotation"]).max() > 1.0  # the draw really rotates
    one_pass = _np(RandomAffine(fill_mode="reflect").transform_images(x, params))
    interior = np.abs(one_pass - chain)[:, 6:-6, 6:-6]
    # the signal spans ~4.4; four bilinear passes vs one differ by interpolation error only
    assert interior.max() < 0.08
    assert np.abs(one_pass - chain).mean() < 0.1


def test_random_affine_serialization_round_trip():
    layer = RandomAffine(rotation=12, width_shift=0.1, height_shift=0.2, zoom=(0.1, 0.2),
                         shear=5, flip="vertical", fill_mode="wrap", fill_value=0.5,
                         interpolation="nearest", seed=3, data_format="channels_first")
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone) is RandomAffine
    assert clone.get_config() == layer.get_config()
    assert (clone.rotation, clone.zoom, clone.flip, clone.seed) == (12.0, (0.1, 0.2),
                                                                      "vertical", 3)


def test_random_affine_in_a_saved_model(tmp_path):
    model = keras.Sequential([keras.Input((8, 8, 1)), RandomAffine(rotation=10, seed=0),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(_np(loaded.predict(x, verbose=0)),
                               _np(model.predict(x, verbose=0)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(rotation=-5), ValueError, r"`rotation` must be in \[0, 180\]; received -5"),
    (dict(width_shift=1.5), ValueError, r"`width_shift` must be in \[0, 1\); received 1.5"),
    (dict(height_shift=-0.1), ValueError, r"`height_shift` must be in \[0, 1\)"),
    (dict(zoom=1.0), ValueError, r"`zoom` must be in \[0, 1\); received 1"),
    (dict(zoom=(0.1, 2.0)), ValueError, r"`zoom\[1\]` must be in \[0, 1\)"),
    (dict(shear=90), ValueError, r"`shear` must be in \[0, 90\)"),
    (dict(flip="diagonal"), ValueError, r"`flip` must be one of 'both', 'horizontal', "
                                        r"'vertical'; received 'diagonal'"),
    (dict(flip="horizonal"), ValueError, r"Did you mean 'horizontal'"),
    (dict(fill_mode="mirror"), ValueError, r"`fill_mode` must be one of"),
    (dict(interpolation="bicubic"), ValueError, r"`interpolation` must be one of"),
    (dict(rotation="10"), TypeError, r"`rotation` must be a number"),
    (dict(seed=-1), ValueError, r"`seed` must be >= 0"),
])
def test_random_affine_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        RandomAffine(**kwargs)


# ------------------------------------------------------------------ photometric


def test_brightness_multiplies_and_clips():
    x = np.full((200, 2, 2, 1), 0.5, "float32")
    out = _np(RandomBrightness(0.2, seed=0)(x))
    factors = out[:, 0, 0, 0] / 0.5
    assert 0.8 <= factors.min() < 0.85 and 1.15 < factors.max() <= 1.2
    np.testing.assert_allclose(out, x * factors[:, None, None, None], rtol=1e-6)
    bright = _np(RandomBrightness((2.0, 3.0), seed=0)(x))
    np.testing.assert_array_equal(bright, np.ones_like(x))  # 0.5 * >=2 clipped to 1
    assert np.all(_np(RandomBrightness(0.5, seed=0)(np.zeros((3, 2, 2, 1), "float32"))) == 0)


def test_contrast_draws_both_sides_and_keeps_the_mean():
    x = np.full((400, 2, 2, 3), 0.4, "float32")
    x[:, 0, 0, :] = 0.6  # per-channel mean 0.45
    out = _np(RandomContrast(0.5, seed=0)(x))
    c = (out[:, 0, 0, 0] - 0.45) / (0.6 - 0.45)
    assert c.min() < 0.6 and c.max() > 1.4  # keras.layers.RandomContrast never goes below 1
    np.testing.assert_allclose(out.mean(axis=(1, 2)), np.full((400, 3), 0.45), atol=1e-5)


def test_channel_shift_is_per_channel_and_clipped():
    x = np.full((50, 3, 3, 3), 0.5, "float32")
    out = _np(RandomChannelShift(0.2, seed=0)(x))
    shifts = out[:, 0, 0, :] - 0.5
    assert np.abs(shifts).max() <= 0.2 + 1e-6
    np.testing.assert_allclose(out, np.broadcast_to(0.5 + shifts[:, None, None, :], out.shape),
                               atol=1e-6)
    assert np.abs(shifts[:, 0] - shifts[:, 1]).max() > 0.01  # channels differ
    out = _np(RandomChannelShift(0.9, seed=1)(x))
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_gaussian_noise_stddev():
    x = np.zeros((20, 16, 16, 1), "float32")
    out = _np(GaussianNoise(0.1, seed=0)(x))
    assert abs(out.std() - 0.1) < 0.005 and abs(out.mean()) < 0.005
    np.testing.assert_array_equal(_np(GaussianNoise(0.1, seed=0)(x, training=False)), x)


def test_random_erasing_blanks_one_rectangle():
    x = np.ones((30, 12, 12, 2), "float32")
    out = _np(RandomErasing(1.0, scale=(0.1, 0.2), value=0.0, seed=0)(x))
    for img in out:
        rows, cols = np.nonzero(img[..., 0] == 0)
        assert rows.size > 0
        box = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
        assert box == rows.size  # the zeros form a rectangle
        assert 0.05 * 144 <= rows.size <= 0.3 * 144
        np.testing.assert_array_equal(img[..., 0], img[..., 1])
    untouched = _np(RandomErasing(0.0, seed=0)(x))
    np.testing.assert_array_equal(untouched, x)
    xf = np.ones((4, 2, 12, 12), "float32")
    outf = _np(RandomErasing(1.0, seed=0, data_format="channels_first")(xf))
    assert (outf == 0).any() and np.array_equal(outf[:, 0], outf[:, 1])


@pytest.mark.parametrize("layer", [
    RandomBrightness(0.3, seed=1), RandomContrast((0.5, 1.5), value_range=None, seed=2),
    RandomChannelShift(0.1, seed=3), GaussianNoise(0.2, value_range=(0, 1), seed=4),
    RandomErasing(0.7, scale=(0.1, 0.3), ratio=(0.5, 2.0), value="random", seed=5),
])
def test_photometric_round_trip_seed_and_identity(layer):
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
    x = np.random.default_rng(0).random((4, 6, 6, 3)).astype("float32")
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    np.testing.assert_array_equal(_np(layer(x)), _np(clone(x)))  # same seed, same draw


@pytest.mark.parametrize("make,match", [
    (lambda: RandomBrightness(1.5), r"`factor` must be in \[0, 1\); received 1.5"),
    (lambda: RandomBrightness(-0.1), r"`factor` must be in \[0, 1\)"),
    (lambda: RandomBrightness((1.2, 0.8)), r"low <= high"),
    (lambda: RandomContrast(0.2, value_range=(1, 0)), r"`value_range` must be \(low, high\)"),
    (lambda: RandomChannelShift(-1), r"`intensity` must be in \[0, inf\)"),
    (lambda: GaussianNoise(-0.1), r"`stddev` must be in \[0, inf\)"),
    (lambda: RandomErasing(1.5), r"`probability` must be in \[0, 1\]"),
    (lambda: RandomErasing(scale=(0.5, 0.1)), r"`scale` must be \(min, max\)"),
    (lambda: RandomErasing(value="noise"), r"`value` must be one of 'random'"),
])
def test_photometric_validation(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_layers_map_over_tf_data():
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).random((8, 10, 10, 3)).astype("float32")
    aug = RandomAffine(rotation=30, flip="horizontal", seed=0)
    erase = RandomErasing(1.0, seed=0)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4).map(aug).map(erase)
    batches = [b.numpy() for b in ds]
    assert [b.shape for b in batches] == [(4, 10, 10, 3), (4, 10, 10, 3)]
    assert not np.allclose(np.concatenate(batches), x)


def test_integer_images_become_float():
    x = np.full((2, 4, 4, 3), 200, "uint8")
    out = RandomAffine(rotation=10, seed=0)(x)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_array_equal(_np(RandomAffine(seed=0)(x)), x.astype("float32"))
