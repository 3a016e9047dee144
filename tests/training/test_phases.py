"""Each phase of a run on its own: settings, data, randomness, compile, resume, callbacks,
fit, evaluation, result (``kerasdl.train`` composes them; see CONTRIBUTING.md)."""

import dataclasses

import keras
import numpy as np
import pytest

from kerasdl.callbacks import EarlyStopping
from kerasdl.errors import CheckpointError
from kerasdl.training._callbacks import build_callbacks, early_stopping_callback
from kerasdl.training._compile import apply_precision, compile_arguments, compile_model
from kerasdl.training._data import all_layers
from kerasdl.training._evaluate import evaluate_run
from kerasdl.training._feed import prepare_feed
from kerasdl.training._fit import fit_epochs
from kerasdl.training._randomness import seed_model_states, seed_run
from kerasdl.training._result import report_data, run_config
from kerasdl.training._resume import resume_run, run_info
from kerasdl.training._settings import TrainSettings
from kerasdl.training.internal import fit_run, open_run_folder


def xy(n=20):
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def model(dropout=False):
    layers = [keras.Input((3,)), keras.layers.Dense(4, activation="relu")]
    if dropout:
        layers.append(keras.layers.Dropout(0.5))
    return keras.Sequential(layers + [keras.layers.Dense(1, activation="sigmoid")])


def settings(**kw):
    return TrainSettings.create(**{"verbose": 0, "plots": False, **kw})


# ------------------------------------------------------------------ settings
def test_settings_are_validated_once_and_frozen():
    s = settings(optimizer=("momentum", {"momentum": 0.5}), epochs=3, loss="MSE")
    assert (s.optimizer_spec, s.optimizer_options, s.epochs, s.loss) == \
        ("momentum", {"momentum": 0.5}, 3, "mse")
    assert s.batch_rule is None and s.checkpoints is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.epochs = 4
    assert settings(optimizer="gd").batch_rule == "full"
    with pytest.raises(ValueError, match=r"`optimizer='online_sgd'` is online SGD"):
        settings(optimizer="online_sgd", batch_size=4)
    assert settings(optimizer="sgd").batch_rule == "online"  # the textbook's SGD
    assert settings(optimizer="sgd", batch_size=4).batch_rule is None  # Keras's SGD
    with pytest.raises(ValueError, match=r"`seed` must be >= 0; received -1\."):
        settings(seed=-1)
    assert settings(run_dir="runs/a").checkpoints is True
    assert settings(run_dir="runs/a", checkpoint_every=None).checkpoints is False


# ------------------------------------------------------------------ data
def test_feed_plans_the_batches():
    x, y = xy(20)
    feed = prepare_feed(model(), (x, y), settings(batch_size=8, class_weight={1: 2.0}))
    assert (feed.batch_size, feed.n_train, feed.batches_per_epoch) == (8, 20, 3)
    np.testing.assert_array_equal(feed.epoch_batches.sample_weight, np.where(y == 1, 2, 1))
    assert prepare_feed(model(), (x, y), settings(optimizer="gd")).batch_size == 20
    assert prepare_feed(model(), (x, y), settings(batch_size=64)).batch_size == 20
    source, partial = feed.rest_of_epoch(1, 2)
    assert len(partial) == 1 and partial.epoch == 1
    order = feed.epoch_batches.order(1)
    np.testing.assert_array_equal(partial[0][0], x[order[16:20]])  # the epoch's last batch


# ------------------------------------------------------------------ randomness
def test_model_seed_states_come_from_the_seed_and_nothing_global_without_deterministic():
    a, b, c = model(dropout=True), model(dropout=True), model(dropout=True)
    for m, seed in ((a, 1), (b, 1), (c, 2)):
        seed_model_states(m, seed)
    state = [v for v in a.variables if tuple(v.shape) == (2,)]
    assert state, "Dropout has a seed state"
    np.testing.assert_array_equal(np.asarray(state[0]),
                                  np.asarray([v for v in b.variables
                                              if tuple(v.shape) == (2,)][0]))
    assert not np.array_equal(np.asarray(state[0]),
                              np.asarray([v for v in c.variables if tuple(v.shape) == (2,)][0]))
    before = np.random.get_state()[1].copy()
    seed_run(settings(deterministic=False))
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    seed_run(settings(deterministic=True, seed=5))
    first = np.random.rand()
    seed_run(settings(deterministic=True, seed=5))
    assert np.random.rand() == first


# ------------------------------------------------------------------ compile
def test_compile_keeps_a_compiled_models_loss_and_metrics():
    x, y = xy()
    m = model()
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert compile_arguments(m)["loss"] == "mse"
    assert compile_arguments(m)["metrics"] == ["mae"]
    feed = prepare_feed(m, (x, y), settings())
    compiled = compile_model(m, settings(learning_rate=0.05), feed)
    assert compiled.loss == "mse" and compiled.metrics == ["mae"]
    assert type(m.optimizer).__name__ == "Adam" and m.optimizer.built
    assert compile_arguments(model()) is None


def test_compile_fills_the_schedule_and_refuses_a_loss_that_does_not_fit_the_labels():
    x, y = xy()
    m = model()
    feed = prepare_feed(m, (x, y), settings(batch_size=5))
    compiled = compile_model(m, settings(schedule="cosine", epochs=2, batch_size=5), feed)
    assert compiled.schedule_config["class"] == "WarmupCosineDecay"
    assert compiled.learning_rate == pytest.approx(0.001)  # adam's default as the peak
    with pytest.raises(ValueError, match=r"expects one-hot labels"):
        compile_model(model(), settings(loss="categorical_crossentropy"), feed)


def test_precision_leaves_the_output_layer_in_float32():
    outer = keras.Sequential([keras.Input((3,)), model(), keras.layers.Activation("linear")])
    layers = all_layers(outer)  # the nested model, its two layers, the activation
    assert [type(layer).__name__ for layer in layers] == ["Sequential", "Dense", "Dense",
                                                          "Activation"]
    apply_precision(outer, "mixed_bfloat16")
    assert [layer.dtype_policy.name for layer in layers[1:]] == \
        ["mixed_bfloat16", "float32", "float32"]


# ------------------------------------------------------------------ resume + fit + callbacks
def test_resume_refuses_a_checkpoint_of_other_settings(tmp_path):
    x, y = xy()
    s = settings(run_dir=tmp_path, epochs=1, batch_size=5)
    with open_run_folder(tmp_path) as folder:
        fit_run(model(), (x, y), s, folder)
    m = model()
    other = settings(run_dir=tmp_path, epochs=1, batch_size=4, resume=True)
    feed = prepare_feed(m, (x, y), other)
    compile_model(m, other, feed)
    with pytest.raises(CheckpointError, match=r"batch_size=5 in the checkpoint but 4 now"):
        resume_run(m, tmp_path / "checkpoints", run_info(other, feed), feed.parts)
    m = model()
    feed = prepare_feed(m, (x, y), s)
    compile_model(m, s, feed)
    point = resume_run(m, tmp_path / "checkpoints", run_info(s, feed), feed.parts)
    assert (point.epoch, point.batch, point.info["skipped_damaged"]) == (1, 0, [])


def test_callbacks_see_one_run_and_fit_trains_the_epochs():
    x, y = xy()
    events = []

    class Spy(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("begin")

        def on_epoch_end(self, epoch, logs=None):
            events.append(epoch)

        def on_train_end(self, logs=None):
            events.append("end")

    m = model()
    s = settings(epochs=2, callbacks=[Spy()], early_stopping=True)
    feed = prepare_feed(m, (x, y), s)
    compile_model(m, s, feed)
    cbs = build_callbacks(m, s, feed, checkpoints=None, info=run_info(s, feed),
                          resume_point=None)
    assert isinstance(cbs.one_run, keras.callbacks.CallbackList)
    assert cbs.early_stopping.monitor == "loss"  # no validation part
    seconds = fit_epochs(m, s, feed, cbs, None)
    assert seconds > 0 and events == ["begin", 0, 1, "end"]
    assert len(cbs.tracker.history["loss"]) == 2 and len(cbs.throughput.epoch_s) == 2
    assert early_stopping_callback(False, True) is None
    es = EarlyStopping(patience=1)
    assert early_stopping_callback(es, True) is es
    assert early_stopping_callback({"patience": 2}, True).monitor == "val_loss"


# ------------------------------------------------------------------ evaluation + result
def test_evaluation_uses_the_test_part_else_validation_and_the_result_has_the_config():
    x, y = xy(30)
    m = model()
    s = settings(epochs=1, validation_split=0.2)
    feed = prepare_feed(m, (x, y), s)
    compiled = compile_model(m, s, feed)
    evaluation, metrics = evaluate_run(m, feed.parts, feed.batch_size)
    assert evaluation["part"] == "val" and set(metrics) == {
        "loss", "accuracy", "macro_precision", "macro_recall", "macro_f1"}
    config = run_config(m, s, feed, compiled, None, None)
    assert (config["n_train"], config["n_val"], config["validation_split"]) == (24, 6, 0.2)
    assert config["optimizer"] == "adam" and config["loss"] == "binary_crossentropy"
    data = report_data(feed.parts)
    assert data.task == "binary" and len(data.x_val) == 6
    run = fit_run(model(), (x, y, x[:5], y[:5]), settings(epochs=1))
    assert run.result.extras["evaluation"]["part"] == "test"
    assert run.result.run_dir is None and len(run.data.x_test) == 5


def test_step_seed_is_a_pure_function_of_seed_and_step():
    from kerasdl.training._randomness import step_seed

    assert step_seed(5, 3) == step_seed(5, 3)
    assert len({step_seed(5, s) for s in range(100)}) == 100
    assert step_seed(5, 3) != step_seed(6, 3)
    assert step_seed(0, 0) == int(np.random.SeedSequence([0, 0]).generate_state(1)[0])


def test_guard_turns_a_backend_error_over_nan_weights_into_the_nan_loss_error():
    from kerasdl.callbacks import NonFiniteLoss
    from kerasdl.errors import NonFiniteLossError

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    guard = NonFiniteLoss()
    guard.set_model(model)
    guard.on_epoch_begin(1)
    guard.on_train_batch_begin(2)
    assert guard.backend_error(RuntimeError("boom")) is None  # finite weights: not ours
    model.layers[0].kernel.assign(np.full((2, 1), np.nan, "float32"))
    err = guard.backend_error(RuntimeError("all elements of input should be between 0 and 1"))
    assert isinstance(err, NonFiniteLossError)
    assert str(err).startswith("The training loss became nan at epoch 2, batch 3. ")
