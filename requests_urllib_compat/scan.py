"""The ``check`` command: where does code use urllib.request, and will it run on this package?

Files are parsed with :mod:`ast` (never matched with regular expressions), and names are
followed through the ways code binds them: ``import urllib.request``, ``import urllib.request as
u``, ``from urllib.request import urlopen as fetch``, ``from urllib import request``,
``six.moves``/``future.moves`` spellings, Python 2's ``urllib2``.  Each use is looked up in
:mod:`.catalog`.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from . import catalog
from ._cli_common import Progress, python_files, syntax_error_text
from .catalog import Entry

__all__ = ["Report", "Use", "check", "scan_file", "scan_source"]

Kind = Literal["import", "call", "reference", "subclass", "hook"]

STATUS_TEXT = {
    "supported": "supported",
    "difference": "supported with a documented difference",
    "unsupported": "not supported",
}

_VIA = ("six.moves.", "future.moves.")
_BINDS_PACKAGE = frozenset({"urllib", "urllib2", "six", "future"})
# What classify() calls a module (rather than a name in it).
_MODULE_NAMES = frozenset(
    f"{via}{module}" for via in ("", *_VIA)
    for module in ("urllib", "urllib.request", "urllib.error", "urllib2")
)


@dataclasses.dataclass(frozen=True)
class Use:
    path: str
    line: int
    column: int
    kind: Kind
    name: str
    entry: Entry

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "kind": self.kind,
                "name": self.name, "status": self.entry.status, "note": self.entry.note,
                "reference": self.entry.reference}


@dataclasses.dataclass
class Report:
    files: int = 0
    uses: list[Use] = dataclasses.field(default_factory=list)
    errors: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(use.entry.status for use in self.uses)

    def as_json(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "files_scanned": self.files,
            "files_with_uses": len({use.path for use in self.uses}),
            "uses": [use.as_json() for use in self.uses],
            "errors": [{"path": path, "error": error} for path, error in self.errors],
            "summary": {status: counts.get(status, 0) for status in STATUS_TEXT},
        }


def classify(dotted: str) -> tuple[str, Entry] | None:
    """``(display name, entry)`` for a fully qualified name, or None if it is not ours to judge."""
    via = next((prefix[:-1] for prefix in _VIA if dotted.startswith(prefix)), None)
    name = dotted[len(via) + 1:] if via else dotted
    parts = name.split(".")
    if parts[0] == "urllib" and len(parts) >= 2 and parts[1] in ("request", "error"):
        module = f"urllib.{parts[1]}"
        if len(parts) == 2:
            entry = catalog.lookup_module(f"{via}.urllib" if via else module)
            return dotted, entry
        entry = catalog.lookup_name(module, parts[2])
        display = f"{via + '.' if via else ''}{module}.{parts[2]}"
        if via:
            moved = catalog.lookup_module(f"{via}.urllib")
            status = "difference" if entry.status == "supported" else entry.status
            entry = Entry(status, f"{entry.note}; {moved.note}", entry.section)
        return display, entry
    if name == "urllib" and via:
        return dotted, catalog.lookup_module(f"{via}.urllib")
    if parts[0] == "urllib2" and not via:
        if len(parts) == 1:
            return "urllib2", catalog.lookup_module("urllib2")
        py3 = "urllib.error" if parts[1] in ("URLError", "HTTPError") else "urllib.request"
        return f"urllib2.{parts[1]}", Entry(
            "unsupported", f"Python 2: it is {py3}.{parts[1]} in Python 3 "
            f"({STATUS_TEXT[catalog.lookup_name(py3, parts[1]).status]} there)")
    if parts[0] == "urllib" and len(parts) >= 2 and parts[1] in catalog.PY2_URLLIB and not via:
        return f"urllib.{parts[1]}", Entry(
            "unsupported", f"Python 2's urllib.{parts[1]}: it is urllib.request.{parts[1]} in "
            "Python 3")
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.aliases: dict[str, str] = {}  # local name -> fully qualified name
        self.handler_classes: set[str] = set()  # local classes derived from urllib's
        self.uses: list[Use] = []

    # -- helpers ---------------------------------------------------------------------------

    def add(self, node: ast.AST, kind: Kind, name: str, entry: Entry) -> None:
        line, column = getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1
        self.uses.append(Use(self.path, line, column, kind, name, entry))

    def qualified(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


    # -- imports ---------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                if top in _BINDS_PACKAGE:
                    self.aliases[top] = top
            found = classify(alias.name)
            if found is not None:
                self.add(node, "import", *found)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name == "*":
                found = classify(node.module)
                if found is not None:
                    display, entry = found
                    self.add(node, "import", f"{display}.*", entry)
                continue
            dotted = f"{node.module}.{alias.name}"
            self.aliases[alias.asname or alias.name] = dotted
            found = classify(dotted)
            if found is not None:
                self.add(node, "import", *found)

    # -- uses ------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        found = self.name_use(node.func)
        if found is None:
            self.generic_visit(node)
            return
        self.add(node, "call", *found)
        for child in [*node.args, *node.keywords]:
            self.visit(child)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        found = self.name_use(node)
        if found is None:
            self.generic_visit(node)
        else:
            self.add(node, "reference", *found)

    def visit_Name(self, node: ast.Name) -> None:
        found = self.name_use(node)
        if found is not None:
            self.add(node, "reference", *found)

    def name_use(self, node: ast.expr) -> tuple[str, Entry] | None:
        """A use of a name in one of the modules (not of a module object itself)."""
        dotted = self.qualified(node)
        found = classify(dotted) if dotted is not None else None
        if found is None or found[0] in _MODULE_NAMES:
            return None
        return found

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        derived = False
        for base in node.bases:
            found = self.name_use(base)
            if found is not None:
                derived = True
                self.add(base, "subclass", f"{node.name}({found[0]})", found[1])
            elif isinstance(base, ast.Name) and base.id in self.handler_classes:
                derived = True
            else:
                self.visit(base)
        for child in [*node.decorator_list, *node.keywords]:
            self.visit(child)
        if derived:
            self.handler_classes.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    entry = catalog.lookup_hook(item.name)
                    if entry is not None:
                        self.add(item, "hook", f"{node.name}.{item.name}", entry)
        for item in node.body:
            self.visit(item)


def scan_source(source: str | bytes, path: str = "<string>") -> list[Use]:
    """The uses in one module's source; raises SyntaxError/ValueError if it does not parse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes etc. are not this report's business
        tree = ast.parse(source, filename=path)
    scanner = _Scanner(path)
    scanner.visit(tree)
    return sorted(scanner.uses, key=lambda use: (use.line, use.column))


def scan_file(path: Path) -> list[Use]:
    return scan_source(path.read_bytes(), str(path))


def scan(paths: Iterable[Path], progress: Progress | None = None) -> Report:
    report = Report()
    for done, path in enumerate(paths, 1):
        report.files += 1
        try:
            report.uses.extend(scan_file(path))
        except SyntaxError as exc:
            report.errors.append((str(path), syntax_error_text(exc)))
        except (ValueError, RecursionError) as exc:  # null bytes, undecodable, too deep
            report.errors.append((str(path), f"cannot parse: {exc}"))
        except OSError as exc:
            report.errors.append((str(path), f"cannot read: {exc.strerror or exc}"))
        if progress is not None:
            progress.update(done)
    return report


def format_text(report: Report) -> str:
    lines = []
    for use in report.uses:
        entry = use.entry
        line = f"{use.path}:{use.line}:{use.column}: {use.kind} {use.name}: " \
               f"{STATUS_TEXT[entry.status]}"
        if entry.note:
            line += f" - {entry.note}"
        if entry.reference:
            line += f" (see {entry.reference})"
        lines.append(line)
    counts = report.counts()
    with_uses = len({use.path for use in report.uses})
    if lines:
        lines.append("")
    summary = f"{report.files} file{'s' if report.files != 1 else ''} scanned, " \
              f"{with_uses} of them use urllib"
    if report.errors:
        summary += f", {len(report.errors)} could not be parsed or read"
    lines.append(summary + ".")
    lines.append(f"{len(report.uses)} use{'s' if len(report.uses) != 1 else ''}: "
                 f"{counts['supported']} supported, "
                 f"{counts['difference']} supported with a documented difference, "
                 f"{counts['unsupported']} not supported.")
    return "\n".join(lines)


def check(paths: Sequence[str], output_format: str = "text", strict: bool = False) -> int:
    """Print the report; 1 if a file could not be parsed (or, with ``strict``, a use is
    unsupported), else 0."""
    files = python_files(paths)
    progress = Progress(len(files), "check: scanned")
    try:
        report = scan(files, progress)
    finally:
        progress.close()
    for path, error in report.errors:
        print(f"{path}: {error}", file=sys.stderr)
    if output_format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_text(report))
    if report.errors:
        return 1
    if strict and report.counts()["unsupported"]:
        return 1
    return 0
