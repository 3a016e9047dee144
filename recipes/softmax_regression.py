"""Softmax regression: three iris species from four flower measurements, one-hot labels.

``p = softmax(W x + b)``: one Dense layer of 3 units turns the 4 measurements into 3 scores
and the softmax turns the scores into class probabilities. The labels are one-hot vectors
(``keras.utils.to_categorical``, as the tutorials write them) and the loss is the
categorical cross-entropy. Data: scikit-learn's iris set (150 flowers, offline), 70% / 30%
stratified split with 15% of the whole set as validation, features standardized on the
training part only.

Expected result (measured with the defaults, seed 0, TensorFlow backend): 95.6% test
accuracy on the 45 test flowers (two mistakes); the run folder holds
``plots/confusion_matrix.png`` and ``plots/learning_curves.png``.

Settings:
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.15.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    one_hot: one-hot labels and categorical cross-entropy (False: sparse labels). Defaults to True.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate. Defaults to 0.05.
    epochs: the number of passes over the training part. Defaults to 40.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 16.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run softmax_regression
    kerasdl run softmax-regression --set data=wine

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("softmax_regression", verbose=0)            # doctest: +SKIP
>>> result.metrics["accuracy"] > 0.9                                  # doctest: +SKIP
True
"""

from kerasdl.recipes import _common

DESCRIPTION = "Iris, 3 species: softmax regression on one-hot labels (categorical CE)"

DEFAULTS = {
    "val": 0.15,
    "test": 0.3,
    "one_hot": True,
    "optimizer": "adam",
    "learning_rate": 0.05,
    "epochs": 40,
    "batch_size": 16,
    "weight_decay": 0.0,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train softmax regression on iris (or another multiclass ``Dataset``).

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        The ``RunResult`` of ``kerasdl.train``: test ``metrics`` (``accuracy``, ``loss``),
        ``extras["evaluation"]`` (per-class scores, confusion matrix), ``extras["figures"]``.
    """
    s = _common.resolve_settings("softmax_regression", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "iris", data_dir=s["data_dir"], seed=s["seed"], val=s["val"], test=s["test"],
        one_hot=s["one_hot"])
    if s["one_hot"]:
        data = _common.one_hot_labels(data)  # also for a Dataset given as `data`
    run_dir = _common.run_folder("softmax_regression", s)
    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.softmax_regression(data.input_shape, task=data.task,
                                              num_classes=data.num_classes,
                                              label_format=_common.label_format(data),
                                              weight_decay=s["weight_decay"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                           run_dir=run_dir,
                           **_common.train_options(s))
    return _common.finish_single("softmax_regression", s, result)
