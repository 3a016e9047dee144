"""``kerasdl.export``: SavedModel, TFLite and ONNX artifacts, verified after writing."""

import datetime
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasdl._io import atomic_path, atomic_write_json, fsync_dir
from kerasdl._validation import check_choice, check_number, check_type, describe
from kerasdl.exporting import _formats

__all__ = ["export", "ExportResult", "inference_model", "DEFAULT_TOLERANCE", "MANIFEST"]

DEFAULT_TOLERANCE = 1e-4
MANIFEST = "exports.json"


class ExportMismatchError(ValueError):
    """The exported artifact does not predict what the Keras model predicts."""


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export` wrote.

    Attributes:
        format: ``"saved_model"``, ``"tflite"`` or ``"onnx"``.
        path: the artifact (a folder for ``saved_model``, else a file).
        bytes: its size on disk.
        max_abs_diff: the largest absolute difference between the artifact's and the
            Keras model's predictions on the check samples.
        tolerance: the allowed difference (times ``max(1, max |prediction|)``).
        samples: how many samples were checked, and ``source``: where they came from
            (``"test"``, ``"validation"``, ``"train"`` part of the run's data, ``"given"``
            or ``"random"``).
    """

    format: str
    path: Path
    bytes: int
    max_abs_diff: float
    tolerance: float
    samples: int
    source: str


def _is_augmentation(layer):
    from kerasdl import augment

    kinds = tuple(getattr(augment, name) for name in augment.__all__
                  if isinstance(getattr(augment, name), type))
    import keras

    kinds = tuple(k for k in kinds if issubclass(k, keras.layers.Layer))
    return isinstance(layer, kinds) or (
        type(layer).__module__.startswith("keras.") and type(layer).__name__.startswith("Random"))


def inference_model(model):
    """``model`` without its augmentation layers (identity at inference), sharing weights.

    Augmentation runs only in training; dropping it keeps the exported graph free of
    random ops that some converters do not support. A model without augmentation is
    returned as it is.
    """
    import keras

    if not any(_is_augmentation(layer) for layer in model.layers):
        return model
    if isinstance(model, keras.Sequential):
        kept = [layer for layer in model.layers if not _is_augmentation(layer)]
        clone = keras.Sequential([keras.Input(model.input_shape[1:]), *kept], name=model.name)
        return clone

    def replace(layer):
        return keras.layers.Identity(name=layer.name) if _is_augmentation(layer) else layer

    return keras.models.clone_model(model, clone_function=replace)


def _load_run(run_dir):
    from kerasdl.saving import load_model

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"`run_dir_or_model` {str(run_dir)!r} is not a folder; give a "
                                f"run folder (it holds model.keras) or a keras.Model.")
    model_file = run_dir / "model.keras"
    if not model_file.is_file():
        raise ValueError(f"The run folder {str(run_dir)!r} holds no model (no model.keras): "
                         f"only a finished single-model run writes one. Export one of its "
                         f"sub-runs, or pass a keras.Model.")
    return load_model(model_file)


def _reshape(x, shape):
    x = np.asarray(x, dtype=np.float32)
    if tuple(x.shape[1:]) == tuple(shape):
        return x
    if int(np.prod(x.shape[1:])) == int(np.prod(shape)):
        return x.reshape((len(x), *shape))
    return None


def _run_samples(run_dir, shape, n):
    """Up to ``n`` real samples of the run's data (offline datasets), else None."""
    try:
        config = json.loads((Path(run_dir) / "config.json").read_text(encoding="utf-8"))
        info = config.get("data") or {}
        split = (info.get("info") or {}).get("split") or {}
        from kerasdl import data as kdata

        if info.get("name") not in kdata.list_datasets():
            return None
        ds = kdata.load(info["name"], val=split.get("val"), test=split.get("test"),
                        seed=split.get("seed", 0))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # data not available offline: random inputs of the model's shape
    for part, source in (("x_test", "test"), ("x_val", "validation"), ("x_train", "train")):
        x = getattr(ds, part)
        if x is not None and len(x):
            x = _reshape(x[:n], shape)
            if x is not None:
                return x, source
    return None


def _check_samples(model, run_dir, samples, n=8):
    shape = tuple(model.input_shape[1:])
    if None in shape:
        raise ValueError(f"The model's input shape {shape} has unknown sizes; export needs "
                         f"fixed sizes (build the model with a full input_shape).")
    if samples is not None:
        x = _reshape(samples, shape)
        if x is None:
            raise ValueError(f"`samples` must have the model's input shape (n, *{shape}); "
                             f"received {describe(np.asarray(samples))}.")
        return x, "given"
    if run_dir is not None:
        found = _run_samples(run_dir, shape, n)
        if found is not None:
            return found
    rng = np.random.default_rng(0)
    return rng.random((n, *shape), dtype=np.float32), "random"


def _verify(model, fmt, tmp, x, tolerance):
    expected = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
    got = np.asarray(_formats.predict(fmt, tmp, x), dtype=np.float64).reshape(expected.shape)
    diff = float(np.max(np.abs(got - expected))) if expected.size else 0.0
    allowed = tolerance * max(1.0, float(np.max(np.abs(expected))))
    if not np.isfinite(diff) or diff > allowed:
        raise ExportMismatchError(
            f"The {fmt} export does not match the Keras model: largest difference {diff:.3g} "
            f"on {len(x)} samples exceeds the tolerance {allowed:.3g}; nothing was written. "
            f"Report the model (or pass a larger `tolerance` if the difference is expected).")
    return diff


def _place(fmt, tmp, dest):
    """Move the verified artifact at ``tmp`` onto ``dest`` (a folder replaces a folder)."""
    dest = Path(dest)
    if fmt != "saved_model":
        return  # files go through kerasdl._io.atomic_path
    old = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
        os.replace(dest, old / dest.name)
    os.replace(tmp, dest)
    fsync_dir(dest.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_verified(model, fmt, dest, x, tolerance):
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    model(x[:1], training=False)  # exporters need a model that has been called once
    if fmt == "saved_model":
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
        tmp = work / dest.name
        try:
            _formats.write(model, fmt, tmp)
            diff = _verify(model, fmt, tmp, x, tolerance)
            _place(fmt, tmp, dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return diff
    with atomic_path(dest) as tmp:
        _formats.write(model, fmt, tmp)
        diff = _verify(model, fmt, tmp, x, tolerance)
    return diff


def _update_manifest(run_dir, fmt, dest, size, diff):
    run_dir = Path(run_dir)
    manifest = run_dir / "export" / MANIFEST
    entries = []
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            entries = []  # a damaged manifest is rebuilt from this export on
    try:
        rel = str(Path(os.path.relpath(dest, run_dir)).as_posix())
    except ValueError:
        rel = str(dest)
    entries = [e for e in entries if not (e.get("format") == fmt and e.get("path") == rel)]
    entries.append({"format": fmt, "path": rel, "bytes": size, "max_abs_diff": diff,
                    "created": datetime.datetime.now(datetime.timezone.utc)
                    .isoformat(timespec="seconds")})
    atomic_write_json(manifest, entries)


def export(run_dir_or_model, format="saved_model", path=None, *, samples=None,
           tolerance=DEFAULT_TOLERANCE):
    """Export a run's model (or a Keras model) as SavedModel, TFLite or ONNX, verified.

    The model is loaded from ``RUN_DIR/model.keras`` (safe mode), its augmentation
    layers (identity at inference) are dropped, and Keras writes the artifact:
    ``model.export(format="tf_saved_model")``, the TFLite converter on that SavedModel,
    or ``model.export(format="onnx")``. Before it is moved into place, the artifact
    predicts a few samples in its own runtime (the SavedModel's ``serve`` function,
    ``tf.lite.Interpreter``, onnxruntime) and must match the Keras model within
    ``tolerance``; otherwise nothing is written and an error is raised. Samples: the
    run's data when it loads offline (8 test samples), else random inputs of the model's
    shape. Exports of a run are listed in ``RUN_DIR/export/exports.json``.

    Which backend writes which format (Keras 3.15): ``saved_model`` and ``tflite`` on
    TensorFlow and JAX (TensorFlow installed); ``onnx`` on TensorFlow (tf2onnx), PyTorch
    and JAX (with ``jax2onnx`` installed).

    Args:
        run_dir_or_model: a run folder (holding ``model.keras``) or a ``keras.Model``.
        format: ``"saved_model"``, ``"tflite"`` or ``"onnx"``. Defaults to
            ``"saved_model"``.
        path: where to write. Defaults to None: ``RUN_DIR/export/saved_model`` (a
            folder), ``RUN_DIR/export/model.tflite`` or ``RUN_DIR/export/model.onnx``; a
            ``keras.Model`` needs ``path``.
        samples: inputs to check the artifact on. Defaults to None (see above).
        tolerance: allowed largest absolute difference, times ``max(1, max |output|)``.
            Defaults to 1e-4.

    Returns:
        An :class:`ExportResult` (``path``, ``bytes``, ``max_abs_diff``...).

    Raises:
        ValueError: for an unknown format (close matches listed), a run folder without a
            model, a backend that cannot write the format (the message names the ones
            that can), or an artifact whose predictions differ from the model's.
        FileNotFoundError: if ``run_dir_or_model`` is a path that is not a folder.

    Example:

    >>> out = kerasdl.export("runs/digits", format="onnx")             # doctest: +SKIP
    >>> out.path, out.max_abs_diff                                     # doctest: +SKIP
    (PosixPath('runs/digits/export/model.onnx'), 2.9e-08)
    """
    import keras

    check_type("format", format, str)
    fmt = check_choice("format", format, _formats.FORMATS, kind="export format")
    check_number("tolerance", tolerance, min_value=0.0)
    check_type("path", path, (str, os.PathLike), allow_none=True)
    _formats.check_backend(fmt, keras.backend.backend())
    run_dir = None
    if isinstance(run_dir_or_model, keras.Model):
        model = run_dir_or_model
        if path is None:
            raise ValueError("`path` is required when exporting a keras.Model (there is no "
                             "run folder to write under).")
    elif isinstance(run_dir_or_model, (str, os.PathLike)):
        run_dir = Path(run_dir_or_model)
        model = _load_run(run_dir)
    else:
        raise TypeError(f"`run_dir_or_model` must be a run folder path or a keras.Model; "
                        f"received {describe(run_dir_or_model)} of type "
                        f"{type(run_dir_or_model).__name__}.")
    dest = Path(path) if path is not None else run_dir / "export" / _formats.FILE_NAMES[fmt]
    model = inference_model(model)
    x, source = _check_samples(model, run_dir, samples)
    diff = _write_verified(model, fmt, dest, x, float(tolerance))
    size = _formats.size_of(dest)
    if run_dir is not None:
        _update_manifest(run_dir, fmt, dest, size, diff)
    return ExportResult(fmt, dest, size, diff, float(tolerance), len(x), source)
