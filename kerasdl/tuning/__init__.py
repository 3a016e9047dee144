"""Hyper-parameter search over recipe settings on keras-tuner (``pip install kerasdl[tune]``).

    import kerasdl
    result = kerasdl.tune("digits_mlp", space={"learning_rate": "1e-4..1e-1:log",
                                               "dropout": (0.0, 0.5)},
                          max_trials=8, epochs=5, run_dir="runs/tune-digits")
    print(result.best_settings, result.best_value)
    print(result.command)     # kerasdl run digits_mlp --set learning_rate=... ...

Importing this package does not import keras or keras-tuner.
"""

from kerasdl.tuning._space import Range, parse_range, parse_space
from kerasdl.tuning._tune import TuneResult, tune

__all__ = ["tune", "TuneResult", "Range", "parse_range", "parse_space"]
