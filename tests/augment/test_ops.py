"""The shared numeric core: matrices and the numpy resampler."""

import keras
import numpy as np
import pytest

from kerasdl.augment import _ops


def _params(rng, n):
    return {"theta": rng.uniform(-40, 40, n), "tx": rng.uniform(-4, 4, n),
            "ty": rng.uniform(-4, 4, n), "shear": rng.uniform(-10, 10, n),
            "zx": rng.uniform(0.7, 1.3, n), "zy": rng.uniform(0.7, 1.3, n),
            "flip_horizontal": rng.random(n) < 0.5, "flip_vertical": rng.random(n) < 0.5}


@pytest.mark.parametrize("interpolation", _ops.INTERPOLATIONS)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_numpy_resampler_equals_affine_transform(interpolation, data_format, backend):
    rng = np.random.default_rng(0)
    x = rng.random((6, 9, 11, 3)).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    m = _ops.legacy_matrices(_params(rng, 6), 9, 11)
    # TensorFlow's "wrap" folds coordinates with a period of size - 1 at the edges, a quirk
    # of its kernel; numpy_affine wraps with period `size`, as JAX does.
    modes = [mode for mode in _ops.FILL_MODES if not (mode == "wrap" and backend == "tensorflow")]
    for mode in modes:
        expected = keras.ops.convert_to_numpy(keras.ops.image.affine_transform(
            x, m, interpolation=interpolation, fill_mode=mode, fill_value=0.5,
            data_format=data_format))
        got = _ops.numpy_affine(x, m, interpolation=interpolation, fill_mode=mode,
                                fill_value=0.5, data_format=data_format)
        np.testing.assert_allclose(got, expected, atol=1e-5, err_msg=mode)


def test_identity_matrices_detected():
    ident = _ops.legacy_matrices(
        {"theta": [0.0], "tx": [0.0], "ty": [0.0], "shear": [0.0], "zx": [1.0], "zy": [1.0],
         "flip_horizontal": [False], "flip_vertical": [False]}, 5, 7)
    assert ident.tolist() == [[1, 0, 0, 0, 1, 0, 0, 0]]
    assert _ops.is_identity(ident)
    assert not _ops.is_identity(ident + np.array([0, 0, 0.5, 0, 0, 0, 0, 0], "float32"))


def test_compose_matrices_rotation_about_centre():
    import keras.src.backend as B

    def t(v):
        return keras.ops.convert_to_tensor(np.asarray([v], "float32"))

    m = _ops.compose_matrices(B, height=5, width=5, rotation=t(90.0), shift_x=t(0.0),
                              shift_y=t(0.0), shear=t(0.0), zoom_x=t(1.0), zoom_y=t(1.0),
                              flip_x=t(1.0), flip_y=t(1.0))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(m),
                               [[0, -1, 4, 1, 0, 0, 0, 0]], atol=1e-6)
