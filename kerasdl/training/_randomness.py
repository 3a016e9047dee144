"""Phase 3 of a run: randomness -- global seeds when asked, the model's own seed states."""

import keras
import numpy as np

__all__ = ["seed_run", "seed_model_states", "TorchStepSeeds", "step_seed"]


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


def step_seed(seed, step):
    """The seed of training step ``step`` of a run seeded ``seed`` (a pure function)."""
    return int(np.random.SeedSequence([int(seed), int(step)]).generate_state(1)[0])


class TorchStepSeeds(keras.callbacks.Callback):
    """Seed PyTorch's global generator before every training step from ``(seed, step)``.

    Keras's PyTorch dropout and noise layers without a seed of their own draw from torch's
    global generator (torch has no seeded dropout kernel), which anything else in the
    process may also advance. Seeding it from the run's seed and the optimizer's step count
    makes a run's random masks a function of ``(seed, step)`` alone: the same seed gives the
    same history, and a run resumed from a checkpoint (which restores the step count) draws
    exactly the masks the uninterrupted run drew.

    Args:
        seed: the run's seed (an int >= 0).
    """

    def __init__(self, seed):
        super().__init__()
        self.seed = int(seed)

    def on_train_batch_begin(self, batch, logs=None):
        import torch

        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        torch.manual_seed(step_seed(self.seed, step))
