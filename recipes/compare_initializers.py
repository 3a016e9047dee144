"""Compare weight initializers on a deep MLP: LeCun, Xavier (Glorot) and He, uniform and normal.

How the first weights are drawn decides whether a signal survives a deep network. Each
scheme draws weights with variance ``scale / fan``: LeCun ``1 / fan_in`` (for SELU/tanh),
Xavier/Glorot ``2 / (fan_in + fan_out)`` (keeps forward *and* backward variance, for tanh
and sigmoid), He ``2 / fan_in`` (compensates ReLU zeroing half its inputs). With ReLU and
square layers, LeCun and Xavier halve the activation variance at every layer, so in a deep
network the activations and gradients of the early layers shrink geometrically; He keeps
them level. The uniform and normal variants have the same variance.

The recipe builds the same deep MLP (8 hidden layers of 64 ReLU units by default) on the
embedded digits once per initializer, measures on a batch of training images *before
training* the standard deviation of each hidden layer's activations and of the gradient
of the loss with respect to each layer's kernel, then trains each model with plain
mini-batch SGD (adaptive optimizers would hide the differences).

Figures and tables (run folder): ``plots/initializers.png`` (activation std per layer,
gradient std per layer on a log scale, validation loss per epoch) and
``initializer_stats.csv``; each initializer's own run folder is a sub-folder.
Measured results are quoted in ``docs/recipes/compare_initializers.md``.

Settings:
    initializers: the weight initializers to compare. Defaults to ('lecun_normal', 'lecun_uniform', 'glorot_normal', 'glorot_uniform', 'he_normal', 'he_uniform').
    depth: the number of hidden layers. Defaults to 8.
    width: the units of every hidden layer. Defaults to 64.
    activation: the hidden layers' activation. Defaults to 'relu'.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'minibatch_sgd'.
    learning_rate: the learning rate. Defaults to 0.05.
    epochs: the number of passes over the training part. Defaults to 10.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 64.
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.15.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    stats_samples: the test samples the layer statistics are measured on. Defaults to 256.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run compare_initializers
    kerasdl run compare-initializers --set activation=tanh --set depth=12

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("compare_initializers", verbose=0)          # doctest: +SKIP
>>> result.extras["stats"]["he_normal"]["activation_std"]            # doctest: +SKIP
"""

import numpy as np

import kerasdl
from kerasdl.recipes import _common

DESCRIPTION = ("LeCun, Xavier, He (uniform/normal) on a deep MLP: per-layer activation and "
               "gradient stats")

DEFAULTS = {
    "initializers": ("lecun_normal", "lecun_uniform", "glorot_normal", "glorot_uniform",
                     "he_normal", "he_uniform"),
    "depth": 8,
    "width": 64,
    "activation": "relu",
    "optimizer": "minibatch_sgd",
    "learning_rate": 0.05,
    "epochs": 10,
    "batch_size": 64,
    "val": 0.15,
    "test": 0.3,
    "stats_samples": 256,
    **_common.COMMON_DEFAULTS,
}


def _block_outputs(model):
    """The output layer of each hidden block (Dense [-> BatchNorm] -> activation)."""
    import keras

    dense = [i for i, layer in enumerate(model.layers)
             if isinstance(layer, keras.layers.Dense)]
    hidden = dense[:-1]  # the last Dense is the head
    blocks = []
    for k, start in enumerate(hidden):
        stop = dense[k + 1]
        chosen = model.layers[start]
        for layer in model.layers[start + 1:stop]:
            if not isinstance(layer, keras.layers.Dropout):
                chosen = layer
        blocks.append(chosen)
    return blocks, [model.layers[i] for i in dense]


def layer_statistics(model, x, y):
    """Activation and gradient statistics of a freshly built model, per hidden layer.

    Activations: mean and standard deviation of each hidden block's output on ``x``.
    Gradients: standard deviation of the gradient of the model's loss with respect to
    each Dense kernel (hidden layers, then the head), on the batch ``(x, y)``. The gradient
    is measured backend-independently as the change of the kernels after one step of
    plain SGD with learning rate 1 on a copy of the model (``w - w' = ∇L``).

    Returns:
        A dict with lists ``activation_mean``, ``activation_std`` (one per hidden layer)
        and ``gradient_std`` (one per Dense layer, head last).
    """
    import keras

    blocks, dense = _block_outputs(model)
    probe = keras.Model(model.inputs, [layer.output for layer in blocks])
    outputs = probe.predict(x, verbose=0, batch_size=len(x))
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    clone.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss=model.loss)
    index = [model.layers.index(layer) for layer in dense]
    before = [np.array(keras.ops.convert_to_numpy(clone.layers[i].kernel)) for i in index]
    clone.train_on_batch(x, y)
    after = [np.asarray(keras.ops.convert_to_numpy(clone.layers[i].kernel)) for i in index]
    grads = [b - a for b, a in zip(before, after)]
    return {"activation_mean": [float(np.mean(o)) for o in outputs],
            "activation_std": [float(np.std(o)) for o in outputs],
            "gradient_std": [float(np.std(g)) for g in grads]}


def run(**overrides):
    """Build, probe and train one deep MLP per initializer.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult``: ``metrics`` keyed by initializer (test ``accuracy``, ``loss``),
        ``history`` keyed by initializer, ``extras["stats"]`` (per initializer: lists
        ``activation_mean``, ``activation_std``, ``gradient_std``), ``extras["figures"]``,
        ``extras["table"]`` (CSV path), ``extras["runs"]``.
    """
    s = _common.resolve_settings("compare_initializers", DEFAULTS, overrides)
    import kerasdl
    from kerasdl.validation import check_choice

    names = [check_choice("initializers", i, kerasdl.models.list_initializers())
             for i in s["initializers"]]
    if not names:
        raise ValueError("`initializers` must name at least one initializer; received ().")
    depth, width, n_stats = s["depth"], s["width"], s["stats_samples"]
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "digits", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        test=s["test"], flatten=True)
    run_dir = _common.run_folder("compare_initializers", s, sub_runs=tuple(names))
    x_stats = data.x_train[:n_stats]
    y_stats = data.y_train[:n_stats]

    results, stats, metrics = {}, {}, {}
    for name in names:
        kerasdl.set_random_seed(s["seed"])
        model = kerasdl.models.mlp(data.input_shape, hidden=(width,) * depth,
                                   activation=s["activation"], kernel_initializer=name,
                                   task=data.task, num_classes=data.num_classes,
                                   label_format=_common.label_format(data), seed=s["seed"])
        stats[name] = layer_statistics(model, x_stats, y_stats)
        result = kerasdl.train(model, data, optimizer=s["optimizer"],
                               learning_rate=s["learning_rate"], epochs=s["epochs"],
                               batch_size=s["batch_size"], seed=s["seed"],
                               verbose=s["verbose"], run_dir=run_dir / name,
                               **_common.train_options(s))
        results[name] = result
        metrics[name] = dict(result.metrics)
        if s["verbose"]:
            act = ", ".join(f"{v:.3f}" for v in stats[name]["activation_std"])
            print(f"{name:<15} activation std per layer [{act}]; test "
                  f"{', '.join(f'{k} {v:.4f}' for k, v in result.metrics.items())}")

    figure = _figure(stats, results, run_dir, s["activation"])
    rows = []
    for name in names:
        st = stats[name]
        for layer, grad in enumerate(st["gradient_std"]):
            hidden = layer < len(st["activation_std"])
            rows.append([name, layer + 1 if hidden else "head",
                         st["activation_mean"][layer] if hidden else "",
                         st["activation_std"][layer] if hidden else "", grad])
    table = _common.save_csv(run_dir / "initializer_stats.csv",
                             ["initializer", "layer", "activation_mean", "activation_std",
                              "gradient_std"], rows)
    result = _common.finish_multi(
        "compare_initializers", s, run_dir, results, metrics, extras={"stats": stats},
        timings={"wall_s": {n: r.timings.get("wall_s") for n, r in results.items()}},
        result_extras={"stats": stats, "table": str(table)})
    result.extras["figures"] = result.extras["figures"] or [str(figure)]
    return result


def _figure(stats, results, run_dir, activation):
    fig, axes = _common.new_figure(3, width=4.2, height=3.6)
    ax_act, ax_grad, ax_loss = axes[0]
    for name, st in stats.items():
        layers = np.arange(1, len(st["activation_std"]) + 1)
        style = "--" if name.endswith("uniform") else "-"
        ax_act.plot(layers, st["activation_std"], style, marker="o", markersize=3, label=name)
        grads = np.arange(1, len(st["gradient_std"]) + 1)
        ax_grad.plot(grads, st["gradient_std"], style, marker="o", markersize=3, label=name)
        history = results[name].history
        key = "val_loss" if "val_loss" in history else "loss"
        ax_loss.plot(np.arange(1, len(history[key]) + 1), history[key], style, label=name)
    ax_act.set_title(f"activation std per hidden layer ({activation})", fontsize=10)
    ax_act.set_xlabel("hidden layer")
    ax_act.set_ylabel("std of activations")
    ax_grad.set_title("gradient std per layer (before training)", fontsize=10)
    ax_grad.set_xlabel("layer (last = output)")
    ax_grad.set_ylabel("std of dL/dW")
    ax_grad.set_yscale("log")
    ax_loss.set_title("validation loss" if any("val_loss" in r.history
                                               for r in results.values()) else "training loss",
                      fontsize=10)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    for ax in (ax_act, ax_grad, ax_loss):
        ax.grid(True, alpha=0.3)
    ax_loss.legend(fontsize=7)
    return kerasdl.reports.save_figure(fig, run_dir / "plots" / "initializers.png")
