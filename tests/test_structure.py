"""The shape of the house, read from the source with ``ast`` (nothing is imported or run).

- no function body over 80 lines of code (the docstring excluded);
- no import of another kerasdl package's ``_private`` module (packages offer each other what
  their ``__init__`` exports, or a documented ``internal`` module);
- private Keras (``keras.src``) only in ``kerasdl/_keras_compat.py``;
- no import cycle between kerasdl's packages (module-level and function-level imports);
- no module under ``kerasdl/training`` imports ``kerasdl.reports`` (the run folder is written
  from training's result, by ``kerasdl.workflow``).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_BODY_LINES = 80
# Checks that fail today in files other branches own (check, file); the coordinator removes
# an entry once that branch is merged.
OTHER_BRANCHES_XFAIL = set()
# ``kerasdl.training.train`` names ``kerasdl.workflow.train`` (pinned: ``kerasdl.train is
# kerasdl.training.train``); the composed run lives above training, so this one re-export
# from the training package's face runs upwards. It is loaded on first use.
ALLOWED_UPWARD = {("kerasdl/training/__init__.py", "kerasdl.workflow")}


def _source_files():
    files = sorted((ROOT / "kerasdl").rglob("*.py")) + sorted((ROOT / "recipes").rglob("*.py"))
    return [p for p in files if "__pycache__" not in p.parts]


def _rel(path):
    return path.relative_to(ROOT).as_posix()


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "recipes":  # installed as kerasdl.recipes
        parts = ["kerasdl"] + parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package(module):
    """The kerasdl package a module belongs to ("training", "data"...; "" for kerasdl)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path):
    """Every module an import statement in ``path`` names (at any depth), as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(target)
            # `from kerasdl.data import _dataset` names the module kerasdl.data._dataset
            found += [f"{target}.{alias.name}" for alias in node.names
                      if _is_module(f"{target}.{alias.name}")]
    return found


def _is_module(dotted):
    parts = dotted.split(".")
    if parts[0] != "kerasdl":
        return False
    rel = Path(*(["recipes"] + parts[2:] if parts[1:2] == ["recipes"] else parts))
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _per_file(kind):
    """Parametrize a check over the source files; xfail (not strict) where another branch
    still has to mend the file (``OTHER_BRANCHES_XFAIL``)."""
    def decorate(check):
        params = []
        for path in _source_files():
            rel = _rel(path)
            marks = ([pytest.mark.xfail(strict=False,
                                        reason="owned by another branch; coordinator removes")]
                     if (kind, rel) in OTHER_BRANCHES_XFAIL else [])
            params.append(pytest.param(path, id=rel, marks=marks))
        return pytest.mark.parametrize("path", params)(check)
    return decorate


def body_lines(node):
    """Lines of code of a function body, its docstring excluded."""
    body = node.body
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def long_functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.name, body_lines(node)) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and body_lines(node) > MAX_BODY_LINES]


def private_imports(path):
    """Imports of another kerasdl package's ``_private`` modules from ``path``."""
    own = _package(_module_name(path))
    bad = []
    for target in _imports(path):
        parts = target.split(".")
        if parts[0] != "kerasdl" or len(parts) < 3 or not _is_module(target):
            continue
        other = parts[1]
        if other != own and not other.startswith("_") and \
                any(p.startswith("_") for p in parts[2:]):
            bad.append(target)
    return bad


@_per_file("long_functions")
def test_no_function_body_over_80_lines(path):
    assert long_functions(path) == []


@_per_file("private_imports")
def test_no_import_of_another_packages_private_module(path):
    assert private_imports(path) == []


def test_private_keras_only_in_the_compat_module():
    users = sorted(_rel(p) for p in _source_files()
                   if any(t == "keras.src" or t.startswith("keras.src.") for t in _imports(p)))
    assert users == ["kerasdl/_keras_compat.py"]


def test_training_never_imports_reports():
    offenders = sorted(_rel(p) for p in (ROOT / "kerasdl" / "training").rglob("*.py")
                       if any(t == "kerasdl.reports" or t.startswith("kerasdl.reports.")
                              for t in _imports(p)))
    assert offenders == []


def package_graph():
    """``{package: {packages it imports}}`` over kerasdl's packages and top-level modules."""
    graph = {}
    for path in _source_files():
        source = _package(_module_name(path))
        for target in _imports(path):
            if not target.startswith("kerasdl.") or (_rel(path), target) in ALLOWED_UPWARD:
                continue
            dest = _package(target)
            if dest and source and dest != source:
                graph.setdefault(source, set()).add(dest)
    return graph


def find_cycle(graph):
    """One cycle of ``graph`` as a list of nodes, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_import_cycle_between_packages():
    assert find_cycle(package_graph()) is None


def test_the_checks_catch_what_they_look_for():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    func = ast.parse("def f():\n    '''doc\n    more'''\n" + "    x = 1\n" * 81).body[0]
    assert body_lines(func) == 81
    path = ROOT / "kerasdl" / "training" / "_feed.py"
    assert _module_name(path) == "kerasdl.training._feed" and _package("kerasdl.data") == "data"
    assert "kerasdl.training._data" in _imports(path)
