import keras
import pytest

from kerasdl.training import get_optimizer, list_optimizers
from kerasdl.training._optimizers import optimizer_batch_size, parse_optimizer_spec


def test_list_optimizers_is_pinned():
    assert list_optimizers() == ["adam", "adamw", "gd", "minibatch_sgd", "momentum",
                                 "nesterov", "online_sgd", "rmsprop", "sgd"]


@pytest.mark.parametrize("name, cls, lr, extra", [
    ("gd", "SGD", 0.1, {"momentum": 0.0}),
    ("sgd", "SGD", 0.01, {"momentum": 0.0}),
    ("online_sgd", "SGD", 0.01, {"momentum": 0.0}),
    ("minibatch_sgd", "SGD", 0.01, {"nesterov": False}),
    ("momentum", "SGD", 0.01, {"momentum": 0.9, "nesterov": False}),
    ("nesterov", "SGD", 0.01, {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", "RMSprop", 0.001, {}),
    ("adam", "Adam", 0.001, {}),
    ("adamw", "AdamW", 0.001, {"weight_decay": 0.004}),
])
def test_each_name_gives_its_keras_optimizer(name, cls, lr, extra):
    opt = get_optimizer(name)
    assert type(opt).__name__ == cls
    config = opt.get_config()
    assert config["learning_rate"] == pytest.approx(lr)
    for key, value in extra.items():
        assert config[key] == pytest.approx(value)


def test_hyper_parameters_and_learning_rate():
    opt = get_optimizer("Momentum", learning_rate=0.05, momentum=0.95)
    assert opt.get_config()["momentum"] == pytest.approx(0.95)
    assert opt.get_config()["learning_rate"] == pytest.approx(0.05)


def test_instance_is_returned_unchanged():
    opt = keras.optimizers.Adam(0.5)
    assert get_optimizer(opt) is opt
    with pytest.raises(TypeError, match="Set them on the instance"):
        get_optimizer(opt, learning_rate=0.1)


def test_batch_size_rules():
    assert optimizer_batch_size("gd") == "full"
    assert optimizer_batch_size("sgd") == "online"
    assert optimizer_batch_size("adam") is None
    # "sgd": the textbook's online SGD without a batch size, Keras's SGD with one.
    assert optimizer_batch_size("sgd", None) == "online"
    assert optimizer_batch_size("sgd", 16) is None
    assert optimizer_batch_size("SGD", 1) is None
    assert optimizer_batch_size("online_sgd") == "online"
    assert optimizer_batch_size("online-sgd", 16) == "online"
    assert optimizer_batch_size("gd", 16) == "full"
    assert optimizer_batch_size("adam", 16) is None


def _tiny_regression():
    import numpy as np

    from kerasdl.data import from_arrays

    x = np.linspace(-1, 1, 40, dtype="float32").reshape(-1, 1)
    return from_arrays(x, 2 * x[:, 0] + 1, task="regression")


@pytest.mark.parametrize("optimizer, batch_size, steps", [
    ("sgd", 16, 3),          # Keras's SGD at batch size 16: ceil(40 / 16) steps per epoch
    ("sgd", None, 40),       # the textbook's online SGD: one step per sample
    ("online_sgd", None, 40),
    ("gd", None, 1),
])
def test_sgd_batch_size_meaning_in_train(optimizer, batch_size, steps):
    import kerasdl

    data = _tiny_regression()
    model = kerasdl.models.linear_regression((1,), seed=0)
    result = kerasdl.train(model, data, optimizer=optimizer, batch_size=batch_size, epochs=1,
                           verbose=0)
    assert result.config["batch_size"] == (batch_size or {"gd": 40}.get(optimizer, 1))
    assert int(model.optimizer.iterations) == steps


@pytest.mark.parametrize("optimizer, message", [
    ("online_sgd", r"`optimizer='online_sgd'` is online SGD \(batch size 1\); do not pass "
                   r"`batch_size` \(received 16\)"),
    ("gd", r"`optimizer='gd'` is full-batch gradient descent"),
])
def test_online_sgd_and_gd_refuse_a_batch_size(optimizer, message):
    import kerasdl

    model = kerasdl.models.linear_regression((1,), seed=0)
    with pytest.raises(ValueError, match=message):
        kerasdl.train(model, _tiny_regression(), optimizer=optimizer, batch_size=16, epochs=1,
                      verbose=0)


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adma'\. Did you mean 'adam'.*"
                                         r"Valid optimizers: adam, adamw, gd"):
        get_optimizer("adma")


def test_unknown_option_lists_valid_ones():
    with pytest.raises(TypeError, match=r"Unknown option\(s\) 'betta' for optimizer 'adam'.*"
                                        r"Valid options: .*beta_1"):
        get_optimizer("adam", betta=0.9)


def test_bad_learning_rate_and_type():
    with pytest.raises(ValueError, match=r"`learning_rate` must be in \(0, inf\); received -1"):
        get_optimizer("sgd", learning_rate=-1)
    with pytest.raises(TypeError, match="`optimizer` must be a name"):
        get_optimizer(3)


def test_tuple_spec_and_options():
    assert parse_optimizer_spec(("momentum", {"momentum": 0.95})) == ("momentum",
                                                                      {"momentum": 0.95})
    assert parse_optimizer_spec("adam", {"beta_1": 0.8}) == ("adam", {"beta_1": 0.8})
    with pytest.raises(ValueError, match=r"given both in `optimizer` and `optimizer_options`"):
        parse_optimizer_spec(("adam", {"beta_1": 0.8}), {"beta_1": 0.7})
    with pytest.raises(TypeError, match=r"must be \(name, options_dict\)"):
        parse_optimizer_spec(("adam", 0.1))
