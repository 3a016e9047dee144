import keras
import numpy as np
import pytest

from kerasdl.training import (ExponentialDecay, OneCycle, StepDecay, WarmupCosineDecay,
                              get_schedule, list_schedules)


def values(schedule, steps):
    return [float(keras.ops.convert_to_numpy(schedule(s))) for s in steps]


def test_list_schedules_is_pinned():
    assert list_schedules() == ["cosine", "exponential", "one_cycle", "step"]


def test_step_decay_exact():
    s = get_schedule("step", 0.1, step_size=10, gamma=0.5)
    assert isinstance(s, StepDecay)
    np.testing.assert_allclose(values(s, [0, 9, 10, 19, 20, 35]),
                               [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125], rtol=1e-6)


def test_exponential_exact():
    s = get_schedule("exponential", 1.0, decay_steps=10, decay_rate=0.5)
    assert isinstance(s, ExponentialDecay)
    np.testing.assert_allclose(values(s, [0, 5, 10, 20]), [1.0, 0.5 ** 0.5, 0.5, 0.25],
                               rtol=1e-6)
    stair = get_schedule("exponential", 1.0, decay_steps=10, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(values(stair, [9, 10, 19]), [1.0, 0.5, 0.5], rtol=1e-6)


def test_cosine_with_warmup_exact():
    s = get_schedule("cosine", 1.0, total_steps=110, warmup_steps=10, min_learning_rate=0.1)
    assert isinstance(s, WarmupCosineDecay)
    np.testing.assert_allclose(values(s, [0, 5, 10, 60, 110, 200]),
                               [0.0, 0.5, 1.0, 0.55, 0.1, 0.1], rtol=1e-5, atol=1e-7)


def test_one_cycle_exact():
    s = get_schedule("one_cycle", 1.0, total_steps=100, pct_start=0.5, div_factor=10,
                     final_div_factor=2)
    assert isinstance(s, OneCycle)
    np.testing.assert_allclose(values(s, [0, 25, 50, 75, 100]),
                               [0.1, 0.55, 1.0, 0.525, 0.05], rtol=1e-5)


@pytest.mark.parametrize("schedule", [
    StepDecay(0.1, 5), ExponentialDecay(0.1, 5, 0.9), WarmupCosineDecay(0.1, 50, 5),
    OneCycle(0.1, 50),
])
def test_serializable_round_trip(schedule):
    config = keras.saving.serialize_keras_object(schedule)
    assert config["registered_name"].startswith("kerasdl>")
    clone = keras.saving.deserialize_keras_object(config)
    assert type(clone) is type(schedule)
    assert values(clone, [0, 7, 30]) == values(schedule, [0, 7, 30])


def test_model_with_schedule_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(OneCycle(0.1, 20)), loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    saved = loaded.optimizer.get_config()["learning_rate"]
    assert saved["class_name"] == "OneCycle" and saved["config"]["total_steps"] == 20


def test_unknown_schedule_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown schedule 'cosin'\. Did you mean 'cosine'\?"
                                         r" Valid schedules: cosine, exponential, one_cycle, "
                                         r"step\."):
        get_schedule("cosin", 0.1)


def test_missing_and_bad_arguments():
    with pytest.raises(ValueError, match="needs `total_steps`"):
        get_schedule("one_cycle", 0.1)
    with pytest.raises(ValueError, match="needs a learning rate"):
        get_schedule("step", step_size=3)
    with pytest.raises(TypeError, match=r"Unknown option\(s\) 'steps' for schedule 'step'"):
        get_schedule("step", 0.1, steps=3)
    with pytest.raises(ValueError, match=r"`warmup_steps` must be smaller than `total_steps` "
                                         r"\(10\); received 10"):
        WarmupCosineDecay(0.1, total_steps=10, warmup_steps=10)
