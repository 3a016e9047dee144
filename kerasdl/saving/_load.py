"""Safe model loading and atomic model saving."""

import contextlib
import importlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from kerasdl import _validation as V
from kerasdl import _keras_compat
from kerasdl._io import atomic_path
from kerasdl.errors import CheckpointError, DamagedFileError, SecurityError
from kerasdl.saving import _inspect as I

__all__ = ["load_model", "load_weights", "save_model", "save_weights", "check_model_file"]

# Packages whose import registers kerasdl's own serializable layers.
_KERASDL_SERIALIZABLES = ("kerasdl.layers", "kerasdl.augment")

# Phrases of Keras's own safe-mode refusals (a second line of defence behind our checks).
_KERAS_SAFE_MODE_PHRASES = ("arbitrary code execution", "safe_mode=False",
                            "Non-modeling APIs are disallowed", "enable_unsafe_deserialization")
# Phrases of Keras's deserializer refusing an entry in every mode (module-path functions,
# registered_name pointing away from a built-in).
_KERAS_REFUSAL_PHRASES = ("is not a KerasSaveable subclass", "does not use registered names",
                          "because it is not a modeling function")
# The canonical suffix Keras needs to see (it compares case-sensitively).
_KERAS_SUFFIX = {"keras": ".keras", "h5": ".h5", "weights": ".weights.h5"}


def _register_kerasdl_objects():
    """Import kerasdl's sub-packages that register layers, so their models load by name."""
    for name in _KERASDL_SERIALIZABLES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise


def _check_path(path, name="path"):
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`{name}` must be a str or os.PathLike; received {V.describe(path)} "
                        f"of type {type(path).__name__}.")
    text = os.fspath(path)
    if "://" in text:
        raise ValueError(f"`{name}` must be a local file; received {text!r}. Download the "
                         f"file first (kerasdl never loads models from URLs directly).")
    p = Path(text)
    if not p.exists():
        raise FileNotFoundError(f"`{name}` {text!r} does not exist.")
    if p.is_dir():
        raise ValueError(f"`{name}` {text!r} is a folder; kerasdl loads a `.keras` file "
                         f"(or a legacy `.h5` file). Pass the file inside it, e.g. "
                         f"{str(p / 'model.keras')!r}.")
    return p


def _check_custom_objects(custom_objects):
    if custom_objects is None:
        return None
    if not isinstance(custom_objects, dict):
        raise TypeError(f"`custom_objects` must be a dict mapping names to classes or "
                        f"functions, or None; received {V.describe(custom_objects)} of type "
                        f"{type(custom_objects).__name__}.")
    for key in custom_objects:
        if not isinstance(key, str):
            raise TypeError(f"`custom_objects` keys must be str; received key "
                            f"{V.describe(key)} of type {type(key).__name__}.")
    return custom_objects


def _model_format(p, *, weights=False):
    name = p.name.lower()
    if weights and name.endswith(".weights.h5"):
        return "weights"
    if name.endswith(".keras"):
        return "keras"
    if name.endswith((".h5", ".hdf5")):
        return "h5"
    allowed = "`.keras`, `.weights.h5` or legacy `.h5`" if weights else \
        "`.keras` or legacy `.h5`/`.hdf5`"
    raise ValueError(f"`path` must name a {allowed} file; received {str(p)!r} "
                     f"(suffix {p.suffix!r}).")


@contextlib.contextmanager
def _keras_readable(p, fmt):
    """``p``, or a link to it named with the lowercase suffix Keras recognises.

    kerasdl accepts suffixes in any case (``model.KERAS``); Keras dispatches on
    ``str(path).endswith(".keras")``, so a file named otherwise is shown to it through a
    symbolic link (a copy where links are not allowed) in a temporary folder.
    """
    suffix = _KERAS_SUFFIX[fmt]
    if p.name.endswith(suffix) or (fmt == "h5" and p.name.endswith(".hdf5")):
        yield p
        return
    folder = tempfile.mkdtemp(prefix="kerasdl-load-")
    try:
        alias = Path(folder) / f"model{suffix}"
        try:
            os.symlink(p.resolve(), alias)
        except OSError:
            shutil.copyfile(p, alias)
        yield alias
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _check_weights_member(zf, p):
    if "model.weights.h5" not in zf.namelist():
        return
    with zf.open("model.weights.h5") as fileobj:
        h5 = I.open_h5(fileobj, p)
        try:
            I.check_h5_file(h5, p)
        finally:
            h5.close()


def check_model_file(path, *, trust_source=False, custom_objects=None):
    """Inspect a model file without loading it; raise if it is damaged or unsafe.

    Runs every check :func:`load_model` runs before it hands the file to Keras: the
    archive's structure (zip integrity, path traversal, aliasing member names, zip bombs),
    HDF5 integrity and external links, resource limits on the JSON (size, values, nesting
    depth, strings, lists, objects, layers: a breach is a `SecurityError` within a
    second, before Keras is imported), and (unless ``trust_source=True``) the model
    config, each entry resolved the way Keras's deserializer resolves it, which must not
    hold code (Lambda layers, lambdas, objects from modules outside keras/kerasdl that
    are not registered, attempts to switch safe mode off). Nothing is imported, built or
    unpickled.

    Args:
        path: a `.keras` file or a legacy `.h5`/`.hdf5` model file.
        trust_source: skip the config checks (the structural checks always run).
            Defaults to `False`.
        custom_objects: dict of names to classes/functions the config may name (they
            count as registered). Defaults to `None`.

    Returns:
        A dict with `format` ("keras" or "h5"), `class_name` (of the model),
        `keras_version` (from the file, or None) and `path`.

    Raises:
        FileNotFoundError: `path` does not exist.
        kerasdl.errors.DamagedFileError: the file is damaged/truncated.
        kerasdl.errors.SecurityError: the file could run code or read other files.

    Example:

    >>> info = kerasdl.saving.check_model_file("run/model.keras")  # doctest: +SKIP
    >>> info["format"]  # doctest: +SKIP
    'keras'
    """
    p = _check_path(path)
    trust_source = V.check_bool("trust_source", trust_source)
    custom_objects = _check_custom_objects(custom_objects)
    fmt = _model_format(p)
    if fmt == "keras":
        zf = I.check_zip(p)
        try:
            config = I.member_json(zf, "config.json", p)
            metadata = {}
            if "metadata.json" in zf.namelist():
                metadata = I.member_json(zf, "metadata.json", p)
            _check_weights_member(zf, p)
        finally:
            zf.close()
        configs = {"config.json": config}
        version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    else:
        h5 = I.open_h5(p, p)
        try:
            I.check_h5_file(h5, p)
            config = I.h5_attr_json(h5, "model_config", p)
            training = I.h5_attr_json(h5, "training_config", p)
            version = h5.attrs.get("keras_version")
        finally:
            h5.close()
        if config is None:
            raise ValueError(
                f"`path` {str(p)!r} holds no model config (it is a weights-only HDF5 file). "
                f"Build the model in code and call kerasdl.saving.load_weights(model, path)."
            )
        configs = {"model_config": config, "training_config": training}
        if hasattr(version, "decode"):
            version = version.decode("utf-8", "replace")
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise I.damaged(p, "its model config does not describe a Keras object")
    if not trust_source:
        # After the bounded parse: a hostile file is refused before Keras is even imported.
        _register_kerasdl_objects()
        for where, cfg in configs.items():
            if cfg is not None:
                I.check_config(cfg, p, custom_objects=custom_objects, where=where)
    return {"format": fmt, "class_name": config["class_name"],
            "keras_version": None if version is None else str(version), "path": p}


def _translate(e, p, *, what="model"):
    """Map an exception raised inside Keras/h5py/zipfile while loading to kerasdl's errors.

    Returns None to re-raise ``e`` unchanged (kerasdl's own errors, missing files,
    permissions, and exceptions that point at a bug rather than at the file).
    """
    import struct
    import zipfile
    import zlib

    if isinstance(e, (DamagedFileError, SecurityError, CheckpointError, FileNotFoundError,
                      PermissionError)):
        return None
    if isinstance(e, (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError,
                      RuntimeError, SystemError, UnicodeDecodeError, struct.error,
                      OverflowError)):
        return I.damaged(p, f"Keras could not read the {what}: {type(e).__name__}: {e}")
    if isinstance(e, (ValueError, TypeError)):
        text = str(e)
        entry = _refused_entry(text)
        if any(s in text for s in _KERAS_SAFE_MODE_PHRASES):
            return SecurityError(
                f"Security refusal: Keras's safe mode refused to load {str(p)!r}{entry}: "
                f"{_line_with(text, _KERAS_SAFE_MODE_PHRASES)} {I.OPT_IN}")
        if any(s in text for s in _KERAS_REFUSAL_PHRASES):
            return I.refuse_keras(p, f"Keras's deserializer refused an entry{entry}: "
                                     f"{_line_with(text, _KERAS_REFUSAL_PHRASES).rstrip('.')}")
        return type(e)(
            f"`path` {str(p)!r}: Keras could not rebuild the {what} ({e}). The file may be "
            f"damaged or saved by another Keras version, or it uses custom layers that are "
            f"not registered (decorate them with keras.saving.register_keras_serializable "
            f"or pass custom_objects=)."
        )
    return None


def _line_with(text, phrases, limit=300):
    """The sentences of ``text`` up to the first holding one of ``phrases`` (shortened)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()] or [""]
    line = next((ln for ln in lines if any(s in ln for s in phrases)), lines[0])
    line = line.removeprefix("Exception encountered: ")
    kept = []
    for sentence in re.split(r"(?<=\.) ", line):
        kept.append(sentence)
        if any(s in sentence for s in phrases):
            break
    line = " ".join(kept)
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _refused_entry(text):
    """`` (entry class_name 'X')`` when Keras's message dumps the refused entry (``Full object
    config: {...}``); otherwise ``""`` (Keras's sentence then names the class or function)."""
    marks = [m.end() for m in re.finditer(r"Full object config: ", text)]
    found = re.match(r"\{[^{}]*?'class_name': '([^']{1,200})'", text[marks[-1]:]) if marks \
        else None
    return f" (entry class_name {found.group(1)!r})" if found else ""


def load_model(path, *, trust_source=False, custom_objects=None, compile=True):
    """Load a Keras model file safely: no code from the file runs unless you opt in.

    Before Keras sees the file, kerasdl inspects it (see :func:`check_model_file`): a
    damaged or truncated file raises `DamagedFileError` ("this file is damaged/truncated")
    instead of Keras's misleading "file not found"; a zip path traversal, zip bomb or HDF5
    external link raises `SecurityError`; and a config that would run code — a `Lambda`
    layer, a serialized lambda, an object from a module outside keras/kerasdl that is not
    registered with `keras.saving.register_keras_serializable`, a reference to
    `keras.config.enable_unsafe_deserialization` or a `safe_mode` key — raises
    `SecurityError` saying how to opt in. Keras then loads the file with its safe mode on
    (even if safe mode was switched off globally). kerasdl's own layers are registered
    first, so models that use them load without extra imports.

    `trust_source=True` opts in for this one call only: the config checks are skipped
    and Keras runs with `safe_mode=False` inside a scope that restores the previous
    setting afterwards. The structural checks still run.

    Args:
        path: a `.keras` file, or a legacy `.h5`/`.hdf5` model file.
        trust_source: load code stored in the file (lambdas, Lambda layers). Only for
            files from a source you trust. Defaults to `False`.
        custom_objects: dict mapping names to your classes/functions; they count as
            registered. Defaults to `None`.
        compile: compile the model with the saved loss, metrics and optimizer state.
            Defaults to `True`.

    Returns:
        The `keras.Model`.

    Raises:
        TypeError: `path` is not a str/PathLike, or an argument has the wrong type.
        FileNotFoundError: `path` does not exist.
        ValueError: `path` is a folder, a URL, has an unknown suffix, or holds weights only.
        kerasdl.errors.DamagedFileError: the file is damaged/truncated.
        kerasdl.errors.SecurityError: the file could run code (opt in with
            `trust_source=True`) or read other files.

    Example:

    >>> model = kerasdl.load_model("runs/mlp/model.keras")  # doctest: +SKIP
    >>> model.predict(x_test)  # doctest: +SKIP
    """
    compile = V.check_bool("compile", compile)
    info = check_model_file(path, trust_source=trust_source, custom_objects=custom_objects)
    p = info["path"]
    if info["format"] == "keras" and _is_kerasdl_checkpoint(p):
        return load_config_model(p, custom_objects=custom_objects, trust_source=trust_source,
                                 compile=compile)
    import keras
    from kerasdl._keras_compat import safe_mode_scope

    _register_kerasdl_objects()
    try:
        # The scope forces Keras's safe mode for this call (a global
        # keras.config.enable_unsafe_deserialization() cannot weaken it) and restores the
        # previous global setting afterwards, also for trust_source=True.
        with safe_mode_scope(not trust_source), _keras_readable(p, info["format"]) as src:
            return keras.saving.load_model(src, custom_objects=custom_objects,
                                           compile=compile, safe_mode=not trust_source)
    except Exception as e:  # noqa: BLE001 - re-raised unchanged unless translated
        new = _translate(e, p)
        if new is None:
            raise
        raise new from e


def load_weights(model, path, *, skip_mismatch=False):
    """Load weights (e.g. a checkpoint) into `model`, checking the file first.

    Accepts a `.weights.h5` file (from `model.save_weights` / :func:`save_weights`) or a
    `.keras` file (only its weights are read: no config is deserialized, so no code from
    the file can run). The file is checked for damage, zip traversal/bombs and HDF5
    external links before Keras reads it.

    Args:
        model: the `keras.Model` (or layer) to load into; it must have the architecture
            the weights were saved from.
        path: a `.weights.h5` or `.keras` file.
        skip_mismatch: skip layers whose weights do not match instead of raising.
            Defaults to `False`.

    Returns:
        `model`, with the weights loaded.

    Raises:
        TypeError: `model` is not a Keras layer/model, or `path` has the wrong type.
        FileNotFoundError: `path` does not exist.
        kerasdl.errors.DamagedFileError: the file is damaged/truncated.
        kerasdl.errors.CheckpointError: the weights do not match the model.
        kerasdl.errors.SecurityError: the file would make the reader open other files.

    Example:

    >>> kerasdl.saving.load_weights(model, "checkpoints/last.weights.h5")  # doctest: +SKIP
    """
    import keras

    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"`model` must be a keras.Model; received {V.describe(model)} of type "
                        f"{type(model).__name__}.")
    skip_mismatch = V.check_bool("skip_mismatch", skip_mismatch)
    p = _check_path(path)
    fmt = _model_format(p, weights=True)
    if fmt == "keras":
        zf = I.check_zip(p)
        try:
            _check_weights_member(zf, p)
        finally:
            zf.close()
    elif fmt == "weights":
        h5 = I.open_h5(p, p)
        try:
            I.check_h5_file(h5, p)
        finally:
            h5.close()
    else:
        raise ValueError(f"`path` must name a `.weights.h5` or `.keras` file; received "
                         f"{str(p)!r}. Load legacy whole-model `.h5` files with "
                         f"kerasdl.load_model.")
    _register_kerasdl_objects()
    try:
        with _keras_readable(p, fmt) as src:
            model.load_weights(src, skip_mismatch=skip_mismatch)
    except Exception as e:  # noqa: BLE001
        if isinstance(e, (ValueError, KeyError)) and not isinstance(
                e, (DamagedFileError, SecurityError, CheckpointError)) and not any(
                s in str(e) for s in _KERAS_SAFE_MODE_PHRASES):
            raise CheckpointError(
                f"`path` {str(p)!r} does not match the model {model.name!r}: {e}"
            ) from e
        new = _translate(e, p, what="weights")
        if new is not None:
            raise new from e
        raise
    return model


def _check_save_target(path, overwrite, suffix_ok, what):
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a str or os.PathLike; received {V.describe(path)} "
                        f"of type {type(path).__name__}.")
    overwrite = V.check_bool("overwrite", overwrite)
    p = Path(os.fspath(path))
    if not suffix_ok(p.name.lower()):
        raise ValueError(f"`path` must end in {what}; received {str(p)!r}.")
    if p.is_dir():
        raise ValueError(f"`path` {str(p)!r} is a folder; pass a file name ending in {what}.")
    if p.exists() and not overwrite:
        raise FileExistsError(f"`path` {str(p)!r} exists and `overwrite` is False.")
    return p


def save_model(model, path, *, overwrite=True):
    """Save `model` to a `.keras` file atomically (a crash never leaves half a file).

    The model is written to a temporary file in the same folder, fsync'ed and moved into
    place with `os.replace`: `path` holds either the previous file or the new one.

    Args:
        model: the `keras.Model` to save.
        path: destination, ending in `.keras`.
        overwrite: replace an existing file. Defaults to `True`.

    Returns:
        The `pathlib.Path` written.

    Raises:
        TypeError: `model` is not a keras.Model or `path` has the wrong type.
        ValueError: `path` does not end in `.keras`.
        FileExistsError: `path` exists and `overwrite=False`.
        OSError: the folder is not writable or the disk is full (`path` is unchanged).

    Example:

    >>> kerasdl.saving.save_model(model, "model.keras")  # doctest: +SKIP
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model; received {V.describe(model)} of type "
                        f"{type(model).__name__}.")
    p = _check_save_target(path, overwrite, lambda n: n.endswith(".keras"), "`.keras`")
    _keras_compat.skip_idle_tensorflow_probe()
    with atomic_path(p, suffix=".keras") as tmp:
        model.save(tmp)
    return p


def save_weights(model, path, *, overwrite=True):
    """Save `model`'s weights to a `.weights.h5` file atomically.

    Args:
        model: the `keras.Model` whose weights to save.
        path: destination, ending in `.weights.h5`.
        overwrite: replace an existing file. Defaults to `True`.

    Returns:
        The `pathlib.Path` written.

    Raises:
        TypeError: `model` is not a keras.Model or `path` has the wrong type.
        ValueError: `path` does not end in `.weights.h5`.
        FileExistsError: `path` exists and `overwrite=False`.
        OSError: the folder is not writable or the disk is full (`path` is unchanged).

    Example:

    >>> kerasdl.saving.save_weights(model, "last.weights.h5")  # doctest: +SKIP
    """
    import keras

    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"`model` must be a keras.Model; received {V.describe(model)} of type "
                        f"{type(model).__name__}.")
    p = _check_save_target(path, overwrite, lambda n: n.endswith(".weights.h5"),
                           "`.weights.h5`")
    with atomic_path(p, suffix=".weights.h5") as tmp:
        model.save_weights(tmp)
    return p


_CHECKPOINT_STATE = "kerasdl_state.npz"  # kerasdl.callbacks' checkpoints (format 2)


def _is_kerasdl_checkpoint(p):
    """A kerasdl checkpoint holds its weights as arrays, not as a ``model.weights.h5``."""
    import zipfile

    with zipfile.ZipFile(p) as zf:
        names = set(zf.namelist())
    return _CHECKPOINT_STATE in names and "model.weights.h5" not in names


def _checkpoint_arrays(p):
    import io
    import zipfile

    import numpy as np

    with zipfile.ZipFile(p) as zf, np.load(io.BytesIO(zf.read(_CHECKPOINT_STATE)),
                                           allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def load_config_model(path, member="config.json", *, custom_objects=None, trust_source=False,
                      compile=True):
    """Rebuild the model that the JSON ``member`` of the archive at ``path`` describes.

    The same checks as :func:`load_model` (archive structure, resource limits, a config
    that would run code) and Keras's safe mode. For archives that hold a model config but
    no ``.keras`` weights file: kerasdl's checkpoints, whose weights (``weight/i``, in
    ``model.weights`` order) and optimizer variables (``optimizer/i``) are put back here
    when the archive holds them.

    Returns:
        The built (with ``compile``, compiled when the config holds a compile config)
        ``keras.Model``.

    Raises:
        kerasdl.errors.DamagedFileError / SecurityError: as :func:`load_model`.
    """
    p = _check_path(path)
    zf = I.check_zip(p)
    try:
        config = I.member_json(zf, member, p)
    finally:
        zf.close()
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise I.damaged(p, "its model config does not describe a Keras object")
    if not compile:
        config = {k: v for k, v in config.items() if k != "compile_config"}
    _register_kerasdl_objects()
    if not trust_source:
        I.check_config(config, p, custom_objects=custom_objects, where=member)
    import keras
    from kerasdl._keras_compat import safe_mode_scope

    try:
        with safe_mode_scope(not trust_source):
            model = keras.saving.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=not trust_source)
        if _is_kerasdl_checkpoint(p):
            _assign_checkpoint_arrays(model, _checkpoint_arrays(p))
        return model
    except Exception as e:  # noqa: BLE001 - re-raised unchanged unless translated
        new = _translate(e, p)
        if new is None:
            raise
        raise new from e


def _assign_checkpoint_arrays(model, arrays):
    weights = [arrays[f"weight/{i}"] for i in range(len(model.weights))]
    for v, a in zip(model.weights, weights):
        if tuple(v.shape) != a.shape:
            raise ValueError(f"weight {v.path!r} has shape {tuple(v.shape)} in the model but "
                             f"{a.shape} in the file")
        v.assign(a)
    opt = getattr(model, "optimizer", None)
    if opt is None or not any(k.startswith("optimizer/") for k in arrays):
        return
    if not opt.built:
        opt.build(model.trainable_variables)
    for i, v in enumerate(opt.variables):
        v.assign(arrays[f"optimizer/{i}"])
