"""Every python example in docs/tuning.md runs (in order, in a fresh folder) and prints
what the page says."""

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_docs_runner", HERE / "_docs_runner.py")
runner = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runner)


@pytest.mark.heavy_docs
def test_page_examples_run_and_print_the_documented_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.run_page(HERE.parents[1] / "docs" / "tuning.md") == 3
