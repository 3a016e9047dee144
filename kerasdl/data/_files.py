"""Datasets from the user's files: ``from_npz`` and ``from_directory`` (image folders)."""

import os
from pathlib import Path

import numpy as np

from kerasdl._validation import check_choice, check_positive_int, check_type
from kerasdl.data._formats import IMAGE_EXTENSIONS, read_image, read_npz_arrays
from kerasdl.data._prepare import build_dataset, from_arrays

__all__ = ["from_npz", "from_directory"]


def _check_path(name, path):
    check_type(name, path, (str, os.PathLike))
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"`{name}` {str(path)!r} does not exist.")
    return path


def from_npz(path, **options):
    """Build a :class:`Dataset` from an ``.npz`` file.

    The file holds either ``x_train``, ``y_train`` and optionally ``x_test``, ``y_test`` (the
    keras layout, as ``mnist.npz``), or ``x`` and ``y``. Arrays are loaded with
    ``allow_pickle=False``: an npz holding Python objects is refused.

    Args:
        path: the ``.npz`` file.
        **options: keyword arguments of :func:`from_arrays` (task, num_classes, class_names,
            val, test, seed, standardize, one_hot, flatten, channels, name...).

    Returns:
        A :class:`Dataset`.

    Raises:
        FileNotFoundError: the file does not exist.
        DamagedFileError: the file is not a valid npz or lacks the arrays.

    Example:

    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "d.npz")
    >>> np.savez(path, x=np.random.rand(10, 2), y=np.arange(10) % 2)
    >>> from_npz(path).task
    'binary'
    """
    path = _check_path("path", path)
    try:
        with open(path, "rb") as handle:
            keys = set(getattr(np.load(handle, allow_pickle=False), "files", ()))
    except Exception:  # noqa: BLE001 - read_npz_arrays below gives the precise error
        keys = set()
    if {"x_train", "y_train"} <= keys:
        wanted = ["x_train", "y_train"] + (["x_test", "y_test"]
                                           if {"x_test", "y_test"} <= keys else [])
        a = read_npz_arrays(path, wanted)
        options.setdefault("name", path.stem)
        options.setdefault("description", f"Arrays from {path.name}")
        return from_arrays(a["x_train"], a["y_train"], a.get("x_test"), a.get("y_test"),
                           **options)
    a = read_npz_arrays(path, ["x", "y"])  # raises DamagedFileError naming the keys found
    options.setdefault("name", path.stem)
    options.setdefault("description", f"Arrays from {path.name}")
    return from_arrays(a["x"], a["y"], **options)


_COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def from_directory(path, *, image_size=(256, 256), color_mode="rgb", class_names=None,
                   val=None, test=None, seed=0, stratify=True, one_hot=False, flatten=False,
                   channels=None, name=None):
    """Build a :class:`Dataset` from a folder with one sub-folder of images per class.

    Like ``keras.utils.image_dataset_from_directory``: ``path/cats/*.jpg``,
    ``path/dogs/*.png`` give two classes named after the folders (sorted). Images are
    converted to ``color_mode``, resized to ``image_size`` and scaled to [0, 1]. Files with
    other extensions are ignored; an image that cannot be decoded raises an error naming it.

    Args:
        path: the root folder.
        image_size: ``(height, width)`` every image is resized to. Defaults to (256, 256).
        color_mode: "grayscale" (1 channel), "rgb" (3) or "rgba" (4). Defaults to "rgb".
        class_names: sub-folders to use, in label order. Defaults to None (all, sorted).
        val: validation fraction of the whole set. Defaults to None.
        test: test fraction of the whole set. Defaults to None.
        seed: seed of the split. Defaults to 0.
        stratify: stratify the split by class. Defaults to True.
        one_hot: one-hot labels. Defaults to False.
        flatten: flatten the images to vectors. Defaults to False.
        channels: False drops the channel axis of grayscale images. Defaults to None.
        name: dataset name. Defaults to the folder's name.

    Returns:
        A :class:`Dataset` with images of shape (n, height, width, channels).

    Raises:
        FileNotFoundError: the folder does not exist.
        ValueError: no class sub-folders, fewer than two classes, or no images.
        DamagedFileError: an image file cannot be decoded.
    """
    path = _check_path("path", path)
    if not path.is_dir():
        raise ValueError(f"`path` must be a folder with one sub-folder per class; "
                         f"{str(path)!r} is a file.")
    check_type("image_size", image_size, (tuple, list))
    if len(image_size) != 2:
        raise ValueError(f"`image_size` must be (height, width); received {image_size!r}.")
    size = (check_positive_int("image_size[0]", image_size[0]),
            check_positive_int("image_size[1]", image_size[1]))
    mode = _COLOR_MODES[check_choice("color_mode", color_mode, tuple(_COLOR_MODES))]
    folders = sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if class_names is None:
        class_names = folders
    else:
        class_names = [str(c) for c in check_type("class_names", class_names, (list, tuple))]
        missing = [c for c in class_names if c not in folders]
        if missing:
            raise ValueError(f"`class_names` {missing} have no sub-folder in {str(path)!r} "
                             f"(sub-folders: {folders}).")
    if len(class_names) < 2:
        raise ValueError(f"{str(path)!r} must hold one sub-folder per class, at least two; "
                         f"found {folders}.")
    files, labels = [], []
    for label, cname in enumerate(class_names):
        for f in sorted((path / cname).rglob("*")):
            if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS:
                files.append(f)
                labels.append(label)
    if not files:
        raise ValueError(f"No image files ({', '.join(IMAGE_EXTENSIONS)}) in the class "
                         f"folders of {str(path)!r}.")
    x = np.stack([read_image(f, size=size, mode=mode) for f in files])
    y = np.asarray(labels, dtype=np.int64)
    k = len(class_names)
    return build_dataset(
        x_train=x, y_train=y, task="binary" if k == 2 else "multiclass", num_classes=k,
        class_names=class_names, val=val, test=test, seed=seed, stratify=stratify,
        scale=255.0, one_hot=one_hot, flatten=flatten, channels=channels,
        name=name or path.name, description=f"{len(files)} images in {k} classes from {path}",
        info={"source": str(path), "files": [str(f) for f in files]})
