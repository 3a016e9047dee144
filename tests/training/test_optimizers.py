import keras
import pytest

from kerasdl.training import get_optimizer, list_optimizers
from kerasdl.training._optimizers import optimizer_batch_size, parse_optimizer_spec


def test_list_optimizers_is_pinned():
    assert list_optimizers() == ["adam", "adamw", "gd", "minibatch_sgd", "momentum",
                                 "nesterov", "rmsprop", "sgd"]


@pytest.mark.parametrize("name, cls, lr, extra", [
    ("gd", "SGD", 0.1, {"momentum": 0.0}),
    ("sgd", "SGD", 0.01, {"momentum": 0.0}),
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
