"""Turning arrays into a :class:`Dataset`: validation, split, scaling, layout, label format.

:func:`from_arrays` is the public entry; :func:`build_dataset` is shared with
:func:`kerasdl.data.load` and the file loaders so every dataset goes through the same checks.
"""

import numpy as np

from kerasdl._tasks import check_task
from kerasdl._validation import (check_array, check_bool, check_choice, check_finite, check_int,
                                 check_labels, check_number, check_param, check_same_length,
                                 check_type, describe)
from kerasdl.data._dataset import Dataset
from kerasdl.data._split import split_indices

__all__ = ["to_categorical", "from_arrays", "build_dataset", "infer_task"]


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels (like ``keras.utils.to_categorical``).

    Args:
        y: integer labels of shape (n,) or (n, 1), in [0, num_classes).
        num_classes: number of classes. Defaults to ``max(y) + 1``.
        dtype: dtype of the result. Defaults to "float32".

    Returns:
        Array of shape (n, num_classes) with a single 1 per row.

    Raises:
        TypeError: labels are not numbers.
        ValueError: labels are negative, fractional, outside [0, num_classes), or NaN.

    Example:

    >>> to_categorical([0, 2, 1], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    y = check_array("y", y, allow_empty=True)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"`y` must be integer labels of shape (n,) or (n, 1); received "
                         f"shape {y.shape}.")
    if num_classes is None:
        if y.size == 0:
            raise ValueError("`num_classes` is required when `y` is empty.")
        check_labels("y", y, task="multiclass", num_classes=None)
        num_classes = int(np.max(y)) + 1
    num_classes = check_int("num_classes", num_classes, min_value=1)
    check_labels("y", y, task="multiclass", num_classes=num_classes)
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y.astype(np.int64)] = 1
    return out


def infer_task(y):
    """Guess ``(task, num_classes)`` from targets.

    Integer labels: "binary" when they are a subset of {0, 1}, else "multiclass" with
    ``max + 1`` classes; one-hot rows: "multiclass" with one class per column; floats:
    "regression".
    """
    y = np.asarray(y)
    if y.dtype.kind == "b":
        return "binary", 2
    if y.ndim == 2 and y.shape[1] > 1 and y.dtype.kind in "iuf" \
            and np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
        return "multiclass", int(y.shape[1])
    if y.dtype.kind in "iu":
        flat = y.reshape(-1)
        top = int(flat.max()) if flat.size else 0
        if flat.size and flat.min() >= 0 and top <= 1:
            return "binary", 2
        return "multiclass", max(top + 1, 2)
    return "regression", None


def _standardize(parts, info):
    """Standardize features with mean/std fitted on the training part only."""
    x_train = parts["train"][0]
    axis = 0
    mean = x_train.mean(axis=axis, dtype=np.float64)
    std = x_train.std(axis=axis, dtype=np.float64)
    std = np.where(std > 0, std, 1.0)
    info["standardize"] = {"mean": mean.astype(np.float32), "std": std.astype(np.float32)}
    for key, (x, y) in parts.items():
        parts[key] = (((x - mean) / std).astype(np.float32), y)


def _check_layout(x, flatten, channels, name):
    """Refuse layout requests that do not fit the data (instead of silently ignoring them)."""
    sample = x.shape[1:]
    if channels is True and len(sample) not in (2, 3):
        raise ValueError(f"`channels=True` needs images of shape (n, height, width); dataset "
                         f"{name!r} has samples of shape {sample}.")
    if channels is True and len(sample) == 3 and sample[-1] not in (1, 3, 4):
        raise ValueError(f"`channels=True`: samples of dataset {name!r} have shape {sample}, "
                         f"which already has a last axis of {sample[-1]} (not a channel axis).")
    if channels is False and len(sample) == 3 and sample[-1] != 1:
        raise ValueError(f"`channels=False` can only drop a channel axis of size 1; samples of "
                         f"dataset {name!r} have shape {sample}.")


def _layout(x, flatten, channels, name):
    if flatten:
        return x.reshape(len(x), -1)
    if channels is True and x.ndim == 3:
        return x[..., None]
    if channels is False and x.ndim == 4 and x.shape[-1] == 1:
        return x[..., 0]
    return x


def _check_xy(part, x, y, task, num_classes):
    x = check_array(f"x_{part}", x, dtype_kind="biuf")
    y = check_array(f"y_{part}", y)
    check_same_length(f"x_{part}", x, f"y_{part}", y)
    check_finite(f"x_{part}", x)
    check_labels(f"y_{part}", y, task=task, num_classes=num_classes)
    return x, y


def _check_test_part(x_train, x_test, y_test, task, num_classes, test, name):
    if (x_test is None) != (y_test is None):
        raise ValueError("`x_test` and `y_test` must be given together; received only "
                         f"{'x_test' if y_test is None else 'y_test'}.")
    if x_test is None:
        return None, None
    x_test, y_test = _check_xy("test", x_test, y_test, task, num_classes)
    if x_test.shape[1:] != x_train.shape[1:]:
        raise ValueError(f"`x_test` samples have shape {x_test.shape[1:]} but `x_train` "
                         f"samples have shape {x_train.shape[1:]}.")
    if test not in (None, 0, 0.0):
        raise ValueError(
            f"`test`={test!r} cannot be used: dataset {name!r} ships its own test set "
            f"({len(x_test)} samples), which is kept. Pass val= to carve a validation "
            f"part from the training part.")
    return x_test, y_test


def _check_class_names(class_names, task, num_classes):
    if class_names is None:
        return None
    class_names = [str(c) for c in check_type("class_names", class_names, (list, tuple))]
    expected = num_classes if task != "regression" else None
    if expected is not None and len(class_names) != expected:
        raise ValueError(f"`class_names` has {len(class_names)} names but the task has "
                         f"{expected} classes.")
    return class_names


def _check_layout_options(flatten, channels, one_hot, standardize, task, name):
    """``(flatten, channels, one_hot, standardize)`` checked against each other and the task."""
    one_hot = check_bool("one_hot", one_hot)
    flatten = check_bool("flatten", flatten)
    if channels is not None:
        channels = check_bool("channels", channels)
    if flatten and channels:
        raise ValueError("`flatten=True` and `channels=True` contradict each other: flatten "
                         "gives (n, features) for MLPs, channels gives (n, h, w, c) for CNNs.")
    if one_hot and task != "multiclass":
        raise ValueError(f"`one_hot=True` needs a multiclass task; dataset {name!r} is "
                         f"{task!r}" + (" (labels 0/1 for one sigmoid unit)." if task ==
                                        "binary" else " (continuous targets)."))
    if isinstance(standardize, str):
        check_choice("standardize", standardize, ("auto",))
        standardize = False
    return flatten, channels, one_hot, check_bool("standardize", standardize)


def _split_parts(x_train, y_train, x_test, y_test, *, val, test, stratify, seed):
    """The parts by name; a shipped test part is kept (val then comes out of training)."""
    if x_test is None and not (val or test):
        return {"train": (x_train, y_train)}  # nothing to split: keep the original order
    if x_test is None:
        tr, va, te = split_indices(len(x_train), y_train, val=val or 0.0, test=test or 0.0,
                                   stratify=stratify, seed=seed)
        parts = {"train": (x_train[tr], y_train[tr])}
        if len(va):
            parts["val"] = (x_train[va], y_train[va])
        if len(te):
            parts["test"] = (x_train[te], y_train[te])
        return parts
    tr, va, _ = split_indices(len(x_train), y_train, val=val or 0.0, test=0.0,
                              stratify=stratify, seed=seed)
    if len(va):
        parts = {"train": (x_train[tr], y_train[tr]), "val": (x_train[va], y_train[va])}
    else:
        parts = {"train": (x_train, y_train)}
    parts["test"] = (x_test, y_test)
    return parts


def _prepare_inputs(parts, *, scale, standardize, flatten, channels, name, info):
    """Inputs: float32, scaled, standardized on train only, laid out (in place)."""
    for key, (x, y) in parts.items():
        x = np.asarray(x, dtype=np.float32)
        if scale is not None:
            x = x / np.float32(scale)
        parts[key] = (x, y)
    if scale is not None:
        info["scale"] = scale
    if standardize:
        _standardize(parts, info)
    for key, (x, y) in parts.items():
        parts[key] = (_layout(x, flatten, channels, name), y)


def _prepare_targets(parts, *, task, one_hot, num_classes):
    """Targets: int labels (sparse) or one-hot; float32 for regression (in place)."""
    for key, (x, y) in parts.items():
        if task == "regression":
            y = np.asarray(y, dtype=np.float32)
        else:
            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] == 1:
                y = y[:, 0]
            if y.ndim == 1:
                y = y.astype(np.int64)
                if one_hot:
                    y = to_categorical(y, num_classes)
            else:
                y = y.astype(np.float32)  # already one-hot
        parts[key] = (x, y)


def build_dataset(*, x_train, y_train, x_test=None, y_test=None, task, num_classes=None,
                  class_names=None, val=None, test=None, seed=0, stratify=True,
                  standardize=False, scale=None, one_hot=False, flatten=False, channels=None,
                  name="custom", description="", info=None):
    """Validate arrays, split them, scale them and build the Dataset (shared by all loaders).

    ``scale`` divides the inputs by a number (e.g. 255 for 8-bit images). When ``x_test`` is
    given, the test part is kept and ``val`` is a fraction of the training part; otherwise
    ``val`` and ``test`` are fractions of the whole set (see :func:`split`).
    """
    info = dict(info or {})
    task, num_classes = check_task(task, num_classes)
    x_train, y_train = _check_xy("train", x_train, y_train, task, num_classes)
    x_test, y_test = _check_test_part(x_train, x_test, y_test, task, num_classes, test, name)
    class_names = _check_class_names(class_names, task, num_classes)
    stratify = check_bool("stratify", stratify)
    flatten, channels, one_hot, standardize = _check_layout_options(
        flatten, channels, one_hot, standardize, task, name)
    seed = check_param("seed", seed)
    scale = check_number("scale", scale, min_value=0.0, min_inclusive=False, allow_none=True)
    _check_layout(x_train, flatten, channels, name)

    parts = _split_parts(x_train, y_train, x_test, y_test, val=val, test=test,
                         stratify=stratify, seed=seed)
    info["split"] = {"val": float(val or 0.0), "test": float(test or 0.0), "seed": seed,
                     "stratify": stratify, "own_test": x_test is not None}
    _prepare_inputs(parts, scale=scale, standardize=standardize, flatten=flatten,
                    channels=channels, name=name, info=info)
    _prepare_targets(parts, task=task, one_hot=one_hot, num_classes=num_classes)
    none = (None, None)
    return Dataset(
        x_train=parts["train"][0], y_train=parts["train"][1],
        x_val=parts.get("val", none)[0], y_val=parts.get("val", none)[1],
        x_test=parts.get("test", none)[0], y_test=parts.get("test", none)[1],
        task=task, num_classes=num_classes, class_names=class_names, name=name,
        description=description, info=info)


def from_arrays(x_train, y_train, x_test=None, y_test=None, *, task=None, num_classes=None,
                class_names=None, val=None, test=None, seed=0, stratify=True, scale=None,
                standardize=False, one_hot=False, flatten=False, channels=None,
                name="custom", description="User arrays"):
    """Build a :class:`Dataset` from your own numpy arrays, checked and split.

    The task is inferred from the targets when not given: integer labels in {0, 1} ->
    "binary", other integer labels -> "multiclass" (``max + 1`` classes), one-hot rows ->
    "multiclass", floats -> "regression". Everything is validated on the host before any
    training: lengths, emptiness, NaN/inf, label range and dtype.

    When ``x_test``/``y_test`` are given they are kept as the test part and ``val`` is a
    fraction of the training arrays. Otherwise ``val`` and ``test`` are fractions of the whole
    set (``val=0.15, test=0.3`` -> 55% / 15% / 30%); with neither, everything is training data.

    Args:
        x_train: inputs, samples on the first axis (numbers).
        y_train: targets: integer labels, one-hot rows, or floats for regression.
        x_test: inputs of a separate test set. Defaults to None.
        y_test: targets of the separate test set. Defaults to None.
        task: "binary", "multiclass" or "regression". Defaults to None (inferred).
        num_classes: number of classes for "multiclass". Defaults to None (inferred).
        class_names: names of the classes. Defaults to None.
        val: validation fraction. Defaults to None (no validation part).
        test: test fraction (only without ``x_test``). Defaults to None (no test part).
        seed: seed of the split. Defaults to 0.
        stratify: stratify the split by class. Defaults to True.
        scale: divide the inputs by this number, e.g. 255 to bring 8-bit images to [0, 1].
            Defaults to None: inputs unchanged, and uint8 inputs with values above 1 are
            refused (say scale=255 or scale=1), so raw 8-bit images never train unscaled.
        standardize: standardize features with the training part's mean and std (stored in
            ``info["standardize"]``). Defaults to False.
        one_hot: one-hot labels (multiclass only). Defaults to False.
        flatten: flatten each sample to a vector. Defaults to False.
        channels: True adds a channel axis to (n, h, w) images; False drops a size-1 one.
            Defaults to None (unchanged).
        name: dataset name. Defaults to "custom".
        description: one line describing the data. Defaults to "User arrays".

    Returns:
        A :class:`Dataset` with float32 inputs and int64 (or one-hot float32) labels.

    Raises:
        TypeError: non-numeric arrays or wrong argument types.
        ValueError: length mismatch, empty data, NaN/inf, bad labels, bad fractions, uint8
            inputs without ``scale``.

    Example:

    >>> import numpy as np
    >>> data = from_arrays(np.random.rand(100, 3), np.arange(100) % 3, test=0.3)
    >>> data.task, data.num_classes, len(data.x_train), len(data.x_test)
    ('multiclass', 3, 70, 30)
    """
    if task is None or (task == "multiclass" and num_classes is None):
        targets = [check_array("y_train", y_train)]
        if y_test is not None:
            targets.append(check_array("y_test", y_test))
        kinds = []
        for label, y in zip(("y_train", "y_test"), targets):
            if y.dtype.kind not in "biuf":
                raise TypeError(f"`{label}` must hold numbers; received {describe(y)}.")
            check_finite(label, y)
            kinds.append(infer_task(y))
        if task is None:
            found = {k[0] for k in kinds}
            task = ("regression" if "regression" in found else
                    "multiclass" if "multiclass" in found else "binary")
        if task == "multiclass" and num_classes is None:
            num_classes = max((k[1] or 2) for k in kinds)
            if class_names is not None:
                num_classes = max(num_classes, len(class_names))
    if scale is None:
        for label, x in (("x_train", x_train), ("x_test", x_test)):
            arr = np.asarray(x) if x is not None else None
            if arr is not None and arr.dtype == np.uint8 and arr.size and arr.max() > 1:
                raise ValueError(
                    f"`{label}` holds uint8 values up to {int(arr.max())} (8-bit images?) but "
                    f"kerasdl's inputs are scaled to [0, 1]. Pass scale=255 to divide them by "
                    f"255, or scale=1 to keep the values as they are.")
    return build_dataset(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                         task=task, num_classes=num_classes, class_names=class_names, val=val,
                         test=test, seed=seed, stratify=stratify, standardize=standardize,
                         scale=scale, one_hot=one_hot, flatten=flatten, channels=channels, name=name,
                         description=description)
