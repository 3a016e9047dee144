"""load(): every dataset in list_datasets() loads; options, local files, errors."""

import sys
import types

import numpy as np
import pytest

import kerasdl.data as kd
from kerasdl.errors import ChecksumError, DamagedFileError

DOWNLOADABLE = ("mnist", "fashion_mnist", "cifar10")


def _local_fixture(name, fx, folder):
    """Write small generated files in the layout each downloadable dataset accepts."""
    if name == "mnist":
        fx.write_mnist_npz(folder / "mnist.npz", fx.small_mnist())
    elif name == "fashion_mnist":
        fx.write_idx_set(folder, fx.small_mnist(seed=1))
    else:
        fx.write_cifar_tar(folder / "cifar-10-python.tar.gz", *fx.small_cifar())
    return folder


@pytest.mark.parametrize("name", kd.list_datasets())
def test_every_dataset_loads(name, fx, tmp_path):
    kwargs = {}
    if name in DOWNLOADABLE:
        kwargs = {"data_dir": _local_fixture(name, fx, tmp_path / name), "verify": False,
                  "source": "local"}
    data = kd.load(name, **kwargs)
    assert isinstance(data, kd.Dataset)
    assert data.name == name
    assert data.description == kd.describe_datasets()[name]
    assert data.x_train.dtype == np.float32 and len(data.x_train) > 0
    assert np.isfinite(data.x_train).all()
    if data.task == "regression":
        assert data.y_train.dtype == np.float32 and data.num_classes is None
    else:
        assert data.y_train.dtype == np.int64
        assert 0 <= data.y_train.min() and data.y_train.max() < data.num_classes
        assert len(data.class_names) == data.num_classes


def test_list_and_describe():
    names = kd.list_datasets()
    assert names == ["and", "or", "nand", "xor", "regression", "exam_scores", "spirals",
                     "moons", "digits", "iris", "wine", "breast_cancer", "diabetes", "mnist",
                     "fashion_mnist", "cifar10"]
    desc = kd.describe_datasets()
    assert list(desc) == names
    assert all(isinstance(v, str) and v and "\n" not in v for v in desc.values())


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown dataset 'fashon_mnist'. Did you mean "
                                         r"'fashion_mnist' or 'mnist'\? Valid datasets: and, "):
        kd.load("fashon_mnist")


def test_name_is_case_and_dash_insensitive():
    assert kd.load("Breast-Cancer").name == "breast_cancer"


def test_name_wrong_type():
    with pytest.raises(TypeError, match=r"`name` must be a dataset name \(str\); received 3"):
        kd.load(3)


def test_unknown_option():
    with pytest.raises(ValueError, match=r"Unknown option\(s\) 'repeat' for dataset 'xor'. Its "
                                         r"options: noise, repeats."):
        kd.load("xor", repeat=3)


def test_bad_source():
    with pytest.raises(ValueError, match=r"`source` must be one of 'auto', 'download', 'local', "
                                         r"'tfds'; received 'web'"):
        kd.load("iris", source="web")


def test_tfds_only_for_downloadable():
    with pytest.raises(ValueError, match=r"`source`='tfds' only applies to downloadable datasets"):
        kd.load("iris", source="tfds")


def test_bad_split_fractions_checked_before_anything():
    with pytest.raises(ValueError, match=r"`val` \+ `test` must be < 1 so that a training part "
                                         r"remains; received val=0.6 \+ test=0.5 = 1.1."):
        kd.load("mnist", val=0.6, test=0.5)


# ------------------------------------------------------------------------- generated datasets

@pytest.mark.parametrize("gate, labels", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]),
                                          ("nand", [1, 1, 1, 0]), ("xor", [0, 1, 1, 0])])
def test_truth_tables(gate, labels):
    data = kd.load(gate)
    assert data.task == "binary" and data.x_test is None and data.x_val is None
    assert data.x_train.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.y_train.tolist() == labels


def test_truth_table_repeats_and_noise():
    data = kd.load("xor", repeats=25, noise=0.1, seed=0, test=0.2)
    assert (len(data.x_train), len(data.x_test)) == (80, 20)
    assert sorted(np.bincount(data.y_test).tolist()) == [10, 10]
    clean = np.round(np.concatenate([data.x_train, data.x_test]))
    labels = np.concatenate([data.y_train, data.y_test])
    np.testing.assert_array_equal(np.logical_xor(clean[:, 0], clean[:, 1]).astype(int), labels)
    assert np.abs(data.x_train - np.round(data.x_train)).max() > 0.01


def test_truth_table_bad_repeats():
    with pytest.raises(ValueError, match=r"`repeats` must be a positive integer \(>= 1\); "
                                         r"received 0."):
        kd.load("and", repeats=0)


def test_regression_true_parameters_and_seed():
    a = kd.load("regression", seed=3)
    b = kd.load("regression", seed=3)
    c = kd.load("regression", seed=4)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    assert (a.info["w"], a.info["b"], a.info["noise"]) == (2.0, 1.0, 0.5)
    x = np.concatenate([a.x_train, a.x_test])
    assert x.shape == (200, 1) and x.min() >= -2 and x.max() <= 2
    w, b = np.polyfit(np.concatenate([a.x_train, a.x_test])[:, 0],
                      np.concatenate([a.y_train, a.y_test]), 1)
    assert abs(w - 2.0) < 0.1 and abs(b - 1.0) < 0.1


def test_regression_options_and_noise_free_exact():
    data = kd.load("regression", n=50, w=[1.0, -3.0], b=0.5, noise=0.0, test=0)
    assert data.input_shape == (2,) and data.info["w"] == [1.0, -3.0]
    np.testing.assert_allclose(data.y_train, data.x_train @ np.array([1.0, -3.0]) + 0.5,
                               rtol=1e-5, atol=1e-5)


def test_regression_bad_noise():
    with pytest.raises(ValueError, match=r"`noise` must be in \[0, inf\); received -1."):
        kd.load("regression", noise=-1)


def test_exam_scores_exact_table():
    data = kd.load("exam_scores", standardize=False)
    assert data.x_train.tolist() == [[73, 80, 75], [93, 88, 93], [89, 91, 90], [96, 98, 100],
                                     [73, 66, 70]]
    assert data.y_train.tolist() == [152, 185, 180, 196, 142]
    assert kd.load("exam_scores").info["standardize"]["mean"].tolist() == pytest.approx(
        [84.8, 84.6, 85.6])


def test_spirals_and_moons():
    s = kd.load("spirals", n=90, classes=3, test=0)
    assert (s.task, s.num_classes, len(s.x_train)) == ("multiclass", 3, 90)
    assert np.bincount(s.y_train).tolist() == [30, 30, 30]
    m = kd.load("moons", n=101, noise=0.0, test=0)
    assert m.task == "binary" and np.bincount(m.y_train).tolist() == [50, 51]
    radius = np.linalg.norm(m.x_train[m.y_train == 0], axis=1)
    np.testing.assert_allclose(radius, 1.0, rtol=1e-5)


# -------------------------------------------------------------------------- embedded datasets

def test_digits_flat_and_images():
    flat = kd.load("digits", test=0)
    assert flat.x_train.shape == (1797, 64)
    assert flat.x_train.min() == 0.0 and flat.x_train.max() == 1.0  # pixels 0..16 / 16
    img = kd.load("digits", channels=True, test=0)
    assert img.x_train.shape == (1797, 8, 8, 1)
    np.testing.assert_array_equal(img.x_train.reshape(1797, 64), flat.x_train)


def test_iris_splits_and_standardize_auto():
    data = kd.load("iris", val=0.15, test=0.3, seed=0)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (82, 23, 45)
    for ys in (data.y_train, data.y_val, data.y_test):
        share = len(ys) / 150
        assert np.all(np.abs(np.bincount(ys, minlength=3) - 50 * share) < 1)
    np.testing.assert_allclose(data.x_train.mean(0), 0, atol=1e-5)
    assert data.class_names == ["setosa", "versicolor", "virginica"]
    raw = kd.load("iris", standardize=False)
    assert raw.x_train.max() > 5 and "standardize" not in raw.info


def test_one_hot_for_multiclass_and_refused_for_regression():
    assert kd.load("wine", one_hot=True).y_train.shape[1] == 3
    with pytest.raises(ValueError, match=r"`one_hot=True` needs a multiclass task; dataset "
                                         r"'diabetes' is 'regression' \(continuous targets\)."):
        kd.load("diabetes", one_hot=True)


def test_breast_cancer_binary():
    data = kd.load("breast_cancer")
    assert data.task == "binary" and data.class_names == ["malignant", "benign"]


def test_bad_standardize_value():
    with pytest.raises(ValueError, match=r"`standardize` must be one of 'auto'; received 'yes'"):
        kd.load("iris", standardize="yes")


# ----------------------------------------------------------------- downloadables, local files

def test_mnist_npz_in_data_dir_with_val_from_train(fx, tmp_path):
    arrays = fx.small_mnist()
    fx.write_mnist_npz(tmp_path / "mnist.npz", arrays)
    data = kd.load("mnist", data_dir=tmp_path, verify=False, val=0.2, seed=0)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (24, 6, 10)
    np.testing.assert_allclose(data.x_test, arrays[2] / np.float32(255.0))  # test kept as is
    assert data.x_train.max() <= 1.0 and data.x_train.min() >= 0.0
    assert data.info["files"] == [str(tmp_path / "mnist.npz")]


def test_mnist_official_name_is_verified(fx, tmp_path):
    fx.write_mnist_npz(tmp_path / "mnist.npz", fx.small_mnist())
    with pytest.raises(ChecksumError, match=r"mnist.npz: SHA-256 .* does not match the official "
                                            r"mnist.npz"):
        kd.load("mnist", data_dir=tmp_path)


def test_mnist_idx_gz_and_uncompressed(fx, tmp_path):
    arrays = fx.small_mnist(seed=5)
    fx.write_idx_set(tmp_path / "gz", arrays)
    fx.write_idx_set(tmp_path / "raw", arrays, compress=False)
    a = kd.load("mnist", data_dir=tmp_path / "gz", verify=False)
    b = kd.load("mnist", data_dir=tmp_path / "raw")  # no published hash: read as is
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.y_test.tolist() == arrays[3].tolist()


def test_mnist_idx_official_names_verified(fx, tmp_path):
    fx.write_idx_set(tmp_path, fx.small_mnist())
    with pytest.raises(ChecksumError, match="train-images-idx3-ubyte.gz: SHA-256"):
        kd.load("mnist", data_dir=tmp_path)


def test_data_dir_subfolder_and_layouts(fx, tmp_path):
    fx.write_idx_set(tmp_path / "fashion_mnist", fx.small_mnist())
    data = kd.load("fashion_mnist", data_dir=tmp_path, verify=False, flatten=True)
    assert data.input_shape == (784,)
    fx.write_mnist_npz(tmp_path / "other" / "fashion_mnist.npz", fx.small_mnist())
    assert kd.load("fashion_mnist", data_dir=tmp_path / "other").input_shape == (28, 28)


def test_mnist_channels(fx, tmp_path):
    fx.write_mnist_npz(tmp_path / "mnist.npz", fx.small_mnist())
    data = kd.load("mnist", data_dir=tmp_path, verify=False, channels=True, one_hot=True)
    assert data.input_shape == (28, 28, 1) and data.y_train.shape == (30, 10)


def test_cifar_extracted_batches(fx, tmp_path):
    batches, test = fx.small_cifar()
    fx.write_cifar_folder(tmp_path / "a" / "cifar-10-batches-py", batches, test)
    fx.write_cifar_folder(tmp_path / "b", batches, test)
    a = kd.load("cifar10", data_dir=tmp_path / "a")
    b = kd.load("cifar10", data_dir=tmp_path / "b")
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_allclose(a.x_train[:4], batches[0][0] / np.float32(255))


def test_damaged_local_file(fx, tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 damaged")
    with pytest.raises(DamagedFileError, match=r"mnist.npz: could not be read as .npz"):
        kd.load("mnist", data_dir=tmp_path, verify=False)


def test_wrong_image_shape_in_npz(tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((2, 5, 5), np.uint8),
             y_train=np.zeros(2, np.uint8), x_test=np.zeros((1, 5, 5), np.uint8),
             y_test=np.zeros(1, np.uint8))
    with pytest.raises(DamagedFileError, match=r"train images have shape \(5, 5\), expected "
                                               r"\(28, 28\) for mnist."):
        kd.load("mnist", data_dir=tmp_path, verify=False)


def test_test_fraction_refused_for_shipped_test_set(fx, tmp_path):
    with pytest.raises(ValueError, match=r"`test`=0.2 cannot be used: dataset 'cifar10' ships "
                                         r"its own test set"):
        kd.load("cifar10", test=0.2)


# ------------------------------------------------------------------------------------ tfds

def test_tfds_missing_gives_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)
    with pytest.raises(ModuleNotFoundError, match=r"source='tfds' needs the tensorflow_datasets "
                                                  r"package.*importlib_resources"):
        kd.load("mnist", source="tfds")


def test_tfds_path_with_a_stand_in_module(monkeypatch, fx, tmp_path):
    # The real library is tested in tests/data/test_tfds.py; this checks the call kerasdl
    # makes (no batch_size=-1: that path aborts under TF 2.21 + tfds 4.9) and data_dir.
    x_train, y_train, x_test, y_test = fx.small_mnist()
    calls = {}

    class Split:
        def __init__(self, x, y):
            self.x, self.y = x, y

        def batch(self, n):
            return [(self.x[i:i + n], self.y[i:i + n]) for i in range(0, len(self.x), n)]

    def load(name, split, as_supervised, **kwargs):
        calls.update(name=name, split=split, as_supervised=as_supervised, **kwargs)
        return [Split(x_train[..., None], y_train), Split(x_test[..., None], y_test)]

    fake = types.SimpleNamespace(load=load, as_numpy=lambda t: t)
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", fake)
    data = kd.load("mnist", source="tfds", data_dir=tmp_path)
    assert calls == {"name": "mnist", "split": ["train", "test"], "as_supervised": True,
                     "data_dir": str(tmp_path)}
    assert data.input_shape == (28, 28) and data.info["files"] == ["tfds:mnist"]
    np.testing.assert_allclose(data.x_test, x_test / np.float32(255))


def test_data_dir_may_name_the_file_itself(fx, tmp_path):
    path = fx.write_mnist_npz(tmp_path / "mnist.npz", fx.small_mnist())
    assert len(kd.load("mnist", data_dir=path, verify=False).x_test) == 10


def test_channels_refused_for_tabular_dataset():
    with pytest.raises(ValueError, match=r"`channels=True` needs images of shape \(n, height, "
                                         r"width\); dataset 'iris' has samples of shape \(4,\)."):
        kd.load("iris", channels=True)


def test_bad_mirror_type():
    with pytest.raises(TypeError, match=r"`mirror` must be str or list or tuple or None; "
                                        r"received 8080"):
        kd.load("mnist", mirror=8080)
    with pytest.raises(TypeError, match=r"`mirror` must be a base URL or a list of base URLs"):
        kd.load("mnist", mirror=["http://a/", 3])


def test_bad_timeout():
    with pytest.raises(ValueError, match=r"`timeout` must be in \(0, inf\); received 0."):
        kd.load("mnist", timeout=0)


def test_layout_flags_checked_before_any_download():
    with pytest.raises(TypeError, match=r"`flatten` must be True or False; received 'yes'."):
        kd.load("cifar10", flatten="yes")
    with pytest.raises(TypeError, match=r"`channels` must be True or False; received 1."):
        kd.load("mnist", channels=1)
