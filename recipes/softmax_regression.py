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
        **overrides: settings to change; see ``DEFAULTS``: ``val`` (0.15) and ``test``
            (0.3) fractions, ``one_hot`` (True: categorical cross-entropy; False: sparse
            labels), ``optimizer`` ("adam"), ``learning_rate`` (0.05), ``epochs`` (40),
            ``batch_size`` (16), ``weight_decay`` (L2, 0), ``data`` (a ``Dataset`` or a
            dataset name such as ``"wine"``), ``seed``, ``verbose``, ``run_dir``,
            ``data_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train``: test ``metrics`` (``accuracy``, ``loss``),
        ``extras["evaluation"]`` (per-class scores, confusion matrix), ``extras["figures"]``.
    """
    s = _common.resolve_settings("softmax_regression", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "iris", val=s["val"], test=s["test"], one_hot=s["one_hot"])
    if s["one_hot"]:
        data = _common.one_hot_labels(data)  # also for a Dataset given as `data`
    run_dir = _common.make_run_dir("softmax_regression", s["run_dir"])
    _common.set_seed(s["seed"])
    model = kerasdl.models.softmax_regression(data.input_shape, task=data.task,
                                              num_classes=data.num_classes,
                                              label_format=_common.label_format(data),
                                              weight_decay=s["weight_decay"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                           run_dir=run_dir)
    return _common.finish_single("softmax_regression", s, result)
