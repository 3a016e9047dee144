"""Logistic regression: malignant or benign, from 30 measurements of a breast tumour.

``p(malignant | x) = sigmoid(w·x + b)``: one Dense unit with a sigmoid, trained on the
binary cross-entropy (the negative log-likelihood of the labels). The decision boundary
``w·x + b = 0`` is a hyperplane in the 30-dimensional feature space. Data: scikit-learn's
Wisconsin breast cancer set (569 tumours, offline), 70% / 30% stratified split with 15% of
the whole set as validation, features standardized on the training part only.

Expected result (measured with the defaults, seed 0, TensorFlow backend): 97.1% test
accuracy on the 171 test tumours (test loss 0.070).
``plots/confusion_matrix.png`` and ``plots/learning_curves.png`` are in the run folder.

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
        **overrides: settings to change; see ``DEFAULTS``: ``val`` (0.15) and ``test``
            (0.3) fractions, ``optimizer`` ("adam"), ``learning_rate`` (0.01), ``epochs``
            (30), ``batch_size`` (32), ``weight_decay`` (L2, 0), ``early_stopping``
            (False, True or its settings), ``data`` (any binary ``Dataset``), ``seed``,
            ``verbose``, ``run_dir``, ``data_dir``.

    Returns:
        The ``RunResult`` of ``kerasdl.train``: test ``metrics`` (``accuracy``, ``loss``),
        ``extras["evaluation"]`` (per-class scores, confusion matrix), ``extras["figures"]``.
    """
    s = _common.resolve_settings("logistic_regression", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "breast_cancer", val=s["val"], test=s["test"])
    run_dir = _common.make_run_dir("logistic_regression", s["run_dir"])
    _common.set_seed(s["seed"])
    model = kerasdl.models.logistic_regression(data.input_shape, task=data.task,
                                               num_classes=data.num_classes,
                                               label_format=_common.label_format(data),
                                               weight_decay=s["weight_decay"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], early_stopping=s["early_stopping"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir)
    return _common.finish_single("logistic_regression", s, result)

