"""Package-level promises: cheap import, no TensorFlow at import, version, --backend."""

import importlib.util
import subprocess
import sys

import pytest

import kerasdl


def _run(code, env_backend=None):
    import os

    env = dict(os.environ)
    if env_backend:
        env["KERAS_BACKEND"] = env_backend
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)


def test_import_kerasdl_imports_neither_keras_nor_tensorflow():
    proc = _run("import sys, kerasdl; "
                "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_version_matches_metadata():
    from importlib.metadata import version

    assert kerasdl.__version__ == version("kerasdl") == "0.1.0"


def test_cli_version():
    proc = subprocess.run([sys.executable, "-m", "kerasdl", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "kerasdl 0.1.0"


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax not installed")
def test_cli_backend_flag_is_applied_before_keras_import():
    proc = subprocess.run([sys.executable, "-m", "kerasdl", "--backend", "jax", "info"],
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "KERAS_BACKEND": "tensorflow"})
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(None, 1) for line in proc.stdout.splitlines() if line.strip())
    assert lines["backend"] == "jax"
    assert lines["kerasdl"] == "0.1.0"
    assert lines["devices"].startswith("cpu:0")


def test_set_backend_rejects_unknown_and_conflicting_backends():
    from kerasdl._backend import set_backend

    with pytest.raises(ValueError, match=r"`backend` must be one of 'jax', 'tensorflow', "
                                         r"'torch'; received 'tf'"):
        set_backend("tf")
    import keras

    other = "jax" if keras.backend.backend() != "jax" else "tensorflow"
    with pytest.raises(ValueError, match=f"`backend` '{other}' requested but keras is already "
                                         f"imported with backend"):
        set_backend(other)


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="module 'kerasdl' has no attribute 'nope'"):
        kerasdl.nope  # noqa: B018
