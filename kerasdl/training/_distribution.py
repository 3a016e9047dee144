"""The distribution of a run: data parallel on Keras's own engines, or one device.

``train(distribution=...)`` takes None (one device), ``"auto"`` (data parallel when more
than one GPU/TPU is visible and the backend has an engine), ``"data_parallel"``, a
``keras.distribution`` object (JAX) or a ``tf.distribute.Strategy`` (TensorFlow). The
engines are Keras's own: ``keras.distribution.DataParallel`` on JAX,
``tf.distribute.MirroredStrategy`` on TensorFlow (``MultiWorkerMirroredStrategy`` when
``TF_CONFIG`` names several workers). PyTorch has none in Keras, so it is refused before
any work.

What this module does for a run (:class:`Placement`):

- **the model.** Keras places a variable when it is created, under the distribution's
  scope. A model the user built before ``train`` has single-device variables: on JAX they
  are moved onto the replicas where they are (``_keras_compat.place_variable``), on
  TensorFlow the model is rebuilt from its config under the strategy's scope and its
  weights copied in (:func:`place_model`). At the end the trained weights are back in the
  user's model on one device (:func:`gather_model`): it is evaluated there (exact metrics,
  the same in every process) and the run folder saves a model that loads anywhere.
- **remainder batches.** Every device must get the same number of samples. Batches whose
  size is not a multiple of the replicas (the last one of an epoch, usually) are padded
  with zero-weight copies of their own samples; the real samples weigh ``padded / real``
  so each step's gradient is exactly the mean over its real samples. Validation data is
  padded once, every real sample weighing ``padded / real`` of the whole set, which makes
  the validation loss and metrics exact (metrics are compiled as weighted metrics).
- **several processes.** Each process feeds its own slice of every global batch
  (``jax.make_array_from_process_local_data``); only process 0 (the TensorFlow chief)
  writes checkpoints and the run folder.
"""

import contextlib
import math
import os
from dataclasses import dataclass

import keras
import numpy as np

from kerasdl._validation import check_choice, describe

__all__ = ["DISTRIBUTIONS", "Placement", "check_distribution", "resolve_distribution",
           "place_model", "gather_model", "PaddedBatches", "padded_arrays"]

DISTRIBUTIONS = ("auto", "data_parallel")
_ENGINES = {"jax": "keras.distribution.DataParallel",
            "tensorflow": "tf.distribute.MirroredStrategy"}
_MULTI_PROCESS_VARS = ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
                       "KERAS_DISTRIBUTION_PROCESS_ID")


def _is_keras_distribution(value):
    return type(value).__module__.startswith("keras.") and hasattr(value, "device_mesh") \
        and hasattr(value, "scope")


def _is_tf_strategy(value):
    return type(value).__module__.startswith("tensorflow.") and hasattr(value, "extended") \
        and hasattr(value, "scope")


# (test, the backend that runs it, what it is): the engine objects a user may pass
_ENGINE_OBJECTS = ((_is_keras_distribution, "jax", "a keras.distribution object"),
                   (_is_tf_strategy, "tensorflow", "a tf.distribute.Strategy"))


def check_distribution(distribution, backend=None):
    """``train``'s ``distribution`` setting, checked before any work.

    Returns:
        None, ``"auto"``, ``"data_parallel"`` or the user's distribution object.

    Raises:
        ValueError: an unknown name (the valid ones listed), data parallel asked for on
            PyTorch, or an object of another backend's engine.
        TypeError: anything else.
    """
    backend = backend or keras.backend.backend()
    if distribution is None:
        return None
    if isinstance(distribution, str):
        name = check_choice("distribution", distribution, DISTRIBUTIONS)
        if name == "data_parallel" and backend not in _ENGINES:
            raise ValueError(
                f"`distribution='data_parallel'` needs a Keras distribution engine, which the "
                f"{backend!r} backend does not have (Keras distributes on JAX through "
                f"keras.distribution and on TensorFlow through tf.distribute). Use "
                f"KERAS_BACKEND=jax or tensorflow, or distribution=None.")
        return name
    for is_engine, owner, what in _ENGINE_OBJECTS:
        if is_engine(distribution):
            if backend != owner:
                raise ValueError(f"`distribution` {describe(distribution)} is {what}, which "
                                 f"runs on {owner} only; the backend is {backend!r}. Pass "
                                 f"'data_parallel' instead.")
            return distribution
    raise TypeError(f"`distribution` must be None, one of "
                    f"{', '.join(repr(d) for d in DISTRIBUTIONS)}, a keras.distribution object "
                    f"(JAX) or a tf.distribute.Strategy (TensorFlow); received "
                    f"{describe(distribution)} of type {type(distribution).__name__}.")


@dataclass
class Placement:
    """Where a run trains: ``engine`` (None: one device), its ``kind``, the number of model
    ``replicas`` (devices the batch is split over), ``processes`` and this process's
    ``process_index``."""

    engine: object = None
    kind: str = None
    replicas: int = 1
    processes: int = 1
    process_index: int = 0
    is_chief: bool = True
    feeds_slices: bool = True  # each process feeds its slice of a batch (JAX); TensorFlow's
    # workers read whole batches and tf.distribute shards them

    @property
    def slices(self):
        """Into how many slices a batch is cut, one per process (1: whole batches)."""
        return self.processes if self.feeds_slices else 1

    @property
    def distributed(self):
        return self.engine is not None

    @property
    def multiple(self):
        """Every batch holds a multiple of this many samples (replicas and processes)."""
        return math.lcm(self.replicas, self.processes)

    def scope(self):
        """The engine's scope (variables created in it are placed on every replica)."""
        return self.engine.scope() if self.engine is not None else contextlib.nullcontext()

    def describe(self):
        """What the run folder's config records (``None`` for one device)."""
        if self.engine is None:
            return None
        name = type(self.engine).__name__
        engine = (f"tf.distribute.{name}" if _is_tf_strategy(self.engine)
                  else f"keras.distribution.{name}")
        return {"kind": self.kind, "engine": engine,
                "replicas": self.replicas, "processes": self.processes}

    def check_batch_size(self, batch_size):
        """Refuse a batch smaller than the replicas (some would get no sample)."""
        if batch_size is not None and batch_size < self.multiple:
            raise ValueError(
                f"`batch_size` {batch_size} is smaller than the {self.multiple} "
                f"{'replicas' if self.multiple == self.replicas else 'replicas/processes'} "
                f"data parallel training splits each batch over; pass batch_size >= "
                f"{self.multiple} (a multiple of {self.multiple} wastes no compute), or "
                f"distribution=None.")


def _accelerators():
    from kerasdl._backend import devices

    return [d for d in devices() if not d.startswith(("cpu", "unknown"))]


def _check_multi_process_started():
    """Keras's multi-process variables are set but JAX was not initialized with them."""
    import jax

    wanted = os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES")
    if wanted and int(wanted) > 1 and jax.process_count() == 1:
        raise RuntimeError(
            f"KERAS_DISTRIBUTION_NUM_PROCESSES={wanted} is set but this process runs alone: "
            f"call keras.distribution.initialize() at the start of the program, before any "
            f"model is built (JAX joins its processes before its first computation). "
            f"`kerasdl run` does it for you.")


def _jax_placement(engine, kind):
    import jax

    _check_multi_process_started()
    if engine is None:
        engine = keras.distribution.DataParallel(auto_shard_dataset=jax.process_count() == 1)
    if jax.process_count() > 1:
        engine.auto_shard_dataset = False  # kerasdl feeds each process its own slice
    return Placement(engine=engine, kind=kind, replicas=int(engine.num_model_replicas),
                     processes=jax.process_count(), process_index=jax.process_index(),
                     is_chief=jax.process_index() == 0)


def _tf_workers():
    import json

    try:
        cluster = json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster", {})
    except ValueError as e:
        raise ValueError(f"TF_CONFIG is not valid JSON ({e}).") from None
    return len(cluster.get("worker", [])) + len(cluster.get("chief", []))


def _tf_placement(engine, kind):
    import tensorflow as tf

    if engine is None:
        if _tf_workers() > 1:
            try:
                engine = tf.distribute.MultiWorkerMirroredStrategy()
            except RuntimeError as e:
                raise RuntimeError(
                    f"TF_CONFIG names several workers, but TensorFlow can no longer start "
                    f"MultiWorkerMirroredStrategy ({e}). Create it at the start of the "
                    f"program, before any model is built, and pass it: "
                    f"train(..., distribution=strategy).") from e
        else:  # like keras.distribution.list_devices: the GPUs/TPUs, else the CPUs
            devices = (tf.config.list_logical_devices("GPU")
                       or tf.config.list_logical_devices("CPU"))
            engine = tf.distribute.MirroredStrategy([d.name for d in devices])
    resolver = getattr(engine, "cluster_resolver", None)
    workers = 1
    if resolver is not None and resolver.cluster_spec().as_dict():
        spec = resolver.cluster_spec().as_dict()
        workers = len(spec.get("worker", [])) + len(spec.get("chief", []))
    return Placement(engine=engine, kind=kind, replicas=int(engine.num_replicas_in_sync),
                     processes=workers, process_index=int(getattr(resolver, "task_id", 0) or 0)
                     if workers > 1 else 0,
                     is_chief=bool(getattr(engine.extended, "should_checkpoint", True)),
                     feeds_slices=False)


def resolve_distribution(distribution):
    """The :class:`Placement` of a checked ``distribution`` setting."""
    backend = keras.backend.backend()
    if distribution is None:
        return Placement()
    if distribution == "auto":
        if backend not in _ENGINES or len(_accelerators()) < 2:
            return Placement()
        distribution = "data_parallel"
    engine = None if isinstance(distribution, str) else distribution
    kind = "data_parallel" if engine is None or type(engine).__name__ in (
        "DataParallel", "MirroredStrategy", "MultiWorkerMirroredStrategy") else "custom"
    if backend == "jax":
        return _jax_placement(engine, kind)
    return _tf_placement(engine, kind)


def _placed(model, placement):
    """True when every variable of ``model`` already lives on the placement's replicas."""
    variables = model.variables
    if not variables:
        return False
    if keras.backend.backend() == "jax":
        mesh = placement.engine.device_mesh.backend_mesh
        devices = set(mesh.devices.flat)
        return all(getattr(getattr(v.value, "sharding", None), "device_set", None) == devices
                   for v in variables)
    return all(placement.engine.extended.variable_created_in_scope(v.value)
               for v in variables)


def _place_in_place(model, placement):
    """JAX: put the model's variables on the replicas where they are (no copy of the
    model); False where Keras's variables have changed shape (then it is rebuilt)."""
    from kerasdl._keras_compat import place_variable

    engine = placement.engine
    return all(place_variable(v, engine.get_variable_layout(v)) for v in model.variables)


def place_model(model, placement):
    """The model to train under ``placement``, called inside ``placement.scope()``.

    ``model`` itself when its variables already live on the replicas (built under the
    scope) or, on JAX, once they are moved there; else a copy rebuilt under the scope from
    its config, with ``model``'s weights.

    Raises:
        ValueError: a model Keras cannot rebuild from its config (no ``get_config``).
    """
    if not placement.distributed or _placed(model, placement):
        return model
    if keras.backend.backend() == "jax" and _place_in_place(model, placement):
        return model
    try:
        twin = keras.models.clone_model(model)
        if not twin.built:
            twin.build(model.input_shape)
        twin.set_weights(model.get_weights())
    except Exception as e:  # a subclassed model without get_config, a layer without one
        raise ValueError(
            f"Data parallel training creates the model's variables on every replica, so "
            f"kerasdl rebuilds {model.name!r} from its config, which failed "
            f"({type(e).__name__}: {e}). Build the model under the distribution's scope "
            f"yourself and pass the distribution: `with dist.scope(): model = ...`, then "
            f"train(model, data, distribution=dist).") from e
    return twin


def gather_model(model, trained):
    """After a data parallel run: ``model`` (the user's) with the trained weights, on one
    device, for evaluation and saving. JAX gathers the variables back where they were
    placed in place; elsewhere the weights are copied from the replicas' copy ``trained``
    (into a fresh single-device twin when the user built ``model`` under the scope)."""
    if keras.backend.backend() == "jax" and trained is model:
        from kerasdl._keras_compat import place_variable

        optimizer = getattr(model, "optimizer", None)
        for v in (list(model.variables) + list(model.metrics_variables)
                  + (list(optimizer.variables) if optimizer is not None else [])):
            place_variable(v, None)
        return model
    local = model if trained is not model else keras.models.clone_model(trained)
    local.set_weights(trained.get_weights())
    return local


def _padded_rows(n, multiple):
    """Row indices of ``n`` samples padded to a multiple: ``range(n)`` then copies of the
    first rows (their values are never used: their weight is 0)."""
    size = -(-n // multiple) * multiple
    return np.concatenate([np.arange(n), np.arange(size - n) % n]).astype("int64")


def _local(array, process, processes):
    """This process's slice of a global batch (its rows are split evenly)."""
    if processes == 1:
        return array
    step = len(array) // processes
    return array[process * step:(process + 1) * step]


def _pad_batch(batch, placement):
    x, y = batch[0], batch[1]
    n = len(y)
    weight = batch[2] if len(batch) > 2 else np.ones(n, dtype="float32")
    rows = _padded_rows(n, placement.multiple)
    scale = len(rows) / n
    w = np.zeros(len(rows), dtype="float32")
    w[:n] = np.asarray(weight, dtype="float32") * scale
    out = (np.asarray(x)[rows], np.asarray(y)[rows], w)
    return tuple(_local(a, placement.process_index, placement.slices) for a in out)


class PaddedBatches(keras.utils.PyDataset):
    """The batches of ``sequence``, each padded to a multiple of the replicas (see the
    module docstring) and cut to this process's slice.

    Args:
        sequence: a PyDataset of ``(x, y)`` or ``(x, y, sample_weight)`` batches.
        placement: the run's :class:`Placement`.
    """

    def __init__(self, sequence, placement):
        super().__init__(workers=1, use_multiprocessing=False)
        self.sequence, self.placement = sequence, placement

    def __len__(self):
        return len(self.sequence)

    def __getitem__(self, index):
        batch = self.sequence[index]
        if not isinstance(batch, tuple) or len(batch) not in (2, 3):
            raise TypeError(f"Data parallel training pads batches of (x, y) or (x, y, "
                            f"sample_weight); batch {index} is {describe(batch)}.")
        return _pad_batch(batch, self.placement)

    def on_epoch_begin(self):
        self.sequence.on_epoch_begin()

    def on_epoch_end(self):
        self.sequence.on_epoch_end()


def padded_arrays(x, y, batch_size, placement):
    """Validation data for ``fit`` under ``placement``: ``((x, y, weight), batch size)``.

    The arrays are padded to a multiple of the replicas; every real sample weighs
    ``padded / real`` (so the loss, whose batches are weighed by their padded size, and the
    weighted metrics are the exact means over the real samples) and the copies 0. The batch
    size is rounded up to a multiple of the replicas; with several processes each gets its
    slice of every batch, and the batch size of that slice.
    """
    n = len(x)
    rows = _padded_rows(n, placement.multiple)
    w = np.zeros(len(rows), dtype="float32")
    w[:n] = len(rows) / n
    xs, ys = np.asarray(x)[rows], np.asarray(y)[rows]
    batch = -(-batch_size // placement.multiple) * placement.multiple
    if placement.slices == 1:
        return (xs, ys, w), batch
    local = [np.concatenate([_local(a[s:s + batch], placement.process_index,
                                    placement.slices) for s in range(0, len(a), batch)])
             for a in (xs, ys, w)]
    return tuple(local), batch // placement.slices
