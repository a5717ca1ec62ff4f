"""A guard for the swap: the package's functions never look up a swapped name through
``urllib.request`` at run time (under the swap it is our own object: mixing, or a loop).
They use ``requests_urllib_compat._stdlib`` instead."""

from __future__ import annotations

import ast
from pathlib import Path

import requests_urllib_compat
from requests_urllib_compat.swap import REPLACEMENTS

PACKAGE = Path(requests_urllib_compat.__file__).parent
LEGACY_BY_DESIGN = {"_cli/demo/legacy_script.py"}  # legacy urllib code the demo runs under the swap


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes inside annotations (never evaluated: ``from __future__ import annotations``)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.AST | None] = []
        if isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None:
                skip.update(id(n) for n in ast.walk(annotation))
    return skip


def _runtime_lookups(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    skip = _annotation_nodes(tree)
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in REPLACEMENTS
                and id(node) not in skip
                and ast.unparse(node.value) == "urllib.request"
            ):
                found.append(f"{path.name}:{node.lineno}: urllib.request.{node.attr}")
    return found


def test_no_runtime_lookup_of_swapped_names() -> None:
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in LEGACY_BY_DESIGN
        for hit in _runtime_lookups(path)
    ]
    assert found == []
