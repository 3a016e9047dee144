"""Downloading dataset files: pinned SHA-256, atomic placement, a cache folder, mirrors.

A download streams into a temporary file in the destination folder while its SHA-256 is
computed; only when the hash matches is it moved into place with ``os.replace`` (through
:func:`kerasdl._io.atomic_path`). A crash, a truncated transfer or a wrong hash never leaves a
file under the official name.

The cache folder is ``$KERASDL_DATA_DIR`` or ``~/.kerasdl/data``. Official URLs can be
replaced by mirrors: the ``mirror=`` option of :func:`kerasdl.data.load` or the
``KERASDL_DATASET_MIRROR`` environment variable (base URLs separated by spaces or commas; the
file name is appended to each).
"""

import hashlib
import http.client
import os
import socket
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kerasdl._io import atomic_path
from kerasdl.errors import ChecksumError, DatasetNotAvailableError

__all__ = ["RemoteFile", "cache_dir", "sha256_file", "verify_file", "fetch", "mirror_urls"]

MIRROR_ENV = "KERASDL_DATASET_MIRROR"
DATA_DIR_ENV = "KERASDL_DATA_DIR"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class RemoteFile:
    """A file with a pinned SHA-256 and the official URLs it can be downloaded from."""

    name: str
    sha256: str
    size: int
    urls: tuple


def cache_dir():
    """The cache folder: ``$KERASDL_DATA_DIR`` if set, else ``~/.kerasdl/data``."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).expanduser() if env else Path.home() / ".kerasdl" / "data"


def sha256_file(path):
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def verify_file(path, remote):
    """Raise ChecksumError unless ``path`` has the pinned SHA-256 of ``remote``."""
    digest = sha256_file(path)
    if digest != remote.sha256:
        size = os.path.getsize(path)
        hint = (f" It has {size} bytes instead of {remote.size} (truncated, or a different "
                f"file)." if size != remote.size else "")
        raise ChecksumError(
            f"{path}: SHA-256 {digest} does not match the official {remote.name} "
            f"({remote.sha256}).{hint} Delete the file so kerasdl downloads it again, or pass "
            f"verify=False to use it anyway.")
    return path


def mirror_urls(remote, mirror=None):
    """URLs to try for ``remote``: the mirror base URLs if any, else the official URLs."""
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV) or None
    if mirror is None:
        return list(remote.urls)
    if isinstance(mirror, str):
        bases = mirror.replace(",", " ").split()
    else:
        bases = [str(m) for m in mirror]
    if not bases:
        raise ValueError(f"`mirror` must name at least one base URL; received {mirror!r}.")
    return [b.rstrip("/") + "/" + remote.name for b in bases]


def fetch(remote, folder, *, mirror=None, timeout=30.0, progress=True):
    """Download ``remote`` into ``folder`` (verified, atomic) and return its path.

    Each URL is tried in turn. A transfer that fails (connection refused, timeout, cut short)
    moves on to the next URL; when none succeeds a DatasetNotAvailableError says which file to
    put where. A file whose SHA-256 differs is never moved into place; if no URL gave the right
    bytes a ChecksumError is raised.

    Args:
        remote: the :class:`RemoteFile`.
        folder: destination folder (created when missing).
        mirror: base URL(s) replacing the official URLs. Defaults to
            ``$KERASDL_DATASET_MIRROR`` or the official URLs.
        timeout: socket timeout in seconds. Defaults to 30.
        progress: print one line per download to stderr. Defaults to True.

    Returns:
        Path of the verified file.
    """
    folder = Path(folder)
    dest = folder / remote.name
    failures, bad_hash = [], []
    for url in mirror_urls(remote, mirror):
        try:
            _download(url, dest, remote, timeout=timeout, progress=progress)
            return dest
        except ChecksumError as e:
            bad_hash.append(f"{url}: {e}")
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError,
                ValueError) as e:
            failures.append(f"{url}: {_reason(e)}")
    if bad_hash:
        raise ChecksumError(
            f"Downloaded {remote.name} but its SHA-256 did not match the pinned "
            f"{remote.sha256} (the file was not kept):\n  " + "\n  ".join(bad_hash + failures))
    error = DatasetNotAvailableError(
        f"Could not download {remote.name} ({remote.size} bytes):\n  " + "\n  ".join(failures)
        + f"\nIf this machine is offline, copy the file {remote.name} into {folder} "
        f"(or pass data_dir= to the folder that holds it).")
    error.attempts = failures
    raise error


def _reason(e):
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code} {e.reason}"
    if isinstance(e, urllib.error.URLError):
        return f"{e.reason}"
    return f"{type(e).__name__}: {e}"


def _blocks(response):
    """The body of ``response`` in blocks; a connection cut short ends it early (not raised)."""
    while True:
        try:
            block = response.read(_CHUNK)
        except http.client.IncompleteRead as e:
            if e.partial:
                yield e.partial
            return
        if not block:
            return
        yield block


def _download(url, dest, remote, *, timeout, progress):
    if progress:
        print(f"kerasdl: downloading {url} -> {dest}", file=sys.stderr, flush=True)
    h = hashlib.sha256()
    received = 0
    request = urllib.request.Request(url, headers={"User-Agent": "kerasdl"})
    with atomic_path(dest) as tmp:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as f:
            for block in _blocks(response):
                h.update(block)
                f.write(block)
                received += len(block)
                if received > remote.size:
                    raise ChecksumError(f"the server sent more than the expected "
                                        f"{remote.size} bytes")
            declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and received < int(declared):
            # a dropped connection, not a bad file: the next URL (or call) may succeed
            raise ConnectionError(f"connection closed after {received} of {declared} bytes "
                                  f"(download incomplete)")
        digest = h.hexdigest()
        if digest != remote.sha256:
            note = (f" (received {received} of {remote.size} bytes: truncated)"
                    if received < remote.size else "")
            raise ChecksumError(f"SHA-256 {digest} != pinned {remote.sha256}{note}")
    return dest

