"""CIFAR-10 with a regularized CNN: augmentation, batch norm, dropout, weight decay.

32x32 colour photos of 10 classes (airplane, automobile, bird, cat, deer, dog, frog, horse,
ship, truck). Four conv blocks (Conv 64/128/256/512 -> BatchNorm -> ReLU -> MaxPool) with
dropout, Dense 256 and a softmax head; the "cifar" augmentation
preset (horizontal flips, shifts up to 10%, light brightness and contrast changes) runs in
the model during training; L2 weight decay 5e-4 on every kernel; Adam with a one-cycle
schedule over 30 epochs. Designed to reach >= 85% test accuracy on the full CIFAR-10 test
set: a design target, not measured here (CIFAR-10 cannot be downloaded on this project's
machines; the figure follows published results of VGG-style networks with augmentation,
which reach 85-93%).

Data: ``kerasdl.data.load("cifar10")`` (pinned SHA-256 download, or ``data_dir`` with the
python tarball or its batches), or any ``Dataset`` through ``data=``.

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to None.
    filters: the filters of each conv block (Conv, BatchNorm, ReLU, MaxPool). Defaults to (64, 128, 256, 512).
    kernel_size: the side of every convolution kernel. Defaults to 3.
    dense: the units of each hidden Dense layer after the conv blocks. Defaults to (256,).
    dropout: the dropout rate before each Dense layer. Defaults to 0.3.
    conv_dropout: the dropout rate after each conv block. Defaults to 0.1.
    batch_norm: batch normalization in every conv block. Defaults to True.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0005.
    augment: a kerasdl.augment preset name, a pipeline dict, or None (off). Defaults to 'cifar'.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate (the schedule's peak). Defaults to 0.003.
    schedule: a learning-rate schedule name, or None for a constant rate. Defaults to 'one_cycle'.
    epochs: the number of passes over the training part. Defaults to 30.
    batch_size: the samples per training step. Defaults to 128.
    early_stopping: False, True or a dict of early-stopping options. Defaults to False.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run cifar10_cnn
    kerasdl run cifar10-cnn --epochs 10 --set weight_decay=0.001

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("cifar10_cnn", verbose=2)                        # doctest: +SKIP
"""

import kerasdl
from kerasdl.recipes import _common

DESCRIPTION = "CIFAR-10 photos, CNN with augmentation + regularization; designed >= 85%"

DEFAULTS = {
    "val": None,
    "filters": (64, 128, 256, 512),
    "kernel_size": 3,
    "dense": (256,),
    "dropout": 0.3,
    "conv_dropout": 0.1,
    "batch_norm": True,
    "weight_decay": 0.0005,
    "augment": "cifar",
    "optimizer": "adam",
    "learning_rate": 0.003,
    "schedule": "one_cycle",
    "epochs": 30,
    "batch_size": 128,
    "early_stopping": False,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train the CNN of this recipe (see the module docstring for its settings).

    Args:
        **overrides: settings to change (the "Settings:" section above).

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).

    Raises:
        kerasdl.errors.DatasetNotAvailableError: offline without the CIFAR-10 files.
    """

    s = _common.resolve_settings("cifar10_cnn", DEFAULTS, overrides)
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "cifar10", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        channels=True)
    data = _common.with_channels(data)  # a Dataset given as `data` may lack the channel axis
    run_dir = _common.run_folder("cifar10_cnn", s)

    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.cnn(data.input_shape, filters=s["filters"],
                               kernel_size=s["kernel_size"], dense=s["dense"],
                               dropout=s["dropout"], conv_dropout=s["conv_dropout"],
                               batch_norm=s["batch_norm"], weight_decay=s["weight_decay"],
                               augment=_common.augment_spec(s["augment"], s["seed"]),
                               task=data.task, num_classes=data.num_classes,
                               label_format=_common.label_format(data), seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], schedule=s["schedule"],
                           epochs=s["epochs"], batch_size=s["batch_size"],
                           early_stopping=s["early_stopping"], seed=s["seed"],
                           verbose=s["verbose"], run_dir=run_dir,
                           **_common.train_options(s))
    return _common.finish_single("cifar10_cnn", s, result)
