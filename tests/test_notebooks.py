"""The notebooks in docs/notebooks run top to bottom (in a Jupyter kernel, as on Colab) and
print what they teach; the committed files are clean and open in Colab.

Each notebook runs with ``KERASDL_NOTEBOOK_FAST=1``: tiny models, one or two epochs, the
embedded digits instead of MNIST. The kernel runs in a temporary folder (the notebooks write
their run folders under ``runs/``), on the backend of the test run (``KERAS_BACKEND``).
"""

import json
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy_docs

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "docs" / "notebooks"
COLAB = "https://colab.research.google.com/github/kerasdl/kerasdl/blob/main/docs/notebooks/"

# What each notebook must print (exact substrings of its stdout).
EXPECTED = {
    "quickstart": [
        "{'and': 1.0, 'or': 1.0, 'nand': 1.0}",
        "same predictions after loading: True",
    ],
    "perceptron_xor": [
        "and   accuracy 1.00", "or    accuracy 1.00", "nand  accuracy 1.00",
        "perceptron on XOR: accuracy 0.50",   # a single line gets at most 3 of the 4 rows
        "MLP on XOR: accuracy 1.00",
        "predicted classes: [0, 1, 1, 0]",
    ],
    "mnist_cnn_augmentation": [
        "using the embedded digits",
        "digits (8, 8, 1)",
    ],
    "custom_layers": [
        "['Dense', 'ResidualDense', 'ResidualDense', 'Dense']",
        "same predictions after loading: True",
        "Layer `Scale` cannot be saved: it does not define `get_config()`",
    ],
}
# Figures each notebook must display (``%matplotlib inline``: image/png outputs), at least.
MIN_IMAGES = {"quickstart": 1, "perceptron_xor": 2, "mnist_cnn_augmentation": 3,
              "custom_layers": 1}


def read(name):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_notebook_is_tested():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_is_committed_clean_and_opens_in_colab(name):
    nb = read(name)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), \
        "commit notebooks with their outputs cleared"
    assert f"({COLAB}{name}.ipynb)" in nb.cells[0].source
    install = code[0].source
    assert "import kerasdl" in install and "except ImportError" in install
    assert "%pip install -q kerasdl" in install
    assert 'os.environ.get("KERASDL_NOTEBOOK_FAST") == "1"' in code[1].source


def run_notebook(name, cwd):
    nb = read(name)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def outputs(nb):
    text, images = [], 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                text.append(out.text)
            elif out.output_type in ("display_data", "execute_result"):
                images += "image/png" in out.data
    return "".join(text), images


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERASDL_NOTEBOOK_FAST", "1")
    nb, seconds = run_notebook(name, tmp_path)        # raises CellExecutionError on any error
    printed, images = outputs(nb)
    for expected in EXPECTED[name]:
        assert expected in printed, (expected, printed)
    assert images >= MIN_IMAGES[name], (images, printed)
    if name in ("quickstart", "mnist_cnn_augmentation", "custom_layers"):
        accuracy = float(re.search(r"test accuracy: ([0-9.]+)", printed).group(1))
        assert 0.0 <= accuracy <= 1.0
        runs = sorted(p.name for p in (tmp_path / "runs").iterdir())
        assert runs, "the notebook writes its run folders under runs/"
        for run in runs:
            assert json.loads((tmp_path / "runs" / run / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\n{name}.ipynb ran in {seconds:.1f} s")
