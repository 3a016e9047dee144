"""One catalogue of bad inputs across kerasdl's public entry points.

Every row asserts three things about the error:

1. its type: ValueError or TypeError (or a kerasdl subclass of them);
2. where it was raised: the innermost traceback frame is inside the ``kerasdl`` or
   ``recipes`` package, i.e. kerasdl's own checks caught it before any backend work (for
   ``train``/``find_lr`` the model's weights are also unchanged);
3. its message names the argument and shows the value received (the row's regex).

CLI rows run ``kerasdl.cli.main`` and check the exit status 2 and the message on stderr.
"""

import os
import re

import numpy as np
import pytest

import kerasdl
from kerasdl import recipes
from kerasdl import augment, data, models
from kerasdl.cli import main as cli_main

PACKAGES = (f"{os.sep}kerasdl{os.sep}", f"{os.sep}recipes{os.sep}")

RNG = np.random.default_rng(0)
X4 = RNG.normal(size=(40, 4)).astype("float32")
Y3 = np.arange(40) % 3
YB = np.arange(40) % 2
IMG = RNG.random((12, 8, 8, 1)).astype("float32")
IMG_Y = np.arange(12) % 3
FLOAT_Y = (np.arange(40) * 0.25 + 0.5).astype("float32")  # regression targets 0.5 .. 10.25
MULTI_HOT = np.eye(3)[Y3]
MULTI_HOT[:, 0] = 1  # row 1 is [1, 1, 0]
BIG = np.where(Y3 == 2, 2**40, Y3).astype("int64")
X41, Y41 = np.zeros((41, 4), "float32"), np.r_[Y3, 7]  # class 7 has a single sample


def with_nan(x, index=(3, 1)):
    x = x.copy()
    x[index] = np.nan
    return x


class Ctx:
    """Holds the model a row trains and a run folder, to check that nothing ran."""

    model = None

    def __init__(self, run_dir):
        self.run_dir = run_dir

    def mlp(self, **kw):
        kw.setdefault("hidden", (4,))
        kw.setdefault("task", "multiclass")
        if kw["task"] == "multiclass":
            kw.setdefault("num_classes", 3)
        self.model = models.mlp((4,), seed=0, **kw)
        return self.model

    def cnn(self, **kw):
        self.model = models.cnn((8, 8, 1), filters=(2,), dense=(), num_classes=3, seed=0, **kw)
        return self.model


def train(ctx, model, xy, **kw):
    kw.setdefault("epochs", 1)
    kw.setdefault("verbose", 0)
    kw.setdefault("plots", False)
    return kerasdl.train(model, xy, **kw)


class Known:
    """A known defect (reported to the lead): the row is a strict xfail until it is fixed."""

    def __init__(self, reason):
        self.reason = reason


# (id, call(ctx), exception type, regex the message must match[, xfail reason])
CASES = [
    # ------------------------------------------------------------------ data.load
    ("load-unknown-name", lambda c: data.load("digitz"),
     ValueError, r"'digitz'.*Did you mean 'digits'"),
    ("load-name-type", lambda c: data.load(3),
     TypeError, r"`name`.*3"),
    ("load-val-too-big", lambda c: data.load("digits", val=1.5),
     ValueError, r"`val` must be in .*; received 1\.5"),
    ("load-test-negative", lambda c: data.load("digits", test=-0.1),
     ValueError, r"`test` must be in .*received -0\.1"),
    ("load-fractions-sum", lambda c: data.load("digits", val=0.6, test=0.5),
     ValueError, r"`val`.*`test`.*0\.6.*0\.5"),
    ("load-seed-type", lambda c: data.load("digits", seed="zero"),
     TypeError, r"`seed`.*'zero'"),
    ("load-unknown-option", lambda c: data.load("digits", colour="red"),
     (TypeError, ValueError), r"colour"),
    ("load-standardize-choice", lambda c: data.load("digits", standardize="maybe"),
     (TypeError, ValueError), r"`standardize`.*'maybe'"),
    # ------------------------------------------------------------------ data.split / arrays
    ("split-val-range", lambda c: data.split(X4, Y3, val=1.5),
     ValueError, r"`val` must be in .*received 1\.5"),
    ("split-length-mismatch", lambda c: data.split(X4, Y3[:-1]),
     ValueError, r"`x`.*`y`.*40 and 39"),
    ("split-empty", lambda c: data.split(np.zeros((0, 4)), np.zeros(0)),
     ValueError, r"`x` is empty \(shape \(0, 4\)\)"),
    ("split-single-member-class", lambda c: data.split(X41, Y41, val=0.05),
     ValueError, r"`y`: the least populated class \(label 7\) has only 1 member.*"
                 r"stratify=False"),
    ("split-fractions-exact", lambda c: data.split(X4, Y3, val=0.1 + 0.2, test=0.7),
     ValueError, r"received val=0\.30000000000000004 \+ test=0\.7"),
    ("arrays-label-2**40", lambda c: data.from_arrays(X4, BIG, task="multiclass",
                                                       num_classes=3),
     ValueError, r"`y_train` holds label 1099511627776 .*\[0, 3\)"),
    ("arrays-negative-label-2**40", lambda c: data.from_arrays(X4, -BIG, task="multiclass",
                                                                num_classes=3),
     ValueError, r"`y_train` holds negative label -1099511627776;"),
    ("arrays-fractional-label-exact", lambda c: data.from_arrays(
        X4, np.where(Y3 == 2, 0.1 + 0.2, Y3), task="multiclass", num_classes=3),
     ValueError, r"`y_train` must hold integer class labels.*0\.30000000000000004"),
    ("split-seed-type", lambda c: data.split(X4, Y3, seed=1.5),
     TypeError, r"`seed`.*1\.5"),
    ("arrays-nan", lambda c: data.from_arrays(with_nan(X4), Y3),
     ValueError, r"`x_train` contains non-finite values \(1 NaN, 0 inf; first at index "
                 r"\(3, 1\)\)"),
    ("arrays-inf-labels", lambda c: data.from_arrays(X4, np.where(YB == 1, np.inf, 0.0),
                                                     task="regression"),
     ValueError, r"`y_train` contains non-finite values \(0 NaN, 20 inf"),
    ("arrays-label-out-of-range", lambda c: data.from_arrays(X4, Y3 + 2, task="multiclass",
                                                              num_classes=3),
     ValueError, r"`y_train` holds label 4 .*\[0, 3\)"),
    ("arrays-negative-label", lambda c: data.from_arrays(X4, Y3 - 1, task="multiclass",
                                                          num_classes=3),
     ValueError, r"`y_train` holds negative label -1"),
    ("arrays-object-dtype", lambda c: data.from_arrays(np.array([[1, "a"]] * 4, dtype=object),
                                                       YB[:4]),
     TypeError, r"`x_train` must hold numbers; received an array of dtype object"),
    ("arrays-onehot-width", lambda c: data.from_arrays(X4, np.eye(4)[Y3], task="multiclass",
                                                       num_classes=3),
     ValueError, r"`y_train` is one-hot with 4 columns but the task has 3 classes"),
    ("arrays-uint8-unscaled", lambda c: data.from_arrays((IMG * 255).astype("uint8"), IMG_Y),
     ValueError, r"`x_train` holds uint8 values up to \d+ .*scale=255"),
    # ------------------------------------------------------------------ builders
    ("mlp-input-shape-zero", lambda c: models.mlp((0,), num_classes=3),
     ValueError, r"`input_shape`.*\(0,\)"),
    ("mlp-hidden-zero", lambda c: models.mlp((4,), hidden=(0,), num_classes=3),
     ValueError, r"`hidden.*0"),
    ("mlp-hidden-negative", lambda c: models.mlp((4,), hidden=(8, -3), num_classes=3),
     ValueError, r"`hidden.*-3"),
    ("mlp-missing-num-classes", lambda c: models.mlp((4,), task="multiclass"),
     ValueError, r"`num_classes`.*None"),
    ("mlp-unknown-task", lambda c: models.mlp((4,), task="clasification", num_classes=3),
     ValueError, r"`task`.*'clasification'"),
    ("mlp-unknown-activation", lambda c: models.mlp((4,), activation="relux", num_classes=3),
     ValueError, r"`activation`.*'relux'.*relu"),
    ("mlp-dropout-one", lambda c: models.mlp((4,), dropout=1.0, num_classes=3),
     ValueError, r"`dropout`.*1"),
    ("mlp-unknown-optimizer", lambda c: models.mlp((4,), optimizer="adamm", num_classes=3),
     ValueError, r"`optimizer`.*'adamm'.*adam"),
    ("cnn-missing-channels", lambda c: models.cnn((8, 8), num_classes=3),
     ValueError, r"`input_shape`.*\(8, 8\)"),
    ("cnn-kernel-size-zero", lambda c: models.cnn((8, 8, 1), kernel_size=0, num_classes=3),
     ValueError, r"`kernel_size`.*0"),
    ("cnn-unknown-pooling", lambda c: models.cnn((8, 8, 1), pooling="maximum", num_classes=3),
     ValueError, r"`pooling`.*'maximum'"),
    ("cnn-unknown-augment", lambda c: models.cnn((8, 8, 1), augment="mnistt", num_classes=3),
     ValueError, r"'mnistt'.*mnist"),
    ("create-unknown-model", lambda c: models.create("resnet", input_shape=(4,)),
     ValueError, r"'resnet'"),
    ("perceptron-input-dim", lambda c: models.perceptron(0),
     ValueError, r"`input_dim`.*0"),
    # ------------------------------------------------------------------ train
    ("train-epochs-zero", lambda c: train(c, c.mlp(), (X4, Y3), epochs=0),
     ValueError, r"`epochs`.*0"),
    ("train-batch-size-negative", lambda c: train(c, c.mlp(), (X4, Y3), batch_size=-8),
     ValueError, r"`batch_size`.*-8"),
    ("train-validation-split", lambda c: train(c, c.mlp(), (X4, Y3), validation_split=1.5),
     ValueError, r"`validation_split` must be in \(0, 1\); received 1\.5"),
    ("train-wrong-features", lambda c: train(c, c.mlp(), (X4[:, :3], Y3)),
     ValueError, r"`x_train` has samples of shape \(3,\) but the model expects .*\(4,\)"),
    ("train-wrong-channels", lambda c: train(c, c.cnn(), (np.repeat(IMG, 3, axis=-1), IMG_Y)),
     ValueError, r"`x_train` has samples of shape \(8, 8, 3\) .*\(8, 8, 1\)"),
    ("train-label-out-of-range", lambda c: train(c, c.mlp(), (X4, np.where(Y3 == 2, 3, Y3))),
     ValueError, r"`y_train` holds label 3 .*\[0, 3\)"),
    ("train-binary-labels", lambda c: train(c, c.mlp(task="binary"), (X4, Y3)),
     ValueError, r"`y_train` holds label 2 .*\[0, 2\)"),
    ("train-nan-inputs", lambda c: train(c, c.mlp(), (with_nan(X4), Y3)),
     ValueError, r"`x_train` contains non-finite values \(1 NaN"),
    ("train-empty", lambda c: train(c, c.mlp(), (X4[:0], Y3[:0])),
     ValueError, r"`x_train` is empty \(shape \(0, 4\)\)"),
    ("train-length-mismatch", lambda c: train(c, c.mlp(), (X4, Y3[:30])),
     ValueError, r"`x_train` and `y_train` .*40 and 30"),
    ("train-onehot-vs-sparse-head", lambda c: train(c, c.mlp(), (X4, np.eye(4)[YB])),
     ValueError, r"`y_train`|4 classes.*3 units"),
    ("train-sparse-labels-onehot-model", lambda c: train(c, c.mlp(one_hot=True), (X4, Y3)),
     ValueError, r"'categorical_crossentropy' expects one-hot labels but `y_train` holds "
                 r"integer class labels"),
    ("train-onehot-labels-sparse-model", lambda c: train(c, c.mlp(), (X4, np.eye(3)[Y3])),
     ValueError, r"'sparse_categorical_crossentropy' expects integer class labels but "
                 r"`y_train` is one-hot"),
    ("train-float-targets-classifier", lambda c: train(c, c.mlp(), (X4, FLOAT_Y)),
     ValueError, r"`y_train` holds continuous values \(e\.g\. 0\.5\).*3-class softmax"),
    ("train-multi-hot-softmax", lambda c: train(c, c.mlp(), (X4, MULTI_HOT)),
     ValueError, r"`y_train` has rows that do not sum to 1"),
    ("train-negative-lr-exact", lambda c: train(c, c.mlp(), (X4, Y3),
                                                learning_rate=-123456789.0),
     ValueError, r"`learning_rate`.*received -123456789\."),
    ("train-uint8-images", lambda c: train(c, c.cnn(), ((IMG * 255).astype("uint8"), IMG_Y)),
     ValueError, r"`x_train`.*uint8.*255"),
    ("train-unknown-optimizer", lambda c: train(c, c.mlp(), (X4, Y3), optimizer="adamm"),
     ValueError, r"optimizer 'adamm'.*'adam'"),
    ("train-negative-lr", lambda c: train(c, c.mlp(), (X4, Y3), learning_rate=-0.1),
     ValueError, r"`learning_rate`.*-0\.1"),
    ("train-nan-lr", lambda c: train(c, c.mlp(), (X4, Y3), learning_rate=float("nan")),
     ValueError, r"`learning_rate`.*nan"),
    ("train-unknown-schedule", lambda c: train(c, c.mlp(), (X4, Y3), schedule="cosinee"),
     ValueError, r"schedule 'cosinee'.*'cosine'"),
    ("train-model-type", lambda c: train(c, "mlp", (X4, Y3)),
     TypeError, r"`model`.*'mlp'"),
    ("train-checkpoint-every", lambda c: train(c, c.mlp(), (X4, Y3), checkpoint_every=0),
     ValueError, r"`checkpoint_every`.*0"),
    ("train-data-type", lambda c: train(c, c.mlp(), "digits"),
     TypeError, r"`data`.*'digits'"),
    # ------------------------------------------------------------------ evaluate / find_lr
    ("evaluate-wrong-features", lambda c: kerasdl.evaluate(c.mlp(), (X4[:, :2], Y3)),
     ValueError, r"`\w+`.*shape \(2,\).*\(4,\)"),
    ("evaluate-label-out-of-range", lambda c: kerasdl.evaluate(c.mlp(), (X4, Y3 + 5)),
     ValueError, r"`\w+`.*label 7 .*\[0, 3\)"),
    ("evaluate-onehot-labels-sparse-model", lambda c: kerasdl.evaluate(c.mlp(),
                                                                      (X4, np.eye(3)[Y3])),
     ValueError, r"'sparse_categorical_crossentropy' expects integer class labels but "
                 r"`y_test` is one-hot"),
    ("evaluate-sparse-labels-onehot-model", lambda c: kerasdl.evaluate(c.mlp(one_hot=True),
                                                                       (X4, Y3)),
     ValueError, r"'categorical_crossentropy' expects one-hot labels but `y_test` holds "
                 r"integer class labels"),
    ("evaluate-float-targets-classifier", lambda c: kerasdl.evaluate(c.mlp(), (X4, FLOAT_Y)),
     ValueError, r"`y_test` holds continuous values \(e\.g\. 0\.5\) but the model's output "
                 r"layer is a 3-class softmax classifier"),
    ("evaluate-float-targets-binary", lambda c: kerasdl.evaluate(c.mlp(task="binary"),
                                                                 (X4, FLOAT_Y)),
     ValueError, r"`y_test` holds continuous values \(e\.g\. 0\.5\).*1-unit sigmoid "
                 r"\(binary\) classifier"),
    ("evaluate-multi-hot-softmax", lambda c: kerasdl.evaluate(c.mlp(), (X4, MULTI_HOT)),
     ValueError, r"`y_test` has rows that do not sum to 1 \(row 1 sums to 2: multi-hot"),
    ("evaluate-label-2**40", lambda c: kerasdl.evaluate(c.mlp(), (X4, BIG)),
     ValueError, r"`y_test` holds label 1099511627776 but labels must be in \[0, 3\)"),
    ("find-lr-float-targets-classifier", lambda c: kerasdl.find_lr(c.mlp(), (X4, FLOAT_Y)),
     ValueError, r"`y_train` holds continuous values"),
    ("evaluate-batch-size", lambda c: kerasdl.evaluate(c.mlp(), (X4, Y3), batch_size=0),
     ValueError, r"`batch_size`.*0"),
    ("find-lr-range", lambda c: kerasdl.find_lr(c.mlp(), (X4, Y3), start_lr=1.0, end_lr=0.1),
     ValueError, r"`end_lr` must be greater than `start_lr` \(1\); received 0\.1"),
    ("find-lr-steps", lambda c: kerasdl.find_lr(c.mlp(), (X4, Y3), steps=0),
     ValueError, r"`steps`.*0"),
    ("find-lr-smoothing", lambda c: kerasdl.find_lr(c.mlp(), (X4, Y3), smoothing=1.5),
     ValueError, r"`smoothing`.*1\.5"),
    ("find-lr-nan-data", lambda c: kerasdl.find_lr(c.mlp(), (with_nan(X4), Y3)),
     ValueError, r"`x_train` contains non-finite values"),
    # ------------------------------------------------------------------ augmentation
    ("affine-negative-rotation", lambda c: augment.RandomAffine(rotation=-5),
     ValueError, r"`rotation`.*-5"),
    ("affine-shift-range", lambda c: augment.RandomAffine(width_shift=1.5),
     ValueError, r"`width_shift`.*1\.5"),
    ("affine-unknown-flip", lambda c: augment.RandomAffine(flip="diagonal"),
     ValueError, r"`flip`.*'diagonal'"),
    ("affine-unknown-fill", lambda c: augment.RandomAffine(fill_mode="mirror"),
     ValueError, r"`fill_mode`.*'mirror'"),
    ("affine-rank-2-input", lambda c: augment.RandomAffine(rotation=10)(X4, training=True),
     ValueError, r"shape \(40, 4\)"),
    ("pipeline-unknown-preset", lambda c: augment.pipeline("mnistt"),
     ValueError, r"'mnistt'.*mnist"),
    ("pipeline-rotation-type", lambda c: augment.pipeline(rotation="a lot"),
     TypeError, r"`rotation`.*'a lot'"),
    ("idg-negative-rotation", lambda c: augment.ImageDataGenerator(rotation_range=-10),
     ValueError, r"`rotation_range`.*-10"),
    ("idg-zoom-one-value", lambda c: augment.ImageDataGenerator(zoom_range=(0.5,)),
     ValueError, r"`zoom_range`.*\(0\.5,\)"),
    ("idg-flow-rank-3", lambda c: augment.ImageDataGenerator().flow(IMG[..., 0], IMG_Y),
     ValueError, r"`x`.*\(12, 8, 8\)"),
    ("idg-flow-length", lambda c: augment.ImageDataGenerator().flow(IMG, IMG_Y[:5]),
     ValueError, r"`x`.*`y`.*12.*5"),
    ("idg-flow-batch-size", lambda c: augment.ImageDataGenerator().flow(IMG, IMG_Y,
                                                                       batch_size=0),
     ValueError, r"`batch_size`.*0"),
    ("pipeline-channels-first-array", lambda c: augment.pipeline(rotation=10)(
        np.zeros((2, 3, 8, 8), "float32")),
     ValueError, r"received images of shape \(2, 3, 8, 8\): the last axis \(8\) does not "
                 r"look like a channel axis"),
    ("idg-empty-folder-iterated", lambda c: next(_empty_folder_iterator(c)),
     ValueError, r"DirectoryIterator has no samples to yield \(it found 0 images in"),
    # ------------------------------------------------------------------ recipes
    ("recipe-unknown", lambda c: recipes.run("xorr", run_dir=c.run_dir),
     ValueError, r"'xorr'.*xor"),
    ("recipe-epochs-zero", lambda c: recipes.run("xor", epochs=0, run_dir=c.run_dir),
     ValueError, r"`epochs`.*0"),
    ("recipe-nan-lr", lambda c: recipes.run("xor", learning_rate=float("nan"),
                                            run_dir=c.run_dir),
     ValueError, r"`learning_rate`.*nan"),
    ("recipe-negative-batch-size", lambda c: recipes.run("linear_regression", batch_size=-1,
                                                         run_dir=c.run_dir),
     ValueError, r"`batch_size`.*-1"),
    ("recipe-unknown-setting", lambda c: recipes.run("xor", hidden_units=4, run_dir=c.run_dir),
     ValueError, r"'hidden_units'.*hidden"),
    ("recipe-batch-size-type", lambda c: recipes.run("xor", batch_size="big", run_dir=c.run_dir),
     TypeError, r"`batch_size`.*'big'"),
]

CLI_CASES = [
    ("cli-unknown-recipe", ["run", "xorr"], r"'xorr'.*xor"),
    ("cli-epochs-zero", ["run", "xor", "--set", "epochs=0"], r"`epochs`.*0"),
    ("cli-nan-lr", ["run", "xor", "--set", "learning_rate=nan"], r"`learning_rate`.*nan"),
    ("cli-epochs-flag", ["run", "xor", "--epochs", "-2"], r"`epochs`.*-2"),
    ("cli-unknown-setting", ["run", "xor", "--set", "hiddne=4"], r"'hiddne'.*hidden"),
    ("cli-unbalanced", ["run", "xor", "--set", "hidden=(4"], r"`--set hidden`.*'\(4'"),
    ("cli-no-equals", ["run", "xor", "--set", "hidden"], r"KEY=VALUE; received 'hidden'"),
]


def _empty_folder_iterator(ctx):
    """flow_from_directory on a folder whose class sub-folders hold no image."""
    root = ctx.run_dir.parent / "images"
    for name in ("cat", "dog"):
        (root / name).mkdir(parents=True)
    return augment.ImageDataGenerator().flow_from_directory(root, target_size=(4, 4))


def _weights(model):
    return None if model is None else [np.array(w) for w in model.get_weights()]


def _params(rows):
    out = []
    for row in rows:
        known = row[-1] if isinstance(row[-1], Known) else None
        args = row[1:-1] if known else row[1:]
        marks = [pytest.mark.xfail(strict=True, reason=known.reason)] if known else []
        out.append(pytest.param(*args, id=row[0], marks=marks))
    return out


@pytest.mark.parametrize("call, exc, pattern", _params(CASES))
def test_bad_input(call, exc, pattern, tmp_path):
    ctx = Ctx(tmp_path / "run")
    with pytest.raises(exc) as excinfo:
        call(ctx)
    err = excinfo.value
    assert isinstance(err, (ValueError, TypeError)), type(err)
    assert re.search(pattern, str(err), re.S), f"message does not match {pattern!r}: {err}"
    innermost = str(excinfo.traceback[-1].path)
    assert any(p in innermost for p in PACKAGES), f"raised outside kerasdl: {innermost}"
    if ctx.model is not None and ctx.model.optimizer is not None:
        assert int(np.asarray(ctx.model.optimizer.iterations)) == 0  # no step was taken
    assert not ctx.run_dir.exists()  # a recipe wrote nothing


@pytest.mark.parametrize("argv, pattern", _params(CLI_CASES))
def test_bad_cli_input(argv, pattern, tmp_path, capsys):
    run_dir = tmp_path / "run"
    assert cli_main(argv + ["--run-dir", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kerasdl run: error: ")
    assert re.search(pattern, err, re.S), err
    assert "Traceback" not in err
    assert not run_dir.exists()  # nothing ran


def test_catalogue_size():
    assert len(CASES) + len(CLI_CASES) >= 40
