"""Compare optimizers: full-batch GD, online SGD, mini-batch SGD, momentum, RMSProp, Adam.

Every optimizer trains the same model from the same starting point on the same data: the
linear regression ``y = w·x + b`` of the classic tutorial (200 points, ``y = 2x + 1 +
noise``). With only two parameters the loss is a quadratic bowl over the ``(w, b)`` plane,
so each optimizer's path can be drawn on its contour plot, the textbook picture: full-batch
gradient descent walks straight down the steepest slope, online SGD zig-zags (one noisy
sample per step), mini-batch SGD is in between, momentum overshoots and curls in, RMSProp
and Adam take steps of similar size in every direction (sign-like first steps).

The figures (``plots/``): ``optimizers_loss.png`` (training loss vs epoch and vs wall-clock
time, in one figure: online SGD makes many more steps per epoch, and pays for them in
time) and ``optimizers_trajectories.png`` (the paths over the loss contours, with the
least-squares minimum marked). ``optimizers.csv`` tabulates the final numbers; each
optimizer's run folder is a sub-folder.

Expected result (measured with the defaults, seed 0): every optimizer ends near the
minimum ``w ≈ 2, b ≈ 1``; the measured losses and times are in
``docs/recipes/compare_optimizers.md``.

With ``data=`` any other dataset (not a 1-feature regression) trains an MLP of ``hidden``
units per optimizer instead; the contour figure then is not drawn.

Settings:
    optimizers: the optimizers to compare (names known to kerasdl.train). Defaults to ('gd', 'sgd', 'minibatch_sgd', 'momentum', 'rmsprop', 'adam').
    learning_rates: each optimizer's learning rate (merged into the defaults). Defaults to {'gd': 0.1, 'sgd': 0.01, 'minibatch_sgd': 0.05, 'momentum': 0.02, 'rmsprop': 0.05, 'adam': 0.2}.
    epochs: the number of passes over the training part. Defaults to 20.
    batch_size: the samples per step of every optimizer but "gd" and "sgd". Defaults to 16.
    n_samples: the number of generated points. Defaults to 200.
    w: the true slope of the generated data. Defaults to 2.0.
    b: the true intercept of the generated data. Defaults to 1.0.
    noise: the standard deviation of the generated noise. Defaults to 0.5.
    test: the fraction of the data held out for testing. Defaults to 0.2.
    initial_w: the slope every optimizer starts from. Defaults to -2.0.
    initial_b: the intercept every optimizer starts from. Defaults to 4.0.
    hidden: the MLP trained instead on data that is not a 1-feature regression. Defaults to (32,).
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run compare_optimizers
    kerasdl run compare-optimizers --set optimizers=gd,momentum,adam --epochs 50

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("compare_optimizers", verbose=0)            # doctest: +SKIP
>>> sorted(result.metrics)                                           # doctest: +SKIP
['adam', 'gd', 'minibatch_sgd', 'momentum', 'rmsprop', 'sgd']
"""

import time

import numpy as np

import kerasdl
from kerasdl.recipes import _common

DESCRIPTION = ("GD, SGD, mini-batch, momentum, RMSProp, Adam: loss vs epoch/time, paths on "
               "the loss contour")

DEFAULTS = {
    "optimizers": ("gd", "sgd", "minibatch_sgd", "momentum", "rmsprop", "adam"),
    "learning_rates": {"gd": 0.1, "sgd": 0.01, "minibatch_sgd": 0.05, "momentum": 0.02,
                       "rmsprop": 0.05, "adam": 0.2},
    "epochs": 20,
    "batch_size": 16,
    "n_samples": 200,
    "w": 2.0,
    "b": 1.0,
    "noise": 0.5,
    "test": 0.2,
    "initial_w": -2.0,
    "initial_b": 4.0,
    "hidden": (32,),
    **_common.COMMON_DEFAULTS,
}

_FULL_OR_ONLINE = ("gd", "sgd")


def _trajectory_callback():
    import keras

    class Trajectory(keras.callbacks.Callback):
        """Records the (w, b) of a one-weight linear model after every step."""

        def on_train_begin(self, logs=None):
            self.points = [self._point()]
            self.t0 = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.points.append(self._point())

        def _point(self):
            kernel, bias = self.model.layers[-1].get_weights()
            return float(kernel.ravel()[0]), float(bias.ravel()[0])

    return Trajectory()


def run(**overrides):
    """Train one model per optimizer and compare their curves and paths.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult``: ``metrics`` keyed by optimizer (test ``loss`` and metrics),
        ``history`` keyed by optimizer, ``timings`` (``wall_s`` per optimizer),
        ``extras["trajectories"]`` (lists of ``(w, b)`` per optimizer, linear case),
        ``extras["final"]`` (final ``w``, ``b``, loss and time per optimizer),
        ``extras["figures"]``, ``extras["table"]`` (the CSV path), ``extras["runs"]``.

    Raises:
        ValueError: for unknown settings or optimizer names (close matches listed).
    """
    s = _common.resolve_settings("compare_optimizers", DEFAULTS, overrides)
    import kerasdl
    from kerasdl.validation import check_choice, check_type

    names = [check_choice("optimizers", o, kerasdl.training.list_optimizers())
             for o in s["optimizers"]]
    if not names:
        raise ValueError("`optimizers` must name at least one optimizer; received ().")
    rates = dict(DEFAULTS["learning_rates"])
    rates.update(check_type("learning_rates", s["learning_rates"], dict))
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "regression", data_dir=s["data_dir"], seed=s["seed"], test=s["test"],
        n=s["n_samples"], w=s["w"], b=s["b"], noise=s["noise"])
    linear = data.task == "regression" and data.input_shape == (1,)
    run_dir = _common.run_folder("compare_optimizers", s, sub_runs=tuple(names))

    results, trajectories, metrics, final = {}, {}, {}, {}
    for name in names:
        kerasdl.set_random_seed(s["seed"])
        if linear:
            model = kerasdl.models.linear_regression(data.input_shape, seed=s["seed"])
            model.layers[-1].set_weights([np.full((1, 1), s["initial_w"], "float32"),
                                          np.full((1,), s["initial_b"], "float32")])
            callbacks = [_trajectory_callback()]
        else:
            model = kerasdl.models.mlp(data.input_shape, hidden=s["hidden"], task=data.task,
                                       num_classes=data.num_classes,
                                       label_format=_common.label_format(data), seed=s["seed"])
            callbacks = []
        result = kerasdl.train(model, data, optimizer=name, learning_rate=rates.get(name),
                               epochs=s["epochs"],
                               batch_size=None if name in _FULL_OR_ONLINE else s["batch_size"],
                               callbacks=callbacks, seed=s["seed"], verbose=s["verbose"],
                               run_dir=run_dir / name, **_common.train_options(s))
        results[name] = result
        metrics[name] = dict(result.metrics)
        final[name] = {"learning_rate": rates.get(name),
                       "batch_size": result.config.get("batch_size"),
                       "final_train_loss": result.history["loss"][-1],
                       "test_loss": result.metrics.get("loss"),
                       "fit_s": result.timings.get("fit_s")}
        if linear:
            trajectories[name] = callbacks[0].points
            final[name]["w"], final[name]["b"] = callbacks[0].points[-1]
        if s["verbose"]:
            print(f"{name:<14} final training loss {final[name]['final_train_loss']:.4f} "
                  f"in {final[name]['fit_s']:.2f} s")

    figures = [_loss_figure(results, run_dir)]
    if linear:
        figures.append(_contour_figure(data, trajectories, run_dir))
    columns = ["optimizer", "learning_rate", "batch_size", "final_train_loss", "test_loss",
               "fit_s"] + (["w", "b"] if linear else [])
    table = _common.save_csv(run_dir / "optimizers.csv", columns,
                             [[n] + [final[n][c] for c in columns[1:]] for n in names])
    result = _common.finish_multi(
        "compare_optimizers", s, run_dir, results, metrics, extras={"final": final},
        timings={"wall_s": {n: r.timings.get("wall_s") for n, r in results.items()}},
        result_extras={"trajectories": trajectories, "final": final, "table": str(table)})
    result.extras["figures"] = result.extras["figures"] or figures
    return result


def _loss_figure(results, run_dir):
    fig, axes = _common.new_figure(2, width=4.6, height=3.6)
    by_epoch, by_time = axes[0]
    for name, result in results.items():
        loss = np.asarray(result.history["loss"], dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        elapsed = np.cumsum(result.timings.get("epoch_s") or np.zeros(len(loss)))
        by_epoch.plot(epochs, loss, marker=".", label=name)
        by_time.plot(elapsed[:len(loss)], loss, marker=".", label=name)
    for ax, xlabel in ((by_epoch, "epoch"), (by_time, "wall-clock time (s)")):
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("training loss")
        ax.grid(True, alpha=0.3)
    by_epoch.set_title("loss vs epoch", fontsize=10)
    by_time.set_title("loss vs wall-clock time", fontsize=10)
    by_time.legend(fontsize=7)
    return kerasdl.reports.save_figure(fig, run_dir / "plots" / "optimizers_loss.png")


def _contour_figure(data, trajectories, run_dir):
    x = np.asarray(data.x_train, dtype=float).ravel()
    y = np.asarray(data.y_train, dtype=float).ravel()
    design = np.stack([x, np.ones_like(x)], axis=1)
    w_star, b_star = np.linalg.lstsq(design, y, rcond=None)[0]
    points = np.concatenate([np.asarray(t) for t in trajectories.values()] +
                            [[[w_star, b_star]]])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.15 * np.maximum(hi - lo, 1.0)
    ws = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 200)
    bs = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 200)
    gw, gb = np.meshgrid(ws, bs)
    # MSE(w, b) = mean((w x + b - y)^2), evaluated on the whole grid at once
    loss = (gw[..., None] * x + gb[..., None] - y) ** 2
    loss = loss.mean(axis=-1)
    fig, axes = _common.new_figure(1, width=6.4, height=5.2)
    ax = axes[0, 0]
    levels = np.quantile(loss, np.linspace(0.0, 0.95, 18) ** 2)
    levels = np.unique(levels)
    contour = ax.contour(gw, gb, loss, levels=levels, cmap="viridis", linewidths=0.8)
    ax.clabel(contour, fontsize=6, fmt="%.2g")
    for name, path in trajectories.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=2, linewidth=1.0, label=name)
    start = np.asarray(next(iter(trajectories.values())))[0]
    ax.plot(*start, "ko", markersize=6, label="start")
    ax.plot(w_star, b_star, "r*", markersize=12, label="least-squares minimum")
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_title("optimizer paths over the MSE loss contours", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    return kerasdl.reports.save_figure(fig, run_dir / "plots" / "optimizers_trajectories.png")
