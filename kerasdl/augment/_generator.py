"""``ImageDataGenerator`` for Keras 3: the familiar API as a thin adapter.

The constructor takes the legacy arguments with their legacy meanings. The per-batch work is
vectorized: parameters for a whole batch are drawn at once with numpy, the geometric part of
every image is one matrix, and the batch is resampled in ONE call to
``keras.ops.image.affine_transform`` (the legacy generator called ``scipy.ndimage`` once per
image and channel). ``flow`` returns a ``keras.utils.PyDataset``, which ``model.fit`` takes on
any backend.

Differences from the legacy implementation, all deliberate:

* ``height_shift_range`` shifts images vertically and ``width_shift_range`` horizontally (the
  legacy code swapped the two); ``apply_transform``'s ``tx``/``ty`` keep their legacy effect.
* Images that are not square are rotated about their true centre.
* Randomness never touches numpy's global seed: ``seed=`` arguments seed private generators.
* ``brightness_range`` scales pixel values without first truncating them to 8-bit integers.
* An argument that cannot be honoured raises instead of being ignored or warned about.
"""

import math
import numbers
import os
from pathlib import Path

import keras
import numpy as np

from kerasdl import _io
from kerasdl import _validation as V
from kerasdl.augment import _ops
from kerasdl.augment import _layers as L

__all__ = ["ImageDataGenerator", "NumpyArrayIterator", "DirectoryIterator",
           "ImageDataGeneratorLayer"]

_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff", ".gif")
_PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming")
_CLASS_MODES = ("categorical", "binary", "sparse", "input", "raw")


# ------------------------------------------------------------------ argument checks


def _check_shift_range(name, value):
    """Float (< 1: fraction, >= 1: pixels, drawn uniformly), int (pixels from a discrete
    range) or a 1-D sequence of allowed shifts. Returns the validated value."""
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
        if arr.size == 0:
            raise ValueError(f"`{name}` must not be an empty sequence.")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"`{name}` must hold finite numbers; received {V.describe(value)}.")
        return arr
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be a number or a sequence of numbers; received "
                        f"{value!r}.")
    if isinstance(value, numbers.Integral):
        return V.check_int(name, value, min_value=0)
    return V.check_nonnegative(name, value)


def _check_zoom_range(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) != 2:
            raise ValueError("`zoom_range` must be a number or a pair [lower, upper]; "
                             f"received {V.describe(value)}.")
        lo = V.check_number("zoom_range[0]", value[0], min_value=0.0, min_inclusive=False)
        hi = V.check_number("zoom_range[1]", value[1], min_value=0.0, min_inclusive=False)
        if lo > hi:
            raise ValueError(f"`zoom_range` must be [lower, upper] with lower <= upper; "
                             f"received {list(value)}.")
        return (lo, hi)
    z = V.check_number("zoom_range", value, min_value=0.0, max_value=1.0, max_inclusive=False)
    return (1.0 - z, 1.0 + z)


def _check_brightness_range(value):
    if value is None:
        return None
    if not isinstance(value, (list, tuple, np.ndarray)) or len(value) != 2:
        raise ValueError("`brightness_range` must be a pair [lower, upper] or None; received "
                         f"{V.describe(value)}.")
    lo = V.check_nonnegative("brightness_range[0]", value[0])
    hi = V.check_nonnegative("brightness_range[1]", value[1])
    if lo > hi:
        raise ValueError(f"`brightness_range` must be [lower, upper] with lower <= upper; "
                         f"received {list(value)}.")
    return (lo, hi)


def _draw_shift(rng, spec, n, size):
    """Legacy shift sampling for n images; returns pixels (float64, shape (n,))."""
    if isinstance(spec, np.ndarray):  # choice from the list, random sign
        shift = rng.choice(spec, size=n) * rng.choice([-1.0, 1.0], size=n)
        scale = size if np.max(spec) < 1 else 1.0
    elif isinstance(spec, int):
        if spec == 0:
            return np.zeros(n)
        shift = rng.integers(0, spec, size=n).astype(np.float64) * rng.choice([-1.0, 1.0], n)
        scale = 1.0  # an int >= 1 is pixels (legacy: np.random.choice(int))
    else:
        if spec == 0:
            return np.zeros(n)
        shift = rng.uniform(-spec, spec, size=n)
        scale = size if spec < 1 else 1.0
    return shift * scale


# ------------------------------------------------------------------ the generator


class ImageDataGenerator:
    """Real-time image augmentation with the legacy ``keras.preprocessing`` API.

    A drop-in for ``tf.keras.preprocessing.image.ImageDataGenerator`` that runs on Keras 3
    and any backend. Every argument keeps its legacy meaning; each image of a batch gets its
    own random transform, and a whole batch is resampled in one vectorized call. An argument
    this class cannot honour raises a ``ValueError`` (nothing is silently ignored).

    To move the same augmentation into a model (so it runs on the accelerator), call
    ``as_layer()``; ``kerasdl.augment.pipeline`` is the modern spelling.

    Args:
        featurewise_center: subtract the dataset mean (per channel; needs ``fit``).
            Defaults to False.
        samplewise_center: subtract each image's mean. Defaults to False.
        featurewise_std_normalization: divide by the dataset std (per channel; needs
            ``fit``). Implies ``featurewise_center``. Defaults to False.
        samplewise_std_normalization: divide each image by its std. Implies
            ``samplewise_center``. Defaults to False.
        zca_whitening: apply ZCA whitening (needs ``fit``). Implies ``featurewise_center``.
            Defaults to False.
        zca_epsilon: epsilon of ZCA whitening. Defaults to 1e-6.
        rotation_range: maximum rotation in degrees. Defaults to 0.
        width_shift_range: float < 1: fraction of the width; float >= 1: pixels (uniform);
            int: whole pixels from ``(-n, n)``; sequence: allowed shifts (random sign).
            Defaults to 0.
        height_shift_range: as ``width_shift_range``, vertically. Defaults to 0.
        brightness_range: ``[lower, upper]`` brightness factors, or None. Defaults to None.
        shear_range: maximum shear angle in degrees (counter-clockwise). Defaults to 0.
        zoom_range: float z for ``[1 - z, 1 + z]``, or ``[lower, upper]``; values < 1 zoom in.
            Defaults to 0.
        channel_shift_range: maximum offset added to all channels (clipped to the image's
            range). Defaults to 0.
        fill_mode: ``"constant"``, ``"nearest"``, ``"reflect"`` or ``"wrap"``. Defaults to
            ``"nearest"``.
        cval: fill value for ``fill_mode="constant"``. Defaults to 0.
        horizontal_flip: randomly flip left-right. Defaults to False.
        vertical_flip: randomly flip up-down. Defaults to False.
        rescale: factor applied after augmentation (e.g. ``1/255``); None or 0 for none.
            Defaults to None.
        preprocessing_function: function applied to each image (rank 3, numpy) after
            augmentation and before ``rescale``, as in the legacy class. Defaults to None.
        data_format: ``"channels_last"`` or ``"channels_first"``. Defaults to
            ``keras.config.image_data_format()``.
        validation_split: fraction of images reserved for ``subset="validation"``, in
            [0, 1). Defaults to 0.
        interpolation_order: 0 (nearest) or 1 (bilinear). Orders 2-5 (scipy splines) are
            not supported and raise. Defaults to 1.
        dtype: dtype of generated batches. Defaults to ``keras.config.floatx()``.

    Raises:
        ValueError: a value out of range or that cannot be honoured.

    Example:

    >>> gen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1,
    ...                          horizontal_flip=True, rescale=1 / 255)
    >>> batches = gen.flow(np.zeros((10, 8, 8, 3)), np.arange(10), batch_size=4, seed=0)
    >>> len(batches), batches[0][0].shape
    (3, (4, 8, 8, 3))
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                 shear_range=0.0, zoom_range=0.0, channel_shift_range=0.0,
                 fill_mode="nearest", cval=0.0, horizontal_flip=False, vertical_flip=False,
                 rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):
        self.featurewise_std_normalization = V.check_bool("featurewise_std_normalization",
                                                          featurewise_std_normalization)
        self.zca_whitening = V.check_bool("zca_whitening", zca_whitening)
        # Legacy: std normalization and ZCA work on centred data, so they turn centring on.
        self.featurewise_center = (V.check_bool("featurewise_center", featurewise_center)
                                   or self.featurewise_std_normalization
                                   or self.zca_whitening)
        self.samplewise_std_normalization = V.check_bool("samplewise_std_normalization",
                                                         samplewise_std_normalization)
        self.samplewise_center = (V.check_bool("samplewise_center", samplewise_center)
                                  or self.samplewise_std_normalization)
        self.zca_epsilon = V.check_number("zca_epsilon", zca_epsilon, min_value=0.0,
                                          min_inclusive=False)
        self.rotation_range = V.check_number("rotation_range", rotation_range, min_value=0.0,
                                             max_value=360.0)
        self.width_shift_range = _check_shift_range("width_shift_range", width_shift_range)
        self.height_shift_range = _check_shift_range("height_shift_range", height_shift_range)
        self.brightness_range = _check_brightness_range(brightness_range)
        self.shear_range = V.check_nonnegative("shear_range", shear_range)
        self.zoom_range = _check_zoom_range(zoom_range)
        self.channel_shift_range = V.check_nonnegative("channel_shift_range",
                                                       channel_shift_range)
        self.fill_mode = V.check_choice("fill_mode", fill_mode, _ops.FILL_MODES)
        self.cval = V.check_number("cval", cval)
        self.horizontal_flip = V.check_bool("horizontal_flip", horizontal_flip)
        self.vertical_flip = V.check_bool("vertical_flip", vertical_flip)
        self.rescale = V.check_number("rescale", rescale, allow_none=True) or None
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError(f"`preprocessing_function` must be callable or None; received "
                            f"{V.describe(preprocessing_function)}.")
        self.preprocessing_function = preprocessing_function
        self.data_format = L._check_data_format(data_format)
        self.validation_split = V.check_number("validation_split", validation_split,
                                               min_value=0.0, max_value=1.0,
                                               max_inclusive=False)
        order = V.check_int("interpolation_order", interpolation_order, min_value=0)
        if order > 1:
            raise ValueError(
                f"`interpolation_order` must be 0 (nearest) or 1 (bilinear); received {order}. "
                f"Spline orders 2-5 of scipy.ndimage are not available in the one-pass "
                f"resampler; use interpolation_order=1.")
        self.interpolation_order = order
        self.dtype = keras.config.floatx() if dtype is None else str(np.dtype(dtype))
        if self.data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None
        self._rng = np.random.default_rng()

    # -------------------------------------------------------------- settings helpers

    @property
    def interpolation(self):
        return "nearest" if self.interpolation_order == 0 else "bilinear"

    def _has_geometry(self):
        return bool(self.rotation_range or np.any(self.width_shift_range)
                    or np.any(self.height_shift_range) or self.shear_range
                    or self.zoom_range != (1.0, 1.0) or self.horizontal_flip
                    or self.vertical_flip)

    def _hw(self, shape):
        """(height, width) of an image shape with or without the batch axis."""
        off = len(shape) - 3
        return shape[self.row_axis - 1 + off], shape[self.col_axis - 1 + off]

    # -------------------------------------------------------------- random parameters

    def _draw(self, n, height, width, rng):
        """Legacy transform parameters for n images, as arrays of shape (n,)."""
        zeros = np.zeros(n)
        params = {
            "theta": (rng.uniform(-self.rotation_range, self.rotation_range, n)
                      if self.rotation_range else zeros),
            # `tx` moves along x (columns): the width shift. Legacy content moves by -tx.
            "tx": _draw_shift(rng, self.width_shift_range, n, width),
            "ty": _draw_shift(rng, self.height_shift_range, n, height),
            "shear": rng.uniform(-self.shear_range, self.shear_range, n)
            if self.shear_range else zeros,
        }
        if self.zoom_range == (1.0, 1.0):
            params["zx"] = params["zy"] = np.ones(n)
        else:
            params["zx"] = rng.uniform(self.zoom_range[0], self.zoom_range[1], n)
            params["zy"] = rng.uniform(self.zoom_range[0], self.zoom_range[1], n)
        params["flip_horizontal"] = (rng.random(n) < 0.5) & self.horizontal_flip
        params["flip_vertical"] = (rng.random(n) < 0.5) & self.vertical_flip
        params["channel_shift_intensity"] = (
            rng.uniform(-self.channel_shift_range, self.channel_shift_range, n)
            if self.channel_shift_range else None)
        params["brightness"] = (rng.uniform(self.brightness_range[0], self.brightness_range[1],
                                            n) if self.brightness_range is not None else None)
        return params

    def get_random_transform(self, img_shape, seed=None):
        """Draw the random parameters for one image of shape ``img_shape``.

        Args:
            img_shape: shape of one image (rank 3).
            seed: integer seed. Defaults to None (the generator's own random state).

        Returns:
            A dict with the legacy keys ``theta``, ``tx``, ``ty``, ``shear``, ``zx``, ``zy``,
            ``flip_horizontal``, ``flip_vertical``, ``channel_shift_intensity``,
            ``brightness``.
        """
        if len(img_shape) != 3:
            raise ValueError(f"`img_shape` must be the shape of one image (rank 3); received "
                             f"{tuple(img_shape)}.")
        rng = self._rng_for(seed)
        height, width = self._hw(img_shape)
        batch = self._draw(1, height, width, rng)
        out = {}
        for key, value in batch.items():
            out[key] = None if value is None else value[0].item()
        return out

    def _rng_for(self, seed):
        if seed is None:
            return self._rng
        return np.random.default_rng(V.check_int("seed", seed, min_value=0))

    # -------------------------------------------------------------- applying transforms

    def _transform_batch(self, x, params):
        """Apply per-image legacy parameters to a rank-4 float batch (one resampling)."""
        height, width = self._hw(x.shape)
        n = x.shape[0]
        full = {"theta": np.zeros(n), "tx": np.zeros(n), "ty": np.zeros(n),
                "shear": np.zeros(n), "zx": np.ones(n), "zy": np.ones(n),
                "flip_horizontal": np.zeros(n, bool), "flip_vertical": np.zeros(n, bool)}
        for key in full:
            if params.get(key) is not None:
                full[key] = np.broadcast_to(np.asarray(params[key]), (n,))
        matrices = _ops.legacy_matrices(full, height, width)
        if not _ops.is_identity(matrices):
            x = _ops.host_affine(x.astype(np.float32, copy=False), matrices,
                                 interpolation=self.interpolation, fill_mode=self.fill_mode,
                                 fill_value=self.cval, data_format=self.data_format)
        x = np.asarray(x, dtype=np.float32)
        # legacy order: affine, channel shift, flips (already in the matrix), brightness
        if params.get("channel_shift_intensity") is not None:
            shift = np.broadcast_to(np.asarray(params["channel_shift_intensity"], np.float32),
                                    (n,)).reshape(n, 1, 1, 1)
            lo = x.min(axis=(1, 2, 3), keepdims=True)
            hi = x.max(axis=(1, 2, 3), keepdims=True)
            x = np.clip(x + shift, lo, hi)
        if params.get("brightness") is not None:
            b = np.broadcast_to(np.asarray(params["brightness"], np.float32),
                                (n,)).reshape(n, 1, 1, 1)
            x = _legacy_brightness(x, b)
        return x

    def apply_transform(self, x, transform_parameters):
        """Apply given transform parameters to one image (rank 3); returns a new array.

        Args:
            x: one image, rank 3.
            transform_parameters: dict with any of the keys ``get_random_transform`` returns
                (``tx``/``ty`` in pixels: the output pixel (x, y) shows the input pixel
                (x + tx, y + ty), as in the legacy class).

        Returns:
            The transformed image (float, same shape).
        """
        x = V.check_array("x", x, ndim=3, dtype_kind="biuf", allow_empty=True)
        if not isinstance(transform_parameters, dict):
            raise TypeError("`transform_parameters` must be a dict; received "
                            f"{V.describe(transform_parameters)}.")
        known = {"theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical",
                 "channel_shift_intensity", "brightness"}
        unknown = set(transform_parameters) - known
        if unknown:
            raise ValueError(f"Unknown transform parameter(s) {sorted(unknown)}; valid keys: "
                             f"{sorted(known)}.")
        out = self._transform_batch(x[None].astype(np.float32), transform_parameters)[0]
        return out.astype(self.dtype, copy=False)

    def random_transform(self, x, seed=None):
        """Apply a random transformation to one image (rank 3); returns a new array."""
        x = V.check_array("x", x, ndim=3, dtype_kind="biuf", allow_empty=True)
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def augment_batch(self, x, rng=None):
        """Randomly transform a rank-4 batch in one vectorized pass (no standardization)."""
        rng = self._rng if rng is None else rng
        height, width = self._hw(x.shape)
        return self._transform_batch(np.asarray(x, np.float32),
                                     self._draw(x.shape[0], height, width, rng))

    # -------------------------------------------------------------- standardization

    def standardize(self, x):
        """Apply the normalization settings to an image or a batch; returns a new array.

        In the legacy order: ``preprocessing_function`` (per image), ``rescale``, samplewise
        centring and scaling, featurewise centring and scaling, ZCA whitening.

        Raises:
            ValueError: a featurewise option is set but ``fit`` has not been called.
        """
        x = np.array(x, dtype=self.dtype, copy=True)
        if x.ndim not in (3, 4):
            raise ValueError(f"`x` must be one image (rank 3) or a batch (rank 4); received "
                             f"shape {x.shape}.")
        if not (self.preprocessing_function is not None or self.rescale
                or self.samplewise_center or self.featurewise_center or self.zca_whitening):
            return x  # nothing to do (featurewise std and ZCA imply centring)
        batch = x if x.ndim == 4 else x[None]
        if self.preprocessing_function is not None:
            batch = np.stack([np.asarray(self.preprocessing_function(img), dtype=self.dtype)
                              for img in batch])
        if self.rescale:
            batch = batch * self.rescale
        if self.samplewise_center:
            batch = batch - batch.mean(axis=(1, 2, 3), keepdims=True)
        if self.samplewise_std_normalization:
            batch = batch / (batch.std(axis=(1, 2, 3), keepdims=True) + 1e-6)
        if self.featurewise_center or self.featurewise_std_normalization or self.zca_whitening:
            if self.mean is None:
                raise ValueError(
                    "This ImageDataGenerator uses featurewise_center, "
                    "featurewise_std_normalization or zca_whitening but has not been fit: call "
                    "`.fit(x_train)` first.")
        if self.featurewise_center:
            batch = batch - self.mean
        if self.featurewise_std_normalization:
            batch = batch / (self.std + 1e-6)
        if self.zca_whitening:
            flat = batch.reshape(batch.shape[0], -1)
            batch = (flat @ self.zca_whitening_matrix).reshape(batch.shape)
        batch = batch.astype(self.dtype, copy=False)
        return batch if x.ndim == 4 else batch[0]

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the dataset statistics the featurewise options need.

        Args:
            x: rank-4 array of images.
            augment: fit on randomly augmented copies. Defaults to False.
            rounds: number of augmented copies when ``augment``. Defaults to 1.
            seed: integer seed for the augmentation. Defaults to None.

        Returns:
            self.
        """
        x = V.check_array("x", x, ndim=4, dtype_kind="biuf")
        V.check_bool("augment", augment)
        rounds = V.check_positive_int("rounds", rounds)
        x = np.array(x, dtype=np.float64 if self.zca_whitening else self.dtype, copy=True)
        if self.rescale:
            x *= self.rescale
        if augment:
            rng = self._rng_for(seed)
            x = np.concatenate([self.augment_batch(x, rng) for _ in range(rounds)])
        axes = (0, self.row_axis, self.col_axis)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.mean(x, axis=axes).reshape(shape).astype(self.dtype)
            x = x - self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=axes).reshape(shape).astype(self.dtype)
            x = x / (self.std + 1e-6)
        if self.zca_whitening:
            n = len(x)
            flat = x.reshape(n, -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = ((u * s_inv) @ u.T).astype(self.dtype)
        return self

    # -------------------------------------------------------------- iterators

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None, **pydataset_kwargs):
        """Batches of augmented, standardized images from arrays (a ``PyDataset``).

        Every image appears exactly once per epoch (the last batch may be smaller); with
        ``shuffle`` the order changes every epoch. With ``validation_split`` set,
        ``subset="training"`` and ``subset="validation"`` are disjoint: validation gets the
        first ``int(n * validation_split)`` images, as in the legacy class.

        Args:
            x: rank-4 array of images.
            y: labels (any array with ``len(x)`` rows), or None to yield images only.
            batch_size: images per batch. Defaults to 32.
            shuffle: reshuffle every epoch. Defaults to True.
            sample_weight: per-image weights, or None. Defaults to None.
            seed: integer seed for shuffling and augmentation. Defaults to None.
            save_to_dir: folder to save every generated image to (PNG/JPEG via Pillow), or
                None. Defaults to None.
            save_prefix: file name prefix for saved images. Defaults to "".
            save_format: ``"png"`` or ``"jpeg"``. Defaults to ``"png"``.
            ignore_class_split: allow a ``validation_split`` whose two subsets do not both
                contain every class. Defaults to False.
            subset: ``"training"``, ``"validation"`` or None. Defaults to None.
            **pydataset_kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` of
                ``keras.utils.PyDataset``.

        Returns:
            A ``NumpyArrayIterator`` (a ``keras.utils.PyDataset``) yielding ``x``, ``(x, y)``
            or ``(x, y, sample_weight)`` batches.
        """
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, ignore_class_split=ignore_class_split, subset=subset,
            **pydataset_kwargs)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False,
                            **pydataset_kwargs):
        """Batches of augmented images read from one sub-folder per class.

        ``batch_size``, ``shuffle``, ``seed``, ``save_to_dir``, ``save_prefix``,
        ``save_format`` and ``subset`` work as in ``flow``.

        Args:
            directory: folder with one sub-folder of images per class.
            target_size: ``(height, width)`` images are resized to. Defaults to (256, 256).
            color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``. Defaults to ``"rgb"``.
            classes: class sub-folder names (their order gives the indices), or None for
                every sub-folder, sorted. Defaults to None.
            class_mode: ``"categorical"`` (one-hot), ``"binary"``, ``"sparse"`` (integers),
                ``"input"`` (the images themselves) or None (images only). Defaults to
                ``"categorical"``.
            follow_links: follow symbolic links to sub-folders. Defaults to False.
            interpolation: resampling for resizing: ``"nearest"``, ``"bilinear"``,
                ``"bicubic"``, ``"lanczos"``, ``"box"`` or ``"hamming"``. Defaults to
                ``"nearest"``.
            keep_aspect_ratio: centre-crop to the target aspect ratio before resizing.
                Defaults to False.

        Returns:
            A ``DirectoryIterator`` (a ``keras.utils.PyDataset``); ``class_indices`` maps class
            names to indices, ``filenames`` lists the files, ``classes`` their labels.
        """
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"`directory` {str(directory)!r} is not a folder.")
        if classes is None:
            classes = sorted(p.name for p in directory.iterdir()
                             if p.is_dir() and (follow_links or not p.is_symlink()))
        else:
            if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
                raise TypeError(f"`classes` must be a list of folder names or None; received "
                                f"{V.describe(classes)}.")
            classes = list(classes)
            for c in classes:
                if not (directory / c).is_dir():
                    raise FileNotFoundError(f"class folder {str(directory / c)!r} not found.")
        split = self._split_bounds(subset)
        filepaths, labels = [], []
        for index, name in enumerate(classes):
            files = sorted(_list_images(directory / name, follow_links))
            lo, hi = (int(len(files) * split[0]), int(len(files) * split[1]))
            if subset is None:
                lo, hi = 0, len(files)
            for f in files[lo:hi]:
                filepaths.append(str(f))
                labels.append(index)
        return DirectoryIterator(
            filepaths, np.asarray(labels, dtype=np.int64), {c: i for i, c in enumerate(classes)},
            self, directory=str(directory), target_size=target_size, color_mode=color_mode,
            class_mode=class_mode, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio,
            **pydataset_kwargs)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", subset=None, interpolation="nearest",
                            validate_filenames=True, keep_aspect_ratio=False,
                            **pydataset_kwargs):
        """Batches of augmented images whose paths and labels come from a pandas DataFrame.

        The arguments not listed below work as in ``flow_from_directory``.

        Args:
            dataframe: a ``pandas.DataFrame``.
            directory: folder the paths in ``x_col`` are relative to, or None for absolute
                paths. Defaults to None.
            x_col: column of file paths. Defaults to ``"filename"``.
            y_col: label column (a list of columns for ``class_mode="raw"``). Defaults to
                ``"class"``.
            weight_col: column of sample weights, or None. Defaults to None.
            class_mode: ``"categorical"``, ``"binary"``, ``"sparse"``, ``"raw"`` (the
                ``y_col`` values as they are), ``"input"`` or None. Defaults to
                ``"categorical"``.
            validate_filenames: drop rows whose file is missing or not an image.
                Defaults to True.

        Returns:
            A ``DirectoryIterator`` (a ``keras.utils.PyDataset``).

        Raises:
            ImportError: pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("flow_from_dataframe needs pandas: `pip install pandas`.") from None
        if not isinstance(dataframe, pd.DataFrame):
            raise TypeError(f"`dataframe` must be a pandas DataFrame; received "
                            f"{type(dataframe).__name__}.")
        class_mode = V.check_choice("class_mode", class_mode, _CLASS_MODES, normalize=False) \
            if class_mode is not None else None
        for col in [x_col] + ([weight_col] if weight_col else []):
            if col not in dataframe.columns:
                raise ValueError(f"column {col!r} not in the dataframe; columns: "
                                 f"{list(dataframe.columns)}.")
        y_cols = list(y_col) if isinstance(y_col, (list, tuple)) else [y_col]
        if class_mode not in (None, "input"):
            for col in y_cols:
                if col not in dataframe.columns:
                    raise ValueError(f"column {col!r} not in the dataframe; columns: "
                                     f"{list(dataframe.columns)}.")
        df = dataframe.copy()
        base = Path(directory) if directory is not None else None
        df["_path"] = [str(base / p) if base is not None else str(p) for p in df[x_col]]
        if validate_filenames:
            ok = [os.path.isfile(p) and p.lower().endswith(_IMAGE_EXTENSIONS) for p in df["_path"]]
            df = df[ok]
        if class_mode in ("categorical", "binary", "sparse"):
            if len(y_cols) != 1:
                raise ValueError(f"class_mode={class_mode!r} needs one `y_col`; received "
                                 f"{y_col!r}.")
            values = df[y_cols[0]].astype(str)
            if classes is None:
                classes = sorted(values.unique())
            classes = [str(c) for c in classes]
            keep = values.isin(classes)
            df, values = df[keep], values[keep]
            if class_mode == "binary" and len(classes) != 2:
                raise ValueError(f"class_mode='binary' needs exactly 2 classes; found "
                                 f"{len(classes)}: {classes}.")
            index = {c: i for i, c in enumerate(classes)}
            labels = np.asarray([index[v] for v in values], dtype=np.int64)
            class_indices = index
        elif class_mode == "raw":
            labels = df[y_cols[0]].to_numpy() if len(y_cols) == 1 else df[y_cols].to_numpy()
            class_indices = {}
        else:
            labels = None
            class_indices = {}
        n = len(df)
        lo, hi = self._split_bounds(subset)
        rows = slice(int(n * lo), int(n * hi)) if subset is not None else slice(0, n)
        paths = list(df["_path"])[rows]
        labels = None if labels is None else labels[rows]
        weights = (df[weight_col].to_numpy(dtype=np.float32)[rows] if weight_col else None)
        return DirectoryIterator(
            paths, labels, class_indices, self, directory=directory, target_size=target_size,
            color_mode=color_mode, class_mode=class_mode, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, interpolation=interpolation,
            keep_aspect_ratio=keep_aspect_ratio, sample_weight=weights, **pydataset_kwargs)

    def _split_bounds(self, subset):
        """Fractions (lo, hi) of the data a subset covers (validation first, as legacy)."""
        if subset is None:
            return (0.0, 1.0)
        subset = V.check_choice("subset", subset, ("training", "validation"))
        if not self.validation_split:
            raise ValueError(f"`subset={subset!r}` needs a `validation_split` in (0, 1) on the "
                             f"ImageDataGenerator; it is 0.")
        if subset == "validation":
            return (0.0, self.validation_split)
        return (self.validation_split, 1.0)

    # -------------------------------------------------------------- in-model layer

    def as_layer(self, seed=None):
        """The same augmentation and normalization as one layer to put first in a model.

        Random transforms run only in training; ``rescale``, samplewise and featurewise
        normalization run in training and inference alike (as the generator applies them to
        every batch it yields).

        Args:
            seed: integer seed of the layer's random draws. Defaults to None.

        Returns:
            An ``ImageDataGeneratorLayer``.

        Raises:
            ValueError: ``preprocessing_function`` (arbitrary Python cannot run inside a
                compiled model) or ``zca_whitening`` (apply it to the arrays instead), or a
                featurewise option before ``fit``.
        """
        if self.preprocessing_function is not None:
            raise ValueError("as_layer() cannot move `preprocessing_function` into a model "
                             "(arbitrary Python does not run in a compiled graph); apply it to "
                             "the arrays, or write it as a Keras layer.")
        if self.zca_whitening:
            raise ValueError("as_layer() does not support `zca_whitening`; use flow(), or "
                             "whiten the arrays once with `standardize`.")
        if self.featurewise_center and self.mean is None:
            raise ValueError("Call `.fit(x_train)` before as_layer(): featurewise statistics "
                             "are not computed yet.")

        def shift_spec(spec):
            return spec.tolist() if isinstance(spec, np.ndarray) else spec

        return ImageDataGeneratorLayer(
            rotation_range=self.rotation_range,
            width_shift_range=shift_spec(self.width_shift_range),
            height_shift_range=shift_spec(self.height_shift_range),
            shear_range=self.shear_range, zoom_range=list(self.zoom_range),
            horizontal_flip=self.horizontal_flip, vertical_flip=self.vertical_flip,
            channel_shift_range=self.channel_shift_range,
            brightness_range=None if self.brightness_range is None
            else list(self.brightness_range),
            fill_mode=self.fill_mode, cval=self.cval, interpolation=self.interpolation,
            rescale=self.rescale, samplewise_center=self.samplewise_center,
            samplewise_std_normalization=self.samplewise_std_normalization,
            mean=None if not self.featurewise_center else self.mean.reshape(-1).tolist(),
            std=None if not self.featurewise_std_normalization
            else self.std.reshape(-1).tolist(),
            seed=seed, data_format=self.data_format)


def _legacy_brightness(x, b):
    """Multiply by b; clip to [0, 255], or to the image's own range when it exceeds it
    (what the legacy PIL round trip did, without its 8-bit truncation)."""
    lo = np.minimum(x.min(axis=(1, 2, 3), keepdims=True), 0.0)
    hi = np.maximum(x.max(axis=(1, 2, 3), keepdims=True), 255.0)
    outside = (lo < 0) | (hi > 255)
    scaled = np.where(outside, (x - lo) * b + lo, x * b)
    return np.clip(scaled, np.where(outside, lo, 0.0), np.where(outside, hi, 255.0))


def _list_images(folder, follow_links):
    out = []
    for root, _, files in os.walk(folder, followlinks=follow_links):
        for f in files:
            if f.lower().endswith(_IMAGE_EXTENSIONS):
                out.append(Path(root) / f)
    return out


# ------------------------------------------------------------------ PyDatasets


class _BaseIterator(keras.utils.PyDataset):
    """Index bookkeeping shared by the iterators: every sample once per epoch."""

    def __init__(self, n, generator, *, batch_size, shuffle, seed, save_to_dir, save_prefix,
                 save_format, **pydataset_kwargs):
        super().__init__(**pydataset_kwargs)
        if not isinstance(generator, ImageDataGenerator):
            raise TypeError("`generator` must be an ImageDataGenerator.")
        self.image_data_generator = generator
        self.n = n
        self.batch_size = V.check_positive_int("batch_size", batch_size)
        self.shuffle = V.check_bool("shuffle", shuffle)
        self.seed = V.check_int("seed", seed, min_value=0, allow_none=True)
        self._base_seed = (self.seed if self.seed is not None
                           else int(np.random.default_rng().integers(2**31)))
        self.save_to_dir = None if save_to_dir is None else Path(save_to_dir)
        self.save_prefix = V.check_type("save_prefix", save_prefix, str)
        self.save_format = V.check_choice("save_format", save_format, ("png", "jpeg", "jpg"))
        self.epoch = 0
        self._set_index_array()

    def _set_index_array(self):
        if self.shuffle:
            rng = np.random.default_rng((self._base_seed, self.epoch, 0))
            self.index_array = rng.permutation(self.n)
        else:
            self.index_array = np.arange(self.n)

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self):
        self.epoch += 1
        self._set_index_array()

    def _batch_indices(self, idx):
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"batch index must be an integer; received {V.describe(idx)}.")
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(f"batch index {idx} out of range for {len(self)} batches.")
        return self.index_array[idx * self.batch_size:(idx + 1) * self.batch_size]

    def _augment_and_standardize(self, x, idx):
        gen = self.image_data_generator
        rng = np.random.default_rng((self._base_seed, self.epoch, int(idx) + 1))
        x = gen.augment_batch(x, rng)
        x = gen.standardize(x)
        if self.save_to_dir is not None:
            self._save(x, idx, rng)
        return x

    def _save(self, x, idx, rng):
        from PIL import Image

        gen = self.image_data_generator
        for i, img in enumerate(x):
            arr = img if gen.data_format == "channels_last" else np.moveaxis(img, 0, -1)
            arr = arr - arr.min()
            if arr.max() > 0:
                arr = arr / arr.max()
            arr = (arr * 255).astype(np.uint8)
            if arr.shape[-1] == 1:
                arr = arr[..., 0]
            ext = "jpg" if self.save_format in ("jpeg", "jpg") else "png"
            name = (f"{self.save_prefix}_{self.epoch}_{int(idx)}_{i}_"
                    f"{int(rng.integers(1e4))}.{ext}")
            path = self.save_to_dir / name
            with _io.atomic_path(path) as tmp:
                Image.fromarray(arr).save(tmp, format="JPEG" if ext == "jpg" else "PNG")


class NumpyArrayIterator(_BaseIterator):
    """A ``keras.utils.PyDataset`` of augmented batches from arrays (see ``flow``)."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, save_to_dir=None, save_prefix="",
                 save_format="png", ignore_class_split=False, subset=None, **pydataset_kwargs):
        if isinstance(x, (tuple, list)) and len(x) and isinstance(x[0], np.ndarray) \
                and np.ndim(x[0]) == 4:
            raise ValueError("flow() takes one array of images; the legacy (x, x_misc) tuple "
                             "form is not supported. Pass extra inputs with a PyDataset of "
                             "your own.")
        x = V.check_array("x", x, ndim=4, dtype_kind="biuf")
        gen = image_data_generator
        if y is not None:
            y = np.asarray(y)
            V.check_same_length("x", x, "y", y)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
            V.check_same_length("x", x, "sample_weight", sample_weight)
        V.check_bool("ignore_class_split", ignore_class_split)
        if subset is not None:
            lo, hi = gen._split_bounds(subset)
            split_idx = int(len(x) * gen.validation_split)
            rows = slice(0, split_idx) if subset == "validation" else slice(split_idx, None)
            if y is not None and not ignore_class_split:
                train_classes = set(np.unique(y[split_idx:]).tolist())
                val_classes = set(np.unique(y[:split_idx]).tolist())
                if train_classes != val_classes:
                    raise ValueError(
                        "Training and validation subsets have different classes after the "
                        "split (validation takes the first images). Shuffle x and y before "
                        "flow(), or pass ignore_class_split=True.")
            x = x[rows]
            y = None if y is None else y[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
            if len(x) == 0:
                raise ValueError(f"subset={subset!r} is empty: validation_split="
                                 f"{gen.validation_split:g} of {len(rows.indices(10**12))} "
                                 f"images.")
        self.x = x
        self.y = y
        self.sample_weight = sample_weight
        super().__init__(len(x), gen, batch_size=batch_size, shuffle=shuffle, seed=seed,
                         save_to_dir=save_to_dir, save_prefix=save_prefix,
                         save_format=save_format, **pydataset_kwargs)

    def __getitem__(self, idx):
        index = self._batch_indices(idx)
        xb = self._augment_and_standardize(self.x[index], idx)
        if self.y is None:
            return xb
        if self.sample_weight is None:
            return xb, self.y[index]
        return xb, self.y[index], self.sample_weight[index]


class DirectoryIterator(_BaseIterator):
    """A ``keras.utils.PyDataset`` of augmented batches read from image files."""

    def __init__(self, filepaths, labels, class_indices, image_data_generator, *,
                 directory=None, target_size=(256, 256), color_mode="rgb",
                 class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 save_to_dir=None, save_prefix="", save_format="png", interpolation="nearest",
                 keep_aspect_ratio=False, sample_weight=None, **pydataset_kwargs):
        if (not isinstance(target_size, (tuple, list)) or len(target_size) != 2):
            raise ValueError(f"`target_size` must be (height, width); received "
                             f"{V.describe(target_size)}.")
        self.target_size = tuple(V.check_positive_int(f"target_size[{i}]", v)
                                 for i, v in enumerate(target_size))
        self.color_mode = V.check_choice("color_mode", color_mode, ("grayscale", "rgb", "rgba"))
        self.class_mode = (None if class_mode is None else
                           V.check_choice("class_mode", class_mode, _CLASS_MODES,
                                          normalize=False))
        self.interpolation = V.check_choice("interpolation", interpolation,
                                            _PIL_INTERPOLATIONS)
        self.keep_aspect_ratio = V.check_bool("keep_aspect_ratio", keep_aspect_ratio)
        self.directory = directory
        self.filepaths = list(filepaths)
        self.filenames = [os.path.relpath(p, directory) if directory else p
                          for p in self.filepaths]
        self.labels = labels
        self.classes = labels
        self.class_indices = dict(class_indices)
        self.num_classes = len(self.class_indices)
        self.sample_weight = sample_weight
        if self.class_mode in ("categorical", "binary", "sparse") and labels is None:
            raise ValueError(f"class_mode={self.class_mode!r} needs labels.")
        channels = {"grayscale": 1, "rgb": 3, "rgba": 4}[self.color_mode]
        gen = image_data_generator
        if gen.data_format == "channels_last":
            self.image_shape = self.target_size + (channels,)
        else:
            self.image_shape = (channels,) + self.target_size
        super().__init__(len(self.filepaths), gen, batch_size=batch_size, shuffle=shuffle,
                         seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
                         save_format=save_format, **pydataset_kwargs)

    @property
    def samples(self):
        return self.n

    def _load(self, path):
        from PIL import Image

        with Image.open(path) as img:
            mode = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}[self.color_mode]
            img = img.convert(mode)
            height, width = self.target_size
            if self.keep_aspect_ratio:
                w, h = img.size
                crop_w = min(w, round(h * width / height))
                crop_h = min(h, round(w * height / width))
                left, top = (w - crop_w) // 2, (h - crop_h) // 2
                img = img.crop((left, top, left + crop_w, top + crop_h))
            if img.size != (width, height):
                resample = getattr(Image.Resampling, self.interpolation.upper())
                img = img.resize((width, height), resample)
            arr = np.asarray(img, dtype=np.float32)
        if arr.ndim == 2:
            arr = arr[..., None]
        if self.image_data_generator.data_format == "channels_first":
            arr = np.moveaxis(arr, -1, 0)
        return arr

    def __getitem__(self, idx):
        index = self._batch_indices(idx)
        xb = np.stack([self._load(self.filepaths[i]) for i in index]) if len(index) else \
            np.zeros((0,) + self.image_shape, np.float32)
        xb = self._augment_and_standardize(xb, idx)
        mode = self.class_mode
        if mode is None:
            return xb
        if mode == "input":
            yb = xb.copy()
        elif mode == "sparse":
            yb = self.labels[index].astype(np.float32)
        elif mode == "binary":
            yb = self.labels[index].astype(np.float32)
        elif mode == "categorical":
            yb = np.eye(self.num_classes, dtype=np.float32)[self.labels[index]]
        else:  # raw
            yb = self.labels[index]
        if self.sample_weight is not None:
            return xb, yb, self.sample_weight[index]
        return xb, yb


# ------------------------------------------------------------------ as_layer()


@keras.saving.register_keras_serializable(package="kerasdl")
class ImageDataGeneratorLayer(L._Base):
    """ImageDataGenerator's augmentation and normalization as one in-model layer.

    Built by ``ImageDataGenerator.as_layer()``. The random part (the legacy parameter draws,
    one affine resampling, channel shift, brightness) runs in training only; ``rescale`` and
    the sample/featurewise normalization run always. Arguments are the generator's (validated
    there); ``mean``/``std`` are the per-channel statistics from ``fit``.
    """

    def __init__(self, rotation_range=0.0, width_shift_range=0.0, height_shift_range=0.0,
                 shear_range=0.0, zoom_range=(1.0, 1.0), horizontal_flip=False,
                 vertical_flip=False, channel_shift_range=0.0, brightness_range=None,
                 fill_mode="nearest", cval=0.0, interpolation="bilinear", rescale=None,
                 samplewise_center=False, samplewise_std_normalization=False, mean=None,
                 std=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.rotation_range = float(rotation_range)
        self.width_shift_range = _check_shift_range("width_shift_range", width_shift_range)
        self.height_shift_range = _check_shift_range("height_shift_range", height_shift_range)
        self.shear_range = float(shear_range)
        self.zoom_range = tuple(float(z) for z in zoom_range)
        self.horizontal_flip = bool(horizontal_flip)
        self.vertical_flip = bool(vertical_flip)
        self.channel_shift_range = float(channel_shift_range)
        self.brightness_range = _check_brightness_range(brightness_range)
        self.fill_mode = V.check_choice("fill_mode", fill_mode, _ops.FILL_MODES)
        self.cval = float(cval)
        self.interpolation = V.check_choice("interpolation", interpolation,
                                            _ops.INTERPOLATIONS)
        self.rescale = rescale
        self.samplewise_center = bool(samplewise_center) or bool(samplewise_std_normalization)
        self.samplewise_std_normalization = bool(samplewise_std_normalization)
        self.mean = None if mean is None else [float(v) for v in mean]
        self.std = None if std is None else [float(v) for v in std]

    def call(self, inputs, training=True):
        B = self.backend
        x = B.cast(B.convert_to_tensor(inputs), self.compute_dtype)
        squeeze = len(x.shape) == 3
        if squeeze:
            x = B.numpy.expand_dims(x, 0)
        if training:
            x = self._augment(x)
        x = self._standardize(x)
        return B.numpy.squeeze(x, axis=0) if squeeze else x

    def _shift(self, spec, n, size, seed):
        B = self.backend
        if isinstance(spec, np.ndarray):
            values = B.convert_to_tensor(spec.astype(np.float32))
            pick = B.random.randint((n,), 0, len(spec), seed=seed)
            shift = B.numpy.take(values, pick)
            scale = B.cast(size, "float32") if np.max(spec) < 1 else 1.0
        elif isinstance(spec, int):
            if spec == 0:
                return B.numpy.zeros((n,), "float32")
            shift = B.cast(B.random.randint((n,), 0, spec, seed=seed), "float32")
            scale = 1.0
        else:
            if spec == 0:
                return B.numpy.zeros((n,), "float32")
            return (B.random.uniform((n,), -spec, spec, seed=seed, dtype="float32")
                    * (B.cast(size, "float32") if spec < 1 else 1.0))
        sign = B.numpy.where(B.random.uniform((n,), 0, 1, seed=seed) < 0.5, -1.0, 1.0)
        return shift * sign * scale

    def _augment(self, x):
        B = self.backend
        seed = self._seed()
        shape = B.shape(x)
        n = shape[0]
        h_axis, w_axis, _ = _ops.image_axes(self.data_format, 4)
        height, width = shape[h_axis], shape[w_axis]

        def uniform(lo, hi):
            return B.random.uniform((n,), minval=lo, maxval=hi, seed=seed, dtype="float32")

        zeros = B.numpy.zeros((n,), "float32")
        ones = B.numpy.ones((n,), "float32")
        theta = uniform(-self.rotation_range, self.rotation_range) if self.rotation_range \
            else zeros
        tx = self._shift(self.width_shift_range, n, width, seed)
        ty = self._shift(self.height_shift_range, n, height, seed)
        shear = uniform(-self.shear_range, self.shear_range) if self.shear_range else zeros
        if self.zoom_range == (1.0, 1.0):
            zx = zy = ones
        else:
            zx, zy = uniform(*self.zoom_range), uniform(*self.zoom_range)

        def flip(on):
            return B.numpy.where(uniform(0.0, 1.0) < 0.5, -ones, ones) if on else ones

        fx, fy = flip(self.horizontal_flip), flip(self.vertical_flip)
        geometric = (self.rotation_range or np.any(self.width_shift_range)
                     or np.any(self.height_shift_range) or self.shear_range
                     or self.zoom_range != (1.0, 1.0) or self.horizontal_flip
                     or self.vertical_flip)
        if geometric:
            matrices = _legacy_matrices_ops(B, theta, tx, ty, shear, zx, zy, fx, fy, height,
                                            width)
            x = B.image.affine_transform(x, matrices, interpolation=self.interpolation,
                                         fill_mode=self.fill_mode, fill_value=self.cval,
                                         data_format=self.data_format)
        if self.channel_shift_range:
            s = B.numpy.reshape(uniform(-self.channel_shift_range, self.channel_shift_range),
                                (n, 1, 1, 1))
            lo = B.numpy.min(x, axis=(1, 2, 3), keepdims=True)
            hi = B.numpy.max(x, axis=(1, 2, 3), keepdims=True)
            x = B.numpy.minimum(B.numpy.maximum(x + s, lo), hi)
        if self.brightness_range is not None:
            b = B.numpy.reshape(uniform(*self.brightness_range), (n, 1, 1, 1))
            lo = B.numpy.minimum(B.numpy.min(x, axis=(1, 2, 3), keepdims=True), 0.0)
            hi = B.numpy.maximum(B.numpy.max(x, axis=(1, 2, 3), keepdims=True), 255.0)
            outside = B.numpy.logical_or(lo < 0, hi > 255)
            scaled = B.numpy.where(outside, (x - lo) * b + lo, x * b)
            x = B.numpy.minimum(B.numpy.maximum(scaled, B.numpy.where(outside, lo, 0.0)),
                                B.numpy.where(outside, hi, 255.0))
        return x

    def _standardize(self, x):
        B = self.backend
        if self.rescale:
            x = x * self.rescale
        if self.samplewise_center:
            x = x - B.numpy.mean(x, axis=(1, 2, 3), keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (B.numpy.std(x, axis=(1, 2, 3), keepdims=True) + 1e-6)
        shape = (1, -1, 1, 1) if self.data_format == "channels_first" else (1, 1, 1, -1)
        if self.mean is not None:
            x = x - B.numpy.reshape(B.convert_to_tensor(self.mean, "float32"), shape)
        if self.std is not None:
            x = x / (B.numpy.reshape(B.convert_to_tensor(self.std, "float32"), shape) + 1e-6)
        return x

    def get_config(self):
        def spec(s):
            return s.tolist() if isinstance(s, np.ndarray) else s

        config = super().get_config()
        config.update(
            rotation_range=self.rotation_range, width_shift_range=spec(self.width_shift_range),
            height_shift_range=spec(self.height_shift_range), shear_range=self.shear_range,
            zoom_range=list(self.zoom_range), horizontal_flip=self.horizontal_flip,
            vertical_flip=self.vertical_flip, channel_shift_range=self.channel_shift_range,
            brightness_range=None if self.brightness_range is None
            else list(self.brightness_range),
            fill_mode=self.fill_mode, cval=self.cval, interpolation=self.interpolation,
            rescale=self.rescale, samplewise_center=self.samplewise_center,
            samplewise_std_normalization=self.samplewise_std_normalization, mean=self.mean,
            std=self.std)
        return config


def _legacy_matrices_ops(B, theta, tx, ty, shear, zx, zy, fx, fy, height, width):
    """Backend-ops twin of ``_ops.legacy_matrices`` (R . T . Sh . Z . F about the centre)."""
    deg = math.pi / 180.0
    c, s = B.numpy.cos(theta * deg), B.numpy.sin(theta * deg)
    cs, ss = B.numpy.cos(shear * deg), B.numpy.sin(shear * deg)
    m00 = c * zx * fx
    m01 = (-c * ss - s * cs) * zy * fy
    m10 = s * zx * fx
    m11 = (-s * ss + c * cs) * zy * fy
    u0 = c * tx - s * ty
    u1 = s * tx + c * ty
    cx = _ops._centre(B, width)
    cy = _ops._centre(B, height)
    a2 = cx - (m00 * cx + m01 * cy) + u0
    b2 = cy - (m10 * cx + m11 * cy) + u1
    zeros = B.numpy.zeros_like(m00)
    return B.numpy.stack([m00, m01, a2, m10, m11, b2, zeros, zeros], axis=1)

