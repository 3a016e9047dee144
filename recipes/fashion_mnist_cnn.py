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

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to None.
    filters: the filters of each conv block (Conv, BatchNorm, ReLU, MaxPool). Defaults to (32, 64, 128).
    kernel_size: the side of every convolution kernel. Defaults to 3.
    dense: the units of each hidden Dense layer after the conv blocks. Defaults to (256,).
    dropout: the dropout rate before each Dense layer. Defaults to 0.4.
    conv_dropout: the dropout rate after each conv block. Defaults to 0.1.
    batch_norm: batch normalization in every conv block. Defaults to True.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    augment: a kerasdl.augment preset name, a pipeline dict, or None (off). Defaults to {'flip': 'horizontal', 'shift': 0.08, 'fill_mode': 'constant'}.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate (the schedule's peak). Defaults to 0.004.
    schedule: a learning-rate schedule name, or None for a constant rate. Defaults to 'one_cycle'.
    epochs: the number of passes over the training part. Defaults to 20.
    batch_size: the samples per training step. Defaults to 128.
    early_stopping: False, True or a dict of early-stopping options. Defaults to False.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run fashion_mnist_cnn
    kerasdl run fashion-mnist-cnn --epochs 5 --set dropout=0.4

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("fashion_mnist_cnn", verbose=2)                        # doctest: +SKIP
"""

import kerasdl
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
    """Train the CNN of this recipe (see the module docstring for its settings).

    Args:
        **overrides: settings to change (the "Settings:" section above).

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).

    Raises:
        kerasdl.errors.DatasetNotAvailableError: offline without the Fashion-MNIST files.
    """

    s = _common.resolve_settings("fashion_mnist_cnn", DEFAULTS, overrides)
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "fashion_mnist", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        channels=True)
    data = _common.with_channels(data)  # a Dataset given as `data` may lack the channel axis
    run_dir = _common.run_folder("fashion_mnist_cnn", s)

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
    return _common.finish_single("fashion_mnist_cnn", s, result)
