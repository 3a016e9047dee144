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

from kerasdl.augment._generator import DirectoryIterator
from kerasdl.augment._generator import ImageDataGenerator
from kerasdl.augment._generator import ImageDataGeneratorLayer
from kerasdl.augment._generator import NumpyArrayIterator
from kerasdl.augment._layers import GaussianNoise
from kerasdl.augment._layers import RandomAffine
from kerasdl.augment._layers import RandomBrightness
from kerasdl.augment._layers import RandomChannelShift
from kerasdl.augment._layers import RandomContrast
from kerasdl.augment._layers import RandomErasing
from kerasdl.augment._pipeline import AugmentationPipeline
from kerasdl.augment._pipeline import list_presets
from kerasdl.augment._pipeline import pipeline

__all__ = [
    "AugmentationPipeline",
    "DirectoryIterator",
    "GaussianNoise",
    "ImageDataGenerator",
    "ImageDataGeneratorLayer",
    "NumpyArrayIterator",
    "RandomAffine",
    "RandomBrightness",
    "RandomChannelShift",
    "RandomContrast",
    "RandomErasing",
    "list_presets",
    "pipeline",
]
