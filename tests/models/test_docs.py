"""Every python example in docs/models.md and docs/perceptron.md runs and prints what the
page says (each ``print(...)  # expected`` comment is checked)."""

import contextlib
import io
import re
from pathlib import Path

import pytest

from kerasdl.layers import _registry as layer_registry
from kerasdl.models import _registry as model_registry

# the page's examples test the page, not the backend: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.heavy_docs

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ("models.md", "perceptron.md")


def blocks(page):
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), flags=re.S)


def run_block(page, index):
    code = blocks(page)[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{page}[block {index}]", "exec"), {"__name__": "__doc_example__"})
    printed = out.getvalue()
    checked = 0
    for line in code.splitlines():
        m = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
        if m:
            assert m.group(1).strip() in printed, (m.group(1), printed)
            checked += 1
    return printed, checked


@pytest.fixture
def clean_registries():
    """Doc examples register builders and layers; restore both registries afterwards."""
    models, layers = dict(model_registry._MODELS), dict(layer_registry._LAYERS)
    yield
    model_registry._MODELS.clear()
    model_registry._MODELS.update(models)
    layer_registry._LAYERS.clear()
    layer_registry._LAYERS.update(layers)


def test_pages_have_examples():
    assert len(blocks("models.md")) >= 8
    assert len(blocks("perceptron.md")) >= 5


CASES = [(page, i) for page in PAGES for i in range(len(blocks(page)))]


@pytest.mark.parametrize("page,index", CASES, ids=[f"{p}-{i}" for p, i in CASES])
def test_example_runs_and_prints_the_documented_values(page, index, seed, clean_registries):
    printed, checked = run_block(page, index)
    assert printed.strip(), "every example prints something"
    code = blocks(page)[index]
    for marker, expected in EXTRA.items():
        if marker in code:
            for text in expected:
                assert text in printed, (text, printed)


# Output the pages state in prose (not in a "# expected" comment) is checked here.
EXTRA = {
    'gates = {"AND"': ["AND 1.0 [0.0, 0.0, 0.0, 1.0]", "OR 1.0 [0.0, 1.0, 1.0, 1.0]",
                       "NAND 1.0 [1.0, 1.0, 1.0, 0.0]"],
    "cnn(784": ["`input_shape` for a CNN must be (height, width, channels); received the flat "
                "shape (784,). Reshape the images first, e.g. for 28x28 grayscale "
                "x.reshape(-1, 28, 28, 1) and input_shape=(28, 28, 1), or use mlp for "
                "vectors."],
}
