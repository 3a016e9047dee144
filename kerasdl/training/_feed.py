"""Phase 2 of a run: data preparation -- checked parts, the batch size, the batches of an epoch."""

import math
from dataclasses import dataclass

import keras
import numpy as np

from kerasdl._validation import describe, normalize_name
from kerasdl.training._data import EpochBatches, Parts, check_fits_model, prepare_data
from kerasdl.training._distribution import PaddedBatches, Placement
from kerasdl.training._labels import check_targets_fit_head

__all__ = ["Feed", "prepare_feed", "class_sample_weights"]


def class_sample_weights(class_weight, y, task, num_classes):
    """Per-sample weights from ``{class: weight}`` or ``"balanced"`` (None: no weights)."""
    if class_weight is None:
        return None
    if isinstance(class_weight, str):
        if normalize_name(class_weight) != "balanced":
            raise ValueError(f"`class_weight` must be a dict {{class: weight}}, 'balanced' or "
                             f"None; received {class_weight!r}.")
    elif not isinstance(class_weight, dict):
        raise TypeError(f"`class_weight` must be a dict {{class: weight}}, 'balanced' or None; "
                        f"received {describe(class_weight)}.")
    if task not in ("binary", "multiclass"):
        raise ValueError(f"`class_weight` applies to classification; the task is {task!r}.")
    labels = y.argmax(axis=1) if (y.ndim == 2 and y.shape[1] > 1) else y.reshape(-1)
    labels = labels.astype(int)
    k = int(num_classes or 2)
    if isinstance(class_weight, str):
        counts = np.bincount(labels, minlength=k).astype("float64")
        weights = np.where(counts > 0, len(labels) / (k * np.maximum(counts, 1)), 0.0)
        table = dict(enumerate(weights))
    else:
        bad = sorted(c for c in class_weight if not (isinstance(c, (int, np.integer))
                                                     and 0 <= c < k))
        if bad:
            raise ValueError(f"`class_weight` keys must be class indices in [0, {k}); "
                             f"received {bad}.")
        table = {int(c): float(w) for c, w in class_weight.items()}
        negative = [c for c, w in table.items() if not (w >= 0 and math.isfinite(w))]
        if negative:
            raise ValueError(f"`class_weight` values must be finite and >= 0; class "
                             f"{negative[0]} has {table[negative[0]]}.")
    lookup = np.array([table.get(c, 1.0) for c in range(k)], dtype="float32")
    return lookup[labels]


def _in_memory(array):
    return isinstance(array, np.ndarray) and not isinstance(array, np.memmap)


class _OffsetSequence(keras.utils.PyDataset):
    """A user PyDataset without its first ``offset`` batches (resume mid-epoch)."""

    def __init__(self, sequence, offset):
        super().__init__()
        self.sequence, self.offset = sequence, int(offset)

    def __len__(self):
        return len(self.sequence) - self.offset

    def __getitem__(self, index):
        return self.sequence[index + self.offset]


@dataclass
class Feed:
    """The training data of a run, ready for ``fit``.

    ``parts`` holds the checked arrays (or the user's PyDataset); ``batch_size`` and
    ``n_train`` are None for a PyDataset, which batches itself. ``epoch_batches`` is the
    :class:`EpochBatches` over the arrays (None for a PyDataset): its order for an epoch is
    a pure function of ``(seed, epoch)``, which exact resume relies on.
    """

    parts: Parts
    batch_size: int
    n_train: int
    batches_per_epoch: int
    epoch_batches: EpochBatches = None
    use_tf_data: bool = False
    placement: Placement = None

    def _placed(self, source):
        """``source`` with its batches padded for the replicas (data parallel runs)."""
        if self.placement is None or not self.placement.distributed:
            return source
        return PaddedBatches(source, self.placement)

    def epoch_source(self):
        """What ``fit`` trains on for whole epochs."""
        if self.epoch_batches is None:
            return self._placed(self.parts.train_sequence)
        if self.use_tf_data:
            return self.epoch_batches.as_tf_dataset()
        return self._placed(self.epoch_batches)

    def rest_of_epoch(self, epoch, start_batch):
        """The batches of ``epoch`` from ``start_batch`` on, as ``(fit input, EpochBatches)``
        (the second is None for a user PyDataset)."""
        if self.epoch_batches is None:
            rest = _OffsetSequence(self.parts.train_sequence, start_batch)
            return self._placed(rest), None
        full = self.epoch_batches
        partial = EpochBatches(full.x, full.y, full.batch_size, seed=full.seed,
                               shuffle=full.shuffle, sample_weight=full.sample_weight,
                               start_batch=start_batch, chunk_size=full.chunk_size,
                               x_dtype=full.x_dtype)
        partial.set_epoch(epoch)
        return (partial.as_tf_dataset() if self.use_tf_data else self._placed(partial)), partial


def _batch_size(settings, n_train):
    if settings.batch_rule == "full":
        return n_train
    if settings.batch_rule == "online":
        return 1
    return min(settings.batch_size or 32, n_train)


def prepare_feed(model, data, settings, placement=None):
    """Check ``data`` against ``model`` and plan the batches (see :class:`Feed`); under a
    data parallel ``placement`` the batches are padded for its replicas.

    Raises:
        TypeError / ValueError: for data that does not fit the model or the settings.
    """
    parts = prepare_data(model, data, validation_split=settings.validation_split,
                         seed=settings.seed)
    check_fits_model(model, parts)
    if parts.y_train is not None:
        check_targets_fit_head(model, parts.y_train)
    if parts.train_sequence is not None:
        if settings.batch_rule:
            raise ValueError(f"`optimizer={settings.optimizer_spec!r}` sets the batch size, "
                             f"which a PyDataset fixes itself; use 'minibatch_sgd'.")
        return Feed(parts=parts, batch_size=None, n_train=None,
                    batches_per_epoch=len(parts.train_sequence), placement=placement)
    n_train = parts.n_train
    batch_size = _batch_size(settings, n_train)
    weights = class_sample_weights(settings.class_weight, parts.y_train, parts.task,
                                   parts.num_classes)
    batches = EpochBatches(parts.x_train, parts.y_train, batch_size, seed=settings.seed,
                           shuffle=settings.shuffle, sample_weight=weights,
                           chunk_size=parts.chunk_size, x_dtype=parts.x_dtype)
    # a data parallel run pads its batches in Python (PaddedBatches), not in tf.data
    use_tf_data = (keras.backend.backend() == "tensorflow" and _in_memory(parts.x_train)
                   and _in_memory(parts.y_train)
                   and (placement is None or not placement.distributed))
    return Feed(parts=parts, batch_size=batch_size, n_train=n_train,
                batches_per_epoch=-(-n_train // batch_size), epoch_batches=batches,
                use_tf_data=use_tf_data, placement=placement)
