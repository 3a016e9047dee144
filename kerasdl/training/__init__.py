"""Training: ``train``, ``evaluate``, ``find_lr``, optimizers and schedules by name.

    import kerasdl
    result = kerasdl.train(model, data, optimizer="momentum", epochs=20,
                           early_stopping=True, run_dir="runs/mlp")

``train`` runs the phases of this package and then writes the run folder; it is defined in
``kerasdl.workflow``, above both training and reports, and named here too (loaded on first
use) so ``kerasdl.training.train is kerasdl.train``.
"""

from kerasdl.training._evaluate import evaluate
from kerasdl.training._lr_finder import LRFinderResult, find_lr
from kerasdl.training._optimizers import describe_optimizers, get_optimizer, list_optimizers
from kerasdl.training._randomness import set_random_seed
from kerasdl.training._result import RunResult
from kerasdl.training._schedules import (ExponentialDecay, OneCycle, StepDecay,
                                         WarmupCosineDecay, get_schedule, list_schedules)

__all__ = [
    "ExponentialDecay",
    "LRFinderResult",
    "OneCycle",
    "RunResult",
    "StepDecay",
    "WarmupCosineDecay",
    "describe_optimizers",
    "evaluate",
    "find_lr",
    "get_optimizer",
    "get_schedule",
    "list_optimizers",
    "list_schedules",
    "set_random_seed",
    "train",
]


def __getattr__(name):
    if name == "train":  # the composed run (training + run folder) lives above this package
        from kerasdl.workflow import train

        globals()[name] = train
        return train
    raise AttributeError(f"module 'kerasdl.training' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
