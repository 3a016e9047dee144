"""The search space: recipe settings mapped onto keras-tuner hyper-parameters.

A space is a dict ``{setting: dimension}``. A dimension is

- a **list** of values (choices): ``[32, 64, 128]``, ``["adam", "sgd"]``, ``[(64,), (128, 64)]``;
- a **range**: a :class:`Range`, a tuple of two numbers ``(lo, hi)`` or the text
  ``"lo..hi"`` / ``"lo..hi:log"`` (ints give an integer range, anything else a float range);
- any other tuple is read as choices, like a list.

Keras-tuner only holds int, float, str and bool values; choices of other kinds (tuples of
widths, None) are offered to it by their text and mapped back.
"""

import math
import numbers
import re
from dataclasses import dataclass

from kerasdl._validation import describe

__all__ = ["Range", "Dimension", "parse_space", "parse_range", "to_hyperparameters",
           "settings_from_values"]

_RANGE_RE = re.compile(r"^\s*([^.:][^:]*?)\s*\.\.\s*([^:]+?)\s*(?::\s*(\w+))?\s*$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Range:
    """A numeric range of a search space.

    Args:
        low: smallest value (inclusive).
        high: largest value (inclusive); must be greater than ``low``.
        log: sample on a log scale (``low`` must be > 0). Defaults to False.
        integer: an integer range (both bounds integers). Defaults to None (integer when
            both bounds are ints).
    """

    low: float
    high: float
    log: bool = False
    integer: bool = None


@dataclass(frozen=True)
class Dimension:
    """One checked dimension: ``kind`` is "choice", "int" or "float"."""

    name: str
    kind: str
    values: tuple = ()
    low: float = None
    high: float = None
    log: bool = False

    def describe(self):
        if self.kind == "choice":
            return ", ".join(_label(v) for v in self.values)
        return f"{self.low:g}..{self.high:g}{':log' if self.log else ''}"


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _label(value):
    """The text keras-tuner sees for a choice that is not a plain scalar."""
    if isinstance(value, (tuple, list)):
        return ",".join(_label(v) for v in value) + ("," if len(value) == 1 else "")
    if value is None:
        return "none"
    return str(value)


def _number(text, where):
    if not _NUMBER_RE.match(text):
        raise ValueError(f"{where}: {text!r} is not a number; write a range as "
                         f"LOW..HIGH or LOW..HIGH:log, e.g. 1e-4..1e-1:log.")
    return int(text) if re.match(r"^[+-]?\d+$", text) else float(text)


def parse_range(text, *, name="range"):
    """Parse ``"lo..hi"`` or ``"lo..hi:log"`` into a :class:`Range`.

    Example:

    >>> parse_range("1e-4..1e-1:log")
    Range(low=0.0001, high=0.1, log=True, integer=False)
    >>> parse_range("16..128")
    Range(low=16, high=128, log=False, integer=True)
    """
    where = f"`space[{name!r}]`"
    m = _RANGE_RE.match(text)
    if not m:
        raise ValueError(f"{where}: {text!r} is not a range; write LOW..HIGH or "
                         f"LOW..HIGH:log, e.g. 1e-4..1e-1:log or 16..128.")
    low, high = _number(m.group(1), where), _number(m.group(2), where)
    scale = (m.group(3) or "linear").lower()
    if scale not in ("log", "linear"):
        raise ValueError(f"{where}: unknown scale {scale!r} in {text!r}; use :log or "
                         f":linear (the default).")
    integer = isinstance(low, int) and isinstance(high, int)
    return Range(low, high, log=scale == "log", integer=integer)


def _check_range(name, rng):
    where = f"`space[{name!r}]`"
    for bound in (rng.low, rng.high):
        if not _is_number(bound) or not math.isfinite(bound):
            raise ValueError(f"{where}: range bounds must be finite numbers; received "
                             f"{describe(rng.low)}..{describe(rng.high)}.")
    if not rng.low < rng.high:
        raise ValueError(f"{where}: the range {rng.low}..{rng.high} is empty; LOW must be "
                         f"less than HIGH.")
    if rng.log and rng.low <= 0:
        raise ValueError(f"{where}: a log range needs LOW > 0; received {rng.low}.")
    integer = rng.integer
    if integer is None:
        integer = isinstance(rng.low, numbers.Integral) and isinstance(rng.high, numbers.Integral)
    if integer and not all(float(b).is_integer() for b in (rng.low, rng.high)):
        raise ValueError(f"{where}: an integer range needs integer bounds; received "
                         f"{rng.low}..{rng.high}.")
    kind = "int" if integer else "float"
    cast = int if integer else float
    return Dimension(name, kind, low=cast(rng.low), high=cast(rng.high), log=bool(rng.log))


def _check_choices(name, values):
    values = tuple(tuple(v) if isinstance(v, list) else v for v in values)
    if not values:
        raise ValueError(f"`space[{name!r}]` is an empty list of choices; give at least one "
                         f"value, e.g. [32, 64].")
    labels = [_label(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ValueError(f"`space[{name!r}]` lists a value twice: {describe(list(values))}.")
    return Dimension(name, "choice", values=values)


def _dimension(name, spec):
    if isinstance(spec, Range):
        return _check_range(name, spec)
    if isinstance(spec, str):
        return _check_range(name, parse_range(spec, name=name))
    if isinstance(spec, tuple) and len(spec) == 2 and all(_is_number(v) for v in spec):
        return _check_range(name, Range(*spec))
    if isinstance(spec, (list, tuple)):
        return _check_choices(name, spec)
    raise TypeError(f"`space[{name!r}]` must be a list of choices, a range (LOW, HIGH), "
                    f"a 'LOW..HIGH[:log]' text or a kerasdl.tuning.Range; received "
                    f"{describe(spec)} of type {type(spec).__name__}. A single value is not "
                    f"searched: pass it as a fixed setting ({name}=...).")


def parse_space(space):
    """Check a space dict and return ``{name: Dimension}`` in the given order.

    Raises:
        TypeError: if ``space`` is not a dict or a dimension has the wrong kind.
        ValueError: for an empty space, an empty or ill-formed range, empty choices.
    """
    if not isinstance(space, dict):
        raise TypeError(f"`space` must be a dict {{setting: choices or range}}; received "
                        f"{describe(space)} of type {type(space).__name__}.")
    if not space:
        raise ValueError("`space` is empty; name at least one setting to search, e.g. "
                         "space={'learning_rate': '1e-4..1e-1:log'}.")
    out = {}
    for name, spec in space.items():
        if not isinstance(name, str):
            raise TypeError(f"`space` keys must be setting names (str); received "
                            f"{describe(name)}.")
        out[name] = _dimension(name, spec)
    return out


def to_hyperparameters(dimensions):
    """A ``keras_tuner.HyperParameters`` holding one entry per dimension."""
    import keras_tuner

    hp = keras_tuner.HyperParameters()
    for name, dim in dimensions.items():
        if dim.kind == "choice":
            plain = all(isinstance(v, (bool, str, int, float)) for v in dim.values)
            kinds = {type(v) for v in dim.values}
            if plain and len(kinds) == 1:
                hp.Choice(name, list(dim.values))
            else:
                hp.Choice(name, [_label(v) for v in dim.values])
        elif dim.kind == "int":
            hp.Int(name, dim.low, dim.high, sampling="log" if dim.log else "linear")
        else:
            hp.Float(name, dim.low, dim.high, sampling="log" if dim.log else "linear")
    return hp


def settings_from_values(dimensions, values):
    """The recipe settings of one trial from keras-tuner's ``hp.values``."""
    out = {}
    for name, dim in dimensions.items():
        value = values[name]
        if dim.kind == "choice":
            by_label = {_label(v): v for v in dim.values}
            value = value if value in dim.values and not isinstance(value, str) \
                else by_label.get(value, value)
        elif dim.kind == "int":
            value = int(value)
        else:
            value = float(value)
        out[name] = value
    return out
