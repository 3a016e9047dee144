"""Training: ``train``, ``evaluate``, ``find_lr``, optimizers and schedules by name.

    import kerasdl
    result = kerasdl.train(model, data, optimizer="momentum", epochs=20,
                           early_stopping=True, run_dir="runs/mlp")
"""

from kerasdl.training._evaluate import evaluate
from kerasdl.training._lr_finder import LRFinderResult, find_lr
from kerasdl.training._optimizers import describe_optimizers, get_optimizer, list_optimizers
from kerasdl.training._result import RunResult
from kerasdl.training._schedules import (ExponentialDecay, OneCycle, StepDecay,
                                         WarmupCosineDecay, get_schedule, list_schedules)
from kerasdl.training._train import train

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
    "train",
]
