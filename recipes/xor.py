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
        **overrides: settings to change; see ``DEFAULTS``: ``perceptron_epochs`` (10) and
            ``perceptron_learning_rate`` (1.0) for the perceptron rule; ``hidden`` ((4,)),
            ``activation`` ("tanh"), ``epochs`` (60), ``optimizer`` ("adam"),
            ``learning_rate`` (0.1), ``batch_size`` (4) and ``weight_decay`` (0) for the
            MLP; ``data`` (a binary 2-input ``Dataset`` instead of the XOR table), ``seed``,
            ``verbose``, ``run_dir``, ``data_dir``.

    Returns:
        A ``RunResult`` with ``metrics`` keyed by model (``{"perceptron": {...}, "mlp":
        {...}}``, on the whole table), ``history`` keyed by model, ``model`` (dict),
        ``extras["figures"]`` and ``extras["runs"]`` (each model's run folder).
    """
    s = _common.resolve_settings("xor", DEFAULTS, overrides)
    import kerasdl

    data = _common.load_data(s, "xor")
    run_dir = _common.make_run_dir("xor", s["run_dir"])
    x, y = data.x_train, data.y_train

    _common.set_seed(s["seed"])
    perceptron = kerasdl.models.perceptron(data.input_shape[0], seed=s["seed"])
    p_result = kerasdl.train(perceptron, data, optimizer="sgd",
                             learning_rate=s["perceptron_learning_rate"],
                             epochs=s["perceptron_epochs"], seed=s["seed"],
                             verbose=s["verbose"], run_dir=run_dir / "perceptron")

    _common.set_seed(s["seed"])
    mlp = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"], activation=s["activation"],
                             weight_decay=s["weight_decay"], task=data.task,
                             num_classes=data.num_classes, seed=s["seed"])
    m_result = kerasdl.train(mlp, data, optimizer=s["optimizer"],
                             learning_rate=s["learning_rate"], epochs=s["epochs"],
                             batch_size=s["batch_size"], seed=s["seed"], verbose=s["verbose"],
                             run_dir=run_dir / "mlp")

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

    figures = _common.write_multi_run(run_dir, "xor", s, metrics)
    return kerasdl.training.RunResult(
        model={name: r.model for name, r in results.items()},
        history={name: r.history for name, r in results.items()}, metrics=metrics,
        run_dir=run_dir, timings={"wall_s": sum(r.timings.get("wall_s", 0.0)
                                                for r in results.values())},
        config=_common.jsonable_settings(s),
        extras={"figures": figures, "runs": {n: str(r.run_dir) for n, r in results.items()}})
