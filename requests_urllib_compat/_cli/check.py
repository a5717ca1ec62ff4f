"""The ``check`` command: where does code use urllib.request, and will it run on this package?

Files are parsed with :mod:`ast` (never matched with regular expressions), and names are
followed through the ways code binds them: ``import urllib.request``, ``import urllib.request as
u``, ``from urllib.request import urlopen as fetch``, ``from urllib import request``,
``six.moves``/``future.moves`` spellings, Python 2's ``urllib2``.  Each use is looked up in
:mod:`.catalog`.  Tests' patch targets naming those modules are reported too (they must follow a
migration), and so are this package's own imports, apart (the migration is over when none are
left).  A dead Python 2 fallback (``try: import urllib2 / except ImportError:``) and lines with
a ``# urllib-compat: ignore`` comment are not reported.
"""

from __future__ import annotations

import ast
import concurrent.futures
import dataclasses
import io
import json
import os
import re
import sys
import threading
import tokenize
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from . import catalog
from .catalog import Entry
from .common import Progress, python_files, syntax_error_text

__all__ = ["PRAGMA", "Report", "Use", "check", "scan_file", "scan_source"]

Kind = Literal["import", "call", "reference", "subclass", "hook", "patch"]

#: A comment that makes ``check`` skip the uses reported on its line.
PRAGMA = "urllib-compat: ignore"
_PRAGMA = re.compile(r"#.*\burllib-compat:\s*ignore\b")
PACKAGE = "requests_urllib_compat"
# Which files are worth parsing at all (a superset, never the report: that comes from the
# tree).  Every use is bound by an import statement naming urllib/urllib2/six/future/this
# package, or is a patch target string; a file mentioning urllib only in prose is not parsed.
_WORTH_PARSING = re.compile(
    rb"(?:^|[;:])[ \t]*(?:from|import)\b(?:[^\n#]|\\\r?\n)*"
    rb"\b(?:urllib2?|six|future|requests_urllib_compat)\b"
    rb"|['\"](?:urllib\.(?:request|error)|urllib2|requests_urllib_compat)\b",
    re.M,
)
#: Files with more candidates than this are parsed by a pool of processes.
_PARALLEL_MIN = 200
#: Deeply nested code (a long sum, a huge literal) is scanned again in a thread with this stack.
_DEEP_STACK = 256 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Calls that patch a name: ``mock.patch("a.b.c")``, ``mocker.patch``, ``monkeypatch.setattr(
# "a.b.c", v)`` take a dotted string; ``patch.object(obj, "c")``, ``monkeypatch.setattr(obj, "c",
# v)``, ``setattr(obj, "c", v)`` an object and an attribute name.
PATCH_BY_STRING = frozenset({"patch", "setattr", "delattr", "multiple"})
PATCH_BY_OBJECT = frozenset({"object", "setattr", "delattr"})

STATUS_TEXT = {
    "supported": "supported",
    "difference": "supported with a documented difference",
    "unsupported": "not supported",
}

_VIA = ("six.moves.", "future.moves.")
_BINDS_PACKAGE = frozenset({"urllib", "urllib2", "six", "future", PACKAGE})
# What classify() calls a module (rather than a name in it).
_MODULE_NAMES = frozenset(
    f"{via}{module}"
    for via in ("", *_VIA)
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
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "name": self.name,
            "status": self.entry.status,
            "note": self.entry.note,
            "reference": self.entry.reference,
        }


@dataclasses.dataclass
class Report:
    files: int = 0
    uses: list[Use] = dataclasses.field(default_factory=list)
    errors: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    #: imports of this package and patches of its names: the migration is over (and the
    #: package can go) when none are left
    compat_uses: list[Use] = dataclasses.field(default_factory=list)
    #: files scanned only in part, and why (nested too deeply for the parser)
    warnings: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(use.entry.status for use in self.uses)

    def as_json(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "files_scanned": self.files,
            "files_with_uses": len({use.path for use in self.uses}),
            "uses": [use.as_json() for use in self.uses],
            "errors": [{"path": path, "error": error} for path, error in self.errors],
            "warnings": [{"path": path, "warning": text} for path, text in self.warnings],
            "summary": {status: counts.get(status, 0) for status in STATUS_TEXT},
            "compat_uses": [
                {
                    "path": use.path,
                    "line": use.line,
                    "column": use.column,
                    "kind": use.kind,
                    "name": use.name,
                }
                for use in self.compat_uses
            ],
        }


def classify(dotted: str) -> tuple[str, Entry] | None:
    """``(display name, entry)`` for a fully qualified name, or None if it is not ours to judge."""
    via, name = _split_via(dotted)
    parts = name.split(".")
    if parts[0] == "urllib" and len(parts) >= 2 and parts[1] in ("request", "error"):
        return _classify_python3(dotted, via, f"urllib.{parts[1]}", parts[2:])
    if name == "urllib" and via:
        return dotted, catalog.lookup_module(f"{via}.urllib")
    if via:
        return None  # six.moves/future.moves spell only Python 3's names
    return _classify_python2(name)


def _split_via(dotted: str) -> tuple[str | None, str]:
    """``("six.moves", "urllib.request.urlopen")`` for ``six.moves.urllib.request.urlopen``;
    ``(None, dotted)`` for a name that is not under ``six.moves``/``future.moves``."""
    via = next((prefix[:-1] for prefix in _VIA if dotted.startswith(prefix)), None)
    return via, dotted[len(via) + 1 :] if via else dotted


def _classify_python3(
    dotted: str, via: str | None, module: str, rest: list[str]
) -> tuple[str, Entry]:
    """``urllib.request[.X...]``/``urllib.error[.X...]`` (``module``), maybe through ``via``
    (``six.moves``...): the module's entry, or that of its name ``X``."""
    if not rest:
        return dotted, catalog.lookup_module(f"{via}.urllib" if via else module)
    entry = catalog.lookup_name(module, rest[0])
    if via:
        moved = catalog.lookup_module(f"{via}.urllib")
        status = "difference" if entry.status == "supported" else entry.status
        return f"{via}.{module}.{rest[0]}", Entry(
            status, f"{entry.note}; {moved.note}", entry.section
        )
    if module == "urllib.request" and rest[0] in catalog.HELPERS:
        entry = Entry(
            entry.status,
            f"{entry.note}; a helper that does no HTTP: `migrate` "
            "leaves a module using only helpers on the stdlib",
            entry.section,
        )
    return f"{module}.{rest[0]}", entry


def _classify_python2(name: str) -> tuple[str, Entry] | None:
    """``urllib2[.X]`` and Python 2's ``urllib.X`` (``urllib.urlopen``...): unsupported, with
    where Python 3 has them."""
    parts = name.split(".")
    if parts[0] == "urllib2":
        if len(parts) == 1:
            return "urllib2", catalog.lookup_module("urllib2")
        py3 = "urllib.error" if parts[1] in ("URLError", "HTTPError") else "urllib.request"
        return f"urllib2.{parts[1]}", Entry(
            "unsupported",
            f"Python 2: it is {py3}.{parts[1]} in Python 3 "
            f"({STATUS_TEXT[catalog.lookup_name(py3, parts[1]).status]} there)",
        )
    if _python2_only(name):
        return f"urllib.{parts[1]}", Entry(
            "unsupported",
            f"Python 2's urllib.{parts[1]}: it is urllib.request.{parts[1]} in Python 3",
        )
    return None


_COMPAT = Entry("supported", "this package: the migration is over when none are left")


def _python2_only(dotted: str) -> bool:
    """``urllib2...``, ``urllib.urlopen``...: names that exist only on Python 2."""
    parts = dotted.split(".")
    return parts[0] == "urllib2" or (
        parts[0] == "urllib" and len(parts) >= 2 and parts[1] in catalog.PY2_URLLIB
    )


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(kind, ast.Name) and kind.id in _IMPORT_ERRORS)
        or (isinstance(kind, ast.Attribute) and kind.attr in _IMPORT_ERRORS)
        for kind in types
    )


def _called_name(func: ast.expr) -> str | None:
    """``patch`` for ``patch(...)`` and ``mock.patch(...)``; None for ``f()(...)``..."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _string(node: ast.expr) -> str | None:
    """The value of a string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_patch_object(func: ast.expr) -> bool:
    """``patch.object`` or ``mock.patch.object`` (not some other ``object`` attribute)."""
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    return (isinstance(owner, ast.Name) and owner.id == "patch") or (
        isinstance(owner, ast.Attribute) and owner.attr == "patch"
    )


def _patch_note(target: str) -> str:
    module, _, name = target.rpartition(".")
    first = name.split(".")[0]
    if module == "urllib.request" and first in catalog.HELPERS:
        return (
            f"patched here; {first} is a helper: `migrate` leaves it on urllib.request in "
            "modules that do no HTTP (patch where the code under test looks it up)"
        )
    ours = target.replace("urllib.", f"{PACKAGE}.", 1)
    return (
        f"patched here: migrated code looks it up as {ours}, where `migrate` retargets this patch"
    )


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.aliases: dict[str, str] = {}  # local name -> fully qualified name
        self.handler_classes: set[str] = set()  # local classes derived from urllib's
        self.uses: list[Use] = []
        self.compat_uses: list[Use] = []
        self.fallback = 0  # > 0 inside a ``try`` (or its handler) that catches ImportError

    # -- helpers ---------------------------------------------------------------------------

    def add(self, node: ast.AST, kind: Kind, name: str, entry: Entry) -> None:
        line, column = getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1
        self.uses.append(Use(self.path, line, column, kind, name, entry))

    def add_compat(self, node: ast.AST, kind: Kind, name: str) -> None:
        line, column = getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1
        self.compat_uses.append(Use(self.path, line, column, kind, name, _COMPAT))

    def qualified(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def dead_python2_import(self, dotted: str) -> bool:
        """``try: from urllib import urlopen / except ImportError: ...``: the Python 2 branch
        of a fallback never runs on Python 3 (and binds nothing there)."""
        return self.fallback > 0 and _python2_only(dotted)

    # -- imports ---------------------------------------------------------------------------

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(handler) for handler in node.handlers)
        self.fallback += guarded
        for child in [*node.body, *node.handlers]:
            self.visit(child)
        self.fallback -= guarded
        for child in [*node.orelse, *node.finalbody]:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self.dead_python2_import(alias.name):
                continue
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                if top in _BINDS_PACKAGE:
                    self.aliases[top] = top
            if alias.name.split(".")[0] == PACKAGE:
                self.add_compat(node, "import", alias.name)
            found = classify(alias.name)
            if found is not None:
                self.add(node, "import", *found)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        ours = node.module.split(".")[0] == PACKAGE
        for alias in node.names:
            if alias.name == "*":
                if ours:
                    self.add_compat(node, "import", f"{node.module}.*")
                found = classify(node.module)
                if found is not None:
                    display, entry = found
                    self.add(node, "import", f"{display}.*", entry)
                continue
            dotted = f"{node.module}.{alias.name}"
            if self.dead_python2_import(dotted):
                continue
            self.aliases[alias.asname or alias.name] = dotted
            if ours:
                self.add_compat(node, "import", dotted)
            found = classify(dotted)
            if found is not None:
                self.add(node, "import", *found)

    # -- uses ------------------------------------------------------------------------------

    def patch_target(self, node: ast.Call) -> str | None:
        """The dotted name a ``mock.patch``/``monkeypatch.setattr``-like call replaces."""
        name = _called_name(node.func)
        if name is None or not node.args:
            return None
        target = _string(node.args[0])
        if (
            target is not None
            and name in PATCH_BY_STRING
            and (name == "patch" or isinstance(node.func, ast.Attribute))
        ):
            return target
        return self.patched_attribute(name, node)

    def patched_attribute(self, name: str, node: ast.Call) -> str | None:
        """``patch.object(obj, "c")``, ``setattr(obj, "c", v)``...: ``obj``'s dotted name and
        ``c``, when ``obj`` is one of the modules."""
        attribute = _string(node.args[1]) if len(node.args) >= 2 else None
        if (
            name not in PATCH_BY_OBJECT
            or attribute is None
            or (name == "object" and not _is_patch_object(node.func))
        ):
            return None
        base = self.qualified(node.args[0])
        return f"{base}.{attribute}" if base else None

    def visit_Call(self, node: ast.Call) -> None:
        target = self.patch_target(node)
        if target is not None:
            if target.split(".")[0] == PACKAGE:
                self.add_compat(node, "patch", target)
            found = classify(target)
            if found is not None:
                display, entry = found
                if entry.status != "unsupported" and display not in _MODULE_NAMES:
                    entry = Entry("difference", _patch_note(display), entry.section)
                self.add(node, "patch", display, entry)
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


def _pragma_lines(source: str | bytes) -> set[int]:
    """The lines with a ``# urllib-compat: ignore`` comment (tokenized: never a string)."""
    data = source if isinstance(source, bytes) else source.encode()
    if PRAGMA.encode() not in data:
        return set()
    lines = set()
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.COMMENT and _PRAGMA.match(token.string):
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        pass  # it parsed: what was tokenized before the problem counts
    return lines


def _scan_tree(source: str | bytes, path: str) -> tuple[list[Use], list[Use]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes etc. are not this report's business
        tree = ast.parse(source, filename=path)
    scanner = _Scanner(path)
    scanner.visit(tree)
    return scanner.uses, scanner.compat_uses


def _in_deep_thread(source: str | bytes, path: str) -> tuple[list[Use], list[Use]]:
    """:func:`_scan_tree` in a thread with a big stack and a high recursion limit: a valid
    module nested deeper than the default limit (sympy's generated tables) is scanned too."""
    results: list[tuple[list[Use], list[Use]]] = []
    errors: list[BaseException] = []

    def run() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, _DEEP_RECURSION_LIMIT))
        try:
            results.append(_scan_tree(source, path))
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)
        finally:
            sys.setrecursionlimit(limit)

    try:
        previous = threading.stack_size(_DEEP_STACK)
    except (ValueError, RuntimeError):  # the platform refuses: the default stack it is
        previous = None
    try:
        thread = threading.Thread(target=run, name="check-deeply-nested")
        thread.start()
    except RuntimeError:  # no memory for such a stack: reported as too deep
        raise RecursionError("no thread with a stack big enough") from None
    finally:
        if previous is not None:
            threading.stack_size(previous)
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def scan_all(source: str | bytes, path: str = "<string>") -> tuple[list[Use], list[Use]]:
    """``(urllib uses, uses of this package)`` in one module's source, without the uses on a
    line carrying the pragma; raises SyntaxError/ValueError if it does not parse, RecursionError
    if it is nested too deeply even for a big stack."""
    try:
        uses, compat_uses = _scan_tree(source, path)
    except RecursionError:
        uses, compat_uses = _in_deep_thread(source, path)
    ignored = _pragma_lines(source)

    def kept(found: list[Use]) -> list[Use]:
        return sorted(
            (use for use in found if use.line not in ignored),
            key=lambda use: (use.line, use.column),
        )

    return kept(uses), kept(compat_uses)


def scan_source(source: str | bytes, path: str = "<string>") -> list[Use]:
    """The urllib uses in one module's source; raises SyntaxError/ValueError if it does not
    parse."""
    return scan_all(source, path)[0]


def scan_file(path: Path) -> list[Use]:
    return scan_source(path.read_bytes(), str(path))


# (uses, compat uses, error, warning) for one file: what a worker process sends back
_Result = tuple[list[Use], list[Use], "str | None", "str | None"]


def _scan_one(path: str, source: bytes) -> _Result:
    try:
        uses, compat_uses = scan_all(source, path)
    except SyntaxError as exc:
        return [], [], syntax_error_text(exc), None
    except RecursionError:
        return [], [], None, "nested too deeply for this Python's parser: not scanned"
    except ValueError as exc:  # null bytes, undecodable
        return [], [], f"cannot parse: {exc}", None
    return uses, compat_uses, None, None


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _scan_many(pending: list[tuple[str, bytes]]) -> Iterator[_Result]:
    """Serially, or in a pool of processes when there are many files and more than one core
    (parsing is CPU-bound: threads would not help); in order, as they come."""
    done = 0
    workers = min(_workers(), 8)
    if workers > 1 and len(pending) >= _PARALLEL_MIN:
        chunk = max(1, min(32, len(pending) // (workers * 4)))
        try:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
                for result in pool.map(_scan_one, *zip(*pending), chunksize=chunk):
                    done += 1
                    yield result
            return
        except (
            OSError,
            ImportError,
            NotImplementedError,
            concurrent.futures.process.BrokenProcessPool,
        ):
            pass  # no working multiprocessing here: the rest on this core
    for path, source in pending[done:]:
        yield _scan_one(path, source)


def scan(paths: Iterable[Path], progress: Progress | None = None) -> Report:
    """Files that never mention ``urllib`` are not parsed (they cannot use it, nor this
    package); the others are parsed on all cores."""
    report = Report()
    pending: list[tuple[str, bytes]] = []
    order: dict[str, int] = {}
    for path in paths:
        order[str(path)] = report.files
        report.files += 1
        try:
            source = path.read_bytes()
        except OSError as exc:
            report.errors.append((str(path), f"cannot read: {exc.strerror or exc}"))
        else:
            if b"urllib" in source and _WORTH_PARSING.search(source):
                pending.append((str(path), source))
                continue
        if progress is not None:
            progress.update(report.files - len(pending))
    done = report.files - len(pending)
    for (path_text, _), (uses, compat_uses, error, warning) in zip(pending, _scan_many(pending)):
        report.uses.extend(uses)
        report.compat_uses.extend(compat_uses)
        if error is not None:
            report.errors.append((path_text, error))
        if warning is not None:
            report.warnings.append((path_text, warning))
        done += 1
        if progress is not None:
            progress.update(done)
    report.errors.sort(key=lambda error: order[error[0]])
    return report


def format_text(report: Report) -> str:
    lines = [_format_use(use) for use in report.uses]
    if lines:
        lines.append("")
    if report.compat_uses:
        lines.append(
            f"Uses of {PACKAGE} (the migration is over, and the package can go, when "
            "none are left):"
        )
        lines += [
            f"{use.path}:{use.line}:{use.column}: {use.kind} {use.name}"
            for use in report.compat_uses
        ]
        lines.append("")
    return "\n".join(lines + _summary(report))


def _summary(report: Report) -> list[str]:
    """The closing lines: files scanned (and not), uses of this package, urllib uses by status."""
    with_uses = len({use.path for use in report.uses})
    summary = (
        f"{report.files} file{'s' if report.files != 1 else ''} scanned, "
        f"{with_uses} of them use urllib"
    )
    if report.errors:
        summary += f", {len(report.errors)} could not be parsed or read"
    if report.warnings:
        summary += f", {len(report.warnings)} not scanned (see the warnings)"
    lines = [summary + "."]
    if report.compat_uses:
        compat = len(report.compat_uses)
        lines.append(
            f"{compat} use{'s' if compat != 1 else ''} of {PACKAGE} in "
            f"{len({use.path for use in report.compat_uses})} file(s)."
        )
    counts = report.counts()
    lines.append(
        f"{len(report.uses)} use{'s' if len(report.uses) != 1 else ''}: "
        f"{counts['supported']} supported, "
        f"{counts['difference']} supported with a documented difference, "
        f"{counts['unsupported']} not supported."
    )
    return lines


def _format_use(use: Use) -> str:
    entry = use.entry
    line = f"{use.path}:{use.line}:{use.column}: {use.kind} {use.name}: {STATUS_TEXT[entry.status]}"
    if entry.note:
        line += f" - {entry.note}"
    if entry.reference:
        line += f" (see {entry.reference})"
    return line


def check(
    paths: Sequence[str],
    output_format: str = "text",
    strict: bool = False,
    exclude: Sequence[str] = (),
) -> int:
    """Print the report; 1 if a file could not be parsed (or, with ``strict``, a use is
    unsupported), else 0."""
    files = python_files(paths, exclude)
    progress = Progress(len(files), "check: scanned")
    try:
        report = scan(files, progress)
    finally:
        progress.close()
    for path, error in report.errors:
        print(f"{path}: {error}", file=sys.stderr)
    for path, text in report.warnings:
        print(f"{path}: warning: {text}", file=sys.stderr)
    if output_format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_text(report))
    if report.errors:
        return 1
    if strict and report.counts()["unsupported"]:
        return 1
    return 0
