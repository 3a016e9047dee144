"""kerasdl.evaluate: Keras metrics plus, for classification, per-class scores."""

import numpy as np

from kerasdl._tasks import default_loss, default_metrics
from kerasdl._validation import check_param, describe
from kerasdl.training._data import Parts, check_fits_model
from kerasdl.training._labels import check_loss_fits_labels, check_targets_fit_head

__all__ = ["evaluate", "evaluate_run"]


def _split_eval_data(model, data):
    from kerasdl.data import Dataset
    from kerasdl.training._data import _check_xy, infer_task

    if isinstance(data, Dataset):
        if data.x_test is not None:
            x, y = data.x_test, data.y_test
        elif data.x_val is not None:
            x, y = data.x_val, data.y_val
        else:
            raise ValueError(f"Dataset {data.name!r} has neither a test nor a validation part "
                             f"to evaluate on; pass (x, y) arrays instead.")
        x, y = _check_xy("test", x, y)
        return x, y, data.task, data.num_classes, data.class_names
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = _check_xy("test", data[0], data[1])
        task, num_classes = infer_task(model, y)
        return x, y, task, num_classes, None
    raise TypeError("`data` must be a kerasdl.data.Dataset or a tuple (x, y); received "
                    f"{describe(data)} of type {type(data).__name__}.")


def evaluate(model, data, *, batch_size=256, task=None, class_names=None, verbose=0):
    """Evaluate a model: its loss and metrics, plus per-class scores for classification.

    On a :class:`kerasdl.data.Dataset` the test part is used (else the validation part).
    For classification the result also holds per-class precision, recall, F1 and support,
    their macro averages, and the confusion matrix (rows: true class, columns: predicted).

    Args:
        model: a ``keras.Model``; compiled, or compiled here with the task's default loss
            and metrics.
        data: a ``kerasdl.data.Dataset`` or a tuple ``(x, y)``.
        batch_size: samples per prediction batch. Defaults to 256.
        task: "binary", "multiclass" or "regression". Defaults to None (from the Dataset,
            else guessed from the labels and the model's output layer).
        class_names: names for the per-class table. Defaults to None (the Dataset's, else
            "0", "1", ...).
        verbose: Keras verbosity. Defaults to 0.

    Returns:
        A dict: ``"loss"`` and each compiled metric (floats); for classification also
        ``"per_class"`` (``{name: {"precision", "recall", "f1", "support"}}``),
        ``"macro_precision"``, ``"macro_recall"``, ``"macro_f1"``, ``"confusion_matrix"``
        (list of lists) and ``"class_names"``.

    Raises:
        TypeError / ValueError: for data that is not arrays or a Dataset, or does not fit
            the model (shapes, label range, one-hot labels for a sparse loss or integer
            labels for a one-hot loss, continuous targets for a classifier head).

    Example:

    >>> import numpy as np, keras
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    >>> out = evaluate(m, (np.zeros((4, 2), "float32"), np.array([0, 1, 0, 1])))
    >>> out["confusion_matrix"]
    [[2, 0], [2, 0]]
    """
    batch_size = check_param("batch_size", batch_size)
    x, y, data_task, num_classes, data_names = _split_eval_data(model, data)
    task = task or data_task
    check_fits_model(model, Parts(x_test=x, y_test=y, task=task, num_classes=num_classes))
    check_targets_fit_head(model, y, "y_test")
    label_format = ("regression" if task == "regression" else
                    "onehot" if (y.ndim == 2 and y.shape[1] > 1) else "sparse")
    if getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        check_loss_fits_labels(model.loss, label_format, "y_test")
    else:
        model.compile(optimizer="sgd", loss=default_loss(task, label_format),
                      metrics=default_metrics(task))
    if task not in ("binary", "multiclass"):
        results = model.evaluate(x, y, batch_size=batch_size, verbose=verbose,
                                 return_dict=True)
        return {k: float(v) for k, v in results.items()}
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    probs = predict_padded(model, x, batch_size, verbose)
    out = _compiled_scores(model, x, y, probs, batch_size, verbose)
    if task == "binary":
        pred = (probs.reshape(len(probs), -1)[:, 0] > 0.5).astype(int)
        k = 2
    else:
        pred = probs.reshape(len(probs), -1).argmax(axis=1)
        k = int(num_classes or probs.shape[-1])
    true = y.argmax(axis=1) if (y.ndim == 2 and y.shape[1] > 1) else y.reshape(-1)
    true = true.astype(int)
    labels = list(range(k))
    names = [str(n) for n in (class_names or data_names or labels)]
    precision, recall, f1, support = precision_recall_fscore_support(
        true, pred, labels=labels, zero_division=0)
    out["per_class"] = {
        names[i]: {"precision": float(precision[i]), "recall": float(recall[i]),
                   "f1": float(f1[i]), "support": int(support[i])}
        for i in range(k)
    }
    out["macro_precision"] = float(np.mean(precision))
    out["macro_recall"] = float(np.mean(recall))
    out["macro_f1"] = float(np.mean(f1))
    out["confusion_matrix"] = confusion_matrix(true, pred, labels=labels).tolist()
    out["class_names"] = names
    return out


def predict_padded(model, x, batch_size, verbose=0):
    """``model.predict`` in batches of one shape: the last batch of an in-memory array is
    padded with the first rows (their outputs are dropped), so a compiling backend (JAX's
    XLA, TF's tracing) builds one program instead of a second one for a ragged last batch.
    """
    n = len(x)
    pad = -n % batch_size if n > batch_size else 0
    if pad and type(x) is np.ndarray:  # not a memmap: that would be read whole
        x = np.concatenate([x, x[:pad]])
    probs = np.asarray(model.predict(x, batch_size=min(batch_size, n), verbose=verbose))
    return probs[:n]


def _compiled_scores(model, x, y, probs, batch_size, verbose):
    """The compiled loss and metrics that ``model.evaluate`` gives, from outputs already
    predicted: one pass over the data instead of two.

    Both use the model's own ``compute_loss`` (the regularization penalties included) and
    ``compute_metrics``, over all rows at once where ``evaluate`` averages batches (same
    figures up to float rounding; ``tests/training/test_evaluate.py`` compares them). A
    model with its own ``test_step`` is evaluated by ``model.evaluate``, which runs it.
    """
    import keras

    if not type(model).test_step.__module__.startswith("keras."):
        results = model.evaluate(x, y, batch_size=batch_size, verbose=verbose,
                                 return_dict=True)
        return {k: float(v) for k, v in results.items()}
    model.reset_metrics()
    y_pred = keras.ops.convert_to_tensor(probs)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=None, training=False)
    out = {k: float(keras.ops.convert_to_numpy(v))
           for k, v in model.compute_metrics(x, y, y_pred, sample_weight=None).items()}
    out["loss"] = float(keras.ops.convert_to_numpy(loss))
    return out


def evaluate_run(model, parts, batch_size):
    """Phase 8 of a run: evaluate on the test part, else the validation part.

    Returns:
        ``(evaluation, metrics)``: :func:`evaluate`'s dict with ``"part"`` added (None when
        the data has neither part) and its float entries (the run's ``metrics``).
    """
    eval_part = parts.eval_part()
    if eval_part is None:
        return None, {}
    name, x_eval, y_eval = eval_part
    evaluation = evaluate(model, (x_eval, y_eval), task=parts.task,
                          class_names=getattr(parts.dataset, "class_names", None),
                          batch_size=max(batch_size or 32, 256))
    evaluation["part"] = name
    return evaluation, {k: v for k, v in evaluation.items() if isinstance(v, float)}
