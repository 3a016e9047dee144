"""Phase 1 of a run: every setting of ``train``, validated once, in one frozen object."""

from dataclasses import dataclass
from pathlib import Path

import keras

from kerasdl._validation import (check_bool, check_choice, check_param, check_positive_int,
                                 check_type, describe, normalize_name, unknown_name_error)
from kerasdl.training._distribution import check_distribution
from kerasdl.training._optimizers import optimizer_batch_size, parse_optimizer_spec

__all__ = ["TrainSettings", "check_loss"]


def _known_losses():
    names = set()
    for name in dir(keras.losses):
        obj = getattr(keras.losses, name)
        if name.startswith("_") or not callable(obj):
            continue
        if name[0].islower() and name not in ("get", "serialize", "deserialize"):
            names.add(name)
    return names | {"mse", "mae", "mape", "msle", "kld", "logcosh"}


def check_loss(loss):
    """``"auto"``, a known Keras loss name (canonical form) or a callable."""
    if isinstance(loss, str):
        key = normalize_name(loss)
        if key == "auto":
            return "auto"
        if key not in _known_losses():
            raise unknown_name_error("loss name", loss, _known_losses())
        return key
    if loss is None or not callable(loss):
        raise TypeError(f"`loss` must be 'auto', a loss name or a callable; received "
                        f"{describe(loss)}.")
    return loss


def _check_resume(resume):
    if isinstance(resume, str):
        return check_choice("resume", resume, ("auto",))
    return check_bool("resume", resume)


def _check_checkpoint_every(checkpoint_every):
    if checkpoint_every is None or checkpoint_every == "epoch":
        return checkpoint_every
    if isinstance(checkpoint_every, str):
        raise ValueError(f"`checkpoint_every` must be 'epoch' or a number of batches; "
                         f"received {checkpoint_every!r}.")
    return check_positive_int("checkpoint_every", checkpoint_every)


def _check_callbacks(callbacks):
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    callbacks = list(check_type("callbacks", callbacks, (list, tuple)))
    for i, cb in enumerate(callbacks):
        check_type(f"callbacks[{i}]", cb, keras.callbacks.Callback)
    return tuple(callbacks)


def _check_run_folder(run_dir, resume, overwrite, checkpoint_every):
    if run_dir is not None:
        run_dir = Path(check_type("run_dir", run_dir, (str, Path)))
    if resume is not False and overwrite:
        raise ValueError(f"`resume={resume!r}` and `overwrite=True` contradict each other: "
                         f"resume continues the run in `run_dir`, overwrite deletes it. Pass "
                         f"one of them.")
    if (resume is not False or overwrite) and run_dir is None:
        what = f"`resume={resume!r}`" if resume is not False else "`overwrite=True`"
        raise ValueError(f"{what} needs `run_dir`, the folder of the run to "
                         f"{'continue' if resume is not False else 'replace'}.")
    if resume is not False and checkpoint_every is None:
        raise ValueError(f"`resume={resume!r}` needs checkpoints; received "
                         f"checkpoint_every=None (no checkpoints are written).")
    return run_dir


def _check_learning_rate(learning_rate):
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return learning_rate  # a schedule object as the rate: the optimizer takes it as is
    return check_param("learning_rate", learning_rate, allow_none=True)


PRECISIONS = ("auto", "mixed_float16", "mixed_bfloat16", "float32")


def _check_precision(mixed_precision):
    """``"auto"``, True/False or a Keras policy name (``"mixed_float16"``, ...)."""
    if isinstance(mixed_precision, str):
        return check_choice("mixed_precision", mixed_precision, PRECISIONS)
    if isinstance(mixed_precision, bool):
        return mixed_precision
    raise TypeError(f"`mixed_precision` must be True, False or one of "
                    f"{', '.join(repr(p) for p in PRECISIONS)}; received "
                    f"{describe(mixed_precision)}.")


def _batch_rule(opt_spec, batch_size):
    rule = optimizer_batch_size(opt_spec, batch_size) if isinstance(opt_spec, str) else None
    if rule and batch_size is not None:
        what = {"full": "full-batch gradient descent (batch size = training set size)",
                "online": "online SGD (batch size 1)"}[rule]
        raise ValueError(f"`optimizer={opt_spec!r}` is {what}; do not pass `batch_size` "
                         f"(received {batch_size}), or use optimizer='minibatch_sgd'.")
    return rule


@dataclass(frozen=True)
class TrainSettings:
    """The settings of one ``train`` call, checked at the boundary (see ``train``'s docs).

    Build it with :meth:`create`, which validates every argument before any backend work;
    the phases read it and never re-check. ``optimizer`` is split into ``optimizer_spec``
    and ``optimizer_options``; ``batch_rule`` is ``"full"``/``"online"`` for optimizers that
    fix the batch size themselves (``gd``, ``sgd``), else None.
    """

    optimizer_spec: object = "adam"
    optimizer_options: dict = None
    batch_rule: str = None
    learning_rate: float = None
    schedule: object = None
    epochs: int = 10
    batch_size: int = None
    loss: object = "auto"
    metrics: object = "auto"
    validation_split: float = None
    early_stopping: object = False
    callbacks: tuple = ()
    run_dir: Path = None
    resume: object = False
    overwrite: bool = False
    checkpoint_every: object = "epoch"
    keep_checkpoints: int = 2
    seed: int = 0
    shuffle: bool = True
    deterministic: bool = False
    mixed_precision: object = "auto"
    jit_compile: object = "auto"
    distribution: object = None
    steps_per_execution: int = 1
    class_weight: object = None
    verbose: int = 1
    plots: bool = True

    @classmethod
    def create(cls, *, optimizer="adam", optimizer_options=None, learning_rate=None,
               schedule=None, epochs=10, batch_size=None, loss="auto", metrics="auto",
               validation_split=None, early_stopping=False, callbacks=(), run_dir=None,
               resume=False, overwrite=False, checkpoint_every="epoch", keep_checkpoints=2,
               seed=0, shuffle=True, deterministic=False, mixed_precision="auto",
               jit_compile="auto", distribution=None, steps_per_execution=1,
               class_weight=None, verbose=1, plots=True):
        """Validate ``train``'s keyword arguments; raises TypeError/ValueError naming one."""
        epochs = check_param("epochs", epochs)
        batch_size = check_param("batch_size", batch_size, allow_none=True)
        resume = _check_resume(resume)
        overwrite = check_bool("overwrite", overwrite)
        checkpoint_every = _check_checkpoint_every(checkpoint_every)
        opt_spec, opt_options = parse_optimizer_spec(optimizer, optimizer_options)
        return cls(
            optimizer_spec=opt_spec, optimizer_options=opt_options,
            batch_rule=_batch_rule(opt_spec, batch_size),
            learning_rate=_check_learning_rate(learning_rate),
            schedule=schedule, epochs=epochs, batch_size=batch_size, loss=check_loss(loss),
            metrics=metrics,
            validation_split=check_param("validation_split", validation_split,
                                         allow_none=True),
            early_stopping=early_stopping, callbacks=_check_callbacks(callbacks),
            run_dir=_check_run_folder(run_dir, resume, overwrite, checkpoint_every),
            resume=resume, overwrite=overwrite, checkpoint_every=checkpoint_every,
            keep_checkpoints=check_param("keep_checkpoints", keep_checkpoints),
            seed=check_param("seed", seed), shuffle=check_bool("shuffle", shuffle),
            deterministic=check_bool("deterministic", deterministic),
            mixed_precision=_check_precision(mixed_precision),
            jit_compile=(jit_compile if jit_compile == "auto"
                         else check_bool("jit_compile", jit_compile)),
            distribution=check_distribution(distribution),
            steps_per_execution=check_param("steps_per_execution", steps_per_execution),
            class_weight=class_weight, verbose=check_param("verbose", verbose),
            plots=check_bool("plots", plots))

    @property
    def checkpoints(self):
        """Whether this run writes checkpoints (it needs a run folder for them)."""
        return self.run_dir is not None and self.checkpoint_every is not None
