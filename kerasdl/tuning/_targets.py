"""What a search tunes: a recipe (by name) or a model builder trained by ``kerasdl.train``.

A target knows the settings it accepts (so a typo in the space fails before any training
with close matches), whether its runs record validation metrics, how many epochs a run
has, and how to run one trial into a run folder.
"""

import difflib
import inspect

from kerasdl._validation import describe, normalize_name

__all__ = ["recipe_target", "builder_target", "RESERVED"]

# Settings the search sets itself for every trial.
RESERVED = ("run_dir",)


class _Target:
    """Base of the two targets (see :func:`recipe_target`, :func:`builder_target`)."""

    kind = None
    name = None

    def check_names(self, names, where):
        allowed = self.settings()
        for raw in names:
            key = self.key(raw)
            if key in RESERVED:
                raise ValueError(f"`{where}` may not set {raw!r}: kerasdl.tune gives every "
                                 f"trial its own run folder under the search's `run_dir`.")
            if allowed is not None and key not in allowed:
                matches = difflib.get_close_matches(key, sorted(allowed), n=3, cutoff=0.5)
                hint = (f" Did you mean {' or '.join(repr(m) for m in matches)}?"
                        if matches else "")
                raise ValueError(f"`{where}` names an unknown setting {raw!r} of "
                                 f"{self.describe()}.{hint} Its settings: "
                                 f"{', '.join(sorted(allowed))}.")

    def key(self, name):
        return name


class _RecipeTarget(_Target):
    kind = "recipe"

    def __init__(self, name):
        from kerasdl import recipes

        self.module = recipes.get_recipe(name)  # unknown recipe: close matches
        self.name = self.module.__name__.rsplit(".", 1)[-1]
        self.defaults = dict(self.module.DEFAULTS)

    def describe(self):
        return f"recipe {self.name!r}"

    def settings(self):
        return set(self.defaults)

    def key(self, name):
        return normalize_name(name)

    def epochs(self, fixed):
        return fixed.get("epochs", self.defaults.get("epochs"))

    def has_validation(self, fixed, searched):
        """True / False when known before training, None when only a run can tell."""
        merged = {**self.defaults, **fixed}
        if "validation_split" in merged and "validation_split" not in searched:
            if merged["validation_split"]:
                return True
        data = merged.get("data")
        if data is not None and not isinstance(data, str) and hasattr(data, "x_val"):
            if data.x_val is not None:
                return True
            if "val" not in merged:
                return False
        if "val" in merged and "val" not in searched:
            return bool(merged["val"])
        return None

    def run(self, settings, run_dir):
        return self.module.run(**settings, run_dir=run_dir)


class _BuilderTarget(_Target):
    kind = "builder"

    def __init__(self, builder):
        import kerasdl

        self.builder = builder
        self.name = getattr(builder, "__name__", type(builder).__name__)
        params = inspect.signature(builder).parameters
        self.open = any(p.kind == p.VAR_KEYWORD for p in params.values())
        self.builder_params = {n for n, p in params.items()
                               if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        self.train_params = set(inspect.signature(kerasdl.train).parameters) - {
            "model", "data", "run_dir", "resume"}

    def describe(self):
        return f"builder {self.name!r}"

    def settings(self):
        if self.open:
            return None
        return self.builder_params | self.train_params | {"data"}

    def epochs(self, fixed):
        return fixed.get("epochs", 10)

    def has_validation(self, fixed, searched):
        if fixed.get("validation_split") and "validation_split" not in searched:
            return True
        data = fixed.get("data")
        if hasattr(data, "x_val") and "validation_split" not in searched:
            return data.x_val is not None
        return None

    def check_data(self, fixed):
        from kerasdl.data import Dataset

        data = fixed.get("data")
        if data is None:
            raise ValueError("Tuning a model builder needs the data: pass `data=` (a "
                             "kerasdl.data.Dataset, e.g. kerasdl.data.load('digits', "
                             "val=0.2)) as a fixed setting.")
        if not isinstance(data, (Dataset, tuple)):
            raise TypeError(f"`data` must be a kerasdl.data.Dataset or a tuple of arrays; "
                            f"received {describe(data)} of type {type(data).__name__}.")

    def run(self, settings, run_dir):
        import kerasdl

        settings = dict(settings)
        data = settings.pop("data")
        to_builder = {k: v for k, v in settings.items()
                      if k in self.builder_params or (self.open and k not in self.train_params)}
        to_train = {k: v for k, v in settings.items() if k not in to_builder}
        to_train.setdefault("verbose", 0)
        import keras

        # seeds the builder's initial weights, as recipes do: same seed, same trial result
        keras.utils.set_random_seed(int(to_train.get("seed", 0)))
        model = self.builder(**to_builder)
        return kerasdl.train(model, data, run_dir=run_dir, **to_train)


def recipe_target(name):
    """The target of a recipe name (``kerasdl.recipes.run(name, ...)`` per trial)."""
    return _RecipeTarget(name)


def builder_target(builder):
    """The target of a callable ``builder(**settings) -> keras.Model``."""
    return _BuilderTarget(builder)
