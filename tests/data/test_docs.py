"""Every python example in docs/data.md runs offline and prints what the page says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "data.md"

# the page's examples test the page, not the backend: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.heavy_docs


def _blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_page_has_examples():
    assert len(_blocks()) >= 8


@pytest.mark.parametrize("index", range(len(_blocks())))
def test_example_runs_and_prints_the_documented_values(index, seed):
    code = _blocks()[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{DOC.name}[block {index}]", "exec"), {})
    printed = out.getvalue()
    # Each "print(...)   # expected" comment on a line with a single print is checked.
    for line in code.splitlines():
        m = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
        if m and not m.group(1).startswith(("one-hot", "e.g.", "[0, 1, 2, 3] /", "True:",
                                            "(13,)", "float32 int64")):
            assert m.group(1).strip() in printed, (m.group(1), printed)


@pytest.mark.parametrize("module", ["_split", "_prepare", "_files", "_load", "_sources",
                                    "_sequence"])
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"kerasdl.data.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
