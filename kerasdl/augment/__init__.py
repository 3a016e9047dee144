"""Image augmentation: one-pass geometric transforms, colour layers, presets, and an
``ImageDataGenerator`` for Keras 3.

Layers are random in training and the identity at inference, seedable and serializable; they
go first in a model (running on the accelerator) or map over a dataset::

    from kerasdl import augment

    aug = augment.pipeline("cifar", rotation=10, seed=0)       # one keras Layer
    model = keras.Sequential([keras.Input((32, 32, 3)), aug, ...])

The legacy API, for code written against ``keras.preprocessing.image``::

    gen = augment.ImageDataGenerator(rotation_range=15, horizontal_flip=True)
    model.fit(gen.flow(x_train, y_train, batch_size=64), epochs=10)
"""

from kerasdl.augment._generator import ImageDataGenerator
from kerasdl.augment._generator_layer import ImageDataGeneratorLayer
from kerasdl.augment._iterators import DataFrameIterator
from kerasdl.augment._iterators import DirectoryIterator
from kerasdl.augment._iterators import Iterator
from kerasdl.augment._iterators import NumpyArrayIterator
from kerasdl.augment._layers import GaussianNoise
from kerasdl.augment._layers import RandomAffine
from kerasdl.augment._layers import RandomBrightness
from kerasdl.augment._layers import RandomChannelShift
from kerasdl.augment._layers import RandomContrast
from kerasdl.augment._layers import RandomErasing
from kerasdl.augment._legacy_functions import apply_affine_transform
from kerasdl.augment._legacy_functions import apply_brightness_shift
from kerasdl.augment._legacy_functions import apply_channel_shift
from kerasdl.augment._legacy_functions import array_to_img
from kerasdl.augment._legacy_functions import flip_axis
from kerasdl.augment._legacy_functions import img_to_array
from kerasdl.augment._legacy_functions import list_pictures
from kerasdl.augment._legacy_functions import load_img
from kerasdl.augment._legacy_functions import random_brightness
from kerasdl.augment._legacy_functions import random_channel_shift
from kerasdl.augment._legacy_functions import random_rotation
from kerasdl.augment._legacy_functions import random_shear
from kerasdl.augment._legacy_functions import random_shift
from kerasdl.augment._legacy_functions import random_zoom
from kerasdl.augment._legacy_functions import save_img
from kerasdl.augment._legacy_functions import smart_resize
from kerasdl.augment._pipeline import AugmentationPipeline
from kerasdl.augment._pipeline import list_presets
from kerasdl.augment._pipeline import pipeline

__all__ = [
    "AugmentationPipeline",
    "DataFrameIterator",
    "DirectoryIterator",
    "GaussianNoise",
    "ImageDataGenerator",
    "ImageDataGeneratorLayer",
    "Iterator",
    "NumpyArrayIterator",
    "RandomAffine",
    "RandomBrightness",
    "RandomChannelShift",
    "RandomContrast",
    "RandomErasing",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "array_to_img",
    "flip_axis",
    "img_to_array",
    "list_pictures",
    "list_presets",
    "load_img",
    "pipeline",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "save_img",
    "smart_resize",
]
