"""Fashion-MNIST with a CNN: clothes are harder than digits.

Zalando's 28x28 grey images of 10 kinds of clothing (T-shirt, trouser, pullover, dress,
coat, sandal, shirt, sneaker, bag, ankle boot): the same size as MNIST but a harder
problem (shirts, pullovers and coats look alike). Three conv blocks (Conv 32/64/128 ->
BatchNorm -> ReLU -> MaxPool) with dropout after each, Dense 256, softmax; horizontal
flips and small shifts (a mirrored shoe is still a shoe) as augmentation; Adam with a
one-cycle schedule. Designed to reach >= 92% test accuracy on the full set in 20 epochs:
a design target, not measured here (the set cannot be downloaded on this project's
machines); comparable CNNs are reported at 92-94% in the literature.

Data: ``kerasdl.data.load("fashion_mnist")`` (pinned SHA-256 downloads, or ``data_dir``
with the four IDX files), or any ``Dataset`` through ``data=``.

    kerasdl run fashion_mnist_cnn
    kerasdl run fashion-mnist-cnn --epochs 5 --set dropout=0.4

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("fashion_mnist_cnn", verbose=2)                        # doctest: +SKIP
"""

from kerasdl.recipes import _common

DESCRIPTION = "Fashion-MNIST clothes, CNN with batch norm, flips, one-cycle; designed >= 92%"

DEFAULTS = {
    "val": None,
    "filters": (32, 64, 128),
    "kernel_size": 3,
    "dense": (256,),
    "dropout": 0.4,
    "conv_dropout": 0.1,
    "batch_norm": True,
    "weight_decay": 0.0,
    "augment": {"flip": "horizontal", "shift": 0.08, "fill_mode": "constant"},
    "optimizer": "adam",
    "learning_rate": 0.004,
    "schedule": "one_cycle",
    "epochs": 20,
    "batch_size": 128,
    "early_stopping": False,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train the CNN on Fashion-MNIST.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: ``val`` (validation fraction of
            the training part), ``filters``, ``kernel_size``, ``dense``, ``dropout``,
            ``conv_dropout``, ``batch_norm``, ``weight_decay``, ``augment`` (a preset name,
            a ``kerasdl.augment.pipeline`` dict, or None), ``optimizer``,
            ``learning_rate`` (the schedule's peak), ``schedule`` ("one_cycle"; None for a
            constant rate), ``epochs``, ``batch_size``, ``early_stopping``, ``data`` (any
            image ``Dataset``), ``data_dir`` (folder with the Fashion-MNIST files),
            ``seed``, ``verbose``, ``run_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).

    Raises:
        kerasdl.errors.DatasetNotAvailableError: offline without the Fashion-MNIST files.
    """
    s = _common.resolve_settings("fashion_mnist_cnn", DEFAULTS, overrides)
    return _common.run_image_cnn("fashion_mnist_cnn", "fashion_mnist", s)
