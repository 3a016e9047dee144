"""The legacy iterators: ``Iterator`` and the three that ``ImageDataGenerator.flow*`` return.

Each is an endless iterator (``next(it)``, ``it.next()``, ``for batch in it``) and an indexable
``keras.utils.PyDataset`` (``len(it)``, ``it[i]``, ``model.fit(it)``) with the legacy
bookkeeping: ``batch_index``, ``total_batches_seen``, ``index_array``, ``reset()``,
``on_epoch_end()`` (reshuffles). With a ``seed``, the random stream is reseeded with
``seed + total_batches_seen`` exactly where the legacy class called ``np.random.seed``, on a
private ``numpy.random.RandomState``: the same shuffles and augmentations as legacy, without
touching numpy's global state. Without a seed, numpy's global random state is used, as legacy.
"""

import os
import threading
import warnings

import keras
import numpy as np

from kerasdl import _io
from kerasdl import _validation as V
from kerasdl.augment._legacy_functions import array_to_img
from kerasdl.augment._legacy_functions import img_to_array
from kerasdl.augment._legacy_functions import load_img

__all__ = ["Iterator", "NumpyArrayIterator", "DirectoryIterator", "DataFrameIterator"]

_PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming")


class Iterator(keras.utils.PyDataset):
    """Base class of the image iterators (the legacy ``keras.preprocessing.image.Iterator``).

    Subclass it and implement ``_get_batches_of_transformed_samples(index_array)``; the base
    class does the indexing, shuffling and seeding. Use ``self._rng`` (a numpy
    ``RandomState``-like object) for random draws that should follow ``seed``.

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: shuffle the order every epoch.
        seed: integer seed, or None (numpy's global random state).
        **pydataset_kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` of
            ``keras.utils.PyDataset``.

    Example:

    >>> class Squares(Iterator):
    ...     def _get_batches_of_transformed_samples(self, index_array):
    ...         return index_array ** 2
    >>> next(Squares(5, 2, shuffle=False, seed=None)).tolist()
    [0, 1]
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed, **pydataset_kwargs):
        super().__init__(**pydataset_kwargs)
        self.n = V.check_int("n", n, min_value=0)
        self.batch_size = V.check_positive_int("batch_size", batch_size)
        self.shuffle = V.check_bool("shuffle", shuffle)
        self.seed = V.check_int("seed", seed, min_value=0, max_value=2**32 - 1,
                                allow_none=True)
        self._rng = np.random if self.seed is None else np.random.RandomState(self.seed)
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _reseed(self):
        if self.seed is not None:
            self._rng.seed(self.seed + self.total_batches_seen)

    def _set_index_array(self):
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = self._rng.permutation(self.n)

    def _check_not_empty(self):
        if self.n == 0:
            raise ValueError(f"{type(self).__name__} has no samples to yield (it found 0 "
                             f"images{self._empty_hint()}); iterating it would loop forever "
                             f"on empty batches.")

    def _empty_hint(self):
        return ""

    def __getitem__(self, idx):
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, (bool, np.bool_)):
            raise TypeError(f"batch index must be an integer; received {V.describe(idx)}.")
        self._check_not_empty()
        if idx >= len(self) or idx < 0:
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        self._reseed()
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            self._reseed()
            if self.batch_index == 0:
                self._set_index_array()
            current_index = (self.batch_index * self.batch_size) % self.n if self.n else 0
            if self.n > current_index + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current_index:current_index + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self, *args, **kwargs):
        return self.next(*args, **kwargs)

    def next(self):
        """The next batch (endless: after the last batch of an epoch comes the first)."""
        self._check_not_empty()
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        """The batch of the samples ``index_array`` (override in a subclass)."""
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  f"`_get_batches_of_transformed_samples(index_array)`.")

    def _augment(self, batch_x):
        """Legacy per-image draws from ``self._rng``, one resampling, per-image standardize."""
        gen = self.image_data_generator
        if gen is None:
            return batch_x
        batch_x = gen._transform_batch(batch_x, [gen._draw(img.shape, self._rng)
                                                 for img in batch_x])
        for i in range(len(batch_x)):
            batch_x[i] = gen.standardize(batch_x[i])
        return batch_x

    def _save(self, batch_x, index_array, hash_high):
        """Save a batch's images as legacy did (``{prefix}_{index}_{hash}.{format}``)."""
        for i, j in enumerate(index_array):
            img = array_to_img(batch_x[i], self.data_format, scale=True)
            name = f"{self.save_prefix}_{j}_{self._rng.randint(hash_high)}.{self.save_format}"
            fmt = {"jpg": "JPEG", "jpeg": "JPEG"}.get(self.save_format.lower(),
                                                      self.save_format.upper())
            with _io.atomic_path(os.path.join(self.save_to_dir, name)) as tmp:
                img.save(tmp, format=fmt)


def _check_save_args(save_to_dir, save_prefix, save_format):
    if save_to_dir is not None and not os.path.isdir(save_to_dir):
        raise FileNotFoundError(f"`save_to_dir` {str(save_to_dir)!r} is not a folder.")
    V.check_type("save_prefix", save_prefix, str)
    V.check_choice("save_format", save_format, ("png", "jpeg", "jpg", "bmp", "ppm", "tif",
                                                "tiff", "gif"))
    return save_to_dir, save_prefix, save_format


def _split_rows(n, generator, subset):
    """Legacy split: validation gets the first ``int(n * validation_split)`` rows."""
    V.check_choice("subset", subset, ("training", "validation"), normalize=False)
    split = generator._validation_split if generator is not None else 0.0
    if not split:
        raise ValueError(f"`subset={subset!r}` needs a `validation_split` in (0, 1) on the "
                         f"ImageDataGenerator; it is 0.")
    split_idx = int(n * split)
    return slice(0, split_idx) if subset == "validation" else slice(split_idx, None)


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from arrays (what ``ImageDataGenerator.flow`` returns).

    Args:
        x: rank-4 array of images, or a tuple ``(images, extra)`` where ``extra`` is an array
            or a list of arrays batched alongside, unaugmented.
        y: labels, or None.
        image_data_generator: the ``ImageDataGenerator`` (or None: no augmentation).
        batch_size: see ``Iterator``.
        shuffle: see ``Iterator``. Defaults to False here, as legacy (``flow`` passes True).
        seed: see ``Iterator``.
        sample_weight: per-image weights, or None.
        data_format: ``"channels_last"`` or ``"channels_first"``. Defaults to
            ``keras.config.image_data_format()``.
        save_to_dir: save every generated image to this folder, as legacy.
        save_prefix: file name prefix of saved images, as legacy.
        save_format: file format of saved images, as legacy.
        subset: the ``validation_split`` subset, as legacy.
        ignore_class_split: as legacy's.
        dtype: dtype of the image batches. Defaults to ``keras.config.floatx()``.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None, **pydataset_kwargs):
        from kerasdl.augment._generator import check_data_format, warn_channels

        self.dtype = keras.config.floatx() if dtype is None else str(np.dtype(dtype))
        self.data_format = check_data_format(data_format)
        x, x_misc = self._split_misc(x)
        if y is not None:
            y = np.asarray(y)
            V.check_same_length("x", x, "y", y)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
            V.check_same_length("x", x, "sample_weight", sample_weight)
        V.check_bool("ignore_class_split", ignore_class_split)
        if subset is not None:
            rows = _split_rows(len(x), image_data_generator, subset)
            split_idx = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:]))):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted by "
                                 "the label, you might want to shuffle them.")
            x, x_misc = x[rows], [xx[rows] for xx in x_misc]
            y = None if y is None else y[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        self.x = np.asarray(x, dtype=self.dtype)
        warn_channels(self.x.shape, self.data_format, "flow")
        self.x_misc = x_misc
        self.y = y
        self.sample_weight = sample_weight
        self.image_data_generator = image_data_generator
        self.save_to_dir, self.save_prefix, self.save_format = _check_save_args(
            save_to_dir, save_prefix, save_format)
        super().__init__(len(self.x), batch_size, shuffle, seed, **pydataset_kwargs)

    @staticmethod
    def _split_misc(x):
        """The legacy ``(images, extra)`` tuple form -> (images, [extra arrays])."""
        if isinstance(x, (tuple, list)):
            if len(x) != 2:
                raise ValueError(f"`x` as a tuple must be (images, extra) where extra is an "
                                 f"array or a list of arrays; received {len(x)} items.")
            misc = x[1] if isinstance(x[1], list) else [x[1]]
            misc = [np.asarray(xx) for xx in misc]
            x = x[0]
            for xx in misc:
                if len(x) != len(xx):
                    raise ValueError("All of the arrays in `x` should have the same length. "
                                     f"Found a pair with: len(x[0]) = {len(x)}, len(x[?]) = "
                                     f"{len(xx)}")
        else:
            misc = []
        x = V.check_array("x", x, ndim=4, dtype_kind="biuf", allow_empty=True)
        return x, misc

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = self._augment(self.x[index_array].astype(self.dtype, copy=True))
        if self.save_to_dir:
            self._save(batch_x, index_array, 10**4)
        miscs = [xx[index_array] for xx in self.x_misc]
        output = (batch_x if not miscs else [batch_x] + miscs,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class _BatchFromFiles(Iterator):
    """What the directory and dataframe iterators share: loading, labels, saving."""

    def _set_processing_attrs(self, image_data_generator, target_size, color_mode,
                              data_format, save_to_dir, save_prefix, save_format, subset,
                              interpolation, keep_aspect_ratio, dtype):
        from kerasdl.augment._generator import check_data_format

        self.image_data_generator = image_data_generator
        if not isinstance(target_size, (tuple, list)) or len(target_size) != 2:
            raise ValueError(f"`target_size` must be (height, width); received "
                             f"{V.describe(target_size)}.")
        self.target_size = tuple(V.check_positive_int(f"target_size[{i}]", v)
                                 for i, v in enumerate(target_size))
        self.keep_aspect_ratio = V.check_bool("keep_aspect_ratio", keep_aspect_ratio)
        self.color_mode = V.check_choice("color_mode", color_mode, ("rgb", "rgba", "grayscale"),
                                         normalize=False)
        self.data_format = check_data_format(data_format)
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}[self.color_mode]
        self.image_shape = (self.target_size + (channels,) if self.data_format == "channels_last"
                            else (channels,) + self.target_size)
        self.save_to_dir, self.save_prefix, self.save_format = _check_save_args(
            save_to_dir, save_prefix, save_format)
        self.interpolation = V.check_choice("interpolation", interpolation, _PIL_INTERPOLATIONS,
                                            normalize=False)
        self.dtype = keras.config.floatx() if dtype is None else str(np.dtype(dtype))
        self.subset = subset
        if subset is None:
            self.split = None
        else:
            V.check_choice("subset", subset, ("training", "validation"), normalize=False)
            split = image_data_generator._validation_split if image_data_generator else 0.0
            if not split:
                raise ValueError(f"`subset={subset!r}` needs a `validation_split` in (0, 1) on "
                                 f"the ImageDataGenerator; it is 0.")
            self.split = (0, split) if subset == "validation" else (split, 1)

    def _load_batch(self, index_array):
        """Images as legacy loads them (Pillow; an unreadable file raises, as legacy)."""
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(self.filepaths[j], color_mode=self.color_mode,
                           target_size=self.target_size, interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            batch_x[i] = img_to_array(img, data_format=self.data_format)
            if hasattr(img, "close"):
                img.close()
        return batch_x

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = self._augment(self._load_batch(index_array))
        if self.save_to_dir:
            self._save(batch_x, index_array, 10**7)
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in {"binary", "sparse"}:
            batch_y = np.asarray([self.classes[i] for i in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, n_observation in enumerate(index_array):
                batch_y[i, self.classes[n_observation]] = 1.0
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    @property
    def filepaths(self):
        return self._filepaths

    def _empty_hint(self):
        where = getattr(self, "directory", None)
        return (f" in {str(where)!r}" if where else "") + (
            f" with the extensions {', '.join(self.white_list_formats)}")


def _iter_valid_files(directory, white_list_formats, follow_links):
    """(root, file name) of the images under ``directory``, sorted as legacy."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda item: item[0]):
        for fname in sorted(files):
            if fname.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              "Please verify your output.", stacklevel=4)
            if fname.lower().endswith(white_list_formats):
                yield root, fname


def _list_class_files(directory, class_name, split, follow_links, white_list_formats):
    """Relative paths (``class/.../file``) of one class folder's images within ``split``."""
    files = list(_iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    return [os.path.join(class_name, os.path.relpath(os.path.join(root, fname), directory))
            for root, fname in files]


class DirectoryIterator(_BatchFromFiles):
    """Batches of augmented images from one sub-folder per class (``flow_from_directory``).

    Same arguments and attributes as the legacy class: ``filenames`` (relative to
    ``directory``), ``filepaths``, ``classes`` (int32 labels), ``class_indices``,
    ``num_classes``, ``samples``. An empty folder prints "Found 0 images belonging to N
    classes." as legacy, and iterating it raises a ValueError.
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None, **pydataset_kwargs):
        self._set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                   save_to_dir, save_prefix, save_format, subset,
                                   interpolation, keep_aspect_ratio, dtype)
        if class_mode is not None:
            V.check_choice("class_mode", class_mode, ("categorical", "binary", "sparse",
                                                      "input"), normalize=False)
        self.class_mode = class_mode
        self.directory = directory
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"`directory` {str(directory)!r} is not a folder.")
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        else:
            if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
                raise TypeError(f"`classes` must be a list of folder names or None; received "
                                f"{V.describe(classes)}.")
            missing = [c for c in classes if not os.path.isdir(os.path.join(directory, c))]
            if missing:
                raise FileNotFoundError(f"class folder(s) {missing} not found in "
                                        f"{str(directory)!r}.")
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames, labels = [], []
        for name in classes:
            files = _list_class_files(os.path.join(directory, name), name, self.split,
                                      follow_links, self.white_list_formats)
            self.filenames += files
            labels += [self.class_indices[name]] * len(files)
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **pydataset_kwargs)

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None


class DataFrameIterator(_BatchFromFiles):
    """Batches of augmented images listed in a pandas DataFrame (``flow_from_dataframe``).

    Same arguments, checks and attributes as the legacy class. List-valued labels with
    ``class_mode="categorical"`` give multi-hot vectors over the sorted classes;
    ``class_mode="multi_output"`` gives one array per column of ``y_col``.
    """

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                 seed=None, data_format="channels_last", save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32", validate_filenames=True,
                 **pydataset_kwargs):
        pd = _pandas()
        if not isinstance(dataframe, pd.DataFrame):
            raise TypeError(f"`dataframe` must be a pandas DataFrame; received "
                            f"{type(dataframe).__name__}.")
        self._set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                   save_to_dir, save_prefix, save_format, subset,
                                   interpolation, keep_aspect_ratio, dtype)
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self._check_params(df, x_col, y_col, weight_col, classes)
        if V.check_bool("validate_filenames", validate_filenames):
            df = self._filter_valid_filepaths(df, x_col)
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            start, stop = int(self.split[0] * len(df)), int(self.split[1] * len(df))
            df = df.iloc[start:stop, :]
        if labelled:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        found = f"Found {self.samples} {validated} image filenames"
        print(f"{found} belonging to {len(classes)} classes." if labelled else f"{found}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **pydataset_kwargs)

    def _check_params(self, df, x_col, y_col, weight_col, classes):
        """The legacy checks (same error types and wording), plus missing columns."""
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            V.check_choice("class_mode", mode, [m for m in self.allowed_class_modes if m],
                           normalize=False)
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{mode}", y_col must be a list. Received '
                            f"{type(y_col).__name__}.")
        wanted = [x_col] + ([weight_col] if weight_col else [])
        if mode not in ("input", None):
            wanted += list(y_col) if isinstance(y_col, (list, tuple)) else [y_col]
        for col in wanted:
            if col not in df.columns:
                raise ValueError(f"Column {col!r} is not in the dataframe; its columns are "
                                 f"{list(df.columns)}.")
        if not all(df[x_col].apply(lambda v: isinstance(v, str))):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if mode in {"binary", "sparse"} and not all(df[y_col].apply(
                lambda v: isinstance(v, str))):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            f"strings.")
        if mode == "binary":
            if classes and len(set(classes)) != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. '
                                 f"{len(set(classes))} class/es were given.")
            if not classes and df[y_col].nunique() != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. Found '
                                 f"{df[y_col].nunique()} classes.")
        if mode == "categorical" and not all(df[y_col].apply(
                lambda v: isinstance(v, (str, list, tuple)))):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            f"type string, list or tuple.")
        if classes and mode in {"input", "multi_output", "raw", None}:
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"',
                          stacklevel=4)
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    def get_classes(self, df, y_col):
        """Label indices per row (a list of indices for list-valued labels)."""
        return [[self.class_indices[lbl] for lbl in label]
                if isinstance(label, (list, tuple)) else self.class_indices[label]
                for label in df[y_col]]

    @staticmethod
    def _filter_classes(df, y_col, classes):
        """Keep the rows with a label in ``classes`` (all labels, sorted, when None)."""
        df = df.copy()

        def remove_classes(labels):
            if isinstance(labels, (list, tuple)):
                return [c for c in labels if c in classes] or None
            if isinstance(labels, str):
                return labels if labels in classes else None
            raise TypeError(f"Expect string, list or tuple but found {type(labels)} in "
                            f"{y_col} column ")

        if classes:
            classes = list(dict.fromkeys(classes))
            df[y_col] = df[y_col].apply(remove_classes)
        else:
            found = set()
            for v in df[y_col]:
                found.update(v) if isinstance(v, (list, tuple)) else found.add(v)
            classes = sorted(found)
        return df.dropna(subset=[y_col]), classes

    def _filter_valid_filepaths(self, df, x_col):
        """Drop rows whose file is missing or has no image extension (with a warning)."""
        paths = df[x_col].map(lambda fname: os.path.join(self.directory, fname))
        mask = paths.apply(lambda p: p.lower().endswith(self.white_list_formats)
                           and os.path.isfile(p))
        n_invalid = int((~mask).sum())
        if n_invalid:
            warnings.warn(f'Found {n_invalid} invalid image filename(s) in x_col="{x_col}". '
                          "These filename(s) will be ignored.", stacklevel=4)
        return df[mask]

    @property
    def labels(self):
        if self.class_mode in {"multi_output", "raw"}:
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight


def _pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("flow_from_dataframe needs pandas: `pip install pandas`.") from None
    return pd
