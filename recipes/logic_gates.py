"""Logic gates: Rosenblatt's perceptron learns AND, OR and NAND.

A perceptron computes ``y = step(w1·x1 + w2·x2 + b)``: the line ``w1·x1 + w2·x2 + b = 0``
cuts the plane in two and the unit fires on one side. AND, OR and NAND are *linearly
separable* (one line puts their 1-rows on one side and their 0-rows on the other), so the
perceptron rule ``w <- w + η (t - y) x`` is guaranteed to find such a line in finitely many
updates (the perceptron convergence theorem). Here it runs as online SGD (batch size 1)
through ``kerasdl.train`` on each 4-row truth table, starting from zero weights.

Expected result (measured with the defaults, seed 0, TensorFlow and JAX backends): 100%
accuracy on each of AND, OR and NAND (TensorFlow run: AND ``w = [1, 2], b = -3``, OR ``w =
[1, 1], b = -1``, NAND ``w = [-2, -1], b = 2``). The figure ``plots/decision_lines.png``
shows each gate's learned line over its truth table; each gate's own run folder (``and/``,
``or/``, ``nand/``) holds its learning curves and decision region.

Settings:
    gates: the truth tables to learn, any of "and", "or", "nand", "xor". Defaults to ('and', 'or', 'nand').
    epochs: the number of passes over the training part. Defaults to 10.
    learning_rate: the perceptron rule's step size. Defaults to 1.0.
    optimizer: "sgd": the perceptron rule, one sample per step. Defaults to 'sgd'.
    repeats: how often each truth-table row is repeated. Defaults to 1.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run logic_gates
    kerasdl run logic-gates --set gates=and,or --epochs 20

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("logic_gates", verbose=0, run_dir="runs/gates")   # doctest: +SKIP
>>> result.metrics["and"]["accuracy"]                                       # doctest: +SKIP
1.0
"""

from kerasdl.recipes import _common

DESCRIPTION = "Perceptron learns AND, OR, NAND (100%); plots each decision line"

DEFAULTS = {
    "gates": ("and", "or", "nand"),
    "epochs": 10,
    "learning_rate": 1.0,
    "optimizer": "sgd",
    "repeats": 1,
    **_common.COMMON_DEFAULTS,
}

_GATES = ("and", "or", "nand", "xor")


def run(**overrides):
    """Train one perceptron per gate and plot the decision lines.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult``: ``metrics`` keyed by gate (``{"and": {"accuracy": 1.0, "loss":
        0.0}, ...}``, on the full truth table), ``history`` keyed by gate,
        ``extras["weights"]`` (learned ``w`` and ``b`` per gate), ``extras["figures"]``,
        ``extras["runs"]`` (each gate's run folder) and ``model`` (a dict of perceptrons).

    Raises:
        ValueError: for unknown settings or gate names.
    """
    s = _common.resolve_settings("logic_gates", DEFAULTS, overrides)
    import kerasdl
    from kerasdl.validation import check_choice

    if s["data"] is not None:
        data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
            s["data"], data_dir=s["data_dir"], seed=s["seed"])
        datasets = {data.name: data}
    else:
        gates = [check_choice("gates", g, _GATES) for g in s["gates"]]
        if not gates:
            raise ValueError("`gates` must name at least one gate; received ().")
        datasets = {g: kerasdl.data.load(g, seed=s["seed"], repeats=s["repeats"])
                    for g in gates}
    run_dir = _common.run_folder("logic_gates", s, sub_runs=tuple(datasets))

    results, metrics, weights = {}, {}, {}
    for name, data in datasets.items():
        kerasdl.set_random_seed(s["seed"])
        model = kerasdl.models.perceptron(data.input_shape[0], seed=s["seed"])
        results[name] = result = kerasdl.train(
            model, data, optimizer=s["optimizer"], learning_rate=s["learning_rate"],
            epochs=s["epochs"], seed=s["seed"], verbose=s["verbose"], run_dir=run_dir / name,
            **_common.train_options(s))
        ev = kerasdl.evaluate(result.model, (data.x_train, data.y_train))
        metrics[name] = {"accuracy": ev["accuracy"], "loss": ev["loss"]}
        kernel, bias = result.model.layers[-1].get_weights()
        weights[name] = {"w": [float(v) for v in kernel.ravel()], "b": float(bias[0])}
        if s["verbose"]:
            w = ", ".join(f"{v:g}" for v in weights[name]["w"])
            print(f"{name}: accuracy {ev['accuracy']:.2f}, w = [{w}], b = "
                  f"{weights[name]['b']:g}")

    planar = {name: data for name, data in datasets.items() if data.input_shape == (2,)}
    if planar:  # decision lines are drawn for 2-input perceptrons only
        fig, axes = _common.new_figure(len(planar), width=3.6, height=3.4)
        for ax, (name, data) in zip(axes[0], planar.items()):
            kerasdl.reports.plot_lines(results[name].model, data.x_train, data.y_train, ax=ax,
                                       labels=[f"{name.upper()} decision line"],
                                       title=f"{name.upper()}: accuracy "
                                             f"{metrics[name]['accuracy']:.0%}")
        kerasdl.reports.save_figure(fig, run_dir / "plots" / "decision_lines.png")

    return _common.finish_multi("logic_gates", s, run_dir, results, metrics,
                                extras={"weights": weights},
                                result_extras={"weights": weights})
