"""Three-way splits: sizes, stratification within one sample, no leakage, seeding, errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerasdl.data import Split, split
from kerasdl.data._split import part_sizes, split_indices

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def _ids(x):
    return set(np.asarray(x).reshape(len(x), -1)[:, 0].tolist())


def test_default_is_70_30_without_val():
    x = np.arange(100).reshape(100, 1)
    y = np.arange(100) % 2
    parts = split(x, y)
    assert isinstance(parts, Split)
    assert len(parts.x_train) == 70 and len(parts.x_test) == 30
    assert parts.x_val is None and parts.y_val is None


def test_fractions_of_the_whole_set():
    x = np.arange(200).reshape(200, 1)
    y = np.arange(200) % 4
    x_train, y_train, x_val, y_val, x_test, y_test = split(x, y, val=0.15, test=0.3, seed=1)
    assert (len(x_train), len(x_val), len(x_test)) == (110, 30, 60)  # 55% / 15% / 30%


def test_no_leakage_every_sample_exactly_once():
    x = np.arange(157).reshape(157, 1)
    y = np.arange(157) % 5
    p = split(x, y, val=0.2, test=0.25, seed=3)
    train, val, test = _ids(p.x_train), _ids(p.x_val), _ids(p.x_test)
    assert not (train & val) and not (train & test) and not (val & test)
    assert train | val | test == set(range(157))
    # x and y stay paired
    for xs, ys in ((p.x_train, p.y_train), (p.x_val, p.y_val), (p.x_test, p.y_test)):
        np.testing.assert_array_equal(xs[:, 0] % 5, ys)


def test_same_seed_same_split_other_seed_other_split():
    x = np.arange(90).reshape(90, 1)
    y = np.arange(90) % 3
    a = split(x, y, val=0.1, test=0.2, seed=7)
    b = split(x, y, val=0.1, test=0.2, seed=7)
    c = split(x, y, val=0.1, test=0.2, seed=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert _ids(a.x_test) != _ids(c.x_test)


def test_stratified_proportions_within_one_sample_per_class():
    rng = np.random.default_rng(0)
    y = rng.choice(4, size=301, p=[0.55, 0.25, 0.15, 0.05])
    x = np.arange(301).reshape(301, 1)
    p = split(x, y, val=0.15, test=0.3, seed=0)
    counts = np.bincount(y, minlength=4)
    for ys in (p.y_train, p.y_val, p.y_test):
        share = len(ys) / len(y)
        got = np.bincount(ys, minlength=4)
        assert np.all(np.abs(got - counts * share) < 1), (got, counts * share)


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(1, 40), min_size=2, max_size=12),
       val=st.sampled_from([0.0, 0.1, 0.15, 0.2, 0.33]),
       test=st.sampled_from([0.1, 0.2, 0.3, 0.4]), seed=st.integers(0, 1000))
def test_stratification_property(counts, val, test, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    try:
        sizes = part_sizes(n, val, test)
    except ValueError:
        return  # too few samples for the requested parts: covered by the error tests
    if min(counts) < sum(1 for k in sizes if k):
        with pytest.raises(ValueError, match=r"`y`: the least populated class"):
            split_indices(n, y, val=val, test=test, seed=seed, strict=True)
        return  # a class smaller than the number of parts is refused (tested below)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a part too small for every class
        parts = split_indices(n, y, val=val, test=test, seed=seed)
    assert tuple(len(p) for p in parts) == sizes
    assert sorted(np.concatenate(parts).tolist()) == list(range(n))
    for idx, size in zip(parts, sizes):
        got = np.bincount(y[idx], minlength=len(counts))
        assert np.all(np.abs(got - np.asarray(counts) * size / n) < 1)


def test_one_hot_labels_are_stratified():
    y = np.eye(3)[np.arange(60) % 3]
    p = split(np.arange(60).reshape(60, 1), y, test=0.5, seed=0)
    assert p.y_test.sum(axis=0).tolist() == [10.0, 10.0, 10.0]


def test_regression_targets_split_randomly():
    x = np.arange(50, dtype=np.float32).reshape(50, 1)
    y = np.linspace(0, 1, 50).astype(np.float32)
    p = split(x, y, test=0.2, seed=0)
    assert len(p.x_test) == 10
    np.testing.assert_allclose(p.y_test, p.x_test[:, 0] / 49, rtol=1e-6)


def test_no_stratify_is_a_plain_shuffle():
    x = np.arange(10).reshape(10, 1)
    y = np.array([0] * 9 + [1])
    p = split(x, y, test=0.3, stratify=False, seed=0)
    perm = np.random.default_rng(0).permutation(10)
    np.testing.assert_array_equal(p.x_train[:, 0], perm[:7])


def test_val_sum_past_one():
    with pytest.raises(ValueError, match=r"`val` \+ `test` must be < 1 so that a training part "
                                         r"remains; received val=0.5 \+ test=0.5 = 1."):
        split(np.zeros((10, 1)), np.zeros(10), val=0.5, test=0.5)


def test_fraction_out_of_range():
    with pytest.raises(ValueError, match=r"`test` must be in \[0, 1\); received 1.5."):
        split(np.zeros((10, 1)), np.zeros(10), test=1.5)


def test_fraction_leaves_empty_part():
    with pytest.raises(ValueError, match=r"`test`=0.01 of 10 samples leaves no sample in the "
                                         r"test part \(0.01 x 10 rounds to 0\)"):
        split(np.zeros((10, 1)), np.zeros(10), test=0.01)


def test_fraction_leaves_no_training_sample():
    with pytest.raises(ValueError, match=r"val=0.45 and test=0.45 of 2 samples leave no sample "
                                         r"to train on \(1 val \+ 1 test\)"):
        split(np.zeros((2, 1)), np.zeros(2), val=0.45, test=0.45)


def test_length_mismatch():
    with pytest.raises(ValueError, match=r"`x` and `y` must have the same number of samples; "
                                         r"received 4 and 3."):
        split(np.zeros((4, 1)), np.zeros(3))


def test_empty_data():
    with pytest.raises(ValueError, match=r"`x` is empty \(shape \(0, 2\)\)"):
        split(np.zeros((0, 2)), np.zeros(0))


def test_fraction_wrong_type():
    with pytest.raises(TypeError, match=r"`val` must be a number; received '0.2'"):
        split(np.zeros((10, 1)), np.zeros(10), val="0.2")


def test_doc_example():
    x, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
    assert [len(p) for p in split(x, y, val=0.2, test=0.2, seed=0)] == [6, 6, 2, 2, 2, 2]


# ------------------------------------------------------------- degenerate classes (issue 14)


def test_single_member_class_refused_when_stratified():
    """scikit-learn's train_test_split(stratify=) refuses a class with a single member."""
    y = np.r_[np.arange(40) % 2, 7]
    x = np.arange(41).reshape(41, 1)
    with pytest.raises(ValueError, match=r"`y`: the least populated class \(label 7\) has only "
                                         r"1 member, too few for a stratified split into train, "
                                         r"val, test parts \(each class needs at least 3 "
                                         r"samples, one per part\)\. Classes with too few "
                                         r"samples: 7 \(1 sample\)\..*stratify=False"):
        split(x, y, val=0.05)


def test_two_way_split_needs_two_members_per_class():
    y = np.r_[np.zeros(9, int), 1, 2, 2]
    x = np.arange(12).reshape(12, 1)
    with pytest.raises(ValueError, match=r"label 1\) has only 1 member.*train, test parts "
                                         r"\(each class needs at least 2 samples"):
        split(x, y, test=0.3)
    y = np.r_[np.zeros(8, int), 1, 1, 2, 2]  # two of each rare class: one per part
    p = split(x, y, test=0.3)
    assert sorted(set(p.y_train.tolist())) == sorted(set(p.y_test.tolist())) == [0, 1, 2]


def test_single_member_class_allowed_without_stratify():
    y = np.r_[np.arange(40) % 2, 7]
    p = split(np.arange(41).reshape(41, 1), y, val=0.05, stratify=False, seed=0)
    assert len(p.x_train) + len(p.x_val) + len(p.x_test) == 41


def test_small_part_names_the_classes_it_leaves_out():
    y = np.arange(40) % 3
    with pytest.warns(UserWarning, match=r"split: the val part \(2 of 40 samples\) holds no "
                                         r"sample of class 0 \(3 classes in all\)"):
        p = split(np.arange(40).reshape(40, 1), y, val=0.05, seed=0)
    assert sorted(set(p.y_val.tolist())) == [1, 2]


def test_big_labels_printed_exactly():
    y = np.r_[np.zeros(20, np.int64), np.full(1, 2**40)]
    with pytest.raises(ValueError, match=r"\(label 1099511627776\) has only 1 member"):
        split(np.arange(21).reshape(21, 1), y)


def test_fractions_printed_exactly():
    with pytest.raises(ValueError, match=r"received val=0\.30000000000000004 \+ test=0\.7 = "
                                         r"1\.$"):
        split(np.zeros((10, 1)), np.zeros(10), val=0.1 + 0.2, test=0.7)


def test_loaders_split_a_single_member_class_with_a_warning_naming_it():
    """The dataset loaders (no stratify choice for every source) say so instead of refusing."""
    from kerasdl.data import from_arrays

    y = np.r_[np.arange(40) % 2, 7]
    with pytest.warns(UserWarning, match=r"split: the test part \(8 of 41 samples\) holds no "
                                         r"sample of class 7 \(3 classes in all\)"):
        ds = from_arrays(np.zeros((41, 4), "float32"), y, val=0.05, test=0.2)
    assert len(ds.x_train) + len(ds.x_val) + len(ds.x_test) == 41
