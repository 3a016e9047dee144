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

    kerasdl run cifar10_cnn
    kerasdl run cifar10-cnn --epochs 10 --set weight_decay=0.001

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("cifar10_cnn", verbose=2)                        # doctest: +SKIP
"""

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
    """Train the regularized CNN on CIFAR-10.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: ``val`` (validation fraction of
            the training part), ``filters``, ``kernel_size``, ``dense``, ``dropout``,
            ``conv_dropout``, ``batch_norm``, ``weight_decay``, ``augment`` (a preset name,
            a ``kerasdl.augment.pipeline`` dict, or None), ``optimizer``,
            ``learning_rate`` (the schedule's peak), ``schedule`` ("one_cycle"; None for a
            constant rate), ``epochs``, ``batch_size``, ``early_stopping``, ``data`` (any
            image ``Dataset``), ``data_dir`` (folder with the CIFAR-10 files),
            ``seed``, ``verbose``, ``run_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).

    Raises:
        kerasdl.errors.DatasetNotAvailableError: offline without the CIFAR-10 files.
    """
    s = _common.resolve_settings("cifar10_cnn", DEFAULTS, overrides)
    return _common.run_image_cnn("cifar10_cnn", "cifar10", s)
