"""Learning-rate schedules by name: step, exponential, cosine with warmup, one-cycle.

Each schedule is a ``keras.optimizers.schedules.LearningRateSchedule`` registered as
serializable under the package "kerasdl", so models compiled with one save and load.
The step counted is the optimizer's iteration (one per batch).
"""

import math

import keras
from keras import ops

from kerasdl._validation import (check_int, check_number, check_positive_int,
                                 normalize_name, unknown_name_error)

__all__ = ["StepDecay", "ExponentialDecay", "WarmupCosineDecay", "OneCycle", "get_schedule",
           "list_schedules"]


@keras.saving.register_keras_serializable(package="kerasdl")
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    ``lr(step) = initial_learning_rate * gamma ** floor(step / step_size)``.

    Args:
        initial_learning_rate: learning rate at step 0.
        step_size: number of steps between two drops.
        gamma: factor applied at each drop. Defaults to 0.1.

    Example:

    >>> s = StepDecay(0.1, step_size=10, gamma=0.5)
    >>> round(float(s(25)), 6)
    0.025
    """

    def __init__(self, initial_learning_rate, step_size, gamma=0.1):
        self.initial_learning_rate = check_number("initial_learning_rate",
                                                  initial_learning_rate, min_value=0.0,
                                                  min_inclusive=False)
        self.step_size = check_positive_int("step_size", step_size)
        self.gamma = check_number("gamma", gamma, min_value=0.0, min_inclusive=False)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        drops = ops.floor(step / float(self.step_size))
        return self.initial_learning_rate * ops.power(self.gamma, drops)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "step_size": self.step_size, "gamma": self.gamma}


@keras.saving.register_keras_serializable(package="kerasdl")
class ExponentialDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Decay the learning rate by ``decay_rate`` every ``decay_steps`` steps, smoothly.

    ``lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``
    (``floor`` of the exponent with ``staircase=True``).

    Args:
        initial_learning_rate: learning rate at step 0.
        decay_steps: steps over which the rate is multiplied by ``decay_rate``.
            Defaults to 1000.
        decay_rate: the factor. Defaults to 0.96.
        staircase: decay in discrete drops. Defaults to False.
    """

    def __init__(self, initial_learning_rate, decay_steps=1000, decay_rate=0.96,
                 staircase=False):
        self.initial_learning_rate = check_number("initial_learning_rate",
                                                  initial_learning_rate, min_value=0.0,
                                                  min_inclusive=False)
        self.decay_steps = check_positive_int("decay_steps", decay_steps)
        self.decay_rate = check_number("decay_rate", decay_rate, min_value=0.0,
                                       min_inclusive=False)
        self.staircase = bool(staircase)

    def __call__(self, step):
        p = ops.cast(step, "float32") / float(self.decay_steps)
        if self.staircase:
            p = ops.floor(p)
        return self.initial_learning_rate * ops.power(self.decay_rate, p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase}


@keras.saving.register_keras_serializable(package="kerasdl")
class WarmupCosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warmup from 0 to ``peak_learning_rate``, then cosine decay to the minimum.

    For ``step < warmup_steps``: ``lr = peak * step / warmup_steps``. Afterwards, with
    ``t = (step - warmup_steps) / (total_steps - warmup_steps)`` clipped to [0, 1]:
    ``lr = min_lr + (peak - min_lr) * (1 + cos(pi * t)) / 2``.

    Args:
        peak_learning_rate: the rate reached after the warmup.
        total_steps: steps of the whole run (``epochs * steps_per_epoch``).
        warmup_steps: length of the linear warmup. Defaults to 0.
        min_learning_rate: rate at the end of the run. Defaults to 0.0.

    Example:

    >>> s = WarmupCosineDecay(1.0, total_steps=110, warmup_steps=10)
    >>> [round(float(s(k)), 4) for k in (5, 10, 60, 110)]
    [0.5, 1.0, 0.5, 0.0]
    """

    def __init__(self, peak_learning_rate, total_steps, warmup_steps=0, min_learning_rate=0.0):
        self.peak_learning_rate = check_number("peak_learning_rate", peak_learning_rate,
                                               min_value=0.0, min_inclusive=False)
        self.total_steps = check_positive_int("total_steps", total_steps)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, min_value=0)
        if self.warmup_steps >= self.total_steps:
            raise ValueError(f"`warmup_steps` must be smaller than `total_steps` "
                             f"({self.total_steps}); received {self.warmup_steps}.")
        self.min_learning_rate = check_number("min_learning_rate", min_learning_rate,
                                              min_value=0.0, max_value=self.peak_learning_rate)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        peak, low = self.peak_learning_rate, self.min_learning_rate
        decay_len = float(self.total_steps - self.warmup_steps)
        t = ops.clip((step - self.warmup_steps) / decay_len, 0.0, 1.0)
        cosine = low + (peak - low) * 0.5 * (1.0 + ops.cos(math.pi * t))
        if self.warmup_steps == 0:
            return cosine
        warm = peak * step / float(self.warmup_steps)
        return ops.where(step < self.warmup_steps, warm, cosine)

    def get_config(self):
        return {"peak_learning_rate": self.peak_learning_rate, "total_steps": self.total_steps,
                "warmup_steps": self.warmup_steps, "min_learning_rate": self.min_learning_rate}


@keras.saving.register_keras_serializable(package="kerasdl")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """Leslie Smith's one-cycle policy (cosine form, as in fastai and PyTorch).

    The rate rises from ``max_learning_rate / div_factor`` to ``max_learning_rate`` over the
    first ``pct_start`` of the run, then anneals to
    ``max_learning_rate / div_factor / final_div_factor`` at ``total_steps``, both phases
    along a half cosine.

    Args:
        max_learning_rate: the peak rate (find it with :func:`kerasdl.find_lr`).
        total_steps: steps of the whole run.
        pct_start: fraction of the run spent rising. Defaults to 0.3.
        div_factor: initial rate = max / div_factor. Defaults to 25.
        final_div_factor: final rate = initial / final_div_factor. Defaults to 1e4.

    Example:

    >>> s = OneCycle(1.0, total_steps=100, pct_start=0.5, div_factor=10, final_div_factor=1)
    >>> [round(float(s(k)), 4) for k in (0, 25, 50, 100)]
    [0.1, 0.55, 1.0, 0.1]
    """

    def __init__(self, max_learning_rate, total_steps, pct_start=0.3, div_factor=25.0,
                 final_div_factor=1e4):
        self.max_learning_rate = check_number("max_learning_rate", max_learning_rate,
                                              min_value=0.0, min_inclusive=False)
        self.total_steps = check_positive_int("total_steps", total_steps)
        self.pct_start = check_number("pct_start", pct_start, min_value=0.0, max_value=1.0,
                                      min_inclusive=False, max_inclusive=False)
        self.div_factor = check_number("div_factor", div_factor, min_value=1.0)
        self.final_div_factor = check_number("final_div_factor", final_div_factor,
                                             min_value=1.0)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        high = self.max_learning_rate
        start = high / self.div_factor
        end = start / self.final_div_factor
        up_steps = max(1.0, self.pct_start * self.total_steps)
        down_steps = max(1.0, self.total_steps - up_steps)

        def anneal(a, b, t):
            t = ops.clip(t, 0.0, 1.0)
            return b + (a - b) * 0.5 * (1.0 + ops.cos(math.pi * t))

        rising = anneal(start, high, step / up_steps)
        falling = anneal(high, end, (step - up_steps) / down_steps)
        return ops.where(step < up_steps, rising, falling)

    def get_config(self):
        return {"max_learning_rate": self.max_learning_rate, "total_steps": self.total_steps,
                "pct_start": self.pct_start, "div_factor": self.div_factor,
                "final_div_factor": self.final_div_factor}


# name -> (class, name of the learning-rate argument, whether it takes total_steps)
_SCHEDULES = {
    "step": (StepDecay, "initial_learning_rate", False),
    "exponential": (ExponentialDecay, "initial_learning_rate", False),
    "cosine": (WarmupCosineDecay, "peak_learning_rate", True),
    "one_cycle": (OneCycle, "max_learning_rate", True),
}
_ALIASES = {"cosine_warmup": "cosine", "warmup_cosine": "cosine", "onecycle": "one_cycle"}


def list_schedules():
    """The schedule names :func:`get_schedule` accepts (sorted list)."""
    return sorted(_SCHEDULES)


def schedule_needs_total_steps(name):
    key = normalize_name(name)
    key = _ALIASES.get(key, key)
    return key in _SCHEDULES and _SCHEDULES[key][2]


def get_schedule(name, learning_rate=None, *, total_steps=None, **options):
    """A learning-rate schedule from its name.

    Args:
        name: ``"step"``, ``"exponential"``, ``"cosine"`` (cosine decay with an optional
            linear warmup) or ``"one_cycle"``; or a ``LearningRateSchedule`` (returned as is).
        learning_rate: the schedule's base rate (initial rate for ``step`` and
            ``exponential``, peak for ``cosine``, maximum for ``one_cycle``). Defaults to
            None (then it must be in ``options`` under the class's own argument name).
        total_steps: steps of the whole run, needed by ``cosine`` and ``one_cycle``
            (:func:`kerasdl.train` fills it in from epochs and batches). Defaults to None.
        **options: the schedule class's other arguments (``step_size``, ``gamma``,
            ``decay_steps``, ``warmup_steps``, ``pct_start``...).

    Returns:
        A ``keras.optimizers.schedules.LearningRateSchedule``.

    Raises:
        ValueError: for an unknown name (listing the valid ones) or a missing argument.
        TypeError: for an argument the schedule does not take.

    Example:

    >>> s = get_schedule("step", 0.1, step_size=100, gamma=0.5)
    >>> round(float(s(250)), 6)
    0.025
    """
    if isinstance(name, keras.optimizers.schedules.LearningRateSchedule):
        return name
    if not isinstance(name, str):
        raise TypeError(f"`schedule` must be a name (one of {', '.join(list_schedules())}) or "
                        f"a keras LearningRateSchedule; received {type(name).__name__}.")
    key = normalize_name(name)
    key = _ALIASES.get(key, key)
    if key not in _SCHEDULES:
        raise unknown_name_error("schedule", name, _SCHEDULES)
    cls, lr_arg, needs_total = _SCHEDULES[key]
    import inspect

    allowed = [p for p in inspect.signature(cls).parameters if p != "self"]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"Unknown option(s) {', '.join(map(repr, unknown))} for schedule "
                        f"{key!r}. Valid options: {', '.join(allowed)}.")
    kwargs = dict(options)
    if learning_rate is not None:
        kwargs[lr_arg] = learning_rate
    if lr_arg not in kwargs:
        raise ValueError(f"Schedule {key!r} needs a learning rate: pass `learning_rate` (or "
                         f"`{lr_arg}`).")
    if needs_total:
        if total_steps is not None:
            kwargs.setdefault("total_steps", total_steps)
        if "total_steps" not in kwargs:
            raise ValueError(f"Schedule {key!r} needs `total_steps` (epochs x batches per "
                             f"epoch); kerasdl.train fills it in.")
    return cls(**kwargs)
