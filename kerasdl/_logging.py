"""Keep the backends' log noise out of the user's terminal (``KERASDL_LOG_LEVEL``).

Importing TensorFlow prints C++ log lines even on a healthy machine: "Could not find cuda
drivers", "This TensorFlow binary is optimized to use available CPU instructions", "failed
call to cuInit" on a machine without a GPU. ``TF_CPP_MIN_LOG_LEVEL`` silences most of them,
but not all: TensorFlow's shared libraries log through absl *before* ``absl::InitializeLog()``
runs (at static-initialization time, during ``import tensorflow``), and absl writes those lines
to standard error whatever TensorFlow's level says ("WARNING: All log messages before
absl::InitializeLog() is called are written to STDERR", then the cudart_stub line; twice,
because two of TensorFlow's libraries carry their own copy). No environment variable reaches
them, so while TensorFlow is imported the standard-error file descriptor goes through a filter
that drops exactly those known lines and passes everything else through unchanged. Multi-model
runs add the Python warning "N out of the last N calls to <function> triggered tf.function
retracing": a filter on the ``tensorflow`` logger drops that message and no other.

Levels (``KERASDL_LOG_LEVEL``, or ``kerasdl --verbose`` / ``--log-level`` on the command line):

    quiet    (default) backend C++ logs off except fatal ones, import noise and retracing
             warnings dropped. Python warnings, TensorFlow's other Python warnings and every
             exception still reach you.
    error    backend C++ errors shown (TF_CPP_MIN_LOG_LEVEL=2), import noise dropped.
    warning  C++ warnings too (TF_CPP_MIN_LOG_LEVEL=1); nothing dropped.
    info     everything the backends print (TF_CPP_MIN_LOG_LEVEL=0): the stock behaviour.
    debug    as info, and TensorFlow's Python logger at DEBUG.

With the default level, a ``TF_CPP_MIN_LOG_LEVEL`` you set yourself is kept (the default is only
applied with ``os.environ.setdefault``); an explicit ``KERASDL_LOG_LEVEL`` sets it. Nothing here
hides a device: ``CUDA_VISIBLE_DEVICES`` is never touched. Applied by ``import kerasdl`` (cheap:
no backend is imported here) and by the CLI.
"""

import importlib.abc
import importlib.machinery
import logging
import os
import re
import sys
import threading
from contextlib import contextmanager

__all__ = ["LEVELS", "log_level", "configure", "filtered_stderr", "is_noise"]

ENV = "KERASDL_LOG_LEVEL"
LEVELS = ("debug", "info", "warning", "error", "quiet")
DEFAULT = "quiet"
_TF_CPP = {"debug": "0", "info": "0", "warning": "1", "error": "2", "quiet": "3"}
_FILTERING = ("error", "quiet")  # levels that drop the known noise lines

# absl's C++ log line: severity letter, MMDD, time, thread id, file:line] message
_ABSL_LINE = re.compile(rb"^([IWEF])\d{4} [\d:.]+\s+\d+ ([\w.]+):\d+\] (.*)$")
_NOISE_EXACT = (
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
)
_NOISE_PREFIX = (
    # the second line of cpu_feature_guard's message (TensorFlow prints it without a prefix)
    b"To enable the following instructions:",
)
# absl I/W lines printed during import (before TF's own level applies), by source file.
_NOISE_FILES = {b"cudart_stub.cc", b"cpu_feature_guard.cc", b"port.cc", b"cuda_dnn.cc",
                b"cuda_fft.cc", b"cuda_blas.cc", b"cuda_executor.cc", b"cuda_platform.cc",
                b"gpu_device.cc", b"xla_bridge.py", b"computation_placer.cc",
                b"common_lib.cc"}
_RETRACING = "triggered tf.function retracing"


def log_level():
    """The level in effect: ``KERASDL_LOG_LEVEL`` (case-insensitive) or ``"quiet"``.

    Raises:
        ValueError: for a value that is not one of :data:`LEVELS`.
    """
    raw = os.environ.get(ENV, "").strip().lower()
    if not raw:
        return DEFAULT
    if raw not in LEVELS:
        raise ValueError(f"`{ENV}` must be one of {', '.join(LEVELS)}; received "
                         f"{os.environ[ENV]!r}.")
    return raw


def _gpu_present():
    """True when this machine exposes an NVIDIA device node (the cuInit error then matters)."""
    return os.path.exists("/dev/nvidiactl") or os.path.exists("/proc/driver/nvidia")


def is_noise(line):
    """True for a standard-error line (bytes, no newline) that the quiet levels drop.

    Known import-time lines only: absl's "before InitializeLog" header, info and warning
    lines from TensorFlow's startup sources (CUDA stubs, CPU features), their continuation
    line, and the cuInit error when the machine has no GPU. Any other line (tracebacks,
    Python warnings, other errors) is kept.
    """
    line = line.rstrip(b"\r")
    if line in _NOISE_EXACT or line.startswith(_NOISE_PREFIX):
        return True
    match = _ABSL_LINE.match(line)
    if not match:
        return False
    severity, source, message = match.groups()
    if severity in (b"I", b"W"):
        return source in _NOISE_FILES
    if severity == b"E" and b"cuInit" in message:
        return not _gpu_present() or os.environ.get("CUDA_VISIBLE_DEVICES") == ""
    return False


@contextmanager
def filtered_stderr(drop=is_noise):
    """Route file descriptor 2 through a filter that drops lines for which ``drop`` is true.

    Catches what C++ libraries write directly to the descriptor, which ``sys.stderr``
    redirection cannot. Lines pass through in order; the filter is removed on exit (also on
    an exception). Where the descriptor cannot be duplicated, nothing is filtered.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        read_end, write_end = os.pipe()
    except (OSError, AttributeError, ValueError):
        yield
        return

    def pump():
        pending = b""
        while True:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = b"".join(line + b"\n" for line in lines if not drop(line))
            if kept:
                os.write(saved, kept)
        if pending and not drop(pending):
            os.write(saved, pending)

    os.dup2(write_end, 2)
    os.close(write_end)
    thread = threading.Thread(target=pump, name="kerasdl-stderr-filter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)  # the pipe's last write end closes: the pump sees end of file
        thread.join(timeout=5)
        os.close(read_end)
        os.close(saved)


class _RetracingFilter(logging.Filter):
    """Drops TensorFlow's "N out of the last N calls ... triggered tf.function retracing"."""

    def filter(self, record):
        try:
            return _RETRACING not in record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is not ours to judge
            return True


class _QuietLoader(importlib.abc.Loader):
    """Runs the real loader of ``tensorflow`` with standard error filtered."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # get_resource_reader, is_package, get_data ...
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with filtered_stderr():
            self._loader.exec_module(module)


class _QuietImportFinder(importlib.abc.MetaPathFinder):
    """Wraps the first import of ``tensorflow`` in :func:`filtered_stderr`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow" or log_level() not in _FILTERING:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _QuietLoader(spec.loader)
        return spec


_FINDER = _QuietImportFinder()
_RETRACING_FILTER = _RetracingFilter()


def configure(level=None):
    """Apply a log level before (or after) the backend is imported; returns the level.

    Args:
        level: one of :data:`LEVELS`, or None to read ``KERASDL_LOG_LEVEL`` (default
            "quiet"). A level given here is also written to ``KERASDL_LOG_LEVEL`` so that
            the import hook and child processes see it. Defaults to None.

    Raises:
        ValueError: for an unknown level.
    """
    explicit = level is not None or bool(os.environ.get(ENV, "").strip())
    if level is not None:
        from kerasdl._validation import check_choice

        os.environ[ENV] = check_choice("log_level", str(level).lower(), LEVELS)
    level = log_level()
    if explicit:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = _TF_CPP[level]
    else:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", _TF_CPP[level])
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR" if level in _FILTERING else "INFO")
    tf_logger = logging.getLogger("tensorflow")  # the logger tf.get_logger() returns
    if level == "quiet":
        if _RETRACING_FILTER not in tf_logger.filters:
            tf_logger.addFilter(_RETRACING_FILTER)
    else:
        tf_logger.removeFilter(_RETRACING_FILTER)
        if level == "debug":
            tf_logger.setLevel(logging.DEBUG)
    if level in _FILTERING and "tensorflow" not in sys.modules:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)
    elif _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    return level
