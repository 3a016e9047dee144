"""kerasdl.train: compile, fit, evaluate and write the run folder in one call."""

import math
import time
from pathlib import Path

import keras
import numpy as np

from kerasdl._tasks import default_loss, default_metrics
from kerasdl._validation import (check_bool, check_choice, check_fraction, check_int,
                                 check_positive_int, check_type, describe, normalize_name,
                                 unknown_name_error)
from kerasdl.callbacks._checkpoint import (Checkpoint, callback_arrays, latest_checkpoint,
                                           list_checkpoints, restore_checkpoint)
from kerasdl.callbacks._early_stopping import EarlyStopping
from kerasdl.callbacks._guards import NonFiniteLoss
from kerasdl.callbacks._loggers import ThroughputLogger, append_epoch_logs
from kerasdl.errors import CheckpointError
from kerasdl.training._data import EpochBatches, check_fits_model, prepare_data
from kerasdl.training._optimizers import (get_optimizer, optimizer_batch_size,
                                          parse_optimizer_spec)
from kerasdl.training._result import RunResult
from kerasdl.training._schedules import get_schedule

__all__ = ["train"]

CHECKPOINT_DIR = "checkpoints"
_SPARSE_LOSSES = {"sparse_categorical_crossentropy", "sparsecategoricalcrossentropy"}
_ONEHOT_LOSSES = {"categorical_crossentropy", "categoricalcrossentropy",
                  "categorical_focal_crossentropy", "kl_divergence", "kld"}


def _known_losses():
    names = set()
    for name in dir(keras.losses):
        obj = getattr(keras.losses, name)
        if name.startswith("_") or not callable(obj):
            continue
        if name[0].islower() and name not in ("get", "serialize", "deserialize"):
            names.add(name)
    return names | {"mse", "mae", "mape", "msle", "kld", "logcosh"}


def _loss_name(loss):
    if isinstance(loss, str):
        return normalize_name(loss)
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return normalize_name(name) if isinstance(name, str) else None


def _check_loss(loss):
    if isinstance(loss, str):
        key = normalize_name(loss)
        known = _known_losses()
        if key not in known:
            raise unknown_name_error("loss name", loss, known)
        return key
    if loss is None or not callable(loss):
        raise TypeError(f"`loss` must be 'auto', a loss name or a callable; received "
                        f"{describe(loss)}.")
    return loss


def _check_loss_fits_labels(loss, label_format):
    name = _loss_name(loss)
    if name in _SPARSE_LOSSES and label_format == "onehot":
        raise ValueError(
            f"The loss {name!r} expects integer class labels but `y_train` is one-hot. Use "
            f"loss='categorical_crossentropy', or pass integer labels (y.argmax(axis=1)).")
    if name in _ONEHOT_LOSSES and label_format == "sparse":
        raise ValueError(
            f"The loss {name!r} expects one-hot labels but `y_train` holds integer class "
            f"labels. Use loss='sparse_categorical_crossentropy', or one-hot encode the labels "
            f"(kerasdl.data.to_categorical).")


def _previous_compile(model):
    config = getattr(getattr(model, "_compile_config", None), "config", None)
    if not getattr(model, "compiled", False) or not config:
        return None, None
    return config.get("loss"), config.get("metrics")


def _class_sample_weights(class_weight, y, task, num_classes):
    if class_weight is None:
        return None
    if isinstance(class_weight, str):
        if normalize_name(class_weight) != "balanced":
            raise ValueError(f"`class_weight` must be a dict {{class: weight}}, 'balanced' or "
                             f"None; received {class_weight!r}.")
    elif not isinstance(class_weight, dict):
        raise TypeError(f"`class_weight` must be a dict {{class: weight}}, 'balanced' or None; "
                        f"received {describe(class_weight)}.")
    if task not in ("binary", "multiclass"):
        raise ValueError(f"`class_weight` applies to classification; the task is {task!r}.")
    labels = y.argmax(axis=1) if (y.ndim == 2 and y.shape[1] > 1) else y.reshape(-1)
    labels = labels.astype(int)
    k = int(num_classes or 2)
    if isinstance(class_weight, str):
        counts = np.bincount(labels, minlength=k).astype("float64")
        weights = np.where(counts > 0, len(labels) / (k * np.maximum(counts, 1)), 0.0)
        table = dict(enumerate(weights))
    else:
        bad = sorted(c for c in class_weight if not (isinstance(c, (int, np.integer))
                                                     and 0 <= c < k))
        if bad:
            raise ValueError(f"`class_weight` keys must be class indices in [0, {k}); "
                             f"received {bad}.")
        table = {int(c): float(w) for c, w in class_weight.items()}
        negative = [c for c, w in table.items() if not (w >= 0 and math.isfinite(w))]
        if negative:
            raise ValueError(f"`class_weight` values must be finite and >= 0; class "
                             f"{negative[0]} has {table[negative[0]]}.")
    lookup = np.array([table.get(c, 1.0) for c in range(k)], dtype="float32")
    return lookup[labels]


def _resolve_precision(mixed_precision):
    if mixed_precision == "auto":
        from kerasdl._backend import devices

        kinds = {d.split(":")[0] for d in devices()}
        if "tpu" in kinds:
            return "mixed_bfloat16"
        if "gpu" in kinds or "cuda" in kinds:
            return "mixed_float16"
        return None  # CPUs gain nothing from float16 and lose accuracy
    if mixed_precision is True:
        from kerasdl._backend import devices

        kinds = {d.split(":")[0] for d in devices()}
        return "mixed_bfloat16" if ("tpu" in kinds or "gpu" not in kinds and "cuda" not in
                                    kinds) else "mixed_float16"
    return None


def _apply_precision(model, policy):
    """Compute in float16/bfloat16 with float32 weights; the output layer stays float32.

    Layers from the last one with weights onwards (the head, a final softmax...) keep
    float32 so the loss is computed at full precision.
    """
    layers = list(model._flatten_layers(include_self=False, recursive=True))
    weighted = [i for i, layer in enumerate(layers) if layer.weights]
    last = weighted[-1] if weighted else len(layers)
    for layer in layers[:last]:
        layer.dtype_policy = policy


def _seed_globally(seed):
    """Seed Python, NumPy and Keras' global seed generator (``keras.utils.set_random_seed``).

    ``set_random_seed`` also seeds TensorFlow, importing it (seconds) even on other
    backends; kerasdl feeds no tf.data pipeline there, so it is skipped unless TensorFlow
    is the backend or already imported.
    """
    import random
    import sys

    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    from kerasdl._keras_compat import reset_global_seed

    if not reset_global_seed(seed):  # a Keras without these internals: the public call
        keras.utils.set_random_seed(seed)
        return
    random.seed(seed)
    np.random.seed(seed)
    if keras.backend.backend() == "torch":
        import torch

        torch.manual_seed(seed)


def _reseed(model, seed):
    """Give each random-seed state of the model (dropout...) a state derived from ``seed``."""
    weight_ids = {id(w) for w in model.weights}
    states = [v for v in model.variables if id(v) not in weight_ids]
    for i, v in enumerate(states):
        if tuple(v.shape) != (2,):
            continue
        value = np.random.default_rng([int(seed), i]).integers(0, 2**30)
        v.assign(np.array([value, 0]).astype(keras.backend.standardize_dtype(v.dtype)))


class _RunCallbacks(keras.callbacks.Callback):
    """Presents one run to the user's callbacks even when it takes two ``fit`` calls.

    Resuming mid-epoch runs the rest of that epoch in one ``fit`` and the remaining epochs
    in another; callbacks must still see a single ``on_train_begin``/``on_train_end``.
    """

    def __init__(self, callbacks, model, sequence):
        super().__init__()
        self.inner = keras.callbacks.CallbackList(list(callbacks), add_history=False,
                                                  add_progbar=False, model=model)
        self.sequence = sequence
        self.began = False
        self.last_fit = True
        self.stop_after_epoch = None  # end the partial-epoch fit here (resume)
        self.user_stopped = False
        self.after_begin = None

    def set_params(self, params):
        super().set_params(params)
        self.inner.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(model)

    def on_train_begin(self, logs=None):
        if not self.began:
            self.began = True
            self.inner.on_train_begin(logs)
            if self.after_begin is not None:
                self.after_begin()

    def on_train_end(self, logs=None):
        if self.last_fit or self.user_stopped:
            self.inner.on_train_end(logs)

    def on_epoch_begin(self, epoch, logs=None):
        if self.sequence is not None:
            self.sequence.set_epoch(epoch)
        self.inner.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.inner.on_epoch_end(epoch, logs)
        if self._model.stop_training:
            self.user_stopped = True
        elif epoch == self.stop_after_epoch:
            self._model.stop_training = True  # the rest of the run is the next fit

    def on_train_batch_begin(self, batch, logs=None):
        self.inner.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.inner.on_train_batch_end(batch, logs)

    def on_test_begin(self, logs=None):
        self.inner.on_test_begin(logs)

    def on_test_end(self, logs=None):
        self.inner.on_test_end(logs)

    def on_test_batch_begin(self, batch, logs=None):
        self.inner.on_test_batch_begin(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self.inner.on_test_batch_end(batch, logs)


def _check_resume(resume):
    if isinstance(resume, str):
        return check_choice("resume", resume, ("auto",))
    return check_bool("resume", resume)


def _early_stopping_callback(early_stopping, has_val):
    monitor = "val_loss" if has_val else "loss"
    if early_stopping is False or early_stopping is None:
        return None
    if early_stopping is True:
        return EarlyStopping(monitor=monitor, patience=5)
    if isinstance(early_stopping, EarlyStopping):
        return early_stopping
    if isinstance(early_stopping, dict):
        options = dict(early_stopping)
        options.setdefault("monitor", monitor)
        try:
            return EarlyStopping(**options)
        except TypeError as e:
            raise TypeError(f"`early_stopping` settings {sorted(early_stopping)} do not fit "
                            f"EarlyStopping: {e}") from None
    raise TypeError(f"`early_stopping` must be True, False, a dict of EarlyStopping settings "
                    f"or an EarlyStopping; received {describe(early_stopping)}.")


def _compare_run(meta_run, run_info, path):
    diffs = [f"{k}={meta_run.get(k)!r} in the checkpoint but {run_info[k]!r} now"
             for k in ("seed", "batch_size", "n_train", "shuffle", "batches_per_epoch")
             if k in meta_run and meta_run.get(k) != run_info.get(k)]
    if diffs:
        raise CheckpointError(f"Checkpoint {str(path)!r} was made by a run with other settings: "
                              f"{'; '.join(diffs)}. Resume with the same data and settings, or "
                              f"start a new run_dir.")


def train(model, data, *, optimizer="adam", optimizer_options=None, learning_rate=None,
          schedule=None, epochs=10, batch_size=None, loss="auto", metrics="auto",
          validation_split=None, early_stopping=False, callbacks=(), run_dir=None,
          resume=False, checkpoint_every="epoch", keep_checkpoints=2, seed=0, shuffle=True,
          deterministic=False, mixed_precision="auto", jit_compile="auto",
          steps_per_execution=1, class_weight=None, verbose=1, plots=True):
    """Train a Keras model in one call: compile, fit, evaluate, checkpoint, report.

    ``train`` compiles the model with the optimizer you name, feeds the training data in
    a seeded order (the same seed gives the same history on CPU), checks every step for a
    NaN loss, restores the best weights when early stopping is on, evaluates on the test
    part (else the validation part) and, with ``run_dir``, writes atomic checkpoints and a
    run folder (config, history, metrics, model, plots, HTML report). ``resume=True``
    continues an interrupted run from its last checkpoint -- epoch and batch, optimizer
    state, random state and shuffle order -- so the finished run matches an uninterrupted
    one.

    Args:
        model: a ``keras.Model`` (a kerasdl builder's, or any Keras model).
        data: a ``kerasdl.data.Dataset``; a tuple ``(x, y)`` or
            ``(x_train, y_train, x_test, y_test)`` of arrays (``numpy.memmap`` arrays are
            read batch by batch, never loaded whole); a ``kerasdl.data.MemmapSource``
            (``.npy`` files trained chunk by chunk: chunks in a seeded order, samples
            shuffled inside each); or a ``keras.utils.PyDataset``.
        optimizer: a name (``"gd"``, ``"sgd"``, ``"online_sgd"``, ``"minibatch_sgd"``,
            ``"momentum"``,
            ``"nesterov"``, ``"rmsprop"``, ``"adam"``, ``"adamw"``), a tuple
            ``(name, options)`` or a ``keras.optimizers.Optimizer``. Defaults to ``"adam"``.
        optimizer_options: the optimizer's hyper-parameters, e.g. ``{"momentum": 0.95}``.
            Defaults to None.
        learning_rate: the learning rate (the peak / initial rate with ``schedule``).
            Defaults to None (the optimizer's default).
        schedule: a schedule name (``"step"``, ``"exponential"``, ``"cosine"``,
            ``"one_cycle"``), ``(name, options)`` or a ``LearningRateSchedule``; its total
            steps are filled in from epochs and batches. Defaults to None.
        epochs: number of epochs. Defaults to 10.
        batch_size: samples per batch. Defaults to None (32; the whole training set for
            ``"gd"``; 1 for ``"online_sgd"`` and for ``"sgd"`` without a batch size:
            ``optimizer="sgd", batch_size=16`` is Keras's SGD at batch size 16).
        loss: a Keras loss name or object, or ``"auto"`` (keep the compiled model's loss,
            else the task's default). Defaults to ``"auto"``.
        metrics: a list of metrics or ``"auto"`` (the compiled model's, else accuracy /
            mean absolute error). Defaults to ``"auto"``.
        validation_split: fraction in (0, 1) of the training part held out (seeded) for
            validation. Defaults to None (the dataset's validation part, if any).
        early_stopping: True (patience 5 on ``val_loss``, else ``loss``), False, a dict of
            :class:`kerasdl.callbacks.EarlyStopping` settings, or one. Best weights are
            restored. Defaults to False.
        callbacks: more Keras callbacks. Defaults to ().
        run_dir: folder for checkpoints and the run report. Defaults to None (nothing
            written).
        resume: True to continue the run in ``run_dir`` from its last checkpoint;
            ``"auto"`` to continue when a checkpoint exists, else start. Defaults to False.
        checkpoint_every: ``"epoch"``, a number of batches, or None for no checkpoints
            (the run folder is still written, but the run cannot be resumed). Only used with
            ``run_dir``. Defaults to ``"epoch"``.
        keep_checkpoints: checkpoints kept on disk (>= 1). Defaults to 2.
        seed: seed of the shuffle order and of the model's dropout/noise states.
            Defaults to 0.
        shuffle: reshuffle the training data every epoch. Defaults to True.
        deterministic: also seed Python/NumPy/backend globally and make TensorFlow ops
            deterministic (bit-identical reruns, slower on GPU). Defaults to False.
        mixed_precision: True, False or ``"auto"`` (on with a GPU/TPU, off on CPU).
            Defaults to ``"auto"``.
        jit_compile: True, False or ``"auto"`` (XLA where Keras expects a gain).
            Defaults to ``"auto"``.
        steps_per_execution: batches run per compiled call. Defaults to 1.
        class_weight: ``{class: weight}``, ``"balanced"`` or None. Defaults to None.
        verbose: 0 silent, 1 progress bar, 2 one line per epoch. Defaults to 1.
        plots: render the plots of the run folder. Defaults to True.

    Returns:
        A :class:`RunResult` with ``model``, ``history``, ``metrics`` (test part, else
        validation part), ``timings`` (``wall_s``, ``epoch_s``, ``samples_per_s``),
        ``run_dir`` and ``config``; ``extras["evaluation"]`` holds per-class scores.

    Raises:
        ValueError / TypeError: for bad settings or data (before any training).
        kerasdl.errors.NonFiniteLossError: when the loss turns NaN or infinite.
        kerasdl.errors.CheckpointError: when resuming is impossible.

    Example:

    >>> import numpy as np, keras, kerasdl
    >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    >>> y = (x[:, 0] > 0).astype("int32")
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, "sigmoid")])
    >>> result = kerasdl.train(model, (x, y), epochs=2, verbose=0)
    >>> len(result.history["loss"])
    2
    """
    t_start = time.perf_counter()
    check_type("model", model, keras.Model)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    validation_split = check_fraction("validation_split", validation_split, allow_none=True)
    seed = check_int("seed", seed)
    shuffle = check_bool("shuffle", shuffle)
    deterministic = check_bool("deterministic", deterministic)
    resume = _check_resume(resume)
    steps_per_execution = check_positive_int("steps_per_execution", steps_per_execution)
    keep_checkpoints = check_positive_int("keep_checkpoints", keep_checkpoints)
    verbose = check_int("verbose", verbose, min_value=0, max_value=2)
    plots = check_bool("plots", plots)
    if mixed_precision != "auto":
        mixed_precision = check_bool("mixed_precision", mixed_precision)
    if jit_compile != "auto":
        jit_compile = check_bool("jit_compile", jit_compile)
    if checkpoint_every is not None and checkpoint_every != "epoch":
        if isinstance(checkpoint_every, str):
            raise ValueError(f"`checkpoint_every` must be 'epoch' or a number of batches; "
                             f"received {checkpoint_every!r}.")
        checkpoint_every = check_positive_int("checkpoint_every", checkpoint_every)
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    callbacks = list(check_type("callbacks", callbacks, (list, tuple)))
    for i, cb in enumerate(callbacks):
        check_type(f"callbacks[{i}]", cb, keras.callbacks.Callback)
    if run_dir is not None:
        run_dir = Path(check_type("run_dir", run_dir, (str, Path)))
    if resume is not False and run_dir is None:
        raise ValueError(f"`resume={resume!r}` needs `run_dir`, the folder of the run to "
                         f"continue.")
    if resume is not False and checkpoint_every is None:
        raise ValueError(f"`resume={resume!r}` needs checkpoints; received "
                         f"checkpoint_every=None (no checkpoints are written).")
    if isinstance(loss, str) and normalize_name(loss) == "auto":
        loss = "auto"
    else:
        loss = _check_loss(loss)
    opt_spec, opt_options = parse_optimizer_spec(optimizer, optimizer_options)
    batch_rule = (optimizer_batch_size(opt_spec, batch_size) if isinstance(opt_spec, str)
                  else None)
    if batch_rule and batch_size is not None:
        what = {"full": "full-batch gradient descent (batch size = training set size)",
                "online": "online SGD (batch size 1)"}[batch_rule]
        raise ValueError(f"`optimizer={opt_spec!r}` is {what}; do not pass `batch_size` "
                         f"(received {batch_size}), or use optimizer='minibatch_sgd'.")

    # ---------------------------------------------------------------- data
    parts = prepare_data(model, data, validation_split=validation_split, seed=seed)
    check_fits_model(model, parts)
    if parts.train_sequence is not None:
        if batch_rule:
            raise ValueError(f"`optimizer={opt_spec!r}` sets the batch size, which a "
                             f"PyDataset fixes itself; use 'minibatch_sgd'.")
        n_train = None
        batches_per_epoch = len(parts.train_sequence)
    else:
        n_train = parts.n_train
        if batch_rule == "full":
            batch_size = n_train
        elif batch_rule == "online":
            batch_size = 1
        elif batch_size is None:
            batch_size = 32
        batch_size = min(batch_size, n_train)
        batches_per_epoch = -(-n_train // batch_size)

    # ---------------------------------------------------------------- randomness
    if deterministic:
        _seed_globally(seed)
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()

    # ---------------------------------------------------------------- compile
    prev_loss, prev_metrics = _previous_compile(model)
    if loss == "auto":
        if prev_loss is not None:
            loss = prev_loss
        elif parts.task is None:
            raise ValueError("`loss='auto'` needs the task: compile the model first or pass "
                             "`loss=` when training on a PyDataset.")
        else:
            loss = default_loss(parts.task, parts.label_format)
    if parts.label_format:
        _check_loss_fits_labels(loss, parts.label_format)
    if isinstance(metrics, str) and metrics == "auto":
        if prev_loss is not None:
            metrics = prev_metrics
        else:
            metrics = default_metrics(parts.task) if parts.task else None
    elif metrics is not None:
        metrics = list(check_type("metrics", metrics, (list, tuple)))

    total_steps = epochs * batches_per_epoch
    lr = learning_rate
    schedule_config = None
    if schedule is not None:
        sched_options = {}
        if isinstance(schedule, tuple):
            if len(schedule) != 2 or not isinstance(schedule[1], dict):
                raise TypeError(f"`schedule` given as a tuple must be (name, options_dict); "
                                f"received {describe(schedule)}.")
            schedule, sched_options = schedule
        if learning_rate is None and isinstance(schedule, str) and isinstance(opt_spec, str):
            learning_rate = get_optimizer(opt_spec, **opt_options).get_config()["learning_rate"]
        lr = get_schedule(schedule, learning_rate, total_steps=total_steps, **sched_options)
        schedule_config = {"class": type(lr).__name__, **lr.get_config()}
    opt = get_optimizer(opt_spec, learning_rate=lr, **opt_options)

    precision = _resolve_precision(mixed_precision)
    if precision:
        _apply_precision(model, precision)
        if precision == "mixed_float16" and not isinstance(
                opt, keras.optimizers.LossScaleOptimizer):
            opt = keras.optimizers.LossScaleOptimizer(opt)  # float16 gradients underflow
    model.compile(optimizer=opt, loss=loss, metrics=metrics, jit_compile=jit_compile,
                  steps_per_execution=steps_per_execution)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)

    run_info = {"seed": seed, "batch_size": batch_size, "n_train": n_train,
                "shuffle": shuffle, "batches_per_epoch": batches_per_epoch, "epochs": epochs}

    # ---------------------------------------------------------------- resume
    ckpt_dir = (run_dir / CHECKPOINT_DIR
                if run_dir is not None and checkpoint_every is not None else None)
    start_epoch, start_batch, resumed = 0, 0, None
    meta = arrays = None
    if ckpt_dir is not None:
        existing = list_checkpoints(ckpt_dir)
        if resume is False and existing:
            raise ValueError(
                f"`run_dir` {str(run_dir)!r} already holds checkpoints of a run "
                f"({existing[-1].name}). Pass resume=True to continue it, or choose a new "
                f"run_dir.")
        if resume is True or (resume == "auto" and existing):
            path, meta, arrays, skipped = latest_checkpoint(ckpt_dir)
            _compare_run(meta.get("run", {}), run_info, path)
            restore_checkpoint(model, path, meta, arrays)
            start_epoch, start_batch = int(meta["epoch"]), int(meta["batch"])
            if start_batch and parts.x_train is not None:
                _build_metrics(model, parts.x_train[:1], parts.y_train[:1])
            resumed = {"checkpoint": str(path), "epoch": start_epoch, "batch": start_batch,
                       "skipped_damaged": [str(p) for p, _ in skipped]}
    if resumed is None:
        _reseed(model, seed)

    # ---------------------------------------------------------------- callbacks
    es = _early_stopping_callback(early_stopping, parts.x_val is not None)
    throughput = ThroughputLogger(samples_per_epoch=n_train, batch_size=batch_size or 1)
    # user callbacks run before early stopping, so one that adds a metric to the epoch
    # logs (say val_f1) can be monitored
    internal = [NonFiniteLoss()]
    stateful = {}
    for i, cb in enumerate(([es] if es is not None else []) + callbacks):
        if hasattr(cb, "get_state") and hasattr(cb, "set_state"):
            stateful[f"{i}_{type(cb).__name__}"] = cb
    ckpt = Checkpoint(ckpt_dir if ckpt_dir is not None else ".",
                      every=checkpoint_every if checkpoint_every is not None else "epoch",
                      keep=keep_checkpoints, stateful_callbacks=stateful, run_info=run_info)
    ckpt.throughput = throughput
    if meta is not None:
        ckpt.resume_from(meta, arrays)
    all_callbacks = internal + [cb for cb in callbacks if cb is not es] + \
        ([es] if es is not None else []) + [throughput]
    tracker = ckpt if ckpt_dir is not None else _HistoryOnly(ckpt)
    all_callbacks.append(tracker)

    if parts.train_sequence is not None:
        sequence = parts.train_sequence
        full = sequence
    else:
        sw = _class_sample_weights(class_weight, parts.y_train, parts.task, parts.num_classes)
        full = EpochBatches(parts.x_train, parts.y_train, batch_size, seed=seed,
                            shuffle=shuffle, sample_weight=sw, chunk_size=parts.chunk_size,
                            x_dtype=parts.x_dtype)
        sequence = full
    bridge = _RunCallbacks(all_callbacks, model, full if full is not parts.train_sequence
                           else None)
    use_tf_data = (parts.train_sequence is None and keras.backend.backend() == "tensorflow"
                   and _in_memory(parts.x_train) and _in_memory(parts.y_train))
    if use_tf_data:
        sequence = full.as_tf_dataset()

    def _restore_callback_states():
        if meta is None:
            return
        for name, cb in stateful.items():
            if name in meta.get("callbacks", {}):
                cb.set_state(meta["callbacks"][name], callback_arrays(arrays, name))

    bridge.after_begin = _restore_callback_states
    val = (parts.x_val, parts.y_val) if parts.x_val is not None else None
    fit_kwargs = dict(validation_data=val, verbose=verbose, callbacks=[bridge],
                      validation_batch_size=max(batch_size or 32, 32), shuffle=False)

    # ---------------------------------------------------------------- fit
    t_fit = time.perf_counter()
    model.stop_training = False
    epoch = start_epoch
    if start_batch and epoch < epochs:
        if parts.train_sequence is not None:
            partial = _OffsetSequence(parts.train_sequence, start_batch)
        else:
            partial = EpochBatches(parts.x_train, parts.y_train, batch_size, seed=seed,
                                   shuffle=shuffle, sample_weight=full.sample_weight,
                                   start_batch=start_batch, chunk_size=parts.chunk_size,
                                   x_dtype=parts.x_dtype)
        bridge.sequence = partial if parts.train_sequence is None else None
        bridge.last_fit = epoch + 1 >= epochs
        if n_train is not None:  # this epoch trains only its remaining samples
            throughput.samples_per_epoch = n_train - start_batch * batch_size
        if isinstance(partial, EpochBatches):
            partial.set_epoch(epoch)
        # fit to `epochs` (the progress bar shows "Epoch e/epochs"), ending after this one
        bridge.stop_after_epoch = epoch
        model.fit(partial.as_tf_dataset() if use_tf_data else partial, initial_epoch=epoch,
                  epochs=epochs, **fit_kwargs)
        bridge.stop_after_epoch = None
        throughput.samples_per_epoch = n_train
        epoch += 1
        bridge.sequence = full if parts.train_sequence is None else None
    stopped = bridge.user_stopped
    if epoch < epochs and not stopped:
        bridge.last_fit = True
        model.fit(sequence, initial_epoch=epoch, epochs=epochs, **fit_kwargs)
    elif not bridge.began:
        # nothing left to train (the checkpoint is the end of the run): let callbacks
        # finish as they would have (early stopping restores its best weights)
        bridge.set_model(model)
        bridge.on_train_begin()
        bridge.on_train_end()
    fit_s = time.perf_counter() - t_fit

    # ---------------------------------------------------------------- evaluate
    history = {k: list(v) for k, v in tracker.history.items()}
    timings = {
        "epoch_s": list(tracker.timings.get("epoch_s", [])) + throughput.epoch_s,
        "samples_per_s": list(tracker.timings.get("samples_per_s", []))
        + throughput.samples_per_s,
        "fit_s": fit_s,
    }
    evaluation, metrics_out, eval_part = None, {}, parts.eval_part()
    if eval_part is not None:
        from kerasdl.training._evaluate import evaluate

        name, x_eval, y_eval = eval_part
        evaluation = evaluate(model, (x_eval, y_eval), task=parts.task,
                              class_names=getattr(parts.dataset, "class_names", None),
                              batch_size=max(batch_size or 32, 256))
        evaluation["part"] = name
        metrics_out = {k: v for k, v in evaluation.items() if isinstance(v, float)}

    config = _run_config(model, parts, locals_=dict(
        optimizer=opt_spec if isinstance(opt_spec, str) else type(opt_spec).__name__,
        optimizer_options=opt_options, optimizer_config=_jsonable(opt.get_config()),
        learning_rate=learning_rate, schedule=schedule_config, epochs=epochs,
        batch_size=batch_size, loss=_describe_loss(loss), metrics=_describe_metrics(metrics),
        validation_split=validation_split, early_stopping=_describe_es(es),
        checkpoint_every=checkpoint_every if run_dir is not None else None, seed=seed,
        shuffle=shuffle, deterministic=deterministic, mixed_precision=precision or False,
        jit_compile=bool(model.jit_compile), steps_per_execution=steps_per_execution,
        class_weight=class_weight if not isinstance(class_weight, dict)
        else {str(k): float(v) for k, v in class_weight.items()},
        resumed_from=resumed, callbacks=[type(cb).__name__ for cb in callbacks]))

    timings["wall_s"] = time.perf_counter() - t_start
    result = RunResult(model=model, history=history, metrics=metrics_out, run_dir=run_dir,
                       timings=timings, config=config,
                       extras={"evaluation": evaluation, "resumed_from": resumed,
                               "early_stopping": _describe_es(es, final=True),
                               "checkpoints": [str(p) for p in ckpt.saved]})
    if run_dir is not None:
        from kerasdl.reports import write_run

        t_report = time.perf_counter()
        write_run(run_dir, model=model, data=_report_data(parts), history=history,
                  metrics=metrics_out, config=config, timings=timings, evaluation=evaluation,
                  plots=plots)
        timings["report_s"] = time.perf_counter() - t_report
        timings["wall_s"] = time.perf_counter() - t_start
    return result


def _in_memory(array):
    return isinstance(array, np.ndarray) and not isinstance(array, np.memmap)


def _build_metrics(model, x, y):
    """Create the compiled metrics' variables now (TensorFlow builds them lazily), so the
    partial-epoch accumulators of a checkpoint can be put back before the first batch."""
    x, y = np.asarray(x), np.asarray(y)
    model.compute_metrics(x, y, model(x, training=False), sample_weight=None)
    model.reset_metrics()


class _HistoryOnly(keras.callbacks.Callback):
    """Keeps the run's history when no checkpoints are written (Checkpoint's bookkeeping)."""

    def __init__(self, ckpt):
        super().__init__()
        self.history = ckpt.history
        self.timings = {"epoch_s": [], "samples_per_s": []}

    def on_epoch_end(self, epoch, logs=None):
        append_epoch_logs(self.history, logs)


class _OffsetSequence(keras.utils.PyDataset):
    """A user PyDataset without its first ``offset`` batches (resume mid-epoch)."""

    def __init__(self, sequence, offset):
        super().__init__()
        self.sequence, self.offset = sequence, int(offset)

    def __len__(self):
        return len(self.sequence) - self.offset

    def __getitem__(self, index):
        return self.sequence[index + self.offset]


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (bool, int, float, str)) or obj is None:
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    return repr(obj)


def _describe_loss(loss):
    return loss if isinstance(loss, str) else (getattr(loss, "name", None)
                                               or getattr(loss, "__name__", repr(loss)))


def _describe_metrics(metrics):
    if metrics is None:
        return []
    if isinstance(metrics, dict):
        return {str(k): _describe_metrics(v) for k, v in metrics.items()}
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return [m if isinstance(m, str) else getattr(m, "name", repr(m)) for m in metrics]


def _describe_es(es, final=False):
    if es is None:
        return None
    out = {"monitor": es.monitor, "patience": es.patience, "min_delta": es.min_delta,
           "mode": es.mode, "restore_best_weights": es.restore_best_weights}
    if final:
        out.update(best=es.best, best_epoch=es.best_epoch, stopped_epoch=es.stopped_epoch,
                   restored_epoch=es.restored_epoch)
    return out


def _run_config(model, parts, locals_):
    from kerasdl._backend import devices, versions

    config = {k: _jsonable(v) for k, v in locals_.items()}
    config.update(
        model=model.name,
        params=int(model.count_params()),
        task=parts.task,
        num_classes=parts.num_classes,
        dataset=getattr(parts.dataset, "name", "arrays" if parts.x_train is not None
                        else "PyDataset"),
        n_train=parts.n_train,
        n_val=None if parts.x_val is None else int(len(parts.x_val)),
        n_test=None if parts.x_test is None else int(len(parts.x_test)),
        backend=keras.backend.backend(),
        devices=devices(),
        versions=versions(),
    )
    return config


def _report_data(parts):
    from kerasdl.data._dataset import Dataset

    if parts.dataset is not None:
        return parts.dataset
    if parts.x_train is None:
        return None
    return Dataset(x_train=parts.x_train, y_train=parts.y_train, x_val=parts.x_val,
                   y_val=parts.y_val, x_test=parts.x_test, y_test=parts.y_test,
                   task=parts.task or "regression", num_classes=parts.num_classes)
