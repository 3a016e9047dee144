"""Every python example in docs/training.md runs, in order, in one namespace (as a reader
pastes them); the resume / overwrite example prints what the page says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "training.md"


@pytest.mark.heavy_docs
def test_training_page_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert len(blocks) >= 8
    namespace = {"__name__": "__doc_example__"}
    outputs = []
    for i, code in enumerate(blocks):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"training.md[block {i}]", "exec"), namespace)
        outputs.append((code, out.getvalue()))
    (code, printed), = [(c, p) for c, p in outputs if "overwrite=True" in c]
    assert printed.splitlines()[-1] == "2 1"
    assert namespace["again"].extras["resumed_from"]["epoch"] == 2
