"""Datasets people learn with, splits without leakage, offline-first loading.

``load(name)`` returns a :class:`Dataset` (train / validation / test parts, the task, the
classes and the input shape) for generated sets (truth tables, regression, spirals...),
scikit-learn's embedded sets (digits, iris...) and downloadable ones (mnist, fashion_mnist,
cifar10). ``from_arrays``, ``from_npz`` and ``from_directory`` wrap the user's own data.
``split`` makes seeded, stratified three-way splits; ``chunks`` and ``MemmapSource`` feed data
chunk by chunk; ``ArraySequence`` (a ``keras.utils.PyDataset``) and ``to_tf_dataset`` feed
``model.fit``.

Keras (and TensorFlow) load only when ``ArraySequence`` or ``to_tf_dataset`` is first used.
"""

import importlib

from kerasdl.data._dataset import Dataset
from kerasdl.data._download import cache_dir
from kerasdl.data._files import from_directory, from_npz
from kerasdl.data._load import dataset_sources, describe_datasets, list_datasets, load
from kerasdl.data._prepare import from_arrays, to_categorical
from kerasdl.data._sources import MemmapSource, chunks
from kerasdl.data._split import Split, split

__all__ = [
    "ArraySequence",
    "Dataset",
    "MemmapSource",
    "Split",
    "cache_dir",
    "chunks",
    "dataset_sources",
    "describe_datasets",
    "from_arrays",
    "from_directory",
    "from_npz",
    "list_datasets",
    "load",
    "split",
    "to_categorical",
    "to_tf_dataset",
]

_LAZY = {"ArraySequence": "kerasdl.data._sequence", "to_tf_dataset": "kerasdl.data._sequence"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kerasdl.data' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
