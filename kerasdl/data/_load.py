"""``load(name)``: every dataset people learn with, by name, as a :class:`Dataset`."""

import inspect
import os
from dataclasses import dataclass, field

import numpy as np

from kerasdl._validation import (check_bool, check_choice, check_number, check_param, check_type,
                                 normalize_name, unknown_name_error)
from kerasdl.data import _embedded, _generated, _remote
from kerasdl.data._prepare import build_dataset
from kerasdl.data._split import check_fractions

__all__ = ["load", "list_datasets", "describe_datasets", "dataset_sources"]


@dataclass(frozen=True)
class _Spec:
    name: str
    description: str
    kind: str  # "generated", "embedded" or "download"
    make: object  # callable(rng, **options) -> raw dict (generated/embedded)
    default_test: float = 0.3
    standardize: bool = False  # what standardize="auto" means for this dataset
    flat_default: bool = False  # 2-D images returned flat unless channels/flatten say otherwise
    options: dict = field(default_factory=dict)


def _gate(gate):
    return lambda rng, **kw: _generated.truth_table(gate, rng, **kw)


def _options(fn, skip=1):
    params = list(inspect.signature(fn).parameters.values())[skip:]
    return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


_TRUTH_OPTIONS = {"repeats": 1, "noise": 0.0}
_REMOTE_OPTIONS = {"mirror": None, "timeout": 30.0}

_SPECS = {}


def _add(spec):
    _SPECS[spec.name] = spec


for _g, _text in (("and", "AND"), ("or", "OR"), ("nand", "NAND"), ("xor", "XOR")):
    _add(_Spec(_g, f"{_text} truth table: 4 rows of 2 binary inputs -> 1 bit (options: repeats, "
                   f"noise){'; not linearly separable' if _g == 'xor' else ''}",
               "generated", _gate(_g), default_test=0.0, options=dict(_TRUTH_OPTIONS)))
_add(_Spec("regression", "Seeded linear regression: 200 points x ~ U[-2, 2], y = w.x + b + "
                         "N(0, noise); true w and b in info (options: n, w, b, noise, low, high)",
           "generated", _generated.regression, options=_options(_generated.regression)))
_add(_Spec("exam_scores", "Classic multivariable regression table: 5 students' three exam "
                          "scores -> final score", "generated", _generated.exam_scores,
           default_test=0.0, standardize=True))
_add(_Spec("spirals", "Interleaved 2-D spirals, nonlinear classification (options: n, classes, "
                      "noise, turns)", "generated", _generated.spirals,
           options=_options(_generated.spirals)))
_add(_Spec("moons", "Two interleaving half moons, nonlinear binary classification (options: n, "
                    "noise)", "generated", _generated.moons, options=_options(_generated.moons)))
for _n, _text, _std in (
        ("digits", "1,797 handwritten digits, 8x8 grey images, 10 classes (scikit-learn, "
                   "offline); flat 64 features, or channels=True for 8x8x1", False),
        ("iris", "150 iris flowers, 4 measurements, 3 species (scikit-learn, offline)", True),
        ("wine", "178 wines, 13 chemical measurements, 3 cultivars (scikit-learn, offline)", True),
        ("breast_cancer", "569 breast tumours, 30 features, malignant vs benign (scikit-learn, "
                          "offline)", True),
        ("diabetes", "442 diabetes patients, 10 features -> disease progression, regression "
                     "(scikit-learn, offline)", True)):
    _add(_Spec(_n, _text, "embedded", (lambda n: (lambda rng: _embedded.sklearn_dataset(n)))(_n),
               standardize=_std, flat_default=_n == "digits"))
_add(_Spec("mnist", "70,000 handwritten digits, 28x28 grey, 10 classes; own 10k test set "
                    "(download 11 MB, or data_dir=)", "download", None,
           options=dict(_REMOTE_OPTIONS)))
_add(_Spec("fashion_mnist", "70,000 Zalando clothing images, 28x28 grey, 10 classes; own 10k "
                            "test set (download 30 MB, or data_dir=)", "download", None,
           options=dict(_REMOTE_OPTIONS)))
_add(_Spec("cifar10", "60,000 colour photos, 32x32x3, 10 classes; own 10k test set (download "
                      "163 MB, or data_dir=)", "download", None, options=dict(_REMOTE_OPTIONS)))


def list_datasets():
    """Names of every dataset :func:`load` knows, generated first, then embedded, then
    downloadable.

    Returns:
        list of str.

    Example:

    >>> "xor" in list_datasets() and "mnist" in list_datasets()
    True
    """
    return list(_SPECS)


def describe_datasets():
    """One line describing each dataset, keyed by name (what ``kerasdl list`` prints).

    Returns:
        dict of name -> description.
    """
    return {name: spec.description for name, spec in _SPECS.items()}


_SOURCES = {"generated": ("generated",), "embedded": ("scikit-learn",),
             "download": ("local", "download", "tfds")}


def dataset_sources():
    """Where each dataset can come from, keyed by name (``kerasdl list datasets`` shows it).

    ``"generated"`` (made by kerasdl from a seed), ``"scikit-learn"`` (ships inside
    scikit-learn, offline), or for the downloadable sets the ``source=`` values of
    :func:`load`: ``"local"`` (files you place in ``data_dir``), ``"download"`` (pinned
    SHA-256 downloads) and ``"tfds"`` (through tensorflow-datasets, ``pip install
    kerasdl[tfds]``).

    Returns:
        dict of name -> tuple of str.

    Example:

    >>> dataset_sources()["mnist"]
    ('local', 'download', 'tfds')
    >>> dataset_sources()["iris"], dataset_sources()["xor"]
    (('scikit-learn',), ('generated',))
    """
    return {name: _SOURCES[spec.kind] for name, spec in _SPECS.items()}


def _spec(name):
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a dataset name (str); received {name!r} of type "
                        f"{type(name).__name__}. See kerasdl.data.list_datasets().")
    key = normalize_name(name)
    key = {"fashion": "fashion_mnist", "fashionmnist": "fashion_mnist",
           "cifar_10": "cifar10", "breastcancer": "breast_cancer"}.get(key, key)
    if key not in _SPECS:
        raise unknown_name_error("dataset", name, list(_SPECS))
    return _SPECS[key]


def load(name, *, data_dir=None, seed=0, val=None, test=None, one_hot=False, flatten=False,
         channels=None, standardize="auto", source="auto", verify=True, **dataset_options):
    """Load a dataset by name as a :class:`Dataset` with train / validation / test parts.

    Generated and embedded datasets work offline. Downloadable ones (``mnist``,
    ``fashion_mnist``, ``cifar10``) are read from ``data_dir`` or the cache folder
    (``$KERASDL_DATA_DIR``, default ``~/.kerasdl/data``) and otherwise downloaded from the
    official locations with a pinned SHA-256, written to a temporary file and moved into place
    only when the hash matches. Offline with nothing on disk, a
    :class:`~kerasdl.errors.DatasetNotAvailableError` names the files and the folder to put
    them in.

    Splits: for datasets without a test set of their own, ``val`` and ``test`` are fractions of
    the whole set (``val=0.15, test=0.3`` -> 55% / 15% / 30%), stratified for classification
    and seeded. The default test fraction is 0.3, except for the tiny truth tables and
    ``exam_scores`` (0: every row is for training). Datasets with their own test set (mnist,
    fashion_mnist, cifar10) keep it, ``test`` must stay None, and ``val`` is a fraction of the
    training part.

    Preprocessing: inputs are float32; images are scaled to [0, 1]; ``standardize`` centres and
    scales features with the mean and standard deviation of the *training* part only (stored in
    ``info["standardize"]``). Labels are integers (sparse) unless ``one_hot=True``.

    Args:
        name: a name from :func:`list_datasets` (case-insensitive, "-" equals "_").
        data_dir: folder holding the dataset's files (downloads go there too). Defaults to None
            (the cache folder).
        seed: seed for generated data and the split. Defaults to 0.
        val: validation fraction. Defaults to None (no validation part).
        test: test fraction of the whole set. Defaults to None (the dataset's default: 0.3, or
            0 for truth tables and exam_scores; a shipped test set is always kept).
        one_hot: one-hot labels for multiclass datasets. Defaults to False.
        flatten: flatten each sample to a vector (for MLPs). Defaults to False.
        channels: True gives images a channel axis, (n, 28, 28, 1) (for CNNs); False drops a
            size-1 channel axis. Defaults to None: the dataset's usual layout (mnist and
            fashion_mnist (n, 28, 28), cifar10 (n, 32, 32, 3), digits flat (n, 64)).
        standardize: True, False or "auto" (True for tabular datasets: iris, wine,
            breast_cancer, diabetes, exam_scores; False for images and generated 2-D sets).
            Defaults to "auto".
        source: "auto" (files on disk, else download), "local" (never download), "download"
            (same as auto) or "tfds" (through tensorflow_datasets, which must be installed).
            Defaults to "auto".
        verify: check the SHA-256 of files that carry an official name. Defaults to True.
        **dataset_options: options of the dataset itself, e.g. ``repeats``/``noise`` for truth
            tables, ``n``/``w``/``b``/``noise`` for regression, ``classes`` for spirals,
            ``mirror`` (base URL(s) replacing the official download URLs) and ``timeout`` for
            downloadable sets.

    Returns:
        A :class:`Dataset`.

    Raises:
        ValueError: unknown name (close matches listed), unknown option, bad fractions.
        DatasetNotAvailableError: a downloadable dataset is not on disk and cannot be
            downloaded.
        ChecksumError: a file with an official name does not match its pinned SHA-256.
        DamagedFileError: a file cannot be parsed.

    Example:

    >>> data = load("iris", val=0.15, test=0.3, seed=0)
    >>> len(data.x_train), len(data.x_val), len(data.x_test)
    (82, 23, 45)
    """
    spec = _spec(name)
    source = check_choice("source", source, ("auto", "local", "download", "tfds"))
    verify = check_bool("verify", verify)
    seed = check_param("seed", seed)
    if data_dir is not None:
        check_type("data_dir", data_dir, (str, os.PathLike))
    unknown = sorted(set(dataset_options) - set(spec.options))
    if unknown:
        allowed = ", ".join(sorted(spec.options)) or "none"
        raise ValueError(f"Unknown option(s) {', '.join(map(repr, unknown))} for dataset "
                         f"{spec.name!r}. Its options: {allowed}.")
    if spec.kind != "download" and source == "tfds":
        raise ValueError(f"`source`='tfds' only applies to downloadable datasets (mnist, "
                         f"fashion_mnist, cifar10); {spec.name!r} is {spec.kind}.")
    check_fractions(val, test)
    if spec.kind == "download" and test not in (None, 0, 0.0):
        raise ValueError(
            f"`test`={test!r} cannot be used: dataset {spec.name!r} ships its own test set, "
            f"which is kept. Pass val= to carve a validation part from the training part.")
    if standardize == "auto":
        standardize = spec.standardize
    elif isinstance(standardize, str):
        check_choice("standardize", standardize, ("auto",))
    # Checked here too (build_dataset checks again) so a typo fails before a long download.
    standardize = check_bool("standardize", standardize)
    one_hot, flatten = check_bool("one_hot", one_hot), check_bool("flatten", flatten)
    if channels is not None:
        channels = check_bool("channels", channels)

    info = {"source": spec.kind}
    if spec.kind == "download":
        opts = {**spec.options, **dataset_options}
        timeout = check_number("timeout", opts["timeout"], min_value=0.0, min_inclusive=False)
        mirror = check_type("mirror", opts["mirror"], (str, list, tuple), allow_none=True)
        if isinstance(mirror, (list, tuple)) and not all(isinstance(m, str) for m in mirror):
            raise TypeError(f"`mirror` must be a base URL or a list of base URLs (str); "
                            f"received {mirror!r}.")
        x_train, y_train, x_test, y_test, files = _remote.load_remote(
            spec.name, data_dir=data_dir, source=source, verify=verify, mirror=mirror,
            timeout=timeout)
        info["files"] = files
        raw = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
               "task": "multiclass", "num_classes": 10,
               "class_names": list(_remote.CLASS_NAMES[spec.name]), "scale": 255.0}
    else:
        rng = np.random.default_rng(seed)
        raw = spec.make(rng, **dataset_options)
        raw["x_train"], raw["y_train"] = raw.pop("x"), raw.pop("y")
        info.update(raw.pop("info", {}))
    if spec.flat_default and channels is None and not flatten:
        flatten = True
    return build_dataset(
        x_train=raw["x_train"], y_train=raw["y_train"], x_test=raw.get("x_test"),
        y_test=raw.get("y_test"), task=raw["task"], num_classes=raw.get("num_classes"),
        class_names=raw.get("class_names"), val=val,
        test=(spec.default_test if test is None and spec.kind != "download" else test),
        seed=seed, standardize=standardize, scale=raw.get("scale"), one_hot=one_hot,
        flatten=flatten, channels=channels, name=spec.name, description=spec.description,
        info=info)
