"""Digits with an MLP: 8x8 handwritten digits, flattened to 64 pixels, two hidden layers.

The README's main job, fully offline: scikit-learn's embedded digits (1,797 images of 8x8
pixels, 10 classes), 55% / 15% / 30% train / validation / test (stratified, seeded), pixel
values scaled to [0, 1]. The MLP sees each image as a flat vector of 64 numbers: Dense 128
relu -> Dropout 0.2 -> Dense 64 relu -> Dropout 0.2 -> Dense 10 softmax, Adam, sparse
categorical cross-entropy, early stopping on the validation loss (best weights restored).

Expected result (measured with the defaults, seed 0, TensorFlow backend): 96.8% test
accuracy on the 539 test digits (early stopping ended the run after 36 epochs); the run
folder has the learning curves and the confusion matrix.

    kerasdl run digits_mlp
    kerasdl run digits-mlp --set hidden=256,128 --set dropout=0.3

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("digits_mlp", verbose=0)                    # doctest: +SKIP
>>> result.metrics["accuracy"] > 0.95                                 # doctest: +SKIP
True
"""

from kerasdl.recipes import _common

DESCRIPTION = "Embedded 8x8 digits (offline) with an MLP: Dense 128-64, dropout, Adam"

DEFAULTS = {
    "val": 0.15,
    "test": 0.3,
    "hidden": (128, 64),
    "activation": "relu",
    "dropout": 0.2,
    "batch_norm": False,
    "weight_decay": 0.0,
    "kernel_initializer": "he_normal",
    "optimizer": "adam",
    "learning_rate": 0.002,
    "epochs": 60,
    "batch_size": 32,
    "early_stopping": {"patience": 10},
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train an MLP on the embedded digits.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: ``val``/``test`` fractions
            (0.15 / 0.3), ``hidden`` ((128, 64)), ``activation`` ("relu"), ``dropout``
            (0.2), ``batch_norm`` (False), ``weight_decay`` (0), ``kernel_initializer``
            ("he_normal"), ``optimizer`` ("adam"), ``learning_rate`` (0.002), ``epochs``
            (60, an upper bound with early stopping), ``batch_size`` (32),
            ``early_stopping`` (``{"patience": 10}``; False turns it off), ``data`` (any
            classification ``Dataset``), ``seed``, ``verbose``, ``run_dir``, ``data_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).
    """
    s = _common.resolve_settings("digits_mlp", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "digits", val=s["val"], test=s["test"], flatten=True)
    run_dir = _common.make_run_dir("digits_mlp", s["run_dir"])
    _common.set_seed(s["seed"])
    model = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"],
                               activation=s["activation"], dropout=s["dropout"],
                               batch_norm=s["batch_norm"], weight_decay=s["weight_decay"],
                               kernel_initializer=s["kernel_initializer"], task=data.task,
                               num_classes=data.num_classes,
                               label_format=_common.label_format(data), seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], early_stopping=s["early_stopping"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir)
    return _common.finish_single("digits_mlp", s, result)
