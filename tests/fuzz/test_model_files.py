"""Property-based tests of kerasdl.load_model on mutated `.keras` and `.h5` files.

A model file with random bytes flipped, inserted, deleted or cut off either still loads
(the mutation hit bytes nothing reads) or raises kerasdl's DamagedFileError/SecurityError
from kerasdl's own checks -- never an exception from inside zipfile, h5py, json or Keras.
"""

import os
import sys
import tempfile
from pathlib import Path

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kerasdl
from kerasdl.errors import DamagedFileError, SecurityError

_DEEP = int(os.environ.get("KERASDL_TEST_FUZZ_EXAMPLES", 0))
FUZZ = settings(max_examples=_DEEP or 40, deadline=None, derandomize=not _DEEP,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

EDITS = st.lists(st.tuples(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]),
                           st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=3)


def mutate(data, edits):
    data = bytearray(data)
    for kind, pos, byte in edits:
        if not data:
            break
        i = pos % len(data)
        if kind == "flip":
            data[i] ^= byte or 1
        elif kind == "set":
            data[i] = byte
        elif kind == "insert":
            data[i:i] = bytes([byte])
        elif kind == "delete":
            del data[i]
        else:
            del data[i:]
    return bytes(data)


_FILES = {}


def model_bytes(suffix):
    """Bytes of a small saved model (built once per suffix)."""
    if suffix not in _FILES:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        folder = Path(tempfile.mkdtemp())
        model.save(folder / f"m{suffix}")
        _FILES[suffix] = (folder / f"m{suffix}").read_bytes()
    return _FILES[suffix]


def check(suffix, edits):
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(mutate(model_bytes(suffix), edits))
    try:
        try:
            model = kerasdl.load_model(name, compile=False)
        except Exception:  # noqa: BLE001 - checked below
            excinfo = pytest.ExceptionInfo.from_exc_info(sys.exc_info())
            err = excinfo.value
            # kerasdl's own errors, or Keras's rebuild error re-raised by kerasdl naming
            # the file (a mutated class name reads like an unregistered custom class)
            assert isinstance(err, (DamagedFileError, SecurityError)) or (
                type(err) in (ValueError, TypeError) and str(err).startswith("`path` ")), \
                f"{type(err).__module__}.{type(err).__name__}: {err}"
            innermost = str(excinfo.traceback[-1].path)
            assert f"{os.sep}kerasdl{os.sep}" in innermost, (innermost, err)
        else:
            out = model.predict(np.ones((1, 3), "float32"), verbose=0)
            assert out.shape == (1, 2)
    finally:
        os.unlink(name)


@FUZZ
@given(EDITS)
def test_mutated_keras_file(edits):
    check(".keras", edits)


@FUZZ
@given(EDITS)
def test_mutated_h5_file(edits):
    check(".h5", edits)


# ------------------------------------------------- hostile configs and names (issue 14)

import json  # noqa: E402 - the section's own imports
import time  # noqa: E402
import zipfile  # noqa: E402

from kerasdl.saving import _limits  # noqa: E402

HAZARDS = ["TFSMLayer", "Lambda", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"]


def _spelled(layer, style):
    """One way of naming a Keras layer that Keras's deserializer resolves (or tries to)."""
    return [
        {"module": "keras.layers", "class_name": layer, "registered_name": None},
        {"module": "keras", "class_name": f"layers.{layer}", "registered_name": None},
        {"module": None, "class_name": f"keras.layers.{layer}"},
        {"module": "keras.layers", "class_name": "Dense", "registered_name": f"keras>{layer}"},
        {"module": "keras.layers", "class_name": "Dense", "registered_name": layer},
        {"module": "keras.src.layers", "class_name": layer},
    ][style]


def _keras_with(config_update=None, extra=()):
    fd, name = tempfile.mkstemp(suffix=".keras")
    os.close(fd)
    with zipfile.ZipFile(name, "w") as zout, tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "m.keras"
        src.write_bytes(model_bytes(".keras"))
        with zipfile.ZipFile(src) as zin:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "config.json" and config_update is not None:
                    config = json.loads(data)
                    config_update(config)
                    data = json.dumps(config).encode()
                zout.writestr(info.filename, data)
        for member, data in extra:
            zout.writestr(member, data)
    return name


@FUZZ
@given(st.sampled_from(HAZARDS), st.integers(0, 5), st.integers(0, 3))
def test_code_layer_refused_under_every_spelling(layer, style, depth):
    """However the hazardous class is spelled and however deep it is nested."""
    entry = {**_spelled(layer, style), "config": {"name": "h", "filepath": "/nonexistent"}}
    for _ in range(depth):  # wrap it in nested Sequential models
        entry = {"module": "keras", "class_name": "Sequential", "registered_name": None,
                 "config": {"name": "outer", "layers": [entry]}}
    name = _keras_with(lambda c: c["config"]["layers"].insert(1, entry))
    try:
        with pytest.raises(SecurityError, match=r"Security refusal.*trust_source=True"):
            kerasdl.saving.check_model_file(name)
    finally:
        os.unlink(name)


JUNK = st.recursive(st.one_of(st.integers(-10, 10), st.text(max_size=3), st.none()),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=40)


@FUZZ
@given(JUNK, st.integers(1, 300), st.integers(1, 3))
def test_junk_config_values_are_bounded(junk, depth, width):
    """Random JSON junk nested up to ``depth`` levels (``width`` copies per level, at most
    ~50 KB): refused by a limit (SecurityError) or accepted, never slow, never another
    error; accepted only within the depth limit."""
    levels = 0
    for _ in range(depth):
        if len(json.dumps(junk)) * width > 50_000:
            break
        junk, levels = [junk] * width, levels + 1
    name = _keras_with(lambda c: c.__setitem__("junk", junk))
    start = time.perf_counter()
    try:
        info = kerasdl.saving.check_model_file(name)
        assert info["class_name"] == "Sequential"
        assert levels < _limits.MAX_DEPTH  # an accepted file is within the depth limit
    except SecurityError as e:
        assert "far beyond any real model's" in str(e), e
        assert levels >= _limits.MAX_DEPTH - 10, (levels, e)  # only depth can be breached
    finally:
        os.unlink(name)
    assert time.perf_counter() - start < 5


MEMBER_TRICKS = st.sampled_from(["./config.json", "config.json/", "CONFIG.json", "/config.json",
                                 "../config.json", "assets/./x", "assets//x", "a/../config.json",
                                 "C:/x", "assets\\x", "Config.Json/"])


@FUZZ
@given(MEMBER_TRICKS)
def test_member_name_tricks_refused(member):
    name = _keras_with(extra=[(member, b'{"class_name": "Evil"}')])
    try:
        with pytest.raises(SecurityError, match=r"archive member .*no opt-in"):
            kerasdl.saving.check_model_file(name, trust_source=True)
    finally:
        os.unlink(name)
