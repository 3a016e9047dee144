"""``kerasdl.data.load(name, source="tfds")`` through the real tensorflow-datasets library.

``tfds.testing.mock_data`` replaces only the reading of the prepared files: ``tfds.load``,
the builder, its features and the supervised (image, label) conversion are the library's own.
The same images given through tfds and through the built-in file loaders must give the
same ``Dataset``: shapes, float32 scaling to [0, 1], labels and class names.
"""

import numpy as np
import pytest

import kerasdl.data as kd

tfds = pytest.importorskip("tensorflow_datasets")
tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _mock(x_train, y_train, x_test, y_test):
    """mock_data serving these arrays as the train and test splits."""
    if x_train.ndim == 3:  # tfds stores MNIST-like images as (28, 28, 1)
        x_train, x_test = x_train[..., None], x_test[..., None]
    splits = {"train": (x_train, y_train), "test": (x_test, y_test)}

    def as_dataset(self, split, *args, **kwargs):
        x, y = splits[str(split)]
        return tf.data.Dataset.from_tensor_slices({"image": x, "label": y.astype(np.int64)})

    return tfds.testing.mock_data(as_dataset_fn=as_dataset)


def _same_dataset(a, b):
    for part in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        left, right = getattr(a, part), getattr(b, part)
        if left is None or right is None:
            assert left is None and right is None, part
            continue
        assert left.dtype == right.dtype and left.shape == right.shape, part
        np.testing.assert_array_equal(left, right, err_msg=part)
    assert (a.task, a.num_classes, a.class_names, a.input_shape) == (
        b.task, b.num_classes, b.class_names, b.input_shape)


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_tfds_equals_the_builtin_loader_mnist_like(name, fx, tmp_path):
    arrays = fx.small_mnist()
    fx.write_idx_set(tmp_path / "files", arrays)
    builtin = kd.load(name, data_dir=tmp_path / "files", verify=False, val=0.2)
    with _mock(*arrays):
        via_tfds = kd.load(name, source="tfds", val=0.2)
    _same_dataset(via_tfds, builtin)
    assert via_tfds.input_shape == (28, 28)
    assert via_tfds.x_train.dtype == np.float32
    assert 0.0 <= via_tfds.x_train.min() and via_tfds.x_train.max() <= 1.0
    assert via_tfds.info["files"] == [f"tfds:{name}"]


def test_tfds_equals_the_builtin_loader_cifar10(fx, tmp_path):
    batches, (x_test, y_test) = fx.small_cifar()
    fx.write_cifar_folder(tmp_path / "cifar-10-batches-py", batches, (x_test, y_test))
    builtin = kd.load("cifar10", data_dir=tmp_path, verify=False)
    x_train = np.concatenate([x for x, _ in batches])
    y_train = np.concatenate([y for _, y in batches])
    with _mock(x_train, y_train, x_test, np.asarray(y_test)):
        via_tfds = kd.load("cifar10", source="tfds")
    _same_dataset(via_tfds, builtin)
    assert via_tfds.input_shape == (32, 32, 3)
    assert via_tfds.class_names[:2] == ["airplane", "automobile"]


@pytest.mark.parametrize("name, shape", [("mnist", (28, 28)), ("fashion_mnist", (28, 28)),
                                         ("cifar10", (32, 32, 3))])
def test_tfds_generated_mock_data(name, shape):
    # The library's own random examples, built from each dataset's feature spec.
    with tfds.testing.mock_data(num_examples=12):
        data = kd.load(name, source="tfds")
    assert data.x_train.shape == (12, *shape) and data.x_test.shape == (12, *shape)
    assert data.x_train.dtype == np.float32
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    assert set(np.unique(data.y_train)) <= set(range(10))
    assert data.num_classes == 10 and len(data.class_names) == 10
