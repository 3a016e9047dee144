"""``kerasdl.train``: a run of training, then its run folder.

Training (``kerasdl.training``) runs the phases and returns its result; the run folder
(``kerasdl.reports.write_run``) is written from that result. This module composes the two,
so neither package imports the other:

    kerasdl.train = TrainSettings.create -> resolve_distribution -> open_run_folder (lock)
                    -> fit_run -> write_run

In a run over several processes only process 0 (TensorFlow's chief) locks and writes the
run folder; the others follow it (``follow_run_folder``) to resume from the same checkpoint.
"""

import time

from kerasdl import _keras_compat
from kerasdl.training.internal import (TrainSettings, fit_run, follow_run_folder,
                                       open_run_folder, resolve_distribution)

__all__ = ["train"]


def train(model, data, *, optimizer="adam", optimizer_options=None, learning_rate=None,
          schedule=None, epochs=10, batch_size=None, loss="auto", metrics="auto",
          validation_split=None, early_stopping=False, callbacks=(), run_dir=None,
          resume=False, overwrite=False, checkpoint_every="epoch", keep_checkpoints=2, seed=0,
          shuffle=True,
          deterministic=False, mixed_precision="auto", jit_compile="auto",
          distribution=None, steps_per_execution=1, class_weight=None, verbose=1, plots=True):
    """Train a Keras model in one call: compile, fit, evaluate, checkpoint, report.

    ``train`` compiles the model with the optimizer you name, feeds the training data in
    a seeded order (the same seed gives the same history on CPU), checks every step for a
    NaN loss, restores the best weights when early stopping is on, evaluates on the test
    part (else the validation part) and, with ``run_dir``, writes atomic checkpoints and a
    run folder (config, history, metrics, model, plots, HTML report). ``resume=True``
    continues an interrupted run from its last checkpoint -- epoch and batch, optimizer
    state, random state and shuffle order -- so the finished run matches an uninterrupted
    one.

    Args:
        model: a ``keras.Model`` (a kerasdl builder's, or any Keras model).
        data: a ``kerasdl.data.Dataset``; a tuple ``(x, y)`` or
            ``(x_train, y_train, x_test, y_test)`` of arrays (``numpy.memmap`` arrays are
            read batch by batch, never loaded whole); a ``kerasdl.data.MemmapSource``
            (``.npy`` files trained chunk by chunk: chunks in a seeded order, samples
            shuffled inside each); or a ``keras.utils.PyDataset``.
        optimizer: a name (``"gd"``, ``"sgd"``, ``"online_sgd"``, ``"minibatch_sgd"``,
            ``"momentum"``,
            ``"nesterov"``, ``"rmsprop"``, ``"adam"``, ``"adamw"``), a tuple
            ``(name, options)`` or a ``keras.optimizers.Optimizer``. Defaults to ``"adam"``.
        optimizer_options: the optimizer's hyper-parameters, e.g. ``{"momentum": 0.95}``.
            Defaults to None.
        learning_rate: the learning rate (the peak / initial rate with ``schedule``).
            Defaults to None (the optimizer's default).
        schedule: a schedule name (``"step"``, ``"exponential"``, ``"cosine"``,
            ``"one_cycle"``), ``(name, options)`` or a ``LearningRateSchedule``; its total
            steps are filled in from epochs and batches. Defaults to None.
        epochs: number of epochs. Defaults to 10.
        batch_size: samples per batch. Defaults to None (32; the whole training set for
            ``"gd"``; 1 for ``"online_sgd"`` and for ``"sgd"`` without a batch size:
            ``optimizer="sgd", batch_size=16`` is Keras's SGD at batch size 16).
        loss: a Keras loss name or object, or ``"auto"`` (keep the compiled model's loss,
            else the task's default). Defaults to ``"auto"``.
        metrics: a list of metrics or ``"auto"`` (the compiled model's, else accuracy /
            mean absolute error). Defaults to ``"auto"``.
        validation_split: fraction in (0, 1) of the training part held out (seeded) for
            validation. Defaults to None (the dataset's validation part, if any).
        early_stopping: True (patience 5 on ``val_loss``, else ``loss``), False, a dict of
            :class:`kerasdl.callbacks.EarlyStopping` settings, or one. Best weights are
            restored. Defaults to False.
        callbacks: more Keras callbacks. Defaults to ().
        run_dir: folder for checkpoints and the run report; one run writes it at a time
            (it holds ``run_dir/.kerasdl.lock``). Defaults to None (nothing written).
        resume: True to continue the run in ``run_dir`` from its last checkpoint;
            ``"auto"`` to continue an interrupted (or finished) run that has checkpoints and
            to start in an empty folder. Defaults to False (a folder that already holds a
            run is refused).
        overwrite: delete the previous run's files in ``run_dir`` (checkpoints, config,
            history, metrics, model, plots, report, logs; nothing else) and start again.
            Defaults to False.
        checkpoint_every: ``"epoch"``, a number of batches, or None for no checkpoints
            (the run folder is still written, but the run cannot be resumed). Only used with
            ``run_dir``. Defaults to ``"epoch"``.
        keep_checkpoints: checkpoints kept on disk (>= 1). Defaults to 2.
        seed: seed of the shuffle order and of the model's dropout/noise states.
            Defaults to 0.
        shuffle: reshuffle the training data every epoch. Defaults to True.
        deterministic: also seed Python/NumPy/backend globally and make TensorFlow ops
            deterministic (bit-identical reruns, slower on GPU). Defaults to False.
        mixed_precision: True, False, ``"auto"`` (float16 on a GPU, bfloat16 on a TPU,
            off on a CPU) or a Keras policy name: ``"mixed_float16"``, ``"mixed_bfloat16"``
            or ``"float32"`` (off). The output layer always computes in float32; the run
            folder's config records the policy used.
            Defaults to ``"auto"``.
        jit_compile: True, False or ``"auto"`` (XLA where Keras expects a gain).
            Defaults to ``"auto"``.
        distribution: None (one device), ``"data_parallel"`` (every visible GPU/TPU, each
            batch split between them: ``keras.distribution.DataParallel`` on JAX,
            ``tf.distribute.MirroredStrategy`` on TensorFlow, multi-worker with several
            processes), ``"auto"`` (data parallel when more than one GPU/TPU is visible,
            else None), a ``keras.distribution`` object (JAX) or a
            ``tf.distribute.Strategy`` (TensorFlow). ``batch_size`` stays the global batch
            size; a model built outside the distribution's scope is rebuilt under it and
            trained weights are copied back into ``model``. Refused on PyTorch (Keras has
            no distribution engine there). The run folder's config records what was used;
            with several processes only process 0 writes the run folder. See the
            distribution guide. Defaults to None.
        steps_per_execution: batches run per compiled call. Defaults to 1.
        class_weight: ``{class: weight}``, ``"balanced"`` or None. Defaults to None.
        verbose: 0 silent, 1 progress bar, 2 one line per epoch. Defaults to 1.
        plots: render the plots of the run folder. Defaults to True.

    Returns:
        A :class:`RunResult` with ``model``, ``history``, ``metrics`` (test part, else
        validation part), ``timings`` (``wall_s``, ``epoch_s``, ``samples_per_s``),
        ``run_dir`` and ``config``; ``extras["evaluation"]`` holds per-class scores.

    Raises:
        ValueError / TypeError: for bad settings or data (before any training), or a
            ``run_dir`` that holds a run when neither ``resume`` nor ``overwrite`` is set.
        PermissionError: ``run_dir`` cannot be written (before any training).
        kerasdl.errors.RunFolderInUseError: another process is training into ``run_dir``.
        kerasdl.errors.NonFiniteLossError: when the loss turns NaN or infinite.
        kerasdl.errors.CheckpointError: when resuming is impossible.
        RuntimeError: ``KERAS_DISTRIBUTION_NUM_PROCESSES`` asks for several processes but
            ``keras.distribution.initialize()`` was not called first.

    Example:

    >>> import numpy as np, keras, kerasdl
    >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    >>> y = (x[:, 0] > 0).astype("int32")
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, "sigmoid")])
    >>> result = kerasdl.train(model, (x, y), epochs=2, verbose=0)
    >>> len(result.history["loss"])
    2
    """
    t_start = time.perf_counter()
    settings = TrainSettings.create(
        optimizer=optimizer, optimizer_options=optimizer_options,
        learning_rate=learning_rate, schedule=schedule, epochs=epochs, batch_size=batch_size,
        loss=loss, metrics=metrics, validation_split=validation_split,
        early_stopping=early_stopping, callbacks=callbacks, run_dir=run_dir, resume=resume,
        overwrite=overwrite, checkpoint_every=checkpoint_every,
        keep_checkpoints=keep_checkpoints, seed=seed, shuffle=shuffle,
        deterministic=deterministic, mixed_precision=mixed_precision,
        jit_compile=jit_compile, distribution=distribution,
        steps_per_execution=steps_per_execution, class_weight=class_weight, verbose=verbose,
        plots=plots)
    placement = resolve_distribution(settings.distribution)
    _keras_compat.skip_idle_tensorflow_probe()  # compile config, checkpoints, model.keras
    if settings.run_dir is None:
        return fit_run(model, data, settings, placement=placement).result
    folder_options = dict(resume=settings.resume, overwrite=settings.overwrite,
                          checkpoints=settings.checkpoints)
    if not placement.is_chief:  # process 0 writes the folder; this one trains along
        folder = follow_run_folder(settings.run_dir, **folder_options)
        result = fit_run(model, data, settings, folder, placement=placement).result
        result.run_dir = None  # this process wrote no run folder
        return result
    with open_run_folder(settings.run_dir, **folder_options) as folder:
        run = fit_run(model, data, settings, folder, placement=placement)
        write_run_folder(run, settings)
    run.result.timings["wall_s"] = time.perf_counter() - t_start
    return run.result


def write_run_folder(run, settings):
    """The last step of a run with a folder: config, history, metrics, model, plots, report."""
    from kerasdl.reports import write_run

    result, t_report = run.result, time.perf_counter()
    write_run(result.run_dir, model=result.model, data=run.data, history=result.history,
              metrics=result.metrics, config=result.config, timings=result.timings,
              evaluation=result.extras["evaluation"], plots=settings.plots)
    result.timings["report_s"] = time.perf_counter() - t_report
