"""Run a docs page's python examples in order, in one namespace, checking printed values."""

import contextlib
import io
import re


def blocks(page):
    return re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)


def run_page(page, *, skip=lambda code: False):
    """Run every block of ``page`` (skipping those ``skip(code)`` is true for); each
    ``print(...)   # value`` comment must appear in the block's output (``# e.g.`` ones
    are illustrations). Returns the number of blocks run."""
    namespace, ran = {}, 0
    for index, code in enumerate(blocks(page)):
        if skip(code):
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{page.name}[block {index}]", "exec"), namespace)
        ran += 1
        printed = out.getvalue()
        for line in code.splitlines():
            m = re.match(r"\s*print\(.*\)\s+# (.+)$", line)
            if m and not m.group(1).startswith("e.g."):
                assert m.group(1).strip() in printed, (index, m.group(1), printed)
    return ran
