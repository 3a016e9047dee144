"""Time to accuracy of the recipes: test accuracy and wall-clock time per recipe.

The MNIST recipes are measured on real digits from a local file (MNIST itself is not
downloaded): an ``.npz`` with ``x`` (n, 28, 28) uint8 and ``y`` (n,) labels, such as the
5,000-digit sample of the official MNIST test set. The first ``--train`` images train, the
next ``--test`` images test (defaults 4,000 / 1,000). The digits recipes use the embedded
scikit-learn digits and need no file.

    python benchmarks/time_to_accuracy.py ../shared/data/mnist_sample_5k.npz
    python benchmarks/time_to_accuracy.py DIGITS.npz --recipes mnist_cnn --set epochs=3
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py DIGITS.npz

Prints one line per recipe: test accuracy, epochs, training wall time (fit only, and the
whole call including the run folder), and the backend. Nothing is asserted: these are
measured figures to quote, not tests.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MNIST_RECIPES = ("mnist_mlp", "mnist_cnn")
EMBEDDED_RECIPES = ("digits_mlp", "digits_cnn")


def mnist_sample(path, n_train, n_test):
    """A kerasdl Dataset from the first n_train + n_test digits of an npz file."""
    import numpy as np

    from kerasdl import data as kdata

    with np.load(path) as f:
        x, y = f["x"], f["y"]
    if len(x) < n_train + n_test:
        raise SystemExit(f"{path} holds {len(x)} images; --train {n_train} + --test {n_test} "
                         f"needs {n_train + n_test}.")
    x = x.astype("float32") / 255.0
    y = y.astype("int64")
    return kdata.from_arrays(x[:n_train], y[:n_train], x[n_train:n_train + n_test],
                             y[n_train:n_train + n_test], num_classes=10, name="mnist_sample")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz", help="npz with x (n, 28, 28) uint8 and y (n,), e.g. "
                                    "../shared/data/mnist_sample_5k.npz")
    parser.add_argument("--recipes", nargs="+", default=list(EMBEDDED_RECIPES + MNIST_RECIPES))
    parser.add_argument("--train", type=int, default=4000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", dest="assignments", action="append", default=[],
                        metavar="KEY=VALUE", help="override a setting of every recipe")
    args = parser.parse_args(argv)

    import keras

    from kerasdl import recipes
    from kerasdl.cli import parse_assignments

    overrides = parse_assignments(args.assignments)
    sample = None
    print(f"backend {keras.backend.backend()}, keras {keras.__version__}, "
          f"{os.cpu_count()} CPUs")
    print(f"{'recipe':<14} {'data':<24} {'accuracy':>9} {'epochs':>6} {'fit s':>8} "
          f"{'total s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.recipes:
            settings = dict(overrides, seed=args.seed, verbose=0,
                            run_dir=str(Path(tmp) / name))
            if name in MNIST_RECIPES:
                if sample is None:
                    sample = mnist_sample(args.npz, args.train, args.test)
                settings["data"] = sample
                label = f"npz {args.train}/{args.test}"
            else:
                label = "embedded digits"
            start = time.perf_counter()
            result = recipes.run(name, **settings)
            total = time.perf_counter() - start
            print(f"{name:<14} {label:<24} {result.metrics['accuracy']:>9.4f} "
                  f"{len(result.history['loss']):>6} {result.timings.get('fit_s', 0.0):>8.1f} "
                  f"{total:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
