"""Linear regression: recover ``w`` and ``b`` of ``y = w·x + b + noise`` by gradient descent.

The classic first tutorial: 200 points ``x ~ U[-2, 2]``, ``y = 2x + 1 + N(0, 0.5²)``, split
80% / 20% into training and test parts, a 20% validation part held out of the training part,
one Dense unit with a linear output trained on the mean squared error by mini-batch SGD
(learning rate 0.01, batch 32) for 100 epochs. The MSE of a linear model is a quadratic
bowl in ``(w, b)``, so gradient descent walks down to the least-squares solution.

Expected result (measured with the defaults, seed 0): learned ``w = 1.947, b = 0.956``
(TensorFlow; 1.948 and 0.955 on JAX) for the true 2 and 1, test MSE 0.291 (the noise
variance is 0.25); the test suite asserts both within 0.1 on both backends. The run folder's
``plots/fit.png`` shows the data and the fitted line, ``plots/learning_curves.png`` the
training and validation loss.

    kerasdl run linear_regression
    kerasdl run linear-regression --set w=-3 --set noise=1.0 --epochs 200

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("linear_regression", verbose=0, run_dir="runs/lr")  # doctest: +SKIP
>>> result.extras["w"], result.extras["b"]                                  # doctest: +SKIP
([2.0...], 1.0...)
"""

from kerasdl.recipes import _common

DESCRIPTION = "Recover w and b of y = w*x + b + noise with SGD on MSE; fit and loss plots"

DEFAULTS = {
    "n_samples": 200,
    "w": 2.0,
    "b": 1.0,
    "noise": 0.5,
    "test": 0.2,
    "validation_split": 0.2,
    "optimizer": "minibatch_sgd",
    "learning_rate": 0.01,
    "epochs": 100,
    "batch_size": 32,
    "weight_decay": 0.0,
    "l1": 0.0,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Fit ``y = w·x + b`` by SGD and report the learned weights.

    Args:
        **overrides: settings to change; see ``DEFAULTS``: the data (``n_samples`` 200,
            true ``w`` 2.0 and ``b`` 1.0, ``noise`` 0.5, ``test`` fraction 0.2), the
            training (``validation_split`` 0.2 of the training part, ``optimizer``
            "minibatch_sgd", ``learning_rate`` 0.01, ``epochs`` 100, ``batch_size`` 32),
            ``weight_decay`` (L2: ridge regression, 0) and ``l1`` (the lasso, 0),
            ``data`` (any regression ``Dataset`` instead), ``seed``, ``verbose``,
            ``run_dir``, ``data_dir``.

    Returns:
        A ``RunResult`` (from ``kerasdl.train``) with test ``metrics`` (``loss`` = MSE,
        ``mean_absolute_error``), ``extras["w"]`` (list, one weight per feature),
        ``extras["b"]``, ``extras["true_w"]`` / ``extras["true_b"]`` (None for user data)
        and ``extras["figures"]``.
    """
    s = _common.resolve_settings("linear_regression", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "regression", test=s["test"], n=s["n_samples"], w=s["w"],
                             b=s["b"], noise=s["noise"])
    run_dir = _common.make_run_dir("linear_regression", s["run_dir"])
    _common.set_seed(s["seed"])
    model = kerasdl.models.linear_regression(data.input_shape, weight_decay=s["weight_decay"],
                                             l1=s["l1"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"],
                           validation_split=None if data.has_val else s["validation_split"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir)
    kernel, bias = result.model.layers[-1].get_weights()
    learned = {"w": [float(v) for v in kernel.ravel()], "b": float(bias.ravel()[0]),
               "true_w": data.info.get("w"), "true_b": data.info.get("b")}
    if s["verbose"]:
        true = (f" (true w = {learned['true_w']}, b = {learned['true_b']})"
                if learned["true_w"] is not None else "")
        print(f"learned w = {', '.join(f'{v:.4f}' for v in learned['w'])}, "
              f"b = {learned['b']:.4f}{true}")
    return _common.finish_single("linear_regression", s, result, learned)
