"""ImageDataGenerator: legacy meanings, flow/flow_from_directory/flow_from_dataframe, fit."""

import os

import keras
import numpy as np
import pytest

from kerasdl.augment import ImageDataGenerator, ImageDataGeneratorLayer
from kerasdl.augment import _ops


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _asym(size=7, channels=2):
    base = np.arange(size * size, dtype="float32").reshape(size, size)
    return np.stack([base + 100 * c for c in range(channels)], axis=-1)


def test_apply_transform_legacy_meanings():
    gen = ImageDataGenerator(interpolation_order=0)
    x = _asym()
    np.testing.assert_array_equal(gen.apply_transform(x, {"theta": 90}), np.rot90(x))
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}),
                                  x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    marker = np.zeros((9, 9, 1), "float32")
    marker[4, 4] = 1
    # legacy: the output pixel (x, y) reads the input at (x + tx, y + ty)
    out = gen.apply_transform(marker, {"tx": 2})
    assert np.argwhere(out[..., 0] == 1).tolist() == [[4, 2]]
    out = gen.apply_transform(marker, {"ty": -3})
    assert np.argwhere(out[..., 0] == 1).tolist() == [[7, 4]]
    square = np.zeros((16, 16, 1), "float32")
    square[6:10, 6:10] = 1
    out = gen.apply_transform(square, {"zx": 0.5, "zy": 0.5})  # legacy zoom < 1 zooms in
    assert out.sum() == 64 and np.argwhere(out[..., 0]).min(0).tolist() == [4, 4]


def test_channel_shift_and_brightness_legacy():
    gen = ImageDataGenerator()
    x = np.stack([np.full((2, 2), 10.0), np.full((2, 2), 200.0)], -1).astype("float32")
    out = gen.apply_transform(x, {"channel_shift_intensity": 50.0})
    np.testing.assert_array_equal(out[0, 0], [60.0, 200.0])  # clipped to the image's range
    out = gen.apply_transform(x, {"brightness": 1.5})
    np.testing.assert_array_equal(out[0, 0], [15.0, 255.0])  # scaled, clipped to 255


def test_matches_tf_keras_on_square_images():
    legacy = pytest.importorskip("tf_keras.preprocessing.image")
    x = np.random.default_rng(0).random((11, 11, 3)).astype("float32") * 255
    for order in (0, 1):
        old = legacy.ImageDataGenerator(interpolation_order=order)
        new = ImageDataGenerator(interpolation_order=order)
        for p in [{"theta": 37}, {"shear": 20}, {"tx": 1.5, "ty": -2}, {"zx": 0.7, "zy": 1.2},
                  {"flip_vertical": True, "theta": 30, "tx": 1.5, "zx": 1.2, "shear": 10}]:
            np.testing.assert_allclose(new.apply_transform(x, p),
                                       old.apply_transform(x.copy(), dict(p)), atol=1e-3)


def test_one_matrix_function_for_host_and_backend():
    """The generator (numpy) and its in-model layer (backend ops) share ONE legacy_matrices."""
    import keras.src.backend as B  # the active backend's namespace, as DataLayer.backend

    rng = np.random.default_rng(0)
    p = {k: rng.uniform(lo, hi, 5) for k, lo, hi in
         [("theta", -40, 40), ("tx", -3, 3), ("ty", -3, 3), ("shear", -10, 10),
          ("zx", 0.7, 1.3), ("zy", 0.7, 1.3)]}
    p["flip_x"] = np.where(rng.random(5) < 0.5, -1.0, 1.0)
    p["flip_y"] = np.where(rng.random(5) < 0.5, -1.0, 1.0)
    host = _ops.legacy_matrices(_ops.HOST, **p, height=10, width=14)
    dev = _ops.legacy_matrices(B, **{k: keras.ops.convert_to_tensor(v.astype("float32"))
                                     for k, v in p.items()}, height=10, width=14)
    np.testing.assert_allclose(_np(dev), host, atol=1e-5)
    assert not hasattr(__import__("kerasdl.augment._generator", fromlist=["x"]),
                       "_legacy_matrices_ops")


def test_shift_range_meanings():
    """Legacy draws: float < 1 a fraction (uniform), int pixels from [0, n) with a random
    sign, a list a choice with a random sign, a float >= 1 pixels (uniform)."""
    rng = np.random.RandomState(0)
    gen = ImageDataGenerator(width_shift_range=0.25, height_shift_range=3)
    ps = [gen._draw((10, 20, 1), rng) for _ in range(2000)]
    tx = np.array([p["tx"] for p in ps])
    assert np.abs(tx).max() <= 5.0 and np.abs(tx).max() > 4.9  # 0.25 * width 20
    assert set(np.unique([p["ty"] for p in ps]).tolist()) == {-2, -1, 0, 1, 2}  # int: pixels
    gen = ImageDataGenerator(width_shift_range=[2, 4], height_shift_range=2.5)
    ps = [gen._draw((10, 20, 1), rng) for _ in range(2000)]
    assert set(np.unique([p["tx"] for p in ps]).tolist()) == {-4, -2, 2, 4}
    ty = np.abs([p["ty"] for p in ps])
    assert ty.max() <= 2.5 and ty.max() > 2.4  # float >= 1: pixels
    assert ImageDataGenerator(zoom_range=0.2).zoom_range == [0.8, 1.2]  # a list, as legacy


def test_random_transform_seeded_and_zero_ranges_identity():
    gen = ImageDataGenerator(rotation_range=30, zoom_range=0.2, horizontal_flip=True)
    x = np.random.default_rng(0).random((8, 8, 3)).astype("float32")
    np.testing.assert_array_equal(gen.random_transform(x, seed=3), gen.random_transform(x, 3))
    assert gen.get_random_transform(x.shape, seed=3) == gen.get_random_transform(x.shape, 3)
    np.testing.assert_array_equal(ImageDataGenerator().random_transform(x, seed=1), x)


def test_flow_every_sample_once_per_epoch_and_disjoint_subsets():
    n = 23
    x = np.arange(n, dtype="float32").reshape(n, 1, 1, 1) * np.ones((1, 4, 4, 1), "float32")
    y = np.arange(n)
    gen = ImageDataGenerator(horizontal_flip=True, validation_split=0.3)
    train = gen.flow(x, y, batch_size=5, seed=0, subset="training", ignore_class_split=True)
    val = gen.flow(x, y, batch_size=5, seed=0, subset="validation", ignore_class_split=True)
    orders = []
    for _ in range(2):
        seen = []
        for i in range(len(train)):
            xb, yb = train[i]
            np.testing.assert_array_equal(xb[:, 0, 0, 0], yb.astype("float32"))
            seen.extend(yb.tolist())
        assert sorted(seen) == list(range(6, 23))
        orders.append(seen)
        train.on_epoch_end()
    assert orders[0] != orders[1]  # reshuffled
    val_seen = [v for i in range(len(val)) for v in val[i][1].tolist()]
    assert sorted(val_seen) == list(range(6))
    assert not set(val_seen) & set(orders[0])
    assert len(train) == 4 and len(val) == 2


def test_flow_yields_x_only_and_sample_weights():
    x = np.zeros((6, 4, 4, 1), "float32")
    gen = ImageDataGenerator()
    only_x = gen.flow(x, batch_size=4, shuffle=False)
    assert only_x[0].shape == (4, 4, 4, 1) and only_x[1].shape == (2, 4, 4, 1)
    xb, yb, wb = gen.flow(x, np.arange(6), sample_weight=np.arange(6) / 10, batch_size=4,
                          shuffle=False)[1]
    assert yb.tolist() == [4, 5] and wb.tolist() == [0.4, 0.5]


def test_flow_with_model_fit():
    x = np.random.default_rng(0).random((20, 6, 6, 1)).astype("float32")
    y = np.arange(20) % 2
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    gen = ImageDataGenerator(rotation_range=10, width_shift_range=0.1)
    history = model.fit(gen.flow(x, y, batch_size=8, seed=0), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def test_featurewise_centering_gives_zero_mean():
    x = np.random.default_rng(0).random((30, 5, 5, 3)).astype("float32") * 255
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                             rescale=1 / 255)
    gen.fit(x)
    out = gen.standardize(x)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), np.zeros(3), atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), np.ones(3), atol=1e-4)
    assert gen.mean.shape == (1, 1, 3)


def test_zca_whitening_decorrelates():
    x = np.random.default_rng(0).random((200, 3, 3, 1)).astype("float32")
    x[..., 0, 0, 0] = x[..., 0, 1, 0] * 0.9 + 0.1 * x[..., 0, 0, 0]  # correlate two pixels
    gen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-8)
    assert gen.featurewise_center  # legacy: ZCA implies centring
    out = gen.fit(x).standardize(x).reshape(200, -1)
    cov = out.T @ out / 200
    np.testing.assert_allclose(cov, np.eye(9), atol=1e-3)


def test_samplewise_and_preprocessing_function():
    x = np.random.default_rng(0).random((4, 5, 5, 2)).astype("float32")
    gen = ImageDataGenerator(samplewise_std_normalization=True,
                             preprocessing_function=lambda img: img * 2)
    out = gen.standardize(x)
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), np.zeros(4), atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(1, 2, 3)), np.ones(4), atol=1e-4)


def test_standardize_before_fit_warns_and_skips_as_legacy():
    with pytest.warns(UserWarning, match=r"specifies `featurewise_center`, but it hasn't been "
                                         r"fit on any training data. Fit it first by calling "
                                         r"`.fit\(numpy_data\)`."):
        out = ImageDataGenerator(featurewise_center=True).standardize(np.ones((2, 2, 1)))
    np.testing.assert_array_equal(out, np.ones((2, 2, 1)))  # the step is skipped


def test_flow_from_directory_and_dataframe(tmp_path):
    from PIL import Image

    for cls, value in (("cat", 50), ("dog", 200)):
        (tmp_path / cls).mkdir()
        for i in range(5):
            Image.fromarray(np.full((6, 8, 3), value + i, np.uint8)).save(
                tmp_path / cls / f"{i}.png")
    gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.4)
    it = gen.flow_from_directory(tmp_path, target_size=(4, 4), batch_size=4, shuffle=False,
                                 subset="training")
    assert it.class_indices == {"cat": 0, "dog": 1} and it.samples == 6
    xb, yb = it[0]
    assert xb.shape == (4, 4, 4, 3) and yb.shape == (4, 2)
    np.testing.assert_allclose(xb[0, 0, 0], np.full(3, 52 / 255), atol=1e-6)
    val = gen.flow_from_directory(tmp_path, target_size=(4, 4), subset="validation",
                                  class_mode="sparse", color_mode="grayscale")
    assert sorted(val.filenames) == ["cat/0.png", "cat/1.png", "dog/0.png", "dog/1.png"]
    assert not set(val.filenames) & set(it.filenames)
    xb, yb = val[0]
    assert xb.shape == (4, 4, 4, 1) and sorted(yb.tolist()) == [0, 0, 1, 1]

    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"filename": [f"{c}/{i}.png" for c in ("cat", "dog") for i in range(5)],
                       "class": ["cat"] * 5 + ["dog"] * 5, "w": np.arange(10.0)})
    it = ImageDataGenerator().flow_from_dataframe(df, directory=tmp_path, target_size=(4, 4),
                                                  weight_col="w", class_mode="binary",
                                                  batch_size=10, shuffle=False)
    xb, yb, wb = it[0]
    assert yb.tolist() == [0.0] * 5 + [1.0] * 5 and wb.tolist() == list(range(10))
    assert xb[7, 0, 0, 0] == 202.0


def test_save_to_dir(tmp_path):
    x = np.random.default_rng(0).random((3, 4, 4, 3)).astype("float32")
    it = ImageDataGenerator(rotation_range=10).flow(x, batch_size=3, seed=0,
                                                    save_to_dir=tmp_path, save_prefix="aug")
    it[0]
    assert len(list(tmp_path.glob("aug_*.png"))) == 3


def test_as_layer_same_augmentation_in_model():
    x = np.random.default_rng(0).random((6, 8, 8, 3)).astype("float32") * 255
    gen = ImageDataGenerator(rotation_range=20, width_shift_range=2, height_shift_range=0.1,
                             zoom_range=0.1, horizontal_flip=True, rescale=1 / 255,
                             featurewise_center=True)
    gen.fit(x)
    layer = gen.as_layer(seed=4)
    assert isinstance(layer, ImageDataGeneratorLayer) and layer.seed == 4
    inference = _np(layer(x, training=False))
    np.testing.assert_allclose(inference, gen.standardize(x), atol=1e-5)
    training = _np(layer(x, training=True))
    assert training.shape == x.shape and not np.allclose(training, inference)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert clone.get_config() == layer.get_config()


def test_as_layer_refuses_what_it_cannot_move():
    with pytest.raises(ValueError, match=r"cannot move `preprocessing_function`"):
        ImageDataGenerator(preprocessing_function=np.fliplr).as_layer()
    with pytest.raises(ValueError, match=r"does not support `zca_whitening`"):
        ImageDataGenerator(zca_whitening=True).as_layer()
    with pytest.raises(ValueError, match=r"Call `.fit\(x_train\)` before as_layer"):
        ImageDataGenerator(featurewise_center=True).as_layer()


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(interpolation_order=3), ValueError, r"`interpolation_order` must be 0 \(nearest\) or "
                                              r"1 \(bilinear\); received 3"),
    (dict(fill_mode="mirror"), ValueError, r"`fill_mode` must be one of"),
    (dict(validation_split=1.5), ValueError, r"`validation_split` must be in \[0, 1\); "
                                             r"received 1.5"),
    (dict(rotation_range=-10), ValueError, r"`rotation_range` must be in \[0, 360\]"),
    (dict(zoom_range=(1.2, 0.8)), ValueError, r"lower <= upper"),
    (dict(zoom_range=1.5), ValueError, r"`zoom_range` must be in \[0, 1\)"),
    (dict(width_shift_range=-1), ValueError, r"`width_shift_range` must be >= 0"),
    (dict(brightness_range=0.5), ValueError, r"`brightness_range should be tuple or list of two floats. Received: 0.5"),
    (dict(horizontal_flip="yes"), TypeError, r"`horizontal_flip` must be True or False"),
    (dict(preprocessing_function=3), TypeError, r"`preprocessing_function` must be callable"),
    (dict(data_format="nhwc"), ValueError, r"`data_format` must be one of"),
])
def test_constructor_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ImageDataGenerator(**kwargs)


def test_flow_validation():
    gen = ImageDataGenerator()
    x = np.zeros((4, 3, 3, 1), "float32")
    with pytest.raises(ValueError, match=r"needs a `validation_split` in \(0, 1\)"):
        gen.flow(x, subset="training")
    with pytest.raises(ValueError, match=r"`subset` must be one of 'training', 'validation'"):
        ImageDataGenerator(validation_split=0.5).flow(x, subset="test")
    with pytest.raises(ValueError, match=r"same number of samples; received 4 and 3"):
        gen.flow(x, np.arange(3))
    with pytest.raises(ValueError, match=r"must have 4 dimensions"):
        gen.flow(np.zeros((4, 3, 3)))
    with pytest.raises(ValueError, match=r"Training and validation subsets have different number of classes after "
                                         r"the split. If your numpy arrays are sorted by the "
                                         r"label, you might want to shuffle them."):
        ImageDataGenerator(validation_split=0.5).flow(x, np.array([0, 0, 1, 1]),
                                                      subset="training")
    with pytest.raises(ValueError, match=r"Unknown transform parameter\(s\) \['rotate'\]"):
        gen.apply_transform(x[0], {"rotate": 3})


def test_channels_first_generator():
    x = np.moveaxis(_asym(6, 3), -1, 0)  # (3, 6, 6)
    gen = ImageDataGenerator(interpolation_order=0, data_format="channels_first",
                             featurewise_center=True)
    np.testing.assert_array_equal(gen.apply_transform(x, {"theta": 90}),
                                  np.rot90(x, axes=(1, 2)))
    batch = np.stack([x, x + 1])
    gen.fit(batch)
    assert gen.mean.shape == (3, 1, 1)
    out = gen.flow(batch, batch_size=2, shuffle=False)[0]
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), np.zeros(3), atol=1e-4)


def test_model_fit_sees_every_sample_once_per_epoch():
    from kerasdl.augment import NumpyArrayIterator

    x = np.arange(12, dtype="float32").reshape(12, 1, 1, 1) * np.ones((1, 2, 2, 1), "float32")
    fetched = []

    class Spy(NumpyArrayIterator):
        def __getitem__(self, idx):
            batch = super().__getitem__(idx)
            fetched.append(batch[1].tolist())
            return batch

    it = Spy(x, np.arange(12), ImageDataGenerator(), batch_size=4, shuffle=True, seed=0)
    model = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(it, epochs=2, verbose=0)
    # Keras may peek at a batch or two before training; the last 2 x 3 fetches are the epochs.
    epochs = [sum(fetched[-6:-3], []), sum(fetched[-3:], [])]
    assert [sorted(e) for e in epochs] == [list(range(12))] * 2
    assert epochs[0] != epochs[1]


def test_fit_with_augmented_rounds():
    x = np.random.default_rng(0).random((10, 6, 6, 1)).astype("float32")
    gen = ImageDataGenerator(featurewise_center=True, rotation_range=30, fill_mode="constant")
    plain_mean = float(gen.fit(x).mean.ravel()[0])
    assert plain_mean == pytest.approx(float(x.mean()), abs=1e-6)
    a = gen.fit(x, augment=True, rounds=3, seed=1).mean.copy()
    b = gen.fit(x, augment=True, rounds=3, seed=1).mean.copy()
    np.testing.assert_array_equal(a, b)
    assert float(a.ravel()[0]) < plain_mean  # rotations pull in zero-filled corners


def test_as_layer_colour_only_matches_generator_semantics():
    x = np.full((4, 3, 3, 2), 100.0, "float32")
    x[:, 0, 0, 1] = 200.0
    layer = ImageDataGenerator(brightness_range=(2.0, 2.0)).as_layer(seed=0)
    out = _np(layer(x, training=True))
    np.testing.assert_allclose(out, np.minimum(x * 2.0, 255.0))  # no resampling, exact
    layer = ImageDataGenerator(channel_shift_range=50.0).as_layer(seed=0)
    out = _np(layer(x, training=True))
    shift = out[:, 1, 1, 0] - 100.0
    assert np.abs(shift).max() <= 50.0 and np.abs(shift).max() > 0
    np.testing.assert_allclose(out[:, 1, 1, 1] - 100.0, shift, atol=1e-4)  # same for channels
    assert out.max() <= 200.0 and out.min() >= 100.0  # clipped to each image's range


def test_flow_from_dataframe_without_pandas(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ImportError, match=r"flow_from_dataframe needs pandas: `pip install "
                                          r"pandas`"):
        ImageDataGenerator().flow_from_dataframe(object())


# ------------------------------------------------------------------ legacy protocol (no tf_keras)


def test_flow_is_an_endless_iterator_and_a_sequence():
    x, y = np.arange(5, dtype="float32").reshape(5, 1, 1, 1), np.arange(5)
    it = ImageDataGenerator().flow(x, y, batch_size=2, shuffle=False)
    assert iter(it) is it and len(it) == 3
    got = [next(it)[1].tolist(), it.next()[1].tolist(), next(it)[1].tolist(),
           next(it)[1].tolist()]
    assert got == [[0, 1], [2, 3], [4], [0, 1]]  # endless: the next epoch follows
    assert (it.batch_index, it.total_batches_seen) == (1, 4)
    it.reset()
    assert it.batch_index == 0 and next(it)[1].tolist() == [0, 1]
    assert it[2][1].tolist() == [4] and it.index_array.tolist() == [0, 1, 2, 3, 4]
    x_batch, y_batch = next(ImageDataGenerator().flow(x, y, batch_size=5, shuffle=False))
    assert x_batch.shape == (5, 1, 1, 1) and x_batch.dtype == np.float32
    assert y_batch.tolist() == [0, 1, 2, 3, 4]


def test_seeded_shuffle_is_numpy_randomstate_and_leaves_global_state_alone():
    x = np.arange(6, dtype="float32").reshape(6, 1, 1, 1)
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    it = ImageDataGenerator().flow(x, np.arange(6), batch_size=6, seed=3)
    # legacy: np.random.seed(seed + total_batches_seen) then np.random.permutation(n)
    assert next(it)[1].tolist() == np.random.RandomState(3).permutation(6).tolist()
    assert next(it)[1].tolist() == np.random.RandomState(4).permutation(6).tolist()
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_out_of_range_index_is_a_value_error_with_legacy_wording():
    it = ImageDataGenerator().flow(np.zeros((3, 2, 2, 1)), batch_size=2)
    for idx in (2, -1):
        with pytest.raises(ValueError, match=rf"Asked to retrieve element {idx}, but the "
                                             rf"Sequence has length 2"):
            it[idx]


def test_user_subclass_of_iterator():
    from kerasdl.augment import Iterator

    class Squares(Iterator):
        def _get_batches_of_transformed_samples(self, index_array):
            return index_array ** 2

    it = Squares(5, 2, False, None)
    assert [next(it).tolist() for _ in range(4)] == [[0, 1], [4, 9], [16], [0, 1]]
    assert it[1].tolist() == [4, 9]
    with pytest.raises(NotImplementedError, match="must implement"):
        next(Iterator(3, 1, False, None))


def test_flow_tuple_form_yields_the_extra_inputs():
    x, misc = np.zeros((4, 2, 2, 1), "float32"), np.arange(8).reshape(4, 2)
    (xb, mb), yb = ImageDataGenerator().flow((x, misc), np.arange(4), batch_size=4,
                                             shuffle=False)[0]
    assert xb.shape == (4, 2, 2, 1) and mb.tolist() == misc.tolist()
    with pytest.raises(ValueError, match=r"should have the same length"):
        ImageDataGenerator().flow((x, misc[:3]))


def test_featurewise_without_fit_warns_and_skips():
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=False)
    x = np.full((2, 2, 2, 1), 3.0, "float32")
    with pytest.warns(UserWarning, match=r"`featurewise_center`, but it hasn't been fit"):
        batch = next(gen.flow(x, batch_size=2, shuffle=False))
    assert batch.tolist() == x.tolist()


def test_constant_fill_corner_is_exactly_the_fill_value():
    out = ImageDataGenerator(fill_mode="constant").apply_transform(
        np.ones((3, 3, 1), "float32"), {"theta": 45})
    assert out[..., 0].tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def test_height_shift_moves_vertically():
    x = np.zeros((5, 5, 1), "float32")
    x[2, 2] = 1
    gen = ImageDataGenerator(height_shift_range=[2], interpolation_order=0)
    out = gen.random_transform(x, seed=0)
    params = gen.get_random_transform(x.shape, seed=0)
    assert params["tx"] == 0 and abs(params["ty"]) == 2
    assert np.argwhere(out[..., 0] == 1).tolist() == [[2 - int(params["ty"]), 2]]


def test_channels_first_arrays_warn_as_legacy():
    with pytest.warns(UserWarning, match=r'NumpyArrayIterator is set to use the data format '
                                         r'convention "channels_last" \(channels on axis 3\)'):
        ImageDataGenerator(rotation_range=10).flow(np.zeros((2, 3, 8, 8), "float32"))


def _png_tree(root, counts):
    from PIL import Image

    for name, n in counts.items():
        (root / name).mkdir(parents=True)
        for i in range(n):
            Image.fromarray(np.full((4, 4, 3), 10 * i, np.uint8)).save(root / name / f"{i}.png")


def test_empty_folder_prints_legacy_line_then_iterating_raises(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    it = ImageDataGenerator().flow_from_directory(tmp_path, target_size=(4, 4))
    assert capsys.readouterr().out == "Found 0 images belonging to 2 classes.\n"
    assert len(it) == 0
    with pytest.raises(ValueError, match=r"DirectoryIterator has no samples to yield \(it "
                                         r"found 0 images in .* with the extensions png"):
        next(it)
    with pytest.raises(ValueError, match=r"has no samples to yield"):
        it[0]


def test_corrupt_image_raises_when_its_batch_is_loaded_as_legacy(tmp_path):
    from PIL import UnidentifiedImageError

    _png_tree(tmp_path, {"a": 1})
    (tmp_path / "a" / "bad.png").write_bytes(b"not a png")
    it = ImageDataGenerator().flow_from_directory(tmp_path, target_size=(4, 4), shuffle=False,
                                                  batch_size=1)
    assert it.filenames == [os.path.join("a", "0.png"), os.path.join("a", "bad.png")]
    assert it[0][0].shape == (1, 4, 4, 3)
    with pytest.raises(UnidentifiedImageError):
        it[1]


def test_dataframe_multi_label_multi_output_and_bad_arguments(tmp_path):
    pd = pytest.importorskip("pandas")
    _png_tree(tmp_path, {"img": 3})
    df = pd.DataFrame({"f": ["img/0.png", "img/1.png", "img/2.png"],
                       "tags": [["a", "b"], ["a"], "b"], "u": [1.0, 2.0, 3.0],
                       "v": [4, 5, 6], "w": ["x", "y", "z"]})
    gen = ImageDataGenerator()
    kw = dict(directory=str(tmp_path), x_col="f", target_size=(4, 4), shuffle=False)
    it = gen.flow_from_dataframe(df, y_col="tags", **kw)
    assert it.class_indices == {"a": 0, "b": 1}
    assert it[0][1].tolist() == [[1, 1], [1, 0], [0, 1]]
    _, (u, v) = gen.flow_from_dataframe(df, y_col=["u", "v"], class_mode="multi_output",
                                        **kw)[0]
    assert u.tolist() == [1.0, 2.0, 3.0] and v.tolist() == [4, 5, 6]
    with pytest.raises(TypeError, match=r"Column weight_col=w must be numeric."):
        gen.flow_from_dataframe(df, y_col="tags", weight_col="w", **kw)
    with pytest.raises(TypeError, match=r"flow_from_dataframe\(\) got an unexpected keyword "
                                        r"argument 'batchsize'"):
        gen.flow_from_dataframe(df, y_col="tags", batchsize=3, **kw)
    with pytest.warns(DeprecationWarning, match=r"has_ext is deprecated"):
        gen.flow_from_dataframe(df, y_col="tags", has_ext=True, **kw)
    with pytest.raises(ValueError, match=r"Column 'label' is not in the dataframe"):
        gen.flow_from_dataframe(df, y_col="label", **kw)
    with pytest.raises(ValueError, match=r"`class_mode` must be one of"):
        gen.flow_from_dataframe(df, y_col="tags", class_mode="onehot", **kw)


def test_pipeline_refuses_channels_first_arrays_but_not_small_images():
    from kerasdl.augment import pipeline

    with pytest.raises(ValueError, match=r"received images of shape \(2, 3, 8, 8\): the last "
                                         r"axis \(8\) does not look like a channel axis"):
        pipeline(rotation=10)(np.zeros((2, 3, 8, 8), "float32"))
    for shape in [(2, 8, 8, 7), (2, 4, 4, 3), (2, 2, 2, 1), (2, 32, 32, 3), (5, 6, 8)]:
        assert tuple(pipeline(rotation=10)(np.zeros(shape, "float32")).shape) == shape
    cf = pipeline(rotation=10, data_format="channels_first")
    assert tuple(cf(np.zeros((2, 3, 8, 8), "float32")).shape) == (2, 3, 8, 8)


@pytest.mark.parametrize("make", ["pipeline", "generator_layer"])
def test_jit_compile_training_with_augmentation(make):
    from kerasdl.augment import pipeline

    aug = (pipeline(rotation=10, shift=0.1, zoom=0.1, flip="horizontal", seed=0)
           if make == "pipeline" else
           ImageDataGenerator(rotation_range=10, width_shift_range=0.1, fill_mode="wrap",
                              horizontal_flip=True).as_layer(seed=0))
    x = np.random.default_rng(0).random((16, 8, 8, 3)).astype("float32")
    model = keras.Sequential([keras.Input((8, 8, 3)), aug, keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    history = model.fit(x, np.arange(16) % 2, epochs=1, batch_size=8, verbose=0)
    assert model.jit_compile is True and np.isfinite(history.history["loss"][0])


def test_flow_from_directory_agrees_with_image_dataset_from_directory(tmp_path):
    _png_tree(tmp_path, {"b_dog": 3, "a_cat": 2, "c_emu": 1})
    it = ImageDataGenerator().flow_from_directory(tmp_path, target_size=(4, 4),
                                                  class_mode="sparse", shuffle=False)
    ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(4, 4), shuffle=False,
                                                  batch_size=6, verbose=False)
    assert list(it.class_indices) == ds.class_names == ["a_cat", "b_dog", "c_emu"]
    labels = np.concatenate([keras.ops.convert_to_numpy(y) for _, y in ds])
    assert it.classes.tolist() == labels.tolist() == [0, 0, 1, 1, 1, 2]
