"""Tests for kerasdl/_validation.py: the messages users see at the public boundary."""

import numpy as np
import pytest

from kerasdl import _validation as v


def test_check_positive_int_accepts_and_rejects():
    assert v.check_positive_int("epochs", 3) == 3
    assert v.check_positive_int("epochs", np.int64(2)) == 2
    with pytest.raises(ValueError, match=r"`epochs` must be a positive integer \(>= 1\); received 0\."):
        v.check_positive_int("epochs", 0)
    with pytest.raises(TypeError, match=r"`epochs` must be a positive integer; received 2\.5 of type float\."):
        v.check_positive_int("epochs", 2.5)
    with pytest.raises(TypeError, match="received True of type bool"):
        v.check_positive_int("epochs", True)


def test_check_fraction_open_interval_message():
    assert v.check_fraction("validation_split", 0.2) == 0.2
    with pytest.raises(ValueError, match=r"`validation_split` must be in \(0, 1\); received 1\.5\."):
        v.check_fraction("validation_split", 1.5)
    with pytest.raises(ValueError, match=r"must be in \(0, 1\); received 0\."):
        v.check_fraction("validation_split", 0.0)
    assert v.check_fraction("dropout", 0.0, inclusive_low=True) == 0.0
    with pytest.raises(ValueError, match="must be a finite number; received nan"):
        v.check_fraction("dropout", float("nan"))


def test_check_choice_normalizes_and_suggests():
    assert v.check_choice("optimizer", "RMSProp", ["rmsprop", "adam"]) == "rmsprop"
    assert v.check_choice("name", "digits-mlp", ["digits_mlp"]) == "digits_mlp"
    with pytest.raises(ValueError, match=r"`optimizer` must be one of 'adam', 'rmsprop'; "
                                         r"received 'adma'\. Did you mean 'adam'\?"):
        v.check_choice("optimizer", "adma", ["rmsprop", "adam"])
    with pytest.raises(TypeError, match="`optimizer` must be a string"):
        v.check_choice("optimizer", 3, ["adam"])


def test_unknown_name_error_lists_matches_and_choices():
    err = v.unknown_name_error("model", "mpl", ["mlp", "cnn", "perceptron"])
    assert isinstance(err, ValueError)
    assert str(err) == ("Unknown model 'mpl'. Did you mean 'mlp'? "
                        "Valid models: cnn, mlp, perceptron.")


def test_check_array_rejects_empty_strings_and_objects():
    with pytest.raises(ValueError, match=r"`x` is empty \(shape \(0, 3\)\)"):
        v.check_array("x", np.zeros((0, 3)))
    with pytest.raises(TypeError, match="`x` must hold numbers; received an array of dtype <U1"):
        v.check_array("x", np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"`x` must have 2 dimensions; received shape \(3,\)\."):
        v.check_array("x", np.zeros(3), ndim=2)
    assert v.check_array("x", [[1, 2]]).shape == (1, 2)


def test_check_finite_counts_nan_and_inf():
    x = np.array([[0.0, np.nan], [np.inf, 1.0]])
    with pytest.raises(ValueError, match=r"`x` contains non-finite values \(1 NaN, 1 inf; "
                                         r"first at index \(0, 1\)\)"):
        v.check_finite("x", x)


def test_check_same_length():
    with pytest.raises(ValueError, match="`x` and `y` must have the same number of samples; "
                                         "received 3 and 2."):
        v.check_same_length("x", [1, 2, 3], "y", [1, 2])


@pytest.mark.parametrize("y, task, k, fmt", [
    (np.array([0, 1, 2]), "multiclass", 3, "sparse"),
    (np.eye(3), "multiclass", 3, "onehot"),
    (np.array([[0], [1]]), "binary", None, "sparse"),
    (np.array([0.5, 1.5]), "regression", None, "regression"),
])
def test_check_labels_formats(y, task, k, fmt):
    assert v.check_labels("y", y, task=task, num_classes=k) == fmt


@pytest.mark.parametrize("y, task, k, msg", [
    (np.array([0, 10]), "multiclass", 10, r"holds label 10 but labels must be in \[0, 10\) for 10 classes"),
    (np.array([0, -1]), "multiclass", 3, r"holds negative label -1"),
    (np.array([0.0, 0.5]), "binary", None, r"received fractional value 0\.5"),
    (np.eye(4), "multiclass", 3, r"one-hot with 4 columns but the task has 3 classes"),
    (np.array([0, 2]), "binary", None, r"holds label 2 but labels must be in \[0, 2\)"),
])
def test_check_labels_errors(y, task, k, msg):
    with pytest.raises(ValueError, match=msg):
        v.check_labels("y", y, task=task, num_classes=k)


def test_check_int_bounds():
    assert v.check_int("n", 5, min_value=0, max_value=5) == 5
    with pytest.raises(ValueError, match="`n` must be <= 5; received 6."):
        v.check_int("n", 6, max_value=5)
    assert v.check_int("n", None, allow_none=True) is None


def test_unknown_name_error_can_name_the_argument():
    err = v.unknown_name_error("initializer", "he_norml", ["he_normal", "zeros"],
                               argument="kernel_initializer")
    assert str(err) == ("Unknown `kernel_initializer` 'he_norml'. Did you mean 'he_normal'? "
                        "Valid initializers: he_normal, zeros.")
