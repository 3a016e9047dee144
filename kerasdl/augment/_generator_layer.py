"""``ImageDataGenerator.as_layer()``: the generator's augmentation as one in-model layer.

The random parameters are drawn with backend ops (so they run on the accelerator, under
``jit_compile`` and in ``tf.data``) with the generator's meanings; the matrices and the
resampling are the same single implementation the generator uses (``_ops``).
"""

import keras
import numpy as np

from kerasdl import _validation as V
from kerasdl.augment import _layers as L
from kerasdl.augment import _ops
from kerasdl.augment._generator import check_brightness_range
from kerasdl.augment._generator import check_shift_range
from kerasdl.augment._legacy_functions import _SCIPY_MODES

__all__ = ["ImageDataGeneratorLayer", "layer_from_generator"]


def layer_from_generator(gen, seed=None):
    """The ``ImageDataGeneratorLayer`` of an ``ImageDataGenerator`` (see ``as_layer``)."""
    if gen.preprocessing_function is not None:
        raise ValueError("as_layer() cannot move `preprocessing_function` into a model "
                         "(arbitrary Python does not run in a compiled graph); apply it to "
                         "the arrays, or write it as a Keras layer.")
    if gen.zca_whitening:
        raise ValueError("as_layer() does not support `zca_whitening`; use flow(), or "
                         "whiten the arrays once with `standardize`.")
    if gen.featurewise_center and gen.mean is None:
        raise ValueError("Call `.fit(x_train)` before as_layer(): featurewise statistics "
                         "are not computed yet.")

    def shift_spec(spec):
        return spec.tolist() if isinstance(spec, np.ndarray) else spec

    return ImageDataGeneratorLayer(
        rotation_range=gen.rotation_range,
        width_shift_range=shift_spec(gen.width_shift_range),
        height_shift_range=shift_spec(gen.height_shift_range),
        shear_range=gen.shear_range, zoom_range=list(gen.zoom_range),
        horizontal_flip=gen.horizontal_flip, vertical_flip=gen.vertical_flip,
        channel_shift_range=gen.channel_shift_range,
        brightness_range=(None if gen.brightness_range is None
                          else list(gen.brightness_range)),
        fill_mode=gen.fill_mode, cval=gen.cval, interpolation=gen.interpolation,
        rescale=gen.rescale, samplewise_center=gen.samplewise_center,
        samplewise_std_normalization=gen.samplewise_std_normalization,
        mean=None if not gen.featurewise_center else gen.mean.reshape(-1).tolist(),
        std=(None if not gen.featurewise_std_normalization
             else gen.std.reshape(-1).tolist()),
        seed=seed, data_format=gen.data_format)


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
        self.width_shift_range = check_shift_range("width_shift_range", width_shift_range)
        self.height_shift_range = check_shift_range("height_shift_range", height_shift_range)
        self.shear_range = float(shear_range)
        self.zoom_range = tuple(float(z) for z in zoom_range)
        self.horizontal_flip = bool(horizontal_flip)
        self.vertical_flip = bool(vertical_flip)
        self.channel_shift_range = float(channel_shift_range)
        self.brightness_range = check_brightness_range(brightness_range)
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
            matrices = _ops.legacy_matrices(B, theta=theta, tx=tx, ty=ty, shear=shear, zx=zx,
                                            zy=zy, flip_x=fx, flip_y=fy, height=height,
                                            width=width)
            x = _ops.affine_resample(B, x, matrices, interpolation=self.interpolation,
                                     fill_mode=_SCIPY_MODES[self.fill_mode],
                                     fill_value=self.cval, data_format=self.data_format)
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
