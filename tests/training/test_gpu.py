"""On an accelerator: training runs there with the "auto" precision and compilation
(skipped where the backend sees no GPU or TPU; see the ``gpu`` marker in tests/conftest.py)."""

import numpy as np
import pytest

import kerasdl
from kerasdl._backend import devices

pytestmark = pytest.mark.gpu


def test_auto_precision_trains_on_the_accelerator():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(64, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("int32")
    model = kerasdl.models.cnn((8, 8, 1), filters=(4,), dense=(8,), task="binary")
    result = kerasdl.train(model, (x, y), epochs=2, batch_size=16, verbose=0, plots=False)
    assert any(not d.startswith("cpu") for d in devices())
    assert result.config["mixed_precision"] in ("mixed_float16", "mixed_bfloat16")
    assert model.layers[-1].dtype_policy.name == "float32"
    assert np.isfinite(result.history["loss"]).all()
