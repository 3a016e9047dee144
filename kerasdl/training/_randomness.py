"""Phase 3 of a run: randomness -- global seeds when asked, the model's own seed states."""

import keras
import numpy as np

__all__ = ["seed_run", "seed_model_states", "TorchStepSeeds", "step_seed", "seed_torch",
           "draws_random_numbers", "seed_states", "set_random_seed"]


def set_random_seed(seed):
    """Seed Python, NumPy and Keras (and the backend's own generator) in one call.

    What ``keras.utils.set_random_seed`` does, without importing TensorFlow on the JAX and
    PyTorch backends: Keras's call imports it whenever it is installed, to seed it, which
    costs seconds before any work (TensorFlow is seeded when it is the backend or already
    imported). Use it before building a model whose initial weights should repeat.

    Args:
        seed: an int >= 0.

    Raises:
        ValueError / TypeError: for a seed that is not an int >= 0.

    Example:

    >>> import keras, kerasdl
    >>> kerasdl.set_random_seed(0)
    >>> a = keras.ops.convert_to_numpy(keras.random.uniform((2,)))
    >>> kerasdl.set_random_seed(0)
    >>> b = keras.ops.convert_to_numpy(keras.random.uniform((2,)))
    >>> bool((a == b).all())
    True
    """
    from kerasdl._validation import check_param

    _seed_globally(check_param("seed", seed))


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
    for i, v in enumerate(seed_states(model)):
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
        self._step = 0

    def on_train_begin(self, logs=None):
        # read the (restored) step count once; counting here avoids a device sync per step
        self._step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def on_train_batch_begin(self, batch, logs=None):
        seed_torch(step_seed(self.seed, self._step))
        self._step += 1


def seed_torch(seed):
    """``torch.manual_seed(seed)`` without its cost where CUDA is not in use.

    ``torch.manual_seed`` also queues a seed for CUDA when it is not initialized, capturing
    the Python stack each time (about 2 ms, as long as a small model's whole step on a
    CPU). Here: the CPU generator, and CUDA's / MPS's only when they are in use.
    """
    import torch

    torch.default_generator.manual_seed(seed)
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(seed)
    mps = getattr(torch, "mps", None)
    if mps is not None and torch.backends.mps.is_available():
        mps.manual_seed(seed)


def draws_random_numbers(model):
    """Whether ``model`` has random-seed states (dropout, noise, augmentation layers)."""
    return bool(seed_states(model))


def seed_states(model):
    """The model's random-seed state variables: its variables that are not weights."""
    weight_ids = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weight_ids]
