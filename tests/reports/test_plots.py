"""The plotting functions: what they draw, what they save, and what they refuse."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from kerasdl.reports import plots


@pytest.fixture(autouse=True)
def no_pyplot_figures_leak():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_Y = np.array([0, 1, 1, 0])


def test_public_names():
    assert plots.__all__ == ["fit_equation", "plot_confusion_matrix",
                             "plot_decision_boundaries", "plot_decision_boundary", "plot_fit",
                             "plot_histories", "plot_history", "plot_lines", "plot_mistakes",
                             "plot_regression", "save_figure"]


# --------------------------------------------------------------------------- history


def test_history_one_panel_per_metric_train_and_validation():
    history = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 1.0],
               "val_loss": [1.5, 0.75, 0.8], "val_accuracy": [0.5, 0.5, 0.75]}
    fig = plots.plot_history(history)
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    assert (loss_ax.get_title(), acc_ax.get_title()) == ("loss", "accuracy")
    train, val = loss_ax.lines[:2]
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(train.get_ydata(), [1.0, 0.5, 0.25])
    np.testing.assert_array_equal(val.get_ydata(), [1.5, 0.75, 0.8])
    assert (train.get_label(), val.get_label()) == ("training", "validation")
    # the best validation epoch (2) is marked
    assert loss_ax.lines[2].get_xdata()[0] == 2
    assert "best 0.75\n(epoch 2)" in [t.get_text() for t in loss_ax.texts]
    np.testing.assert_array_equal(acc_ax.lines[1].get_ydata(), [0.5, 0.5, 0.75])


def test_history_accepts_keras_history_like_objects():
    class FakeHistory:
        history = {"loss": [2.0, 1.0], "learning_rate": [0.1, 0.01], "mae": [3.0, 2.0]}

    fig = plots.plot_history(FakeHistory())
    # loss first, the learning rate last (titled in words, with its own y label)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["loss", "mae", "learning rate"]
    assert [ax.get_ylabel() for ax in visible] == ["loss", "mae", "learning rate"]
    assert [ax.get_xlabel() for ax in visible] == ["epoch", "epoch", "epoch"]


def test_history_saves_png_of_the_figure_size(tmp_path, png_size):
    path = tmp_path / "sub" / "curves.png"
    fig = plots.plot_history({"loss": [1.0, 0.5]}, path=path)
    width, height = png_size(path)
    assert (width, height) == tuple(round(v * 100) for v in fig.get_size_inches())
    assert path.stat().st_size < 200_000


@pytest.mark.parametrize("history, error, message", [
    ({"loss": []}, ValueError, r"`history` holds no epoch \(every list is empty\)"),
    ({}, ValueError, r"`history` holds no epoch"),
    ([1.0, 0.5], TypeError, r"`history` must be a dict of per-epoch lists"),
    ({"loss": ["x"]}, TypeError, r"`history\['loss'\]` must be a list of numbers"),
    ({1: [0.5]}, TypeError, r"`history` keys must be metric names \(str\); received 1\."),
])
def test_history_errors(history, error, message):
    with pytest.raises(error, match=message):
        plots.plot_history(history)


# --------------------------------------------------------------------------- confusion matrix


def test_confusion_matrix_counts_and_names():
    fig = plots.plot_confusion_matrix([[5, 1], [2, 4]], class_names=["cat", "dog"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_title() == "confusion matrix (accuracy 0.750)"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")


def test_confusion_matrix_normalized_rows():
    fig = plots.plot_confusion_matrix(np.array([[3, 1], [0, 0]]), normalize=True)
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.75", "0.25", "0.00", "0.00"]


@pytest.mark.parametrize("cm, names, message", [
    ([[1, 2, 3], [4, 5, 6]], None, r"`cm` must be a square matrix \(classes x classes\); "
                                   r"received shape \(2, 3\)\."),
    ([[1, -1], [0, 1]], None, r"`cm` holds negative counts"),
    ([[1, 0], [0, 1]], ["a"], r"`class_names` must have one name per class \(2\); received 1 "
                              r"names\."),
    ([1, 2], None, r"`cm` must have 2 dimensions; received shape \(2,\)\."),
])
def test_confusion_matrix_errors(cm, names, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_confusion_matrix(cm, class_names=names)


# --------------------------------------------------------------------------- regression


def test_regression_scatter_diagonal_and_errors_in_title():
    fig = plots.plot_regression([1.0, 2.0, 3.0, 4.0], [[1.5], [2.5], [2.5], [3.5]])
    ax = fig.axes[0]
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_array_equal(offsets, [[1, 1.5], [2, 2.5], [3, 2.5], [4, 3.5]])
    assert ax.get_title() == "predictions vs truth (MAE 0.5, R² 0.800)"
    diagonal = ax.lines[0]
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())


def test_regression_errors():
    with pytest.raises(ValueError, match=r"`y_true` and `y_pred` must hold the same number of "
                                         r"values; received 3 and 2"):
        plots.plot_regression([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match=r"`y_pred` contains non-finite values \(1 NaN, 0 inf"):
        plots.plot_regression([1.0, 2.0], [1.0, np.nan])


# --------------------------------------------------------------------------- 2-D inputs


def test_decision_boundary_of_a_function_on_xor():
    fig = plots.plot_decision_boundary(lambda v: np.abs(v[:, 0] - v[:, 1]), XOR_X, XOR_Y,
                                       class_names=["0", "1"], resolution=20)
    ax = fig.axes[0]
    assert ax.get_title() == "decision boundary"
    points = {c.get_label(): c.get_offsets().tolist() for c in ax.collections
              if c.get_label() in ("0", "1")}
    assert points == {"0": [[0, 0], [1, 1]], "1": [[0, 1], [1, 0]]}
    assert ax.get_xlim() == (-0.25, 1.25) and ax.get_ylim() == (-0.25, 1.25)


def test_decision_boundary_of_keras_models(binary_2d, make_dense):
    model, data = binary_2d
    fig = plots.plot_decision_boundary(model, data.x_train, data.y_train, title="t")
    assert fig.axes[0].get_title() == "t"
    softmax = make_dense([[1, 0, -1], [0, 1, -1]], [0, 0, 0], activation="softmax", name="s")
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    fig = plots.plot_decision_boundary(softmax, data.x_train, np.eye(3)[y], resolution=30)
    labels = sorted(c.get_label() for c in fig.axes[0].collections
                    if not c.get_label().startswith("_"))
    assert labels == ["0", "1", "2"]  # one-hot labels are shown as classes


def test_decision_boundaries_side_by_side():
    models = {"and": lambda v: v.min(axis=1), "or": lambda v: v.max(axis=1),
              "xor": lambda v: np.abs(v[:, 0] - v[:, 1])}
    fig = plots.plot_decision_boundaries(models, XOR_X, XOR_Y, resolution=20)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["and", "or", "xor"]
    fig = plots.plot_decision_boundaries([models["and"]] * 5, XOR_X, XOR_Y, resolution=10,
                                         titles=list("abcde"), ncols=2)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == list("abcde")
    assert len(fig.axes) == 6  # 3 rows of 2, the last panel hidden


def test_two_d_errors():
    with pytest.raises(ValueError, match=r"`x` must have 2 features \(one per axis of the plot\)"
                                         r"; received shape \(4, 3\)\."):
        plots.plot_decision_boundary(lambda v: v[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"`x` and `y` must have the same number of samples; "
                                         r"received 4 and 3\."):
        plots.plot_decision_boundary(lambda v: v[:, 0], XOR_X, [0, 1, 0])
    with pytest.raises(ValueError, match=r"`resolution` must be >= 2"):
        plots.plot_decision_boundary(lambda v: v[:, 0], XOR_X, XOR_Y, resolution=1)
    with pytest.raises(TypeError, match=r"`model` must be a keras model or a function"):
        plots.plot_decision_boundary("mlp", XOR_X, XOR_Y)
    with pytest.raises(ValueError, match=r"`model` must return one row per input"):
        plots.plot_decision_boundary(lambda v: v[:3, 0], XOR_X, XOR_Y, resolution=5)
    with pytest.raises(ValueError, match=r"`models` is empty"):
        plots.plot_decision_boundaries([], XOR_X, XOR_Y)
    with pytest.raises(ValueError, match=r"`titles` must have one title per model \(1\); "
                                         r"received 2\."):
        plots.plot_decision_boundaries([lambda v: v[:, 0]], XOR_X, XOR_Y, titles=["a", "b"])


def test_lines_from_pairs_pass_through_the_right_points():
    fig = plots.plot_lines([([1.0, 1.0], -1.5), ([1.0, 0.0], -0.5)], XOR_X, XOR_Y,
                           labels=["and", "vertical"])
    ax = fig.axes[0]
    sloped, vertical = ax.lines
    xs, ys = sloped.get_xdata(), sloped.get_ydata()
    np.testing.assert_allclose(xs + ys, [1.5, 1.5])  # on x1 + x2 = 1.5
    np.testing.assert_array_equal(vertical.get_xdata(), [0.5, 0.5])
    assert [sloped.get_label(), vertical.get_label()] == ["and", "vertical"]


def test_lines_from_a_model_one_per_unit(make_dense):
    hidden = make_dense([[1.0, -1.0], [1.0, -1.0]], [-0.5, 1.5], activation="relu", name="h")
    fig = plots.plot_lines(hidden)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["unit 1", "unit 2"]
    np.testing.assert_allclose(ax.lines[0].get_xdata() + ax.lines[0].get_ydata(), [0.5, 0.5])
    np.testing.assert_allclose(ax.lines[1].get_xdata() + ax.lines[1].get_ydata(), [1.5, 1.5])


def test_lines_errors(make_dense):
    with pytest.raises(ValueError, match=r"`lines\[0\]` weight must have 2 values \(w1, w2\); "
                                         r"received 3\."):
        plots.plot_lines([([1, 2, 3], 0.0)])
    with pytest.raises(ValueError, match=r"`lines` is a model without a layer of kernel shape "
                                         r"\(2, units\)"):
        plots.plot_lines(make_dense(np.ones((3, 1)), [0.0], activation=None, name="m"))
    with pytest.raises(ValueError, match=r"`labels` must have one label per line \(1\); "
                                         r"received 2\."):
        plots.plot_lines(([1.0, 1.0], 0.0), labels=["a", "b"])


def test_fit_curve_of_a_1d_regression(regression_1d):
    model, data = regression_1d
    fig = plots.plot_fit(model, data.x_train, data.y_train, resolution=11)
    curve = fig.axes[0].lines[0]
    np.testing.assert_allclose(curve.get_xdata(), np.linspace(0, 7, 11), rtol=1e-6)
    np.testing.assert_allclose(curve.get_ydata(), 2 * np.linspace(0, 7, 11) + 1, rtol=1e-5)
    with pytest.raises(ValueError, match=r"`x` must have 1 feature for a fit plot; received "
                                         r"shape \(4, 2\)\."):
        plots.plot_fit(model, XOR_X, XOR_Y)


# --------------------------------------------------------------------------- saving


def test_save_figure_formats_and_atomicity(tmp_path, png_size, monkeypatch):
    fig = plots.plot_history({"loss": [1.0, 0.5]})
    assert plots.save_figure(fig, tmp_path / "a.svg").read_text().lstrip().startswith("<?xml")
    path = plots.save_figure(fig, tmp_path / "a.png")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("no space")

    monkeypatch.setattr(fig, "savefig", fail)
    with pytest.raises(RuntimeError, match="no space"):
        plots.save_figure(fig, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]
    with pytest.raises(TypeError, match=r"`fig` must be Figure; received"):
        plots.save_figure("fig", tmp_path / "b.png")


def test_decision_boundary_says_when_there_is_no_boundary():
    fig = plots.plot_decision_boundary(lambda v: np.ones(len(v)), XOR_X, XOR_Y, resolution=5)
    assert [t.get_text() for t in fig.axes[0].texts] == ["predicts class 1 everywhere in view"]


def test_lines_are_drawn_through_the_view_with_an_arrow_to_the_positive_side():
    fig = plots.plot_lines(([0.0, 2.0], -1.0), XOR_X, XOR_Y)  # the horizontal line x2 = 0.5
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.5, 0.5])
    arrow = ax.texts[0]
    assert arrow.xy[1] > arrow.xyann[1]  # points up, where 2 * x2 - 1 > 0
    np.testing.assert_allclose(arrow.xyann, [0.5, 0.5])  # starts at the centre of the view


def test_lines_out_of_view_say_so():
    fig = plots.plot_lines([([0.0, 1.0], -3.0), ([1.0, 1.0], -1.0)], XOR_X, XOR_Y,
                           labels=["far", "near"])
    assert [line.get_label() for line in fig.axes[0].lines] == ["far (out of view)", "near"]


def test_plots_can_be_drawn_from_threads(tmp_path, png_size):
    from concurrent.futures import ThreadPoolExecutor

    def draw(i):
        path = tmp_path / f"curves{i}.png"
        plots.plot_history({"loss": [1.0, 0.5 / (i + 1)]}, path=path)
        plots.plot_confusion_matrix([[i, 1], [1, i]], path=tmp_path / f"cm{i}.png")
        return png_size(path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sizes = list(pool.map(draw, range(4)))
    assert sizes == [sizes[0]] * 4
    assert len(list(tmp_path.glob("*.png"))) == 8


# --------------------------------------------------------------------------- new in issue 13


def test_most_confident_mistakes_picks_exactly_the_k_surest_wrong_predictions():
    from kerasdl.reports import most_confident_mistakes

    y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    outputs = np.array([
        [0.9, 0.05, 0.05],  # 0 right
        [0.8, 0.1, 0.1],    # 1 wrong, confidence 0.8
        [0.1, 0.1, 0.8],    # 2 right
        [0.05, 0.9, 0.05],  # 3 wrong, 0.9
        [0.6, 0.3, 0.1],    # 4 wrong, 0.6
        [0.2, 0.7, 0.1],    # 5 wrong, 0.7
        [0.1, 0.1, 0.8],    # 6 wrong, 0.8 (tie with 1: the lower index first)
        [0.2, 0.5, 0.3],    # 7 right
    ])
    assert most_confident_mistakes(y, outputs, k=3).tolist() == [3, 1, 6]
    assert most_confident_mistakes(y, outputs).tolist() == [3, 1, 6, 5, 4]
    one_hot = np.eye(3)[y]
    assert most_confident_mistakes(one_hot, outputs, k=2).tolist() == [3, 1]
    # one sigmoid unit: confidence p for class 1, 1 - p for class 0
    assert most_confident_mistakes([1, 0, 1, 0], [0.2, 0.95, 0.7, 0.6]).tolist() == [1, 0, 3]
    assert most_confident_mistakes([0, 1], [[0.9, 0.1], [0.2, 0.8]]).tolist() == []
    with pytest.raises(ValueError, match=r"`k` must be >= 1"):
        most_confident_mistakes(y, outputs, k=0)


def test_plot_mistakes_titles_name_true_predicted_and_confidence():
    x = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    outputs = [[0.1, 0.9], [0.7, 0.3], [0.45, 0.55], [0.2, 0.8], [0.99, 0.01]]
    fig = plots.plot_mistakes(x, [0, 1, 1, 0, 0], outputs, class_names=["cat", "dog"], k=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["cat → dog (90%)", "cat → dog (80%)"]
    assert fig.get_suptitle() == ("the 2 most confident mistakes (of 3 wrong, 5 images): "
                                  "true → predicted (confidence)")
    rgb = plots.plot_mistakes(x.repeat(3, axis=-1), [1, 1, 1, 1, 1], outputs)
    assert [ax.get_title() for ax in rgb.axes if ax.get_visible()] == [
        "1 → 0 (99%)", "1 → 0 (70%)"]
    none = plots.plot_mistakes(x[:1], [1], [[0.1, 0.9]])
    assert none.axes[0].texts[0].get_text() == "no mistake on these 1 images"
    with pytest.raises(ValueError, match=r"`x` must be images of shape"):
        plots.plot_mistakes(np.zeros((5, 4)), [0] * 5, outputs)


def test_fit_equation_strings():
    assert plots.fit_equation(2.0, 1.0) == "y = 2·x + 1"
    assert plots.fit_equation(1.9987, 1.0213) == "y = 1.999·x + 1.021"
    assert plots.fit_equation(-0.5, -3.25) == "y = −0.5·x − 3.25"
    assert plots.fit_equation(3.14159, 0.0, digits=2) == "y = 3.1·x + 0"


def test_fit_plot_shows_the_learned_equation(make_dense):
    model = make_dense([[2.5]], [-1.25], activation=None, name="line")
    x = np.linspace(-1, 1, 20, dtype="float32")
    fig = plots.plot_fit(model, x, 2.5 * x - 1.25)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["data", "model: y = 2.5·x − 1.25"]
    curved = plots.plot_fit(lambda v: v[:, 0] ** 2, x, x ** 2)
    assert [t.get_text() for t in curved.axes[0].get_legend().get_texts()] == ["data", "model"]


def test_plot_histories_errors():
    with pytest.raises(TypeError, match=r"`histories` must be a dict"):
        plots.plot_histories([{"loss": [1.0]}])
    with pytest.raises(ValueError, match=r"`histories` holds no epoch"):
        plots.plot_histories({"a": {"loss": []}})
