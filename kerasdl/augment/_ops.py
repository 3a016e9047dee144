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


def _fold(index, size, fill_mode):
    """Map integer sample positions outside [0, size) back inside, per fill mode."""
    if fill_mode == "nearest":
        return np.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return np.mod(index, size)
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index)
    return np.clip(index, 0, size - 1)  # constant: masked by the caller


def numpy_affine(images, matrices, *, interpolation, fill_mode, fill_value, data_format):
    """``affine_transform`` in numpy for a rank-4 batch: one gather per interpolation corner.

    Same conventions as ``keras.ops.image.affine_transform`` (pixel centres at integers,
    output->input matrices); used for host-side batches where it is as fast as the backend op.
    """
    images = np.asarray(images, dtype=np.float32)
    if data_format == "channels_first":
        images = np.moveaxis(images, 1, -1)
    n, h, w, c = images.shape
    ys, xs = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32),
                         indexing="ij")
    m = np.asarray(matrices, dtype=np.float32)
    a0, a1, a2, b0, b1, b2 = (m[:, k, None, None] for k in range(6))
    sx = a0 * xs + a1 * ys + a2
    sy = b0 * xs + b1 * ys + b2
    # each pixel's channels as one opaque element, so one `take` moves a whole pixel
    rows = np.ascontiguousarray(images).reshape(n * h * w, c)
    rows = rows.view(np.dtype((np.void, 4 * c))).reshape(-1)
    base = (np.arange(n, dtype=np.intp) * (h * w))[:, None, None]
    fill = np.float32(fill_value)

    def axis_index(i, size):
        """Folded index and, for constant fill, where the unfolded one was inside."""
        inside = (i >= 0) & (i < size) if fill_mode == "constant" else None
        return _fold(i, size, fill_mode), inside

    def gather(row, col):
        (ri, r_in), (ci, c_in) = row, col
        values = np.take(rows, ri + ci).view(np.float32).reshape(n, h, w, c)
        if fill_mode == "constant":
            values = np.where((r_in & c_in)[..., None], values, fill)
        return values

    def row_index(iy):
        folded, inside = axis_index(iy, h)
        return base + folded * w, inside

    if interpolation == "nearest":
        out = gather(row_index(np.floor(sy + 0.5).astype(np.intp)),
                     axis_index(np.floor(sx + 0.5).astype(np.intp), w))
    else:
        x0, y0 = np.floor(sx), np.floor(sy)
        fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
        x0, y0 = x0.astype(np.intp), y0.astype(np.intp)
        r0, r1 = row_index(y0), row_index(y0 + 1)
        c0, c1 = axis_index(x0, w), axis_index(x0 + 1, w)
        top = gather(r0, c0)
        top += (gather(r0, c1) - top) * fx
        bottom = gather(r1, c0)
        bottom += (gather(r1, c1) - bottom) * fx
        top += (bottom - top) * fy
        out = top
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return np.ascontiguousarray(out)


def host_affine(images, matrices, *, interpolation, fill_mode, fill_value, data_format):
    """Resample a numpy batch once; numpy in, numpy out.

    Under TensorFlow this is ``keras.ops.image.affine_transform`` (one multi-threaded op).
    Under other backends, whose CPU op is slower for host-side numpy batches (JAX's
    ``map_coordinates`` also interpolates along the channel axis), it is ``numpy_affine``.
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        out = keras.ops.image.affine_transform(
            images, matrices, interpolation=interpolation, fill_mode=fill_mode,
            fill_value=fill_value, data_format=data_format)
        return np.asarray(keras.ops.convert_to_numpy(out))
    return numpy_affine(images, matrices, interpolation=interpolation, fill_mode=fill_mode,
                        fill_value=fill_value, data_format=data_format)
