"""Turn what the user passes as ``data`` into training / validation / test parts.

Training batches come from :class:`EpochBatches`, a ``keras.utils.PyDataset`` whose batch
order for epoch ``e`` is a pure function of ``(seed, e)``: that is what makes exact resume
possible (the rest of an interrupted epoch is the same batches as in the uninterrupted run).
Batches are gathered from the arrays on demand, so ``numpy.memmap`` inputs are read chunk
by chunk and never loaded whole.
"""

from dataclasses import dataclass

import keras
import numpy as np

from kerasdl._validation import (check_array, check_finite, check_labels, check_same_length,
                                 describe)

__all__ = ["Parts", "EpochBatches", "prepare_data", "model_output_units", "all_layers"]

_FINITE_CHUNK = 65536


@dataclass
class Parts:
    """Normalized data: arrays (or a PyDataset for training) and the task."""

    x_train: object = None
    y_train: object = None
    x_val: object = None
    y_val: object = None
    x_test: object = None
    y_test: object = None
    train_sequence: object = None  # a user PyDataset (then x_train/y_train are None)
    chunk_size: int = None  # read the training arrays chunk by chunk (MemmapSource)
    x_dtype: object = None
    task: str = None
    num_classes: int = None
    label_format: str = None
    dataset: object = None  # the kerasdl Dataset, when one was given

    @property
    def n_train(self):
        if self.train_sequence is not None:
            return None
        return int(len(self.x_train))

    def eval_part(self):
        """("test", x, y), else ("val", x, y), else None."""
        if self.x_test is not None:
            return "test", self.x_test, self.y_test
        if self.x_val is not None:
            return "val", self.x_val, self.y_val
        return None


class EpochBatches(keras.utils.PyDataset):
    """Mini-batches over arrays, in an order that depends only on ``(seed, epoch)``.

    Args:
        x, y: arrays (or ``numpy.memmap``) of the same length.
        batch_size: samples per batch (the last batch may be smaller).
        seed: seed of the shuffle. Defaults to 0.
        shuffle: shuffle each epoch. Defaults to True.
        sample_weight: per-sample weights or None.
        start_batch: skip the first batches of the epoch (resume). Defaults to 0.
    """

    def __init__(self, x, y, batch_size, *, seed=0, shuffle=True, sample_weight=None,
                 start_batch=0, chunk_size=None, x_dtype=None):
        super().__init__(workers=1, use_multiprocessing=False)
        self.x, self.y = x, y
        self.chunk_size = None if chunk_size is None else int(chunk_size)
        self.x_dtype = x_dtype
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.shuffle = bool(shuffle)
        self.sample_weight = sample_weight
        self.start_batch = int(start_batch)
        self.epoch = 0
        self._order_epoch = None
        self._order = None
        self._tf_order = None

    def set_epoch(self, epoch):
        """Serve the batches of ``epoch`` from now on (called at each epoch's start)."""
        self.epoch = int(epoch)
        if self._tf_order is not None:
            self._tf_order.assign(self.order(self.epoch).astype("int64"))

    def as_tf_dataset(self):
        """The same batches as a ``tf.data.Dataset`` (TensorFlow backend, in-memory arrays).

        Keras feeds a PyDataset to TensorFlow through a Python generator, about a third
        slower per epoch than its own array pipeline; this gathers each batch inside
        tf.data instead. The epoch's order lives in a variable that :meth:`set_epoch`
        updates, so the batches stay exactly those of :meth:`__getitem__`.
        """
        import tensorflow as tf

        self._tf_order = tf.Variable(self.order(self.epoch).astype("int64"),
                                     trainable=False, name="kerasdl_epoch_order")
        order, bs, n = self._tf_order, self.batch_size, len(self.x)
        x, y = tf.constant(self.x), tf.constant(self.y)
        x_dtype = self.x_dtype
        sw = None if self.sample_weight is None else tf.constant(self.sample_weight)

        def gather(i):
            idx = order[i * bs:tf.minimum((i + 1) * bs, n)]
            xb = tf.gather(x, idx)
            if x_dtype is not None:
                xb = tf.cast(xb, x_dtype)
            out = (xb, tf.gather(y, idx))
            return out if sw is None else out + (tf.gather(sw, idx),)

        ds = tf.data.Dataset.range(self.start_batch, self.batches_per_epoch)
        return ds.map(gather).prefetch(tf.data.AUTOTUNE)

    @property
    def batches_per_epoch(self):
        return -(-len(self.x) // self.batch_size)

    def __len__(self):
        return self.batches_per_epoch - self.start_batch

    def order(self, epoch):
        """The sample order of ``epoch`` (a permutation of ``range(len(x))``)."""
        if self._order_epoch != epoch:
            n = len(self.x)
            rng = np.random.default_rng([self.seed, int(epoch)])
            if self.chunk_size and self.chunk_size < n:
                # chunk by chunk: chunks in a shuffled order, samples shuffled inside each,
                # so the reads of an epoch sweep one chunk of a disk file at a time
                size = self.chunk_size
                n_chunks = -(-n // size)
                chunk_order = rng.permutation(n_chunks) if self.shuffle else range(n_chunks)
                pieces = []
                for c in chunk_order:
                    length = min(size, n - int(c) * size)
                    inner = rng.permutation(length) if self.shuffle else np.arange(length)
                    pieces.append(int(c) * size + inner)
                self._order = np.concatenate(pieces)
            elif self.shuffle:
                self._order = rng.permutation(n)
            else:
                self._order = np.arange(n)
            self._order_epoch = epoch
        return self._order

    def __getitem__(self, index):
        i = int(index) + self.start_batch
        idx = self.order(self.epoch)[i * self.batch_size:(i + 1) * self.batch_size]
        x = _take(self.x, idx)
        if self.x_dtype is not None:
            x = x.astype(self.x_dtype, copy=False)
        batch = (x, _take(self.y, idx))
        if self.sample_weight is not None:
            batch = batch + (_take(self.sample_weight, idx),)
        return batch


def _take(array, idx):
    """``array[idx]``; disk-backed arrays are read in ascending order, then reordered."""
    if isinstance(array, np.ndarray) and not isinstance(array, np.memmap):
        return array[idx]
    perm = np.argsort(idx, kind="stable")
    rows = np.asarray(array[idx[perm]])
    out = np.empty_like(rows)
    out[perm] = rows
    return out


def _check_x(name, x):
    if isinstance(x, np.memmap):
        if x.ndim < 1 or x.shape[0] == 0:
            raise ValueError(f"`{name}` is empty (shape {x.shape}); at least one sample is "
                             f"needed.")
        if x.dtype.kind in "fc":  # chunked, so a big memmap is never loaded whole
            for start in range(0, len(x), _FINITE_CHUNK):
                part = np.asarray(x[start:start + _FINITE_CHUNK])
                if not np.isfinite(part).all():
                    bad = np.argwhere(~np.isfinite(part))[0]
                    raise ValueError(
                        f"`{name}` contains non-finite values (first at index "
                        f"{(start + int(bad[0]),) + tuple(int(b) for b in bad[1:])}). Remove "
                        f"or impute them before training.")
        return x
    x = check_array(name, x, dtype_kind="biuf")
    check_finite(name, x)
    return x


def _check_xy(prefix, x, y):
    x = _check_x(f"x_{prefix}", x)
    y = check_array(f"y_{prefix}", y, dtype_kind="biuf")
    check_finite(f"y_{prefix}", y)
    check_same_length(f"x_{prefix}", x, f"y_{prefix}", y)
    return x, y


def model_output_units(model):
    """Units of the model's (single) output, or None when unknown."""
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        outputs = None
    if outputs and len(outputs) == 1:
        shape = outputs[0].shape
        return int(shape[-1]) if shape[-1] is not None else None
    return None


def all_layers(model):
    """Every layer of ``model``, depth first, with the layers of nested models in place."""
    out = []
    for layer in getattr(model, "layers", ()):
        out.append(layer)
        if isinstance(layer, keras.Model):
            out.extend(all_layers(layer))
    return out


def _output_activation(model):
    layers = [layer for layer in all_layers(model) if hasattr(layer, "activation")]
    if not layers:
        return None
    act = getattr(layers[-1].activation, "__name__", None)
    return act


def infer_task(model, y):
    """Guess the task of plain ``(x, y)`` arrays from the labels and the model's head."""
    y = np.asarray(y)
    units = model_output_units(model)
    integral = y.dtype.kind in "biu" or (
        y.dtype.kind == "f" and np.all(np.equal(np.mod(y, 1), 0)))
    if y.ndim == 2 and y.shape[1] > 1:
        if integral and np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
            return "multiclass", int(y.shape[1])
        return "regression", None
    if not integral:
        return "regression", None
    activation = _output_activation(model)
    if units is not None and units > 1:
        return "multiclass", units
    if activation in ("sigmoid", "step") and units == 1:
        return "binary", 2  # the head decides: labels outside {0, 1} are then refused
    if activation in ("linear", None) and units == 1:
        return "regression", None
    if set(np.unique(y).tolist()) <= {0, 1}:
        return "binary", 2
    return "regression", None


def prepare_data(model, data, *, validation_split=None, seed=0):
    """Normalize ``data`` into :class:`Parts` and check it against the model.

    Accepts a ``kerasdl.data.Dataset``, ``(x, y)``, ``(x_train, y_train, x_test, y_test)``,
    a ``kerasdl.data.MemmapSource`` (read chunk by chunk) or a ``keras.utils.PyDataset``.
    """
    from kerasdl.data import Dataset, MemmapSource

    parts = Parts()
    if isinstance(data, Dataset):
        parts.dataset = data
        parts.x_train, parts.y_train = _check_xy("train", data.x_train, data.y_train)
        if data.x_val is not None:
            parts.x_val, parts.y_val = _check_xy("val", data.x_val, data.y_val)
        if data.x_test is not None:
            parts.x_test, parts.y_test = _check_xy("test", data.x_test, data.y_test)
        parts.task, parts.num_classes = data.task, data.num_classes
    elif isinstance(data, MemmapSource):
        if data.y is None:
            raise ValueError(f"The MemmapSource {data!r} has no targets; create it with "
                             f"`y_path` to train on it.")
        parts.x_train = _check_x("x_train", data.x)
        parts.y_train = check_array("y_train", data.y, dtype_kind="biuf")
        check_finite("y_train", parts.y_train)
        parts.chunk_size, parts.x_dtype = data.chunk_size, data.dtype
        ensure_built(model, data.input_shape)
        parts.task, parts.num_classes = infer_task(model, parts.y_train)
    elif isinstance(data, keras.utils.PyDataset):
        if validation_split is not None:
            raise ValueError("`validation_split` cannot split a keras.utils.PyDataset; pass "
                             "arrays or a kerasdl Dataset, or leave `validation_split=None`.")
        parts.train_sequence = data
        return parts
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        parts.x_train, parts.y_train = _check_xy("train", data[0], data[1])
        ensure_built(model, tuple(int(d) for d in np.shape(parts.x_train)[1:]))
        if len(data) == 4:
            parts.x_test, parts.y_test = _check_xy("test", data[2], data[3])
        parts.task, parts.num_classes = infer_task(model, parts.y_train)
    else:
        raise TypeError(
            "`data` must be a kerasdl.data.Dataset, a tuple (x, y) or (x_train, y_train, "
            "x_test, y_test), a kerasdl.data.MemmapSource or a keras.utils.PyDataset; "
            f"received {describe(data)} of type "
            f"{type(data).__name__}."
        )
    if validation_split is not None:
        n = len(parts.x_train)
        n_val = int(round(n * validation_split))
        if n_val < 1 or n_val >= n:
            raise ValueError(f"`validation_split` {validation_split:g} of {n} training samples "
                             f"leaves an empty part; use a larger data set or another split.")
        order = np.random.default_rng(seed).permutation(n)
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
        parts.x_val, parts.y_val = parts.x_train[val_idx], parts.y_train[val_idx]
        parts.x_train, parts.y_train = parts.x_train[train_idx], parts.y_train[train_idx]
    parts.label_format = ("regression" if parts.task == "regression" else
                          "onehot" if np.ndim(parts.y_train) == 2
                          and np.shape(parts.y_train)[1] > 1 else "sparse")
    return parts


def _rescales_inputs(model):
    """True when the model scales its own inputs (a Rescaling or Normalization layer)."""
    scalers = (keras.layers.Rescaling, keras.layers.Normalization)
    return any(isinstance(layer, scalers) for layer in all_layers(model))


def _check_scaled(model, name, x):
    """Refuse raw 8-bit images (uint8 up to 255) for a model that does not rescale them."""
    if isinstance(x, np.memmap) or np.asarray(x).dtype != np.uint8:
        return
    top = int(np.max(x)) if np.size(x) else 0
    if top > 1 and not _rescales_inputs(model):
        raise ValueError(
            f"`{name}` holds uint8 values up to {top} (8-bit images?) but the model has no "
            f"Rescaling layer, so it would train on [0, 255] inputs. Divide them by 255 "
            f"(e.g. kerasdl.data.from_arrays(..., scale=255)) or start the model with "
            f"keras.layers.Rescaling(1 / 255).")


def ensure_built(model, sample_shape):
    """Build an unbuilt model for samples of ``sample_shape`` (clear error if impossible)."""
    if model.built:
        return
    try:
        model.build((None,) + tuple(sample_shape))
    except Exception as e:  # noqa: BLE001 - report the model's own error with the shape
        raise ValueError(f"The model could not be built for inputs of shape "
                         f"{tuple(sample_shape)} (from `x_train`): {e}") from e


def check_fits_model(model, parts):
    """Check input shapes, input scaling and labels against the model (builds it if needed)."""
    if parts.train_sequence is not None:
        return
    xs = [(part, getattr(parts, f"x_{part}")) for part in ("train", "val", "test")
          if getattr(parts, f"x_{part}") is not None]
    ensure_built(model, tuple(int(d) for d in np.shape(xs[0][1])[1:]))
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    for part, x in xs:
        sample_shape = tuple(int(d) for d in np.shape(x)[1:])
        if inputs and len(inputs) == 1:
            expected = tuple(inputs[0].shape[1:])
            fits = len(expected) == len(sample_shape) and all(
                e is None or int(e) == s for e, s in zip(expected, sample_shape))
            if not fits:
                raise ValueError(
                    f"`x_{part}` has samples of shape {sample_shape} but the model expects "
                    f"inputs of shape {tuple(None if e is None else int(e) for e in expected)}. "
                    f"Reshape the data or build the model with input_shape={sample_shape}.")
        _check_scaled(model, f"x_{part}", x)
    units = model_output_units(model)
    for part in ("train", "val", "test"):
        y = getattr(parts, f"y_{part}")
        if y is None:
            continue
        name = f"y_{part}"
        if parts.task == "multiclass":
            if units is not None and parts.num_classes is not None and \
                    units != parts.num_classes:
                raise ValueError(
                    f"The data has {parts.num_classes} classes but the model's output layer "
                    f"has {units} units; build the head with num_classes={parts.num_classes}.")
            n_classes = units if units is not None else parts.num_classes
            try:
                check_labels(name, y, task="multiclass", num_classes=n_classes)
            except ValueError as e:
                raise ValueError(f"{e} The model's output layer has {units} units.") from None
        elif parts.task == "binary":
            check_labels(name, y, task="binary")
            if units is not None and units != 1:
                raise ValueError(
                    f"A binary task needs a model with 1 output unit (sigmoid); the model's "
                    f"output layer has {units} units. Use task='multiclass' with "
                    f"num_classes={units} or a 1-unit head.")
        else:
            check_labels(name, y, task="regression")
