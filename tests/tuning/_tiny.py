"""A tiny builder and data set for search tests (importable by child processes)."""

import os
import time
from pathlib import Path

import numpy as np


def data():
    import kerasdl

    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    return kerasdl.data.from_arrays(x[:64], y[:64], x[64:], y[64:], val=0.25, seed=0)


def build(units=4, activation="relu"):
    """A small binary classifier; with TINY_SLEEP_DIR set, the 2nd build sleeps (to be killed)."""
    folder = os.environ.get("TINY_SLEEP_DIR")
    if folder:
        marks = Path(folder)
        count = len(list(marks.glob("build_*")))
        (marks / f"build_{count}").write_text("started")
        if count == 1:
            time.sleep(600)
    import kerasdl

    return kerasdl.models.mlp((4,), hidden=(units,), activation=activation, task="binary")
