"""Tests for kerasdl/models/_components.py: activations, initializers, regularizers,
optimizers, label formats and the validation every builder shares."""

import keras
import numpy as np
import pytest

from kerasdl.models import list_activations, list_initializers, mlp
from kerasdl.models import _components as c

XS = np.array([[-2.0], [-0.5], [0.0], [0.5], [2.0]], dtype="float32")


def _erf(v):
    from math import erf
    return np.vectorize(erf)(v)


EXPECTED = {
    "step": lambda v: (v >= 0).astype("float32"),
    "identity": lambda v: v,
    "linear": lambda v: v,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "tanh": np.tanh,
    "relu": lambda v: np.maximum(v, 0),
    "leaky_relu": lambda v: np.where(v >= 0, v, 0.01 * v),
    "gelu": lambda v: 0.5 * v * (1 + _erf(v / np.sqrt(2))),
}


def _through_mlp(activation, **kw):
    """mlp(1 -> 1 hidden unit -> linear head) with unit weights: output = activation(x)."""
    model = mlp(1, hidden=(1,), activation=activation, task="regression",
                kernel_initializer="ones", **kw)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            layer.bias.assign(np.zeros_like(keras.ops.convert_to_numpy(layer.bias)))
    return model.predict(XS, verbose=0)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hidden_activation_by_name_computes_the_formula(name):
    got = _through_mlp(name)
    np.testing.assert_allclose(got, EXPECTED[name](XS), rtol=1e-5, atol=1e-6)


def test_leaky_relu_slope_by_tuple_and_keyword():
    want = np.where(XS >= 0, XS, 0.1 * XS)
    np.testing.assert_allclose(_through_mlp(("leaky_relu", 0.1)), want, rtol=1e-6)
    np.testing.assert_allclose(_through_mlp("leaky_relu", leaky_relu_slope=0.1), want,
                               rtol=1e-6)


def test_activation_names_are_listed():
    assert {"step", "identity", "linear", "sigmoid", "tanh", "relu", "leaky_relu",
            "gelu"} <= set(list_activations())
    assert {"lecun_normal", "lecun_uniform", "glorot_normal", "glorot_uniform",
            "xavier_normal", "xavier_uniform", "he_normal", "he_uniform"} <= \
        set(list_initializers())


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown `activation` 'rleu'\. Did you mean 'relu'"
                                         r".*Valid activations: elu, gelu, identity, "
                                         r"leaky_relu, linear, relu"):
        mlp(2, hidden=(3,), activation="rleu", task="binary")


def test_slope_with_another_activation_is_an_error():
    with pytest.raises(ValueError, match=r"`leaky_relu_slope` is set \(0\.1\) but `activation` "
                                         r"is 'relu'"):
        mlp(2, activation="relu", leaky_relu_slope=0.1, task="binary")
    with pytest.raises(ValueError, match="`activation` 'tanh' takes no slope"):
        mlp(2, activation=("tanh", 0.1), task="binary")
    with pytest.raises(ValueError, match=r"`activation\[1\] \(the leaky_relu slope\)` must be "
                                         r"in \[0, inf\); received -0\.1"):
        mlp(2, activation=("leaky_relu", -0.1), task="binary")


def test_unknown_initializer_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown `kernel_initializer` 'he_norml'\. Did you "
                                         r"mean 'he_normal'.*Valid initializers: glorot_normal, "
                                         r"glorot_uniform, he_normal"):
        mlp(2, kernel_initializer="he_norml", task="binary")


def test_unknown_task_lists_valid_names():
    with pytest.raises(ValueError, match=r"`task` must be one of 'binary', 'multiclass', "
                                         r"'regression'; received 'clasification'"):
        mlp(2, task="clasification")


def test_non_positive_units():
    with pytest.raises(ValueError, match=r"`hidden\[1\]` \(units\) must be a positive integer "
                                         r"\(>= 1\); received 0\."):
        mlp(2, hidden=(4, 0), task="binary")
    with pytest.raises(ValueError, match=r"`hidden\[0\]` \(units\) must be a positive integer "
                                         r"\(>= 1\); received -3\."):
        mlp(2, hidden=(-3,), task="binary")


def test_dropout_outside_zero_one():
    with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\); received 1\."):
        mlp(2, dropout=1.0, task="binary")
    with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\); received -0\.1\."):
        mlp(2, dropout=-0.1, task="binary")


def test_negative_weight_decay_and_l1():
    with pytest.raises(ValueError, match=r"`weight_decay` must be in \[0, inf\); received "
                                         r"-0\.01\."):
        mlp(2, weight_decay=-0.01, task="binary")
    with pytest.raises(ValueError, match=r"`l1` must be in \[0, inf\); received -1\."):
        mlp(2, l1=-1, task="binary")


def test_num_classes_below_two_for_multiclass():
    with pytest.raises(ValueError, match=r"`num_classes` must be >= 2 for task='multiclass'; "
                                         r"received 1\."):
        mlp(2, num_classes=1)
    with pytest.raises(ValueError, match=r"`num_classes` is required for task='multiclass'"):
        mlp(2)


def test_bad_input_shape():
    with pytest.raises(ValueError, match=r"`input_shape` must hold positive ints; received 0 "
                                         r"at position 1 of \(4, 0\)\."):
        mlp((4, 0), task="binary")
    with pytest.raises(TypeError, match=r"`input_shape` must be a positive int or a non-empty "
                                        r"tuple"):
        mlp("4", task="binary")


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match=r"`hidden\[0\]` must be a positive int \(units\), the "
                                        r"name of a layer registered"):
        mlp(2, hidden=(2.5,), task="binary")
    with pytest.raises(TypeError, match="`batch_norm` must be True or False; received 'yes'"):
        mlp(2, batch_norm="yes", task="binary")


@pytest.mark.parametrize("name,fan,limit", [
    # Var(w) = scale / fan  (truncated normal is rescaled by Keras to this variance;
    # uniform on [-a, a] has variance a^2 / 3 with a = sqrt(3 * scale / fan)).
    ("lecun_normal", "in", None),
    ("lecun_uniform", "in", np.sqrt(3 / 256)),
    ("glorot_normal", "avg", None),
    ("glorot_uniform", "avg", np.sqrt(6 / (256 + 512))),
    ("xavier_normal", "avg", None),
    ("xavier_uniform", "avg", np.sqrt(6 / (256 + 512))),
    ("he_normal", "in_he", None),
    ("he_uniform", "in_he", np.sqrt(6 / 256)),
])
def test_initializer_std_of_a_512_unit_layer_matches_the_formula(name, fan, limit):
    fan_in, fan_out = 256, 512
    want = {"in": np.sqrt(1 / fan_in),                     # LeCun: 1 / fan_in
            "avg": np.sqrt(2 / (fan_in + fan_out)),        # Glorot: 2 / (fan_in + fan_out)
            "in_he": np.sqrt(2 / fan_in)}[fan]             # He: 2 / fan_in
    model = mlp(fan_in, hidden=(fan_out,), kernel_initializer=name, task="binary", seed=0)
    kernel = model.get_layer("hidden_0").get_weights()[0]
    assert kernel.shape == (fan_in, fan_out)
    assert abs(kernel.std() / want - 1) < 0.05
    assert abs(kernel.mean()) < 0.05 * want
    if limit is not None:
        assert np.abs(kernel).max() <= limit * (1 + 1e-6)
    else:  # Keras' normal variants are truncated at 2 standard deviations of the raw normal
        bound = 2 * want / 0.87962566 * (1 + 1e-6)
        if keras.backend.backend() == "torch":
            # Keras's torch truncated_normal draws 4 normals per value and keeps the first
            # inside (-2, 2); when all 4 fall outside (p = 0.0455**4 ~ 4e-6) it keeps the
            # first anyway, so ~0.5 of these 131,072 values lie beyond the cut.
            assert np.mean(np.abs(kernel) > bound) <= 5e-5
        else:
            assert np.abs(kernel).max() <= bound


def test_seeded_initialization_is_reproducible_and_distinct_per_layer():
    a = mlp(4, hidden=(4, 4), task="binary", seed=5)
    b = mlp(4, hidden=(4, 4), task="binary", seed=5)
    wa = [w for w in a.get_weights()]
    assert all(np.array_equal(x, y) for x, y in zip(wa, b.get_weights()))
    assert not np.array_equal(a.get_layer("hidden_1").kernel, a.get_layer("hidden_0").kernel[:4])


def test_weight_decay_and_l1_add_exactly_the_penalty_to_the_loss():
    model = mlp(3, hidden=(4,), task="regression", weight_decay=0.01, l1=0.002, seed=0)
    kernels = [model.get_layer(n).get_weights()[0] for n in ("hidden_0", "head")]
    penalty = sum(0.01 * np.sum(k.astype("float64") ** 2) + 0.002 * np.sum(np.abs(k))
                  for k in kernels)
    reg = sum(float(keras.ops.convert_to_numpy(v)) for v in model.losses)
    assert len(model.losses) == 2
    np.testing.assert_allclose(reg, penalty, rtol=1e-5)
    x = np.random.default_rng(0).random((10, 3), dtype=np.float32)
    y = np.random.default_rng(1).random((10, 1), dtype=np.float32)
    mse = float(np.mean((model.predict(x, verbose=0).astype("float64") - y) ** 2))
    loss = model.evaluate(x, y, batch_size=10, verbose=0)[0]
    np.testing.assert_allclose(loss, mse + penalty, rtol=1e-5)


def test_weight_decay_alone_is_l2_and_l1_alone_is_l1():
    m2 = mlp(2, hidden=(3,), task="binary", weight_decay=0.5, seed=1)
    assert isinstance(m2.get_layer("hidden_0").kernel_regularizer, keras.regularizers.L2)
    assert m2.get_layer("hidden_0").kernel_regularizer.l2 == 0.5
    m1 = mlp(2, hidden=(3,), task="binary", l1=0.5, seed=1)
    assert isinstance(m1.get_layer("hidden_0").kernel_regularizer, keras.regularizers.L1)
    m0 = mlp(2, hidden=(3,), task="binary", seed=1)
    assert m0.get_layer("hidden_0").kernel_regularizer is None and m0.losses == []


def test_dropout_is_identity_at_inference():
    x = np.random.default_rng(0).random((20, 6), dtype=np.float32)
    with_dropout = mlp(6, hidden=(16, 16), dropout=0.5, task="regression", seed=2)
    without = mlp(6, hidden=(16, 16), dropout=0.0, task="regression", seed=2)
    assert [w.shape for w in with_dropout.get_weights()] == \
        [w.shape for w in without.get_weights()]
    want = without.predict(x, verbose=0)
    np.testing.assert_array_equal(with_dropout.predict(x, verbose=0), want)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(with_dropout(x, training=False)), want)
    trained = keras.ops.convert_to_numpy(with_dropout(x, training=True))
    assert not np.allclose(trained, want)


def test_optimizer_by_name_learning_rate_and_instance():
    model = mlp(2, task="binary", optimizer="SGD", learning_rate=0.3)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == \
        pytest.approx(0.3)
    opt = keras.optimizers.RMSprop(0.01)
    assert mlp(2, task="binary", optimizer=opt).optimizer is opt
    with pytest.raises(ValueError, match="`learning_rate` cannot be combined with an optimizer "
                                         "instance"):
        mlp(2, task="binary", optimizer=keras.optimizers.Adam(), learning_rate=0.1)
    with pytest.raises(ValueError, match=r"`optimizer` must be one of .*'adam'.*; received "
                                         r"'adma'\. Did you mean 'adamax' or 'adam'"):
        mlp(2, task="binary", optimizer="adma")


def test_task_table_sets_head_loss_and_metrics():
    binary = mlp(2, task="binary")
    assert binary.output_shape == (None, 1) and binary.loss == "binary_crossentropy"
    assert binary.get_layer("head").activation is keras.activations.sigmoid
    multi = mlp(2, num_classes=4)
    assert multi.output_shape == (None, 4) and multi.loss == "sparse_categorical_crossentropy"
    assert multi.get_layer("head").activation is keras.activations.softmax
    reg = mlp(2, task="regression", outputs=2)
    assert reg.output_shape == (None, 2) and reg.loss == "mean_squared_error"
    assert reg.get_layer("head").activation is keras.activations.linear


def test_one_hot_and_label_format_select_categorical_crossentropy():
    assert mlp(2, num_classes=3, one_hot=True).loss == "categorical_crossentropy"
    assert mlp(2, num_classes=3, label_format="onehot").loss == "categorical_crossentropy"
    assert mlp(2, num_classes=3, label_format="one-hot").loss == "categorical_crossentropy"
    assert mlp(2, num_classes=3, one_hot=False).loss == "sparse_categorical_crossentropy"
    with pytest.raises(ValueError, match=r"`one_hot=False` contradicts "
                                         r"`label_format='onehot'`"):
        mlp(2, num_classes=3, one_hot=False, label_format="onehot")


def test_one_hot_model_trains_on_one_hot_labels():
    x = np.random.default_rng(0).random((6, 2), dtype=np.float32)
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    model = mlp(2, hidden=(3,), num_classes=3, one_hot=True, seed=0)
    assert np.isfinite(model.fit(x, y, epochs=1, verbose=0).history["loss"][0])


def test_linear_output_means_logits_and_from_logits_loss():
    model = mlp(2, task="binary", output="linear")
    assert isinstance(model.loss, keras.losses.BinaryCrossentropy)
    assert model.loss.from_logits is True
    multi = mlp(2, num_classes=3, output="identity")
    assert isinstance(multi.loss, keras.losses.SparseCategoricalCrossentropy)
    assert multi.loss.from_logits is True
    with pytest.raises(ValueError, match=r"`output='relu'` does not give a probability for "
                                         r"task='binary'"):
        mlp(2, task="binary", output="relu")


def test_outputs_only_for_regression():
    with pytest.raises(ValueError, match=r"`outputs` sets the number of regression targets; "
                                         r"received outputs=3 with task='binary'"):
        mlp(2, task="binary", outputs=3)


def test_layer_seed_derivation():
    assert c.layer_seed(None, 3) is None
    assert c.layer_seed(2, 3) == 2003
