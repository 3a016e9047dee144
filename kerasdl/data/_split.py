"""Seeded, stratified train / validation / test splits with fractions of the whole set."""

import math
import warnings
from collections import deque, namedtuple

import numpy as np

from kerasdl._validation import (check_array, check_bool, check_param, check_same_length,
                                 format_number)

__all__ = ["split", "Split", "split_indices", "part_sizes", "check_fractions"]

Split = namedtuple("Split", ["x_train", "y_train", "x_val", "y_val", "x_test", "y_test"])
Split.__doc__ = """The six arrays of a three-way split; an empty part is ``None``.

Unpacks like a tuple: ``x_train, y_train, x_val, y_val, x_test, y_test = split(x, y)``.
"""


def check_fractions(val, test):
    val = 0.0 if val is None else check_param("val", val)
    test = 0.0 if test is None else check_param("test", test)
    if val + test >= 1.0:
        raise ValueError(f"`val` + `test` must be < 1 so that a training part remains; "
                         f"received val={format_number(val)} + test={format_number(test)} = "
                         f"{format_number(val + test)}.")
    return val, test


def part_sizes(n, val, test):
    """Numbers of samples ``(train, val, test)`` for ``n`` samples and the two fractions.

    Each fraction is rounded to the nearest whole sample (halves up). A part with a non-zero
    fraction must receive at least one sample, and the training part must keep one.

    Raises:
        ValueError: a requested part would be empty, or nothing would be left to train on.
    """
    val, test = check_fractions(val, test)
    n_test = int(math.floor(test * n + 0.5))
    n_val = int(math.floor(val * n + 0.5))
    for name, frac, k in (("test", test, n_test), ("val", val, n_val)):
        if frac > 0 and k == 0:
            shown = format_number(frac)
            raise ValueError(
                f"`{name}`={shown} of {n} samples leaves no sample in the {name} part "
                f"({shown} x {n} rounds to 0). Use a larger fraction, more data, or "
                f"{name}=0 for no {name} part.")
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"val={format_number(val)} and test={format_number(test)} of {n} "
                         f"samples leave no sample to train on ({n_val} val + {n_test} "
                         f"test). Use smaller fractions.")
    return n_train, n_val, n_test


def _class_ids(y):
    """``(ids, labels)``: a class id per sample and the label of each id, for stratification;
    ``(None, None)`` when y is not class labels."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        if y.dtype.kind in "biuf" and np.all((y == 0) | (y == 1)) and np.all(y.sum(1) == 1):
            return np.argmax(y, axis=1), np.arange(y.shape[1])
        return None, None
    flat = y.reshape(len(y), -1)
    if flat.shape[1] != 1 or y.dtype.kind not in "biu":
        return None, None
    labels, ids = np.unique(flat[:, 0], return_inverse=True)
    return ids.reshape(-1), labels


def _listing(labels, counts):
    shown = [f"{format_number(label)} ({int(k)} sample{'s' if k != 1 else ''})"
             for label, k in zip(labels[:10], counts[:10])]
    return ", ".join(shown) + (f" and {len(labels) - 10} more" if len(labels) > 10 else "")


def _check_class_counts(counts, labels, sizes):
    """Refuse a stratified split where a class has fewer samples than there are parts
    (scikit-learn's train_test_split(stratify=) refuses a class with a single member)."""
    parts = [name for name, k in zip(("train", "val", "test"), sizes) if k > 0]
    few = np.flatnonzero(counts < len(parts))
    if few.size == 0:
        return
    least = int(np.argmin(counts))
    raise ValueError(
        f"`y`: the least populated class (label {format_number(labels[least])}) has only "
        f"{int(counts[least])} member{'s' if counts[least] != 1 else ''}, too few for a "
        f"stratified split into {', '.join(parts)} parts (each class needs at least "
        f"{len(parts)} samples, one per part). Classes with too few samples: "
        f"{_listing(labels[few], counts[few])}. Add samples, drop or merge these classes, "
        f"or pass stratify=False.")


def _warn_missing(alloc, labels, sizes, n):
    """Say which classes a small validation/test part leaves out (their share rounds to 0)."""
    for j, name in ((1, "val"), (2, "test")):
        if sizes[j] == 0:
            continue
        missing = np.flatnonzero(alloc[:, j] == 0)
        if missing.size:
            plural = missing.size > 1
            shown = ", ".join(format_number(v) for v in labels[missing][:10])
            warnings.warn(
                f"split: the {name} part ({int(sizes[j])} of {n} samples) holds no sample of "
                f"class{'es' if plural else ''} {shown}{' ...' if missing.size > 10 else ''} "
                f"({len(labels)} classes in all); its scores will not cover "
                f"{'them' if plural else 'it'}. Use a larger `{name}` fraction to include "
                f"every class.", UserWarning, stacklevel=3)


def _round_matrix(ideal, row_sums, col_sums, rng):
    """Round ``ideal`` (classes x parts) to integers keeping the row and column sums.

    Every entry becomes the floor or the ceiling of its ideal value (a controlled rounding,
    found as a max-flow), so each class's count in each part is within one sample of its ideal.
    """
    base = np.floor(ideal + 1e-9).astype(np.int64)
    frac = ideal - base
    row_need = row_sums - base.sum(1)
    col_need = col_sums - base.sum(0)
    n_rows, n_cols = ideal.shape
    # Unit-capacity edges class -> part where rounding up is allowed; flow via BFS paths.
    allowed = frac > 1e-9
    add = np.zeros_like(base)
    row_left = row_need.copy()
    col_left = col_need.copy()
    order = rng.permutation(n_rows)
    # Greedy pass: round up where the column still needs the most; it settles nearly every
    # row, leaving few rows for the exact (augmenting path) pass below.
    for r in order:
        for _ in range(int(row_left[r])):
            free = allowed[r] & (add[r] == 0) & (col_left > 0)
            if not free.any():
                break
            c = int(np.argmax(np.where(free, col_left, -1)))
            add[r, c] = 1
            row_left[r] -= 1
            col_left[c] -= 1
    for r in order:
        while row_left[r] > 0:
            path = _augmenting_path(r, allowed, add, col_left)
            if path is None:
                break
            for rr, cc, sign in path:
                add[rr, cc] += sign
            row_left[r] -= 1
            col_left[path[-1][1]] -= 1
    if np.any(row_left != 0) or np.any(col_left != 0):  # cannot happen for a valid ideal
        raise RuntimeError("kerasdl internal error: stratified rounding did not converge.")
    return base + add


def _augmenting_path(start, allowed, add, col_left):
    """BFS over (row -> col via unused allowed edge, col -> row via used edge)."""
    n_rows, n_cols = allowed.shape
    prev_col = {}
    prev_row = {start: None}
    queue = deque([start])
    while queue:
        r = queue.popleft()
        for c in range(n_cols):
            if c in prev_col or not allowed[r, c] or add[r, c] == 1:
                continue
            prev_col[c] = r
            if col_left[c] > 0:
                path, cc = [], c
                while True:
                    rr = prev_col[cc]
                    path.append((rr, cc, +1))
                    back = prev_row[rr]
                    if back is None:
                        return path[::-1]
                    path.append((rr, back, -1))
                    cc = back
            for r2 in np.nonzero(add[:, c] == 1)[0]:
                r2 = int(r2)
                if r2 not in prev_row:
                    prev_row[r2] = c
                    queue.append(r2)
    return None


def split_indices(n, y=None, *, val=0.0, test=0.3, stratify=True, seed=0, strict=False):
    """Index arrays ``(train, val, test)`` of a seeded (stratified) split of ``n`` samples.

    See :func:`split`. The index arrays are shuffled within each part. With ``strict=True``
    (what :func:`split` passes) a stratified split refuses a class with fewer samples than
    there are parts; otherwise (the dataset loaders, which offer no ``stratify`` choice for
    every source) the warning about classes missing from a part says so.
    """
    n_train, n_val, n_test = part_sizes(n, val, test)
    rng = np.random.default_rng(seed)
    classes, labels = _class_ids(y) if (stratify and y is not None) else (None, None)
    if classes is None:
        perm = rng.permutation(n)
        return perm[:n_train], perm[n_train:n_train + n_val], perm[n_train + n_val:]
    counts = np.bincount(classes)
    sizes = np.array([n_train, n_val, n_test], dtype=np.int64)
    if strict:
        _check_class_counts(counts, labels, sizes)
    ideal = counts[:, None] * sizes[None, :] / n
    alloc = _round_matrix(ideal, counts, sizes, rng)
    _warn_missing(alloc, labels, sizes, n)
    parts = [[], [], []]
    by_class = np.split(np.argsort(classes, kind="stable"), np.cumsum(counts)[:-1])
    for c in range(len(counts)):
        idx = rng.permutation(by_class[c])
        a, b = alloc[c, 0], alloc[c, 0] + alloc[c, 1]
        parts[0].append(idx[:a])
        parts[1].append(idx[a:b])
        parts[2].append(idx[b:])
    return tuple(rng.permutation(np.concatenate(p).astype(np.int64)) for p in parts)


def split(x, y, *, val=0.0, test=0.3, stratify=True, seed=0):
    """Split arrays into train / validation / test parts, seeded and stratified.

    ``val`` and ``test`` are fractions of the *whole* set: ``val=0.15, test=0.3`` gives
    55% / 15% / 30%. The default is the textbook 70% train / 30% test with no validation
    part. For classification labels (integer labels or one-hot rows) the split is stratified:
    each class's count in each part is within one sample of its proportional share. Regression
    targets (floats) are split uniformly at random. The same seed always gives the same split,
    and every sample lands in exactly one part.

    Args:
        x: inputs, an array with samples on the first axis.
        y: targets with as many samples as ``x``.
        val: fraction of the whole set for validation, in [0, 1). Defaults to 0.0 (no
            validation part).
        test: fraction of the whole set for testing, in [0, 1). Defaults to 0.3.
        stratify: keep class proportions in each part (classification labels only).
            Defaults to True.
        seed: seed of the shuffle. Defaults to 0.

    Returns:
        A :class:`Split` named tuple ``(x_train, y_train, x_val, y_val, x_test, y_test)``; the
        arrays of a part with fraction 0 are ``None``.

    Raises:
        ValueError: lengths differ, data is empty, fractions sum to 1 or more, a part with
            a non-zero fraction would receive no sample, or (stratified) a class has fewer
            samples than there are parts (as scikit-learn's ``train_test_split(stratify=)``
            refuses a class with a single member).

    Warns:
        UserWarning: (stratified) a validation or test part too small to hold every class;
            the message names the classes it leaves out.

    Example:

    >>> import numpy as np
    >>> x, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
    >>> parts = split(x, y, val=0.2, test=0.2, seed=0)
    >>> [len(p) for p in parts]
    [6, 6, 2, 2, 2, 2]
    """
    x = check_array("x", x)
    y = check_array("y", y)
    check_same_length("x", x, "y", y)
    stratify = check_bool("stratify", stratify)
    seed = check_param("seed", seed)
    tr, va, te = split_indices(len(x), y, val=val, test=test, stratify=stratify, seed=seed,
                               strict=True)
    out = [x[tr], y[tr]]
    for idx in (va, te):
        out += [x[idx], y[idx]] if len(idx) else [None, None]
    return Split(*out)
