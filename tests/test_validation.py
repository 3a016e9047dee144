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


# ---------------------------------------------------------------- one rule per parameter
# Each public entry point, and the table parameters it takes (argument name -> rule name; a
# rule name ending in "?" where the argument also accepts None).
# Invalid values are generated from the rule (``v.invalid_values``); every entry point must
# refuse each with the rule's own message, at its boundary.
def _xy(n=20, features=2):
    x = np.random.default_rng(0).normal(size=(n, features)).astype("float32")
    return x, (np.arange(n) % 2).astype("int64")


def _tiny_model():
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])


def _train(**kw):
    import kerasdl

    kw.setdefault("verbose", 0)
    return kerasdl.train(_tiny_model(), _xy(), plots=False, **kw)


def _find_lr(**kw):
    import kerasdl

    return kerasdl.find_lr(_tiny_model(), _xy(), steps=3, **kw)


def _evaluate(**kw):
    import kerasdl

    return kerasdl.evaluate(_tiny_model(), _xy(), **kw)


def _load(**kw):
    import kerasdl

    return kerasdl.data.load("xor", **kw)


def _split(**kw):
    import kerasdl

    return kerasdl.data.split(*_xy(), **kw)


def _from_arrays(**kw):
    import kerasdl

    return kerasdl.data.from_arrays(*_xy(), **kw)


def _chunks(**kw):
    import kerasdl

    return list(kerasdl.data.chunks(*_xy(), 5, **kw))


def _array_sequence(**kw):
    import kerasdl

    return kerasdl.data.ArraySequence(*_xy(), **kw)


def _create_mlp(**kw):
    import kerasdl

    return kerasdl.models.create("mlp", input_shape=2, hidden=(3,), task="binary", **kw)


def _pipeline(**kw):
    import kerasdl

    return kerasdl.augment.pipeline(rotation=0.1, **kw)


def _random_affine(**kw):
    import kerasdl

    return kerasdl.augment.RandomAffine(rotation=0.1, **kw)


def _throughput_logger(**kw):
    import kerasdl

    return kerasdl.callbacks.ThroughputLogger(**kw)


ENTRY_POINTS = {
    "train": (_train, {"seed": "seed", "batch_size": "batch_size?", "epochs": "epochs",
                       "validation_split": "validation_split?",
                       "learning_rate": "learning_rate?",
                       "steps_per_execution": "steps_per_execution",
                       "keep_checkpoints": "keep_checkpoints", "verbose": "verbose"}),
    "find_lr": (_find_lr, {"seed": "seed", "batch_size": "batch_size",
                           "start_lr": "learning_rate"}),
    "evaluate": (_evaluate, {"batch_size": "batch_size"}),
    "data.load": (_load, {"seed": "seed"}),
    "data.split": (_split, {"seed": "seed", "val": "val", "test": "test"}),
    "data.from_arrays": (_from_arrays, {"seed": "seed"}),
    "data.chunks": (_chunks, {"seed": "seed"}),
    "data.ArraySequence": (_array_sequence, {"seed": "seed", "batch_size": "batch_size"}),
    "models.create": (_create_mlp, {"seed": "seed?", "dropout": "dropout",
                                    "learning_rate": "learning_rate?"}),
    "augment.pipeline": (_pipeline, {"seed": "seed?"}),
    "augment.RandomAffine": (_random_affine, {"seed": "seed?"}),
    "callbacks.ThroughputLogger": (_throughput_logger, {"batch_size": "batch_size?"}),
}


def _cases():
    for entry, (_, params) in sorted(ENTRY_POINTS.items()):
        for arg, rule in sorted(params.items()):
            for value, error in v.invalid_values(rule.rstrip("?")):
                yield pytest.param(entry, arg, rule, value, error,
                                   id=f"{entry}-{arg}={value!r}")


def test_every_rule_has_invalid_values_and_is_used_by_an_entry_point():
    used = {rule.rstrip("?") for _, params in ENTRY_POINTS.values() for rule in params.values()}
    assert used == set(v.PARAMETERS)
    for name in v.PARAMETERS:
        assert len(v.invalid_values(name)) >= 4


@pytest.mark.parametrize("entry, arg, rule, value, error", list(_cases()))
def test_entry_points_refuse_invalid_values_with_the_rules_message(entry, arg, rule, value,
                                                                   error):
    with pytest.raises(error) as expected:
        v.check_param(rule.rstrip("?"), value, arg=arg, allow_none=rule.endswith("?"))
    call, _ = ENTRY_POINTS[entry]
    with pytest.raises(error) as excinfo:
        call(**{arg: value})
    assert str(excinfo.value) == str(expected.value)


def test_check_param_messages_keep_the_house_style():
    with pytest.raises(ValueError, match=r"^`seed` must be >= 0; received -1\.$"):
        v.check_param("seed", -1)
    with pytest.raises(TypeError, match=r"^`seed` must be an integer; received '0' of type "
                                        r"str\.$"):
        v.check_param("seed", "0")
    with pytest.raises(ValueError, match=r"^`batch_size` must be a positive integer \(>= 1\); "
                                         r"received 0\.$"):
        v.check_param("batch_size", 0)
    with pytest.raises(ValueError, match=r"^`start_lr` must be in \(0, inf\); received 0\.$"):
        v.check_param("learning_rate", 0.0, arg="start_lr")
    with pytest.raises(ValueError, match=r"^`val` must be in \[0, 1\); received 1\.$"):
        v.check_param("val", 1.0)
    assert v.check_param("seed", None, allow_none=True) is None
    assert v.check_param("dropout", 0.0) == 0.0 and v.check_param("epochs", np.int64(3)) == 3
