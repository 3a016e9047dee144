"""Digits with an MLP: 8x8 handwritten digits, flattened to 64 pixels, two hidden layers.

The README's main job, fully offline: scikit-learn's embedded digits (1,797 images of 8x8
pixels, 10 classes), 55% / 15% / 30% train / validation / test (stratified, seeded), pixel
values scaled to [0, 1]. The MLP sees each image as a flat vector of 64 numbers: Dense 128
relu -> Dropout 0.2 -> Dense 64 relu -> Dropout 0.2 -> Dense 10 softmax, Adam, sparse
categorical cross-entropy, early stopping on the validation loss (best weights restored).

Expected result (measured with the defaults, seed 0, TensorFlow backend): 96.8% test
accuracy on the 539 test digits (early stopping ended the run after 36 epochs); the run
folder has the learning curves and the confusion matrix.

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.15.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    hidden: the units of each hidden Dense layer. Defaults to (128, 64).
    activation: the hidden layers' activation. Defaults to 'relu'.
    dropout: the dropout rate after each hidden layer. Defaults to 0.2.
    batch_norm: batch normalization after each hidden layer. Defaults to False.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    kernel_initializer: the hidden layers' weight initializer. Defaults to 'he_normal'.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate. Defaults to 0.002.
    epochs: the number of passes over the training part. Defaults to 60.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 32.
    early_stopping: False, True or a dict of early-stopping options. Defaults to {'patience': 10}.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

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
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).
    """
    s = _common.resolve_settings("digits_mlp", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "digits", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        test=s["test"], flatten=True)
    run_dir = _common.run_folder("digits_mlp", s)
    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"],
                               activation=s["activation"], dropout=s["dropout"],
                               batch_norm=s["batch_norm"], weight_decay=s["weight_decay"],
                               kernel_initializer=s["kernel_initializer"], task=data.task,
                               num_classes=data.num_classes,
                               label_format=_common.label_format(data), seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], early_stopping=s["early_stopping"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir,
                           **_common.train_options(s))
    return _common.finish_single("digits_mlp", s, result)
