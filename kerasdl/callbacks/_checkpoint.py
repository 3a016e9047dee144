"""Atomic checkpoints that hold everything exact resume needs, in one file.

A checkpoint (format 2) is a zip archive of three members: ``config.json`` (the model's
Keras config, as in a ``.keras`` file, so :func:`load_checkpoint_model` can rebuild it),
``kerasdl_checkpoint.json`` (progress: epoch, batch, history so far, run settings, stateful
callbacks) and ``kerasdl_state.npz``: the weights (``weight/i``, in ``model.weights``
order), the optimizer variables (``optimizer/i``), the seed-generator states, the
partial-epoch metric accumulators and callback arrays. Format 1 stored a whole
``model.save`` archive instead; writing its HDF5 weights cost 0.1-0.4 s per checkpoint
(one HDF5 dataset per variable), several times this format, and it is still read.

Every checkpoint is written to a temporary file in the same folder, fsync'ed and moved into
place with ``os.replace`` (:func:`kerasdl._io.atomic_path`), and the previous checkpoint is
kept, so a ``kill -9`` at any moment leaves at least one complete checkpoint on disk.
"""

import io
import json
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import keras
import numpy as np

from kerasdl import _keras_compat
from kerasdl._io import atomic_path
from kerasdl.callbacks._loggers import append_epoch_logs
from kerasdl._validation import check_int, check_positive_int
from kerasdl.errors import CheckpointError, NonFiniteLossError

__all__ = ["Checkpoint", "list_checkpoints", "latest_checkpoint", "read_checkpoint",
           "load_checkpoint_model", "restore_checkpoint", "model_fingerprint"]

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
CONFIG_MEMBER = "config.json"
META_MEMBER = "kerasdl_checkpoint.json"
STATE_MEMBER = "kerasdl_state.npz"
_NAME = re.compile(r"^epoch(\d+)-batch(\d+)\.keras$")
# Test hook: seconds to sleep inside a checkpoint write (before the file is moved into
# place), so a kill test can land kills during writes. Never set outside tests.
_SLEEP_ENV = "KERASDL_TEST_CHECKPOINT_SLEEP"


def checkpoint_name(epoch, batch):
    """File name of the checkpoint taken ``batch`` batches into 0-based ``epoch``."""
    return f"epoch{int(epoch):04d}-batch{int(batch):06d}.keras"


def list_checkpoints(directory):
    """Checkpoint files in ``directory``, oldest first (by epoch, then batch)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for p in directory.iterdir():
        m = _NAME.match(p.name)
        if m and p.is_file():
            found.append(((int(m.group(1)), int(m.group(2))), p))
    return [p for _, p in sorted(found)]


def remove_stale_temporaries(directory):
    """Delete temporary files left by writes that were killed half-way."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    removed = []
    for p in directory.iterdir():
        if p.name.startswith(".epoch") and ".tmp" in p.name:
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


def _seed_variables(model):
    weight_ids = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weight_ids]


def _optimizer_variables(model):
    opt = getattr(model, "optimizer", None)
    return list(opt.variables) if opt is not None and opt.built else []


def model_fingerprint(model):
    """What must match for a checkpoint to fit ``model``: weight and optimizer shapes."""
    return {
        "weights": [list(map(int, w.shape)) for w in model.weights],
        "states": [list(map(int, v.shape)) for v in _seed_variables(model)],
        "optimizer": type(model.optimizer).__name__ if getattr(model, "optimizer", None)
        else None,
        "optimizer_variables": [list(map(int, v.shape)) for v in _optimizer_variables(model)],
    }


def _fingerprint_difference(saved, current):
    if saved["weights"] != current["weights"]:
        return (f"its model has {len(saved['weights'])} weight arrays of shapes "
                f"{saved['weights']} but this model has {len(current['weights'])} of shapes "
                f"{current['weights']}")
    if saved["optimizer"] != current["optimizer"]:
        return (f"it was trained with optimizer {saved['optimizer']} but this run uses "
                f"{current['optimizer']}")
    if saved["optimizer_variables"] != current["optimizer_variables"]:
        return (f"its optimizer state has shapes {saved['optimizer_variables']} but this run's "
                f"optimizer has {current['optimizer_variables']}")
    if saved["states"] != current["states"]:
        return (f"its model has {len(saved['states'])} random-seed states but this model has "
                f"{len(current['states'])}")
    return None


def _test_sleep():
    value = os.environ.get(_SLEEP_ENV)
    if value:
        time.sleep(float(value))


def model_config_json(model):
    """The model's Keras config (with its build and compile configs) as JSON text."""
    _keras_compat.skip_idle_tensorflow_probe()
    return json.dumps(keras.saving.serialize_keras_object(model), default=_json_default)


def write_checkpoint(path, model, *, meta, arrays=None, config_json=None):
    """Write one checkpoint atomically: the model config, weights, optimizer, progress.

    Args:
        config_json: :func:`model_config_json` of ``model``, when the caller keeps it
            (it does not change during a run). Defaults to None (computed here).

    Raises:
        NonFiniteLossError: when a weight is NaN or infinite (a broken state is never
            written over a good one).
    """
    weights = [_array(w) for w in model.weights]
    for i, w in enumerate(weights):
        if w.dtype.kind in "fc" and not np.isfinite(w).all():
            raise NonFiniteLossError(
                f"Weight array {i} of the model holds NaN or inf at epoch "
                f"{meta.get('epoch', 0) + 1}, batch {meta.get('batch', 0)}; not writing a "
                f"checkpoint. The last good checkpoint stays in {Path(path).parent}.")
    state = dict(arrays or {})
    state.update({f"weight/{i}": w for i, w in enumerate(weights)})
    for i, v in enumerate(_optimizer_variables(model)):
        state[f"optimizer/{i}"] = _array(v)
    for i, v in enumerate(_seed_variables(model)):
        state[f"seed/{i}"] = _array(v)
    meta = dict(meta)
    meta["format"] = FORMAT_VERSION
    meta["fingerprint"] = model_fingerprint(model)
    buf = io.BytesIO()
    np.savez(buf, **state)
    try:
        with atomic_path(path) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr(CONFIG_MEMBER, config_json or model_config_json(model))
                zf.writestr(META_MEMBER, json.dumps(meta, default=_json_default))
                zf.writestr(STATE_MEMBER, buf.getvalue())
            _test_sleep()
    except OSError as e:  # disk full, read-only folder...: say which write failed, keep errno
        raise type(e)(e.errno, f"Could not write checkpoint {Path(path).name} in "
                               f"{Path(path).parent}: {e.strerror or e}. The previous "
                               f"checkpoints there are intact.") from e
    return Path(path)


def _array(variable):
    """A variable's value as a NumPy array, read the way Keras's own saving reads it
    (``variable.numpy()``: under ``tf.distribute`` the optimizer's step counter is a
    mirrored variable whose raw value NumPy cannot convert)."""
    return np.asarray(variable.numpy())


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)


def read_checkpoint(path):
    """Read a checkpoint's progress metadata and state arrays (no code is loaded).

    Returns:
        ``(meta, arrays)``: the JSON progress dict and a dict of numpy arrays.

    Raises:
        CheckpointError: when the file is missing, not a kerasdl checkpoint, or damaged.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"No checkpoint file at {str(path)!r}.")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise CheckpointError(f"Checkpoint {str(path)!r} is damaged: member {bad!r} "
                                      f"fails its CRC check.")
            names = set(zf.namelist())
            if META_MEMBER not in names or STATE_MEMBER not in names:
                raise CheckpointError(f"{str(path)!r} is not a kerasdl checkpoint (no "
                                      f"{META_MEMBER}); it may be a plain .keras model.")
            meta = json.loads(zf.read(META_MEMBER).decode("utf-8"))
            with np.load(io.BytesIO(zf.read(STATE_MEMBER)), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError) as e:
        raise CheckpointError(f"Checkpoint {str(path)!r} is damaged or unreadable "
                              f"({type(e).__name__}: {e}).") from None
    if meta.get("format") not in READABLE_FORMATS:
        raise CheckpointError(f"Checkpoint {str(path)!r} has format {meta.get('format')!r}; "
                              f"this kerasdl reads formats {READABLE_FORMATS}.")
    return meta, arrays


def load_checkpoint_model(path):
    """Load a checkpoint as a full Keras model, safely (no code from the file runs).

    The checkpoint goes through :func:`kerasdl.load_model` with ``trust_source=False``:
    the archive and the model config are inspected first and Keras rebuilds the model in
    safe mode (with the weights and optimizer state); the seed states are put back too.
    This is the one place where a checkpoint is opened as a model.

    Returns:
        The ``keras.Model`` saved in the checkpoint (compiled, with its optimizer state).

    Raises:
        CheckpointError: for a missing, damaged or non-kerasdl checkpoint.
        kerasdl.errors.SecurityError: when the checkpoint's config would run code.
    """
    from kerasdl.saving import load_model

    meta, arrays = read_checkpoint(path)  # structure and CRC checks, with kerasdl's error
    model = load_model(path, trust_source=False)  # either format
    if meta["format"] != 1:
        restore_checkpoint(model, path, meta, arrays)  # the seed states too
    return model


def latest_checkpoint(directory):
    """The newest readable checkpoint in ``directory`` as ``(path, meta, arrays, skipped)``.

    Damaged files (which atomic writes should never leave) are skipped in favour of the
    previous good checkpoint; ``skipped`` lists them.

    Raises:
        CheckpointError: when the folder holds no readable checkpoint.
    """
    skipped = []
    for path in reversed(list_checkpoints(directory)):
        try:
            meta, arrays = read_checkpoint(path)
        except CheckpointError as e:
            skipped.append((path, str(e)))
            continue
        return path, meta, arrays, skipped
    detail = f" ({len(skipped)} damaged: {skipped[0][1]})" if skipped else ""
    raise CheckpointError(f"No checkpoint to resume from in {str(directory)!r}{detail}. "
                          f"Start a new run with resume=False, or resume='auto' to resume "
                          f"only when a checkpoint exists.")


def restore_checkpoint(model, path, meta, arrays):
    """Load the weights, optimizer state and seed states of a checkpoint into ``model``.

    The model must be compiled with the run's optimizer. Only weights are read, through
    :func:`kerasdl.saving.load_weights` (no code), after checking that the checkpoint was
    made for a model of the same structure.

    Raises:
        CheckpointError: when the checkpoint belongs to a different model or optimizer.
    """
    opt = getattr(model, "optimizer", None)
    if opt is not None and not opt.built:
        opt.build(model.trainable_variables)
    difference = _fingerprint_difference(meta["fingerprint"], model_fingerprint(model))
    if difference:
        raise CheckpointError(f"Checkpoint {str(path)!r} belongs to a different model: "
                              f"{difference}. Resume with the model that made it, or start a "
                              f"new run_dir.")
    if meta["format"] == 1:
        _load_format1_weights(model, path)
    else:  # the fingerprint matched: same variables, same shapes, same order
        for i, v in enumerate(model.weights):
            v.assign(arrays[f"weight/{i}"])
        for i, v in enumerate(_optimizer_variables(model)):
            v.assign(arrays[f"optimizer/{i}"])
    for i, v in enumerate(_seed_variables(model)):
        v.assign(arrays[f"seed/{i}"])


def _load_format1_weights(model, path):
    from kerasdl.saving import load_weights

    try:
        load_weights(model, path)  # checked: reads weights only, never the config's code
    except CheckpointError:
        raise
    except ValueError as e:
        raise CheckpointError(f"Checkpoint {str(path)!r} does not fit this model: {e}") \
            from None


class Checkpoint(keras.callbacks.Callback):
    """Write exact-resume checkpoints atomically, keeping the previous good ones.

    At the end of every epoch (and every ``every`` batches when ``every`` is an integer)
    one file ``epochEEEE-batchBBBBBB.keras`` is written in ``directory`` with the weights,
    the optimizer state, the random-seed states, the partial-epoch metric accumulators,
    the history so far and the state of ``stateful_callbacks`` (e.g. early stopping).
    Writes are atomic (temporary file + fsync + ``os.replace``); the newest ``keep`` files
    are kept. A model whose weights turned NaN is never written.

    ``kerasdl.train(..., run_dir=...)`` adds this callback itself; use it directly with
    ``model.fit`` to get crash-safe checkpoints there too.

    Args:
        directory: folder of the checkpoint files.
        every: ``"epoch"`` or a number of batches. Defaults to ``"epoch"``.
        keep: how many checkpoints to keep (>= 1; 2 keeps the previous good one).
            Defaults to 2.
        stateful_callbacks: callbacks with ``get_state()``/``set_state()`` whose state is
            saved too, by name. Defaults to None.
        run_info: settings stored with each checkpoint (seed, batch size...). Defaults to
            None.

    Attributes:
        writes: False keeps the bookkeeping (history, resume position) but keeps no file
            (each is written to a temporary folder and deleted): a process of a data
            parallel run other than process 0.

    Example:

    >>> ckpt = Checkpoint("/tmp/kerasdl_doc_ckpts", every=50)
    >>> ckpt.every
    50
    """

    def __init__(self, directory, every="epoch", keep=2, stateful_callbacks=None,
                 run_info=None):
        super().__init__()
        self.directory = Path(directory)
        if every != "epoch":
            if isinstance(every, str):
                raise ValueError(f"`checkpoint_every` must be 'epoch' or a number of batches; "
                                 f"received {every!r}.")
            every = check_positive_int("checkpoint_every", every)
        self.every = every
        self.keep = check_int("keep", keep, min_value=1)
        self.stateful_callbacks = dict(stateful_callbacks or {})
        self.run_info = dict(run_info or {})
        self.history = {}
        self.timings = {"epoch_s": [], "samples_per_s": []}  # of epochs before a resume
        self.throughput = None  # a ThroughputLogger whose figures are saved too
        self.saved = []
        self._resume_at = None  # (epoch, batch, metric arrays) to apply at that epoch's start
        self._resumed_states = None  # (callback states, arrays) of the resumed checkpoint
        self._epoch = 0
        self._batch_offset = 0
        self._batches_done = 0
        self._batches_per_epoch = None
        self._last_saved_step = None
        self.writes = True
        self._config_json = None  # the model's config, serialized once per run
        self.write_s = 0.0  # seconds spent writing checkpoints in this run

    # -------------------------------------------------------------- used by train()
    def resume_from(self, meta, arrays):
        """Continue the bookkeeping of the checkpointed run (history, position, metrics)."""
        self.history = {k: list(v) for k, v in meta.get("history", {}).items()}
        self.timings = {k: list(v) for k, v in meta.get("timings", {}).items()} or \
            {"epoch_s": [], "samples_per_s": []}
        metric_arrays = [arrays[f"metric/{i}"] for i in range(meta.get("n_metric_variables",
                                                                      0))]
        self._resume_at = (meta["epoch"], meta["batch"], metric_arrays)
        self._last_saved_step = meta.get("global_step")
        self._resumed_states = (meta.get("callbacks", {}), arrays)

    def restore_callback_states(self):
        """Give each stateful callback the state the resumed checkpoint saved for it.

        Call it once the callbacks' ``on_train_begin`` has run (which resets them).
        """
        if self._resumed_states is None:
            return
        states, arrays = self._resumed_states
        for name, cb in self.stateful_callbacks.items():
            if name in states:
                cb.set_state(states[name], callback_arrays(arrays, name))

    # -------------------------------------------------------------- keras hooks
    def on_train_begin(self, logs=None):
        if self.writes:
            self.directory.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(self.directory)
        steps = (self.params or {}).get("steps")
        if self._batches_per_epoch is None:
            self._batches_per_epoch = self.run_info.get("batches_per_epoch", steps)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._batch_offset = 0
        self._batches_done = 0
        if self._resume_at is not None and self._resume_at[0] == epoch:
            _, batch, metric_arrays = self._resume_at
            self._resume_at = None
            if batch:
                self._batch_offset = self._batches_done = batch
                variables = self.model.metrics_variables
                if len(variables) != len(metric_arrays):
                    raise CheckpointError(
                        f"The checkpoint holds {len(metric_arrays)} metric accumulators but "
                        f"the compiled model has {len(variables)}; resume with the same "
                        f"loss and metrics.")
                for v, a in zip(variables, metric_arrays):
                    v.assign(a)

    def on_train_batch_end(self, batch, logs=None):
        self._batches_done = self._batch_offset + int(batch) + 1
        if self.every == "epoch":
            return
        bpe = self._batches_per_epoch
        if bpe is not None and self._batches_done >= bpe:
            return  # the end-of-epoch checkpoint follows
        step = self._global_step(self._epoch, self._batches_done)
        last = self._last_saved_step or 0
        if step // self.every > last // self.every:
            self.save(self._epoch, self._batches_done, partial=True)

    def on_epoch_end(self, epoch, logs=None):
        append_epoch_logs(self.history, logs)
        self.save(epoch + 1, 0, partial=False)

    # -------------------------------------------------------------- writing
    def _timings(self):
        timings = {k: list(v) for k, v in self.timings.items()}
        if self.throughput is not None:
            timings["epoch_s"] = timings.get("epoch_s", []) + self.throughput.epoch_s
            timings["samples_per_s"] = (timings.get("samples_per_s", [])
                                        + self.throughput.samples_per_s)
        return timings

    def _global_step(self, epoch, batch):
        bpe = self._batches_per_epoch or 0
        return epoch * bpe + batch

    def save(self, epoch, batch, *, partial):
        """Write the checkpoint for position (``epoch``, ``batch``) now."""
        model = self.model  # on JAX this syncs the training state into the variables
        arrays = {}
        meta = {
            "epoch": int(epoch),
            "batch": int(batch),
            "global_step": self._global_step(epoch, batch),
            "batches_per_epoch": self._batches_per_epoch,
            "history": self.history,
            "timings": self._timings(),
            "run": self.run_info,
            "time": time.time(),
            "keras_backend": keras.backend.backend(),
            "callbacks": {},
        }
        if partial:
            metric_vars = model.metrics_variables
            for i, v in enumerate(metric_vars):
                arrays[f"metric/{i}"] = np.asarray(keras.ops.convert_to_numpy(v))
            meta["n_metric_variables"] = len(metric_vars)
        for name, cb in self.stateful_callbacks.items():
            state, cb_arrays = cb.get_state()
            meta["callbacks"][name] = state
            for k, a in cb_arrays.items():
                arrays[f"cb/{name}/{k}"] = np.asarray(a)
        t_write = time.perf_counter()
        path = self.directory / checkpoint_name(epoch, batch)
        if self._config_json is None:
            self._config_json = model_config_json(model)
        self._last_saved_step = meta["global_step"]
        if not self.writes:  # process 0 of a data parallel run writes this checkpoint; the
            # others do the same work into a throwaway folder, since reading a model placed
            # over several JAX processes takes collective steps every process must join
            with tempfile.TemporaryDirectory(prefix="kerasdl-ckpt-") as scratch:
                write_checkpoint(Path(scratch) / path.name, model, meta=meta, arrays=arrays,
                                 config_json=self._config_json)
            self.write_s += time.perf_counter() - t_write
            return path
        write_checkpoint(path, model, meta=meta, arrays=arrays, config_json=self._config_json)
        self.write_s += time.perf_counter() - t_write
        self.saved.append(path)
        for old in list_checkpoints(self.directory)[:-self.keep]:
            try:
                old.unlink()
            except OSError:
                pass
        return path


def callback_arrays(arrays, name):
    """The arrays a stateful callback saved, keyed as it gave them."""
    prefix = f"cb/{name}/"
    return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
