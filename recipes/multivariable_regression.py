"""Multivariable linear regression: three exam scores -> the final score.

The classic five-row table (73, 80, 75 -> 152; 93, 88, 93 -> 185; 89, 91, 90 -> 180;
96, 98, 100 -> 196; 73, 66, 70 -> 142) fitted by ``y = w1·x1 + w2·x2 + w3·x3 + b``. The
three features are standardized with the statistics of the training rows (the raw scores,
around 80, would make the MSE surface so elongated that gradient descent needs a tiny
learning rate and thousands of steps), then full-batch gradient descent minimises the MSE.
All five rows are training rows, as in the tutorial, so the metrics are training metrics.

Expected result (measured with the defaults, seed 0, TensorFlow backend): predictions
151.8, 184.5, 180.3, 196.2, 142.2 for the true 152, 185, 180, 196, 142 (training MSE 0.106;
the exact least-squares fit has 0.1047); the test suite asserts every prediction within
3 points on both backends. ``plots/predictions.png`` in
the run folder shows predictions against the truth, ``plots/learning_curves.png`` the loss.

Settings:
    optimizer: "gd": the whole table per step. Defaults to 'gd'.
    learning_rate: the learning rate. Defaults to 0.3.
    epochs: the number of passes over the training part. Defaults to 50.
    batch_size: the samples per step (None: "gd" takes the whole table). Defaults to None.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run multivariable_regression
    kerasdl run multivariable-regression --epochs 300 --learning-rate 0.1

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("multivariable_regression", verbose=0)     # doctest: +SKIP
>>> [round(p) for p in result.extras["predictions"]]                 # doctest: +SKIP
[152, 184, 180, 196, 142]
"""

from kerasdl.recipes import _common

DESCRIPTION = "Exam scores (x1, x2, x3) -> final score: multivariable linear regression, GD"

DEFAULTS = {
    "optimizer": "gd",
    "learning_rate": 0.3,
    "epochs": 50,
    "batch_size": None,
    "weight_decay": 0.0,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Fit the exam-scores table by full-batch gradient descent.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult``: ``metrics`` (MSE ``loss`` and ``mean_absolute_error`` on the test
        part, or on the training rows when the data has no test or validation part, as the
        exam table), ``extras["w"]``, ``extras["b"]`` (in standardized units),
        ``extras["predictions"]`` and ``extras["targets"]`` (training rows),
        ``extras["figures"]``.
    """
    s = _common.resolve_settings("multivariable_regression", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "exam_scores", data_dir=s["data_dir"], seed=s["seed"])
    run_dir = _common.run_folder("multivariable_regression", s)
    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.linear_regression(data.input_shape, weight_decay=s["weight_decay"],
                                             seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                           run_dir=run_dir,
                           **_common.train_options(s))
    if not result.metrics:
        ev = kerasdl.evaluate(result.model, (data.x_train, data.y_train))
        result.metrics = {k: v for k, v in ev.items() if isinstance(v, float)}
    kernel, bias = result.model.layers[-1].get_weights()
    predictions = result.model.predict(data.x_train, verbose=0).ravel()
    extras = {"w": [float(v) for v in kernel.ravel()], "b": float(bias.ravel()[0]),
              "predictions": [float(p) for p in predictions],
              "targets": [float(t) for t in data.y_train.ravel()],
              "train_metrics": dict(result.metrics)}
    if s["verbose"]:
        for p, t in zip(extras["predictions"], extras["targets"]):
            print(f"predicted {p:7.2f}   true {t:7.2f}")
    return _common.finish_single("multivariable_regression", s, result, extras)
