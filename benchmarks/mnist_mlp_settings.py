"""The textbook MLP's settings against the candidates for the mnist_mlp recipe, over seeds.

Dense 512 relu -> Dense 10 softmax, RMSprop, categorical cross-entropy, 5 epochs, in plain
Keras on the real-digit sample (first 4,000 train, next 1,000 test), each setting over the
same seeds. Prints the mean and per-seed test accuracy and the median fit time: which
setting beats the book's batch 128 at a constant 0.001 at the same number of steps.

    python benchmarks/mnist_mlp_settings.py ../shared/data/mnist_sample_5k.npz [--seeds 5]

The last line is the recipe itself (``recipes.run("mnist_mlp")``, its defaults, run folder
and all) over the same seeds: its own shuffling and seeding, so its accuracies differ from
its settings' row in plain Keras.
"""

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

SETTINGS = {
    "book (batch 128, constant 1e-3)": {},
    "batch 64, cosine from 1e-3": dict(batch=64, schedule="cosine"),
    "batch 128, cosine from 1e-3": dict(schedule="cosine"),
    "batch 128, cosine from 1.5e-3": dict(schedule="cosine", lr=1.5e-3),
    "batch 128, cosine from 2e-3": dict(schedule="cosine", lr=2e-3),
    "batch 128, linear decay from 2e-3": dict(schedule="linear", lr=2e-3),
    "batch 128, 10% warm-up, cosine 2e-3": dict(schedule="warmup_cosine", lr=2e-3),
}


def fit_once(data, seed, batch=128, lr=1e-3, schedule=None, epochs=5):
    x_train, y_train, x_test, y_test = data
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((x_train.shape[1],)),
                              keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    steps = epochs * int(np.ceil(len(x_train) / batch))
    if schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(lr, steps)
    elif schedule == "linear":
        rate = keras.optimizers.schedules.PolynomialDecay(lr, steps, 0.0)
    elif schedule == "warmup_cosine":
        rate = keras.optimizers.schedules.CosineDecay(0.0, steps - steps // 10,
                                                      warmup_target=lr,
                                                      warmup_steps=steps // 10)
    else:
        rate = lr
    model.compile(keras.optimizers.RMSprop(rate), "categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch, verbose=0)
    seconds = time.perf_counter() - start
    return model.evaluate(x_test, y_test, verbose=0)[1], seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("npz")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    # the sample as time_to_accuracy.py reads it (this script's folder is on sys.path; that
    # module puts the repository root there too, for kerasdl)
    from time_to_accuracy import mnist_sample

    from kerasdl import recipes

    sample = mnist_sample(args.npz, 4000, 1000)
    flat = sample.x_train.reshape(len(sample.x_train), -1)
    flat_test = sample.x_test.reshape(len(sample.x_test), -1)
    data = (flat, keras.utils.to_categorical(sample.y_train, 10),
            flat_test, keras.utils.to_categorical(sample.y_test, 10))
    fit_once(data, 0, epochs=1)  # warm-up: the first fit in a process pays the start-up
    print(f"backend {keras.backend.backend()}, seeds 0-{args.seeds - 1}")
    for name, options in SETTINGS.items():
        runs = [fit_once(data, seed, **options) for seed in range(args.seeds)]
        accs = [a for a, _ in runs]
        print(f"{name:<38} mean {statistics.mean(accs):.2%}  min {min(accs):.2%}  "
              f"seeds {' '.join(f'{a:.1%}' for a in accs)}  fit {statistics.median(s for _, s in runs):.2f} s",
              flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        accs = [recipes.run("mnist_mlp", data=sample, seed=seed, run_dir=f"{tmp}/{seed}")
                .metrics["accuracy"] for seed in range(args.seeds)]
    print(f"{'the mnist_mlp recipe (its defaults)':<38} mean {statistics.mean(accs):.2%}  "
          f"min {min(accs):.2%}  seeds {' '.join(f'{a:.1%}' for a in accs)}")


if __name__ == "__main__":
    main()
