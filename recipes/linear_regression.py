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

Settings:
    n_samples: the number of generated points. Defaults to 200.
    w: the true slope of the generated data. Defaults to 2.0.
    b: the true intercept of the generated data. Defaults to 1.0.
    noise: the standard deviation of the generated noise. Defaults to 0.5.
    test: the fraction of the data held out for testing. Defaults to 0.2.
    validation_split: the fraction of the training part used to validate. Defaults to 0.2.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'minibatch_sgd'.
    learning_rate: the learning rate. Defaults to 0.01.
    epochs: the number of passes over the training part. Defaults to 100.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 32.
    weight_decay: the L2 penalty on every kernel. Defaults to 0.0.
    l1: the L1 penalty on the kernel (the lasso). Defaults to 0.0.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

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
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult`` (from ``kerasdl.train``) with test ``metrics`` (``loss`` = MSE,
        ``mean_absolute_error``), ``extras["w"]`` (list, one weight per feature),
        ``extras["b"]``, ``extras["true_w"]`` / ``extras["true_b"]`` (None for user data)
        and ``extras["figures"]``.
    """
    s = _common.resolve_settings("linear_regression", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "regression", data_dir=s["data_dir"], seed=s["seed"], test=s["test"],
        n=s["n_samples"], w=s["w"], b=s["b"], noise=s["noise"])
    run_dir = _common.run_folder("linear_regression", s)
    kerasdl.set_random_seed(s["seed"])
    model = kerasdl.models.linear_regression(data.input_shape, weight_decay=s["weight_decay"],
                                             l1=s["l1"], seed=s["seed"])
    result = kerasdl.train(model, data, optimizer=s["optimizer"],
                           learning_rate=s["learning_rate"], epochs=s["epochs"],
                           batch_size=s["batch_size"],
                           validation_split=None if data.has_val else s["validation_split"],
                           seed=s["seed"], verbose=s["verbose"], run_dir=run_dir,
                           **_common.train_options(s))
    kernel, bias = result.model.layers[-1].get_weights()
    learned = {"w": [float(v) for v in kernel.ravel()], "b": float(bias.ravel()[0]),
               "true_w": data.info.get("w"), "true_b": data.info.get("b")}
    if s["verbose"]:
        true = (f" (true w = {learned['true_w']}, b = {learned['true_b']})"
                if learned["true_w"] is not None else "")
        print(f"learned w = {', '.join(f'{v:.4f}' for v in learned['w'])}, "
              f"b = {learned['b']:.4f}{true}")
    return _common.finish_single("linear_regression", s, result, learned)
