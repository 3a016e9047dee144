"""The search space: choices, ranges and log scales mapped onto keras-tuner hyper-parameters."""

import pytest

from kerasdl.tuning import Range, parse_range, parse_space
from kerasdl.tuning._space import settings_from_values, to_hyperparameters

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


@pytest.mark.parametrize("text, expected", [
    ("1e-4..1e-1:log", Range(1e-4, 1e-1, log=True, integer=False)),
    ("16..128", Range(16, 128, log=False, integer=True)),
    ("0..0.5", Range(0, 0.5, log=False, integer=False)),
    (" 8 .. 64 :log", Range(8, 64, log=True, integer=True)),
    ("0.1..0.9:linear", Range(0.1, 0.9, log=False, integer=False)),
])
def test_parse_range(text, expected):
    assert parse_range(text) == expected


@pytest.mark.parametrize("space, error, message", [
    ({"lr": "1e-4..abc"}, ValueError, r"`space\['lr'\]`: 'abc' is not a number"),
    ({"lr": "1e-4-1e-1"}, ValueError, r"is not a range; write LOW..HIGH"),
    ({"lr": "1e-4..1e-1:sqrt"}, ValueError, r"unknown scale 'sqrt'"),
    ({"lr": "0.1..0.1"}, ValueError, r"the range 0.1..0.1 is empty"),
    ({"lr": (0.5, 0.1)}, ValueError, r"the range 0.5..0.1 is empty"),
    ({"lr": "0..1:log"}, ValueError, r"a log range needs LOW > 0; received 0"),
    ({"lr": Range(float("nan"), 1.0)}, ValueError, r"range bounds must be finite numbers"),
    ({"units": Range(1.5, 8, integer=True)}, ValueError, r"an integer range needs integer"),
    ({"hidden": []}, ValueError, r"`space\['hidden'\]` is an empty list of choices"),
    ({"hidden": [8, 8]}, ValueError, r"lists a value twice"),
    ({}, ValueError, r"`space` is empty"),
    ({"lr": 0.1}, TypeError, r"A single value is not searched: pass it as a fixed setting"),
    ([("lr", [1])], TypeError, r"`space` must be a dict"),
])
def test_bad_spaces(space, error, message):
    with pytest.raises(error, match=message):
        parse_space(space)


def test_dimensions_map_to_keras_tuner_and_back():
    dims = parse_space({"learning_rate": "1e-4..1e-1:log", "units": (4, 32),
                        "dropout": (0.0, 0.5), "optimizer": ["adam", "sgd"],
                        "hidden": [(64,), (128, 64)], "batch_norm": [True, False]})
    assert [(n, d.kind) for n, d in dims.items()] == [
        ("learning_rate", "float"), ("units", "int"), ("dropout", "float"),
        ("optimizer", "choice"), ("hidden", "choice"), ("batch_norm", "choice")]
    hp = to_hyperparameters(dims)
    by_name = {h.name: h for h in hp.space}
    assert by_name["learning_rate"].sampling == "log"
    assert (by_name["learning_rate"].min_value, by_name["learning_rate"].max_value) == (1e-4, 0.1)
    assert (by_name["units"].min_value, by_name["units"].max_value) == (4, 32)
    assert list(by_name["hidden"].values) == ["64,", "128,64"]  # tuples travel as text
    assert list(by_name["optimizer"].values) == ["adam", "sgd"]
    values = {"learning_rate": 0.01, "units": 7, "dropout": 0.25, "optimizer": "sgd",
              "hidden": "128,64", "batch_norm": False}
    assert settings_from_values(dims, values) == {
        "learning_rate": 0.01, "units": 7, "dropout": 0.25, "optimizer": "sgd",
        "hidden": (128, 64), "batch_norm": False}
