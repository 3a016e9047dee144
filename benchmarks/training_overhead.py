"""Overhead of kerasdl.train over hand-written model.compile + model.fit.

Same model, data, epochs, batch size and seed; each side builds a fresh model (not timed)
and times compile + fit. kerasdl.train runs without a run folder, and (third side) with one:
a checkpoint per epoch, config, history, metrics, model, plots and report. The three run
interleaved; prints the medians and the ratios (target: within 5% of plain Keras without a
folder), and the folder's cost as a share of the run with it.

    KERAS_BACKEND=jax python benchmarks/training_overhead.py [--repeats 5] [--epochs 5]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kerasdl  # noqa: E402


def make_data(n, features, classes, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, classes)).astype("float32")
    y = np.argmax(x @ w + 0.5 * rng.normal(size=(n, classes)), axis=1).astype("int32")
    return x, y


def make_model(features, classes, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(classes, activation="softmax"),
    ])


def plain_keras(x, y, args):
    model = make_model(x.shape[1], args.classes)
    t0 = time.perf_counter()
    model.compile(optimizer=keras.optimizers.Adam(0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, shuffle=True, verbose=0)
    return time.perf_counter() - t0


def with_kerasdl(x, y, args, run_dir=None):
    model = make_model(x.shape[1], args.classes)
    t0 = time.perf_counter()
    result = kerasdl.train(model, (x, y), optimizer="adam", epochs=args.epochs,
                           batch_size=args.batch_size, seed=0, verbose=0, run_dir=run_dir)
    return time.perf_counter() - t0, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    x, y = make_data(args.samples, args.features, args.classes)
    plain_keras(x, y, args)  # warm-up: imports, backend start
    with_kerasdl(x, y, args)
    plain, ours, folder, parts = [], [], [], []
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.repeats):  # interleaved, so load changes hit all sides alike
            plain.append(plain_keras(x, y, args))
            ours.append(with_kerasdl(x, y, args)[0])
            total, result = with_kerasdl(x, y, args, run_dir=os.path.join(d, f"run{i}"))
            folder.append(total)
            parts.append((result.timings.get("checkpoint_s", 0.0), result.timings["report_s"]))
    p, k = statistics.median(plain), statistics.median(ours)
    print(f"backend {keras.backend.backend()}, {args.samples} samples x {args.features}, "
          f"{args.epochs} epochs, batch {args.batch_size}, {args.repeats} runs each")
    print(f"plain keras compile+fit : median {p:.3f} s  (runs: "
          f"{', '.join(f'{t:.2f}' for t in plain)})")
    print(f"kerasdl.train           : median {k:.3f} s  (runs: "
          f"{', '.join(f'{t:.2f}' for t in ours)})")
    print(f"ratio kerasdl / keras   : {k / p:.3f}  ({(k / p - 1) * 100:+.1f}%)")
    f = statistics.median(folder)
    ckpt = statistics.median(c for c, _ in parts)
    report = statistics.median(r for _, r in parts)
    print(f"kerasdl.train + run_dir : median {f:.3f} s  (runs: "
          f"{', '.join(f'{t:.2f}' for t in folder)}); ratio to keras {f / p:.3f}")
    print(f"run folder cost         : checkpoints {ckpt:.3f} s + report {report:.3f} s = "
          f"{(ckpt + report) / f:.1%} of the run with it")


if __name__ == "__main__":
    main()
