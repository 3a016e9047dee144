"""Griffe extension for the API reference: render kerasdl's doctest examples as code.

kerasdl's docstrings (Keras style) write their examples flush with the section title::

    Example:

    >>> s = StepDecay(0.1, step_size=10, gamma=0.5)

The Google-style parser only reads an indented block as the section's content, so without
this extension the ``>>>`` lines would be rendered as Markdown text (nested block quotes,
``x[0][1]`` taken for a reference link). The extension indents the lines that follow an
``Example:``/``Examples:`` title, up to the next section title, when the docstring is loaded.
It also shows Sphinx roles (``:func:`kerasdl.train```) as code instead of raw text. The
source files stay as they are (the doctests run from them).
"""

import re

import griffe

_TITLE = re.compile(r"^Examples?( \(.*\))?:\s*$")  # "Example (XOR):" too
_NEXT_SECTION = re.compile(r"^[A-Z][A-Za-z ]*:\s*$")
_LITERAL = re.compile(r"\s*::$", re.M)
_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj):`~?([^`]+)`")


def indent_examples(text):
    """Return ``text`` with the block under each flush ``Example(s):`` title indented."""
    out, inside = [], False
    for line in text.splitlines():
        if _TITLE.match(line):
            inside = True
            out.append(line)
            continue
        if inside and _NEXT_SECTION.match(line):
            inside = False
        if inside and line and not line.startswith(" "):
            line = "    " + line
        out.append(line)
    return "\n".join(out)


def drop_roles(text):
    """``:func:`kerasdl.train``` -> ```kerasdl.train``` (Markdown code); a paragraph ending
    in ``::`` (reStructuredText's "literal block follows") ends in ``:``."""
    return _LITERAL.sub(":", _ROLE.sub(r"`\1`", text))


class DoctestExamples(griffe.Extension):
    """Indent flush doctest examples; show Sphinx roles as code."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = drop_roles(indent_examples(obj.docstring.value))
