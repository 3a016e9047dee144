"""Resolve a config entry to the object Keras's deserializer would build, without importing.

Keras (``keras.saving.deserialize_keras_object`` / ``_retrieve_class_or_fn`` in Keras 3.15)
resolves ``{"module", "class_name", "registered_name", "config"}`` in this order:

1. a registered object: ``registered_name`` (a class; it defaults to ``class_name``) or the
   function name (``config`` of a ``"function"`` entry) in ``custom_objects`` or the global
   registry (``keras.saving.register_keras_serializable``);
2. ``module`` ``keras``/``keras.*``: the public API name ``f"{module}.{class_name}"``, so
   ``module="keras", class_name="layers.TFSMLayer"`` is ``keras.layers.TFSMLayer`` (an API
   name in ``NON_MODELING_APIS`` is refused);
3. ``module="builtins"`` functions: ``keras.{activations,losses,...}.{name}``;
4. ``module`` in the ``keras``/``keras_hub``/``keras_cv``/``keras_nlp`` packages: the module is
   imported and ``vars(module)[class_name]`` must be a ``KerasSaveable`` subclass.

:func:`resolve` mirrors that order but never imports: the public API is walked attribute by
attribute from the already imported ``keras`` package, and module paths are looked up in
``sys.modules`` only. :func:`spellings` gives every name an entry could stand for, so a
hazardous class is recognised by name even when its module is not loaded.
"""

import sys
import types
from collections import namedtuple

__all__ = ["Resolved", "resolve", "spellings", "public_symbol", "BUILTIN_MODULES",
           "KERAS_PACKAGES"]

# keras/src/saving/serialization_lib.py: BUILTIN_MODULES (where "builtins" functions live).
BUILTIN_MODULES = ("activations", "constraints", "initializers", "losses", "metrics",
                   "optimizers", "regularizers")
# Packages whose modules Keras imports by the config's `module` (step 4 above).
KERAS_PACKAGES = frozenset({"keras", "keras_hub", "keras_cv", "keras_nlp"})

Resolved = namedtuple("Resolved", ["kind", "obj", "name"])
Resolved.__doc__ = """How Keras would resolve an entry.

``kind`` is one of ``"registered"`` (a registered/custom object: ``obj``), ``"keras"`` (a
public Keras API symbol: ``obj``), ``"non-modeling"`` (an API Keras refuses by name),
``"module"`` (looked up in a Keras-family module: ``obj`` or None when that module is not
loaded), ``"unresolved"`` (Keras cannot locate it), ``"kerasdl"`` (a kerasdl module path that
Keras resolves only through the registry) or ``"foreign"`` (another package). ``name`` is the
dotted name for messages.
"""


def public_symbol(dotted):
    """The object at a public Keras API name (``keras.layers.Dense``), or None.

    Walks modules from the imported ``keras`` package; private names (``_x``, ``keras.src``)
    and attributes of non-modules are not followed.
    """
    if not isinstance(dotted, str):
        return None
    parts = dotted.split(".")
    if len(parts) < 2 or parts[0] != "keras" or parts[1] == "src":
        return None
    if any(not p.isidentifier() or p.startswith("_") for p in parts):
        return None
    obj = sys.modules.get("keras")
    for part in parts[1:]:
        if not isinstance(obj, types.ModuleType):
            return None
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _registered(key, registry):
    if isinstance(key, str) and key in registry:
        return registry[key]
    return None


def resolve(node, registry, non_modeling):
    """Resolve the config entry ``node`` (a dict with a str ``class_name``).

    Args:
        node: the entry.
        registry: names -> objects (``custom_objects`` and Keras's global registry).
        non_modeling: API names Keras refuses during deserialization.

    Returns:
        A :data:`Resolved`.
    """
    class_name = node["class_name"]
    module = node.get("module")
    is_fn = class_name == "function"
    name = node.get("config") if is_fn else class_name
    key = name if is_fn else node.get("registered_name", class_name)
    found = _registered(key, registry)
    if found is not None:
        return Resolved("registered", found, str(key))
    if not isinstance(name, str):
        return Resolved("unresolved", None, repr(name))
    if not isinstance(module, str) or not module:
        return Resolved("unresolved", None, name)
    if module == "keras" or module.startswith("keras."):
        api = f"{module}.{name}"
        if api in non_modeling:
            return Resolved("non-modeling", None, api)
        obj = public_symbol(api)
        if obj is not None:
            return Resolved("keras", obj, api)
    if is_fn and module == "builtins":
        for mod in BUILTIN_MODULES:
            obj = public_symbol(f"keras.{mod}.{name}")
            if obj is not None:
                return Resolved("keras", obj, f"keras.{mod}.{name}")
        if ">" not in name:  # Keras <= 3.6 saved custom functions by bare name
            for custom, obj in registry.items():
                if isinstance(custom, str) and custom.endswith(f">{name}"):
                    return Resolved("registered", obj, custom)
        return Resolved("unresolved", None, f"builtins.{name}")
    package = module.split(".", 1)[0]
    if package in KERAS_PACKAGES:
        loaded = sys.modules.get(module)
        obj = vars(loaded).get(name) if isinstance(loaded, types.ModuleType) else None
        return Resolved("module", obj, f"{module}.{name}")
    if package == "kerasdl":
        return Resolved("kerasdl", None, f"{module}.{name}")
    return Resolved("foreign", None, f"{module}.{name}")


def spellings(node):
    """Every bare name the entry could stand for (last component of each spelling)."""
    names = set()
    for field in ("class_name", "registered_name"):
        value = node.get(field)
        if isinstance(value, str):
            names.add(value.rsplit(">", 1)[-1].rsplit(".", 1)[-1])
    if node.get("class_name") == "function" and isinstance(node.get("config"), str):
        names.add(node["config"].rsplit(">", 1)[-1].rsplit(".", 1)[-1])
    return names
