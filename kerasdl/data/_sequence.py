"""Batch sources for ``model.fit``: ``ArraySequence`` (every backend) and ``to_tf_dataset``.

``ArraySequence`` is a ``keras.utils.PyDataset``, so it works with ``model.fit`` on
TensorFlow, JAX and PyTorch alike. ``to_tf_dataset`` builds a ``tf.data`` pipeline (cache,
shuffle, batch, prefetch with AUTOTUNE) for the TensorFlow backend; TensorFlow is imported only
when it is called.
"""

import keras
import numpy as np

from kerasdl._validation import (check_array, check_bool, check_choice, check_int, check_param,
                                 check_positive_int, check_same_length)
from kerasdl.data._dataset import Dataset

__all__ = ["ArraySequence", "to_tf_dataset"]


def _resolve(x, y, part):
    if isinstance(x, Dataset):
        if y is not None:
            raise ValueError("Pass either a Dataset or arrays `x`, `y`; received a Dataset "
                             "and `y`.")
        part = check_choice("part", part, ("train", "val", "test"))
        parts = x.parts()
        if part not in parts:
            raise ValueError(f"Dataset {x.name!r} has no {part!r} part; it has "
                             f"{sorted(parts)}.")
        return parts[part]
    return x, y


class ArraySequence(keras.utils.PyDataset):
    """Batches of numpy arrays for ``model.fit`` on every backend, shuffled per epoch by seed.

    The samples are visited in the order ``default_rng([seed, epoch]).permutation(n)``, where
    ``epoch`` counts the calls of ``on_epoch_end`` (Keras calls it after every epoch, and once
    when it sets the dataset up), so a run is reproducible on every backend and every epoch
    sees a new order. ``set_epoch`` jumps to a given order (e.g. when resuming). Works on
    memory-mapped arrays too (each batch is read when requested).

    Args:
        x: inputs, or a :class:`Dataset` (then ``part`` picks train, val or test).
        y: targets, or None (for ``predict``). Defaults to None.
        batch_size: samples per batch (the last batch may be smaller). Defaults to 32.
        shuffle: reshuffle every epoch. Defaults to True.
        seed: seed of the order. Defaults to 0.
        part: part of a Dataset ``x``. Defaults to "train".
        sample_weight: per-sample weights, or None. Defaults to None.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` of
            ``keras.utils.PyDataset``.

    Example:

    >>> import numpy as np
    >>> seq = ArraySequence(np.zeros((10, 2)), np.zeros(10), batch_size=4)
    >>> len(seq), seq[2][0].shape
    (3, (2, 2))
    """

    def __init__(self, x, y=None, *, batch_size=32, shuffle=True, seed=0, part="train",
                 sample_weight=None, **kwargs):
        allowed = {"workers", "use_multiprocessing", "max_queue_size"}
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            raise TypeError(f"ArraySequence got unknown argument(s) {unknown}; allowed: "
                            f"{sorted(allowed)}.")
        super().__init__(**kwargs)
        x, y = _resolve(x, y, part)
        self.x = x if isinstance(x, np.ndarray) else check_array("x", x)
        if len(self.x) == 0:
            raise ValueError(f"`x` is empty (shape {self.x.shape}); at least one sample is "
                             f"needed.")
        self.y = None if y is None else (y if isinstance(y, np.ndarray) else check_array("y", y))
        if self.y is not None:
            check_same_length("x", self.x, "y", self.y)
        self.sample_weight = None
        if sample_weight is not None:
            self.sample_weight = check_array("sample_weight", sample_weight, ndim=1)
            check_same_length("x", self.x, "sample_weight", self.sample_weight)
        self.batch_size = check_param("batch_size", batch_size)
        self.shuffle = check_bool("shuffle", shuffle)
        self.seed = check_param("seed", seed)
        self.epoch = 0
        self._order = self._make_order()

    def _make_order(self):
        n = len(self.x)
        if not self.shuffle:
            return np.arange(n)
        return np.random.default_rng([self.seed, self.epoch]).permutation(n)

    @property
    def num_batches(self):
        return -(-len(self.x) // self.batch_size)

    def __len__(self):
        return self.num_batches

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches.")
        idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        if self.shuffle:
            idx = np.sort(idx)  # same batch; sorted reads are faster on memory-mapped arrays
        xb = np.asarray(self.x[idx])
        if self.y is None:
            return (xb,)
        yb = np.asarray(self.y[idx])
        if self.sample_weight is not None:
            return xb, yb, np.asarray(self.sample_weight[idx])
        return xb, yb

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._make_order()

    def set_epoch(self, epoch):
        """Jump to epoch ``epoch``'s order (e.g. when resuming training)."""
        self.epoch = check_int("epoch", epoch, min_value=0)
        self._order = self._make_order()


def to_tf_dataset(x, y=None, *, batch_size=32, shuffle=True, seed=0, cache=True,
                  prefetch=True, drop_remainder=False, buffer_size=None, part="train"):
    """A ``tf.data.Dataset`` over arrays: cache, shuffle, batch, prefetch(AUTOTUNE).

    For the TensorFlow backend (``model.fit`` also accepts it under JAX, iterating on the
    host). TensorFlow is imported when this function is called, never at ``import kerasdl``.

    Args:
        x: inputs, or a :class:`Dataset` (then ``part`` picks the part).
        y: targets, or None. Defaults to None.
        batch_size: samples per batch. Defaults to 32.
        shuffle: reshuffle every epoch with the seed. Defaults to True.
        seed: shuffle seed. Defaults to 0.
        cache: cache the elements after the first pass. Defaults to True.
        prefetch: prefetch batches with ``tf.data.AUTOTUNE``. Defaults to True.
        drop_remainder: drop a last smaller batch. Defaults to False.
        buffer_size: shuffle buffer. Defaults to None (the whole set: a full shuffle).
        part: part of a Dataset ``x``. Defaults to "train".

    Returns:
        A batched ``tf.data.Dataset`` of ``(x, y)`` (or ``x``) tuples.
    """
    x, y = _resolve(x, y, part)
    x = check_array("x", x)
    if y is not None:
        y = check_array("y", y)
        check_same_length("x", x, "y", y)
    batch_size = check_param("batch_size", batch_size)
    shuffle = check_bool("shuffle", shuffle)
    seed = check_param("seed", seed)
    cache = check_bool("cache", cache)
    prefetch = check_bool("prefetch", prefetch)
    drop_remainder = check_bool("drop_remainder", drop_remainder)
    buffer_size = check_positive_int("buffer_size", buffer_size, allow_none=True)

    import tensorflow as tf  # TF-specific feature: imported lazily

    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(buffer_size or len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds
