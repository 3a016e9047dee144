"""Atomic file writing: a crash never leaves a half-written file where a good one was.

Every file kerasdl writes goes through :func:`atomic_path` (or the helpers built on it):
the content is written to a temporary file in the destination folder, flushed and
fsync'ed, then moved into place with ``os.replace`` (atomic on POSIX and Windows).
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "atomic_write_json",
           "fsync_dir"]


def fsync_dir(folder):
    """fsync a directory so a rename inside it survives a power cut (no-op where unsupported)."""
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path, *, suffix=None):
    """Yield a temporary path beside ``path``; on success move it onto ``path``.

    The caller writes the file at the yielded path (any writer that takes a path works:
    ``model.save``, ``fig.savefig``, ``np.save``...). On a clean exit the file is fsync'ed
    and moved into place with ``os.replace``; on an exception it is removed and ``path``
    keeps its previous content.

    Args:
        path: final destination.
        suffix: suffix of the temporary file (some writers pick the format from it).
            Defaults to the suffix of ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix if suffix is None else suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as model.save refuse or misbehave on an existing file
    try:
        yield Path(tmp)
        if not os.path.exists(tmp):
            raise FileNotFoundError(f"the writer produced no file at {tmp}")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
    return Path(path)


def atomic_write_text(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path, obj, **kwargs):
    """Write ``obj`` as indented JSON to ``path`` atomically (numpy scalars and paths allowed)."""
    kwargs.setdefault("indent", 2)
    kwargs.setdefault("sort_keys", False)
    return atomic_write_text(path, json.dumps(obj, default=_json_default, **kwargs) + "\n")


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return repr(obj)
