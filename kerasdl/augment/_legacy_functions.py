"""The legacy module-level image functions of ``keras.preprocessing.image``.

Same names, arguments, defaults and random draws (numpy's global random state, as the legacy
functions) as ``tf_keras.preprocessing.image``; the resampling is kerasdl's one affine
implementation (``_ops``), which samples exactly like ``scipy.ndimage.affine_transform``.
``array_to_img``, ``img_to_array`` and ``save_img`` are Keras's own (``keras.utils``).

Two deliberate differences (see docs/migrating_from_imagedatagenerator.md): images that are
not square are transformed about their true centre, and ``random_shift`` shifts vertically by
``hrg`` and horizontally by ``wrg`` (the legacy function swapped the two).
"""

import os
import warnings

import keras
import numpy as np

from kerasdl import _validation as V
from kerasdl.augment import _ops

__all__ = ["apply_affine_transform", "random_rotation", "random_shift", "random_shear",
           "random_zoom", "apply_channel_shift", "random_channel_shift",
           "apply_brightness_shift", "random_brightness", "flip_axis", "array_to_img",
           "img_to_array", "load_img", "save_img", "list_pictures", "smart_resize"]

array_to_img = keras.utils.array_to_img
img_to_array = keras.utils.img_to_array
save_img = keras.utils.save_img
smart_resize = keras.preprocessing.image.smart_resize

# scipy.ndimage's mode names -> the resampler's ("wrap" is scipy's, period size - 1)
_SCIPY_MODES = {"constant": "constant", "nearest": "nearest", "reflect": "reflect",
                "wrap": "scipy_wrap"}


def _check_axes(row_axis, col_axis, channel_axis, ndim):
    if np.unique([row_axis, col_axis, channel_axis]).size != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {({row_axis, col_axis, channel_axis})}; "
                         f"expected a permutation of 0, 1, 2.")
    if ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1,
                           col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                           order=1):
    """Apply an affine transform to one image (rank 3), as the legacy function.

    Args:
        x: one image, rank 3.
        theta: rotation angle in degrees. Defaults to 0.
        tx: shift along the columns (x), in pixels: the output pixel at column ``c`` shows
            the input at ``c + tx``. Defaults to 0.
        ty: shift along the rows (y), in pixels. Defaults to 0.
        shear: shear angle in degrees. Defaults to 0.
        zx: zoom along the columns (input pixels per output pixel; < 1 zooms in).
            Defaults to 1.
        zy: zoom along the rows. Defaults to 1.
        row_axis: the rows axis of ``x``. Defaults to 1 (legacy's channels-first default).
        col_axis: the columns axis of ``x``. Defaults to 2.
        channel_axis: the channel axis of ``x``. Defaults to 0.
        fill_mode: ``"constant"``, ``"nearest"``, ``"reflect"`` or ``"wrap"`` (scipy's
            meanings). Defaults to ``"nearest"``.
        cval: value used by ``fill_mode="constant"``. Defaults to 0.
        order: interpolation order, 0 (nearest) or 1 (bilinear). Defaults to 1.

    Returns:
        The transformed image (``x`` itself when every parameter is neutral).

    Example:

    >>> out = apply_affine_transform(np.ones((3, 3, 1)), theta=45, row_axis=0, col_axis=1,
    ...                              channel_axis=2, fill_mode="constant")
    >>> out[..., 0].tolist()
    [[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]
    """
    x = np.asarray(x)
    _check_axes(row_axis, col_axis, channel_axis, x.ndim)
    fill_mode = V.check_choice("fill_mode", fill_mode, tuple(_SCIPY_MODES))
    order = V.check_int("order", order, min_value=0, max_value=1)
    if theta == 0 and tx == 0 and ty == 0 and shear == 0 and zx == 1 and zy == 1:
        return x
    hw = np.transpose(x, (row_axis, col_axis, channel_axis))[None]
    one = np.ones(1)
    matrices = _ops.legacy_matrices(
        _ops.HOST, theta=theta * one, tx=tx * one, ty=ty * one, shear=shear * one,
        zx=zx * one, zy=zy * one, flip_x=one, flip_y=one, height=hw.shape[1],
        width=hw.shape[2])
    out = _ops.host_affine(hw, matrices, interpolation="nearest" if order == 0 else "bilinear",
                           fill_mode=_SCIPY_MODES[fill_mode], fill_value=cval,
                           data_format="channels_last")[0]
    out = np.transpose(out, np.argsort((row_axis, col_axis, channel_axis)))
    if x.dtype.kind in "iub":
        info = np.iinfo(x.dtype) if x.dtype.kind != "b" else None
        out = np.round(out) if info is None else np.clip(np.round(out), info.min, info.max)
    return out.astype(x.dtype if x.dtype.kind in "fiub" else np.float64)


def _options(scope):
    """The layout and sampling arguments the ``random_*`` functions pass through."""
    return {"row_axis": scope["row_axis"], "col_axis": scope["col_axis"],
            "channel_axis": scope["channel_axis"], "fill_mode": scope["fill_mode"],
            "cval": scope["cval"], "order": scope["interpolation_order"]}


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotate one image by an angle drawn from ``[-rg, rg]`` degrees (numpy's global RNG)."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, **_options(locals()))


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shift one image by up to ``wrg`` of its width and ``hrg`` of its height.

    The draws are the legacy ones (``hrg`` first); the vertical draw shifts vertically (the
    legacy function applied it along the columns).
    """
    h, w = x.shape[row_axis], x.shape[col_axis]
    ty = np.random.uniform(-hrg, hrg) * h
    tx = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, **_options(locals()))


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shear one image by an angle drawn from ``[-intensity, intensity]`` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, **_options(locals()))


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zoom one image by factors drawn from ``zoom_range`` (a pair; < 1 zooms in)."""
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. Received: "
                         f"{zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, **_options(locals()))


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's own [min, max]."""
    x = np.rollaxis(np.asarray(x), channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    x = np.stack([np.clip(channel + intensity, min_x, max_x) for channel in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """``apply_channel_shift`` with an intensity from ``[-intensity_range, intensity_range]``."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Change brightness through PIL's ``ImageEnhance.Brightness``, as the legacy function.

    The image goes through an 8-bit PIL image (rescaled to [0, 255] when ``scale`` or when
    it lies outside that range), so values are quantized. ``ImageDataGenerator``'s
    ``brightness_range`` does not use this function: it multiplies in floating point.
    """
    from PIL import ImageEnhance

    x = np.asarray(x)
    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = array_to_img(x, scale=local_scale or scale)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    out = img_to_array(img)
    if not scale and local_scale:
        out = out / 255 * (x_max - x_min) + x_min
    return out


def random_brightness(x, brightness_range, scale=True):
    """``apply_brightness_shift`` with a factor drawn from ``brightness_range``."""
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. "
                         f"Received: {brightness_range}")
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)


def flip_axis(x, axis):
    """Reverse ``x`` along ``axis``."""
    x = np.asarray(x).swapaxes(axis, 0)
    x = x[::-1, ...]
    return x.swapaxes(0, axis)


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest", keep_aspect_ratio=False):
    """``keras.utils.load_img`` with the legacy ``grayscale`` argument (deprecated)."""
    if grayscale:
        warnings.warn("grayscale is deprecated. Please use color_mode = \"grayscale\"",
                      stacklevel=2)
        color_mode = "grayscale"
    return keras.utils.load_img(path, color_mode=color_mode, target_size=target_size,
                                interpolation=interpolation,
                                keep_aspect_ratio=keep_aspect_ratio)


def list_pictures(directory, ext=("jpg", "jpeg", "bmp", "png", "ppm", "tif", "tiff")):
    """Paths of the pictures under ``directory`` (recursively) whose extension is in ``ext``."""
    ext = tuple(f".{e}" for e in ((ext,) if isinstance(ext, str) else ext))
    return [os.path.join(root, f) for root, _, files in os.walk(directory) for f in files
            if f.lower().endswith(ext)]
