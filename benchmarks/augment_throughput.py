"""Augmentation throughput: kerasdl's one-pass pipeline vs Keras layers vs legacy generator.

Images per second on 32x32x3 float batches of 128 for one transform set (rotation 15 degrees,
shift 0.1, zoom 0.1, horizontal flip), on the active Keras backend:

1. ``kerasdl.augment.pipeline`` (one ``RandomAffine``: one resampling per image), called
   eagerly on each batch and compiled (``tf.function`` / ``jax.jit``) as it runs inside a model;
2. the chain of Keras preprocessing layers ``RandomRotation -> RandomTranslation ->
   RandomZoom -> RandomFlip`` (four resamplings), eager and compiled the same way;
3. ``kerasdl.augment.ImageDataGenerator(...).flow`` (numpy batches, one vectorized resampling);
4. the legacy ``ImageDataGenerator.flow`` from the ``tf_keras`` package (scipy per image and
   channel). tf_keras is not a kerasdl dependency: install it to include this row
   (``pip install tf-keras``); without it the row prints a skip line.

Run:  KERAS_BACKEND=tensorflow python benchmarks/augment_throughput.py [--batches 10 --rounds 5]
Prints one table and the ratios from the same run. The methods are timed in interleaved
rounds (every round times each method on ``--batches`` batches) and each row reports the
median round, so a burst of load from other processes does not favour one method.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from kerasdl import augment  # noqa: E402

BATCH, SIZE = 128, 32
ROTATION, SHIFT, ZOOM = 15.0, 0.1, 0.1


def _rate(fn, batches):
    start = time.perf_counter()
    for _ in range(batches):
        fn()
    return batches * BATCH / (time.perf_counter() - start)


def _measure(methods, batches, rounds):
    """Median images/s per method over interleaved rounds (after one warm-up batch each)."""
    for fn, _ in methods.values():
        fn()
    rates = {name: [] for name in methods}
    for _ in range(rounds):
        for name, (fn, n) in methods.items():
            rates[name].append(_rate(fn, n or batches))
    return {name: float(np.median(r)) for name, r in rates.items()}


def _block(x):
    return keras.ops.convert_to_numpy(x)


def _compiled(layer, xla=False):
    """The layer's training-mode call compiled as it is inside model.fit (TensorFlow: a
    ``tf.function``, with XLA when ``xla``, as ``compile(jit_compile=True)``)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda x: layer(x, training=True), jit_compile=xla)
    if backend == "jax":
        # stateless call, as Keras's JAX trainer runs it: the seed state goes in and out
        import jax

        layer.build((BATCH, SIZE, SIZE, 3))

        @jax.jit
        def step(non_trainable, x):
            out, state = layer.stateless_call([], non_trainable, x, training=True)
            return out, state

        state = {"v": [v.value for v in layer.non_trainable_variables]}

        def run(x):
            out, state["v"] = step(state["v"], x)
            return out

        return run
    return lambda x: layer(x, training=True)


def keras_chain():
    return keras.Sequential([
        keras.layers.RandomRotation(ROTATION / 360.0, fill_mode="nearest", seed=1),
        keras.layers.RandomTranslation(SHIFT, SHIFT, fill_mode="nearest", seed=2),
        keras.layers.RandomZoom(ZOOM, ZOOM, fill_mode="nearest", seed=3),
        keras.layers.RandomFlip("horizontal", seed=4),
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10, help="batches per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    args = parser.parse_args()
    n = args.batches
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, SIZE, SIZE, 3)).astype("float32")
    xs = rng.random((BATCH * 16, SIZE, SIZE, 3)).astype("float32")
    print(f"backend={keras.backend.backend()} keras={keras.__version__} "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} batch={BATCH} "
          f"image={SIZE}x{SIZE}x3 (rotation {ROTATION:g} deg, shift {SHIFT}, zoom {ZOOM}, "
          f"horizontal flip); median of {args.rounds} interleaved rounds")

    ours = augment.pipeline(rotation=ROTATION, shift=SHIFT, zoom=(ZOOM, ZOOM),
                            flip="horizontal", fill_mode="nearest", seed=0)
    chain = keras_chain()
    ours_c, chain_c = _compiled(ours), _compiled(chain)
    methods = {
        "kerasdl pipeline, eager": (lambda: _block(ours(x, training=True)), None),
        "keras layer chain, eager": (lambda: _block(chain(x, training=True)), None),
        "kerasdl pipeline, compiled": (lambda: _block(ours_c(x)), None),
        "keras layer chain, compiled": (lambda: _block(chain_c(x)), None),
    }
    if keras.backend.backend() == "tensorflow":
        # kerasdl's resampler compiles under XLA (Keras's layers' op does not)
        ours_x = _compiled(ours, xla=True)
        methods["kerasdl pipeline, compiled (XLA)"] = (lambda: _block(ours_x(x)), None)

    gen = augment.ImageDataGenerator(rotation_range=ROTATION, width_shift_range=SHIFT,
                                     height_shift_range=SHIFT, zoom_range=ZOOM,
                                     horizontal_flip=True)
    it = gen.flow(xs, batch_size=BATCH, seed=0, shuffle=True)
    position = {"i": 0}

    def next_ours():
        position["i"] = (position["i"] + 1) % len(it)
        return it[position["i"]]

    methods["kerasdl ImageDataGenerator.flow"] = (next_ours, None)

    try:
        from tf_keras.preprocessing.image import ImageDataGenerator as LegacyGenerator
    except ImportError:
        LegacyGenerator = None
        print("SKIP legacy tf_keras ImageDataGenerator: tf_keras is not installed "
              "(pip install tf-keras to include it)")
    if LegacyGenerator is not None:
        legacy = LegacyGenerator(rotation_range=ROTATION, width_shift_range=SHIFT,
                                 height_shift_range=SHIFT, zoom_range=ZOOM,
                                 horizontal_flip=True)
        legacy_it = legacy.flow(xs, batch_size=BATCH, seed=0, shuffle=True)
        methods["legacy tf_keras ImageDataGenerator.flow"] = (lambda: next(legacy_it),
                                                              max(2, n // 3))
    rows = _measure(methods, n, args.rounds)

    width = max(map(len, rows))
    print(f"{'method':<{width}}  images/s")
    for name, value in rows.items():
        print(f"{name:<{width}}  {value:10,.0f}")
    print("ratios:")
    best_ours = max(v for k, v in rows.items() if k.startswith("kerasdl pipeline"))
    print(f"  pipeline vs keras chain (eager):    "
          f"{rows['kerasdl pipeline, eager'] / rows['keras layer chain, eager']:.2f}x")
    print(f"  pipeline vs keras chain (compiled): "
          f"{rows['kerasdl pipeline, compiled'] / rows['keras layer chain, compiled']:.2f}x")
    legacy_rate = rows.get("legacy tf_keras ImageDataGenerator.flow")
    if legacy_rate:
        print(f"  pipeline (compiled) vs legacy generator:          "
              f"{rows['kerasdl pipeline, compiled'] / legacy_rate:.1f}x")
        print(f"  pipeline (best) vs legacy generator:              {best_ours / legacy_rate:.1f}x")
        print(f"  kerasdl ImageDataGenerator.flow vs legacy flow:   "
              f"{rows['kerasdl ImageDataGenerator.flow'] / legacy_rate:.1f}x")


if __name__ == "__main__":
    main()
