"""Logistic regression: malignant or benign, from 30 measurements of a breast tumour.

``p(malignant | x) = sigmoid(w·x + b)``: one Dense unit with a sigmoid, trained on the
binary cross-entropy (the negative log-likelihood of the labels). The decision boundary
``w·x + b = 0`` is a hyperplane in the 30-dimensional feature space. Data: scikit-learn's
Wisconsin breast cancer set (569 tumours, offline), 70% / 30% stratified split with 15% of
the whole set as validation, features standardized on the training part only.

Expected result (measured with the defaults, seed 0, TensorFlow backend): 97.1% test
accuracy on the 171 test tumours (test loss 0.070).
``plots/confusion_matrix.png`` and ``plots/learning_curves.png`` are in the run folder.

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.15.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate. Defaults to 0.01.
    epochs: the number of passes over the training part. Defaults to 30.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 32.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    early_stopping: False, True or a dict of early-stopping options. Defaults to False.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run logistic_regression
    kerasdl run logistic-regression --set weight_decay=0.01 --epochs 50

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("logistic_regression", verbose=0)          # doctest: +SKIP
>>> result.metrics["accuracy"] > 0.95                                # doctest: +SKIP
True
"""

from kerasdl.recipes import _common

DESCRIPTION = "Breast cancer, malignant vs benign: logistic regression (sigmoid + BCE)"

DEFAULTS = {
    "val": 0.15,
    "test": 0.3,
    "optimizer": "adam",
    "learning_rate": 0.01,
    "epochs": 30,
    "batch_size": 32,
    "weight_decay": 0.0,
    "early_stopping": False,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train logistic regression on the breast cancer set.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        The ``RunResult`` of ``kerasdl.train``: test ``metrics`` (``accuracy``, ``loss``),
        ``extras["evaluation"]`` (per-class scores, confusion matrix), ``extras["figures"]``.
    """
    s = _common.resolve_settings("logistic_regression", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "breast_cancer", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        test=s["test"])
    run_dir = _common.run_folder("logistic_regression", s)
    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.logistic_regression(data.input_shape, task=data.task,
                                               num_classes=data.num_classes,
                                               label_format=_common.label_format(data),
                                               weight_decay=s["weight_decay"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], early_stopping=s["early_stopping"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir,
                           **_common.train_options(s))
    return _common.finish_single("logistic_regression", s, result)

