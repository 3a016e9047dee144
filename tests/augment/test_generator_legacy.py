"""kerasdl's ImageDataGenerator against the legacy implementation itself (tf_keras).

``tf_keras.preprocessing.image`` is the Keras 2 code (scipy per image and channel, numpy's
Mersenne Twister for the random draws). kerasdl draws the same numbers in the same order and
resamples exactly as scipy, so batches are compared with ``assert_array_equal`` unless a test
says otherwise. The deliberate differences (docs/migrating_from_imagedatagenerator.md) are
tested in their documented form: the height/width shift swap of legacy (compared through a
transposed image), the true centre of non-square images (square images here), brightness
without 8-bit truncation (within 1 on integer-valued images in [0, 255]).

tf_keras always runs on TensorFlow; kerasdl's side runs on the active Keras backend.
"""

import warnings

import numpy as np
import pytest

legacy = pytest.importorskip("tf_keras.preprocessing.image")
pytest.importorskip("scipy")
pd = pytest.importorskip("pandas")

from kerasdl import augment  # noqa: E402

K = augment.ImageDataGenerator
L = legacy.ImageDataGenerator


def _images(n=10, size=9, channels=3, seed=0):
    return (np.random.default_rng(seed).random((n, size, size, channels)) * 255).astype(
        "float32")


def _same(ours, theirs):
    """Equal to 1 float32 ulp: kerasdl multiplies the 3x3 matrices out in another order than
    legacy's np.dot chain, so a sample coordinate can differ in its last float64 bit and the
    interpolated value, rounded to float32, in its last bit (seen on ~1% of pixels)."""
    np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=1e-5)


def _swap(params):
    """Legacy's parameters with tx/ty exchanged (legacy put the height draw in tx)."""
    return {**params, "tx": params["ty"], "ty": params["tx"]}


ONE_PARAMETER = [
    {"theta": 37.0}, {"theta": -110.0}, {"tx": 2.5}, {"ty": -1.7}, {"tx": 3, "ty": 2},
    {"shear": 25.0}, {"zx": 0.7}, {"zy": 1.3}, {"zx": 0.8, "zy": 1.2},
    {"flip_horizontal": True}, {"flip_vertical": True}, {"channel_shift_intensity": 40.0},
    {"theta": 20.0, "tx": 1.5, "ty": -2.0, "shear": 10.0, "zx": 0.9, "zy": 1.1,
     "flip_horizontal": True, "flip_vertical": True, "channel_shift_intensity": -15.0},
]


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("params", ONE_PARAMETER)
def test_apply_transform_each_parameter_and_fill_mode(params, fill_mode, order):
    x = _images(1)[0]
    kw = dict(fill_mode=fill_mode, cval=7.0, interpolation_order=order)
    _same(K(**kw).apply_transform(x, params),
                                  L(**kw).apply_transform(x.copy(), params))


def test_apply_transform_channels_first_and_non_square_shift():
    x = _images(1, channels=3)[0]
    xf = np.moveaxis(x, -1, 0).copy()
    params = {"theta": 30.0, "zx": 0.9, "flip_horizontal": True}
    _same(
        K(data_format="channels_first").apply_transform(xf, params),
        L(data_format="channels_first").apply_transform(xf.copy(), params))
    wide = np.random.default_rng(1).random((6, 11, 2)).astype("float32")
    for p in ({"tx": 2.0}, {"ty": -1.5}, {"flip_horizontal": True}):  # centre-free transforms
        _same(K().apply_transform(wide, p),
                                      L().apply_transform(wide.copy(), p))


def test_brightness_within_pil_rounding_on_uint8_range_images():
    x = np.round(_images(1)[0])
    for b in (0.5, 1.3):
        ours = K().apply_transform(x, {"brightness": b})
        theirs = L().apply_transform(x.copy(), {"brightness": b})
        assert np.abs(ours - theirs).max() <= 1.0  # legacy: 8-bit PIL round trip


@pytest.mark.parametrize("kwargs", [
    dict(rotation_range=40), dict(shear_range=30), dict(zoom_range=0.3),
    dict(zoom_range=[0.5, 1.0]), dict(horizontal_flip=True, vertical_flip=True),
    dict(channel_shift_range=30.0),
    dict(rotation_range=20, width_shift_range=0.2, height_shift_range=3, shear_range=5,
         zoom_range=0.1, horizontal_flip=True, fill_mode="reflect"),
    dict(width_shift_range=[1, 2], height_shift_range=2.5, fill_mode="constant", cval=9),
])
def test_random_transform_with_a_seed(kwargs):
    x = _images(1)[0]
    for seed in (0, 1, 123):
        ours = K(**kwargs).get_random_transform(x.shape, seed=seed)
        theirs = L(**kwargs).get_random_transform(x.shape, seed=seed)
        assert ours == _swap(theirs)
        _same(K(**kwargs).random_transform(x, seed=seed),
                                      L(**kwargs).apply_transform(x.copy(), _swap(theirs)))


FLOW_KWARGS = [
    dict(rotation_range=30, zoom_range=0.2, horizontal_flip=True),
    # (wrap/constant with shear: a sample on the centre row lands exactly on the image edge,
    # where scipy's wrap jumps; which side a last-bit rounding falls is arbitrary there, in
    # legacy as here, so shear is tested with "nearest" and wrap with rotation)
    dict(rotation_range=25, vertical_flip=True, fill_mode="wrap", channel_shift_range=20.0),
    dict(shear_range=20, vertical_flip=True, fill_mode="nearest"),
    dict(rotation_range=45, fill_mode="constant", cval=5.0, interpolation_order=0,
         rescale=1 / 255.0, samplewise_center=True, samplewise_std_normalization=True),
]


def _pairs(a, b, count):
    for _ in range(count):
        yield next(a), next(b)


@pytest.mark.parametrize("kwargs", FLOW_KWARGS)
def test_flow_batches_two_epochs_via_next(kwargs):
    x, y = _images(10), np.arange(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = K(**kwargs).flow(x, y, batch_size=4, seed=7)
        theirs = L(**kwargs).flow(x, y, batch_size=4, seed=7)
    for (xa, ya), (xb, yb) in _pairs(ours, theirs, 7):  # 3 batches per epoch
        _same(xa, xb)
        np.testing.assert_array_equal(ya, yb)
        assert xa.dtype == xb.dtype == np.float32 and ya.dtype == yb.dtype
    assert ours.batch_index == theirs.batch_index
    assert ours.total_batches_seen == theirs.total_batches_seen == 7
    np.testing.assert_array_equal(ours.index_array, theirs.index_array)


def test_flow_sequence_access_matches_legacy():
    x, y, w = _images(10), np.arange(10) % 3, np.linspace(0.1, 1, 10)
    ours = K(rotation_range=30).flow(x, y, sample_weight=w, batch_size=4, seed=3)
    theirs = L(rotation_range=30).flow(x, y, sample_weight=w, batch_size=4, seed=3)
    assert len(ours) == len(theirs) == 3
    for i in (0, 2, 1, 2):
        a, b = ours[i], theirs[i]
        for u, v in zip(a, b):
            _same(u, v)
    ours.on_epoch_end(), theirs.on_epoch_end()
    _same(ours[1][0], theirs[1][0])
    assert ours.total_batches_seen == theirs.total_batches_seen == 5


def test_flow_shifts_are_legacy_transposed():
    """Legacy shifted horizontally by `height_shift_range`; kerasdl shifts vertically with the
    same draws: ours(x) equals legacy(x transposed) transposed back."""
    x = _images(6)
    xt = np.ascontiguousarray(np.swapaxes(x, 1, 2))
    kw = dict(height_shift_range=0.3, width_shift_range=[1, 2])
    ours = next(K(**kw).flow(x, batch_size=6, seed=1, shuffle=False))
    theirs = next(L(**kw).flow(xt, batch_size=6, seed=1, shuffle=False))
    _same(ours, np.swapaxes(theirs, 1, 2))


def test_flow_tuple_form_subsets_and_x_only():
    x, misc, y = _images(8), np.arange(16).reshape(8, 2), np.array([0, 1] * 4)
    for gen_cls in (K, L):
        gen_cls.kw = dict(validation_split=0.25, horizontal_flip=True)
    ours = K(**K.kw).flow((x, misc), y, batch_size=3, seed=0, subset="training")
    theirs = L(**L.kw).flow((x, misc), y, batch_size=3, seed=0, subset="training")
    (xa, ma), ya = next(ours)
    (xb, mb), yb = next(theirs)
    for u, v in ((xa, xb), (ma, mb), (ya, yb)):
        _same(u, v)
    assert ours.n == theirs.n == 6
    _same(next(K().flow(x, batch_size=8, shuffle=False)),
                                  next(L().flow(x, batch_size=8, shuffle=False)))


def test_fit_statistics_and_standardize():
    x = _images(12, channels=3)
    for kw in (dict(featurewise_center=True, featurewise_std_normalization=True),
               dict(zca_whitening=True)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, theirs = K(**kw), L(**kw)
        ours.fit(x, augment=False)
        theirs.fit(x)
        for attr in ("mean", "std", "zca_whitening_matrix"):
            a, b = getattr(ours, attr), getattr(theirs, attr)
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # LAPACK/BLAS order
        np.testing.assert_allclose(ours.standardize(x[0].copy()),
                                   theirs.standardize(x[0].copy()), rtol=1e-4, atol=1e-4)
    ours, theirs = K(featurewise_center=True, rotation_range=20), L(featurewise_center=True,
                                                                     rotation_range=20)
    ours.fit(x, augment=True, rounds=2, seed=5)
    theirs.fit(x, augment=True, rounds=2, seed=5)
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-6)


def _write_tree(root, counts, size=(6, 5)):
    from PIL import Image

    rng = np.random.default_rng(0)
    for name, n in counts.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            arr = rng.integers(0, 255, size + (3,), dtype=np.uint8)
            Image.fromarray(arr).save(root / name / f"img_{i}.png")


def test_flow_from_directory_matches_legacy(tmp_path, capsys):
    _write_tree(tmp_path, {"cat": 3, "dog": 4, "emu": 2})
    kw = dict(rotation_range=20, horizontal_flip=True, validation_split=0.34)
    fkw = dict(target_size=(8, 8), batch_size=3, seed=2, interpolation="bilinear")
    for subset in (None, "training", "validation"):
        ours = K(**kw).flow_from_directory(tmp_path, subset=subset, **fkw)
        theirs = L(**kw).flow_from_directory(str(tmp_path), subset=subset, **fkw)
        assert ours.class_indices == theirs.class_indices == {"cat": 0, "dog": 1, "emu": 2}
        assert ours.filenames == theirs.filenames
        np.testing.assert_array_equal(ours.classes, theirs.classes)
        assert ours.classes.dtype == theirs.classes.dtype
        for (xa, ya), (xb, yb) in _pairs(ours, theirs, len(ours) + 1):
            _same(xa, xb)
            np.testing.assert_array_equal(ya, yb)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == out[1] == "Found 9 images belonging to 3 classes."
    for mode in ("binary", "sparse", "input", None):
        a = K().flow_from_directory(tmp_path, classes=["dog", "emu"], class_mode=mode,
                                    target_size=(4, 4), shuffle=False)[0]
        b = L().flow_from_directory(str(tmp_path), classes=["dog", "emu"], class_mode=mode,
                                    target_size=(4, 4), shuffle=False)[0]
        for u, v in zip(a if mode else [a], b if mode else [b]):
            _same(u, v)


def _frame(tmp_path):
    _write_tree(tmp_path, {"img": 5})
    return pd.DataFrame({
        "filename": [f"img/img_{i}.png" for i in range(5)] + ["img/missing.png"],
        "label": [["a", "b"], ["a"], "b", ["c", "a"], "c", "a"],
        "single": ["x", "y", "x", "y", "x", "y"],
        "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        "count": [1, 2, 3, 4, 5, 6],
        "w": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    })


@pytest.mark.parametrize("mode,y_col", [
    ("categorical", "label"), ("binary", "single"), ("sparse", "single"),
    ("raw", "score"), ("raw", ["score", "count"]), ("multi_output", ["score", "count"]),
    ("input", "label"), (None, "label"),
])
def test_flow_from_dataframe_matches_legacy(tmp_path, mode, y_col):
    df = _frame(tmp_path)
    kw = dict(directory=str(tmp_path), y_col=y_col, class_mode=mode, target_size=(5, 5),
              batch_size=4, seed=1, weight_col="w")
    with pytest.warns(UserWarning, match=r'Found 1 invalid image filename\(s\) in '
                                         r'x_col="filename". These filename\(s\) will be '
                                         r"ignored."):
        ours = K(zoom_range=0.2).flow_from_dataframe(df, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = L(zoom_range=0.2).flow_from_dataframe(df, **kw)
    assert ours.filenames == theirs.filenames
    assert getattr(ours, "class_indices", None) == getattr(theirs, "class_indices", None)
    for a, b in _pairs(ours, theirs, 3):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            if isinstance(u, list):
                for uu, vv in zip(u, v):
                    _same(uu, vv)
            else:
                _same(u, v)
                assert u.dtype == v.dtype


def test_multi_label_is_multi_hot_over_sorted_classes(tmp_path):
    df = _frame(tmp_path)
    it = K().flow_from_dataframe(df, str(tmp_path), y_col="label", target_size=(2, 2),
                                 shuffle=False, batch_size=5)
    assert it.class_indices == {"a": 0, "b": 1, "c": 2}
    assert next(it)[1].tolist() == [[1, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 1]]


def test_deprecated_dataframe_kwargs_warn_as_legacy(tmp_path):
    df = _frame(tmp_path)
    for key, match in (("has_ext", "has_ext is deprecated"), ("sort", "sort is deprecated"),
                       ("drop_duplicates", "drop_duplicates is deprecated")):
        for gen in (K(), L()):
            with pytest.warns(DeprecationWarning, match=match):
                gen.flow_from_dataframe(df, str(tmp_path), y_col="single", **{key: True})


def test_errors_and_warnings_have_legacy_types_and_wording(tmp_path):
    x = _images(4)
    for gen in (K(), L()):
        it = gen.flow(x, batch_size=2)
        with pytest.raises(ValueError, match=r"Asked to retrieve element 2, but the Sequence "
                                             r"has length 2"):
            it[2]
    cf = np.zeros((2, 3, 8, 8), "float32")
    for gen in (K(rotation_range=10), L(rotation_range=10)):
        with pytest.warns(UserWarning, match=r'NumpyArrayIterator is set to use the data '
                                             r'format convention "channels_last" \(channels on '
                                             r'axis 3\), i.e. expected either 1, 3, or 4 '
                                             r'channels on axis 3. However, it was passed an '
                                             r'array with shape \(2, 3, 8, 8\) \(8 channels\).'):
            gen.flow(cf)
        with pytest.warns(UserWarning, match=r"Expected input to be images"):
            gen.fit(cf)
    for gen_cls in (K, L):
        with pytest.warns(UserWarning, match=r"`zca_whitening`, which overrides setting of "
                                             r"`featurewise_center`"):
            gen = gen_cls(zca_whitening=True)
        with pytest.warns(UserWarning, match=r"specifies `zca_whitening`, but it hasn't been "
                                             r"fit"):
            gen.standardize(x[0].copy())
    df = _frame(tmp_path)
    for gen in (K(), L()):
        with pytest.raises(TypeError, match=r"Column weight_col=single must be numeric."):
            gen.flow_from_dataframe(df, str(tmp_path), y_col="single", weight_col="single")
        with pytest.raises(TypeError, match=r'If class_mode="multi_output", y_col must be a '
                                            r"list. Received str."):
            gen.flow_from_dataframe(df, str(tmp_path), class_mode="multi_output",
                                    y_col="score")
        with pytest.raises(ValueError, match=r'If class_mode="binary" there must be 2 classes. '
                                             r"3 class/es were given."):
            gen.flow_from_dataframe(df, str(tmp_path), class_mode="binary", y_col="single",
                                    classes=["x", "y", "z"])


def test_module_functions_match_legacy():
    x = _images(1)[0]
    for fn, args in (("random_rotation", (40,)), ("random_shear", (20,)),
                     ("random_zoom", ((0.7, 1.2),))):
        np.random.seed(3)
        ours = getattr(augment, fn)(x, *args, row_axis=0, col_axis=1, channel_axis=2)
        np.random.seed(3)
        theirs = getattr(legacy, fn)(x.copy(), *args, row_axis=0, col_axis=1, channel_axis=2)
        _same(ours, theirs)
    xf = np.moveaxis(x, -1, 0).copy()  # the functions' default layout is channels first
    _same(augment.apply_affine_transform(xf, theta=30, zx=0.8),
                                  legacy.apply_affine_transform(xf.copy(), theta=30, zx=0.8))
    np.random.seed(4)
    ours = augment.random_channel_shift(x, 30.0, channel_axis=2)
    np.random.seed(4)
    _same(ours, legacy.random_channel_shift(x.copy(), 30.0, 2))
    _same(augment.apply_channel_shift(x, 5.0, 2),
                                  legacy.apply_channel_shift(x.copy(), 5.0, 2))
    for scale in (True, False):
        _same(augment.apply_brightness_shift(x, 1.4, scale),
                                      legacy.apply_brightness_shift(x.copy(), 1.4, scale))
    np.random.seed(5)
    ours = augment.random_brightness(x, (0.5, 1.5))
    np.random.seed(5)
    _same(ours, legacy.random_brightness(x.copy(), (0.5, 1.5)))
    np.testing.assert_array_equal(augment.flip_axis(x, 1), x[:, ::-1])
    np.random.seed(6)  # random_shift: the same draws; the vertical one shifts vertically
    ours = augment.random_shift(x, 0.2, 0.3, row_axis=0, col_axis=1, channel_axis=2)
    np.random.seed(6)
    theirs = legacy.random_shift(np.swapaxes(x, 0, 1).copy(), 0.2, 0.3, row_axis=0,
                                 col_axis=1, channel_axis=2)
    _same(ours, np.swapaxes(theirs, 0, 1))


def test_a_user_iterator_subclass_behaves_as_legacy():
    def make(base):
        class Batches(base):
            def _get_batches_of_transformed_samples(self, index_array):
                return np.asarray(index_array)
        return Batches(7, 3, True, 11)

    ours, theirs = make(augment.Iterator), make(legacy.Iterator)
    for _ in range(5):
        np.testing.assert_array_equal(next(ours), next(theirs))
        assert (ours.batch_index, ours.total_batches_seen) == (theirs.batch_index,
                                                               theirs.total_batches_seen)
    ours.reset(), theirs.reset()
    np.testing.assert_array_equal(ours.next(), theirs.next())
    np.testing.assert_array_equal(ours[2], theirs[2])
    assert len(ours) == len(theirs) == 3
