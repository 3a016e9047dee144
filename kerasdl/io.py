"""Atomic file writing, public: the seam ``kerasdl.recipes`` and user code write files with.

Every file kerasdl writes goes to a temporary file beside its target and is moved into place
with ``os.replace``, so a crash never leaves a half-written file where a good one was. The
implementation lives in ``kerasdl/_io.py``; this module names what callers outside the
library may rely on::

    >>> import tempfile, pathlib
    >>> from kerasdl import io
    >>> path = io.atomic_write_json(pathlib.Path(tempfile.mkdtemp()) / "a.json", {"a": 1})
    >>> path.read_text()
    '{\\n  "a": 1\\n}'
"""

from kerasdl._io import atomic_write_json, atomic_write_text

__all__ = ["atomic_write_json", "atomic_write_text"]
