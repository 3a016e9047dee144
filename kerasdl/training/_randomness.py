"""Phase 3 of a run: randomness -- global seeds when asked, the model's own seed states."""

import keras
import numpy as np

__all__ = ["seed_run", "seed_model_states"]


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


def seed_run(settings):
    """With ``deterministic=True``: seed Python/NumPy/backend globally and make TensorFlow's
    ops deterministic (bit-identical reruns). Without it, nothing global is touched."""
    if not settings.deterministic:
        return
    _seed_globally(settings.seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def seed_model_states(model, seed):
    """Derive the model's dropout/noise seed states from ``seed`` (a fresh, unresumed run)."""
    _reseed(model, seed)
