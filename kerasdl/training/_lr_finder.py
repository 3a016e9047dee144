"""kerasdl.find_lr: the learning-rate range test (Leslie Smith; fastai's lr_find)."""

from dataclasses import dataclass, field

import keras
import numpy as np

from kerasdl._tasks import default_loss
from kerasdl._validation import check_fraction, check_int, check_number, check_param
from kerasdl.training._compile import compile_arguments
from kerasdl.training._labels import check_targets_fit_head
from kerasdl.training._data import check_fits_model, prepare_data
from kerasdl.training._optimizers import get_optimizer, parse_optimizer_spec
from kerasdl.training._randomness import seed_states

__all__ = ["find_lr", "LRFinderResult"]


@dataclass(eq=False)
class LRFinderResult:
    """What :func:`find_lr` measured.

    Attributes:
        lrs: the learning rate of each step (exponentially spaced).
        losses: the raw training loss of each step's batch.
        smoothed_losses: the exponentially smoothed, bias-corrected losses.
        suggested_lr: the rate where the smoothed loss falls fastest (steepest descent
            against log(lr)), a good maximum rate for ``one_cycle`` or a constant rate a
            little below it.
        stopped_early: True when the sweep stopped because the loss diverged.
    """

    lrs: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    smoothed_losses: list = field(default_factory=list)
    suggested_lr: float = None
    stopped_early: bool = False

    def plot(self, path=None):
        """Plot smoothed loss against learning rate (log scale) with the suggestion.

        Args:
            path: where to save the figure (written atomically). Defaults to None.

        Returns:
            The matplotlib ``Figure``.
        """
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        ax.plot(self.lrs, self.losses, color="0.8", label="loss")
        ax.plot(self.lrs, self.smoothed_losses, color="C0", label="smoothed loss")
        if self.suggested_lr is not None:
            ax.axvline(self.suggested_lr, color="C3", linestyle="--",
                       label=f"suggested {self.suggested_lr:.2g}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("training loss")
        ax.set_title("Learning-rate finder")
        ax.legend()
        fig.tight_layout()
        if path is not None:
            from kerasdl._io import atomic_path

            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=str(path).rsplit(".", 1)[-1] if "." in str(path)
                            else "png")
        return fig


def suggest_lr(lrs, smoothed):
    """The rate at the steepest descent of the smoothed loss against log(lr) (pure).

    Looks between the first tenth of the sweep and the minimum of the smoothed loss.
    """
    lrs, smoothed = np.asarray(lrs, float), np.asarray(smoothed, float)
    if len(lrs) < 3:
        return None
    # the first tenth is dominated by the smoothing's start-up noise; after the minimum the
    # loss is blowing up: look in between
    start = len(lrs) // 10
    stop = int(np.argmin(smoothed)) + 1
    if stop - start < 3:
        start, stop = 0, len(lrs)
    grads = np.gradient(smoothed[start:stop], np.log(lrs[start:stop]))
    return float(lrs[start + int(np.argmin(grads))])


class _ModelState:
    """Everything find_lr changes in a model -- weights, seed states, compile, optimizer
    state -- saved so :meth:`restore` puts it back exactly."""

    def __init__(self, model):
        self.was_compiled = bool(getattr(model, "compiled", False))
        self.optimizer = getattr(model, "optimizer", None)
        self.compile_args = compile_arguments(model)
        self.optimizer_values = ([np.array(v) for v in self.optimizer.variables]
                                 if self.optimizer is not None and self.optimizer.built
                                 else None)
        self.weights = [np.array(w) for w in model.get_weights()]
        self.states = [(v, np.array(v)) for v in seed_states(model)]

    def restore(self, model):
        model.set_weights(self.weights)
        for v, value in self.states:
            v.assign(value)
        if self.was_compiled and self.compile_args is not None:
            model.compile(**self.compile_args, optimizer=self.optimizer)
            if self.optimizer_values is not None:
                for v, value in zip(self.optimizer.variables, self.optimizer_values):
                    v.assign(value)
        else:
            model.compiled = False
            model.optimizer = self.optimizer
            model.train_function = None


def _sweep_optimizer(optimizer, old_optimizer):
    if optimizer is not None:
        spec, options = parse_optimizer_spec(optimizer)
        return get_optimizer(spec, **options)
    if isinstance(old_optimizer, keras.optimizers.Optimizer) and not isinstance(
            old_optimizer, keras.optimizers.LossScaleOptimizer):
        return type(old_optimizer).from_config(old_optimizer.get_config())
    return get_optimizer("momentum")


def _sweep_loss(loss, compile_args, parts):
    if loss != "auto":
        return loss
    if compile_args and compile_args.get("loss") is not None:
        return compile_args["loss"]
    return default_loss(parts.task, parts.label_format)


def _sweep(model, parts, lrs, *, batch_size, seed, smoothing, diverge_factor):
    """One training step per rate in ``lrs`` on seeded mini-batches (the range test)."""
    n = len(parts.x_train)
    bs = min(batch_size, n)
    per_epoch = -(-n // bs)
    result = LRFinderResult()
    avg, best, order = 0.0, None, None
    for i, lr in enumerate(lrs):
        j = i % per_epoch
        if j == 0:
            order = np.random.default_rng([seed, i // per_epoch]).permutation(n)
        idx = np.sort(order[j * bs:(j + 1) * bs])
        model.optimizer.learning_rate.assign(float(lr))
        out = model.train_on_batch(parts.x_train[idx], parts.y_train[idx], return_dict=True)
        value = float(out["loss"])
        result.lrs.append(float(lr))
        result.losses.append(value)
        if not np.isfinite(value):
            result.smoothed_losses.append(float("nan"))
            result.stopped_early = True
            break
        avg = smoothing * avg + (1 - smoothing) * value
        smooth = avg / (1 - smoothing ** (i + 1))
        result.smoothed_losses.append(float(smooth))
        best = smooth if best is None else min(best, smooth)
        if i > 0 and smooth > diverge_factor * best:
            result.stopped_early = True
            break
    return result


def find_lr(model, data, *, start_lr=1e-7, end_lr=10.0, steps=100, batch_size=32,
            optimizer=None, loss="auto", smoothing=0.98, diverge_factor=4.0, seed=0):
    """Sweep the learning rate exponentially and record the loss (the LR range test).

    One training step per learning rate, from ``start_lr`` to ``end_lr``, on successive
    shuffled mini-batches; the sweep stops early once the smoothed loss exceeds
    ``diverge_factor`` times its best. The model's weights and optimizer state are
    restored afterwards, so the call leaves the model exactly as it found it.

    Args:
        model: a ``keras.Model`` (compiled or not).
        data: a ``kerasdl.data.Dataset`` or a tuple ``(x, y)``.
        start_lr: first learning rate. Defaults to 1e-7.
        end_lr: last learning rate. Defaults to 10.0.
        steps: number of rates tried. Defaults to 100.
        batch_size: samples per step. Defaults to 32.
        optimizer: optimizer name or spec for the sweep. Defaults to None (the model's
            optimizer class if compiled, else ``"sgd"``-family ``"momentum"``).
        loss: loss for an uncompiled model. Defaults to ``"auto"``.
        smoothing: exponential smoothing factor in [0, 1). Defaults to 0.98.
        diverge_factor: stop when the smoothed loss exceeds this times its best.
            Defaults to 4.0.
        seed: seed of the batch order. Defaults to 0.

    Returns:
        An :class:`LRFinderResult` (``.suggested_lr``, ``.plot(path)``).

    Raises:
        ValueError: for a bad range or settings.

    Example:

    >>> import numpy as np, keras, kerasdl
    >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> res = kerasdl.find_lr(m, (x, x[:, :1] * 2.0), steps=20)
    >>> len(res.lrs) <= 20
    True
    """
    start_lr = check_param("learning_rate", start_lr, arg="start_lr")
    end_lr = check_param("learning_rate", end_lr, arg="end_lr")
    if end_lr <= start_lr:
        raise ValueError(f"`end_lr` must be greater than `start_lr` ({start_lr:g}); received "
                         f"{end_lr:g}.")
    steps = check_int("steps", steps, min_value=3)
    batch_size = check_param("batch_size", batch_size)
    smoothing = check_fraction("smoothing", smoothing, inclusive_low=True)
    diverge_factor = check_number("diverge_factor", diverge_factor, min_value=1.0,
                                  min_inclusive=False)
    seed = check_param("seed", seed)
    parts = prepare_data(model, data)
    if parts.train_sequence is not None:
        raise TypeError("find_lr needs arrays or a kerasdl Dataset, not a PyDataset.")
    check_fits_model(model, parts)
    if parts.y_train is not None:
        check_targets_fit_head(model, parts.y_train)
    saved = _ModelState(model)
    opt = _sweep_optimizer(optimizer, saved.optimizer)
    opt.learning_rate = start_lr  # a plain variable rate for the sweep
    model.compile(optimizer=opt, loss=_sweep_loss(loss, saved.compile_args, parts))
    lrs = start_lr * (end_lr / start_lr) ** (np.arange(steps) / (steps - 1))
    try:
        result = _sweep(model, parts, lrs, batch_size=batch_size, seed=seed,
                        smoothing=smoothing, diverge_factor=diverge_factor)
    finally:
        saved.restore(model)
    finite = [k for k, s in enumerate(result.smoothed_losses) if np.isfinite(s)]
    if finite:
        result.suggested_lr = suggest_lr([result.lrs[k] for k in finite],
                                         [result.smoothed_losses[k] for k in finite])
    return result


