"""Backend-neutral building blocks shared by the augmentation layers and the generator.

The geometric work of kerasdl's augmentation is one function: compose every geometric
transform of an image into ONE 2x3 matrix (output pixel -> input pixel) and resample once with
``affine_transform``. Matrices are written in pixel coordinates ``(x = column, y = row)``
with pixel centres at integer positions, the convention of
``keras.ops.image.affine_transform`` (its 8-vector ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps
an OUTPUT point ``(x, y)`` to the INPUT point ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``).

Functions taking ``B`` accept a Keras backend namespace with ``numpy``, ``image`` and
``random`` attributes (``DataLayer.backend`` inside layers, so the same code runs in a
``tf.data`` pipeline under any backend).
"""

import math

import numpy as np

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
INTERPOLATIONS = ("nearest", "bilinear")
FLIP_MODES = ("horizontal", "vertical", "both")


def image_axes(data_format, ndim):
    """(height_axis, width_axis, channel_axis) for a rank-3 or rank-4 image tensor."""
    if data_format == "channels_first":
        return ndim - 2, ndim - 1, ndim - 3
    return ndim - 3, ndim - 2, ndim - 1


# --------------------------------------------------------------------------------------
# One matrix per image, backend ops (used inside layers; works under jit and in tf.data).
# --------------------------------------------------------------------------------------

def compose_matrices(B, *, height, width, rotation, shift_x, shift_y, shear, zoom_x, zoom_y,
                     flip_x, flip_y):
    """Batched output->input matrices for the forward chain flip, zoom, shear, rotate, shift.

    Forward (input -> output), about the image centre: flip, then scale by ``zoom``
    (magnification, > 1 zooms in), then shear, then rotate counter-clockwise by ``rotation``
    degrees, then move the content by ``(shift_x, shift_y)`` pixels (right, down).

    Args:
        B: backend namespace.
        height, width: image size (python ints or scalars).
        rotation, shear: degrees, shape (n,).
        shift_x, shift_y: pixels, shape (n,).
        zoom_x, zoom_y: magnifications (> 0), shape (n,).
        flip_x, flip_y: +1 (keep) or -1 (flip), shape (n,).

    Returns:
        A float32 tensor of shape (n, 8) for ``affine_transform``.
    """
    n = B.numpy
    deg = math.pi / 180.0
    c, s = n.cos(rotation * deg), n.sin(rotation * deg)
    cs, ss = n.cos(shear * deg), n.sin(shear * deg)
    # inverse = F . Z^-1 . Sh' . R'  with R' = [[c, -s], [s, c]], Sh' = [[1, -ss], [0, cs]]
    # (the inverse rotation/shear ImageDataGenerator uses, so angles mean the same thing).
    rx = flip_x / zoom_x
    ry = flip_y / zoom_y
    m00 = rx * (c - ss * s)
    m01 = rx * (-s - ss * c)
    m10 = ry * (cs * s)
    m11 = ry * (cs * c)
    cx = _centre(B, width)
    cy = _centre(B, height)
    px = cx + shift_x
    py = cy + shift_y
    a2 = cx - (m00 * px + m01 * py)
    b2 = cy - (m10 * px + m11 * py)
    zeros = n.zeros_like(m00)
    return n.stack([m00, m01, a2, m10, m11, b2, zeros, zeros], axis=1)


def _centre(B, size):
    """(size - 1) / 2: the centre of a pixel grid whose pixel centres are integers."""
    if isinstance(size, (int, float, np.integer, np.floating)):
        return (float(size) - 1.0) / 2.0
    return (B.cast(size, "float32") - 1.0) / 2.0  # unknown size inside a traced graph


# --------------------------------------------------------------------------------------
# ImageDataGenerator's parametrisation, numpy (host side).
# --------------------------------------------------------------------------------------

def legacy_matrices(params, height, width):
    """Output->input matrices (n, 8) for ImageDataGenerator transform parameters.

    ``params`` holds arrays of shape (n,) under the legacy keys ``theta`` (degrees), ``tx``,
    ``ty`` (pixels: output pixel (x, y) reads input (x + tx, y + ty), so content moves by
    ``-tx``), ``shear`` (degrees), ``zx``, ``zy`` (input pixels per output pixel: < 1 zooms in),
    ``flip_horizontal``, ``flip_vertical`` (booleans, applied after the affine part). The
    composition is ImageDataGenerator's: ``R . T . Sh . Z`` about the image centre, then flips.
    """
    theta = np.deg2rad(np.asarray(params["theta"], dtype=np.float64))
    n_img = theta.shape[0]
    shear = np.deg2rad(np.asarray(params["shear"], dtype=np.float64))
    tx = np.asarray(params["tx"], dtype=np.float64)
    ty = np.asarray(params["ty"], dtype=np.float64)
    zx = np.asarray(params["zx"], dtype=np.float64)
    zy = np.asarray(params["zy"], dtype=np.float64)
    fx = np.where(np.asarray(params["flip_horizontal"], dtype=bool), -1.0, 1.0)
    fy = np.where(np.asarray(params["flip_vertical"], dtype=bool), -1.0, 1.0)

    def mat(a, b, c_, d, e, f):
        m = np.zeros((n_img, 3, 3))
        m[:, 0, 0], m[:, 0, 1], m[:, 0, 2] = a, b, c_
        m[:, 1, 0], m[:, 1, 1], m[:, 1, 2] = d, e, f
        m[:, 2, 2] = 1.0
        return m

    one, zero = np.ones(n_img), np.zeros(n_img)
    rot = mat(np.cos(theta), -np.sin(theta), zero, np.sin(theta), np.cos(theta), zero)
    shift = mat(one, zero, tx, zero, one, ty)
    shr = mat(one, -np.sin(shear), zero, zero, np.cos(shear), zero)
    zoom = mat(zx, zero, zero, zero, zy, zero)
    flip = mat(fx, zero, zero, zero, fy, zero)
    m = rot @ shift @ shr @ zoom @ flip
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    to_centre = mat(one, zero, -cx * one, zero, one, -cy * one)
    back = mat(one, zero, cx * one, zero, one, cy * one)
    m = back @ m @ to_centre
    out = np.zeros((n_img, 8), dtype=np.float32)
    out[:, 0:3] = m[:, 0, :]
    out[:, 3:6] = m[:, 1, :]
    return out


def is_identity(matrices):
    """True when every (n, 8) matrix is the identity (so resampling can be skipped)."""
    ident = np.array([1, 0, 0, 0, 1, 0, 0, 0], dtype=np.float32)
    return bool(np.all(np.abs(np.asarray(matrices) - ident) < 1e-7))


_JITTED = {}


def host_affine(images, matrices, *, interpolation, fill_mode, fill_value, data_format):
    """Resample a numpy batch once with ``keras.ops.image.affine_transform``; numpy out.

    Under JAX the call is jit-compiled once per setting (eager JAX would dispatch each of
    ``map_coordinates``' small ops separately); other backends run the op eagerly.
    """
    import keras

    if keras.backend.backend() == "jax":
        import jax

        key = (interpolation, fill_mode, float(fill_value), data_format)
        fn = _JITTED.get(key)
        if fn is None:
            def fn(x, m):
                return keras.ops.image.affine_transform(
                    x, m, interpolation=interpolation, fill_mode=fill_mode,
                    fill_value=fill_value, data_format=data_format)

            fn = _JITTED[key] = jax.jit(fn)
        out = fn(images, matrices)
    else:
        out = keras.ops.image.affine_transform(
            images, matrices, interpolation=interpolation, fill_mode=fill_mode,
            fill_value=fill_value, data_format=data_format)
    return np.asarray(keras.ops.convert_to_numpy(out))
