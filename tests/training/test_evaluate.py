import keras
import numpy as np
import pytest

from kerasdl.data._dataset import Dataset
from kerasdl.training import evaluate


def fixed_classifier():
    """Predicts the class of the largest of the first three inputs (exactly)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.set_weights([np.eye(3, dtype="float32") * 10, np.zeros(3, "float32")])
    return model


X = np.eye(3, dtype="float32")[[0, 0, 1, 1, 2, 2, 0]]
Y = np.array([0, 1, 1, 1, 2, 0, 0])  # predictions: 0 0 1 1 2 2 0


def test_per_class_scores_and_confusion_matrix():
    out = evaluate(fixed_classifier(), (X, Y))
    assert out["confusion_matrix"] == [[2, 0, 1], [1, 2, 0], [0, 0, 1]]
    assert out["class_names"] == ["0", "1", "2"]
    assert out["per_class"]["0"] == pytest.approx(
        {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
    assert out["per_class"]["1"] == pytest.approx(
        {"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert out["per_class"]["2"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert out["macro_f1"] == pytest.approx((2 / 3 + 0.8 + 2 / 3) / 3)
    assert out["accuracy"] == pytest.approx(5 / 7)
    assert "loss" in out


def test_dataset_uses_test_part_and_class_names():
    ds = Dataset(x_train=X, y_train=Y, x_val=X[:2], y_val=Y[:2], x_test=X, y_test=Y,
                 task="multiclass", num_classes=3, class_names=["a", "b", "c"])
    out = evaluate(fixed_classifier(), ds)
    assert sorted(out["per_class"]) == ["a", "b", "c"]
    assert sum(out["per_class"][k]["support"] for k in "abc") == 7
    only_val = ds.replace(x_test=None, y_test=None)
    assert sum(v["support"] for v in evaluate(fixed_classifier(),
                                              only_val)["per_class"].values()) == 2
    with pytest.raises(ValueError, match="has neither a test nor a validation part"):
        evaluate(fixed_classifier(), ds.replace(x_test=None, y_test=None, x_val=None,
                                                y_val=None))


def test_regression_has_no_per_class_table():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.set_weights([np.array([[2.0]], "float32"), np.array([1.0], "float32")])
    x = np.array([[0.0], [1.0]], "float32")
    out = evaluate(model, (x, np.array([1.0, 4.0], "float32")))
    assert out["loss"] == pytest.approx(0.5)  # mse of errors 0 and 1
    assert out["mean_absolute_error"] == pytest.approx(0.5)
    assert "confusion_matrix" not in out


def test_bad_input():
    with pytest.raises(TypeError, match=r"`data` must be a kerasdl\.data\.Dataset or a tuple"):
        evaluate(fixed_classifier(), X)


# ---------------------------------------- label format against the loss and head (issue 14)


def test_onehot_labels_for_a_sparse_loss_refused_like_train():
    model = fixed_classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"^The loss 'sparse_categorical_crossentropy' expects "
                                         r"integer class labels but `y_test` is one-hot\. Use "
                                         r"loss='categorical_crossentropy', or pass integer "
                                         r"labels \(y\.argmax\(axis=1\)\)\.$"):
        evaluate(model, (X, np.eye(3)[Y]))


def test_onehot_labels_for_a_onehot_loss_score_the_same_as_sparse():
    model = fixed_classifier()
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    out = evaluate(model, (X, np.eye(3)[Y]))
    assert out["confusion_matrix"] == [[2, 0, 1], [1, 2, 0], [0, 0, 1]]
    assert out["accuracy"] == pytest.approx(5 / 7)
    with pytest.raises(ValueError, match=r"'categorical_crossentropy' expects one-hot labels "
                                         r"but `y_test` holds integer class labels"):
        evaluate(model, (X, Y))


def test_continuous_targets_for_a_classifier_refused():
    with pytest.raises(ValueError, match=r"`y_test` holds continuous values \(e\.g\. 0\.25\) "
                                         r"but the model's output layer is a 3-class softmax "
                                         r"classifier, which needs integer class labels in "
                                         r"\[0, 3\)"):
        evaluate(fixed_classifier(), (X, np.array([0.25, 1, 2, 3, 4, 5, 6], "float32")))


def test_soft_labels_pass_multi_hot_rows_refused():
    from kerasdl.training._labels import check_targets_fit_head

    soft = np.full((7, 3), 0.1, "float32")
    soft[np.arange(7), Y] = 0.8  # label smoothing: rows sum to 1
    check_targets_fit_head(fixed_classifier(), soft, "y")
    multi = np.eye(3)[Y]
    multi[3, 0] = 1
    with pytest.raises(ValueError, match=r"`y_test` has rows that do not sum to 1 \(row 3 sums "
                                         r"to 2: multi-hot labels\?\).*sigmoid head"):
        evaluate(fixed_classifier(), (X, multi))


def test_sigmoid_head_accepts_probabilities_refuses_regression_targets():
    from kerasdl.training._labels import check_targets_fit_head

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    check_targets_fit_head(model, np.linspace(0, 1, 7), "y")  # probabilities pass

    with pytest.raises(ValueError, match=r"`y` holds continuous values \(e\.g\. 2\.5\) but the "
                                         r"model's output layer is a 1-unit sigmoid \(binary\) "
                                         r"classifier, which needs labels 0 and 1"):
        check_targets_fit_head(model, np.array([0, 1, 2.5]), "y")
    check_targets_fit_head(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]),
                           np.array([0, 1, 2.5]), "y")  # a linear head: regression is fine


def _trained_classifier(task, label_format, seed=0):
    """A small classifier with an L2 penalty (so the loss includes model.losses), trained
    two epochs on random data, and its test arrays (37 rows: batches of 16 leave 5)."""
    from kerasdl._tasks import default_loss, default_metrics

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(101, 6)).astype("float32")
    k = 2 if task == "binary" else 4
    y = rng.integers(0, k, size=101)
    if label_format == "onehot":
        y = np.eye(k, dtype="float32")[y]
    keras.utils.set_random_seed(seed)
    head = (keras.layers.Dense(1, activation="sigmoid") if task == "binary"
            else keras.layers.Dense(k, activation="softmax"))
    model = keras.Sequential([keras.Input((6,)),
                              keras.layers.Dense(8, activation="relu",
                                                 kernel_regularizer=keras.regularizers.L2(0.01)),
                              head])
    model.compile(optimizer="adam", loss=default_loss(task, label_format),
                  metrics=default_metrics(task))
    model.fit(x[:64], y[:64], epochs=2, batch_size=16, verbose=0)
    return model, x[64:], y[64:]


@pytest.mark.parametrize("task, label_format", [("multiclass", "sparse"),
                                                ("multiclass", "onehot"),
                                                ("binary", "sparse")])
def test_one_pass_scores_equal_model_evaluate(task, label_format):
    # evaluate() predicts once and derives the loss and metrics from those outputs; they
    # must be model.evaluate's figures, the L2 penalty and a ragged last batch included
    model, x, y = _trained_classifier(task, label_format)
    expected = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    out = evaluate(model, (x, y), batch_size=16)
    assert set(expected) <= set(out)
    for key, value in expected.items():
        assert out[key] == pytest.approx(float(value), rel=1e-5, abs=1e-6), key
    pred = (model.predict(x, verbose=0).argmax(axis=1) if task == "multiclass"
            else (model.predict(x, verbose=0)[:, 0] > 0.5).astype(int))
    true = y.argmax(axis=1) if label_format == "onehot" else y
    assert np.trace(np.array(out["confusion_matrix"])) == int((pred == true).sum())


def test_padded_prediction_keeps_rows_and_order():
    from kerasdl.training._evaluate import predict_padded

    model, x, _ = _trained_classifier("multiclass", "sparse")
    np.testing.assert_allclose(predict_padded(model, x, 16),
                               model.predict(x, batch_size=37, verbose=0), rtol=1e-5,
                               atol=1e-6)
