"""Tests for kerasdl/models/_perceptron.py: truth tables, the perceptron rule, XOR."""

import itertools

import keras
import numpy as np
import pytest

from kerasdl.layers import step
from kerasdl.models import PerceptronLoss, mlp, perceptron, perceptron_loss

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
GATES = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "XOR": [0, 1, 1, 0],
}


def _predict(model):
    return model.predict(X, verbose=0).ravel().tolist()


def test_hand_set_and_weights_give_the_and_truth_table():
    model = perceptron(2, weights=[1, 1], bias=-1.5)
    assert _predict(model) == [0.0, 0.0, 0.0, 1.0]


def test_hand_set_or_weights_give_the_or_truth_table():
    model = perceptron(2, weights=[1, 1], bias=-0.5)
    assert _predict(model) == [0.0, 1.0, 1.0, 1.0]


def test_weights_and_bias_are_stored_as_given():
    model = perceptron(2, weights=[1, 1], bias=-1.5)
    kernel, bias = model.get_layer("unit").get_weights()
    assert kernel.tolist() == [[1.0], [1.0]]
    assert bias.tolist() == [-1.5]


def test_default_is_zero_init_sgd_lr_1_and_perceptron_loss():
    model = perceptron(3)
    kernel, bias = model.get_layer("unit").get_weights()
    assert kernel.tolist() == [[0.0], [0.0], [0.0]] and bias.tolist() == [0.0]
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == 1.0
    assert isinstance(model.loss, PerceptronLoss)
    assert model.output_shape == (None, 1)


def test_loss_value_is_the_error_rate():
    model = perceptron(2, weights=[1, 1], bias=-1.5)  # AND weights on XOR targets: 3 wrong
    loss, acc = model.evaluate(X, np.array(GATES["XOR"]), verbose=0)
    assert loss == 0.75
    assert acc == 0.25
    values = perceptron_loss(np.array([1, 1, 0, 0]), np.array([[1.0], [0.0], [1.0], [0.0]],
                                                                dtype="float32"))
    assert keras.ops.convert_to_numpy(values).tolist() == [0.0, 1.0, 1.0, 0.0]


def _rule(w, b, xs, ts, lr, epochs):
    """Rosenblatt's rule in numpy: w <- w + lr (t - y) x, b <- b + lr (t - y)."""
    w, b = np.array(w, dtype="float64"), float(b)
    for _ in range(epochs):
        for x, t in zip(xs, ts):
            y = 1.0 if x @ w + b >= 0 else 0.0
            w = w + lr * (t - y) * x
            b = b + lr * (t - y)
    return w, b


@pytest.mark.parametrize("gate", ["AND", "NAND"])
def test_fit_with_batch_size_1_is_exactly_the_perceptron_rule(gate):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [2, -1]], dtype="float32")
    t = np.array(GATES[gate] + [1], dtype="float32")
    model = perceptron(2, weights=[0.5, -0.25], bias=0.25, learning_rate=0.5)
    model.fit(x, t, batch_size=1, epochs=3, shuffle=False, verbose=0)
    w_expected, b_expected = _rule([0.5, -0.25], 0.25, x.astype("float64"), t, 0.5, 3)
    kernel, bias = model.get_layer("unit").get_weights()
    assert kernel.ravel().tolist() == w_expected.tolist()
    assert bias.tolist() == [b_expected]


def test_one_misclassified_sample_moves_weights_by_eta_t_minus_y_x():
    model = perceptron(2)  # z = 0 -> y = 1; target 0 -> w <- w - x, b <- b - 1
    model.fit(np.array([[1.0, 2.0]], dtype="float32"), np.array([0]), batch_size=1, epochs=1,
              verbose=0)
    kernel, bias = model.get_layer("unit").get_weights()
    assert kernel.ravel().tolist() == [-1.0, -2.0]
    assert bias.tolist() == [-1.0]


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_perceptron_learns_linearly_separable_gates_to_100_percent(gate, seed):
    y = np.array(GATES[gate])
    model = perceptron(2)
    model.fit(np.tile(X, (5, 1)), np.tile(y, 5), batch_size=1, epochs=3, verbose=0)
    assert _predict(model) == [float(v) for v in y]
    assert model.evaluate(X, y, verbose=0)[1] == 1.0


def test_perceptron_cannot_learn_xor(seed):
    y = np.array(GATES["XOR"])
    model = perceptron(2)
    history = model.fit(np.tile(X, (5, 1)), np.tile(y, 5), batch_size=1, epochs=5, verbose=0)
    assert max(history.history["accuracy"]) <= 0.75
    assert model.evaluate(X, y, verbose=0)[1] <= 0.75


def test_no_weights_on_a_grid_get_more_than_three_xor_rows_right():
    # Any line w.x + b: rows (0,1) and (1,0) on the 1-side means w2+b >= 0 and w1+b >= 0,
    # so w1+w2+2b >= 0; row (0,0) on the 0-side means b < 0; then w1+w2+b >= -b > 0 puts
    # (1,1) on the 1-side too. So at most 3 of 4. The grid checks it with the model's step.
    grid = np.arange(-3.0, 3.01, 0.5, dtype="float32")
    combos = np.array(list(itertools.product(grid, grid, grid)), dtype="float32")  # (n, 3)
    z = X @ combos[:, :2].T + combos[:, 2]  # (4, n)
    y = keras.ops.convert_to_numpy(step(z))
    correct = (y == np.array(GATES["XOR"], dtype="float32")[:, None]).sum(axis=0)
    assert correct.max() == 3
    assert len(combos) == 13 ** 3


def test_one_hidden_layer_mlp_learns_xor_to_100_percent(seed):
    y = np.array(GATES["XOR"])
    model = mlp(2, hidden=(4,), activation="tanh", task="binary", learning_rate=0.05, seed=0)
    # 64 copies of the table: many steps per epoch, few (slow) epochs.
    model.fit(np.tile(X, (64, 1)), np.tile(y, 64), batch_size=8, epochs=5, verbose=0)
    assert model.evaluate(X, y, verbose=0)[1] == 1.0
    assert (model.predict(X, verbose=0).ravel() > 0.5).astype(int).tolist() == GATES["XOR"]


def test_perceptron_bad_weights_length():
    with pytest.raises(ValueError, match=r"`weights` must hold one number per input \(2\); "
                                         r"received shape \(3,\)\."):
        perceptron(2, weights=[1, 2, 3])


def test_perceptron_rejects_multiclass_task():
    with pytest.raises(ValueError, match="A perceptron separates two classes: `task` must be "
                                         "'binary'; received 'multiclass'"):
        perceptron(2, task="multiclass", num_classes=3)


def test_perceptron_rejects_unknown_task():
    with pytest.raises(ValueError, match="`task` must be one of 'binary', 'multiclass', "
                                         "'regression'; received 'binnary'"):
        perceptron(2, task="binnary")


def test_perceptron_rejects_non_positive_input_dim_and_learning_rate():
    with pytest.raises(ValueError,
                       match=r"`input_dim` must be a positive integer \(>= 1\); received 0\."):
        perceptron(0)
    with pytest.raises(ValueError, match=r"`learning_rate` must be in \(0, inf\); received -1"):
        perceptron(2, learning_rate=-1.0)
    with pytest.raises(ValueError, match=r"`bias` must be a finite number; received nan"):
        perceptron(2, bias=float("nan"))


def test_perceptron_loss_serializes():
    loss = PerceptronLoss()
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(restored, PerceptronLoss)
    assert keras.saving.get_registered_name(perceptron_loss) == "kerasdl>perceptron_loss"
    assert keras.saving.get_registered_object("kerasdl>perceptron_loss") is perceptron_loss
    assert keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(perceptron_loss)) is perceptron_loss


def test_input_shape_is_an_alias_of_input_dim():
    assert perceptron(input_shape=(3,)).input_shape == (None, 3)
    assert perceptron(input_shape=3).input_shape == (None, 3)
    with pytest.raises(TypeError, match=r"Give exactly one of `input_dim` and `input_shape`; "
                                        r"received input_dim=2 and input_shape=\(2,\)\."):
        perceptron(2, input_shape=(2,))
    with pytest.raises(ValueError, match=r"`input_dim` must be a number of inputs \(an int\); "
                                         r"received \(2, 2\)"):
        perceptron(input_shape=(2, 2))
