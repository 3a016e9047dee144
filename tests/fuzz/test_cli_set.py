"""Property-based tests of the CLI's ``--set key=value`` parsing (``kerasdl.cli``).

Typed values round-trip; any text either parses or raises a ValueError from kerasdl's own
code that quotes the offending setting, never an exception from inside PyYAML or Python.
"""

import math
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasdl.cli import parse_assignments, parse_value

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent

# KERASDL_TEST_FUZZ_EXAMPLES=5000 runs a deeper, randomized search (default: 150, fixed).
_DEEP = int(os.environ.get("KERASDL_TEST_FUZZ_EXAMPLES", 0))
FUZZ = settings(max_examples=_DEEP or 150, deadline=None, derandomize=not _DEEP,
                suppress_health_check=[HealthCheck.too_slow])

TOKENS = ["(", ")", "[", "]", "{", "}", ",", ":", "'", '"', "1", "-2", "1e-3", "0.5", "a",
          "b_c", " ", "true", "none", "=", "!!python/object:os.system", "&x", "*x", "#",
          "nan", "inf", "\\", "\n", "\x00", "é"]


def outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), None
    except Exception:  # noqa: BLE001 - the caller checks what was raised
        return None, pytest.ExceptionInfo.from_exc_info(sys.exc_info())


def assert_clear_value_error(excinfo):
    err = excinfo.value
    assert type(err) is ValueError, f"{type(err).__name__}: {err}"
    innermost = str(excinfo.traceback[-1].path)
    assert innermost.endswith(os.path.join("kerasdl", "cli.py")), (innermost, err)


def assert_typed(value):
    """Parsed values are only None/bool/int/float/str, tuples and str-keyed dicts of them."""
    if isinstance(value, tuple):
        for v in value:
            assert_typed(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_typed(k)
            assert_typed(v)
    else:
        assert value is None or isinstance(value, (bool, int, float, str)), repr(value)


texts = st.one_of(st.text(max_size=30),
                  st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))


@FUZZ
@given(texts)
def test_parse_value_any_text(text):
    value, excinfo = outcome(parse_value, text, what="`--set x`")
    if excinfo:
        assert_clear_value_error(excinfo)
        assert "`--set x`" in str(excinfo.value)
    else:
        assert_typed(value)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["hidden", "lr", "a-b", "", " ", "x=y"]), texts),
                max_size=4))
def test_parse_assignments_any_items(pairs):
    items = [f"{k}={v}" for k, v in pairs]
    out, excinfo = outcome(parse_assignments, items)
    if excinfo:
        assert_clear_value_error(excinfo)
        assert "--set" in str(excinfo.value)
    else:
        assert isinstance(out, dict) and len(out) == len(items)
        for value in out.values():
            assert_typed(value)


@FUZZ
@given(st.lists(texts, max_size=3))
def test_parse_assignments_without_equals(items):
    items = [i.replace("=", "") or "x" for i in items]
    out, excinfo = outcome(parse_assignments, items)
    if items:
        assert_clear_value_error(excinfo)
        assert "expects KEY=VALUE" in str(excinfo.value)
    else:
        assert out == {}


scalars = st.one_of(st.integers(-10**6, 10**6), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(
                        lambda f: not f.is_integer()))


def spell(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


@FUZZ
@given(st.one_of(scalars, st.lists(scalars, min_size=2, max_size=4).map(tuple)))
def test_typed_values_roundtrip(value):
    text = ",".join(map(spell, value)) if isinstance(value, tuple) else spell(value)
    parsed = parse_value(text)
    assert parsed == value and type(parsed) is type(value)
    bracketed = parse_value(f"[{text}]" if isinstance(value, tuple) else f"({text},)")
    assert bracketed == (value if isinstance(value, tuple) else (value,))


def test_yaml_tags_never_construct_python_objects():
    with pytest.raises(ValueError, match=r"`--set x`: .* is not a valid mapping") as ei:
        parse_value("{a: !!python/object/apply:os.system [touch PWNED]}", what="`--set x`")
    assert_clear_value_error(ei)
    assert not os.path.exists("PWNED")


def test_nan_parses_to_a_float_that_recipes_must_reject():
    # parse_value is a parser; `nan` is a float. Rejecting it is the recipe's job
    # (see tests/test_bad_inputs.py, recipes.run(..., learning_rate=nan)).
    assert math.isnan(parse_value("nan"))


def test_deeply_nested_brackets_give_value_error():
    with pytest.raises(ValueError, match=r"`--set x`") as ei:
        parse_value("(" * 3000 + "1" + ")" * 3000, what="`--set x`")
    assert_clear_value_error(ei)
