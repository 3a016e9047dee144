"""Augmentation layers: one-pass RandomAffine and the photometric layers Keras lacks.

Every layer here:

* is random only in training (``training=False``, as in ``model.predict``, is the identity);
* draws its randomness from a ``keras.random.SeedGenerator`` (``seed=`` makes it repeatable);
* serializes (``get_config``; registered under the package name ``"kerasdl"``);
* works with ``channels_last`` and ``channels_first`` images and any channel count;
* runs inside a model (on the accelerator) or mapped over a ``tf.data`` pipeline under any
  backend: like Keras's own preprocessing layers they build on Keras's ``DataLayer``, which
  switches to TensorFlow ops inside a ``tf.data`` graph.

Why not Keras's layers: a chain of ``RandomRotation``, ``RandomTranslation``, ``RandomZoom``
and ``RandomFlip`` resamples the image once per layer (blurring it each time);
``RandomAffine`` composes them into one matrix and resamples once. ``keras.layers.RandomContrast``
(Keras 3.15) draws its factor from ``[1, 1 + factor]`` only, so it never lowers contrast, and
``keras.layers.RandomBrightness`` adds a constant where ImageDataGenerator multiplies.
"""


import keras
import numpy as np

from kerasdl import _validation as V
from kerasdl.augment import _ops

from kerasdl._keras_compat import data_layer_base

_DataLayer = data_layer_base()

__all__ = ["RandomAffine", "RandomBrightness", "RandomContrast", "RandomChannelShift",
           "GaussianNoise", "RandomErasing"]

_register = keras.saving.register_keras_serializable(package="kerasdl")


# ------------------------------------------------------------------ argument helpers


def _number(name, value, lo, hi, *, hi_inclusive=True):
    return V.check_number(name, value, min_value=lo, max_value=hi, max_inclusive=hi_inclusive)


def _pair_or_number(name, value, lo, hi, *, hi_inclusive=True):
    """A number in [lo, hi], or a pair of such numbers; returns a float or a 2-tuple."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"`{name}` must be a number or a pair of numbers; received "
                             f"{V.describe(value)}.")
        return tuple(_number(f"{name}[{i}]", v, lo, hi, hi_inclusive=hi_inclusive)
                     for i, v in enumerate(value))
    return _number(name, value, lo, hi, hi_inclusive=hi_inclusive)


def _check_value_range(name, value_range):
    if value_range is None:
        return None
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2:
        raise ValueError(f"`{name}` must be a pair (low, high) or None; received "
                         f"{V.describe(value_range)}.")
    lo = V.check_number(f"{name}[0]", value_range[0])
    hi = V.check_number(f"{name}[1]", value_range[1])
    if not lo < hi:
        raise ValueError(f"`{name}` must be (low, high) with low < high; received "
                         f"{tuple(value_range)}.")
    return (lo, hi)


def _check_data_format(data_format):
    if data_format is None:
        return keras.config.image_data_format()
    return V.check_choice("data_format", data_format, ("channels_last", "channels_first"))


def _check_seed(seed):
    return V.check_param("seed", seed, allow_none=True)


def _flip_mode(flip):
    """None/False -> None; True -> "horizontal"; a mode name -> that mode (validated)."""
    if flip is None or flip is False:
        return None
    if flip is True:
        return "horizontal"
    if isinstance(flip, str) and V.normalize_name(flip) == "horizontal_and_vertical":
        return "both"
    return V.check_choice("flip", flip, _ops.FLIP_MODES)


_CHANNEL_COUNTS = (1, 3, 4)


def check_channel_axis(input_shape, data_format, who):
    """Refuse images whose channel axis is evidently the other one.

    The rule (for ``channels_last``; mirrored for ``channels_first``): an input of rank 3 or
    4 whose last axis has more than 4 values while the first spatial axis has 1, 3 or 4 is
    channels-first data (e.g. ``(N, 3, 32, 32)``). Images with any channel count in the right
    place pass (``(N, 8, 8, 7)``, ``(N, 4, 4, 3)``, ``(N, 2, 2, 1)``); only a strip 1, 3 or 4
    pixels high with more than 4 channels would be refused.
    """
    shape = tuple(input_shape or ())
    if len(shape) not in (3, 4) or any(d is None for d in shape[-3:]):
        return
    first, last = shape[-3], shape[-1]
    if data_format == "channels_first":
        first, last = last, first
    if last > 4 and first in _CHANNEL_COUNTS:
        fix = ("channels_first" if data_format == "channels_last" else "channels_last")
        raise ValueError(
            f"{who} uses data_format={data_format!r} but received images of shape {shape}: "
            f"the {'last' if data_format == 'channels_last' else 'first'} axis ({last}) does "
            f"not look like a channel axis, while axis {len(shape) - 3} holds {first} values "
            f"(1, 3 or 4 channels). Pass data_format={fix!r}, or move the channel axis "
            f"(np.moveaxis(x, {len(shape) - 3}, -1)).")


class _Base(_DataLayer):
    """Shared plumbing: seed, data format, rank-3 inputs, dtype, identity at inference."""

    def __init__(self, *, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = _check_seed(seed)
        self.generator = keras.random.SeedGenerator(self.seed)
        self.data_format = _check_data_format(data_format)
        self.supports_masking = False
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    def _seed(self):
        return self._get_seed_generator(self.backend._backend)

    def call(self, inputs, training=True):
        B = self.backend
        images = B.convert_to_tensor(inputs)
        if not keras.backend.standardize_dtype(images.dtype).startswith(("float", "bfloat")):
            images = B.cast(images, self.compute_dtype)  # e.g. uint8 pixels
        check_channel_axis(images.shape, self.data_format, type(self).__name__)
        if not training or self._is_noop():
            return images
        rank = len(images.shape)
        if rank not in (3, 4):
            raise ValueError(f"{type(self).__name__} expects images of rank 3 (one image) or 4 "
                             f"(a batch); received shape {tuple(images.shape)}.")
        if rank == 3:
            return B.numpy.squeeze(self._augment(B.numpy.expand_dims(images, 0)), axis=0)
        return self._augment(images)

    def _is_noop(self):
        return False

    def _batch_size(self, images):
        return self.backend.shape(images)[0]

    def _channel_shape(self, images):
        """Shape (n, 1, 1, c) or (n, c, 1, 1) for per-image, per-channel values."""
        shape = self.backend.shape(images)
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(seed=self.seed, data_format=self.data_format)
        return config


# ------------------------------------------------------------------ geometric


@_register
class RandomAffine(_Base):
    """Random rotation, shift, zoom, shear and flips in ONE resampling pass.

    All the geometric transforms of an image are composed into one matrix, so the image is
    interpolated once (a chain of Keras layers interpolates once per layer, which is slower and
    blurs more). In the forward direction each image is flipped, zoomed, sheared, rotated
    about its centre, then shifted. Every image of a batch gets its own random parameters.

    Args:
        rotation: maximum rotation in degrees; each image is rotated by an angle drawn from
            ``[-rotation, rotation]`` (positive is counter-clockwise). Defaults to 0.
        width_shift: maximum horizontal shift as a fraction of the width, in [0, 1): 0.1
            shifts by up to 10% left or right. Defaults to 0.
        height_shift: maximum vertical shift as a fraction of the height, in [0, 1).
            Defaults to 0.
        zoom: zoom range as a fraction in [0, 1): the magnification is drawn from
            ``[1 - zoom, 1 + zoom]`` (> 1 zooms in), the same for both axes. A pair
            ``(height_zoom, width_zoom)`` draws the two axes independently. Defaults to 0.
        shear: maximum shear angle in degrees, in [0, 90). Defaults to 0.
        flip: None, ``"horizontal"`` (left-right), ``"vertical"`` (up-down) or ``"both"``;
            each allowed flip happens with probability 1/2. Defaults to None.
        fill_mode: how points outside the image are filled: ``"constant"``, ``"nearest"``,
            ``"reflect"`` or ``"wrap"``. Defaults to ``"reflect"`` (as Keras's layers).
        fill_value: the value used by ``fill_mode="constant"``. Defaults to 0.
        interpolation: ``"bilinear"`` or ``"nearest"``. Defaults to ``"bilinear"``.
        seed: integer seed for repeatable draws. Defaults to None (random).
        data_format: ``"channels_last"`` or ``"channels_first"``. Defaults to
            ``keras.config.image_data_format()``.

    Raises:
        ValueError: a range outside its allowed interval, or an unknown mode.

    Example:

    >>> layer = RandomAffine(rotation=15, width_shift=0.1, height_shift=0.1, zoom=0.1,
    ...                      flip="horizontal", seed=0)
    >>> layer(np.zeros((2, 32, 32, 3), "float32")).shape
    (2, 32, 32, 3)
    """

    def __init__(self, rotation=0.0, width_shift=0.0, height_shift=0.0, zoom=0.0, shear=0.0,
                 flip=None, fill_mode="reflect", fill_value=0.0, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.rotation = _number("rotation", rotation, 0.0, 180.0)
        self.width_shift = _number("width_shift", width_shift, 0.0, 1.0, hi_inclusive=False)
        self.height_shift = _number("height_shift", height_shift, 0.0, 1.0, hi_inclusive=False)
        zoom = _pair_or_number("zoom", zoom, 0.0, 1.0, hi_inclusive=False)
        self.zoom = zoom
        self.shear = _number("shear", shear, 0.0, 90.0, hi_inclusive=False)
        self.flip = _flip_mode(flip)
        self.fill_mode = V.check_choice("fill_mode", fill_mode, _ops.FILL_MODES)
        self.fill_value = V.check_number("fill_value", fill_value)
        self.interpolation = V.check_choice("interpolation", interpolation, _ops.INTERPOLATIONS)

    def _is_noop(self):
        zoom = self.zoom if isinstance(self.zoom, tuple) else (self.zoom,)
        return (self.rotation == 0 and self.width_shift == 0 and self.height_shift == 0
                and all(z == 0 for z in zoom) and self.shear == 0 and self.flip is None)

    def _hw(self, images):
        shape = self.backend.shape(images)
        h_axis, w_axis, _ = _ops.image_axes(self.data_format, 4)
        return shape[h_axis], shape[w_axis]

    def get_random_transformation(self, images, training=True, seed=None):
        """Draw one set of parameters per image of a rank-4 batch.

        Returns:
            A dict of float tensors of shape (n,): ``rotation`` and ``shear`` (degrees),
            ``shift_x`` and ``shift_y`` (pixels, right and down), ``zoom_x`` and ``zoom_y``
            (magnifications), ``flip_x`` and ``flip_y`` (-1 flips, +1 keeps). None when
            ``training`` is False.
        """
        if not training:
            return None
        B = self.backend
        seed = self._seed() if seed is None else seed
        n = B.shape(images)[0]
        height, width = self._hw(images)

        # One random draw for the whole batch (columns: one per parameter), then affine
        # rescaling to each range: fewer ops than one draw per parameter.
        u = B.random.uniform((n, 8), minval=0.0, maxval=1.0, seed=seed, dtype="float32")

        def uniform(column, lo, hi):
            return lo + (hi - lo) * u[:, column]

        zeros = B.numpy.zeros((n,), dtype="float32")
        ones = B.numpy.ones((n,), dtype="float32")
        rotation = uniform(0, -self.rotation, self.rotation) if self.rotation else zeros
        shift_x = (uniform(1, -self.width_shift, self.width_shift) * B.cast(width, "float32")
                   if self.width_shift else zeros)
        shift_y = (uniform(2, -self.height_shift, self.height_shift)
                   * B.cast(height, "float32") if self.height_shift else zeros)
        shear = uniform(3, -self.shear, self.shear) if self.shear else zeros
        if isinstance(self.zoom, tuple):
            zh, zw = self.zoom
            zoom_y = uniform(4, 1.0 - zh, 1.0 + zh) if zh else ones
            zoom_x = uniform(5, 1.0 - zw, 1.0 + zw) if zw else ones
        else:
            zoom_x = uniform(4, 1.0 - self.zoom, 1.0 + self.zoom) if self.zoom else ones
            zoom_y = zoom_x

        def flips(allowed, column):
            if not allowed:
                return ones
            return B.numpy.where(u[:, column] < 0.5, -ones, ones)

        flip_x = flips(self.flip in ("horizontal", "both"), 6)
        flip_y = flips(self.flip in ("vertical", "both"), 7)
        return {"rotation": rotation, "shift_x": shift_x, "shift_y": shift_y, "shear": shear,
                "zoom_x": zoom_x, "zoom_y": zoom_y, "flip_x": flip_x, "flip_y": flip_y}

    def transformation_matrices(self, transformation, height, width):
        """The (n, 8) output->input matrices for ``affine_transform`` of a transformation."""
        t = {k: self.backend.cast(self.backend.convert_to_tensor(v), "float32")
             for k, v in transformation.items()}
        return _ops.compose_matrices(self.backend, height=height, width=width, **t)

    def transform_images(self, images, transformation):
        """Apply a transformation (from ``get_random_transformation``) in one resampling."""
        B = self.backend
        images = B.convert_to_tensor(images)
        if transformation is None:
            return images
        height, width = self._hw(images)
        matrices = self.transformation_matrices(transformation, height, width)
        # kerasdl's own gather-based resampler rather than ``affine_transform``: it compiles
        # under XLA (TensorFlow's ImageProjectiveTransformV3 has no XLA kernel), is faster on
        # JAX's CPU, and fills "constant" like scipy (no blending at the border).
        out = _ops.affine_resample(
            B, images, matrices, interpolation=self.interpolation, fill_mode=self.fill_mode,
            fill_value=self.fill_value, data_format=self.data_format)
        return B.cast(out, images.dtype)

    def _augment(self, images):
        return self.transform_images(images, self.get_random_transformation(images))

    def get_config(self):
        config = super().get_config()
        config.update(rotation=self.rotation, width_shift=self.width_shift,
                      height_shift=self.height_shift,
                      zoom=list(self.zoom) if isinstance(self.zoom, tuple) else self.zoom,
                      shear=self.shear, flip=self.flip, fill_mode=self.fill_mode,
                      fill_value=self.fill_value, interpolation=self.interpolation)
        return config


# ------------------------------------------------------------------ photometric


class _Photometric(_Base):
    def __init__(self, *, value_range=(0.0, 1.0), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = _check_value_range("value_range", value_range)

    def _clip(self, images):
        if self.value_range is None:
            return images
        return self.backend.numpy.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        config = super().get_config()
        config.update(value_range=None if self.value_range is None else list(self.value_range))
        return config


def _factor_range(name, factor, *, pair_min=0.0):
    """A fraction f in [0, 1) -> (1 - f, 1 + f); a pair (lo, hi) of multipliers kept as is."""
    if isinstance(factor, (list, tuple)):
        lo, hi = _pair_or_number(name, factor, pair_min, float("inf"))
        if lo > hi:
            raise ValueError(f"`{name}` must be (low, high) with low <= high; received "
                             f"{tuple(factor)}.")
        return (lo, hi)
    f = _number(name, factor, 0.0, 1.0, hi_inclusive=False)
    return (1.0 - f, 1.0 + f)


class _RandomFactor(_Photometric):
    """A photometric layer driven by one random factor per image, drawn from ``factor``."""

    def __init__(self, factor, value_range=(0.0, 1.0), seed=None, data_format=None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_range("factor", factor)

    def _is_noop(self):
        return self.factor == (1.0, 1.0)

    def _draw_factor(self, images):
        """One factor per image, shaped to broadcast over (batch, h, w, c) or (batch, c, h, w)."""
        return self.backend.random.uniform(
            (self._batch_size(images), 1, 1, 1), minval=self.factor[0],
            maxval=self.factor[1], seed=self._seed(), dtype=images.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(factor=list(self.factor))
        return config


@_register
class RandomBrightness(_RandomFactor):
    """Multiply each image by a random factor (ImageDataGenerator's ``brightness_range``).

    Unlike ``keras.layers.RandomBrightness``, which adds a constant, this scales pixel values,
    so black stays black, as ImageDataGenerator and PIL's ``ImageEnhance.Brightness`` do.

    Args:
        factor: a fraction f in [0, 1): factors are drawn from ``[1 - f, 1 + f]``; or a pair
            ``(low, high)`` of factors >= 0, as ``brightness_range``.
        value_range: ``(low, high)`` range the output is clipped to, or None for no clipping.
            Defaults to ``(0, 1)``.
        seed: integer seed. Defaults to None.
        data_format: image data format. Defaults to ``keras.config.image_data_format()``.

    Example:

    >>> RandomBrightness(0.2, seed=0)(np.full((1, 2, 2, 1), 0.5, "float32")).shape
    (1, 2, 2, 1)
    """

    def _augment(self, images):
        return self._clip(images * self._draw_factor(images))


@_register
class RandomContrast(_RandomFactor):
    """Scale each image's deviation from its per-channel mean by a random factor.

    ``out = (x - mean) * c + mean`` with ``c`` drawn from ``[1 - factor, 1 + factor]`` per
    image. (``keras.layers.RandomContrast`` in Keras 3.15 draws ``c`` from ``[1, 1 + factor]``
    only, so it never lowers contrast; this layer draws from both sides.)

    Args:
        factor: a fraction in [0, 1), or a pair ``(low, high)`` of factors >= 0.
        value_range: output clipping range, or None. Defaults to ``(0, 1)``.
        seed: integer seed. Defaults to None.
        data_format: image data format. Defaults to ``keras.config.image_data_format()``.
    """

    def _augment(self, images):
        c = self._draw_factor(images)
        axes = (2, 3) if self.data_format == "channels_first" else (1, 2)
        mean = self.backend.numpy.mean(images, axis=axes, keepdims=True)
        return self._clip((images - mean) * c + mean)


@_register
class RandomChannelShift(_Photometric):
    """Add a random offset to each channel of each image (a colour shift).

    Args:
        intensity: maximum offset, in pixel-value units (0.1 on [0, 1] images); each channel of
            each image is shifted by a value drawn from ``[-intensity, intensity]``.
        value_range: output clipping range, or None. Defaults to ``(0, 1)``.
        seed: integer seed. Defaults to None.
        data_format: image data format. Defaults to ``keras.config.image_data_format()``.
    """

    def __init__(self, intensity, value_range=(0.0, 1.0), seed=None, data_format=None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, data_format=data_format, **kwargs)
        self.intensity = V.check_nonnegative("intensity", intensity)

    def _is_noop(self):
        return self.intensity == 0

    def _augment(self, images):
        B = self.backend
        shift = B.random.uniform(self._channel_shape(images), minval=-self.intensity,
                                 maxval=self.intensity, seed=self._seed(), dtype=images.dtype)
        return self._clip(images + shift)

    def get_config(self):
        config = super().get_config()
        config.update(intensity=self.intensity)
        return config


@_register
class GaussianNoise(_Photometric):
    """Add zero-mean Gaussian noise in training.

    Same maths as ``keras.layers.GaussianNoise``; this one also maps over a ``tf.data``
    pipeline under any backend and can clip to the pixel range.

    Args:
        stddev: standard deviation of the noise, in pixel-value units (>= 0).
        value_range: output clipping range, or None. Defaults to None (no clipping).
        seed: integer seed. Defaults to None.
        data_format: image data format. Defaults to ``keras.config.image_data_format()``.
    """

    def __init__(self, stddev, value_range=None, seed=None, data_format=None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, data_format=data_format, **kwargs)
        self.stddev = V.check_nonnegative("stddev", stddev)

    def _is_noop(self):
        return self.stddev == 0

    def _augment(self, images):
        B = self.backend
        noise = B.random.normal(B.shape(images), mean=0.0, stddev=self.stddev,
                                seed=self._seed(), dtype=images.dtype)
        return self._clip(images + noise)

    def get_config(self):
        config = super().get_config()
        config.update(stddev=self.stddev)
        return config


@_register
class RandomErasing(_Photometric):
    """Random erasing (cutout): blank a random rectangle of some images.

    With probability ``probability`` an image gets one rectangle whose area is a fraction of
    the image drawn from ``scale`` and whose aspect ratio (height / width) is drawn
    log-uniformly from ``ratio`` (Zhong et al. 2017; torchvision's ``RandomErasing``). The
    rectangle is filled with ``value`` or, with ``value="random"``, uniform noise in
    ``value_range``.

    Args:
        probability: chance that an image is erased, in [0, 1]. Defaults to 0.5.
        scale: ``(min, max)`` area fraction, within (0, 1]. Defaults to ``(0.02, 0.33)``.
        ratio: ``(min, max)`` aspect ratio, > 0. Defaults to ``(0.3, 3.3)``.
        value: fill value (a number) or ``"random"``. Defaults to 0.
        value_range: range of ``"random"`` fills. Defaults to ``(0, 1)``.
        seed: integer seed. Defaults to None.
        data_format: image data format. Defaults to ``keras.config.image_data_format()``.
    """

    def __init__(self, probability=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0,
                 value_range=(0.0, 1.0), seed=None, data_format=None, **kwargs):
        super().__init__(value_range=value_range, seed=seed, data_format=data_format, **kwargs)
        self.probability = V.check_number("probability", probability, min_value=0.0,
                                          max_value=1.0)
        self.scale = self._ordered_pair("scale", scale, 0.0, 1.0)
        self.ratio = self._ordered_pair("ratio", ratio, 0.0, float("inf"))
        if isinstance(value, str):
            value = V.check_choice("value", value, ("random",))
        else:
            value = V.check_number("value", value)
        if value == "random" and self.value_range is None:
            raise ValueError("`value_range` must be a pair when `value='random'`; received "
                             "None.")
        self.value = value

    @staticmethod
    def _ordered_pair(name, pair, lo, hi):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"`{name}` must be a pair (min, max); received {V.describe(pair)}.")
        a = V.check_number(f"{name}[0]", pair[0], min_value=lo, max_value=hi, min_inclusive=False)
        b = V.check_number(f"{name}[1]", pair[1], min_value=lo, max_value=hi, min_inclusive=False)
        if a > b:
            raise ValueError(f"`{name}` must be (min, max) with min <= max; received "
                             f"{tuple(pair)}.")
        return (a, b)

    def _is_noop(self):
        return self.probability == 0

    def _augment(self, images):
        B = self.backend
        n = self._batch_size(images)
        seed = self._seed()
        shape = B.shape(images)
        h_axis, w_axis, _ = _ops.image_axes(self.data_format, 4)
        height = B.cast(shape[h_axis], "float32")
        width = B.cast(shape[w_axis], "float32")

        def uniform(lo, hi):
            return B.random.uniform((n,), minval=lo, maxval=hi, seed=seed, dtype="float32")

        area = uniform(*self.scale) * height * width
        log_ratio = uniform(float(np.log(self.ratio[0])), float(np.log(self.ratio[1])))
        aspect = B.numpy.exp(log_ratio)
        eh = B.numpy.clip(B.numpy.round(B.numpy.sqrt(area * aspect)), 1.0, height)
        ew = B.numpy.clip(B.numpy.round(B.numpy.sqrt(area / aspect)), 1.0, width)
        top = B.numpy.floor(uniform(0.0, 1.0) * (height - eh + 1.0))
        left = B.numpy.floor(uniform(0.0, 1.0) * (width - ew + 1.0))
        erase = B.cast(uniform(0.0, 1.0) < self.probability, "float32")
        rows = B.cast(B.numpy.arange(shape[h_axis]), "float32")[None, :]
        cols = B.cast(B.numpy.arange(shape[w_axis]), "float32")[None, :]
        in_rows = B.cast((rows >= top[:, None]) & (rows < (top + eh)[:, None]), "float32")
        in_cols = B.cast((cols >= left[:, None]) & (cols < (left + ew)[:, None]), "float32")
        mask = in_rows[:, :, None] * in_cols[:, None, :] * erase[:, None, None]  # (n, h, w)
        mask = mask[:, None] if self.data_format == "channels_first" else mask[..., None]
        mask = B.cast(mask, images.dtype)
        if self.value == "random":
            fill = B.random.uniform(shape, minval=self.value_range[0],
                                    maxval=self.value_range[1], seed=seed, dtype=images.dtype)
        else:
            fill = B.numpy.full_like(images, self.value)
        return images * (1 - mask) + fill * mask

    def get_config(self):
        config = super().get_config()
        config.update(probability=self.probability, scale=list(self.scale),
                      ratio=list(self.ratio), value=self.value)
        return config
