"""Time to accuracy: each recipe next to the plain-Keras script it replaces, side by side.

For every recipe the plain script and the recipe run one after the other in this process
(same backend, same data, same seed), so the ratio is taken under the same machine load.
Times are wall-clock from building the model to the evaluated result: compile, fit,
evaluate and, for the recipe, the whole ``recipes.run`` call (data preparation, checkpoints,
run folder with plots and report included). A tiny warm-up (one plain fit and one tiny recipe
run) first pays the process's one-off costs (imports, backend start-up), which would
otherwise fall on whichever side runs first; each model's own compilation stays counted.

The plain scripts:

- ``mnist_cnn`` vs keras-io "Simple MNIST convnet": Conv 32 3x3 relu, MaxPool 2, Conv 64 3x3
  relu, MaxPool 2, Flatten, Dropout 0.5, Dense 10 softmax; Adam, categorical cross-entropy,
  batch 128, 15 epochs, ``validation_split=0.1``.
- ``mnist_mlp`` vs the textbook MLP (Chollet, chapter 2): Dense 512 relu, Dense 10 softmax;
  RMSprop, categorical cross-entropy, batch 128, 5 epochs.
- ``digits_mlp`` / ``digits_cnn`` vs the same architecture written in plain Keras on the same
  embedded-digits split (``fit`` with Keras's EarlyStopping for the MLP; one-cycle is replaced
  by Adam at its default rate): the ratio there is the framework's own overhead.

The MNIST rows use real digits from an ``.npz`` (``x`` (n, 28, 28) uint8, ``y`` (n,)), e.g.
the 5,000-digit sample of the official MNIST test set: the first ``--train`` images train,
the next ``--test`` test (defaults 4,000 / 1,000). One backend per process:

    python benchmarks/time_to_accuracy.py ../shared/data/mnist_sample_5k.npz
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py ../shared/data/mnist_sample_5k.npz
    KERAS_BACKEND=torch python benchmarks/time_to_accuracy.py ../shared/data/mnist_sample_5k.npz \\
        --recipes mnist_mlp mnist_cnn --repeat 2

Prints one table: per recipe and repeat, the plain script's and the recipe's test accuracy
and wall time, the run folder's cost inside the recipe's time (``dir s``: writing the
checkpoints plus config, history, metrics, model, plots and report), the time ratio
(recipe / plain) and the error ratio (recipe test error / plain test error). Nothing is asserted: these are measured figures to quote, not tests.
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


def keras_io_convnet(data, seed):
    """keras-io "Simple MNIST convnet", verbatim but for verbose=0; returns test accuracy."""
    import keras

    keras.utils.set_random_seed(seed)
    x_train, x_test = data.x_train[..., None], data.x_test[..., None]
    y_train = keras.utils.to_categorical(data.y_train, 10)
    y_test = keras.utils.to_categorical(data.y_test, 10)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=15, validation_split=0.1, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def textbook_mlp(data, seed):
    """The textbook MLP (Dense 512 relu + softmax, RMSprop, 5 epochs, batch 128)."""
    import keras

    keras.utils.set_random_seed(seed)
    x_train = data.x_train.reshape(len(data.x_train), -1)
    x_test = data.x_test.reshape(len(data.x_test), -1)
    y_train = keras.utils.to_categorical(data.y_train, 10)
    y_test = keras.utils.to_categorical(data.y_test, 10)
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],)),
                              keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def plain_digits_mlp(data, seed):
    """digits_mlp's network in plain Keras (Dense 128-64, dropout 0.2, Adam, early stopping)."""
    import keras

    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=data.input_shape)]
    for units in (128, 64):
        layers += [keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal"),
                   keras.layers.Dropout(0.2)]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.002),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val), epochs=60,
              batch_size=32, callbacks=[stop], verbose=0)
    return model.evaluate(data.x_test, data.y_test, verbose=0)[1]


def plain_digits_cnn(data, seed):
    """digits_cnn's network in plain Keras (Conv 32/64 + BN + pool, Dense 128, 15 epochs)."""
    import keras

    keras.utils.set_random_seed(seed)
    layers = [keras.Input(shape=data.input_shape + (1,))]
    for filters in (32, 64):
        layers += [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                   keras.layers.BatchNormalization(), keras.layers.ReLU(),
                   keras.layers.MaxPooling2D()]
    layers += [keras.layers.Flatten(), keras.layers.Dropout(0.3),
               keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.3),
               keras.layers.Dense(10, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(data.x_train[..., None], data.y_train, epochs=15, batch_size=32,
              validation_data=(data.x_val[..., None], data.y_val), verbose=0)
    return model.evaluate(data.x_test[..., None], data.y_test, verbose=0)[1]


PLAIN = {
    "mnist_cnn": ("keras-io convnet", keras_io_convnet),
    "mnist_mlp": ("textbook MLP", textbook_mlp),
    "digits_mlp": ("plain-Keras MLP", plain_digits_mlp),
    "digits_cnn": ("plain-Keras CNN", plain_digits_cnn),
}


def warm_up(tmp):
    """Pay the process's first-use costs (imports, backend start-up, matplotlib) up front.

    A tiny plain fit/evaluate/predict and a tiny recipe run, so that neither side of the
    first comparison is charged for what any first Keras call in a process costs.
    """
    import keras
    import numpy as np

    from kerasdl import data as kdata
    from kerasdl import recipes

    x = np.random.default_rng(0).uniform(size=(64, 28, 28)).astype("float32")
    y = np.arange(64) % 10
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    recipes.run("mnist_mlp", data=kdata.from_arrays(x, y, x, y, num_classes=10), epochs=1,
                hidden=(8,), verbose=0, run_dir=str(Path(tmp) / "warm-up"))


def digits_split(name, seed):
    """The embedded-digits split the recipe uses (same loader, same fractions and seed)."""
    from kerasdl import data as kdata
    from kerasdl import recipes

    defaults = recipes.get_recipe(name).DEFAULTS
    options = {"flatten": True} if name == "digits_mlp" else {"channels": False}
    return kdata.load("digits", seed=seed, val=defaults["val"], test=defaults["test"],
                      **options)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def compare(name, sample, settings, seed, profile=None):
    """Run the plain script, then the recipe; returns one table row (a dict).

    With ``profile`` (a path), the recipe call runs under cProfile and its stats are written
    there (``python -m pstats PATH``); the profiler's own cost inflates the recipe's time.
    """
    from kerasdl import recipes

    label, plain = PLAIN[name]
    if name in MNIST_RECIPES:
        data, recipe_data = sample, sample
    else:
        data, recipe_data = digits_split(name, seed), None
    plain_acc, plain_s = timed(plain, data, seed)
    if recipe_data is not None:
        settings = dict(settings, data=recipe_data)
    if profile is None:
        result, recipe_s = timed(recipes.run, name, **settings)
    else:
        import cProfile

        profiler = cProfile.Profile()
        result, recipe_s = timed(profiler.runcall, recipes.run, name, **settings)
        profiler.dump_stats(profile)
    acc = float(result.metrics["accuracy"])
    return {"recipe": name, "plain": label, "plain_acc": float(plain_acc), "plain_s": plain_s,
            "acc": acc, "s": recipe_s, "fit_s": result.timings.get("fit_s", float("nan")),
            "folder_s": (result.timings.get("checkpoint_s", 0.0)
                         + result.timings.get("report_s", 0.0)),
            "epochs": len(result.history["loss"]),
            "time_ratio": recipe_s / plain_s,
            "error_ratio": (1.0 - acc) / max(1.0 - float(plain_acc), 1e-9)}


def print_row(row, repeat):
    print(f"{row['recipe']:<11} {repeat:>3} {row['plain']:<17} {row['plain_acc']:>7.2%} "
          f"{row['plain_s']:>8.1f} {row['acc']:>7.2%} {row['epochs']:>3} {row['fit_s']:>6.1f} "
          f"{row['s']:>8.1f} {row['folder_s']:>6.1f} {row['time_ratio']:>6.2f} "
          f"{row['error_ratio']:>6.2f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz", help="npz with x (n, 28, 28) uint8 and y (n,), e.g. "
                                    "../shared/data/mnist_sample_5k.npz")
    parser.add_argument("--recipes", nargs="+", default=list(EMBEDDED_RECIPES + MNIST_RECIPES),
                        choices=sorted(PLAIN))
    parser.add_argument("--train", type=int, default=4000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="run every pair this often")
    parser.add_argument("--profile", metavar="PREFIX",
                        help="write cProfile stats of each recipe call to PREFIX<recipe>.prof")
    parser.add_argument("--set", dest="assignments", action="append", default=[],
                        metavar="KEY=VALUE", help="override a setting of every recipe")
    args = parser.parse_args(argv)

    import keras

    from kerasdl.cli import parse_assignments

    overrides = parse_assignments(args.assignments)
    sample = None
    if any(name in MNIST_RECIPES for name in args.recipes):
        sample = mnist_sample(args.npz, args.train, args.test)
    print(f"backend {keras.backend.backend()}, keras {keras.__version__}, "
          f"{os.cpu_count()} CPUs; MNIST rows: {args.train}/{args.test} digits of {args.npz}")
    print(f"{'recipe':<11} {'rep':>3} {'plain script':<17} {'acc':>7} {'time s':>8} "
          f"{'acc':>7} {'ep':>3} {'fit s':>6} {'time s':>8} {'dir s':>6} {'time x':>6} "
          f"{'err x':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        warm_up(tmp)
        for repeat in range(1, args.repeat + 1):
            for name in args.recipes:
                settings = dict(overrides, seed=args.seed, verbose=0,
                                run_dir=str(Path(tmp) / f"{name}-{repeat}"))
                profile = None if args.profile is None else f"{args.profile}{name}.prof"
                print_row(compare(name, sample, settings, args.seed, profile), repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
