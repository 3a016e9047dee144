"""Generated datasets: truth tables, the seeded linear regression set, exam scores, spirals,
moons. Each function returns a dict of raw arrays and metadata for :func:`load`."""

import numpy as np

from kerasdl._validation import check_int, check_nonnegative, check_number, check_positive_int

__all__ = ["truth_table", "regression", "exam_scores", "spirals", "moons", "GATES"]

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {
    "and": np.array([0, 0, 0, 1]),
    "or": np.array([0, 1, 1, 1]),
    "nand": np.array([1, 1, 1, 0]),
    "xor": np.array([0, 1, 1, 0]),
}


def truth_table(gate, rng, *, repeats=1, noise=0.0):
    """The 4-row truth table of a logic gate, optionally repeated with Gaussian input noise.

    Labels stay exact; ``noise`` is the standard deviation added to the 0/1 inputs.
    """
    repeats = check_positive_int("repeats", repeats)
    noise = check_nonnegative("noise", noise)
    x = np.tile(_INPUTS, (repeats, 1))
    y = np.tile(GATES[gate], repeats).astype(np.int64)
    if noise > 0:
        x = x + rng.normal(0.0, noise, size=x.shape).astype(np.float32)
    return {"x": x, "y": y, "task": "binary", "class_names": ["0", "1"],
            "info": {"gate": gate, "repeats": repeats, "noise": noise}}


def regression(rng, *, n=200, w=2.0, b=1.0, noise=0.5, low=-2.0, high=2.0):
    """``n`` points ``x ~ U[low, high]``, ``y = w . x + b + N(0, noise)``; true w, b in info.

    ``w`` is a number (one feature) or a sequence of numbers (one per feature).
    """
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    b = check_number("b", b)
    low = check_number("low", low)
    high = check_number("high", high)
    if not low < high:
        raise ValueError(f"`low` must be < `high`; received low={low:g}, high={high:g}.")
    if isinstance(w, (list, tuple, np.ndarray)):
        w_arr = np.asarray([check_number(f"w[{i}]", v) for i, v in enumerate(w)],
                           dtype=np.float64)
        if w_arr.size == 0:
            raise ValueError("`w` must hold at least one weight; received an empty sequence.")
    else:
        w_arr = np.asarray([check_number("w", w)])
    x = rng.uniform(low, high, size=(n, w_arr.size))
    y = x @ w_arr + b + rng.normal(0.0, noise, size=n)
    w_info = float(w_arr[0]) if w_arr.size == 1 and not isinstance(w, (list, tuple, np.ndarray)) \
        else w_arr.tolist()
    return {"x": x.astype(np.float32), "y": y.astype(np.float32), "task": "regression",
            "info": {"w": w_info, "b": b, "noise": noise, "low": low, "high": high}}


# The classic multivariable linear regression table (three exam scores -> final score).
_EXAM = np.array([[73, 80, 75, 152],
                  [93, 88, 93, 185],
                  [89, 91, 90, 180],
                  [96, 98, 100, 196],
                  [73, 66, 70, 142]], dtype=np.float32)


def exam_scores(rng):
    """The 5-row exam-scores table: (exam1, exam2, exam3) -> final score."""
    return {"x": _EXAM[:, :3].copy(), "y": _EXAM[:, 3].copy(), "task": "regression",
            "info": {"feature_names": ["exam1", "exam2", "exam3"], "target_name": "final"}}


def spirals(rng, *, n=300, classes=2, noise=0.2, turns=1.0):
    """Interleaved 2-D spirals (the CS231n toy set): ``n`` points split evenly over classes.

    Class ``k``'s points have radius growing linearly from 0 to 1 and angle
    ``4 * turns * (k + r)`` plus Gaussian noise of standard deviation ``noise`` (radians).
    """
    n = check_positive_int("n", n)
    classes = check_int("classes", classes, min_value=2)
    noise = check_nonnegative("noise", noise)
    turns = check_number("turns", turns, min_value=0.0, min_inclusive=False)
    if n < classes:
        raise ValueError(f"`n` must be >= `classes` ({classes}); received {n}.")
    per = np.full(classes, n // classes)
    per[: n % classes] += 1
    xs, ys = [], []
    for k in range(classes):
        r = np.linspace(0.0, 1.0, per[k])
        t = np.linspace(k * 4.0, (k + 1) * 4.0, per[k]) * turns + rng.normal(0, noise, per[k])
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(per[k], k))
    x = np.concatenate(xs).astype(np.float32)
    y = np.concatenate(ys).astype(np.int64)
    order = rng.permutation(n)
    return {"x": x[order], "y": y[order], "task": "binary" if classes == 2 else "multiclass",
            "num_classes": classes, "class_names": [str(k) for k in range(classes)],
            "info": {"noise": noise, "turns": turns}}


def moons(rng, *, n=200, noise=0.1):
    """Two interleaving half circles (like ``sklearn.datasets.make_moons``), seeded."""
    n = check_positive_int("n", n)
    noise = check_nonnegative("noise", noise)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)]).astype(np.int64)
    x = x + rng.normal(0.0, noise, size=x.shape)
    order = rng.permutation(n)
    return {"x": x[order].astype(np.float32), "y": y[order], "task": "binary",
            "class_names": ["0", "1"], "info": {"noise": noise}}
