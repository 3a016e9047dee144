"""Phase 4 of a run: compile -- loss and metrics, the optimizer and its schedule, precision."""

from dataclasses import dataclass

import keras

from kerasdl._tasks import default_loss, default_metrics
from kerasdl._validation import check_type, describe
from kerasdl.training._data import all_layers
from kerasdl.training._labels import check_loss_fits_labels
from kerasdl.training._optimizers import get_optimizer
from kerasdl.training._schedules import get_schedule

__all__ = ["Compiled", "compile_model", "compile_arguments", "apply_precision"]

@dataclass
class Compiled:
    """What the compile phase chose: the optimizer, loss and metrics in use, the schedule's
    config (or None), the learning rate asked for and the mixed-precision policy (or None)."""

    optimizer: object
    loss: object
    metrics: object
    schedule_config: dict = None
    learning_rate: float = None
    precision: str = None


def compile_arguments(model):
    """The arguments ``model`` was compiled with (``loss``, ``metrics``, ...), or None.

    Read through Keras's public ``get_compile_config()``; the loss is the object the model
    holds (``model.loss``), so a user's own loss function is kept as it is.
    """
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if not config:
        return None
    args = keras.saving.deserialize_keras_object(
        {k: v for k, v in config.items() if k not in ("loss", "optimizer")})
    args["loss"] = getattr(model, "loss", None)
    return args


def _loss_and_metrics(model, settings, parts):
    previous = compile_arguments(model) or {}  # the user's model (not its distributed copy)
    loss, metrics = settings.loss, settings.metrics
    prev_loss = previous.get("loss")
    if loss == "auto":
        if prev_loss is not None:
            loss = prev_loss
        elif parts.task is None:
            raise ValueError("`loss='auto'` needs the task: compile the model first or pass "
                             "`loss=` when training on a PyDataset.")
        else:
            loss = default_loss(parts.task, parts.label_format)
    if parts.label_format:
        check_loss_fits_labels(loss, parts.label_format)
    if isinstance(metrics, str) and metrics == "auto":
        if prev_loss is not None:
            metrics = previous.get("metrics")
        else:
            metrics = default_metrics(parts.task) if parts.task else None
    elif metrics is not None:
        metrics = list(check_type("metrics", metrics, (list, tuple)))
    return loss, metrics


def _optimizer(settings, total_steps):
    """The optimizer (with its learning-rate schedule), the schedule's config, the rate."""
    spec, options, learning_rate = (settings.optimizer_spec, settings.optimizer_options,
                                    settings.learning_rate)
    lr, schedule, schedule_config = learning_rate, settings.schedule, None
    if schedule is not None:
        sched_options = {}
        if isinstance(schedule, tuple):
            if len(schedule) != 2 or not isinstance(schedule[1], dict):
                raise TypeError(f"`schedule` given as a tuple must be (name, options_dict); "
                                f"received {describe(schedule)}.")
            schedule, sched_options = schedule
        if learning_rate is None and isinstance(schedule, str) and isinstance(spec, str):
            learning_rate = get_optimizer(spec, **options).get_config()["learning_rate"]
        lr = get_schedule(schedule, learning_rate, total_steps=total_steps, **sched_options)
        schedule_config = {"class": type(lr).__name__, **lr.get_config()}
    return get_optimizer(spec, learning_rate=lr, **options), schedule_config, learning_rate


def _resolve_precision(mixed_precision):
    if mixed_precision is False or mixed_precision == "float32":
        return None
    if mixed_precision in ("mixed_float16", "mixed_bfloat16"):
        return mixed_precision  # the user's choice of Keras policy, on any device
    from kerasdl._backend import devices

    kinds = {d.split(":")[0] for d in devices()}
    if mixed_precision == "auto":
        if "tpu" in kinds:
            return "mixed_bfloat16"
        if "gpu" in kinds or "cuda" in kinds:
            return "mixed_float16"
        return None  # CPUs gain nothing from float16 and lose accuracy
    return "mixed_bfloat16" if ("tpu" in kinds or "gpu" not in kinds and "cuda" not in
                                kinds) else "mixed_float16"


def apply_precision(model, policy):
    """Compute in float16/bfloat16 with float32 weights; the output layer stays float32.

    Layers from the last one with weights onwards (the head, a final softmax...) keep
    float32 so the loss is computed at full precision.
    """
    layers = all_layers(model)
    weighted = [i for i, layer in enumerate(layers) if layer.weights]
    last = weighted[-1] if weighted else len(layers)
    for layer in layers[:last]:
        layer.dtype_policy = policy


def compile_model(model, settings, feed, *, previous=None, weighted_metrics=False):
    """Compile ``model`` for the run (see :class:`Compiled`); builds the optimizer too.

    ``previous`` is the model whose compiled loss and metrics ``"auto"`` keeps (the user's
    model, when ``model`` is its copy for data parallel training). With
    ``weighted_metrics`` the metrics are compiled as Keras's weighted metrics, so the
    zero-weight samples that pad a batch for the replicas count for nothing.
    """
    loss, metrics = _loss_and_metrics(previous if previous is not None else model, settings,
                                      feed.parts)
    opt, schedule_config, learning_rate = _optimizer(
        settings, settings.epochs * feed.batches_per_epoch)
    precision = _resolve_precision(settings.mixed_precision)
    if precision:
        apply_precision(model, precision)
        if precision == "mixed_float16" and not isinstance(
                opt, keras.optimizers.LossScaleOptimizer):
            opt = keras.optimizers.LossScaleOptimizer(opt)  # float16 gradients underflow
    model.compile(optimizer=opt, loss=loss, metrics=None if weighted_metrics else metrics,
                  weighted_metrics=metrics if weighted_metrics else None,
                  jit_compile=settings.jit_compile,
                  steps_per_execution=settings.steps_per_execution)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    return Compiled(optimizer=opt, loss=loss, metrics=metrics, schedule_config=schedule_config,
                    learning_rate=learning_rate, precision=precision)
