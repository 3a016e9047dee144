"""Every python example in docs/export.md runs (in order, in a fresh folder) and prints what the
page says."""

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_page_examples_run_and_print_the_documented_values(tmp_path, monkeypatch, backend):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    blocks = _blocks()
    assert len(blocks) >= 3
    for index, code in enumerate(blocks):
        if "exporting" == "exporting" and backend == "torch" and ("saved_model" in code or "tflite" in code):
            continue  # SavedModel/TFLite need the tensorflow or jax backend (see the page)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{DOC.name}[block {index}]", "exec"), namespace)
        printed = out.getvalue()
        for line in code.splitlines():
            m = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
            if m and not m.group(1).startswith("e.g."):
                assert m.group(1).strip() in printed, (index, m.group(1), printed)
