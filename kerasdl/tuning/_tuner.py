"""The keras-tuner side: oracles that save their state atomically and a tuner whose trials
are kerasdl runs.

keras-tuner decides which settings to try (random search, Bayesian optimization,
Hyperband) and keeps the search state (``oracle.json``, ``trial_*/trial.json``) so a
search killed at any point continues where it stopped. kerasdl only runs each trial.
The state files are written through ``kerasdl._io`` (temp file + ``os.replace``), so a
kill during a save never leaves a truncated ``oracle.json``.
"""

import json
import os

from kerasdl._io import atomic_write_text

__all__ = ["TUNERS", "make_oracle", "make_tuner", "TrialFailure"]

TUNERS = ("random", "bayesian", "hyperband")


class TrialFailure(Exception):
    """Carries the exception a trial raised through keras-tuner's search loop."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class _AtomicStateMixin:
    """Oracle mixin: ``oracle.json`` and every ``trial.json`` are written atomically."""

    def save(self):
        atomic_write_text(self._get_oracle_fname(), json.dumps(self.get_state()))

    def _save_trial(self, trial):
        path = os.path.join(self._get_trial_dir(trial.trial_id), "trial.json")
        atomic_write_text(path, json.dumps(trial.get_state()))


def _oracle_classes():
    from keras_tuner import oracles

    class RandomSearch(_AtomicStateMixin, oracles.RandomSearchOracle):
        pass

    class Bayesian(_AtomicStateMixin, oracles.BayesianOptimizationOracle):
        pass

    class Hyperband(_AtomicStateMixin, oracles.HyperbandOracle):
        pass

    return {"random": RandomSearch, "bayesian": Bayesian, "hyperband": Hyperband}


def make_oracle(tuner, *, objective, direction, hyperparameters, max_trials, seed, max_epochs):
    """A keras-tuner oracle of kind ``tuner`` (one of :data:`TUNERS`)."""
    import keras_tuner

    cls = _oracle_classes()[tuner]
    common = dict(objective=keras_tuner.Objective(objective, direction),
                  hyperparameters=hyperparameters, allow_new_entries=False,
                  tune_new_entries=False,
                  # keras-tuner replaces a seed of 0 by a random one: shift by one.
                  seed=int(seed) + 1,
                  max_retries_per_trial=0, max_consecutive_failed_trials=1)
    if tuner == "hyperband":
        oracle = cls(max_epochs=max_epochs, factor=3, hyperband_iterations=1, **common)
        oracle.max_trials = max_trials  # Hyperband has no max_trials argument of its own
        return oracle
    return cls(max_trials=max_trials, **common)


def make_tuner(oracle, *, directory, run_one, verbose):
    """A keras-tuner ``BaseTuner`` whose ``run_trial`` calls ``run_one(trial)``.

    ``run_one`` returns ``{objective: value}``; an exception it raises is carried out of
    keras-tuner's search loop (which would otherwise mark the trial invalid and go on) in
    a :class:`TrialFailure`.
    """
    from keras_tuner import errors
    from keras_tuner.engine.base_tuner import BaseTuner

    class _Fatal(errors.FatalError):
        pass

    class KerasdlTuner(BaseTuner):
        def run_trial(self, trial, *args, **kwargs):
            try:
                return run_one(trial)
            except Exception as e:  # noqa: BLE001 - re-raised unchanged by kerasdl.tune
                raise _Fatal(TrialFailure(e)) from e

        def save(self):
            self.oracle.save()
            atomic_write_text(self._get_tuner_fname(), json.dumps(self.get_state()))

    tuner = KerasdlTuner(oracle, directory=str(directory), project_name="tuner",
                         overwrite=False)
    tuner.oracle.verbose = verbose
    tuner.fatal_error = _Fatal
    return tuner
