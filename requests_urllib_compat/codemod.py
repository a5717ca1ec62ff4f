"""The ``migrate`` command: a libcst codemod moving imports of urllib.request/urllib.error here.

Only imports change (plus ``urllib.request.X`` attribute chains when the module was imported as
``import urllib.request``); formatting and comments are kept, other code is left alone, and a
second run finds nothing to do:

- ``from urllib.request import urlopen, Request`` -> ``from requests_urllib_compat.request import
  urlopen, Request`` (the same for ``urllib.error``);
- ``import urllib.request as u`` -> ``import requests_urllib_compat.request as u``;
- ``from urllib import request, parse`` -> ``from requests_urllib_compat import request`` and
  ``from urllib import parse``;
- ``import urllib.request`` -> ``import requests_urllib_compat.request``, and every
  ``urllib.request.X`` becomes ``requests_urllib_compat.request.X``.  ``import urllib.request``
  also bound ``urllib`` (and made ``urllib.parse`` reachable through it): if the file still uses
  ``urllib.parse`` and nothing else imports it, ``import urllib.parse`` is added.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from . import error as compat_error
from . import request as compat_request
from ._cli_common import Progress, python_files

__all__ = ["TARGETS", "migrate", "rewrite_source"]

PACKAGE = "requests_urllib_compat"
TARGETS = {"urllib.request": f"{PACKAGE}.request", "urllib.error": f"{PACKAGE}.error"}
_PROVIDES = {"urllib.request": compat_request, "urllib.error": compat_error}

def _dotted(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _expression(dotted: str) -> cst.Attribute | cst.Name:
    node = cst.parse_expression(dotted)
    assert isinstance(node, (cst.Attribute, cst.Name))
    return node


def rewrite_source(source: str | bytes) -> cst.Module:
    """The rewritten module (``.code``/``.bytes``); raises libcst.ParserSyntaxError."""
    module = cst.parse_module(source)
    facts = _Facts()
    module.visit(facts)
    return module.visit(_Rewriter(facts))


class _Facts(cst.CSTVisitor):
    """What the rewrite needs to know about the whole file first."""

    def __init__(self) -> None:
        super().__init__()
        self.plain_imports: set[str] = set()  # ``import urllib.request`` (binds ``urllib``)
        self.other_binding = False  # something else binds ``urllib`` (import urllib.parse)
        self.urllib_attrs: set[str] = set()  # X in ``urllib.X`` outside imports
        self.bare_urllib = False  # ``urllib`` used alone

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            name = _dotted(alias.name) or ""
            if alias.asname is None and name.split(".")[0] == "urllib":
                if name in TARGETS:
                    self.plain_imports.add(name)
                else:
                    self.other_binding = True
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name) and bound.value == "urllib":
                    self.other_binding = True
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name) and node.value.value == "urllib":
            self.urllib_attrs.add(node.attr.value)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value == "urllib":
            self.bare_urllib = True
        return False

class _Rewriter(cst.CSTTransformer):
    def __init__(self, facts: _Facts) -> None:
        super().__init__()
        self.facts = facts
        self.in_import = 0
        still_used = sorted(facts.urllib_attrs - {"request", "error"})
        needs = bool(facts.plain_imports) and not facts.other_binding
        # ``urllib.parse`` etc. were reachable through the removed import: import them.
        self.pending_urllib = [f"urllib.{sub}" for sub in still_used] if needs else []
        if needs and facts.bare_urllib and not still_used:
            self.pending_urllib = ["urllib"]

    def visit_Import(self, node: cst.Import) -> None:
        self.in_import += 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.in_import += 1

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        self.in_import -= 1
        names = []
        for alias in updated.names:
            target = TARGETS.get(_dotted(alias.name) or "")
            names.append(alias.with_changes(name=_expression(target)) if target else alias)
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom,
                         updated: cst.ImportFrom) -> cst.ImportFrom:
        self.in_import -= 1
        if updated.relative or updated.module is None:
            return updated
        module = _dotted(updated.module) or ""
        if module in TARGETS:
            provider = _PROVIDES[module]
            if isinstance(updated.names, cst.ImportStar) or all(
                    hasattr(provider, alias.name.value) for alias in updated.names
                    if isinstance(alias.name, cst.Name)):
                return updated.with_changes(module=_expression(TARGETS[module]))
        return updated

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.Attribute | cst.Name:
        if self.in_import:
            return updated
        name = _dotted(original)
        if name in self.facts.plain_imports:
            return _expression(TARGETS[name]).with_changes(lpar=updated.lpar,
                                                           rpar=updated.rpar)
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body: list[cst.BaseSmallStatement] = []
        for statement in updated.body:
            body.extend(self.split(statement))
        extra = []
        if self.pending_urllib and any(
                isinstance(s, cst.Import) and any(
                    _dotted(a.name) in TARGETS.values() for a in s.names)
                for s in updated.body):
            extra = [cst.Import(names=[cst.ImportAlias(name=_expression(name))])
                     for name in self.pending_urllib]
            self.pending_urllib = []
        if len(body) == len(updated.body) and not extra:
            return updated.with_changes(body=body)
        lines = [updated.with_changes(body=[statement.with_changes(
            semicolon=cst.MaybeSentinel.DEFAULT)]) for statement in body]
        lines += [cst.SimpleStatementLine(body=[statement]) for statement in extra]
        first, *rest = lines
        return cst.FlattenSentinel([
            first, *(line.with_changes(leading_lines=[],
                                       trailing_whitespace=cst.TrailingWhitespace())
                     for line in rest)
        ])

    def split(self, statement: cst.BaseSmallStatement) -> list[cst.BaseSmallStatement]:
        """``from urllib import request, parse``: the part for us, the part for urllib."""
        if not (isinstance(statement, cst.ImportFrom) and not statement.relative
                and statement.module is not None and _dotted(statement.module) == "urllib"
                and not isinstance(statement.names, cst.ImportStar)):
            return [statement]
        ours = [a for a in statement.names if _dotted(a.name) in ("request", "error")]
        rest = [a for a in statement.names if _dotted(a.name) not in ("request", "error")]
        if not ours:
            return [statement]
        parts: list[cst.BaseSmallStatement] = [statement.with_changes(module=_expression(PACKAGE),
            names=_without_last_comma(ours, statement))]
        if rest:
            parts.append(statement.with_changes(names=_without_last_comma(rest, statement)))
        return parts


def _without_last_comma(aliases: list[cst.ImportAlias],
                        statement: cst.ImportFrom) -> list[cst.ImportAlias]:
    if statement.lpar is not None:  # parenthesised: a trailing comma is fine
        return aliases
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]




def _diff(path: Path, before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True),
                                 after.splitlines(keepends=True),
                                 fromfile=str(path) if path.is_absolute() else f"a/{path}",
                                 tofile=str(path) if path.is_absolute() else f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def migrate(paths: Sequence[str], write: bool = False) -> int:
    """Print a unified diff (or, with ``write``, rewrite the files); 1 if a file could not be
    parsed or read, else 0."""
    files = python_files(paths)
    progress = Progress(len(files), "migrate: scanned")
    changed = failed = 0
    try:
        for done, path in enumerate(files, 1):
            progress.update(done)
            try:
                original = path.read_bytes()
                module = rewrite_source(original)
            except cst.ParserSyntaxError as exc:
                failed += 1
                progress.close()
                print(f"{path}: cannot parse (line {exc.raw_line}, column {exc.raw_column}): "
                      f"not rewritten", file=sys.stderr)
                continue
            except (OSError, UnicodeDecodeError, RecursionError) as exc:
                failed += 1
                progress.close()
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                print(f"{path}: cannot read: {reason}", file=sys.stderr)
                continue
            new = module.bytes
            if new == original:
                continue
            changed += 1
            if write:
                try:
                    path.write_bytes(new)
                except OSError as exc:
                    failed += 1
                    changed -= 1
                    progress.close()
                    print(f"{path}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            else:
                encoding = module.encoding
                sys.stdout.write(_diff(path, original.decode(encoding), new.decode(encoding)))
    finally:
        progress.close()
    verb = "rewritten" if write else "would be rewritten"
    hint = "" if write or not changed else " (run with --write to apply)"
    print(f"migrate: {changed} of {len(files)} file{'s' if len(files) != 1 else ''} {verb}"
          f"{hint}.", file=sys.stderr)
    return 1 if failed else 0
