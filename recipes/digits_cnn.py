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

>>> import recipes
>>> result = recipes.run("digits_cnn", verbose=0)                    # doctest: +SKIP
>>> result.metrics["accuracy"] >= 0.97                                # doctest: +SKIP
True
"""

from recipes import _common

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
    import kerasdl

    data = _common.load_data(s, "digits", val=s["val"], test=s["test"], channels=True)
    data = _common.with_channels(data)
    run_dir = _common.make_run_dir("digits_cnn", s["run_dir"])
    _common.set_seed(s["seed"])
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
                           verbose=s["verbose"], run_dir=run_dir)
    if s["verbose"]:
        _common.print_metrics("digits_cnn", result.metrics)
    return _common.finish_single("digits_cnn", s, result)
