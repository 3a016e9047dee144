"""Resource limits on the JSON a model file carries, enforced before and while it is parsed.

A model's ``config.json`` is small and shallow: the largest Keras application configs
(NASNetLarge, EfficientNetV2L: ~1,040 layers) are ~1 MB of JSON with ~40,000 values, nesting
depth 8, ~3,900 Keras objects and no string over 50 characters. A hostile file can instead
carry a config that is cheap on disk but costs seconds and gigabytes to parse and walk
(millions of nested empty lists, millions of numbers). So before ``json.loads`` runs, the
raw bytes are checked with C-speed scans (``bytes.count``, one regular expression, one numpy
cumulative sum) against the size, value-count and depth limits below; after parsing (which
is then bounded), one iterative walk checks string lengths, list lengths and the number of
Keras objects and layers. Every limit is far above any real model's (see
``docs/reliability.md`` for the figures measured).

The functions here raise :class:`LimitExceeded` (a hostile size) or :class:`Malformed` (not
JSON / not an object); :mod:`kerasdl.saving._inspect` turns them into ``SecurityError`` and
``DamagedFileError`` naming the file.
"""

import json
import re

import numpy as np

__all__ = ["LimitExceeded", "Malformed", "parse_bounded", "MAX_CONFIG_BYTES",
           "MAX_METADATA_BYTES", "MAX_DEPTH", "MAX_VALUES", "MAX_STRING_CHARS",
           "MAX_LIST_ITEMS", "MAX_OBJECTS", "MAX_LAYERS"]

MAX_CONFIG_BYTES = 32 * 2**20      # NASNetLarge: 1.0 MB
MAX_METADATA_BYTES = 2**20         # Keras writes ~100 bytes
MAX_DEPTH = 100                    # NASNetLarge: 8, ConvNeXtXLarge: 11
MAX_VALUES = 2_000_000             # NASNetLarge: 39,591 JSON values
MAX_STRING_CHARS = 2**20           # NASNetLarge: 47 characters
MAX_LIST_ITEMS = 1_000_000         # NASNetLarge: 1,041 (its layer list)
MAX_OBJECTS = 200_000              # NASNetLarge: 3,896 Keras objects (class_name entries)
MAX_LAYERS = 50_000                # NASNetLarge: 1,041 layers

# A JSON string literal (unrolled loop: linear time, no backtracking).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class LimitExceeded(Exception):
    """The JSON text breaches a resource limit (the message says which)."""


class Malformed(Exception):
    """The JSON text is not valid JSON, or not a JSON object."""


def _depth(bare):
    """Maximum nesting depth of JSON bytes whose strings are blanked (numpy, O(n))."""
    brackets = bare.translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = ((codes == 0x5B) | (codes == 0x7B)).astype(np.int8) * 2 - 1
    return int(np.cumsum(steps, dtype=np.int32).max())


def prescan(raw, *, max_bytes):
    """Check size, value count and nesting depth of JSON bytes without parsing them.

    Returns:
        ``(values, depth)``: an upper bound of the number of JSON values and the depth.
    """
    if len(raw) > max_bytes:
        raise LimitExceeded(f"is {len(raw):,} bytes (at most {max_bytes:,})")
    start = raw.lstrip()[:1]
    if start != b"{":
        raise Malformed("it is not a JSON object" if start else "it is empty")
    # Strings are replaced by "" so that brackets and commas inside them do not count.
    # For valid JSON every value but the root follows a comma or an opening bracket.
    bare = _STRING.sub(b'""', raw)
    values = bare.count(b",") + bare.count(b"[") + bare.count(b"{") + 1
    if values > MAX_VALUES:
        raise LimitExceeded(f"holds up to {values:,} JSON values (at most {MAX_VALUES:,})")
    objects = raw.count(b'"class_name"')  # an upper bound: every object has this key
    if objects > MAX_OBJECTS:
        raise LimitExceeded(f"describes up to {objects:,} Keras objects (at most "
                            f"{MAX_OBJECTS:,})")
    depth = _depth(bare)
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"nests {depth:,} levels deep (at most {MAX_DEPTH})")
    return values, depth


def _preview(text):
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def check_tree(tree):
    """Walk parsed JSON iteratively; raise LimitExceeded on a long string/list or too many
    Keras objects/layers."""
    objects = layers = 0
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if "class_name" in node:
                objects += 1
                if objects > MAX_OBJECTS:
                    raise LimitExceeded(f"describes more than {MAX_OBJECTS:,} Keras objects")
            found = node.get("layers")
            if type(found) is list:
                layers += len(found)
                if layers > MAX_LAYERS:
                    raise LimitExceeded(f"describes more than {MAX_LAYERS:,} layers")
            for key in node:
                if len(key) > MAX_STRING_CHARS:
                    raise LimitExceeded(f"has a key of {len(key):,} characters "
                                        f"({_preview(key)}; at most {MAX_STRING_CHARS:,})")
            stack.extend(node.values())
        elif kind is list:
            if len(node) > MAX_LIST_ITEMS:
                raise LimitExceeded(f"has a list of {len(node):,} items (at most "
                                    f"{MAX_LIST_ITEMS:,})")
            stack.extend(node)
        elif kind is str and len(node) > MAX_STRING_CHARS:
            raise LimitExceeded(f"has a string of {len(node):,} characters "
                                f"({_preview(node)}; at most {MAX_STRING_CHARS:,})")


def parse_bounded(raw, *, max_bytes=MAX_CONFIG_BYTES):
    """Parse JSON bytes (or text) that must hold an object, within the limits above.

    Raises:
        LimitExceeded: a limit is breached (checked before parsing where possible).
        Malformed: the bytes are not UTF-8 JSON holding an object.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    raw = bytes(raw)
    prescan(raw, max_bytes=max_bytes)
    try:
        tree = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise Malformed(f"it is not valid JSON: {str(e)[:200]}") from None
    if not isinstance(tree, dict):
        raise Malformed("it is not a JSON object")
    check_tree(tree)
    return tree
