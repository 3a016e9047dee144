"""Writers and checkers of each export format.

Each writer makes the artifact at a temporary path (a file or folder beside the final
one); each checker loads the artifact in its own runtime (the SavedModel's ``serve``
function, the TFLite interpreter, onnxruntime) and returns its predictions for ``x``.
"""

import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["FORMATS", "FILE_NAMES", "BACKENDS", "check_backend", "write", "predict"]

FORMATS = ("saved_model", "tflite", "onnx")
FILE_NAMES = {"saved_model": "saved_model", "tflite": "model.tflite", "onnx": "model.onnx"}
# The backends on which Keras (with kerasdl's `export` extra) writes each format.
BACKENDS = {"saved_model": ("tensorflow", "jax"), "tflite": ("tensorflow", "jax"),
            "onnx": ("tensorflow", "torch", "jax")}
_NEEDS = {"saved_model": "TensorFlow's SavedModel exporter",
          "tflite": "the TFLite converter (it reads a SavedModel)"}


def _installed(module):
    import importlib.util

    return importlib.util.find_spec(module) is not None


def check_backend(fmt, backend):
    """Raise ValueError when the current Keras backend cannot write ``fmt``."""
    if backend not in BACKENDS[fmt]:
        allowed = " or ".join(BACKENDS[fmt])
        raise ValueError(f"`format` {fmt!r} cannot be written on the {backend!r} Keras backend "
                         f"({_NEEDS.get(fmt, 'Keras')} works on {allowed}); run the export "
                         f"with KERAS_BACKEND={BACKENDS[fmt][0]} (the run's model.keras loads "
                         f"on any backend).")
    if fmt in ("saved_model", "tflite") and not _installed("tensorflow"):
        raise ValueError(f"`format` {fmt!r} needs TensorFlow installed (pip install "
                         f"tensorflow).")
    if fmt == "onnx":
        need = {"tensorflow": ("tf2onnx", "onnx"), "torch": ("onnx",),
                "jax": ("jax2onnx", "onnx")}[backend]
        missing = [m for m in need if not _installed(m)]
        if missing:
            hint = (" (jax2onnx is not part of kerasdl[export]: it pulls flax and orbax; "
                    "or export under KERAS_BACKEND=tensorflow or torch)"
                    if "jax2onnx" in missing else " (pip install 'kerasdl[export]')")
            raise ValueError(f"`format` 'onnx' on the {backend!r} backend needs "
                             f"{', '.join(missing)}: pip install {' '.join(missing)}{hint}.")
    if not _installed("onnxruntime") and fmt == "onnx":
        raise ValueError("`format` 'onnx' is checked with onnxruntime: pip install "
                         "'kerasdl[export]'.")


def _write_saved_model(model, tmp):
    model.export(str(tmp), format="tf_saved_model", verbose=False)


def _write_tflite(model, tmp):
    import tensorflow as tf

    staging = Path(tempfile.mkdtemp(prefix=".tflite-src.", dir=Path(tmp).parent))
    try:
        _write_saved_model(model, staging / "saved_model")
        converter = tf.lite.TFLiteConverter.from_saved_model(str(staging / "saved_model"))
        try:
            flat = converter.convert()
        except Exception as e:  # noqa: BLE001 - the converter raises its own error types
            import keras

            first = str(e).strip().splitlines()[0][:300] if str(e).strip() else type(e).__name__
            raise ValueError(f"The TFLite converter could not convert this model's SavedModel "
                             f"written on the {keras.backend.backend()!r} backend ({first}). "
                             f"Models with dropout or noise layers convert under "
                             f"KERAS_BACKEND=tensorflow.") from e
        Path(tmp).write_bytes(flat)
    finally:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)


def _write_onnx(model, tmp):
    model.export(str(tmp), format="onnx", verbose=False)


def write(model, fmt, tmp):
    """Write ``model`` as ``fmt`` at ``tmp`` (a path that does not exist yet)."""
    {"saved_model": _write_saved_model, "tflite": _write_tflite, "onnx": _write_onnx}[fmt](
        model, tmp)


def _predict_saved_model(path, x):
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    return np.asarray(loaded.serve(tf.constant(x)))


def _predict_tflite(path, x):
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(path))
    inp = interpreter.get_input_details()[0]
    interpreter.resize_tensor_input(inp["index"], list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x.astype(inp["dtype"]))
    interpreter.invoke()
    out = interpreter.get_output_details()[0]
    return np.asarray(interpreter.get_tensor(out["index"]))


def _predict_onnx(path, x):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.asarray(session.run(None, {name: x})[0])


def predict(fmt, path, x):
    """The artifact's predictions for ``x`` (float32 numpy), computed in its own runtime."""
    fn = {"saved_model": _predict_saved_model, "tflite": _predict_tflite,
          "onnx": _predict_onnx}[fmt]
    return fn(path, np.ascontiguousarray(x, dtype=np.float32))


def size_of(path):
    """Bytes of a file, or of every file under a folder."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(os.path.getsize(os.path.join(root, f))
               for root, _, files in os.walk(path) for f in files)
