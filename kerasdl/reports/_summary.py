"""Numbers a run report shows: confusion matrix, per-class report, regression errors.

Plain numpy (no scikit-learn import at report time); the per-class report has the same
numbers as ``sklearn.metrics.classification_report(..., zero_division=0)``.
"""

import numpy as np

from kerasdl._validation import check_array, check_int, check_same_length

__all__ = ["confusion_matrix", "classification_summary", "regression_summary",
           "predicted_classes", "most_confident_mistakes"]


def predicted_classes(outputs, *, threshold=0.5):
    """Class indices from model outputs: threshold one column, argmax several."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > threshold).astype("int64")
    return np.argmax(outputs, axis=1).astype("int64")


def true_classes(y):
    """Class indices from sparse ``(n,)``/``(n, 1)`` or one-hot ``(n, k)`` labels."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype("int64")
    return y.reshape(-1).astype("int64")


def confidences(outputs):
    """The model's confidence in its predicted class, per sample.

    Several columns (softmax): the largest probability. One column (sigmoid): ``p`` when
    it predicts class 1 (``p > 0.5``), ``1 - p`` when it predicts class 0.
    """
    outputs = np.asarray(outputs, dtype="float64")
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.shape[1] == 1:
        p = outputs[:, 0]
        return np.where(p > 0.5, p, 1.0 - p)
    return outputs.max(axis=1)


def most_confident_mistakes(y_true, outputs, k=16):
    """Indices of the ``k`` wrong predictions the model was most confident about.

    A prediction is wrong when its class (argmax of several outputs, ``> 0.5`` for one)
    differs from the true class; mistakes are ranked by the confidence of the predicted
    class, highest first (ties: lower index first).

    Args:
        y_true: labels, sparse ``(n,)`` or one-hot ``(n, classes)``.
        outputs: the model's outputs, ``(n, classes)`` probabilities or ``(n,)``/``(n, 1)``
            for a single sigmoid unit.
        k: how many to return at most. Defaults to 16.

    Returns:
        An ``int64`` array of at most ``k`` indices (fewer when there are fewer mistakes).

    Raises:
        ValueError: if the two arrays have different lengths or ``k`` < 1.

    Example:

    >>> most_confident_mistakes([1, 1, 0], [[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]])
    array([0, 2])
    """
    y_true = check_array("y_true", y_true, dtype_kind="biuf")
    outputs = check_array("outputs", outputs, dtype_kind="biuf")
    check_same_length("y_true", y_true, "outputs", outputs)
    k = check_int("k", k, min_value=1)
    wrong = np.flatnonzero(predicted_classes(outputs) != true_classes(y_true))
    order = np.argsort(-confidences(outputs)[wrong], kind="stable")
    return wrong[order[:k]].astype("int64")


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts ``cm[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Args:
        y_true: true class indices, shape ``(n,)``.
        y_pred: predicted class indices, shape ``(n,)``.
        num_classes: size of the matrix. Defaults to None (1 + the largest label seen).

    Returns:
        An ``int64`` array of shape ``(num_classes, num_classes)``.
    """
    y_true = check_array("y_true", y_true, dtype_kind="biuf").reshape(-1).astype("int64")
    y_pred = check_array("y_pred", y_pred, dtype_kind="biuf").reshape(-1).astype("int64")
    check_same_length("y_true", y_true, "y_pred", y_pred)
    k = int(max(y_true.max(), y_pred.max())) + 1
    if num_classes is not None:
        num_classes = check_int("num_classes", num_classes, min_value=1)
        if k > num_classes:
            raise ValueError(f"labels go up to {k - 1} but `num_classes` is {num_classes}.")
        k = num_classes
    if min(y_true.min(), y_pred.min()) < 0:
        raise ValueError("class labels must be >= 0 to build a confusion matrix.")
    cm = np.zeros((k, k), dtype="int64")
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def _safe_div(a, b):
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def classification_summary(cm, class_names=None):
    """Accuracy, per-class precision/recall/F1/support and their averages from ``cm``.

    Returns:
        ``{"accuracy", "per_class": {name: {"precision", "recall", "f1", "support"}},
        "macro_avg": {...}, "weighted_avg": {...}, "confusion_matrix": [[...]],
        "class_names": [...], "samples"}``, plain Python numbers.
    """
    cm = np.asarray(cm, dtype="int64")
    k = cm.shape[0]
    names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(k)]
    tp = np.diag(cm).astype("float64")
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    precision = _safe_div(tp, predicted)
    recall = _safe_div(tp, support)
    f1 = _safe_div(2 * precision * recall, precision + recall)
    total = int(cm.sum())
    per_class = {
        names[i]: {"precision": float(precision[i]), "recall": float(recall[i]),
                   "f1": float(f1[i]), "support": int(support[i])}
        for i in range(k)
    }

    def avg(weights):
        w = np.asarray(weights, dtype="float64")
        w = w / w.sum() if w.sum() > 0 else np.full(k, 1.0 / k)
        return {"precision": float(np.sum(w * precision)), "recall": float(np.sum(w * recall)),
                "f1": float(np.sum(w * f1)), "support": total}

    return {
        "samples": total,
        "accuracy": float(tp.sum() / total) if total else 0.0,
        "class_names": names,
        "confusion_matrix": cm.tolist(),
        "per_class": per_class,
        "macro_avg": avg(np.ones(k)),
        "weighted_avg": avg(support),
    }


def regression_summary(y_true, y_pred):
    """Mean absolute error, mean squared error, its root and R² (all outputs together)."""
    t = np.asarray(y_true, dtype="float64").reshape(-1)
    p = np.asarray(y_pred, dtype="float64").reshape(-1)
    err = t - p
    mse = float(np.mean(err ** 2))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    return {
        "samples": int(len(np.asarray(y_true))),
        "mae": float(np.mean(np.abs(err))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": 1.0 - float(np.sum(err ** 2)) / ss_tot if ss_tot > 0 else float("nan"),
    }
