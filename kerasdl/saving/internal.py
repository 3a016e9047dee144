"""What other kerasdl packages use from saving beyond the public ``__all__``.

Not part of the user API (names may change between releases); it exists so that no other
kerasdl package imports a ``_private`` module of this one.
"""

from kerasdl.saving._load import load_config_model

__all__ = ["load_config_model"]
