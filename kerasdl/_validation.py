"""Argument checks for kerasdl's public boundary.

Every public function validates its arguments here before any backend work. Messages
name the argument, the value received, what is allowed and, where useful, the fix:

    `validation_split` must be in (0, 1); received 1.5.

Wrong types raise ``TypeError``; wrong values raise ``ValueError``. Never ``assert``.
"""

import difflib
import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = [
    "check_type",
    "check_bool",
    "check_int",
    "check_positive_int",
    "check_number",
    "check_fraction",
    "check_nonnegative",
    "check_choice",
    "normalize_name",
    "close_matches",
    "unknown_name_error",
    "check_array",
    "check_finite",
    "check_same_length",
    "check_labels",
    "describe",
    "Rule",
    "PARAMETERS",
    "check_param",
    "invalid_values",
    "format_number",
]


def describe(value, limit=80):
    """A short repr of ``value`` for error messages (arrays shown by shape and dtype)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, type):
        return f"{type(value).__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def format_number(value):
    """A number as text, exactly: an integer in full (``2**40`` -> ``1099511627776``, never
    ``1.09951e+12``), a float by its shortest round-trip form (``0.1``, ``1e-07``), and a float
    holding an integer below 2**53 without a trailing ``.0``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (numbers.Integral, np.integer)):
        return str(int(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    if isinstance(value, np.floating):
        return str(value)  # numpy's shortest text that round-trips in the value's precision
    return repr(number)


def _type_names(types):
    if isinstance(types, type):
        types = (types,)
    return " or ".join(t.__name__ for t in types)


def check_type(name, value, types, *, allow_none=False):
    """Raise TypeError unless ``value`` is an instance of ``types``."""
    if value is None and allow_none:
        return value
    if not isinstance(value, types):
        raise TypeError(
            f"`{name}` must be {_type_names(types)}"
            f"{' or None' if allow_none else ''}; received {describe(value)} "
            f"of type {type(value).__name__}."
        )
    return value


def check_bool(name, value):
    """Raise TypeError unless ``value`` is a bool (numpy bools allowed)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False; received {describe(value)}.")
    return bool(value)


def check_int(name, value, *, min_value=None, max_value=None, allow_none=False):
    """Check an integer (bools rejected) within optional inclusive bounds."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer{' or None' if allow_none else ''}; "
            f"received {describe(value)} of type {type(value).__name__}."
        )
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"`{name}` must be >= {min_value}; received {value}.")
    if max_value is not None and value > max_value:
        raise ValueError(f"`{name}` must be <= {max_value}; received {value}.")
    return value


def check_positive_int(name, value, *, allow_none=False):
    """Check an integer >= 1."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be a positive integer; received {describe(value)} "
            f"of type {type(value).__name__}."
        )
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer (>= 1); received {value}.")
    return int(value)


def check_number(name, value, *, min_value=None, max_value=None, min_inclusive=True,
                 max_inclusive=True, allow_none=False):
    """Check a finite real number within optional bounds."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a number{' or None' if allow_none else ''}; "
            f"received {describe(value)} of type {type(value).__name__}."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number; received {value}.")
    lo_ok = min_value is None or (value >= min_value if min_inclusive else value > min_value)
    hi_ok = max_value is None or (value <= max_value if max_inclusive else value < max_value)
    if not (lo_ok and hi_ok):
        lo = "-inf" if min_value is None else format_number(min_value)
        hi = "inf" if max_value is None else format_number(max_value)
        left = "[" if (min_value is not None and min_inclusive) else "("
        right = "]" if (max_value is not None and max_inclusive) else ")"
        raise ValueError(f"`{name}` must be in {left}{lo}, {hi}{right}; received "
                         f"{format_number(value)}.")
    return value


def check_fraction(name, value, *, inclusive_low=False, inclusive_high=False, allow_none=False):
    """Check a fraction; open interval (0, 1) by default."""
    return check_number(name, value, min_value=0.0, max_value=1.0, min_inclusive=inclusive_low,
                        max_inclusive=inclusive_high, allow_none=allow_none)


def check_nonnegative(name, value, *, allow_none=False):
    """Check a finite number >= 0."""
    return check_number(name, value, min_value=0.0, allow_none=allow_none)


def normalize_name(name):
    """Canonical form of a user-given name: lower case, hyphens and spaces as underscores."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


def close_matches(name, choices, n=3):
    """Close matches of ``name`` among ``choices`` (by difflib), as a list."""
    return difflib.get_close_matches(normalize_name(name), [str(c) for c in choices], n=n,
                                     cutoff=0.5)


def unknown_name_error(kind, name, choices, *, argument=None):
    """A ValueError for an unknown ``name``: lists close matches and every valid choice.

    With ``argument`` the message names it ("Unknown `kernel_initializer` 'foo'.") instead
    of the kind; the list of choices still says what kind they are.
    """
    choices = sorted(str(c) for c in choices)
    matches = close_matches(name, choices)
    hint = f" Did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""
    what = f"`{argument}`" if argument is not None else kind
    return ValueError(
        f"Unknown {what} {name!r}.{hint} Valid {kind}s: {', '.join(choices)}."
    )


def check_choice(name, value, choices, *, kind=None, normalize=True):
    """Check that ``value`` (a str) is one of ``choices``; returns the canonical choice.

    With ``normalize=True`` the comparison ignores case, and hyphens equal underscores.
    """
    if not isinstance(value, str):
        raise TypeError(
            f"`{name}` must be a string, one of {sorted(choices)}; received {describe(value)} "
            f"of type {type(value).__name__}."
        )
    key = normalize_name(value) if normalize else value
    lookup = {(normalize_name(c) if normalize else c): c for c in choices}
    if key not in lookup:
        matches = close_matches(value, list(lookup))
        hint = f" Did you mean {' or '.join(repr(lookup[m]) for m in matches)}?" if matches else ""
        raise ValueError(
            f"`{name}` must be one of {', '.join(repr(c) for c in sorted(choices))}; "
            f"received {value!r}.{hint}"
        )
    return lookup[key]


def check_array(name, value, *, ndim=None, min_ndim=None, dtype_kind=None, allow_empty=False):
    """Convert ``value`` to a numpy array and check it.

    Args:
        name: argument name for messages.
        value: array-like.
        ndim: exact number of dimensions required (int or tuple of allowed ints).
        min_ndim: minimum number of dimensions.
        dtype_kind: allowed numpy dtype kinds, e.g. ``"biuf"`` for numbers.
        allow_empty: whether zero samples are allowed. Defaults to False.
    """
    if value is None:
        raise TypeError(f"`{name}` must be an array; received None.")
    if isinstance(value, (str, bytes, dict)):
        raise TypeError(f"`{name}` must be an array; received {type(value).__name__} "
                        f"{describe(value)}.")
    try:
        arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (ValueError, TypeError) as e:
        raise TypeError(f"`{name}` could not be converted to an array ({e}); "
                        f"received {describe(value)}.") from None
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(
            f"`{name}` must hold numbers; received an array of dtype {arr.dtype} "
            f"(shape {arr.shape}). Convert it with np.asarray(..., dtype='float32')."
        )
    if dtype_kind is not None and arr.dtype.kind not in dtype_kind:
        raise TypeError(f"`{name}` must have a dtype of kind {dtype_kind!r}; "
                        f"received dtype {arr.dtype}.")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(f"`{name}` must have {' or '.join(map(str, allowed))} dimensions; "
                             f"received shape {arr.shape}.")
    if min_ndim is not None and arr.ndim < min_ndim:
        raise ValueError(f"`{name}` must have at least {min_ndim} dimensions; "
                         f"received shape {arr.shape}.")
    if not allow_empty and (arr.ndim == 0 or arr.shape[0] == 0):
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); at least one sample is needed.")
    return arr


def check_finite(name, arr):
    """Raise ValueError if a numeric array holds NaN or infinity (counts them)."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "fc":
        bad = ~np.isfinite(arr)
        if bad.any():
            n_nan = int(np.isnan(arr).sum())
            n_inf = int(bad.sum()) - n_nan
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"`{name}` contains non-finite values ({n_nan} NaN, {n_inf} inf; first at "
                f"index {first}). Remove or impute them before training."
            )
    return arr


def check_same_length(name_x, x, name_y, y):
    """Raise ValueError unless x and y hold the same number of samples."""
    if len(x) != len(y):
        raise ValueError(
            f"`{name_x}` and `{name_y}` must have the same number of samples; received "
            f"{len(x)} and {len(y)}."
        )


def check_labels(name, y, *, task, num_classes=None):
    """Check classification/regression targets on the host (GPUs do not raise on bad labels).

    Args:
        name: argument name for messages.
        y: targets; sparse integer labels of shape (n,) or (n, 1), or one-hot (n, k).
        task: "binary", "multiclass" or "regression".
        num_classes: number of classes for "multiclass" (sparse labels must be in
            [0, num_classes); one-hot labels must have num_classes columns).

    Returns:
        "sparse", "onehot" or "regression": the label format found.
    """
    y = np.asarray(y)
    check_finite(name, y)
    if task == "regression":
        if y.dtype.kind not in "biuf":
            raise TypeError(f"`{name}` must be numeric for regression; received dtype {y.dtype}.")
        return "regression"
    if y.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must hold integer class labels; received dtype {y.dtype}.")
    if y.ndim == 2 and y.shape[1] > 1:
        # one-hot (or multi-hot)
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(f"`{name}` looks one-hot (shape {y.shape}) but holds values other "
                             f"than 0 and 1.")
        if not np.all(y.sum(axis=1) == 1):
            raise ValueError(f"`{name}` looks one-hot (shape {y.shape}) but some rows do not "
                             f"sum to 1.")
        if num_classes is not None and y.shape[1] != num_classes:
            raise ValueError(f"`{name}` is one-hot with {y.shape[1]} columns but the task has "
                             f"{num_classes} classes.")
        return "onehot"
    flat = y.reshape(-1) if (y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)) else None
    if flat is None:
        raise ValueError(f"`{name}` must have shape (n,), (n, 1) or (n, num_classes); "
                         f"received shape {y.shape}.")
    if flat.dtype.kind == "f" and not np.all(np.equal(np.mod(flat, 1), 0)):
        bad = flat[np.mod(flat, 1) != 0][0]
        raise ValueError(f"`{name}` must hold integer class labels for a {task} task; "
                         f"received fractional value {format_number(bad)}. Use "
                         f"task='regression' for continuous targets.")
    upper = 2 if task == "binary" else num_classes
    if flat.size and flat.min() < 0:
        raise ValueError(f"`{name}` holds negative label {format_number(flat.min())}; labels "
                         f"must be in [0, {upper if upper is not None else 'num_classes'}).")
    if upper is not None and flat.size and flat.max() >= upper:
        raise ValueError(f"`{name}` holds label {format_number(flat.max())} but labels must be in "
                         f"[0, {upper}) for {upper} classes.")
    return "sparse"


# ------------------------------------------------------------------ one rule per parameter
@dataclass(frozen=True)
class Rule:
    """The bounds of a shared parameter, stated once (like scikit-learn's ``Interval``).

    ``kind`` is ``"int"`` (bools refused) or ``"real"`` (finite numbers); ``low``/``high``
    are bounds (None: unbounded) and ``closed`` says which ends are included: ``"both"``,
    ``"left"``, ``"right"`` or ``"neither"``.
    """

    kind: str
    low: float = None
    high: float = None
    closed: str = "both"

    @property
    def low_inclusive(self):
        return self.closed in ("both", "left")

    @property
    def high_inclusive(self):
        return self.closed in ("both", "right")


# Every parameter that several public functions share is bounded here, once; the functions
# check it with ``check_param(name, value)`` and tests/test_validation.py generates the
# invalid values of each rule (``invalid_values``) and feeds them to every entry point.
PARAMETERS = {
    "seed": Rule("int", low=0),
    "batch_size": Rule("int", low=1),
    "epochs": Rule("int", low=1),
    "steps_per_execution": Rule("int", low=1),
    "keep_checkpoints": Rule("int", low=1),
    "verbose": Rule("int", low=0, high=2),
    "validation_split": Rule("real", low=0.0, high=1.0, closed="neither"),
    "val": Rule("real", low=0.0, high=1.0, closed="left"),
    "test": Rule("real", low=0.0, high=1.0, closed="left"),
    "dropout": Rule("real", low=0.0, high=1.0, closed="left"),
    "learning_rate": Rule("real", low=0.0, closed="neither"),
}


def check_param(name, value, *, arg=None, allow_none=False):
    """Check ``value`` against the rule of parameter ``name`` in :data:`PARAMETERS`.

    Args:
        name: the parameter whose rule applies (a key of ``PARAMETERS``).
        value: what the caller passed.
        arg: the argument name shown in the message when it differs from ``name`` (e.g.
            ``check_param("learning_rate", 0.0, arg="start_lr")``). Defaults to None.
        allow_none: also accept None. Defaults to False.

    Returns:
        The value, as int or float (or None).
    """
    rule = PARAMETERS[name]
    arg = name if arg is None else arg
    if rule.kind == "int":
        if rule.low == 1 and rule.high is None:
            return check_positive_int(arg, value, allow_none=allow_none)
        return check_int(arg, value, min_value=rule.low, max_value=rule.high,
                         allow_none=allow_none)
    return check_number(arg, value, min_value=rule.low, max_value=rule.high,
                        min_inclusive=rule.low_inclusive, max_inclusive=rule.high_inclusive,
                        allow_none=allow_none)


def invalid_values(name):
    """Values that break the rule of ``name``, each as ``(value, error type)`` (for tests)."""
    rule = PARAMETERS[name]
    out = [("1", TypeError), (True, TypeError), ([1], TypeError)]
    if rule.kind == "int":
        out.append((1.5, TypeError))
        if rule.low is not None:
            out.append((int(rule.low) - 1, ValueError))
        if rule.high is not None:
            out.append((int(rule.high) + 1, ValueError))
        return out
    out += [(math.nan, ValueError), (math.inf, ValueError)]
    if rule.low is not None:
        out.append((rule.low if not rule.low_inclusive else rule.low - 0.5, ValueError))
    if rule.high is not None:
        out.append((rule.high if not rule.high_inclusive else rule.high + 0.5, ValueError))
    return out
