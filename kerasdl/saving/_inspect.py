"""Static inspection of model files before any of their content reaches Keras.

Everything here reads bytes and JSON only: no class is imported, no object is built and
nothing is unpickled, so a hostile file can be refused before it can run code. The checks:

* ``.keras`` (zip): it is a zip archive (else damaged/truncated), its members' CRCs match,
  no member path escapes the archive (absolute paths, ``..``, backslashes, drive letters),
  no duplicate names, a bounded member count, and no member (nor the whole archive) that
  expands far beyond its stored size (zip bomb).
* HDF5 (``.h5`` legacy models, ``.weights.h5`` and the weights inside a ``.keras``): it is an
  HDF5 file that opens, with no external links or external/virtual datasets (which make
  the loader read other files on disk).
* The model config (``config.json`` or the ``model_config``/``training_config`` HDF5
  attributes): no Python lambda or code-carrying layer (``Lambda``, ``TFSMLayer``,
  ``TorchModuleWrapper``, ``JaxLayer``, ``FlaxLayer``), no object from a module outside
  ``keras``/``kerasdl`` unless it is registered with
  ``keras.saving.register_keras_serializable`` or passed in ``custom_objects``, no
  reference to Keras's non-modeling APIs (``enable_unsafe_deserialization``...), no key
  that tries to switch safe mode off, no vocabulary file outside the archive.
"""

import json
import os
import stat
import zipfile
import zlib
from pathlib import Path

from kerasdl.errors import DamagedFileError, SecurityError

__all__ = ["MAX_MEMBERS", "MAX_CONFIG_BYTES", "BOMB_MIN_BYTES", "MAX_EXPANSION",
           "check_zip", "check_h5_file", "check_config", "OPT_IN"]

# Limits. Keras writes .keras members uncompressed (ratio 1:1), and a real model's
# config.json deflates at most ~20:1, so a member above BOMB_MIN_BYTES that expands more
# than MAX_EXPANSION times its stored size is a decompression bomb, not a model.
MAX_MEMBERS = 10_000
MAX_CONFIG_BYTES = 64 * 2**20
BOMB_MIN_BYTES = 16 * 2**20
MAX_EXPANSION = 100

OPT_IN = ("Only if you trust the file's source, load it with "
          "kerasdl.load_model(path, trust_source=True).")

# Layers whose config carries (or loads) executable code.
CODE_LAYERS = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"})
UNSAFE_KEYS = frozenset({"safe_mode", "enable_unsafe_deserialization",
                         "unsafe_deserialization", "allow_unsafe", "trust_remote_code"})


def damaged(path, detail):
    return DamagedFileError(
        f"`path` {str(path)!r}: this file is damaged/truncated ({detail}). It is not a "
        f"readable model file; save or download it again."
    )


def refuse(path, reason):
    """A SecurityError for a config that would run code (the user may opt in)."""
    return SecurityError(
        f"Security refusal: kerasdl will not load {str(path)!r} because {reason}. Loading it "
        f"could run code that came with the file. {OPT_IN}"
    )


def refuse_structure(path, reason):
    """A SecurityError for a hostile archive structure (no opt-in: Keras never writes one)."""
    return SecurityError(
        f"Security refusal: kerasdl will not load {str(path)!r} because {reason}. Keras never "
        f"writes such an archive, so there is no opt-in (trust_source=True does not change "
        f"this); get the file again from its source."
    )


# --------------------------------------------------------------------------------- zip


def _bad_member_name(name):
    if not name or "\x00" in name:
        return "an empty or NUL-containing name"
    if "\\" in name:
        return "a backslash (a Windows path)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in name.split("/"):
        return "a '..' component (it points outside the archive)"
    return None


def check_zip(path):
    """Check a ``.keras`` archive's structure; returns the open ``ZipFile`` (caller closes).

    Raises:
        DamagedFileError: not a zip archive, truncated, or a member fails its CRC.
        SecurityError: path traversal, duplicate members, too many members, zip bomb.
    """
    size = os.path.getsize(path)
    if size == 0:
        raise damaged(path, "the file is empty")
    if not zipfile.is_zipfile(path):
        raise damaged(path, "not a zip archive; a .keras file is a zip archive and this one "
                            "has no readable zip directory, which is what a truncated or "
                            "corrupted download looks like")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        raise damaged(path, f"the zip directory cannot be read: {e}") from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise refuse_structure(path, f"the archive holds {len(infos)} members (at most "
                               f"{MAX_MEMBERS} allowed; a model has a handful)")
        seen = set()
        total = 0
        for info in infos:
            problem = _bad_member_name(info.filename)
            if problem:
                raise refuse_structure(path, f"archive member {info.filename!r} has {problem} "
                                   f"(zip path traversal)")
            if info.filename in seen:
                raise refuse_structure(path, f"archive member {info.filename!r} appears twice, so "
                                   f"different readers could see different files")
            seen.add(info.filename)
            mode = info.external_attr >> 16
            if mode and stat.S_ISLNK(mode):
                raise refuse_structure(path, f"archive member {info.filename!r} is a "
                                             f"symbolic link")
            if (info.file_size > BOMB_MIN_BYTES
                    and info.file_size > MAX_EXPANSION * max(info.compress_size, 1)):
                raise refuse_structure(path, f"archive member {info.filename!r} declares "
                                   f"{info.file_size} bytes but stores only "
                                   f"{info.compress_size} (a zip bomb)")
            total += info.file_size
        if total > BOMB_MIN_BYTES and total > MAX_EXPANSION * max(size, 1):
            raise refuse_structure(path, f"the archive expands to {total} bytes from {size} "
                                         f"on disk (a zip bomb)")
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError) as e:
            raise damaged(path, f"a member cannot be decompressed: {e}") from None
        if bad is not None:
            raise damaged(path, f"archive member {bad!r} fails its CRC check")
        return zf
    except BaseException:
        zf.close()
        raise


# --------------------------------------------------------------------------------- HDF5


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py comes with tensorflow/keras installs
        raise ImportError("Reading .h5 files needs h5py: pip install h5py") from None
    return h5py


def open_h5(source, path):
    """Open an HDF5 file (path or file object) read-only, or raise DamagedFileError."""
    h5py = _h5py()
    if isinstance(source, (str, os.PathLike)):
        if os.path.getsize(source) == 0:
            raise damaged(path, "the file is empty")
        if not h5py.is_hdf5(source):
            raise damaged(path, "not an HDF5 file (no HDF5 signature)")
    try:
        return h5py.File(source, "r")
    except Exception as e:  # noqa: BLE001 - OSError, ValueError, RuntimeError... when damaged
        raise damaged(path, f"HDF5 cannot open it: {type(e).__name__}: {e}") from None


def check_h5_file(h5, path):
    """Refuse HDF5 content that makes the reader open other files; detect damaged objects."""
    h5py = _h5py()
    problems, broken = [], []

    # Exceptions must not escape an h5py visit callback (h5py turns them into SystemError),
    # so the callback records what it finds and returns a value to stop the walk.
    def visit(name, link):
        if isinstance(link, h5py.ExternalLink):
            problems.append(f"HDF5 object {name!r} is an external link to "
                            f"{link.filename!r}")
            return True
        if isinstance(link, h5py.SoftLink):
            return None
        try:
            obj = h5[name]
            if isinstance(obj, h5py.Dataset):
                if obj.external:
                    problems.append(f"HDF5 dataset {name!r} stores its data in external "
                                    f"files {[e[0] for e in obj.external]}")
                    return True
                if obj.is_virtual:
                    problems.append(f"HDF5 dataset {name!r} is a virtual dataset mapping "
                                    f"other files")
                    return True
        except Exception as e:  # noqa: BLE001 - h5py raises many types on damaged files
            broken.append(f"HDF5 object {name!r} cannot be read: {e}")
            return True
        return None

    try:
        h5.visititems_links(visit)
    except Exception as e:  # noqa: BLE001 - RuntimeError, SystemError, OSError, KeyError...
        broken.append(f"the HDF5 structure cannot be read: {type(e).__name__}: {e}")
    if broken:
        raise damaged(path, broken[0])
    if problems:
        raise SecurityError(
            f"Security refusal: kerasdl will not load {str(path)!r} because "
            f"{problems[0]}; the loader would read files outside the model file. "
            f"Nothing in a saved model needs this, so there is no opt-in."
        )


def h5_attr_json(h5, key, path):
    """Parse a JSON attribute of an HDF5 file (``None`` when absent)."""
    try:
        raw = h5.attrs.get(key)
    except Exception as e:  # noqa: BLE001 - h5py raises many types on damaged files
        raise damaged(path, f"attribute {key!r} cannot be read: {e}") from None
    if raw is None:
        return None
    if hasattr(raw, "decode"):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise damaged(path, f"attribute {key!r} is not UTF-8 text: {e}") from None
    return parse_json(raw, path, what=f"attribute {key!r}")


def parse_json(text, path, *, what):
    if isinstance(text, (bytes, bytearray)) and len(text) > MAX_CONFIG_BYTES:
        raise refuse_structure(path, f"its {what} is {len(text)} bytes (at most "
                                     f"{MAX_CONFIG_BYTES})")
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise damaged(path, f"its {what} is not valid JSON: {str(e)[:200]}") from None


# ------------------------------------------------------------------------------- config


def _non_modeling_apis():
    from kerasdl._keras_compat import non_modeling_apis

    return set(non_modeling_apis()) | {"keras.config.enable_unsafe_deserialization"}


def _registered_names(custom_objects):
    import keras

    names = set(keras.saving.get_custom_objects())
    names.update(str(k) for k in (custom_objects or {}))
    return names


def _describe_obj(obj):
    name = obj.get("registered_name") or obj.get("class_name")
    module = obj.get("module")
    return f"{module}.{name}" if module else str(name)


def check_config(config, path, *, custom_objects=None, where="config.json"):
    """Walk a model config (JSON-decoded) and raise SecurityError at the first hazard.

    The walk is iterative, so a deeply nested hostile config cannot exhaust the stack.
    """
    registered = _registered_names(custom_objects)
    non_modeling = _non_modeling_apis()
    stack = [(config, where)]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, list):
            stack.extend((v, f"{loc}[{i}]") for i, v in enumerate(node))
            continue
        if isinstance(node, str):
            if node.rsplit(".", 1)[-1] == "enable_unsafe_deserialization":
                raise refuse(path, f"its {loc} names {node!r}, which switches Keras's safe "
                                   f"mode off")
            continue
        if not isinstance(node, dict):
            continue
        for key in node:
            k = str(key).lower()
            if k in UNSAFE_KEYS or "unsafe" in k:
                raise refuse(path, f"its {loc} sets {key!r} = {node[key]!r}, which tries to "
                                   f"switch Keras's safe deserialization off")
        if node.get("function_type") == "lambda":
            raise refuse(path, f"its {loc} holds a serialized Python lambda (legacy Lambda "
                               f"layer)")
        class_name = node.get("class_name")
        if isinstance(class_name, str):
            _check_object(node, class_name, loc, path, registered, non_modeling)
        stack.extend((v, f"{loc}.{k}") for k, v in node.items())


def _check_object(node, class_name, loc, path, registered, non_modeling):
    module = node.get("module")
    reg_name = node.get("registered_name") or None
    inner = node.get("config")
    if class_name == "__lambda__":
        raise refuse(path, f"its {loc} holds Python lambda bytecode")
    is_registered = (reg_name in registered) if reg_name else (class_name in registered)
    if class_name in CODE_LAYERS and not (is_registered and reg_name and ">" in reg_name):
        raise refuse(path, f"it contains a {class_name} layer at {loc}, which runs Python "
                           f"code stored in (or loaded by) the file")
    if class_name in {"StringLookup", "IntegerLookup", "TextVectorization"} and isinstance(
            inner, dict) and isinstance(inner.get("vocabulary"), str):
        raise refuse(path, f"its {class_name} at {loc} reads the vocabulary file "
                           f"{inner['vocabulary']!r} from outside the archive")
    if module is not None and not isinstance(module, str):
        raise refuse(path, f"its {loc} has a non-text module {module!r}")
    if class_name == "function" and isinstance(inner, str):
        api = f"{module}.{inner}" if module else inner
        if api in non_modeling or inner == "enable_unsafe_deserialization":
            raise refuse(path, f"its {loc} calls {api!r}, a non-modeling Keras API")
    elif module and f"{module}.{class_name}" in non_modeling:
        raise refuse(path, f"its {loc} names {module}.{class_name!r}, a non-modeling "
                           f"Keras API")
    if is_registered or module is None:
        return
    package = module.split(".", 1)[0]
    if package in {"keras", "kerasdl"}:
        return
    if package == "builtins" and class_name == "function":
        return  # Keras resolves these only among its own built-in functions
    raise refuse(path, f"its {loc} names {_describe_obj(node)!r} from module {module!r}, "
                       f"which is neither keras, kerasdl nor a class registered with "
                       f"keras.saving.register_keras_serializable (nor passed in "
                       f"custom_objects)")


def member_json(zf, name, path):
    """Read and parse a JSON member of a checked archive."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise damaged(path, f"the archive has no {name!r}; it is not a Keras model "
                            f"archive") from None
    if info.file_size > MAX_CONFIG_BYTES:
        raise refuse_structure(path, f"its {name} is {info.file_size} bytes (at most "
                           f"{MAX_CONFIG_BYTES})")
    return parse_json(zf.read(name), path, what=name)


def is_h5_suffix(path):
    return Path(path).suffix.lower() in {".h5", ".hdf5"}
