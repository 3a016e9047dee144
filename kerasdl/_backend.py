"""Backend helpers: which Keras backend is active and what devices it sees.

Nothing here imports a backend at module import time.
"""

import functools
import importlib.util
import os

__all__ = ["BACKENDS", "set_backend", "backend_name", "devices", "versions",
           "start_processes"]

BACKENDS = ("tensorflow", "jax", "torch")


def set_backend(name):
    """Select the Keras backend before keras is imported (sets ``KERAS_BACKEND``).

    Raises:
        ValueError: for an unknown backend, or if keras is already imported with another.
    """
    import sys

    from kerasdl._validation import check_choice

    name = check_choice("backend", name, BACKENDS)
    if "keras" in sys.modules:
        import keras

        current = keras.backend.backend()
        if current != name:
            raise ValueError(
                f"`backend` {name!r} requested but keras is already imported with backend "
                f"{current!r}; set KERAS_BACKEND={name} before importing keras."
            )
    os.environ["KERAS_BACKEND"] = name
    return name


def backend_name():
    """The active Keras backend (imports keras)."""
    import keras

    return keras.backend.backend()


def devices():
    """A list of ``"kind:index"`` device names the active backend sees, e.g. ``["cpu:0"]``."""
    name = backend_name()
    try:
        if name == "jax":
            import jax

            return [f"{d.platform}:{d.id}" for d in jax.devices()]
        if name == "tensorflow":
            import tensorflow as tf

            return [f"{d.device_type.lower()}:{i}"
                    for i, d in enumerate(tf.config.list_logical_devices())]
        if name == "torch":
            import torch

            if torch.cuda.is_available():
                return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
            return ["cpu:0"]
    except Exception as e:  # a broken device query must not break `kerasdl info`
        return [f"unknown ({type(e).__name__}: {e})"]
    return ["cpu:0"]


def has_accelerator():
    """True when the active backend sees a GPU or TPU."""
    return any(not d.startswith("cpu") for d in devices())


def versions():
    """Versions of kerasdl and the packages it runs on (None where not installed)."""
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions():
    # read once per process: each lookup scans the installed distributions (~30 ms each
    # on a busy CPU, 8 packages, twice per run: the run config and the run folder's)
    from importlib.metadata import PackageNotFoundError, version

    from kerasdl._version import __version__

    out = {"kerasdl": __version__}
    for pkg in ("keras", "tensorflow", "jax", "jaxlib", "torch", "numpy", "scikit-learn",
                "matplotlib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def is_installed(module):
    """True when ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def start_processes():
    """Join the processes of a multi-process JAX run: ``keras.distribution.initialize()``
    when ``KERAS_DISTRIBUTION_NUM_PROCESSES`` asks for more than one (it reads the
    ``KERAS_DISTRIBUTION_*`` variables). It must run before the first JAX computation, so
    ``kerasdl run --distribution`` calls it before the recipe builds its model; in your own
    program, call ``keras.distribution.initialize()`` first thing. Returns whether it did.
    On TensorFlow the processes are named by ``TF_CONFIG`` and joined by the strategy.
    """
    wanted = os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES")
    if not wanted or int(wanted) < 2 or backend_name() != "jax":
        return False
    import jax
    import keras

    if jax.distributed.is_initialized():
        return False  # already joined
    keras.distribution.initialize()
    return True
