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


def _legacy(p, h, w):
    return _ops.legacy_matrices(
        _ops.HOST, theta=p["theta"], tx=p["tx"], ty=p["ty"], shear=p["shear"], zx=p["zx"],
        zy=p["zy"], flip_x=np.where(p["flip_horizontal"], -1.0, 1.0),
        flip_y=np.where(p["flip_vertical"], -1.0, 1.0), height=h, width=w)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("mode", ["constant", "nearest", "reflect", "wrap"])
def test_host_resampler_is_scipy_exactly(order, mode):
    """Bit for bit scipy.ndimage.affine_transform (what the legacy generator called)."""
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(0)
    for _ in range(10):
        h, w = rng.integers(3, 12, 2)
        x = rng.random((1, h, w, 2)).astype("float32")
        M, off = rng.uniform(-1.5, 1.5, (2, 2)), rng.uniform(-5, 5, 2)  # scipy: (row, col)
        m = np.array([[M[1, 1], M[1, 0], off[1], M[0, 1], M[0, 0], off[0], 0, 0]])
        expected = np.stack([ndimage.affine_transform(x[0, ..., k], M, off, order=order,
                                                      mode=mode, cval=0.25)
                             for k in range(2)], -1)
        got = _ops.host_affine(x, m, interpolation=("nearest", "bilinear")[order],
                               fill_mode="scipy_wrap" if mode == "wrap" else mode,
                               fill_value=0.25, data_format="channels_last")[0]
        np.testing.assert_array_equal(got.astype("float32"), expected)


@pytest.mark.parametrize("interpolation", _ops.INTERPOLATIONS)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_backend_resampler_equals_host(interpolation, data_format):
    """The same function on the backend (float32) and on the host (float64)."""
    import keras.src.backend as B

    rng = np.random.default_rng(0)
    x = rng.random((6, 9, 11, 3)).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    m = _legacy(_params(rng, 6), 9, 11)
    for mode in _ops.FILL_MODES + ("scipy_wrap",):
        got = _ops.affine_resample(B, keras.ops.convert_to_tensor(x),
                                   keras.ops.convert_to_tensor(m.astype("float32")),
                                   interpolation=interpolation, fill_mode=mode, fill_value=0.5,
                                   data_format=data_format)
        expected = _ops.host_affine(x, m, interpolation=interpolation, fill_mode=mode,
                                    fill_value=0.5, data_format=data_format)
        # float32 coordinates on the backend: a sample within ~1e-6 of a pixel edge may
        # round to the other side, so compare all but a handful of pixels exactly
        close = np.isclose(keras.ops.convert_to_numpy(got), expected, atol=1e-4)
        assert close.mean() > 0.995, mode


def test_constant_fill_never_blends_into_interior():
    x = np.ones((1, 3, 3, 1), "float32")
    m = _legacy({"theta": np.array([45.0]), "tx": np.zeros(1), "ty": np.zeros(1),
                 "shear": np.zeros(1), "zx": np.ones(1), "zy": np.ones(1),
                 "flip_horizontal": [False], "flip_vertical": [False]}, 3, 3)
    out = _ops.host_affine(x, m, interpolation="bilinear", fill_mode="constant",
                           fill_value=0.0, data_format="channels_last")[0, ..., 0]
    assert out.tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def test_identity_matrices_detected():
    one, zero = np.ones(1), np.zeros(1)
    ident = _ops.legacy_matrices(_ops.HOST, theta=zero, tx=zero, ty=zero, shear=zero, zx=one,
                                 zy=one, flip_x=one, flip_y=one, height=5, width=7)
    assert ident.tolist() == [[1, 0, 0, 0, 1, 0, 0, 0]]
    assert _ops.is_identity(ident).tolist() == [True]
    assert _ops.is_identity(ident + np.array([0, 0, 0.5, 0, 0, 0, 0, 0])).tolist() == [False]


def test_compose_matrices_rotation_about_centre():
    import keras.src.backend as B

    def t(v):
        return keras.ops.convert_to_tensor(np.asarray([v], "float32"))

    m = _ops.compose_matrices(B, height=5, width=5, rotation=t(90.0), shift_x=t(0.0),
                              shift_y=t(0.0), shear=t(0.0), zoom_x=t(1.0), zoom_y=t(1.0),
                              flip_x=t(1.0), flip_y=t(1.0))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(m),
                               [[0, -1, 4, 1, 0, 0, 0, 0]], atol=1e-6)
