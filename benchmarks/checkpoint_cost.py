"""Cost of one checkpoint: kerasdl's format 2 (config + npz) vs format 1 (a model.save archive).

For the models of the ``mnist_mlp`` and ``mnist_cnn`` recipes, compiled with their optimizers
and built, writes checkpoints of both formats alternately into a temporary folder (the same
atomic write, fsync included) and prints the median time of each and the ratio. Format 1 is
rebuilt here as it was written (``model.save`` into the temporary file, then the progress and
state members appended); it is what every epoch of a run paid before format 2.

    KERAS_BACKEND=tensorflow python benchmarks/checkpoint_cost.py [--repeats 7]
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kerasdl  # noqa: E402
from kerasdl._io import atomic_path  # noqa: E402
from kerasdl.callbacks._checkpoint import model_config_json, write_checkpoint  # noqa: E402


def recipe_models():
    mlp = kerasdl.models.mlp((28, 28), hidden=(512,), task="multiclass", num_classes=10,
                             label_format="onehot", seed=0)
    mlp.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    cnn = kerasdl.models.cnn((28, 28, 1), filters=(16, 32, 64), dense=(128,), dropout=0.3,
                             batch_norm=True, augment={"preset": "mnist", "seed": 0},
                             task="multiclass", num_classes=10, label_format="sparse", seed=0)
    cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    for model in (mlp, cnn):
        model.optimizer.build(model.trainable_variables)
    return {"mnist_mlp": mlp, "mnist_cnn": cnn}


def format1(path, model, meta):
    """What a checkpoint cost before: a whole .keras archive plus two members."""
    buf = io.BytesIO()
    np.savez(buf, **{"seed/0": np.zeros(2, "uint32")})
    with atomic_path(path) as tmp:
        model.save(tmp)
        with zipfile.ZipFile(tmp, "a", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr("kerasdl_checkpoint.json", json.dumps(meta))
            zf.writestr("kerasdl_state.npz", buf.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"backend {keras.backend.backend()}; median of {args.repeats} writes each, "
          f"alternating")
    with tempfile.TemporaryDirectory() as d:
        for name, model in recipe_models().items():
            meta = {"epoch": 1, "batch": 0}
            config = model_config_json(model)  # the Checkpoint callback keeps it per run
            times = {"format 1": [], "format 2": []}
            for i in range(args.repeats + 1):
                for label, write in (("format 1", format1), ("format 2", None)):
                    path = Path(d) / f"epoch{i:04d}-batch000000.keras"
                    t0 = time.perf_counter()
                    if write is None:
                        write_checkpoint(path, model, meta=meta, config_json=config)
                    else:
                        write(path, model, meta)
                    if i:  # the first round warms both up
                        times[label].append(time.perf_counter() - t0)
                    path.unlink()
            old, new = (statistics.median(times[k]) for k in ("format 1", "format 2"))
            print(f"{name}: {model.count_params():,} parameters; format 1 {old * 1000:.0f} ms, "
                  f"format 2 {new * 1000:.0f} ms, ratio {new / old:.2f}")


if __name__ == "__main__":
    main()
