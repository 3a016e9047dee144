"""Chunked (online) learning: ``chunks`` over arrays and ``MemmapSource`` over ``.npy`` files.

The textbook case: a million rows trained 100k at a time. :class:`MemmapSource` opens ``.npy``
files with ``mmap_mode="r"``, so only the chunk being used is read into memory.
"""

import os
from pathlib import Path

import numpy as np

from kerasdl._validation import (check_array, check_bool, check_finite, check_int, check_param,
                                 check_positive_int, check_same_length, check_type)
from kerasdl.errors import DamagedFileError

__all__ = ["chunks", "MemmapSource"]


def _chunk_order(n_chunks, shuffle, seed, epoch):
    if not shuffle:
        return np.arange(n_chunks)
    return np.random.default_rng([seed, epoch]).permutation(n_chunks)


def chunks(x, y=None, size=None, *, shuffle=False, seed=0):
    """Yield consecutive ``(x_chunk, y_chunk)`` slices of at most ``size`` samples.

    Slices are views: on a memory-mapped array nothing is read until the chunk is used.

    Args:
        x: inputs (an array, or a memory-mapped array).
        y: targets with as many samples, or None (then ``x`` chunks are yielded alone).
        size: samples per chunk (the last one may be smaller).
        shuffle: visit the chunks in a seeded random order (samples inside a chunk keep their
            order). Defaults to False.
        seed: seed of the chunk order. Defaults to 0.

    Yields:
        ``(x_chunk, y_chunk)``, or ``x_chunk`` when ``y`` is None.

    Raises:
        ValueError: lengths differ, data is empty, or ``size`` < 1.

    Example:

    >>> import numpy as np
    >>> [len(cx) for cx, cy in chunks(np.zeros((10, 2)), np.zeros(10), 4)]
    [4, 4, 2]
    """
    if size is None:
        raise TypeError("chunks() missing the chunk `size` (samples per chunk).")
    size = check_positive_int("size", size)
    if not isinstance(x, np.ndarray):
        x = check_array("x", x)
    elif len(x) == 0:
        raise ValueError(f"`x` is empty (shape {x.shape}); at least one sample is needed.")
    if y is not None:
        if not isinstance(y, np.ndarray):
            y = check_array("y", y)
        check_same_length("x", x, "y", y)
    shuffle = check_bool("shuffle", shuffle)
    seed = check_param("seed", seed)
    n_chunks = -(-len(x) // size)
    for i in _chunk_order(n_chunks, shuffle, seed, 0):
        sl = slice(int(i) * size, (int(i) + 1) * size)
        yield x[sl] if y is None else (x[sl], y[sl])


def _open_npy(name, path):
    check_type(name, path, (str, os.PathLike))
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"`{name}` {str(path)!r} does not exist.")
    try:
        arr = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as e:  # noqa: BLE001 - numpy raises many types on a damaged header
        raise DamagedFileError(f"{path}: could not be opened as a .npy array ({type(e).__name__}"
                               f": {e}).") from None
    if not isinstance(arr, np.ndarray):
        raise DamagedFileError(f"{path}: is an archive, not a single .npy array.")
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` {str(path)!r} must hold numbers; its dtype is {arr.dtype}.")
    if arr.ndim == 0 or len(arr) == 0:
        raise ValueError(f"`{name}` {str(path)!r} is empty (shape {arr.shape}).")
    return path, arr


class MemmapSource:
    """Chunks of on-disk ``.npy`` arrays, read one at a time (bounded memory).

    The arrays are opened memory-mapped (``mmap_mode="r"``); iterating yields
    ``(x_chunk, y_chunk)`` numpy arrays of ``chunk_size`` samples, each read from disk when it
    is reached, converted to ``dtype`` and checked for NaN/inf. Memory use is about one chunk,
    whatever the file size. Iterate again for another epoch (with ``shuffle=True`` each epoch
    visits the chunks in a new, seeded order).

    Args:
        x_path: ``.npy`` file of inputs (samples on the first axis).
        y_path: ``.npy`` file of targets, or None. Defaults to None.
        chunk_size: samples per chunk. Defaults to 100_000.
        shuffle: visit chunks in a seeded random order that changes each epoch. Defaults to
            False.
        seed: seed of the chunk order. Defaults to 0.
        dtype: dtype of the yielded inputs. Defaults to "float32".
        check_finite: raise on NaN/inf in a chunk. Defaults to True.

    Example:

    >>> import numpy as np, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> np.save(os.path.join(d, "x.npy"), np.ones((10, 3)))
    >>> np.save(os.path.join(d, "y.npy"), np.zeros(10))
    >>> source = MemmapSource(os.path.join(d, "x.npy"), os.path.join(d, "y.npy"), chunk_size=4)
    >>> len(source), [len(cx) for cx, cy in source]
    (3, [4, 4, 2])
    """

    def __init__(self, x_path, y_path=None, *, chunk_size=100_000, shuffle=False, seed=0,
                 dtype="float32", check_finite=True):
        self.x_path, self.x = _open_npy("x_path", x_path)
        self.y_path, self.y = (None, None) if y_path is None else _open_npy("y_path", y_path)
        if self.y is not None:
            check_same_length("x_path", self.x, "y_path", self.y)
        self.chunk_size = check_positive_int("chunk_size", chunk_size)
        self.shuffle = check_bool("shuffle", shuffle)
        self.seed = check_param("seed", seed)
        self.dtype = np.dtype(dtype)
        self.check_finite = check_bool("check_finite", check_finite)
        self.epoch = 0

    @property
    def num_samples(self):
        """Number of samples in the files."""
        return int(len(self.x))

    @property
    def input_shape(self):
        """Shape of one input sample."""
        return tuple(int(d) for d in self.x.shape[1:])

    def __len__(self):
        """Number of chunks."""
        return -(-self.num_samples // self.chunk_size)

    def chunk(self, index):
        """Read chunk ``index`` into memory: ``(x_chunk, y_chunk)`` (or ``x_chunk``)."""
        index = check_int("index", index, min_value=0, max_value=len(self) - 1)
        sl = slice(index * self.chunk_size, (index + 1) * self.chunk_size)
        x = np.array(self.x[sl], dtype=self.dtype)
        if self.check_finite:
            check_finite(f"x chunk {index} of {self.x_path.name}", x)
        if self.y is None:
            return x
        y = np.array(self.y[sl])
        if self.check_finite:
            check_finite(f"y chunk {index} of {self.y_path.name}", y)
        return x, y

    def __iter__(self):
        order = _chunk_order(len(self), self.shuffle, self.seed, self.epoch)
        self.epoch += 1
        for i in order:
            yield self.chunk(int(i))

    def __repr__(self):
        return (f"MemmapSource({str(self.x_path)!r}, {self.num_samples} samples, "
                f"{len(self)} chunks of {self.chunk_size})")
