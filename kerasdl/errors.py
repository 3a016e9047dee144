"""Exceptions raised by kerasdl.

Every error kerasdl raises for bad input is a ``ValueError`` or ``TypeError`` (or a
subclass below), raised at the public boundary before any backend work, with a message
that names the argument, the value received and what is allowed.
"""

__all__ = [
    "KerasdlError",
    "ChecksumError",
    "DamagedFileError",
    "DatasetNotAvailableError",
    "NonFiniteLossError",
    "SecurityError",
    "CheckpointError",
    "RunFolderInUseError",
]


class KerasdlError(Exception):
    """Base class of the errors that only kerasdl raises."""


class ChecksumError(KerasdlError, ValueError):
    """A file's SHA-256 does not match the pinned value (corrupt, truncated or wrong file)."""


class DamagedFileError(KerasdlError, ValueError):
    """A file exists but is damaged or truncated (not a missing file)."""


class DatasetNotAvailableError(KerasdlError, FileNotFoundError):
    """A downloadable dataset is not on disk and cannot be downloaded (e.g. offline)."""


class NonFiniteLossError(KerasdlError, FloatingPointError):
    """Training produced a NaN or infinite loss."""


class SecurityError(KerasdlError, ValueError):
    """kerasdl refused to load a file that could run code (opt in with ``trust_source=True``)."""


class CheckpointError(KerasdlError, ValueError):
    """A checkpoint is missing, damaged, or belongs to a different model."""


class RunFolderInUseError(KerasdlError, RuntimeError):
    """Another process is writing the run folder (it holds ``RUN_DIR/.kerasdl.lock``)."""
