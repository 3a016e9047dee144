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
# ImageDataGenerator's parametrisation (numpy on the host, backend ops inside a layer).
# --------------------------------------------------------------------------------------

class _Host:
    """numpy dressed as a Keras backend namespace, so one function serves host and layer."""

    numpy = np

    @staticmethod
    def cast(x, dtype):
        return np.asarray(x).astype(dtype)

    @staticmethod
    def shape(x):
        return np.shape(x)


HOST = _Host()


def legacy_matrices(B, *, theta, tx, ty, shear, zx, zy, flip_x, flip_y, height, width):
    """Output->input matrices (n, 8) for ImageDataGenerator transform parameters.

    Arguments are tensors (or numpy arrays with ``B=HOST``) of shape (n,): ``theta`` and
    ``shear`` in degrees, ``tx``/``ty`` in pixels (output pixel (x, y) reads input
    (x + tx, y + ty): the content moves by ``-tx`` horizontally, ``-ty`` vertically), ``zx``/
    ``zy`` input pixels per output pixel (< 1 zooms in), ``flip_x``/``flip_y`` -1 (flip) or
    +1. The composition is the legacy one, ``R . T . Sh . Z`` about the image centre in
    ``(x, y)`` coordinates, then the flips of the output.
    """
    n = B.numpy
    deg = math.pi / 180.0
    c, s = n.cos(theta * deg), n.sin(theta * deg)
    cs, ss = n.cos(shear * deg), n.sin(shear * deg)
    m00 = c * zx * flip_x
    m01 = (-c * ss - s * cs) * zy * flip_y
    m10 = s * zx * flip_x
    m11 = (-s * ss + c * cs) * zy * flip_y
    cx, cy = _centre(B, width), _centre(B, height)
    a2 = cx - (m00 * cx + m01 * cy) + (c * tx - s * ty)
    b2 = cy - (m10 * cx + m11 * cy) + (s * tx + c * ty)
    zeros = n.zeros_like(m00)
    return n.stack([m00, m01, a2, m10, m11, b2, zeros, zeros], axis=1)


def is_identity(matrices):
    """True when every (n, 8) matrix is the identity (so resampling can be skipped)."""
    ident = np.array([1, 0, 0, 0, 1, 0, 0, 0], dtype=np.float64)
    return np.all(np.abs(np.asarray(matrices, np.float64) - ident) < 1e-12, axis=-1)


# --------------------------------------------------------------------------------------
# The one resampler: gathers whole pixels, so it compiles under XLA on every backend.
# --------------------------------------------------------------------------------------

def _fold(B, coord, size, fill_mode):
    """Fold sample coordinates along one axis as scipy.ndimage does for each mode.

    Returns the folded coordinate and, for ``"constant"``, where the original was inside
    ``[0, size - 1]`` (scipy fills everything outside with the constant, no blending).
    ``"wrap"`` repeats with period ``size`` (as JAX and ``grid-wrap``); ``"scipy_wrap"`` is
    scipy's ``"wrap"`` (period ``size - 1``, used by the legacy ImageDataGenerator).
    """
    n = B.numpy
    last = size - 1.0
    if fill_mode == "nearest":
        return n.clip(coord, 0.0, last), None
    if fill_mode == "constant":
        return n.clip(coord, 0.0, last), n.logical_and(coord >= 0.0, coord <= last)
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        m = n.mod(coord + 0.5, 2.0 * size)
        return n.where(m < size, m, 2.0 * size - m) - 0.5, None
    if fill_mode == "scipy_wrap":
        period = n.maximum(last, 1.0)
        outside = n.logical_or(coord < 0.0, coord > last)
        return n.clip(n.where(outside, n.mod(coord, period), coord), 0.0, last), None
    return n.mod(coord, size), None  # wrap


def _index(B, i, size, fill_mode):
    """Integer neighbour index inside [0, size)."""
    if fill_mode == "wrap":
        return B.numpy.mod(i, size)
    return B.numpy.clip(i, 0, size - 1)


def affine_resample(B, images, matrices, *, interpolation, fill_mode, fill_value,
                    data_format, dtype="float32"):
    """Resample a rank-4 batch once through per-image output->input matrices.

    The conventions of ``keras.ops.image.affine_transform`` (8-vector matrices, pixel centres
    at integers) with the sampling of ``scipy.ndimage.affine_transform`` (order 0 or 1): the
    coordinate is folded per ``fill_mode`` first, then interpolated; ``"constant"`` gives
    ``fill_value`` wherever the sample point is outside the image and never mixes it into
    pixels inside. Written with ``B.numpy`` ops only (4 gathers of whole pixels), so the same
    code runs on the host (``B=HOST``, numpy, in ``dtype`` precision), inside a model under
    ``jit_compile=True`` on TensorFlow, JAX and PyTorch, and in ``tf.data``.
    """
    n = B.numpy
    if data_format == "channels_first":
        images = n.transpose(images, (0, 2, 3, 1))
    shape = B.shape(images)
    batch, h, w, c = shape[0], shape[1], shape[2], shape[3]
    images = B.cast(images, dtype)
    m = B.cast(matrices, dtype)
    ys = B.cast(n.arange(h), dtype)[None, :, None]
    xs = B.cast(n.arange(w), dtype)[None, None, :]

    def col(k):
        return m[:, k][:, None, None]

    # the order of scipy's sums: row term, column term, offset
    sx, inside_x = _fold(B, (col(1) * ys + col(0) * xs) + col(2), B.cast(w, dtype), fill_mode)
    sy, inside_y = _fold(B, (col(4) * ys + col(3) * xs) + col(5), B.cast(h, dtype), fill_mode)
    flat = n.reshape(images, (-1, c))
    base = n.reshape(n.arange(batch, dtype="int32") * (h * w), (-1, 1, 1))

    def gather(corners):
        """Pixels at (row, column) index pairs: ONE gather for all the corners."""
        index = n.stack([base + _index(B, iy, h, fill_mode) * w + _index(B, ix, w, fill_mode)
                         for iy, ix in corners])
        values = n.take(flat, n.reshape(index, (-1,)), axis=0)
        return n.reshape(values, (len(corners), batch, h, w, c))

    if interpolation == "nearest":
        out = gather([(B.cast(n.floor(sy + 0.5), "int32"),
                       B.cast(n.floor(sx + 0.5), "int32"))])[0]
    else:
        x0, y0 = n.floor(sx), n.floor(sy)
        fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
        x0, y0 = B.cast(x0, "int32"), B.cast(y0, "int32")
        v = gather([(y0, x0), (y0, x0 + 1), (y0 + 1, x0), (y0 + 1, x0 + 1)])
        top = v[0] * (1.0 - fx) + v[1] * fx
        bottom = v[2] * (1.0 - fx) + v[3] * fx
        out = top * (1.0 - fy) + bottom * fy
    if fill_mode == "constant":
        inside = n.logical_and(inside_x, inside_y)[..., None]
        out = n.where(inside, out, B.cast(fill_value, dtype))
    if data_format == "channels_first":
        out = n.transpose(out, (0, 3, 1, 2))
    return out


def host_affine(images, matrices, *, interpolation, fill_mode, fill_value, data_format):
    """``affine_resample`` on a numpy batch, computed in float64 as scipy does.

    Returns a float64 array; the caller casts it (scipy casts to the input's dtype).
    """
    return affine_resample(HOST, np.asarray(images), np.asarray(matrices, np.float64),
                           interpolation=interpolation, fill_mode=fill_mode,
                           fill_value=fill_value, data_format=data_format, dtype="float64")
