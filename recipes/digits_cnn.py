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

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.15.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    filters: the filters of each conv block (Conv, BatchNorm, ReLU, MaxPool). Defaults to (32, 64).
    kernel_size: the side of every convolution kernel. Defaults to 3.
    dense: the units of each hidden Dense layer after the conv blocks. Defaults to (128,).
    dropout: the dropout rate before each Dense layer. Defaults to 0.3.
    conv_dropout: the dropout rate after each conv block. Defaults to 0.0.
    batch_norm: batch normalization in every conv block. Defaults to True.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    augment: a kerasdl.augment preset name, a pipeline dict, or None (off). Defaults to None.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate (the schedule's peak). Defaults to 0.005.
    schedule: a learning-rate schedule name, or None for a constant rate. Defaults to 'one_cycle'.
    epochs: the number of passes over the training part. Defaults to 15.
    batch_size: the samples per training step. Defaults to 32.
    early_stopping: False, True or a dict of early-stopping options. Defaults to False.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run digits_cnn
    kerasdl run digits-cnn --set filters=16,32 --epochs 10

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("digits_cnn", verbose=0)                    # doctest: +SKIP
>>> result.metrics["accuracy"] >= 0.97                                # doctest: +SKIP
True
"""

import kerasdl
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
    """Train the CNN of this recipe (see the module docstring for its settings).

    Args:
        **overrides: settings to change (the "Settings:" section above).

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).
    """
    s = _common.resolve_settings("digits_cnn", DEFAULTS, overrides)
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "digits", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        test=s["test"], channels=True)
    data = _common.with_channels(data)  # a Dataset given as `data` may lack the channel axis
    run_dir = _common.run_folder("digits_cnn", s)

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
    return _common.finish_single("digits_cnn", s, result)
