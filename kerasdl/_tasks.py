"""The task a model solves decides its output head, loss and metrics.

One table used by the model builders (to build and compile the head) and by training
(``loss="auto"``), so both always agree.
"""

from kerasdl._validation import check_choice, check_int

__all__ = ["TASKS", "check_task", "head_activation", "head_units", "default_loss",
           "default_metrics"]

TASKS = ("binary", "multiclass", "regression")


def check_task(task, num_classes=None, *, name="task"):
    """Validate ``task`` and ``num_classes``; returns ``(task, num_classes)``.

    ``num_classes`` is required (>= 2) for "multiclass", forced to 2 for "binary" and
    ignored (None) for "regression".
    """
    task = check_choice(name, task, TASKS)
    if task == "multiclass":
        if num_classes is None:
            raise ValueError("`num_classes` is required for task='multiclass'; received None.")
        num_classes = check_int("num_classes", num_classes)
        if num_classes < 2:
            raise ValueError(f"`num_classes` must be >= 2 for task='multiclass'; received "
                             f"{num_classes}. Use task='binary' for two classes with one "
                             f"sigmoid unit.")
    elif task == "binary":
        if num_classes not in (None, 2):
            raise ValueError(f"`num_classes` must be 2 (or None) for task='binary'; received "
                             f"{num_classes!r}.")
        num_classes = 2
    else:
        num_classes = None
    return task, num_classes


def head_units(task, num_classes=None, outputs=1):
    """Units of the output layer: 1 (binary), num_classes (multiclass), outputs (regression)."""
    if task == "binary":
        return 1
    if task == "multiclass":
        return int(num_classes)
    return int(outputs)


def head_activation(task):
    """sigmoid (binary), softmax (multiclass), linear (regression)."""
    return {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}[task]


def default_loss(task, label_format="sparse"):
    """The loss for ``task``; for multiclass it matches the label format (sparse/onehot)."""
    if task == "binary":
        return "binary_crossentropy"
    if task == "multiclass":
        return ("categorical_crossentropy" if label_format == "onehot"
                else "sparse_categorical_crossentropy")
    return "mean_squared_error"


def default_metrics(task):
    """accuracy for classification; mean absolute error for regression."""
    return ["mean_absolute_error"] if task == "regression" else ["accuracy"]
