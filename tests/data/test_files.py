"""from_npz and from_directory on files the tests generate."""

import numpy as np
import pytest
from PIL import Image

from kerasdl.data import from_directory, from_npz
from kerasdl.errors import DamagedFileError

# pure NumPy / files / parsing: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.backend_independent


def test_from_npz_keras_layout(tmp_path):
    p = tmp_path / "mine.npz"
    np.savez(p, x_train=np.ones((8, 3)), y_train=np.arange(8) % 4, x_test=np.zeros((2, 3)),
             y_test=np.array([0, 3]))
    data = from_npz(p, val=0.25)
    assert data.name == "mine" and (data.task, data.num_classes) == ("multiclass", 4)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (6, 2, 2)
    assert data.y_test.tolist() == [0, 3]


def test_from_npz_x_y_layout(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, x=np.random.default_rng(0).random((10, 2)), y=np.linspace(0, 1, 10))
    data = from_npz(p, test=0.3, name="points")
    assert data.task == "regression" and data.name == "points"
    assert (len(data.x_train), len(data.x_test)) == (7, 3)


def test_from_npz_missing_arrays(tmp_path):
    p = tmp_path / "d.npz"
    np.savez(p, images=np.zeros((2, 2)))
    with pytest.raises(DamagedFileError, match=r"lacks the arrays \['x', 'y'\] \(it holds "
                                               r"\['images'\]\)"):
        from_npz(p)


def test_from_npz_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`path` '.*nope.npz' does not exist."):
        from_npz(tmp_path / "nope.npz")


def test_from_npz_damaged(tmp_path):
    p = tmp_path / "d.npz"
    p.write_bytes(b"garbage")
    with pytest.raises(DamagedFileError, match="d.npz: could not be read as .npz"):
        from_npz(p)


def _make_folder(root, colours, n=3, size=(6, 5)):
    for name, colour in colours.items():
        (root / name).mkdir(parents=True)
        for i in range(n):
            Image.new("RGB", size, colour).save(root / name / f"{i}.png")
    return root


def test_from_directory_classes_sizes_and_scaling(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"red": (255, 0, 0), "blue": (0, 0, 255),
                                            "green": (0, 255, 0)})
    (root / "red" / "notes.txt").write_text("ignored")
    data = from_directory(root, image_size=(4, 4))
    assert data.class_names == ["blue", "green", "red"]
    assert (data.task, data.num_classes) == ("multiclass", 3)
    assert data.x_train.shape == (9, 4, 4, 3)
    red = data.x_train[data.y_train == 2]
    assert red[:, 0, 0].tolist() == [[1.0, 0.0, 0.0]] * 3


def test_from_directory_grayscale_binary_split(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"cat": (10, 10, 10), "dog": (200, 200, 200)}, n=5)
    data = from_directory(root, image_size=(3, 3), color_mode="grayscale", test=0.4, seed=0)
    assert data.task == "binary" and data.input_shape == (3, 3, 1)
    assert np.bincount(data.y_test).tolist() == [2, 2]
    assert from_directory(root, image_size=(3, 3), color_mode="grayscale",
                          channels=False).input_shape == (3, 3)


def test_from_directory_class_names_subset(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"a": (0, 0, 0), "b": (1, 1, 1), "c": (2, 2, 2)})
    data = from_directory(root, image_size=(2, 2), class_names=["c", "a"])
    assert data.class_names == ["c", "a"] and len(data.x_train) == 6


def test_from_directory_damaged_image(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"a": (0, 0, 0), "b": (1, 1, 1)})
    (root / "b" / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    with pytest.raises(DamagedFileError, match=r"broken.jpg: could not be read as an image"):
        from_directory(root, image_size=(2, 2))


def test_from_directory_needs_two_classes(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"only": (0, 0, 0)})
    with pytest.raises(ValueError, match=r"must hold one sub-folder per class, at least two; "
                                         r"found \['only'\]"):
        from_directory(root)


def test_from_directory_no_images(tmp_path):
    (tmp_path / "r" / "a").mkdir(parents=True)
    (tmp_path / "r" / "b").mkdir()
    with pytest.raises(ValueError, match=r"No image files \(.png"):
        from_directory(tmp_path / "r")


def test_from_directory_bad_arguments(tmp_path):
    root = _make_folder(tmp_path / "imgs", {"a": (0, 0, 0), "b": (1, 1, 1)})
    with pytest.raises(ValueError, match=r"`color_mode` must be one of 'grayscale', 'rgb', "
                                         r"'rgba'; received 'grey'"):
        from_directory(root, color_mode="grey")
    with pytest.raises(ValueError, match=r"`image_size` must be \(height, width\); received "
                                         r"\(2,\)"):
        from_directory(root, image_size=(2,))
    with pytest.raises(ValueError, match=r"`class_names` \['z'\] have no sub-folder"):
        from_directory(root, class_names=["a", "z"])
    with pytest.raises(ValueError, match=r"`path` must be a folder with one sub-folder per class"):
        from_directory(root / "a" / "0.png")
