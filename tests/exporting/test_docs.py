"""Every python example in docs/export.md runs (in order, in a fresh folder) and prints
what the page says."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_docs_runner",
                                               ROOT / "tests" / "tuning" / "_docs_runner.py")
runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runner)


# the page's examples, as the other pages' (heavy_docs: the TensorFlow run in CI, where every
# format is written); each backend's formats are tested on that backend in test_export.py
@pytest.mark.heavy_docs
def test_page_examples_run_and_print_the_documented_values(tmp_path, monkeypatch, backend):
    monkeypatch.chdir(tmp_path)

    def skip(code):  # the page's table: which backend writes which format
        if backend == "torch":
            return "saved_model" in code or "tflite" in code
        return backend == "jax" and "onnx" in code and not _has_jax2onnx()

    ran = runner.run_page(ROOT / "docs" / "export.md", skip=skip)
    assert ran == {"tensorflow": 4, "jax": 4 if _has_jax2onnx() else 3, "torch": 2}[backend]


def _has_jax2onnx():
    return importlib.util.find_spec("jax2onnx") is not None
