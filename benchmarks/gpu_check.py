"""GPU check: the image recipes with ``mixed_precision="auto"`` and ``jit_compile="auto"``.

Prints, for the active backend (``KERAS_BACKEND``), the devices it sees, then for each image
recipe: the precision and compilation actually used (read back from the run folder's
config), test accuracy, wall time and training images/s. Run it once per backend on a
machine with a GPU::

    KERAS_BACKEND=jax python benchmarks/gpu_check.py
    KERAS_BACKEND=torch python benchmarks/gpu_check.py --epochs 3

On a CPU it runs too (precision "auto" is then float32), which is how it is smoke-tested.
Recipes whose data must be downloaded use ``--data-dir`` or fall back to the embedded digits.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

RECIPES = ("digits_cnn", "mnist_cnn", "fashion_mnist_cnn", "cifar10_cnn")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None,
                        help="override each recipe's epochs (default: the recipe's own)")
    parser.add_argument("--recipes", nargs="+", default=list(RECIPES))
    parser.add_argument("--data-dir", default=None,
                        help="folder holding the MNIST / Fashion-MNIST / CIFAR-10 files")
    args = parser.parse_args(argv)

    import keras

    import kerasdl
    from kerasdl import recipes
    from kerasdl._backend import devices
    from kerasdl.errors import DatasetNotAvailableError

    print(f"backend {keras.backend.backend()}  devices {devices()}")
    print(f"{'recipe':<20} {'precision':<16} {'jit':<5} {'accuracy':>8} {'wall s':>8} "
          f"{'img/s':>9}")
    for name in args.recipes:
        settings = dict(verbose=0)  # the recipes train with kerasdl.train's "auto" defaults
        if args.epochs is not None:
            settings["epochs"] = args.epochs
        if args.data_dir is not None and name != "digits_cnn":
            settings["data_dir"] = args.data_dir
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            try:
                result = recipes.run(name, run_dir=Path(tmp) / name, **settings)
            except DatasetNotAvailableError:
                print(f"{name:<20} (data not available offline: pass --data-dir)")
                continue
            wall = time.perf_counter() - t0
            config = json.loads((Path(tmp) / name / "config.json").read_text())
        used = {**config, **config.get("settings", {})}
        rate = result.timings.get("samples_per_s") or []
        print(f"{name:<20} {str(used.get('mixed_precision')):<16} "
              f"{str(used.get('jit_compile')):<5} {result.metrics.get('accuracy', float('nan')):>8.4f} "
              f"{wall:>8.1f} {max(rate) if rate else float('nan'):>9.0f}")
    del kerasdl


if __name__ == "__main__":
    main()
