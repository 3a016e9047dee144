"""The Dataset container every loader returns and every trainer takes."""

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Dataset"]


@dataclass(eq=False)
class Dataset:
    """Train / validation / test arrays plus what the task is.

    Attributes:
        x_train, y_train: training part (numpy arrays).
        x_val, y_val: validation part, or None.
        x_test, y_test: test part, or None.
        task: "binary", "multiclass" or "regression".
        num_classes: number of classes (2 for binary, None for regression).
        class_names: names of the classes (list of str) or None.
        name: dataset name ("custom" for user arrays).
        description: one line describing the data.
        info: free-form extras (e.g. the true ``w`` and ``b`` of a generated regression,
            or the scaling statistics fitted on the training part).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray = None
    y_val: np.ndarray = None
    x_test: np.ndarray = None
    y_test: np.ndarray = None
    task: str = "multiclass"
    num_classes: int = None
    class_names: list = None
    name: str = "custom"
    description: str = ""
    info: dict = field(default_factory=dict)

    @property
    def input_shape(self):
        """Shape of one sample (without the batch axis), as a tuple."""
        return tuple(int(d) for d in np.shape(self.x_train)[1:])

    @property
    def label_format(self):
        """"sparse" (integer labels), "onehot" or "regression"."""
        if self.task == "regression":
            return "regression"
        y = np.asarray(self.y_train)
        return "onehot" if (y.ndim == 2 and y.shape[1] > 1) else "sparse"

    @property
    def has_val(self):
        return self.x_val is not None

    @property
    def has_test(self):
        return self.x_test is not None

    def parts(self):
        """Dict of the non-empty parts: {"train": (x, y), "val": (x, y), "test": (x, y)}."""
        out = {"train": (self.x_train, self.y_train)}
        if self.x_val is not None:
            out["val"] = (self.x_val, self.y_val)
        if self.x_test is not None:
            out["test"] = (self.x_test, self.y_test)
        return out

    def replace(self, **changes):
        """A copy with some fields changed (like ``dataclasses.replace``)."""
        return replace(self, **changes)

    def summary(self):
        """A one-paragraph text summary (sizes, shapes, task, classes)."""
        sizes = ", ".join(f"{k} {len(v[0])}" for k, v in self.parts().items())
        classes = f", {self.num_classes} classes" if self.num_classes else ""
        return (f"Dataset {self.name!r}: {self.task}{classes}; input shape {self.input_shape}; "
                f"{sizes}.")

    def __repr__(self):
        return f"<{self.summary()}>"
