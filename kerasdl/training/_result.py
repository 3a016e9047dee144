"""What :func:`kerasdl.train` returns."""

from dataclasses import dataclass, field

__all__ = ["RunResult"]


@dataclass(eq=False)
class RunResult:
    """The outcome of a training run.

    Attributes:
        model: the trained ``keras.Model`` (best weights restored when early stopping did).
        history: per-epoch lists by metric name, e.g. ``{"loss": [...], "val_loss": [...]}``.
        metrics: test metrics by name (``{"accuracy": 0.97, "loss": 0.1}``); evaluated on the
            test part, or the validation part when there is no test part. A recipe that trains
            several models keys them by model: ``{"mlp": {...}, "perceptron": {...}}``.
        run_dir: the run folder (``pathlib.Path``) or None when none was written.
        timings: ``{"wall_s": float, "epoch_s": [...], "samples_per_s": [...]}``.
        config: every setting of the run (what ``config.json`` holds).
        extras: anything else a recipe reports (learned weights, figures, sub-results).
    """

    model: object = None
    history: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    run_dir: object = None
    timings: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    def __repr__(self):
        return (f"RunResult(metrics={self.metrics!r}, epochs={len(next(iter(self.history.values()), []))}, "
                f"run_dir={str(self.run_dir) if self.run_dir else None!r})")
