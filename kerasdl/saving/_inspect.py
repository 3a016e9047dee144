"""Static inspection of model files before any of their content reaches Keras.

Everything here reads bytes and JSON only: no class is imported, no object is built and
nothing is unpickled, so a hostile file can be refused before it can run code. The checks:

* ``.keras`` (zip): it is a zip archive (else damaged/truncated), its members' CRCs match,
  no member path escapes the archive (absolute paths, ``..``, backslashes, drive letters),
  no member aliases another when extracted (``./x``, ``a//b``, ``x/`` next to ``x``, names
  equal but for case, duplicates), a bounded member count, bounded JSON members, and no
  member (nor the whole archive) that expands far beyond its stored size (zip bomb).
* HDF5 (``.h5`` legacy models, ``.weights.h5`` and the weights inside a ``.keras``): it is an
  HDF5 file that opens, with no external links or external/virtual datasets (which make
  the loader read other files on disk).
* The JSON (``config.json``, ``metadata.json``, the HDF5 config attributes) is parsed within
  the resource limits of :mod:`kerasdl.saving._limits` (size, values, depth, strings, lists,
  objects, layers), most checked before parsing.
* The model config (``config.json`` or the ``model_config``/``training_config`` HDF5
  attributes), each entry resolved as Keras's deserializer resolves it
  (:mod:`kerasdl.saving._resolve`): no Python lambda or code-carrying layer (``Lambda``,
  ``TFSMLayer``,
  ``TorchModuleWrapper``, ``JaxLayer``, ``FlaxLayer``), no object from a module outside
  ``keras``/``kerasdl`` unless it is registered with
  ``keras.saving.register_keras_serializable`` or passed in ``custom_objects``, no
  reference to Keras's non-modeling APIs (``enable_unsafe_deserialization``...), no key
  that tries to switch safe mode off, no vocabulary file, path or URL outside the archive,
  and none of the entries Keras's deserializer refuses in every mode (``builtins`` functions
  that are not Keras built-ins, functions by module path, misleading ``registered_name``).
"""

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from kerasdl.errors import DamagedFileError, SecurityError
from kerasdl.saving import _limits as L
from kerasdl.saving import _resolve as R

__all__ = ["MAX_MEMBERS", "BOMB_MIN_BYTES", "MAX_EXPANSION", "check_zip", "check_h5_file",
           "check_config", "OPT_IN"]

# Limits. Keras writes .keras members uncompressed (ratio 1:1), and a real model's
# config.json deflates at most ~20:1, so a member above BOMB_MIN_BYTES that expands more
# than MAX_EXPANSION times its stored size is a decompression bomb, not a model.
MAX_MEMBERS = 10_000
BOMB_MIN_BYTES = 16 * 2**20
MAX_EXPANSION = 100

OPT_IN = ("Only if you trust the file's source, load it with "
          "kerasdl.load_model(path, trust_source=True).")

# Layers whose config carries (or loads) executable code.
CODE_LAYERS = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"})
# Layers that read a vocabulary file when their `vocabulary` is a string (a path or URL).
FILE_LAYERS = frozenset({"StringLookup", "IntegerLookup", "TextVectorization"})
# Config keys whose text value names a file to read (Keras's and KerasHub's file arguments).
FILE_KEYS = frozenset({"filepath", "file_path", "vocabulary_file", "vocab_file",
                       "merges_file", "proto_file", "spm_model_file", "model_file",
                       "weights_file", "origin"})
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
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


def refuse_keras(path, reason):
    """A SecurityError for an entry Keras's deserializer refuses in every mode."""
    return SecurityError(
        f"Security refusal: kerasdl will not load {str(path)!r} because {reason}. Keras's "
        f"deserializer refuses this entry in every mode (trust_source=True does not change "
        f"that), so Keras's own saving did not write it; get the file again from its source."
    )


def _describe_obj(obj):
    name = obj.get("registered_name") or obj.get("class_name")
    module = obj.get("module")
    return f"{module}.{name}" if module else str(name)


# --------------------------------------------------------------------------------- zip


# The JSON members Keras reads, with their size limits (checked from the zip directory).
JSON_MEMBERS = {"config.json": L.MAX_CONFIG_BYTES, "metadata.json": L.MAX_METADATA_BYTES}


def _bad_member_name(name):
    if not name or "\x00" in name:
        return "an empty or NUL-containing name"
    if "\\" in name:
        return "a backslash (a Windows path)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    parts = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if ".." in parts:
        return "a '..' component (it points outside the archive)"
    if "." in parts or "" in parts:
        return ("a '.' or empty component (it aliases another member's path when "
                "extracted)")
    return None


def _member_key(name):
    """The path a member is extracted to (folder slash dropped, case folded: two members
    with the same key overwrite each other on extraction, on case-insensitive disks too)."""
    return name.rstrip("/").casefold()


def _check_crcs(zf, infos, path):
    """Decompress every member once to verify its CRC (``ZipFile.testzip``), except the JSON
    members: their CRC is verified when :func:`member_json` reads them, after the size checks.
    """
    for info in infos:
        if info.filename in JSON_MEMBERS or info.is_dir():
            continue
        try:
            with zf.open(info) as f:
                while f.read(2**20):
                    pass
        except zipfile.BadZipFile as e:
            if "CRC" in str(e):
                raise damaged(path, f"archive member {info.filename!r} fails its CRC "
                                    f"check") from None
            raise damaged(path, f"a member cannot be decompressed: {e}") from None
        except (zlib.error, OSError, EOFError, ValueError, NotImplementedError) as e:
            raise damaged(path, f"a member cannot be decompressed: {e}") from None


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
        seen = {}
        total = 0
        for info in infos:
            problem = _bad_member_name(info.filename)
            if problem:
                raise refuse_structure(path, f"archive member {info.filename!r} has {problem} "
                                   f"(zip path traversal)")
            key = _member_key(info.filename)
            if key in seen:
                first = seen[key]
                twice = ("appears twice" if first == info.filename else
                         f"and {first!r} name the same path")
                raise refuse_structure(path, f"archive member {info.filename!r} {twice}, so "
                                             f"different readers could see different files")
            seen[key] = info.filename
            limit = JSON_MEMBERS.get(info.filename)
            if limit is not None and max(info.file_size, info.compress_size) > limit:
                raise refuse_structure(path, f"its {info.filename} is {info.file_size:,} "
                                             f"bytes (at most {limit:,}; a "
                                             f"resource-exhaustion file)")
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
        _check_crcs(zf, infos, path)
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
    """Parse a JSON attribute of an HDF5 file (``None`` when absent), size checked first."""
    try:
        if key not in h5.attrs:
            return None
        size = h5.attrs.get_id(key).get_storage_size()
    except Exception as e:  # noqa: BLE001 - h5py raises many types on damaged files
        raise damaged(path, f"attribute {key!r} cannot be read: {e}") from None
    if size > L.MAX_CONFIG_BYTES:
        raise refuse_structure(path, f"its attribute {key!r} is {size:,} bytes (at most "
                                     f"{L.MAX_CONFIG_BYTES:,})")
    try:
        raw = h5.attrs.get(key)
    except Exception as e:  # noqa: BLE001 - h5py raises many types on damaged files
        raise damaged(path, f"attribute {key!r} cannot be read: {e}") from None
    if raw is None:
        return None
    if not isinstance(raw, (str, bytes)):
        raw = raw.tobytes() if hasattr(raw, "tobytes") else str(raw)
    # (variable-length strings report a small storage size, so the size is checked again)
    return parse_json(raw, path, what=f"attribute {key!r}", max_bytes=L.MAX_CONFIG_BYTES)


def parse_json(raw, path, *, what, max_bytes):
    """Parse JSON that must hold an object, within the resource limits of ``_limits``.

    Raises:
        SecurityError: a limit is breached (size, values, depth, strings, lists, objects).
        DamagedFileError: not UTF-8 JSON, or not a JSON object.
    """
    try:
        return L.parse_bounded(raw, max_bytes=max_bytes)
    except L.LimitExceeded as e:
        raise refuse_structure(path, f"its {what} {e}, far beyond any real model's (a "
                                     f"resource-exhaustion file)") from None
    except L.Malformed as e:
        raise damaged(path, f"its {what} is not a Keras config: {e}") from None


# ------------------------------------------------------------------------------- config


def _non_modeling_apis():
    from kerasdl._keras_compat import non_modeling_apis

    return set(non_modeling_apis()) | {"keras.config.enable_unsafe_deserialization"}


def _registry(custom_objects):
    """Names -> objects Keras resolves first: custom_objects, then the global registry."""
    import keras

    registry = {str(k): v for k, v in (custom_objects or {}).items()}
    registry.update(keras.saving.get_custom_objects())
    return registry


def _public_classes(names):
    found = (R.public_symbol(f"keras.layers.{n}") for n in names)
    return tuple(c for c in found if isinstance(c, type))


class _Context:
    """What one config walk needs: the file, the registry and the hazardous objects."""

    def __init__(self, path, custom_objects):
        self.path = path
        self.registry = _registry(custom_objects)
        self.non_modeling = _non_modeling_apis()
        self.non_modeling_objs = [o for o in map(R.public_symbol, self.non_modeling)
                                  if o is not None]
        self.code_classes = _public_classes(CODE_LAYERS)
        self.file_classes = _public_classes(FILE_LAYERS)


def _format_loc(loc):
    """``loc`` is a chain ``(parent, key)`` built lazily during the walk."""
    keys = []
    while isinstance(loc, tuple):
        loc, key = loc
        keys.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return loc + "".join(reversed(keys))


def check_config(config, path, *, custom_objects=None, where="config.json"):
    """Walk a model config (JSON-decoded) and raise SecurityError at the first hazard.

    The walk is iterative and builds an entry's location only when it is refused, so its
    cost is linear in the (bounded, see ``_limits``) number of values.
    """
    ctx = _Context(path, custom_objects)
    stack = [(config, where)]
    while stack:
        node, loc = stack.pop()
        kind = type(node)
        if kind is list:
            stack.extend((v, (loc, i)) for i, v in enumerate(node))
        elif kind is str:
            if node.rsplit(".", 1)[-1] == "enable_unsafe_deserialization":
                raise refuse(path, f"its {_format_loc(loc)} names {node!r}, which switches "
                                   f"Keras's safe mode off")
        elif kind is dict:
            _check_dict(node, loc, ctx)
            stack.extend((v, (loc, k)) for k, v in node.items())


def _check_dict(node, loc, ctx):
    for key in node:
        k = str(key).lower()
        if k in UNSAFE_KEYS or "unsafe" in k:
            raise refuse(ctx.path, f"its {_format_loc(loc)} sets {key!r} = {node[key]!r}, "
                                   f"which tries to switch Keras's safe deserialization off")
    if node.get("function_type") == "lambda":
        raise refuse(ctx.path, f"its {_format_loc(loc)} holds a serialized Python lambda "
                               f"(legacy Lambda layer)")
    if isinstance(node.get("class_name"), str):
        _check_object(node, loc, ctx)


def _entry(node, loc):
    return f"the entry at {_format_loc(loc)} ({_describe_obj(node)})"


def _check_object(node, loc, ctx):
    """Refuse one Keras object entry, resolved the way Keras's deserializer resolves it."""
    path, class_name = ctx.path, node["class_name"]
    if class_name == "__lambda__":
        raise refuse(path, f"its {_format_loc(loc)} holds Python lambda bytecode")
    module = node.get("module")
    if module is not None and not isinstance(module, str):
        raise refuse(path, f"its {_format_loc(loc)} has a non-text module {module!r}")
    res = R.resolve(node, ctx.registry, ctx.non_modeling)
    obj = res.obj
    if res.kind == "non-modeling" or any(obj is o for o in ctx.non_modeling_objs):
        raise refuse(path, f"{_entry(node, loc)} calls {res.name!r}, a non-modeling Keras "
                           f"API that the deserializer must not call")
    names = R.spellings(node) if res.kind != "registered" else set()
    is_class = isinstance(obj, type)
    code = names & CODE_LAYERS or (is_class and issubclass(obj, ctx.code_classes))
    if code:
        shown = sorted(names & CODE_LAYERS) or [obj.__name__]
        raise refuse(path, f"it contains a {shown[0]} layer at {_format_loc(loc)} "
                           f"({_describe_obj(node)}), which runs Python code stored in (or "
                           f"loaded by) the file")
    reads = names & FILE_LAYERS or (is_class and issubclass(obj, ctx.file_classes))
    _check_file_references(node, loc, ctx, reads)
    _check_keras_refusals(node, loc, ctx, res)


def _check_file_references(node, loc, ctx, reads_vocabulary):
    inner = node.get("config")
    if not isinstance(inner, dict):
        return
    shown = _describe_obj(node)
    vocabulary = inner.get("vocabulary")
    if reads_vocabulary and isinstance(vocabulary, str):
        raise refuse(ctx.path, f"its {shown} at {_format_loc(loc)} reads the vocabulary file "
                               f"{vocabulary!r} from outside the archive")
    for key, value in inner.items():
        if not isinstance(value, str):
            continue
        if str(key).lower() in FILE_KEYS or _URL.match(value):
            raise refuse(ctx.path, f"{_entry(node, loc)} sets {key!r} = {value[:200]!r}, "
                                   f"which makes the layer read a file or URL from outside "
                                   f"the archive")


def _check_keras_refusals(node, loc, ctx, res):
    """Entries Keras's deserializer refuses in every mode (so a file Keras wrote never has
    them); refused here with the entry named instead of as a 'damaged' TypeError later."""
    path = ctx.path
    if res.kind == "unresolved" and res.name.startswith("builtins."):
        raise refuse_keras(path, f"{_entry(node, loc)} names the Python built-in "
                                 f"{res.name!r}, which is not a Keras built-in function")
    if res.kind == "module" and node["class_name"] == "function":
        raise refuse_keras(path, f"{_entry(node, loc)} names the function {res.name!r} by "
                                 f"its module path; Keras loads only classes that way")
    explicit = node.get("registered_name")
    if res.kind == "keras" and explicit and explicit not in (
            node["class_name"], node.get("config")):
        raise refuse_keras(path, f"{_entry(node, loc)} has registered_name {explicit!r}, "
                                 f"which names no registered object, while the entry resolves "
                                 f"to Keras's built-in {res.name!r}")
    if res.kind == "foreign":
        raise refuse(path, f"its {_format_loc(loc)} names {_describe_obj(node)!r} from "
                           f"module {node['module']!r}, which is neither keras, kerasdl nor a "
                           f"class registered with keras.saving.register_keras_serializable "
                           f"(nor passed in custom_objects)")


def member_json(zf, name, path):
    """Read and parse a JSON member of a checked archive."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise damaged(path, f"the archive has no {name!r}; it is not a Keras model "
                            f"archive") from None
    limit = JSON_MEMBERS.get(name, L.MAX_CONFIG_BYTES)
    if info.file_size > limit:
        raise refuse_structure(path, f"its {name} is {info.file_size:,} bytes (at most "
                                     f"{limit:,}; a resource-exhaustion file)")
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as e:
        raise damaged(path, f"archive member {name!r} cannot be read ({e})") from None
    return parse_json(data, path, what=name, max_bytes=limit)


def is_h5_suffix(path):
    return Path(path).suffix.lower() in {".h5", ".hdf5"}
