"""Digits with a CNN: convolutions see the 8x8 digit as an image, not a list of pixels.

The README's main job, fully offline: scikit-learn's embedded digits (1,797 images, 8x8x1,
10 classes), 55% / 15% / 30% train / validation / test (stratified, seeded), pixels in
[0, 1]. Two conv blocks (Conv 32 -> BatchNorm -> ReLU -> MaxPool, Conv 64 -> BatchNorm ->
ReLU -> MaxPool) learn local stroke detectors that are shared over the image, then Dense
128 with dropout and a softmax head. Adam with a one-cycle learning-rate schedule.

Expected result (measured with the defaults, seed 0, TensorFlow backend, on this project's
busy 2-core CPU): 98.7% test accuracy on the 539 test digits after 25 s of training (31 s
for the whole call); the test suite asserts >= 97% on both backends. The run folder has the
learning curves and the confusion matrix.

    kerasdl run digits_cnn
    kerasdl run digits-cnn --set filters=16,32 --epochs 10

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("digits_cnn", verbose=0)                    # doctest: +SKIP
>>> result.metrics["accuracy"] >= 0.97                                # doctest: +SKIP
True
"""

from kerasdl.recipes import _common

DESCRIPTION = "Embedded 8x8 digits (offline) with a small CNN: >= 97% test accuracy in seconds"

DEFAULTS = {
    "val": 0.15,
    "test": 0.3,
    "filters": (32, 64),
    "kernel_size": 3,
    "dense": (128,),
    "dropout": 0.3,
    "conv_dropout": 0.0,
    "batch_norm": True,
    "weight_decay": 0.0,
    "augment": None,
    "optimizer": "adam",
    "learning_rate": 0.005,
    "schedule": "one_cycle",
    "epochs": 15,
    "batch_size": 32,
    "early_stopping": False,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train a small CNN on the embedded digits.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: ``val``/``test`` fractions
            (0.15 / 0.3), ``filters`` ((32, 64)), ``kernel_size`` (3), ``dense`` ((128,)),
            ``dropout`` (0.3), ``conv_dropout`` (0), ``batch_norm`` (True),
            ``weight_decay`` (0), ``augment`` (None; a preset name or a
            ``kerasdl.augment.pipeline`` dict), ``optimizer`` ("adam"), ``learning_rate``
            (0.005, the one-cycle peak), ``schedule`` ("one_cycle"; None for a constant
            rate), ``epochs`` (15), ``batch_size`` (32), ``early_stopping`` (False),
            ``data`` (any image ``Dataset``), ``seed``, ``verbose``, ``run_dir``,
            ``data_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).
    """
    s = _common.resolve_settings("digits_cnn", DEFAULTS, overrides)
    return _common.run_image_cnn("digits_cnn", "digits", s, test=s["test"])
