"""Safe model loading and atomic saving.

`kerasdl.load_model` (this package's :func:`load_model`) inspects a model file before
Keras reads it and refuses files that are damaged, that try to escape or blow up their
archive, or whose config would run code; Keras's safe mode is always on unless the call
says `trust_source=True`. :func:`load_weights` is the checked loader that checkpoint
resume uses; :func:`save_model`/:func:`save_weights` write atomically.

    import kerasdl
    kerasdl.saving.save_model(model, "model.keras")
    model = kerasdl.load_model("model.keras")
"""

from kerasdl.saving._load import (
    check_model_file,
    load_model,
    load_weights,
    save_model,
    save_weights,
)

__all__ = ["check_model_file", "load_model", "load_weights", "save_model", "save_weights"]
