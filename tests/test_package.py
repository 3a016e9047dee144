"""Package-level promises: cheap import, no TensorFlow at import, version, --backend."""

import importlib.util
import subprocess
import sys

import pytest

import kerasdl

# Packaging and import promises; the tests pick their backends themselves. Run once.
pytestmark = pytest.mark.backend_independent


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


def test_setup_cfg_lists_every_package_and_maps_recipes_into_kerasdl():
    """The wheel's only top-level package is kerasdl; recipes/ installs as kerasdl.recipes."""
    import configparser
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    cfg = configparser.ConfigParser()
    cfg.read(root / "setup.cfg")
    listed = cfg["options"]["packages"].split()
    found = sorted(p.parent.relative_to(root).as_posix().replace("/", ".")
                   for p in (root / "kerasdl").rglob("__init__.py"))
    assert sorted(listed) == sorted(found + ["kerasdl.recipes"])
    assert {name.split(".")[0] for name in listed} == {"kerasdl"}
    assert cfg["options"]["package_dir"].split() == ["kerasdl.recipes", "=", "recipes"]


def test_a_users_own_recipes_module_does_not_shadow_kerasdl_recipes(tmp_path, run_python):
    (tmp_path / "recipes.py").write_text("raise SystemExit('the user module was imported')\n")
    proc = run_python("""
        from kerasdl import recipes
        print(recipes.list_recipes()[0])
    """, cwd=tmp_path)
    assert proc.stdout.split() == ["logic_gates"]


def test_kerasdl_recipes_imports_from_a_source_checkout(run_python):
    """`python -m kerasdl ...` in the repository root imports the checkout's kerasdl/, which
    has no recipes/ inside: kerasdl.recipes is the checkout's top-level recipes/ folder."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = run_python("""
        import sys
        sys.path.insert(0, '.')
        import kerasdl
        from kerasdl import recipes
        import kerasdl.recipes.xor
        print(kerasdl.__file__)
        print(recipes.__file__)
    """, cwd=root)
    package, recipes_init = proc.stdout.split()
    assert Path(package) == root / "kerasdl" / "__init__.py"
    assert Path(recipes_init) == root / "recipes" / "__init__.py"


def test_tox_docs_environment_installs_the_docs_extra():
    import configparser
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    setup, tox = configparser.ConfigParser(), configparser.ConfigParser()
    setup.read(root / "setup.cfg")
    tox.read(root / "tox.ini")
    extra = setup["options.extras_require"]["docs"].split()
    assert tox["testenv:docs"]["deps"].split() == extra
    assert tox["testenv:docs"]["skip_install"] == "true"
