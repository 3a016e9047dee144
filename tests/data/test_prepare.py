"""from_arrays, to_categorical, preprocessing, and one test per bad-input case."""

import numpy as np
import pytest

from kerasdl.data import Dataset, from_arrays, to_categorical
from kerasdl.data._prepare import infer_task


# ------------------------------------------------------------------------------ to_categorical

def test_to_categorical_exact():
    out = to_categorical([0, 2, 1], num_classes=3)
    assert out.dtype == np.float32
    assert out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]


def test_to_categorical_infers_classes_and_accepts_column():
    assert to_categorical(np.array([[1], [3]])).shape == (2, 4)


def test_to_categorical_label_too_large():
    with pytest.raises(ValueError, match=r"`y` holds label 3 but labels must be in \[0, 3\) for "
                                         r"3 classes."):
        to_categorical([0, 3], num_classes=3)


def test_to_categorical_negative():
    with pytest.raises(ValueError, match=r"`y` holds negative label -1"):
        to_categorical([0, -1], num_classes=3)


# ------------------------------------------------------------------------------- task inference

@pytest.mark.parametrize("y, expected", [
    (np.array([0, 1, 1]), ("binary", 2)),
    (np.array([0, 1, 4]), ("multiclass", 5)),
    (np.eye(3)[[0, 2]], ("multiclass", 3)),
    (np.array([0.5, 1.5]), ("regression", None)),
    (np.array([True, False]), ("binary", 2)),
])
def test_infer_task(y, expected):
    assert infer_task(y) == expected


def test_from_arrays_infers_and_splits():
    x = np.random.default_rng(0).random((100, 3))
    data = from_arrays(x, np.arange(100) % 3, test=0.3, val=0.1, seed=0)
    assert isinstance(data, Dataset)
    assert (data.task, data.num_classes) == ("multiclass", 3)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (60, 10, 30)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.info["split"] == {"val": 0.1, "test": 0.3, "seed": 0, "stratify": True,
                                  "own_test": False}


def test_from_arrays_without_fractions_keeps_everything_for_training():
    data = from_arrays(np.zeros((5, 2)), np.array([0, 1, 0, 1, 0]))
    assert data.task == "binary" and len(data.x_train) == 5
    assert data.x_val is None and data.x_test is None


def test_from_arrays_keeps_given_test_and_carves_val_from_train():
    x_test = np.full((7, 2), 9.0)
    data = from_arrays(np.zeros((20, 2)), np.arange(20) % 2, x_test, np.arange(7) % 2, val=0.25)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (15, 5, 7)
    np.testing.assert_array_equal(data.x_test, x_test)
    assert data.info["split"]["own_test"] is True


def test_from_arrays_regression():
    data = from_arrays(np.zeros((10, 1)), np.linspace(0, 1, 10))
    assert data.task == "regression" and data.num_classes is None
    assert data.y_train.dtype == np.float32


def test_from_arrays_one_hot_flatten_channels():
    x = np.zeros((12, 4, 4))
    y = np.arange(12) % 3
    assert from_arrays(x, y, one_hot=True).y_train.shape == (12, 3)
    assert from_arrays(x, y, flatten=True).input_shape == (16,)
    assert from_arrays(x, y, channels=True).input_shape == (4, 4, 1)
    assert from_arrays(x[..., None], y, channels=False).input_shape == (4, 4)


def test_standardize_fitted_on_train_only():
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, size=(60, 2))
    x_test = rng.normal(5.0, 2.0, size=(20, 2))
    y, y_test = np.arange(60) % 2, np.arange(20) % 2
    a = from_arrays(x, y, x_test, y_test, standardize=True)
    np.testing.assert_allclose(a.info["standardize"]["mean"], x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(a.info["standardize"]["std"], x.std(0), rtol=1e-5)
    np.testing.assert_allclose(a.x_train.mean(0), [0, 0], atol=1e-5)
    # Test-part values never influence the training part or the statistics.
    b = from_arrays(x, y, x_test * 100 + 1e3, y_test, standardize=True)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.info["standardize"]["mean"], b.info["standardize"]["mean"])
    np.testing.assert_allclose(a.x_test, (x_test - x.mean(0)) / x.std(0), rtol=1e-4, atol=1e-5)


def test_standardize_with_split_uses_only_the_training_rows():
    x = np.arange(40, dtype=np.float64).reshape(20, 2)
    y = np.arange(20) % 2
    data = from_arrays(x, y, test=0.25, val=0.25, standardize=True, seed=0)
    raw_train = data.x_train * data.info["standardize"]["std"] + data.info["standardize"]["mean"]
    np.testing.assert_allclose(data.info["standardize"]["mean"], raw_train.mean(0), rtol=1e-5)


def test_constant_feature_standardizes_to_zero():
    x = np.stack([np.ones(10), np.arange(10)], 1)
    data = from_arrays(x, np.arange(10) % 2, standardize=True)
    assert data.info["standardize"]["std"][0] == 1.0
    np.testing.assert_array_equal(data.x_train[:, 0], np.zeros(10))


def test_class_names_kept():
    data = from_arrays(np.zeros((4, 1)), [0, 1, 2, 0], class_names=["a", "b", "c"])
    assert data.class_names == ["a", "b", "c"] and data.num_classes == 3


# --------------------------------------------------------------------- bad input: one per case

def test_bad_length_mismatch():
    with pytest.raises(ValueError, match=r"`x_train` and `y_train` must have the same number of "
                                         r"samples; received 5 and 4."):
        from_arrays(np.zeros((5, 2)), np.zeros(4, int))


def test_bad_empty_data():
    with pytest.raises(ValueError, match=r"`x_train` is empty \(shape \(0, 2\)\); at least one "
                                         r"sample is needed."):
        from_arrays(np.zeros((0, 2)), np.zeros(0, int), task="binary")


def test_bad_nan_in_x():
    x = np.zeros((4, 2))
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"`x_train` contains non-finite values \(1 NaN, 0 inf; "
                                         r"first at index \(2, 1\)\)"):
        from_arrays(x, [0, 1, 0, 1])


def test_bad_inf_in_x():
    x = np.zeros((4, 2))
    x[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"`x_train` contains non-finite values \(0 NaN, 1 inf"):
        from_arrays(x, [0, 1, 0, 1])


def test_bad_nan_in_y():
    with pytest.raises(ValueError, match=r"`y_train` contains non-finite values \(1 NaN"):
        from_arrays(np.zeros((3, 1)), [0.5, np.nan, 1.0])


def test_bad_nan_in_x_test():
    x_test = np.array([[np.nan]])
    with pytest.raises(ValueError, match=r"`x_test` contains non-finite values"):
        from_arrays(np.zeros((3, 1)), [0, 1, 0], x_test, [1])


def test_bad_label_outside_range():
    with pytest.raises(ValueError, match=r"`y_train` holds label 3 but labels must be in "
                                         r"\[0, 3\) for 3 classes."):
        from_arrays(np.zeros((4, 1)), [0, 1, 2, 3], task="multiclass", num_classes=3)


def test_bad_negative_label():
    with pytest.raises(ValueError, match=r"`y_train` holds negative label -1; labels must be in "
                                         r"\[0, 2\)"):
        from_arrays(np.zeros((3, 1)), [0, -1, 1], task="binary")


def test_bad_binary_label_2():
    with pytest.raises(ValueError, match=r"`y_train` holds label 2 but labels must be in "
                                         r"\[0, 2\) for 2 classes."):
        from_arrays(np.zeros((3, 1)), [0, 2, 1], task="binary")


def test_bad_float_labels_for_classification():
    with pytest.raises(ValueError, match=r"`y_train` must hold integer class labels for a "
                                         r"multiclass task; received fractional value 0.5. Use "
                                         r"task='regression'"):
        from_arrays(np.zeros((3, 1)), [0.0, 0.5, 2.0], task="multiclass", num_classes=3)


def test_bad_non_numeric_x():
    with pytest.raises(TypeError, match=r"`x_train` must hold numbers; received an array of "
                                        r"dtype <U1"):
        from_arrays(np.array([["a"], ["b"]]), [0, 1])


def test_bad_non_numeric_y():
    with pytest.raises(TypeError, match=r"`y_train` must hold numbers; received an array of "
                                        r"dtype <U3"):
        from_arrays(np.zeros((2, 1)), np.array(["cat", "dog"]))


def test_bad_object_x():
    with pytest.raises(TypeError, match=r"`x_train` must hold numbers; received an array of "
                                        r"dtype object"):
        from_arrays(np.array([[1], [None]], dtype=object), [0, 1])


def test_bad_complex_x():
    with pytest.raises(TypeError, match=r"`x_train` must have a dtype of kind 'biuf'; received "
                                        r"dtype complex128."):
        from_arrays(np.zeros((2, 1), complex), [0, 1])


def test_bad_test_with_given_test_set():
    with pytest.raises(ValueError, match=r"`test`=0.2 cannot be used: dataset 'custom' ships its "
                                         r"own test set \(2 samples\), which is kept."):
        from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], np.zeros((2, 1)), [0, 1], test=0.2)


def test_bad_x_test_without_y_test():
    with pytest.raises(ValueError, match=r"`x_test` and `y_test` must be given together; "
                                         r"received only x_test."):
        from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], np.zeros((2, 1)), task="binary")


def test_bad_test_sample_shape():
    with pytest.raises(ValueError, match=r"`x_test` samples have shape \(3,\) but `x_train` "
                                         r"samples have shape \(2,\)."):
        from_arrays(np.zeros((4, 2)), [0, 1, 0, 1], np.zeros((2, 3)), [0, 1])


def test_bad_one_hot_for_binary():
    with pytest.raises(ValueError, match=r"`one_hot=True` needs a multiclass task; dataset "
                                         r"'custom' is 'binary' \(labels 0/1 for one sigmoid "
                                         r"unit\)."):
        from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], one_hot=True)


def test_bad_flatten_and_channels():
    with pytest.raises(ValueError, match=r"`flatten=True` and `channels=True` contradict each "
                                         r"other"):
        from_arrays(np.zeros((4, 2, 2)), [0, 1, 0, 1], flatten=True, channels=True)


def test_bad_class_names_count():
    with pytest.raises(ValueError, match=r"`class_names` has 2 names but the task has 3 classes."):
        from_arrays(np.zeros((3, 1)), [0, 1, 2], class_names=["a", "b"], task="multiclass",
                    num_classes=3)


def test_bad_task_name():
    with pytest.raises(ValueError, match=r"`task` must be one of 'binary', 'multiclass', "
                                         r"'regression'; received 'clasification'"):
        from_arrays(np.zeros((3, 1)), [0, 1, 1], task="clasification")


def test_bad_one_hot_rows():
    y = np.array([[1, 1, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match=r"`y_train` looks one-hot \(shape \(2, 3\)\) but some "
                                         r"rows do not sum to 1."):
        from_arrays(np.zeros((2, 1)), y, task="multiclass", num_classes=3)


def test_bad_split_fraction_in_from_arrays():
    with pytest.raises(ValueError, match=r"`val` \+ `test` must be < 1"):
        from_arrays(np.zeros((10, 1)), np.arange(10) % 2, val=0.6, test=0.4)


def test_bad_seed():
    with pytest.raises(ValueError, match=r"`seed` must be >= 0; received -1."):
        from_arrays(np.zeros((10, 1)), np.arange(10) % 2, seed=-1)


def test_bad_channels_on_tabular_data():
    with pytest.raises(ValueError, match=r"`channels=True` needs images of shape \(n, height, "
                                         r"width\); dataset 'custom' has samples of shape "
                                         r"\(4,\)."):
        from_arrays(np.zeros((3, 4)), [0, 1, 0], channels=True)


def test_bad_channels_false_on_colour_images():
    with pytest.raises(ValueError, match=r"`channels=False` can only drop a channel axis of size "
                                         r"1; samples of dataset 'custom' have shape \(2, 2, 3\)."):
        from_arrays(np.zeros((3, 2, 2, 3)), [0, 1, 0], channels=False)


def test_scale_for_8bit_images():
    x = np.full((4, 2, 2), 255, np.uint8)
    data = from_arrays(x, [0, 1, 0, 1], scale=255)
    assert data.x_train.max() == 1.0 and data.info["scale"] == 255.0


def test_bad_scale():
    with pytest.raises(ValueError, match=r"`scale` must be in \(0, inf\); received 0."):
        from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], scale=0)


def test_bad_uint8_images_without_scale():
    with pytest.raises(ValueError, match=r"`x_train` holds uint8 values up to 200 \(8-bit "
                                         r"images\?\) but kerasdl's inputs are scaled to \[0, 1\]. "
                                         r"Pass scale=255"):
        from_arrays(np.full((4, 2, 2), 200, np.uint8), [0, 1, 0, 1])
    kept = from_arrays(np.full((4, 2, 2), 200, np.uint8), [0, 1, 0, 1], scale=1)
    assert kept.x_train.max() == 200.0
    assert from_arrays(np.ones((4, 2), np.uint8), [0, 1, 0, 1]).x_train.max() == 1.0
