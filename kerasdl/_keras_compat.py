"""The one place kerasdl touches private Keras (``keras.src``).

Public Keras APIs come first everywhere else. The few things Keras offers only privately live
here, each feature-detected, so a Keras release that moves or removes one fails with a clear
:class:`KerasCompatibilityError` naming the missing piece (and ``tests/test_keras_compat.py``
fails loudly), never with an ``ImportError`` deep inside a training run.

What is here, and why there is no public equivalent:

- ``data_layer_base()``: the base class of Keras's own preprocessing layers (``DataLayer``,
  ``TFDataLayer`` before Keras 3.15). It lets a layer run inside a ``tf.data`` pipeline on every
  backend; kerasdl's augmentation layers derive from it as Keras's own ``RandomRotation`` does.
- ``safe_mode_scope(safe)``: Keras's ``SafeModeScope`` context manager. ``load_model(safe_mode=)``
  alone can be weakened by a global ``keras.config.enable_unsafe_deserialization()``; the scope
  cannot.
- ``non_modeling_apis()``: the names Keras's deserializer refuses to call in safe mode.
- ``place_variable(variable, layout)``: puts a JAX variable made outside a
  ``keras.distribution`` scope on a layout (or back on one device), as if it had been
  created under the scope. The public route, rebuilding the model under the scope from its
  config, costs a TensorFlow import (seconds) on JAX and a copy of every weight.
- ``reset_global_seed(seed)``: sets Keras's global seed and drops its global seed generator
  without importing TensorFlow (``keras.utils.set_random_seed`` imports it, seconds, on every
  backend). Returns False where the internals are missing so callers use the public call.
- ``skip_idle_tensorflow_probe()``: Keras's serializer (``get_compile_config``, ``save``,
  every kerasdl checkpoint) asks ``tf.available`` to test whether a value is a
  ``tf.TensorShape`` / ``DType`` / ``TypeSpec``, and that question imports TensorFlow
  (5-10 s on a small CPU) on JAX and PyTorch too. Where TensorFlow is not imported, no value
  can be one: the serializer's probe then answers False without importing it.
"""

__all__ = ["KerasCompatibilityError", "data_layer_base", "non_modeling_apis",
           "place_variable", "reset_global_seed", "safe_mode_scope",
           "skip_idle_tensorflow_probe"]


class KerasCompatibilityError(ImportError):
    """A private Keras API kerasdl relies on is missing from the installed Keras."""


def _missing(what, where, exc):
    import keras

    return KerasCompatibilityError(
        f"kerasdl needs {what} ({where}), which Keras {keras.__version__} does not have. "
        f"Install a Keras release kerasdl supports (see setup.cfg) or report this at the "
        f"kerasdl issue tracker. ({type(exc).__name__}: {exc})")


def data_layer_base():
    """The base class of Keras's preprocessing layers (``DataLayer`` / ``TFDataLayer``)."""
    try:
        from keras.src.layers.preprocessing.data_layer import DataLayer
        return DataLayer
    except ImportError:
        pass
    try:  # Keras 3.14 names it TFDataLayer
        from keras.src.layers.preprocessing.tf_data_layer import TFDataLayer
        return TFDataLayer
    except ImportError as e:
        raise _missing("the preprocessing DataLayer base class",
                       "keras.src.layers.preprocessing.data_layer.DataLayer", e) from e


def safe_mode_scope(safe):
    """Keras's ``SafeModeScope(safe)`` context manager."""
    try:
        from keras.src.saving.serialization_lib import SafeModeScope
    except ImportError as e:
        raise _missing("SafeModeScope", "keras.src.saving.serialization_lib", e) from e
    return SafeModeScope(safe)


def non_modeling_apis():
    """The API names Keras's safe-mode deserializer refuses (a frozenset; empty if moved)."""
    try:
        from keras.src.saving.serialization_lib import NON_MODELING_APIS
    except ImportError:  # only a hardening list: kerasdl's own deny list still applies
        return frozenset()
    return frozenset(NON_MODELING_APIS)


def reset_global_seed(seed):
    """Set Keras's global seed without importing TensorFlow; False if the internals moved."""
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
    except ImportError:
        return False
    global_state.set_global_attribute("global_random_seed", seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    return True


class _TensorFlowIfImported:
    """Keras's lazy ``tensorflow`` module, but ``available`` only once TensorFlow is imported.

    The serializer uses ``tf.available`` only to guard ``isinstance(value, tf.<type>)``;
    a TensorFlow object cannot exist before TensorFlow is imported, so answering False then
    changes no result. Anything else is passed to Keras's own lazy module (which imports).
    """

    def __init__(self, lazy):
        self._lazy = lazy

    @property
    def available(self):
        import sys

        return "tensorflow" in sys.modules and self._lazy.available

    def __getattr__(self, name):
        return getattr(self._lazy, name)


def skip_idle_tensorflow_probe():
    """Stop Keras's serializer from importing TensorFlow just to rule out TensorFlow types.

    Idempotent and cheap; on the TensorFlow backend (TensorFlow is imported anyway) nothing
    changes. Returns True when the probe is in place, False where Keras's internals moved
    (Keras then keeps its own behaviour: slower, never wrong).
    """
    import importlib

    try:
        from keras.src.utils.module_utils import LazyModule
    except ImportError:
        return False
    placed = False
    for name in ("keras.src.saving.serialization_lib", "keras.src.legacy.saving.json_utils"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        lazy = getattr(module, "tf", None)
        if isinstance(lazy, _TensorFlowIfImported):
            placed = True
        elif isinstance(lazy, LazyModule):  # (hasattr(lazy, "available") would import)
            module.tf = _TensorFlowIfImported(lazy)
            placed = True
    return placed


def place_variable(variable, layout):
    """Give a JAX ``variable`` the ``keras.distribution.TensorLayout`` ``layout`` (None: one
    device) and move its value there; False where the variable has no layout slot."""
    if not hasattr(variable, "_layout") or not hasattr(variable, "_direct_assign"):
        return False
    import numpy as np

    value = np.asarray(variable.value)  # from the host: JAX checks every process agrees
    variable._layout = layout
    variable._direct_assign(value)
    return True
