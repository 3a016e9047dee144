"""What a ragged last batch costs: fit on n samples vs the n - n % batch that divide evenly.

A last batch smaller than the others has a shape of its own, so JAX (XLA) compiles a second
train step for it and TensorFlow traces one more graph; PyTorch runs eagerly. This times
``compile + fit`` of the mnist_mlp and mnist_cnn recipe models (fresh each time) on
``--train`` random 28x28 images against the same fit on the largest multiple of the batch
size below it, alternating, and prints the medians, their difference and the ratio. The
difference is paid once per run (per ``fit`` call); the extra samples' compute is included
(about one batch), so the difference slightly overstates the compilation.

    KERAS_BACKEND=jax python benchmarks/remainder_batch.py [--train 4000] [--repeats 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kerasdl  # noqa: E402


def build(name):
    keras.utils.set_random_seed(0)
    if name == "mnist_mlp":
        return kerasdl.models.mlp((28, 28), hidden=(512,), task="multiclass", num_classes=10,
                                  label_format="sparse", seed=0), 64
    return kerasdl.models.cnn((28, 28, 1), filters=(16, 32, 64), dense=(128,), dropout=0.3,
                              batch_norm=True, task="multiclass", num_classes=10,
                              label_format="sparse", seed=0), 64


def timed_fit(name, x, y, epochs):
    model, batch = build(name)
    t0 = time.perf_counter()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=False, verbose=0)
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["mnist_mlp", "mnist_cnn"])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(args.train, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=args.train)
    print(f"backend {keras.backend.backend()}, {args.train} samples, {args.epochs} epoch(s), "
          f"batch 64, median of {args.repeats}")
    for name in args.models:
        xs = x[..., 0] if name == "mnist_mlp" else x
        even = args.train - args.train % 64
        timed_fit(name, xs[:256], y[:256], 1)  # warm-up of the backend, not of this model
        ragged, whole = [], []
        for _ in range(args.repeats):
            ragged.append(timed_fit(name, xs, y, args.epochs))
            whole.append(timed_fit(name, xs[:even], y[:even], args.epochs))
        r, w = statistics.median(ragged), statistics.median(whole)
        print(f"{name}: {args.train} samples (last batch {args.train % 64}) {r:.2f} s, "
              f"{even} samples {w:.2f} s; difference {r - w:+.2f} s, ratio {r / w:.2f}")


if __name__ == "__main__":
    main()
