"""Phase 5 of a run: resume -- put a checkpoint's weights, optimizer and position back."""

from dataclasses import dataclass

import numpy as np

from kerasdl.callbacks import latest_checkpoint
from kerasdl.callbacks.internal import restore_checkpoint
from kerasdl.errors import CheckpointError

__all__ = ["ResumePoint", "run_info", "resume_run"]


@dataclass
class ResumePoint:
    """Where a resumed run continues: 0-based ``epoch``, ``batch`` within it, the
    checkpoint's ``meta`` and ``arrays`` and ``info`` (what ``RunResult`` reports)."""

    epoch: int
    batch: int
    meta: dict
    arrays: dict
    info: dict


def run_info(settings, feed):
    """The settings a checkpoint records, which a resumed run must share."""
    return {"seed": settings.seed, "batch_size": feed.batch_size, "n_train": feed.n_train,
            "shuffle": settings.shuffle, "batches_per_epoch": feed.batches_per_epoch,
            "epochs": settings.epochs}


def _compare_run(meta_run, info, path):
    diffs = [f"{k}={meta_run.get(k)!r} in the checkpoint but {info[k]!r} now"
             for k in ("seed", "batch_size", "n_train", "shuffle", "batches_per_epoch")
             if k in meta_run and meta_run.get(k) != info.get(k)]
    if diffs:
        raise CheckpointError(f"Checkpoint {str(path)!r} was made by a run with other settings: "
                              f"{'; '.join(diffs)}. Resume with the same data and settings, or "
                              f"start a new run_dir.")


def _build_metrics(model, x, y):
    """Create the compiled metrics' variables now (TensorFlow builds them lazily), so the
    partial-epoch accumulators of a checkpoint can be put back before the first batch."""
    x, y = np.asarray(x), np.asarray(y)
    model.compute_metrics(x, y, model(x, training=False), sample_weight=None)
    model.reset_metrics()


def resume_run(model, checkpoints, info, parts):
    """Restore the newest good checkpoint in ``checkpoints`` into the compiled ``model``.

    Raises:
        CheckpointError: no readable checkpoint, or one of another model or run settings.
    """
    path, meta, arrays, skipped = latest_checkpoint(checkpoints)
    _compare_run(meta.get("run", {}), info, path)
    restore_checkpoint(model, path, meta, arrays)
    epoch, batch = int(meta["epoch"]), int(meta["batch"])
    if batch and parts.x_train is not None:
        _build_metrics(model, parts.x_train[:1], parts.y_train[:1])
    return ResumePoint(epoch=epoch, batch=batch, meta=meta, arrays=arrays,
                       info={"checkpoint": str(path), "epoch": epoch, "batch": batch,
                             "skipped_damaged": [str(p) for p, _ in skipped]})
