"""XOR: what one layer cannot learn and one hidden layer can.

XOR's 1-rows, (0,1) and (1,0), sit on one diagonal of the unit square and its 0-rows on the
other: no straight line separates them, so a single-layer perceptron gets at most 3 of the
4 rows right, whatever it is trained with (Minsky & Papert, 1969). Tutorials show it stuck
near 50%. A multi-layer perceptron with one hidden layer bends the boundary: its hidden
units draw two lines and the output combines them, which solves XOR.

Expected result (measured with the defaults, seed 0, TensorFlow and JAX backends): the
perceptron stays at <= 75% accuracy (50% with these settings), the MLP with one hidden
layer of 4 tanh units reaches 100%. ``plots/xor_boundaries.png`` shows both decision
regions side by side; ``plots/hidden_lines.png`` the lines the hidden units learned.

Settings:
    perceptron_epochs: the single-layer perceptron's epochs. Defaults to 10.
    perceptron_learning_rate: the perceptron rule's step size. Defaults to 1.0.
    hidden: the units of the MLP's hidden layers. Defaults to (4,).
    activation: the MLP's hidden activation. Defaults to 'tanh'.
    epochs: the MLP's epochs. Defaults to 60.
    optimizer: the MLP's optimizer. Defaults to 'adam'.
    learning_rate: the MLP's learning rate. Defaults to 0.1.
    batch_size: the MLP's samples per step. Defaults to 4.
    weight_decay: the MLP's L2 penalty. Defaults to 0.0.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run xor
    kerasdl run xor --set hidden=8 --set activation=relu

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("xor", verbose=0, run_dir="runs/xor")      # doctest: +SKIP
>>> result.metrics["mlp"]["accuracy"]                               # doctest: +SKIP
1.0
"""

from kerasdl.recipes import _common

DESCRIPTION = "Single-layer perceptron stuck <= 75% on XOR vs one hidden layer at 100%"

DEFAULTS = {
    "perceptron_epochs": 10,
    "perceptron_learning_rate": 1.0,
    "hidden": (4,),
    "activation": "tanh",
    "epochs": 60,
    "optimizer": "adam",
    "learning_rate": 0.1,
    "batch_size": 4,
    "weight_decay": 0.0,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train a perceptron and a one-hidden-layer MLP on XOR; plot both boundaries.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult`` with ``metrics`` keyed by model (``{"perceptron": {...}, "mlp":
        {...}}``, on the whole table), ``history`` keyed by model, ``model`` (dict),
        ``extras["figures"]`` and ``extras["runs"]`` (each model's run folder).
    """
    s = _common.resolve_settings("xor", DEFAULTS, overrides)
    import kerasdl

    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "xor", data_dir=s["data_dir"], seed=s["seed"])
    run_dir = _common.run_folder("xor", s, sub_runs=("perceptron", "mlp"))
    x, y = data.x_train, data.y_train

    kerasdl.set_random_seed(s["seed"])
    perceptron = kerasdl.models.perceptron(data.input_shape[0], seed=s["seed"])
    p_result = kerasdl.train(perceptron, data, optimizer="sgd",
                             learning_rate=s["perceptron_learning_rate"],
                             epochs=s["perceptron_epochs"], seed=s["seed"],
                             verbose=s["verbose"], run_dir=run_dir / "perceptron",
                             **_common.train_options(s))

    kerasdl.set_random_seed(s["seed"])
    mlp = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"], activation=s["activation"],
                             weight_decay=s["weight_decay"], task=data.task,
                             num_classes=data.num_classes, seed=s["seed"])
    m_result = kerasdl.train(mlp, data, optimizer=s["optimizer"],
                             learning_rate=s["learning_rate"], epochs=s["epochs"],
                             batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                             run_dir=run_dir / "mlp", **_common.train_options(s))

    results = {"perceptron": p_result, "mlp": m_result}
    metrics = {}
    for name, result in results.items():
        ev = kerasdl.evaluate(result.model, (x, y))
        metrics[name] = {"accuracy": ev["accuracy"], "loss": ev["loss"]}
    if s["verbose"]:
        print(f"perceptron accuracy {metrics['perceptron']['accuracy']:.2f}, "
              f"MLP accuracy {metrics['mlp']['accuracy']:.2f}")

    if data.input_shape == (2,):  # decision regions are drawn for 2-D inputs only
        kerasdl.reports.plot_decision_boundaries(
            {f"perceptron (single layer): {metrics['perceptron']['accuracy']:.0%}":
                 p_result.model,
             f"MLP, hidden {tuple(s['hidden'])}: {metrics['mlp']['accuracy']:.0%}":
                 m_result.model},
            x, y, path=run_dir / "plots" / "xor_boundaries.png")
        kerasdl.reports.plot_lines(m_result.model, x, y, title="lines of the MLP's hidden units",
                                   path=run_dir / "plots" / "hidden_lines.png")

    return _common.finish_multi("xor", s, run_dir, results, metrics)
