"""Confusion matrix and per-class report: exact numbers, the same as scikit-learn's."""

import numpy as np
import pytest

from kerasdl.reports import _summary
from kerasdl.reports import classification_summary, confusion_matrix

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def test_confusion_matrix_counts():
    cm = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(confusion_matrix([0, 1], [0, 1], num_classes=4),
                                  np.diag([1, 1, 0, 0]))


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"labels go up to 2 but `num_classes` is 2\."):
        confusion_matrix([0, 2], [0, 1], num_classes=2)
    with pytest.raises(ValueError, match=r"`y_true` and `y_pred` must have the same number of "
                                         r"samples; received 2 and 3\."):
        confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"class labels must be >= 0"):
        confusion_matrix([0, -1], [0, 1])


def test_summary_matches_scikit_learn():
    from sklearn.metrics import classification_report

    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, 4, 200))
    y_pred[y_pred == 3] = 2  # class 3 is never predicted: precision 0 by convention
    ours = classification_summary(confusion_matrix(y_true, y_pred, num_classes=4),
                                  ["a", "b", "c", "d"])
    ref = classification_report(y_true, y_pred, labels=[0, 1, 2, 3],
                                target_names=["a", "b", "c", "d"], output_dict=True,
                                zero_division=0)
    assert ours["accuracy"] == pytest.approx(ref["accuracy"], abs=1e-12)
    for name in "abcd":
        for key, ref_key in (("precision", "precision"), ("recall", "recall"),
                             ("f1", "f1-score"), ("support", "support")):
            assert ours["per_class"][name][key] == pytest.approx(ref[name][ref_key], abs=1e-12)
    for avg, ref_avg in (("macro_avg", "macro avg"), ("weighted_avg", "weighted avg")):
        for key, ref_key in (("precision", "precision"), ("recall", "recall"),
                             ("f1", "f1-score")):
            assert ours[avg][key] == pytest.approx(ref[ref_avg][ref_key], abs=1e-12)
    assert ours["per_class"]["d"]["precision"] == 0.0
    assert ours["samples"] == 200


def test_predicted_and_true_classes():
    np.testing.assert_array_equal(_summary.predicted_classes([[0.2], [0.7], [0.5]]), [0, 1, 0])
    np.testing.assert_array_equal(_summary.predicted_classes([[0.1, 0.9], [0.8, 0.2]]), [1, 0])
    np.testing.assert_array_equal(_summary.true_classes([[0, 1], [1, 0]]), [1, 0])
    np.testing.assert_array_equal(_summary.true_classes([[1], [0]]), [1, 0])


def test_regression_summary_exact():
    out = _summary.regression_summary([1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 2.5, 3.5])
    assert out == {"samples": 4, "mae": 0.5, "mse": 0.25, "rmse": 0.5, "r2": 0.8}
