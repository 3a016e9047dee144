"""The run folder's life: one writer at a time, resume or overwrite, refused early when unwritable.

:func:`open_run_folder` is what ``kerasdl.train`` holds for the life of a run. It

- creates the folder and checks it can be written, before any model work (a read-only
  folder is refused with a ``PermissionError`` that says so);
- takes an exclusive lock, ``RUN_DIR/.kerasdl.lock`` (``fcntl.flock``: the kernel releases
  it when the process ends, even after ``kill -9``, so a stale file never blocks the next
  run). A second writer gets :class:`kerasdl.errors.RunFolderInUseError` naming the folder
  and the process holding it. Readers (``kerasdl report``) take no lock;
- decides what to do with a previous run: ``resume=True`` continues it, ``overwrite=True``
  deletes the files a kerasdl run writes (never anything else), ``resume="auto"`` continues
  an interrupted run and starts in an empty folder; with neither, a folder that holds a run
  is refused with a message naming both options.
"""

import errno
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kerasdl.callbacks import list_checkpoints
from kerasdl.errors import RunFolderInUseError

__all__ = ["RunFolder", "open_run_folder", "follow_run_folder", "run_state", "LOCK_NAME", "CHECKPOINT_DIR",
           "RUN_FILES"]

LOCK_NAME = ".kerasdl.lock"
CHECKPOINT_DIR = "checkpoints"
# everything a kerasdl run writes at the top of its folder (overwrite deletes these only)
RUN_FILES = ("checkpoints", "config.json", "history.csv", "metrics.json", "model.keras",
             "plots", "report.html", "logs", "export")


def run_state(run_dir):
    """``"finished"`` (``metrics.json``), ``"interrupted"`` (checkpoints, no metrics) or
    ``"empty"`` for the run folder ``run_dir`` (a missing folder is empty)."""
    run_dir = Path(run_dir)
    if (run_dir / "metrics.json").is_file():
        return "finished"
    if list_checkpoints(run_dir / CHECKPOINT_DIR):
        return "interrupted"
    return "empty"


def _run_files(run_dir, *, empty_folders=True):
    """The files and folders of ``RUN_FILES`` present in ``run_dir``."""
    found = [run_dir / name for name in RUN_FILES if (run_dir / name).exists()]
    if not empty_folders:
        found = [p for p in found if not (p.is_dir() and not any(p.iterdir()))]
    return found


@dataclass
class RunFolder:
    """A locked run folder: ``path``, its ``checkpoints`` folder (or None) and whether the
    run continues from a checkpoint (``resume``: True, or False to start afresh)."""

    path: Path
    checkpoints: Path = None
    resume: bool = False


def _probe_writable(folder):
    """Create and delete a file in ``folder``; raise PermissionError saying it is read-only."""
    probe = folder / f".kerasdl-write-test-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise PermissionError(
            e.errno or errno.EACCES,
            f"The run folder {str(folder)!r} cannot be written ({e.strerror or e}); nothing "
            f"was trained. Make it writable or choose another run_dir.") from e


def _make_folder(path):
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise type(e)(e.errno, f"The run folder {str(path)!r} cannot be created "
                               f"({e.strerror or e}); nothing was trained. Choose another "
                               f"run_dir.") from e
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"`run_dir` {str(path)!r} is a file, not a "
                                                f"folder; choose another run_dir.")
    return created


def _lock_file(fd):
    """Take an exclusive, non-blocking lock on ``fd``; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: a byte-range lock on the file's first byte
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise


def _holder(lock_path):
    try:
        info = json.loads(lock_path.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another process (it has not written its name yet)"
    return (f"process {info['pid']} on host {info.get('host', '?')}, started "
            f"{info.get('started', '?')}")


def _acquire(lock_path):
    """Lock ``lock_path``; the file then names this process. Returns the open descriptor.

    The lock file is written in place, not through an atomic replace: the lock belongs to
    the file's inode, so replacing the file would drop it. After locking, the path must
    still name the locked inode (a finishing holder unlinks it); else we lock again.
    """
    for _ in range(20):
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        if not _lock_file(fd):
            os.close(fd)
            raise RunFolderInUseError(
                f"The run folder {str(lock_path.parent)!r} is in use by {_holder(lock_path)}: "
                f"only one run may write a folder at a time. Wait for that run to end, or "
                f"choose another run_dir. (Reading the folder, e.g. `kerasdl report`, works "
                f"meanwhile.)")
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path))
        except FileNotFoundError:
            same = False
        if same:
            info = {"pid": os.getpid(), "host": socket.gethostname(),
                    "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(info).encode())
            return fd
        os.close(fd)
    raise RunFolderInUseError(f"Could not lock the run folder {str(lock_path.parent)!r}: "
                              f"other runs keep replacing its lock file.")


def _release(fd, lock_path):
    try:
        os.unlink(lock_path)  # while still locked: nobody can hold this inode after us
    except OSError:
        pass
    os.close(fd)


def _previous_run(path, checkpoints):
    """Describe what a folder holds of an earlier run, or None when it holds nothing."""
    existing = list_checkpoints(checkpoints) if checkpoints is not None else []
    if existing:
        return f"already holds checkpoints of a run ({existing[-1].name})"
    if (path / "metrics.json").is_file():
        return "already holds a finished run (metrics.json)"
    # a run killed before its first checkpoint leaves an empty checkpoints/ (or one with a
    # half-written temporary): no run to keep
    files = [p for p in _run_files(path, empty_folders=False) if p.name != CHECKPOINT_DIR]
    if files:
        return f"already holds files of a run ({', '.join(sorted(p.name for p in files))})"
    return None


def _decide(path, checkpoints, resume, overwrite):
    """True to resume, False to start afresh (after deleting the old run when ``overwrite``)."""
    previous = _previous_run(path, checkpoints)
    if overwrite:
        for p in _run_files(path):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        return False
    if resume is True:
        return True
    resumable = checkpoints is not None and bool(list_checkpoints(checkpoints))
    if resume == "auto" and (resumable or previous is None):
        return resumable
    if previous is None:
        return False
    fix = ("Pass resume=True to continue it, overwrite=True to start it again (its files are "
           "deleted), or choose a new run_dir.") if resumable else (
        "It cannot be resumed (no checkpoints). Pass overwrite=True to start it again (its "
        "files are deleted), or choose a new run_dir.")
    raise ValueError(f"`run_dir` {str(path)!r} {previous}. {fix}")


@contextmanager
def open_run_folder(run_dir, *, resume=False, overwrite=False, checkpoints=True):
    """Hold the run folder ``run_dir`` for one run (see the module docstring).

    Args:
        run_dir: the folder (created if missing).
        resume: False, True or ``"auto"``. Defaults to False.
        overwrite: delete a previous run's files first. Defaults to False.
        checkpoints: whether the run writes checkpoints. Defaults to True.

    Yields:
        A :class:`RunFolder`.

    Raises:
        RunFolderInUseError: another process holds the folder.
        PermissionError: the folder (or its checkpoints folder) cannot be written.
        ValueError: the folder holds a run and neither ``resume`` nor ``overwrite`` is set.
    """
    path = Path(run_dir)
    created = _make_folder(path)
    ckpt_dir = path / CHECKPOINT_DIR if checkpoints else None
    _probe_writable(path)
    fd = _acquire(path / LOCK_NAME)
    try:
        if ckpt_dir is not None and ckpt_dir.is_dir():
            _probe_writable(ckpt_dir)
        do_resume = _decide(path, ckpt_dir, resume, overwrite)
        yield RunFolder(path=path, checkpoints=ckpt_dir, resume=do_resume)
    finally:
        _release(fd, path / LOCK_NAME)
        if created and not any(path.iterdir()):
            path.rmdir()  # a run refused before writing anything leaves no empty folder


def follow_run_folder(run_dir, *, resume=False, overwrite=False, checkpoints=True):
    """The run folder as a process other than the writer sees it (data parallel training
    over several processes: only process 0 holds the lock and writes).

    Nothing is locked, created or deleted; the decision to resume is the writer's: True for
    ``resume=True``, for ``"auto"`` when checkpoints exist; False with ``overwrite`` (the
    writer deletes the old run) and for an empty folder.

    Raises:
        ValueError: the folder holds a run and neither ``resume`` nor ``overwrite`` is set
            (the writer refuses it too).
    """
    path = Path(run_dir)
    ckpt_dir = path / CHECKPOINT_DIR if checkpoints else None
    if overwrite:
        return RunFolder(path=path, checkpoints=ckpt_dir, resume=False)
    resumable = ckpt_dir is not None and bool(list_checkpoints(ckpt_dir))
    if resume is True or (resume == "auto" and resumable):
        return RunFolder(path=path, checkpoints=ckpt_dir, resume=True)
    previous = _previous_run(path, ckpt_dir) if path.is_dir() else None
    if previous is not None and resume is False:
        raise ValueError(f"`run_dir` {str(path)!r} {previous}. Pass resume=True to continue "
                         f"it, overwrite=True to start it again, or choose a new run_dir.")
    return RunFolder(path=path, checkpoints=ckpt_dir, resume=False)
