import keras
import numpy as np
import pytest

from kerasdl.callbacks import NonFiniteLoss
from kerasdl.errors import NonFiniteLossError


def test_check_is_pure():
    guard = NonFiniteLoss()
    guard.check(1e30, epoch=0, batch=0)
    with pytest.raises(NonFiniteLossError, match=r"The training loss became inf at epoch 3, "
                                                 r"batch 5\. Lower the learning rate"):
        guard.check(float("inf"), epoch=2, batch=4)
    assert issubclass(NonFiniteLossError, FloatingPointError)


def test_stops_model_fit_at_the_first_bad_batch():
    x = np.ones((8, 1), "float32")
    y = np.ones((8, 1), "float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e30), loss="mse")
    seen = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    with pytest.raises(NonFiniteLossError, match=r"at epoch 1, batch [23]\b"):
        model.fit(x, y, batch_size=1, epochs=1, verbose=0, callbacks=[NonFiniteLoss(), Count()])
    assert len(seen) in (1, 2) and len(seen) < 8


def test_weight_check_is_pure_and_names_the_variable():
    guard = NonFiniteLoss()
    good = keras.Variable(np.ones((2, 2), "float32"), name="kernel")
    guard.check_weights([good], epoch=0)  # finite: nothing happens
    bad = keras.Variable(np.array([1.0, np.nan], "float32"), name="bias")
    with pytest.raises(NonFiniteLossError, match=r"The weights '.*bias' became NaN or infinite "
                                                 r"during epoch 3 \(the loss 'loss' stayed "
                                                 r"finite\)"):
        guard.check_weights([good, bad], epoch=2)
