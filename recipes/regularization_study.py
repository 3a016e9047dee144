"""Regularization study: a model that overfits a small training set, then five cures.

Overfitting is the gap between how well a model does on the data it was trained on and on
data it has not seen. A CNN trained on only 200 of the 8x8 digits fits them perfectly
while its validation accuracy stays well below; then each regularizer is tried on the same
data, model and seed:

- **L2 weight decay** adds ``λ·Σw²`` to the loss: large weights cost, the function is
  smoother;
- **L1** adds ``λ₁·Σ|w|``: it pushes many weights to exactly zero (sparse weights);
- **dropout** randomly zeroes units during training, so no unit can rely on another;
- **early stopping** stops when the validation loss stops improving and restores the best
  weights;
- **data augmentation** shows randomly rotated, shifted and zoomed copies of the images.

Output: ``plots/regularization.png`` (training vs validation accuracy per variant, and the
final gap of each variant as bars) and ``regularization_gap.csv`` (train accuracy,
validation accuracy, gap, test accuracy and epochs per variant); each variant's run folder
is a sub-folder. Measured results are quoted in ``docs/recipes/regularization_study.md``.

Settings:
    variants: the variants to train (baseline, l2, l1, dropout, early_stopping, augmentation). Defaults to ('baseline', 'l2', 'l1', 'dropout', 'early_stopping', 'augmentation').
    train_size: the training samples kept (small, so that the baseline overfits). Defaults to 200.
    val: the fraction of the training part held out for validation (None: none). Defaults to 0.2.
    test: the fraction of the data held out for testing. Defaults to 0.3.
    filters: the filters of each conv block. Defaults to (16, 32).
    dense: the units of the hidden Dense layer. Defaults to (128,).
    weight_decay: the L2 penalty of the "l2" variant. Defaults to 0.001.
    l1: the L1 penalty of the "l1" variant. Defaults to 0.0001.
    dropout: the dropout rate of the "dropout" variant. Defaults to 0.5.
    patience: the patience of the "early_stopping" variant. Defaults to 10.
    augment: the pipeline of the "augmentation" variant. Defaults to {'rotation': 12.0, 'shift': 0.12, 'zoom': 0.1, 'fill_mode': 'constant'}.
    optimizer: an optimizer name known to kerasdl.train. Defaults to 'adam'.
    learning_rate: the learning rate. Defaults to 0.002.
    epochs: the number of passes over the training part (every variant). Defaults to 60.
    batch_size: the samples per training step (None: the optimizer's own). Defaults to 32.
    data: a kerasdl.data.Dataset, a dataset name or an .npz path to use instead. Defaults to None.
    data_dir: a folder holding the dataset's files (read instead of downloading). Defaults to None.
    seed: the seed of weights, split, shuffling, dropout and augmentation. Defaults to 0.
    verbose: 0 silent, 1 a progress bar, 2 one line per epoch. Defaults to 0.
    run_dir: the run folder; None names one runs/<recipe>-<UTC time>. Defaults to None.
    resume: continue the interrupted run in run_dir (True; "auto": if any). Defaults to False.
    overwrite: True replaces a run that run_dir already holds. Defaults to False.

    kerasdl run regularization_study
    kerasdl run regularization-study --set variants=baseline,dropout --set train_size=400

Example:

>>> from kerasdl import recipes
>>> result = recipes.run("regularization_study", verbose=0)          # doctest: +SKIP
>>> result.extras["gaps"]["baseline"] > result.extras["gaps"]["dropout"]   # doctest: +SKIP
True
"""

import numpy as np

import kerasdl
from kerasdl.recipes import _common

DESCRIPTION = ("Overfit a small training set, then L2, L1, dropout, early stopping, "
               "augmentation: gap table + figure")

VARIANTS = ("baseline", "l2", "l1", "dropout", "early_stopping", "augmentation")

DEFAULTS = {
    "variants": VARIANTS,
    "train_size": 200,
    "val": 0.2,
    "test": 0.3,
    "filters": (16, 32),
    "dense": (128,),
    "weight_decay": 1e-3,
    "l1": 1e-4,
    "dropout": 0.5,
    "patience": 10,
    "augment": {"rotation": 12.0, "shift": 0.12, "zoom": 0.1, "fill_mode": "constant"},
    "optimizer": "adam",
    "learning_rate": 0.002,
    "epochs": 60,
    "batch_size": 32,
    **_common.COMMON_DEFAULTS,
}


def run(**overrides):
    """Train the baseline and each regularized variant; tabulate and plot the gaps.

    Args:
        **overrides: settings to change (the module's "Settings:" section).

    Returns:
        A ``RunResult``: ``metrics`` keyed by variant (test ``accuracy``, ``loss``),
        ``history`` keyed by variant, ``extras["gaps"]`` (train minus validation accuracy
        per variant), ``extras["table"]`` (rows of the gap table), ``extras["figures"]``,
        ``extras["runs"]``.

    Raises:
        ValueError: for unknown variants or settings, or data without a validation part.
    """
    s = _common.resolve_settings("regularization_study", DEFAULTS, overrides)
    import kerasdl
    from kerasdl.validation import check_choice

    variants = [check_choice("variants", v, VARIANTS) for v in s["variants"]]
    if not variants:
        raise ValueError("`variants` must name at least one variant; received ().")
    train_size = s["train_size"]
    data = s["data"] if isinstance(s["data"], kerasdl.data.Dataset) else kerasdl.data.load(
        s["data"] or "digits", data_dir=s["data_dir"], seed=s["seed"], val=s["val"],
        test=s["test"], channels=True)
    data = _common.with_channels(data)
    if not data.has_val:
        raise ValueError(f"regularization_study compares training and validation curves: "
                         f"`data` {data.name!r} needs a validation part (x_val, y_val).")
    data = data.replace(x_train=data.x_train[:train_size], y_train=data.y_train[:train_size])
    run_dir = _common.run_folder("regularization_study", s, sub_runs=tuple(variants))

    results, metrics, rows, gaps = {}, {}, [], {}
    for variant in variants:
        options = {"weight_decay": s["weight_decay"] if variant == "l2" else 0.0,
                   "l1": s["l1"] if variant == "l1" else 0.0,
                   "dropout": s["dropout"] if variant == "dropout" else 0.0,
                   "augment": (_common.augment_spec(s["augment"], s["seed"])
                               if variant == "augmentation" else None)}
        kerasdl.set_random_seed(s["seed"])
        model = kerasdl.models.cnn(data.input_shape, filters=s["filters"], dense=s["dense"],
                                   task=data.task, num_classes=data.num_classes,
                                   label_format=_common.label_format(data), seed=s["seed"],
                                   **options)
        early = ({"patience": s["patience"], "monitor": "val_loss"}
                 if variant == "early_stopping" else False)
        result = kerasdl.train(model, data, optimizer=s["optimizer"],
                               learning_rate=s["learning_rate"], epochs=s["epochs"],
                               batch_size=s["batch_size"], early_stopping=early,
                               seed=s["seed"], verbose=s["verbose"], run_dir=run_dir / variant,
                               **_common.train_options(s))
        train_acc = kerasdl.evaluate(result.model, (data.x_train, data.y_train))["accuracy"]
        val_acc = kerasdl.evaluate(result.model, (data.x_val, data.y_val))["accuracy"]
        gaps[variant] = train_acc - val_acc
        results[variant] = result
        metrics[variant] = dict(result.metrics)
        rows.append([variant, train_acc, val_acc, train_acc - val_acc,
                     result.metrics.get("accuracy", float("nan")),
                     len(result.history.get("loss", []))])
        if s["verbose"]:
            print(f"{variant:<15} train {train_acc:.3f}  val {val_acc:.3f}  gap "
                  f"{train_acc - val_acc:+.3f}")

    header = ["variant", "train_accuracy", "val_accuracy", "gap", "test_accuracy", "epochs"]
    table = _common.save_csv(run_dir / "regularization_gap.csv", header, rows)
    figure = _figure(results, rows, run_dir)
    result = _common.finish_multi(
        "regularization_study", s, run_dir, results, metrics,
        extras={"gap_table": [dict(zip(header, row)) for row in rows]},
        timings={"wall_s": {v: r.timings.get("wall_s") for v, r in results.items()}},
        result_extras={"gaps": gaps, "table": [dict(zip(header, row)) for row in rows],
                       "table_path": str(table)})
    result.extras["figures"] = result.extras["figures"] or [str(figure)]
    return result


def _figure(results, rows, run_dir):
    n = len(results) + 1
    ncols = min(4, n)
    nrows = -(-n // ncols)
    fig, axes = _common.new_figure(ncols, nrows, width=3.6, height=3.0)
    flat = axes.ravel()
    for ax, (variant, result) in zip(flat, results.items()):
        history = result.history
        epochs = np.arange(1, len(history.get("accuracy", [])) + 1)
        ax.plot(epochs, history.get("accuracy", []), label="training")
        if "val_accuracy" in history:
            ax.plot(epochs, history["val_accuracy"], label="validation")
        ax.set_title(variant, fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.0, 1.02)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    bar_ax = flat[len(results)]
    names = [row[0] for row in rows]
    gap_values = [row[3] for row in rows]
    bar_ax.bar(names, gap_values, color="#d62728")
    bar_ax.set_title("gap: train - validation accuracy", fontsize=10)
    bar_ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    bar_ax.grid(True, axis="y", alpha=0.3)
    for ax in flat[len(results) + 1:]:
        ax.set_visible(False)
    return kerasdl.reports.save_figure(fig, run_dir / "plots" / "regularization.png")
