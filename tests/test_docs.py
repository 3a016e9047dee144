"""README.md and docs/quickstart.md: every Python example runs and prints what it promises."""

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def blocks(page):
    return re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(), flags=re.S)


def run_block(code, cwd, monkeypatch):
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<doc>", "exec"), {"__name__": "__doc__"})
    return out.getvalue()


@pytest.mark.slow
def test_readme_example_trains_writes_the_run_folder_and_loads_safely(tmp_path, monkeypatch):
    (code,) = blocks("README.md")
    printed = run_block(code.replace('print(result.metrics)', 'print("ACC", result.metrics["accuracy"])'),
                        tmp_path, monkeypatch)
    accuracy = float(re.search(r"ACC ([0-9.]+)", printed).group(1))
    assert accuracy >= 0.93  # a 64-32 MLP on digits: measured 0.957 (seed 0)
    run = tmp_path / "runs" / "digits_mlp"
    for name in ("config.json", "history.csv", "metrics.json", "model.keras", "report.html"):
        assert (run / name).is_file(), name
    assert "runs/digits_mlp" in printed


def test_quickstart_examples_run(tmp_path, monkeypatch):
    gates, iris = blocks("docs/quickstart.md")
    printed = run_block(gates, tmp_path, monkeypatch)
    assert "'and': {'accuracy': 1.0" in printed and "'nand': {'accuracy': 1.0" in printed
    printed = run_block(iris, tmp_path, monkeypatch)
    accuracy_line, matrix = printed.strip().splitlines()[-2:]
    assert float(accuracy_line) >= 0.9
    assert matrix.startswith("[[") and len(eval(matrix)) == 3  # 3x3 confusion matrix


# --- Every other page ----------------------------------------------------------------------
# Every ```python block of every page under docs/ runs: the pages below have a test of their
# own (with their printed values checked); every other page is run here, its blocks in order
# in one namespace (a page's later examples may use what its first one made), in a temporary
# folder. A block that cannot run here (the network, minutes of training) opts out with
#
#     <!-- skip-test: the reason -->
#
# on the line right before its fence; the reason is required, and the block is still compiled.
OWN_TESTS = {
    "docs/quickstart.md": "tests/test_docs.py",
    "docs/data.md": "tests/data/test_docs.py",
    "docs/custom_layers.md": "tests/layers/test_docs.py",
    "docs/models.md": "tests/models/test_docs.py",
    "docs/perceptron.md": "tests/models/test_docs.py",
    "docs/run_folder.md": "tests/reports/test_docs.py",
    "docs/training.md": "tests/training/test_docs.py",
    "docs/tuning.md": "tests/tuning/test_docs.py",
    "docs/export.md": "tests/exporting/test_docs.py",
    "docs/augmentation.md": "tests/augment/test_docs.py",
    "docs/migrating_from_imagedatagenerator.md": "tests/augment/test_docs.py",
}
FENCE = re.compile(r"(?:<!--\s*skip-test:([^\n]*?)-->[ \t]*\n)?```python\n(.*?)```", re.S)


def page_blocks(page):
    """[(code, skip_reason or None)] for each ```python block of ``page``, in order."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [(code, None if reason is None else reason.strip())
            for reason, code in ((m.group(1), m.group(2)) for m in FENCE.finditer(text))]


def pages_with_examples():
    pages = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))
    return [p for p in pages if page_blocks(p)]


GENERIC_PAGES = [p for p in pages_with_examples() if p not in OWN_TESTS]


def test_every_page_with_examples_is_tested():
    assert len(pages_with_examples()) >= 20
    for page, test_file in OWN_TESTS.items():
        assert page_blocks(page), page
        assert Path(page).name in (ROOT / test_file).read_text(), (page, test_file)
        assert "skip-test" not in (ROOT / page).read_text(), \
            f"{page} has a test of its own, which runs every block: no skip-test markers"


@pytest.fixture
def isolated_page(monkeypatch):
    """Restore what a page's examples may change: registries, sys.path, the dtype policy."""
    import sys

    import keras

    from kerasdl.layers import _registry as layer_registry
    from kerasdl.models import _registry as model_registry

    models, layers = dict(model_registry._MODELS), dict(layer_registry._LAYERS)
    policy, floatx = keras.config.dtype_policy(), keras.config.floatx()
    modules = set(sys.modules)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    model_registry._MODELS.clear()
    model_registry._MODELS.update(models)
    layer_registry._LAYERS.clear()
    layer_registry._LAYERS.update(layers)
    keras.config.set_dtype_policy(policy)
    keras.config.set_floatx(floatx)
    for name in set(sys.modules) - modules:   # modules a page wrote and imported
        if not name.startswith(("kerasdl", "keras", "tensorflow", "jax", "torch")):
            module = sys.modules[name]
            file = str(getattr(module, "__file__", "") or "")
            # a page's own module (written to its temporary folder), never an installed
            # package: a virtualenv may itself live under the temporary folder (a CI clone
            # in /tmp), and C extensions such as onnx's cannot be imported twice
            installed = file.startswith((sys.prefix, sys.base_prefix)) or "site-packages" in file
            if file.startswith(tempfile.gettempdir()) and not installed:
                del sys.modules[name]


@pytest.fixture
def no_network(monkeypatch):
    """A page example that reaches for the network fails (it should be marked skip-test)."""
    import socket

    connect = socket.socket.connect

    def local_only(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and \
                address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"the docs tests do not touch the network (connect to {address})")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)


def _recipe_small_settings():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_recipe_test_settings", ROOT / "tests" / "recipes" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._small_settings


def small_recipe_runs(monkeypatch):
    """A recipe page's ``recipes.run(name, ...)`` runs at the recipe tests' small settings.

    The page's own arguments are still checked (they are passed on, and an unknown setting
    is refused as on the page); only the sizes (epochs, width, data) shrink, to the
    settings of tests/recipes/conftest.py. What the defaults reach is the recipes' own
    accuracy tests' business; here the page's code is what is tested.
    """
    from kerasdl import recipes

    small, run = _recipe_small_settings(), recipes.run

    def run_small(name, **settings):
        # the page's own data and run folder stay; every other small setting wins
        kept = {key for key in ("data", "run_dir") if key in settings}
        shrunk = {key: value for key, value in small(name).items() if key not in kept}
        return run(name, **{**settings, **shrunk})

    monkeypatch.setattr(recipes, "run", run_small)


@pytest.mark.heavy_docs
@pytest.mark.parametrize("page", GENERIC_PAGES)
def test_page_examples_run(page, tmp_path, monkeypatch, seed, isolated_page, no_network):
    namespace = {"__name__": "__doc__"}
    monkeypatch.chdir(tmp_path)
    if page.startswith("docs/recipes/"):
        small_recipe_runs(monkeypatch)
    ran = 0
    for index, (code, reason) in enumerate(page_blocks(page)):
        compiled = compile(code, f"{page}[block {index}]", "exec")
        if reason is not None:
            assert reason, f"{page}[block {index}]: skip-test needs a reason"
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compiled, namespace)
        ran += 1
    assert ran or all(reason for _, reason in page_blocks(page))


# --- The documentation site (mkdocs.yml); `tox -e docs` builds it with --strict ------------
API_PAGES = {"kerasdl": "kerasdl.training", "models": "kerasdl.models",
             "layers": "kerasdl.layers", "data": "kerasdl.data", "augment": "kerasdl.augment",
             "training": "kerasdl.training", "callbacks": "kerasdl.callbacks",
             "reports": "kerasdl.reports", "saving": "kerasdl.saving",
             "recipes": "kerasdl.recipes"}


def nav_files(entry):
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [f for item in entry for f in nav_files(item)]
    return [f for value in entry.values() for f in nav_files(value)]


def test_site_nav_lists_every_page_and_notebook():
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_files(config["nav"])
    docs = ROOT / "docs"
    pages = sorted(str(p.relative_to(docs)) for ext in ("*.md", "*.ipynb")
                   for p in docs.rglob(ext) if "_ext" not in p.parts)
    assert sorted(listed) == pages, "add each new page to mkdocs.yml's nav (one line)"
    assert config["theme"]["font"] is False   # no Google Fonts: the site works offline


@pytest.mark.parametrize("page", sorted(API_PAGES))
def test_api_reference_page_renders_the_package(page):
    import importlib

    text = (ROOT / "docs" / "api" / f"{page}.md").read_text(encoding="utf-8")
    if page == "kerasdl":
        for name in ("train", "evaluate", "find_lr", "set_random_seed", "load_model"):
            assert f"heading: kerasdl.{name}\n" in text, name
        return
    package = importlib.import_module(API_PAGES[page])
    source = "recipes" if page == "recipes" else API_PAGES[page]
    assert f"::: {source}\n" in text
    # names the static reference cannot see (loaded on first use) are documented by hand
    for name in getattr(package, "_LAZY", {}):
        assert name in text and name in package.__all__, name


def test_griffe_extension_renders_flush_examples_as_the_examples_section():
    pytest.importorskip("griffe")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "griffe_doctest_examples", ROOT / "docs" / "_ext" / "griffe_doctest_examples.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    doc = ("Summary; see :func:`kerasdl.train` and :class:`~kerasdl.data.Dataset`::\n\n"
           "    code\n\nExample:\n\n>>> x = [[1]]\n>>> x[0][0]\n1\n\nReturns:\n    A thing.")
    assert ext.drop_roles(ext.indent_examples(doc)) == (
        "Summary; see `kerasdl.train` and `kerasdl.data.Dataset`:\n\n    code\n\n"
        "Example:\n\n    >>> x = [[1]]\n    >>> x[0][0]\n    1\n\nReturns:\n    A thing.")
