"""MNIST with the textbook MLP: Dense 512 relu -> Dense 10 softmax, RMSprop, 5 epochs.

The first network of most deep-learning books (Chollet, *Deep Learning with Python*,
chapter 2): each 28x28 digit flattened to 784 values in [0, 1], labels one-hot encoded
with ``to_categorical``, categorical cross-entropy, RMSprop, 5 epochs of batches of 128.
The book reports about 97.8% test accuracy on the full MNIST test set (a literature figure,
not measured here: MNIST cannot be downloaded on this project's machines).

Data: ``kerasdl.data.load("mnist")`` (downloaded with pinned SHA-256 sums, or read from
``data_dir``: ``mnist.npz`` or the four IDX files), or any ``Dataset`` through ``data=``.
Measured here on 5,000 real MNIST test digits (train on the first 4,000, test on the next
1,000, defaults, seed 0, ``benchmarks/time_to_accuracy.py``): 87.9% test accuracy on
TensorFlow, 87.7% on JAX, after 5 epochs (160 steps), 4-5 s of training.

    kerasdl run mnist_mlp
    kerasdl run mnist-mlp --data-dir ~/datasets/mnist --epochs 10

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("mnist_mlp", verbose=2)                     # doctest: +SKIP
"""

from kerasdl.recipes import _common

DESCRIPTION = "MNIST, the textbook MLP: Dense 512 relu -> 10 softmax, RMSprop, one-hot, 5 epochs"

DEFAULTS = {
    "val": None,
    "one_hot": True,
    "hidden": (512,),
    "activation": "relu",
    "dropout": 0.0,
    "weight_decay": 0.0,
    "optimizer": "rmsprop",
    "learning_rate": 0.001,
    "epochs": 5,
    "batch_size": 128,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train the textbook MLP on MNIST.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: ``val`` (validation fraction of
            the training part, None), ``one_hot`` (True: categorical cross-entropy),
            ``hidden`` ((512,)), ``activation`` ("relu"), ``dropout`` (0), ``weight_decay``
            (L2, 0), ``optimizer`` ("rmsprop"), ``learning_rate`` (0.001), ``epochs`` (5),
            ``batch_size`` (128), ``data`` (any image or flat classification ``Dataset``),
            ``data_dir`` (folder with the MNIST files), ``seed``, ``verbose``, ``run_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train`` (test ``metrics``: ``accuracy``, ``loss``).

    Raises:
        kerasdl.errors.DatasetNotAvailableError: offline without the MNIST files.
    """
    s = _common.resolve_settings("mnist_mlp", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "mnist", val=s["val"], one_hot=s["one_hot"], flatten=True)
    if s["one_hot"]:
        data = _common.one_hot_labels(data)  # also for a Dataset given as `data`
    run_dir = _common.make_run_dir("mnist_mlp", s["run_dir"])
    _common.set_seed(s["seed"])
    model = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"],
                               activation=s["activation"], dropout=s["dropout"],
                               weight_decay=s["weight_decay"], task=data.task,
                               num_classes=data.num_classes,
                               label_format=_common.label_format(data), seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                           run_dir=run_dir)
    return _common.finish_single("mnist_mlp", s, result)
