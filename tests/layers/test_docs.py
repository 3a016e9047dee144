"""Every python example in docs/custom_layers.md runs and prints what the page says."""

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest

from kerasdl.layers import _registry as layer_registry

# the page's examples test the page, not the backend: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.heavy_docs

DOC = Path(__file__).resolve().parents[2] / "docs" / "custom_layers.md"


def blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.fixture
def sandbox(monkeypatch):
    """Restore the layer name table, sys.path and sys.modules after an example."""
    layers = dict(layer_registry._LAYERS)
    monkeypatch.setattr(sys, "path", list(sys.path))
    # the page writes its own `myblocks` module: another test's module of that name (same
    # worker process) must not shadow it, or `import myblocks` would register nothing
    previous = sys.modules.pop("myblocks", None)
    yield
    layer_registry._LAYERS.clear()
    layer_registry._LAYERS.update(layers)
    sys.modules.pop("myblocks", None)
    if previous is not None:
        sys.modules["myblocks"] = previous


def test_page_has_examples():
    assert len(blocks()) == 3


@pytest.mark.parametrize("index", range(len(blocks())))
def test_example_runs_and_prints_the_documented_values(index, sandbox, seed):
    code = blocks()[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{DOC.name}[block {index}]", "exec"), {"__name__": "__doc__"})
    printed = out.getvalue()
    assert printed.strip()
    for line in code.splitlines():
        m = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
        if m:
            assert m.group(1).strip() in printed, (m.group(1), printed)
    if "Scale(3.0)" in code:
        assert "Layer `Scale` cannot be saved: it does not define `get_config()`" in printed
        assert "config.update({'factor': self.factor})" in printed
