"""Every python example of docs/augmentation.md and docs/migrating_from_imagedatagenerator.md
runs; the printed lines the pages promise appear."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["augmentation.md", "migrating_from_imagedatagenerator.md"]

# the page's examples test the page, not the backend: run once (the TensorFlow run in CI)
pytestmark = pytest.mark.heavy_docs


def blocks(page):
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), flags=re.S)


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run_in_order(page, tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    out = io.StringIO()
    for code in blocks(page):
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{page}", "exec"), namespace)  # noqa: S102
    printed = out.getvalue()
    if page == "migrating_from_imagedatagenerator.md":
        for line in ("(9, 32, 32, 3) (9,)", "{'cats': 0, 'dogs': 1} 2",
                     "{'cat': 0, 'indoor': 1, 'outdoor': 2}", "[1.0, 1.0, 0.0]",
                     "[1.0, 2.0, 3.0, 4.0]", "[0, 1, 2, 3]", "True"):
            assert line in printed, line
    else:
        assert "refused: True" in printed
