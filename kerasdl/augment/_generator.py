"""``ImageDataGenerator`` for Keras 3: the legacy API as a thin adapter.

The constructor takes the legacy arguments with their legacy meanings and draws the legacy
random parameters, in the legacy order, from numpy's Mersenne Twister (the global one when no
seed is given, as legacy; a private ``RandomState`` when a seed is given, so the numbers are
the same as legacy's without reseeding the user's global state). The geometric part of a whole
batch is one matrix per image (``_ops.legacy_matrices``) resampled in one call of kerasdl's
affine resampler (``_ops.affine_resample``), which samples exactly as the
``scipy.ndimage.affine_transform`` the legacy class called once per image and channel.
Iterators live in ``_iterators.py``, the module-level functions in ``_legacy_functions.py``,
the in-model layer (``as_layer``) in ``_generator_layer.py``.

Every deliberate difference from the legacy class is listed, with its reason, in
docs/migrating_from_imagedatagenerator.md.
"""

import numbers
import warnings

import keras
import numpy as np

from kerasdl import _validation as V
from kerasdl.augment import _ops
from kerasdl.augment import _iterators as _it
from kerasdl.augment._legacy_functions import _SCIPY_MODES
from kerasdl.augment._legacy_functions import apply_channel_shift

__all__ = ["ImageDataGenerator"]

_PYDATASET_KWARGS = ("workers", "use_multiprocessing", "max_queue_size")
_PARAMETER_KEYS = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical",
                   "channel_shift_intensity", "brightness")


# ------------------------------------------------------------------ argument checks


def check_shift_range(name, value):
    """Float (< 1: fraction, >= 1: pixels, drawn uniformly), int (pixels from a discrete
    range) or a 1-D sequence of allowed shifts. Returns the validated value."""
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
        if arr.size == 0:
            raise ValueError(f"`{name}` must not be an empty sequence.")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"`{name}` must hold finite numbers; received {V.describe(value)}.")
        return np.asarray(value).reshape(-1)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be a number or a sequence of numbers; received "
                        f"{value!r}.")
    if isinstance(value, numbers.Integral):
        return V.check_int(name, value, min_value=0)
    return V.check_nonnegative(name, value)


def _check_zoom_range(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        if len(value) != 2:
            raise ValueError("`zoom_range` should be a float or a tuple or list of two floats. "
                             f"Received: {V.describe(value)}.")
        lo = V.check_number("zoom_range[0]", value[0], min_value=0.0, min_inclusive=False)
        hi = V.check_number("zoom_range[1]", value[1], min_value=0.0, min_inclusive=False)
        if lo > hi:
            raise ValueError(f"`zoom_range` must be [lower, upper] with lower <= upper; "
                             f"received {list(value)}.")
        return [value[0], value[1]]
    V.check_number("zoom_range", value, min_value=0.0, max_value=1.0, max_inclusive=False)
    return [1 - value, 1 + value]


def check_brightness_range(value):
    if value is None:
        return None
    if not isinstance(value, (list, tuple, np.ndarray)) or len(value) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. Received: "
                         f"{V.describe(value)}.")
    lo = V.check_nonnegative("brightness_range[0]", value[0])
    hi = V.check_nonnegative("brightness_range[1]", value[1])
    if lo > hi:
        raise ValueError(f"`brightness_range` must be [lower, upper] with lower <= upper; "
                         f"received {list(value)}.")
    return value


def check_data_format(data_format):
    if data_format is None:
        return keras.config.image_data_format()
    return V.check_choice("data_format", data_format, ("channels_last", "channels_first"),
                          normalize=False)


def check_pydataset_kwargs(function, kwargs):
    """Keep ``workers``/``use_multiprocessing``/``max_queue_size``; any other name is a typo."""
    for key in kwargs:
        if key not in _PYDATASET_KWARGS:
            raise TypeError(f"{function}() got an unexpected keyword argument {key!r}. Extra "
                            f"keyword arguments allowed: {', '.join(_PYDATASET_KWARGS)} "
                            f"(of keras.utils.PyDataset).")
    return kwargs


def _draw_shift(rng, spec, size):
    """One legacy shift draw (pixels): choice from a list or int with a random sign, or
    uniform for a float; fractions (max < 1) scale by ``size``."""
    if not np.any(spec):
        return 0
    if isinstance(spec, np.ndarray) or isinstance(spec, numbers.Integral):
        shift = rng.choice(spec)
        shift *= rng.choice([-1, 1])
    else:
        shift = rng.uniform(-spec, spec)
    if np.max(spec) < 1:
        shift *= size
    return shift


def legacy_brightness(x, b):
    """Multiply by ``b``; clip to [0, 255], or to the image's own range when it exceeds it
    (what the legacy PIL round trip did, without its 8-bit truncation)."""
    lo = np.minimum(x.min(), 0.0)
    hi = np.maximum(x.max(), 255.0)
    outside = (lo < 0) or (hi > 255)
    scaled = (x - lo) * b + lo if outside else x * b
    return np.clip(scaled, lo if outside else 0.0, hi if outside else 255.0).astype(x.dtype)


# ------------------------------------------------------------------ the generator


class ImageDataGenerator:
    """Real-time image augmentation with the legacy ``keras.preprocessing`` API.

    A drop-in for ``tf.keras.preprocessing.image.ImageDataGenerator`` that runs on Keras 3
    and any backend, giving the legacy results (see docs/migrating_from_imagedatagenerator.md
    for the few deliberate differences). ``flow``, ``flow_from_directory`` and
    ``flow_from_dataframe`` return legacy iterators: endless iterators (``next(it)``) that are
    also ``keras.utils.PyDataset`` sequences for ``model.fit``.

    To move the same augmentation into a model (so it runs on the accelerator), call
    ``as_layer()``; ``kerasdl.augment.pipeline`` is the modern spelling.

    Args:
        featurewise_center: subtract the dataset mean (per channel; needs ``fit``).
            Defaults to False.
        samplewise_center: subtract each image's mean. Defaults to False.
        featurewise_std_normalization: divide by the dataset std (per channel; needs
            ``fit``). Turns ``featurewise_center`` on (with a warning). Defaults to False.
        samplewise_std_normalization: divide each image by its std. Turns
            ``samplewise_center`` on. Defaults to False.
        zca_whitening: apply ZCA whitening (needs ``fit``). Turns ``featurewise_center`` on
            and ``featurewise_std_normalization`` off (with warnings, as legacy).
            Defaults to False.
        zca_epsilon: epsilon of ZCA whitening. Defaults to 1e-6.
        rotation_range: maximum rotation in degrees. Defaults to 0.
        width_shift_range: float < 1: fraction of the width; float >= 1: pixels (uniform);
            int: whole pixels from ``[0, n)`` with a random sign; sequence: allowed shifts
            (random sign). Defaults to 0.
        height_shift_range: as ``width_shift_range``, vertically. Defaults to 0.
        brightness_range: ``[lower, upper]`` brightness factors, or None. Defaults to None.
        shear_range: maximum shear angle in degrees (counter-clockwise). Defaults to 0.
        zoom_range: float z for ``[1 - z, 1 + z]``, or ``[lower, upper]``; values < 1 zoom in.
            Defaults to 0.
        channel_shift_range: maximum offset added to all channels (clipped to the image's
            range). Defaults to 0.
        fill_mode: ``"constant"``, ``"nearest"``, ``"reflect"`` or ``"wrap"`` (scipy's
            meanings). Defaults to ``"nearest"``.
        cval: fill value for ``fill_mode="constant"``. Defaults to 0.
        horizontal_flip: randomly flip left-right. Defaults to False.
        vertical_flip: randomly flip up-down. Defaults to False.
        rescale: factor applied after augmentation (e.g. ``1/255``); None or 0 for none.
            Defaults to None.
        preprocessing_function: function applied to each image (rank 3, numpy) after
            augmentation and before ``rescale``. Defaults to None.
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
    >>> it = gen.flow(np.zeros((10, 8, 8, 3)), np.arange(10), batch_size=4, seed=0)
    >>> x_batch, y_batch = next(it)
    >>> len(it), x_batch.shape
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
        self._set_normalization(featurewise_center, samplewise_center,
                                featurewise_std_normalization, samplewise_std_normalization,
                                zca_whitening, zca_epsilon)
        self.rotation_range = V.check_number("rotation_range", rotation_range, min_value=0.0,
                                             max_value=360.0)
        self.width_shift_range = check_shift_range("width_shift_range", width_shift_range)
        self.height_shift_range = check_shift_range("height_shift_range", height_shift_range)
        self.brightness_range = check_brightness_range(brightness_range)
        self.shear_range = V.check_nonnegative("shear_range", shear_range)
        self.zoom_range = _check_zoom_range(zoom_range)
        self.channel_shift_range = V.check_nonnegative("channel_shift_range",
                                                       channel_shift_range)
        self.fill_mode = V.check_choice("fill_mode", fill_mode, _ops.FILL_MODES,
                                        normalize=False)
        self.cval = V.check_number("cval", cval)
        self.horizontal_flip = V.check_bool("horizontal_flip", horizontal_flip)
        self.vertical_flip = V.check_bool("vertical_flip", vertical_flip)
        self.rescale = V.check_number("rescale", rescale, allow_none=True)
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError(f"`preprocessing_function` must be callable or None; received "
                            f"{V.describe(preprocessing_function)}.")
        self.preprocessing_function = preprocessing_function
        self.data_format = check_data_format(data_format)
        self._validation_split = V.check_number("validation_split", validation_split,
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

    def _set_normalization(self, featurewise_center, samplewise_center,
                           featurewise_std_normalization, samplewise_std_normalization,
                           zca_whitening, zca_epsilon):
        """The normalization flags, with the legacy overrides and their warnings."""
        self.featurewise_center = V.check_bool("featurewise_center", featurewise_center)
        self.samplewise_center = V.check_bool("samplewise_center", samplewise_center)
        self.featurewise_std_normalization = V.check_bool("featurewise_std_normalization",
                                                          featurewise_std_normalization)
        self.samplewise_std_normalization = V.check_bool("samplewise_std_normalization",
                                                         samplewise_std_normalization)
        self.zca_whitening = V.check_bool("zca_whitening", zca_whitening)
        self.zca_epsilon = V.check_number("zca_epsilon", zca_epsilon, min_value=0.0,
                                          min_inclusive=False)
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which "
                              "overrides setting of `featurewise_center`.", stacklevel=3)
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn("This ImageDataGenerator specifies `zca_whitening` which "
                              "overrides setting of`featurewise_std_normalization`.",
                              stacklevel=3)
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                          "which overrides setting of `featurewise_center`.", stacklevel=3)
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, "
                          "which overrides setting of `samplewise_center`.", stacklevel=3)

    @property
    def validation_split(self):
        return self._validation_split

    @property
    def interpolation(self):
        return "nearest" if self.interpolation_order == 0 else "bilinear"

    def _hw(self, shape):
        """(height, width) of an image shape with or without the batch axis."""
        off = len(shape) - 3
        return shape[self.row_axis - 1 + off], shape[self.col_axis - 1 + off]

    # -------------------------------------------------------------- random parameters

    def get_random_transform(self, img_shape, seed=None):
        """Draw the random parameters for one image of shape ``img_shape``.

        The draws are the legacy ones, in the legacy order, from numpy's global random state
        (or from ``RandomState(seed)``, the stream ``np.random.seed(seed)`` would give).

        Args:
            img_shape: shape of one image (rank 3).
            seed: integer seed. Defaults to None.

        Returns:
            A dict with the legacy keys ``theta``, ``tx``, ``ty``, ``shear``, ``zx``, ``zy``,
            ``flip_horizontal``, ``flip_vertical``, ``channel_shift_intensity``,
            ``brightness``. ``tx`` is the horizontal shift (from ``width_shift_range``) and
            ``ty`` the vertical one.
        """
        if len(img_shape) != 3:
            raise ValueError(f"`img_shape` must be the shape of one image (rank 3); received "
                             f"{tuple(img_shape)}.")
        seed = V.check_int("seed", seed, min_value=0, max_value=2**32 - 1, allow_none=True)
        rng = np.random if seed is None else np.random.RandomState(seed)
        return self._draw(img_shape, rng)

    def _draw(self, img_shape, rng):
        height, width = self._hw(img_shape)
        theta = rng.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        # legacy order: the height draw first. Legacy applied it along the columns (a bug);
        # here it is the vertical shift `ty`, the width draw the horizontal `tx`.
        ty = _draw_shift(rng, self.height_shift_range, height)
        tx = _draw_shift(rng, self.width_shift_range, width)
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (rng.random() < 0.5) * self.horizontal_flip
        flip_vertical = (rng.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = rng.uniform(-self.channel_shift_range,
                                                  self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    # -------------------------------------------------------------- applying transforms

    def _transform_batch(self, x, params):
        """Apply one parameter dict per image to a rank-4 batch (one resampling)."""
        height, width = self._hw(x.shape)
        n = len(params)

        def column(key, default):
            return np.asarray([p.get(key, default) for p in params], dtype=np.float64)

        flips = {k: np.where(column(f"flip_{k}", False) != 0, -1.0, 1.0)
                 for k in ("horizontal", "vertical")}
        matrices = _ops.legacy_matrices(
            _ops.HOST, theta=column("theta", 0), tx=column("tx", 0), ty=column("ty", 0),
            shear=column("shear", 0), zx=column("zx", 1), zy=column("zy", 1),
            flip_x=flips["horizontal"], flip_y=flips["vertical"], height=height, width=width)
        moving = ~_ops.is_identity(matrices) if n else np.zeros(0, bool)
        if np.any(moving):
            x = x.copy()
            x[moving] = _ops.host_affine(
                x[moving], matrices[moving], interpolation=self.interpolation,
                fill_mode=_SCIPY_MODES[self.fill_mode], fill_value=self.cval,
                data_format=self.data_format)
        for i, p in enumerate(params):  # legacy order: affine, channel shift, flips, brightness
            if p.get("channel_shift_intensity") is not None:
                x[i] = apply_channel_shift(x[i], p["channel_shift_intensity"],
                                           self.channel_axis - 1)
            if p.get("brightness") is not None:
                x[i] = legacy_brightness(x[i], p["brightness"])
        return x

    def apply_transform(self, x, transform_parameters):
        """Apply given transform parameters to one image (rank 3); returns a new array.

        Args:
            x: one image, rank 3.
            transform_parameters: dict with any of the keys ``get_random_transform`` returns
                (``tx``/``ty`` in pixels: the output pixel (x, y) shows the input pixel
                (x + tx, y + ty), as in the legacy class).

        Returns:
            The transformed image, of ``x``'s float dtype (``dtype`` for integer input).
        """
        x = V.check_array("x", x, ndim=3, dtype_kind="biuf", allow_empty=True)
        if not isinstance(transform_parameters, dict):
            raise TypeError("`transform_parameters` must be a dict; received "
                            f"{V.describe(transform_parameters)}.")
        unknown = set(transform_parameters) - set(_PARAMETER_KEYS)
        if unknown:  # legacy ignored them silently: a typo gave an untransformed image
            raise ValueError(f"Unknown transform parameter(s) {sorted(unknown)}; valid keys: "
                             f"{list(_PARAMETER_KEYS)}.")
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(self.dtype)
        return self._transform_batch(x[None].astype(dtype), [transform_parameters])[0]

    def random_transform(self, x, seed=None):
        """Apply a random transformation to one image (rank 3); returns a new array."""
        x = V.check_array("x", x, ndim=3, dtype_kind="biuf", allow_empty=True)
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def augment_batch(self, x, rng=None):
        """Randomly transform a rank-4 batch (legacy draws per image, one resampling);
        no standardization. ``rng``: a ``numpy.random.RandomState`` (None: numpy's global)."""
        x = np.array(x, dtype=self.dtype, copy=True)
        rng = np.random if rng is None else rng
        return self._transform_batch(x, [self._draw(img.shape, rng) for img in x])

    # -------------------------------------------------------------- standardization

    def standardize(self, x):
        """Apply the normalization settings to an image or a batch; returns a new array.

        In the legacy order: ``preprocessing_function``, ``rescale``, samplewise centring
        and scaling (per image), featurewise centring and scaling, ZCA whitening. A
        featurewise option whose statistics are missing (no ``fit`` yet) warns and is
        skipped, as in the legacy class.
        """
        x = np.array(x, dtype=None if np.asarray(x).dtype.kind == "f" else self.dtype,
                     copy=True)
        if x.ndim == 4:
            return np.stack([self.standardize(img) for img in x]) if len(x) else x
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        for option, attribute in (("featurewise_center", "mean"),
                                  ("featurewise_std_normalization", "std"),
                                  ("zca_whitening", "zca_whitening_matrix")):
            if getattr(self, option) and getattr(self, attribute) is None:
                warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't "
                              f"been fit on any training data. Fit it first by calling "
                              f"`.fit(numpy_data)`.", stacklevel=2)
        if self.featurewise_center and self.mean is not None:
            x -= self.mean
        if self.featurewise_std_normalization and self.std is not None:
            x /= self.std + 1e-6
        if self.zca_whitening and self.zca_whitening_matrix is not None:
            flat_x = x.reshape(-1, np.prod(x.shape[-3:]))
            x = np.reshape(flat_x @ self.zca_whitening_matrix, x.shape)
        return x

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the dataset statistics the featurewise options need (as legacy).

        Args:
            x: rank-4 array of images.
            augment: fit on randomly augmented copies. Defaults to False.
            rounds: number of augmented copies when ``augment``. Defaults to 1.
            seed: integer seed for the augmentation. Defaults to None.

        Returns:
            The generator itself (legacy returned None; the statistics are stored on it).
        """
        x = V.check_array("x", x, ndim=4, dtype_kind="biuf")
        V.check_bool("augment", augment)
        rounds = V.check_positive_int("rounds", rounds)
        seed = V.check_int("seed", seed, min_value=0, max_value=2**32 - 1, allow_none=True)
        x = np.array(x, dtype=self.dtype, copy=True)
        warn_channels(x.shape, self.data_format, "fit")
        rng = np.random if seed is None else np.random.RandomState(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            x = np.concatenate([self.augment_batch(x, rng) for _ in range(rounds)])
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            u, s, _ = np.linalg.svd(np.reshape(x, (n, -1)).T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv).dot(u.T)
        return self

    # -------------------------------------------------------------- iterators

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None, **pydataset_kwargs):
        """Batches of augmented, standardized images from arrays.

        Args:
            x: rank-4 array of images, or a tuple ``(images, extra)`` whose ``extra`` array
                (or list of arrays) is batched alongside, unaugmented (the legacy form).
            y: labels, or None to yield images only. Defaults to None.
            batch_size: images per batch. Defaults to 32.
            shuffle: shuffle the order every epoch. Defaults to True.
            sample_weight: per-image weights, or None. Defaults to None.
            seed: integer seed for shuffling and augmentation. Defaults to None.
            save_to_dir: folder to save every generated image to, or None. Defaults to None.
            save_prefix: file name prefix for saved images. Defaults to "".
            save_format: ``"png"`` or ``"jpeg"``. Defaults to ``"png"``.
            ignore_class_split: allow a ``validation_split`` whose two subsets do not hold
                the same classes. Defaults to False.
            subset: ``"training"``, ``"validation"`` or None. Defaults to None.
            **pydataset_kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` of
                ``keras.utils.PyDataset``; any other name raises a TypeError.

        Returns:
            A ``NumpyArrayIterator`` yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``
            batches (``[x, *extra]`` in place of ``x`` with the tuple form).
        """
        check_pydataset_kwargs("flow", pydataset_kwargs)
        return _it.NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype,
            **pydataset_kwargs)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False,
                            **pydataset_kwargs):
        """Batches of augmented images read from one sub-folder per class.

        Args:
            directory: folder with one sub-folder of images per class.
            target_size: ``(height, width)`` images are resized to. Defaults to (256, 256).
            color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``. Defaults to ``"rgb"``.
            classes: class sub-folder names (their order gives the indices), or None for
                every sub-folder, sorted. Defaults to None.
            class_mode: ``"categorical"`` (one-hot), ``"binary"``, ``"sparse"`` (integers),
                ``"input"`` (the images themselves) or None (images only). Defaults to
                ``"categorical"``.
            batch_size: as in ``flow``.
            shuffle: as in ``flow``.
            seed: as in ``flow``.
            save_to_dir: as in ``flow``.
            save_prefix: as in ``flow``.
            save_format: as in ``flow``.
            subset: as in ``flow``.
            follow_links: follow symbolic links to sub-folders. Defaults to False.
            interpolation: resampling for resizing (``"nearest"``, ``"bilinear"``,
                ``"bicubic"``, ``"lanczos"``, ``"box"``, ``"hamming"``). Defaults to
                ``"nearest"``.
            keep_aspect_ratio: centre-crop to the target aspect ratio before resizing.
                Defaults to False.
            **pydataset_kwargs: as in ``flow``.

        Returns:
            A ``DirectoryIterator``; ``class_indices`` maps class names to indices,
            ``filenames`` lists the files (relative to ``directory``), ``classes`` their
            labels.
        """
        check_pydataset_kwargs("flow_from_directory", pydataset_kwargs)
        return _it.DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype, **pydataset_kwargs)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32,
                            shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", subset=None, interpolation="nearest",
                            validate_filenames=True, keep_aspect_ratio=False, **kwargs):
        """Batches of augmented images whose paths and labels come from a pandas DataFrame.

        The arguments not listed below work as in ``flow_from_directory``.

        Args:
            dataframe: a ``pandas.DataFrame``.
            directory: folder the paths in ``x_col`` are relative to, or None for absolute
                paths. Defaults to None.
            x_col: column of file paths (strings). Defaults to ``"filename"``.
            y_col: label column, or a list of columns (``"raw"``, ``"multi_output"``).
                Defaults to ``"class"``.
            weight_col: column of (numeric) sample weights, or None. Defaults to None.
            class_mode: ``"categorical"`` (one-hot; multi-hot for list-valued labels),
                ``"binary"``, ``"sparse"``, ``"raw"`` (the ``y_col`` values as they are),
                ``"multi_output"`` (one array per ``y_col``), ``"input"`` or None.
                Defaults to ``"categorical"``.
            validate_filenames: drop rows whose file is missing or not an image (with a
                warning). Defaults to True.
            **kwargs: the deprecated ``has_ext``, ``sort`` and ``drop_duplicates`` (ignored
                with a DeprecationWarning, as legacy), or ``workers``,
                ``use_multiprocessing``, ``max_queue_size``; any other name raises a
                TypeError.

        Returns:
            A ``DataFrameIterator``.

        Raises:
            ImportError: pandas is not installed.
        """
        kwargs = _deprecated_dataframe_kwargs(kwargs)
        if class_mode == "other":
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` "raw".',
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        check_pydataset_kwargs("flow_from_dataframe", kwargs)
        return _it.DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, keep_aspect_ratio=keep_aspect_ratio,
            dtype=self.dtype, **kwargs)

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
        from kerasdl.augment._generator_layer import layer_from_generator

        return layer_from_generator(self, seed)


_DEPRECATED = {
    "has_ext": "has_ext is deprecated, filenames in the dataframe have to match the exact "
               "filenames in disk.",
    "sort": "sort is deprecated, batches will be created in the same order than the "
            "filenames provided if shuffle is set to False.",
    "drop_duplicates": "drop_duplicates is deprecated, you can drop duplicates by using the "
                       "pandas.DataFrame.drop_duplicates method.",
}


def _deprecated_dataframe_kwargs(kwargs):
    """Warn about (and drop) the legacy deprecated keywords of ``flow_from_dataframe``."""
    kwargs = dict(kwargs)
    for key, message in _DEPRECATED.items():
        if key in kwargs:
            kwargs.pop(key)
            warnings.warn(message, DeprecationWarning, stacklevel=3)
    return kwargs


def warn_channels(shape, data_format, who):
    """The legacy warning for arrays whose channel axis does not hold 1, 3 or 4 values."""
    axis = 3 if data_format == "channels_last" else 1
    if len(shape) == 4 and shape[axis] not in {1, 3, 4}:
        if who == "fit":
            start = ("Expected input to be images (as Numpy array) following the data format "
                     f"convention \"{data_format}\" (channels on axis {axis}), i.e. expected "
                     f"either 1, 3 or 4 channels on axis {axis}. ")
        else:
            start = (f"NumpyArrayIterator is set to use the data format convention "
                     f"\"{data_format}\" (channels on axis {axis}), i.e. expected either 1, 3, "
                     f"or 4 channels on axis {axis}. ")
        warnings.warn(start + f"However, it was passed an array with shape {tuple(shape)} "
                      f"({shape[axis]} channels).", stacklevel=3)
