"""``pipeline()``: one Keras layer for a whole augmentation spec, and the named presets."""

import keras

from kerasdl import _validation as V
from kerasdl.augment import _layers as L

__all__ = ["AugmentationPipeline", "pipeline", "list_presets", "PRESETS"]

# Each preset is a dict of `pipeline` keyword arguments. Values suit images scaled to [0, 1].
PRESETS = {
    # digits: small rotations, shifts and zooms; never flip (a flipped 2 is not a 2).
    "mnist": {"rotation": 10.0, "shift": 0.1, "zoom": 0.1, "fill_mode": "constant"},
    # natural photos: left-right flips, shifts, light colour changes.
    "cifar": {"flip": "horizontal", "shift": 0.1, "brightness": 0.1, "contrast": 0.1,
              "fill_mode": "reflect"},
    # nothing: the identity layer (handy to switch augmentation off without changing code).
    "none": {},
}

_SPEC_KEYS = ("rotation", "shift", "zoom", "shear", "flip", "brightness", "contrast",
              "channel_shift", "noise", "erasing", "fill_mode", "interpolation", "value_range")


@keras.saving.register_keras_serializable(package="kerasdl")
class AugmentationPipeline(L._DataLayer):
    """A sequence of augmentation layers run as one layer (identity at inference).

    ``pipeline()`` builds one; it can also wrap any layers that accept ``training=``.

    Args:
        layers: list of Keras layers applied in order. Defaults to an empty list (identity).
    """

    def __init__(self, layers=None, **kwargs):
        super().__init__(**kwargs)
        layers = [] if layers is None else list(layers)
        for i, layer in enumerate(layers):
            if not isinstance(layer, keras.layers.Layer):
                raise TypeError(f"`layers[{i}]` must be a keras Layer; received "
                                f"{V.describe(layer)} of type {type(layer).__name__}.")
        self.augmenters = layers
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True

    def build(self, input_shape):
        for layer in self.augmenters:
            if not layer.built:
                layer.build(input_shape)
        self.built = True

    def call(self, inputs, training=True):
        x = inputs
        for layer in self.augmenters:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["layers"] = [keras.saving.serialize_keras_object(la) for la in self.augmenters]
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layers"] = [keras.saving.deserialize_keras_object(la)
                            for la in config.get("layers", [])]
        return cls(**config)

    def __repr__(self):
        inner = ", ".join(type(la).__name__ for la in self.augmenters) or "identity"
        return f"<AugmentationPipeline: {inner}>"


def list_presets():
    """Names of the augmentation presets ``pipeline`` accepts, sorted."""
    return sorted(PRESETS)


def _pair_or_fraction(name, value):
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"`{name}` must be a fraction or a pair (height, width) of "
                             f"fractions; received {V.describe(value)}.")
        return tuple(V.check_number(f"{name}[{i}]", v, min_value=0.0, max_value=1.0,
                                    max_inclusive=False) for i, v in enumerate(value))
    return V.check_number(name, value, min_value=0.0, max_value=1.0, max_inclusive=False)


def pipeline(preset=None, *, rotation=None, shift=None, zoom=None, shear=None, flip=None,
             brightness=None, contrast=None, channel_shift=None, noise=None, erasing=None,
             fill_mode=None, interpolation=None, value_range=None, seed=None,
             data_format=None):
    """Build ONE augmentation layer from a preset and/or a spec.

    The geometric part (rotation, shift, zoom, shear, flip) becomes one ``RandomAffine`` (one
    resampling per image); colour and noise layers follow. The layer is random in training and
    the identity at inference, so it can go first in a model (it then runs on the
    accelerator and is saved with the model) or be mapped over a dataset
    (``ds.map(lambda x, y: (aug(x), y))``, any backend).

    Arguments left as None take the preset's value, or "off" without a preset.

    Args:
        preset: ``"mnist"``, ``"cifar"``, ``"none"`` or None (see ``list_presets()``).
            Defaults to None.
        rotation: maximum rotation in degrees (as ImageDataGenerator's ``rotation_range``).
        shift: maximum shift as a fraction of the size (0.1 means +-10%), or a pair
            ``(height, width)``.
        zoom: zoom range as a fraction (0.1 means magnification in [0.9, 1.1]), or a pair
            ``(height, width)`` drawn independently.
        shear: maximum shear angle in degrees.
        flip: ``"horizontal"``, ``"vertical"``, ``"both"`` or None.
        brightness: multiplicative brightness range as a fraction (0.2: factor in [0.8, 1.2]).
        contrast: contrast range as a fraction.
        channel_shift: maximum per-channel offset in pixel-value units.
        noise: standard deviation of additive Gaussian noise.
        erasing: probability of random erasing (cutout) per image.
        fill_mode: ``"constant"``, ``"nearest"``, ``"reflect"`` or ``"wrap"``. Defaults to the
            preset's, else ``"reflect"``.
        interpolation: ``"bilinear"`` or ``"nearest"``. Defaults to ``"bilinear"``.
        value_range: ``(low, high)`` pixel range that colour changes clip to. Defaults to
            ``(0, 1)``.
        seed: integer seed; each inner layer gets ``seed + i``. Defaults to None.
        data_format: ``"channels_last"`` or ``"channels_first"``. Defaults to
            ``keras.config.image_data_format()``.

    Returns:
        An ``AugmentationPipeline`` layer.

    Raises:
        ValueError: unknown preset, a negative range, a fraction >= 1, an unknown flip mode.

    Example:

    >>> aug = pipeline("cifar", rotation=10, seed=0)
    >>> aug(np.zeros((4, 32, 32, 3), "float32")).shape
    (4, 32, 32, 3)
    """
    spec = {}
    if preset is not None:
        if not isinstance(preset, str):
            raise TypeError(f"`preset` must be a string or None; received {V.describe(preset)}.")
        key = V.normalize_name(preset)
        if key not in PRESETS:
            raise V.unknown_name_error("preset", preset, PRESETS)
        spec.update(PRESETS[key])
    given = dict(rotation=rotation, shift=shift, zoom=zoom, shear=shear, flip=flip,
                 brightness=brightness, contrast=contrast, channel_shift=channel_shift,
                 noise=noise, erasing=erasing, fill_mode=fill_mode,
                 interpolation=interpolation, value_range=value_range)
    spec.update({k: v for k, v in given.items() if v is not None})
    seed = V.check_param("seed", seed, allow_none=True)

    rotation = V.check_number("rotation", spec.get("rotation", 0.0), min_value=0.0,
                              max_value=180.0)
    shift = _pair_or_fraction("shift", spec.get("shift", 0.0))
    height_shift, width_shift = shift if isinstance(shift, tuple) else (shift, shift)
    zoom = _pair_or_fraction("zoom", spec.get("zoom", 0.0))
    shear = V.check_number("shear", spec.get("shear", 0.0), min_value=0.0, max_value=90.0,
                           max_inclusive=False)
    flip = L._flip_mode(spec.get("flip"))
    value_range = spec.get("value_range", (0.0, 1.0))
    common = {"data_format": data_format}

    def next_seed(i):
        return None if seed is None else seed + i

    layers = []
    geometric = (rotation or height_shift or width_shift or shear or flip is not None
                 or (any(zoom) if isinstance(zoom, tuple) else zoom))
    fill_mode = spec.get("fill_mode", "reflect")
    interpolation = spec.get("interpolation", "bilinear")
    # Validate even when no geometric layer is built, so a typo never passes silently.
    V.check_choice("fill_mode", fill_mode, L._ops.FILL_MODES)
    V.check_choice("interpolation", interpolation, L._ops.INTERPOLATIONS)
    L._check_value_range("value_range", value_range)
    if geometric:
        layers.append(L.RandomAffine(
            rotation=rotation, width_shift=width_shift, height_shift=height_shift, zoom=zoom,
            shear=shear, flip=flip, fill_mode=fill_mode, interpolation=interpolation,
            seed=next_seed(0), **common))
    brightness = V.check_number("brightness", spec.get("brightness", 0.0), min_value=0.0,
                                max_value=1.0, max_inclusive=False)
    if brightness:
        layers.append(L.RandomBrightness(brightness, value_range=value_range,
                                         seed=next_seed(1), **common))
    contrast = V.check_number("contrast", spec.get("contrast", 0.0), min_value=0.0,
                              max_value=1.0, max_inclusive=False)
    if contrast:
        layers.append(L.RandomContrast(contrast, value_range=value_range, seed=next_seed(2),
                                       **common))
    channel_shift = V.check_nonnegative("channel_shift", spec.get("channel_shift", 0.0))
    if channel_shift:
        layers.append(L.RandomChannelShift(channel_shift, value_range=value_range,
                                           seed=next_seed(3), **common))
    noise = V.check_nonnegative("noise", spec.get("noise", 0.0))
    if noise:
        layers.append(L.GaussianNoise(noise, value_range=value_range, seed=next_seed(4),
                                      **common))
    erasing = V.check_number("erasing", spec.get("erasing", 0.0), min_value=0.0, max_value=1.0)
    if erasing:
        layers.append(L.RandomErasing(erasing, value_range=value_range, seed=next_seed(5),
                                      **common))
    return AugmentationPipeline(layers)
