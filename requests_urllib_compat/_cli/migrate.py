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
  also bound ``urllib`` and made ``urllib.error`` and ``urllib.parse`` reachable through it
  (``urllib.request`` imports them): ``urllib.error.X`` then becomes
  ``requests_urllib_compat.error.X`` with ``import requests_urllib_compat.error`` added, and if
  the file still uses ``urllib.parse`` and nothing else imports it, ``import urllib.parse`` is
  added.

Both follow Python's scopes (libcst's ``ScopeProvider``): a ``urllib`` that is a parameter, a local
variable, a comprehension/``for`` target, a class attribute or another import is not the module.

Tests keep patching what the code looks up: ``mock.patch("urllib.request.urlopen")`` (and
``monkeypatch.setattr("...")``, ``mocker.patch``...) becomes ``mock.patch(
"requests_urllib_compat.request.urlopen")``; a target this package does not have is reported by
line.  A module that uses only helpers (:data:`.catalog.HELPERS`: no HTTP) keeps its imports, so
it does not start importing requests.
"""

from __future__ import annotations

import ast
import difflib
import sys
import types
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    BaseAssignment,
    ClassScope,
    CodeRange,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    ScopeProvider,
)

from .. import error as compat_error
from .. import request as compat_request
from .catalog import HELPERS
from .check import PATCH_BY_OBJECT, PATCH_BY_STRING
from .common import Progress, python_files, syntax_error_text

__all__ = ["TARGETS", "migrate", "rewrite", "rewrite_source"]

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


def _called_name(func: cst.BaseExpression) -> str | None:
    """``patch`` for ``patch(...)`` and ``mock.patch(...)``; None for ``f()(...)``..."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _expression(dotted: str) -> cst.Attribute | cst.Name:
    node = cst.parse_expression(dotted)
    assert isinstance(node, (cst.Attribute, cst.Name))
    return node


def rewrite_source(source: str | bytes) -> cst.Module:
    """The rewritten module (``.code``/``.bytes``); raises libcst.ParserSyntaxError."""
    return rewrite(source)[0]


def rewrite(source: str | bytes) -> tuple[cst.Module, list[tuple[int, str]]]:
    """The rewritten module, and ``(line, why)`` for each patch it could not retarget."""
    # a freshly parsed tree nobody else holds: no need for the wrapper's defensive copy
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    usage = _Usage()
    wrapper.module.visit(usage)
    rewriter: _PatchRewriter
    if usage.helpers and not usage.http:
        # no HTTP here: the imports stay on the stdlib (no import of requests), the patches
        # of what other modules use still follow them
        rewriter = _PatchRewriter(usage.modules)
    else:
        rewriter = _Rewriter(_Facts(wrapper), usage.modules)
    module = wrapper.module.visit(rewriter)
    if not rewriter.notes:
        return module, []
    positions = wrapper.resolve(PositionProvider)
    return module, [(positions[node].start.line, why) for node, why in rewriter.notes]


class _Usage(cst.CSTVisitor):
    """Which names of urllib.request the file uses: a module that uses only helpers
    (:data:`.catalog.HELPERS`: pathname2url, quote...) does no HTTP and is left alone.

    ``modules`` maps the spellings bound to ``urllib.request``/``urllib.error``
    (``urllib.request``, ``u`` for ``import urllib.request as u``, ``request`` for ``from urllib
    import request``) to the module.  When unsure (the name used bare, shadowed...), a use counts
    as HTTP: the file is rewritten, as it always was.
    """

    def __init__(self) -> None:
        super().__init__()
        self.modules: dict[str, str] = {}
        self.helpers = self.http = False
        self._seen: set[cst.CSTNode] = set()

    def note(self, module: str, name: str | None) -> None:
        if module != "urllib.request":
            return
        if name in HELPERS:
            self.helpers = True
        else:
            self.http = True

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            module = _dotted(alias.name) or ""
            if module in TARGETS:
                self.modules[_dotted(alias.asname.name) or "" if alias.asname else module] = module
            if alias.asname is None and _package_import_name(alias):
                self.modules.update({module: module for module in TARGETS})  # urllib.X.Y
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None:
            return False
        module = _dotted(node.module) or ""
        if isinstance(node.names, cst.ImportStar):
            self.note(module, None)
            return False
        for alias in node.names:
            name = _dotted(alias.name) or ""
            if module in TARGETS:
                self.note(module, name)
            elif module == "urllib" and f"urllib.{name}" in TARGETS:
                local = _dotted(alias.asname.name) or "" if alias.asname else name
                self.modules[local] = f"urllib.{name}"
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._seen.add(node.attr)
        module = self.modules.get(_dotted(node.value) or "")
        if module is not None:
            self._seen.add(node.value)
            self.note(module, node.attr.value)
        elif node not in self._seen and _dotted(node) in self.modules:
            self.note(self.modules[_dotted(node) or ""], None)  # the module itself, passed on

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self._seen and node.value in self.modules:
            self.note(self.modules[node.value], None)


class _Names(cst.CSTVisitor):
    """Every ``import`` statement in source order, and ``X`` for each ``urllib`` in ``urllib.X``."""

    def __init__(self) -> None:
        super().__init__()
        self.imports: list[cst.Import] = []
        self.attr_of: dict[cst.Name, str] = {}

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "urllib":
            self.attr_of[node.value] = node.attr.value


def _package_import(assignment: BaseAssignment) -> str | None:
    """``urllib.request`` when ``urllib`` is bound by ``import urllib.request`` (no ``as``;
    the same for ``import urllib``, ``import urllib.parse``...), else None."""
    if isinstance(assignment, ImportAssignment) and isinstance(assignment.node, cst.Import):
        module = _dotted(assignment.as_name)
        if any(
            alias.asname is None and _dotted(alias.name) == module
            for alias in assignment.node.names
        ):
            return module
    return None


def _package_import_name(alias: cst.ImportAlias) -> bool:
    """``import urllib`` or ``import urllib.X``: binds the name ``urllib`` to the package."""
    return (_dotted(alias.name) or "").split(".")[0] == "urllib"


def _start(positions: Mapping[cst.CSTNode, CodeRange], node: cst.CSTNode) -> tuple[int, int]:
    start = positions[node].start
    return start.line, start.column


class _Facts:
    """What the rewrite needs to know about the whole file first, scope by scope.

    Each use of the name ``urllib`` is looked up by name in the scope it occurs in (libcst's
    ``ScopeProvider``): a parameter, local variable, comprehension or ``for`` target, class
    attribute or other import named ``urllib`` hides an ``import urllib.request`` of an enclosing
    scope, as in Python.  (The bare name is looked up, not the dotted ``urllib.request``: libcst
    resolves a dotted access to a dotted import of any enclosing scope, even when a local
    ``urllib`` shadows it.)
    """

    def __init__(self, wrapper: MetadataWrapper) -> None:
        #: ``urllib`` in ``urllib.request.X`` that is the module from ``import urllib.request``
        self.rewrite: set[cst.Name] = set()
        #: imports to add after a rewritten ``import urllib.request``: ``urllib.error``,
        #: ``urllib.parse`` etc. were reachable through it, or ``urllib`` itself was used
        self.needs: dict[cst.Import, list[str]] = {}
        names = _Names()
        wrapper.module.visit(names)
        if not _binds_the_package(names.imports):
            return  # no ``import urllib[.X]``: spare the (slow) scope analysis
        positions = wrapper.resolve(PositionProvider)
        wanted: dict[cst.Import, set[str]] = {}
        for access, base in _uses_of_urllib(wrapper):
            attr = names.attr_of.get(base)
            bindings = self._note_use(base, attr, _bindings_seen(access, base, positions))
            if bindings:
                first = _first_import(bindings, names.imports)
                wanted.setdefault(first, set()).add(attr or "")
        self.needs = {node: _imports_needed(attrs) for node, attrs in wanted.items()}

    def _note_use(
        self, base: cst.Name, attr: str | None, bindings: Collection[BaseAssignment]
    ) -> Collection[BaseAssignment]:
        """Note ``base`` for rewriting if ``urllib.{attr}`` is ours; return the imports of
        ``urllib`` after the first of which ``urllib.{attr}`` must be imported (empty if none)."""
        modules = {_package_import(binding) for binding in bindings}
        if None in modules or not modules:
            return ()  # not surely the package, or unbound here (a NameError)
        if f"urllib.{attr}" in TARGETS:
            self.rewrite.add(base)  # ours, as check reports it
            if f"urllib.{attr}" in modules:
                return ()  # its own import is rewritten
            # reached through another import (``urllib.request`` imports ``urllib.error``;
            # after ``import urllib`` alone it works only if some other module imported it):
            # import ours, after the first rewritten one
            return {
                binding for binding in bindings if _package_import(binding) in TARGETS
            } or bindings
        if not modules & TARGETS.keys() or not modules <= TARGETS.keys():
            return ()  # not only through rewritten imports: still bound
        # reachable only through the rewritten import(s) (``urllib.request`` imports
        # ``urllib.error`` and ``urllib.parse``): import it after the first of them
        return bindings


def _binds_the_package(imports: Sequence[cst.Import]) -> bool:
    """Whether one of ``imports`` is ``import urllib`` or ``import urllib.X`` (no ``as``)."""
    return any(
        alias.asname is None and _package_import_name(alias)
        for node in imports
        for alias in node.names
    )


def _first_import(
    bindings: Collection[BaseAssignment], imports: Sequence[cst.Import]
) -> cst.Import:
    """The first in source order (``imports``) of the ``import`` statements making
    ``bindings``."""
    statements = {
        cst.ensure_type(cst.ensure_type(binding, Assignment).node, cst.Import)
        for binding in bindings
    }
    return next(node for node in imports if node in statements)


def _uses_of_urllib(wrapper: MetadataWrapper) -> Iterator[tuple[Access, cst.Name]]:
    """Every access whose expression starts with the name ``urllib``, and that name."""
    for scope in {scope for scope in wrapper.resolve(ScopeProvider).values() if scope}:
        for access in scope.accesses:
            base: cst.BaseExpression = access.node
            while isinstance(base, cst.Attribute):
                base = base.value
            if isinstance(base, cst.Name) and base.value == "urllib":
                yield access, base


def _bindings_seen(
    access: Access, base: cst.Name, positions: Mapping[cst.CSTNode, CodeRange]
) -> Collection[BaseAssignment]:
    """The bindings of ``urllib`` this use can see."""
    bindings = access.scope["urllib"]
    if not isinstance(access.scope, (GlobalScope, ClassScope)):
        return bindings  # in a function, any local binding makes ``urllib`` local
    # statements run in order here: only the bindings made before count
    here = _start(positions, base)
    return {
        binding
        for binding in bindings
        if binding.scope is not access.scope
        or not isinstance(binding, Assignment)
        or _start(positions, binding.node) < here
    }


def _imports_needed(attrs: set[str]) -> list[str]:
    """The imports to add for the ``urllib.X`` (``X`` in ``attrs``, ``""`` for ``urllib``
    itself) reachable only through a rewritten import: ours first, then urllib's."""
    ours = [TARGETS[f"urllib.{attr}"] for attr in ("request", "error") if attr in attrs]
    subs = sorted(attrs - {"", "request", "error"})
    bare = ["urllib"] if "" in attrs and not subs else []
    return ours + [f"urllib.{sub}" for sub in subs] + bare


class _PatchRewriter(cst.CSTTransformer):
    """Only the patch targets (see :meth:`leave_Call`)."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        super().__init__()
        self.modules = modules  # spelling -> urllib.request / urllib.error (see _Usage)
        #: patches that cannot be retargeted, and why
        self.notes: list[tuple[cst.CSTNode, str]] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``mock.patch("urllib.request.urlopen")`` and friends: patch what the migrated code
        looks up (``patch.object(urllib.request, "urlopen")`` follows its import)."""
        name = _called_name(original.func)
        if name is None or not original.args:
            return updated
        first = original.args[0].value
        if (
            isinstance(first, cst.SimpleString)
            and name in PATCH_BY_STRING
            and (name == "patch" or isinstance(original.func, cst.Attribute))
        ):
            return self.retarget_string(original, updated, first)
        attribute = original.args[1].value if len(original.args) >= 2 else None
        if name in PATCH_BY_OBJECT and isinstance(attribute, cst.SimpleString):
            self.note_object_patch(original, first, attribute)
        return updated

    def retarget_string(
        self, original: cst.Call, updated: cst.Call, first: cst.SimpleString
    ) -> cst.Call:
        """``patch("urllib.request.urlopen")`` -> ``patch("requests_urllib_compat.request...")``
        (the quotes and prefix of the literal kept)."""
        target = first.evaluated_value
        if not isinstance(target, str) or self.retarget(original, target) is None:
            return updated
        value = first.value.replace(target.split(".")[0], PACKAGE, 1)
        return updated.with_changes(
            args=[
                updated.args[0].with_changes(value=first.with_changes(value=value)),
                *updated.args[1:],
            ]
        )

    def note_object_patch(
        self, original: cst.Call, first: cst.BaseExpression, attribute: cst.SimpleString
    ) -> None:
        """``patch.object(urllib.request, "urlopen")``: the object follows its (rewritten)
        import; only a name the module does not define needs a note."""
        module = self.modules.get(_dotted(first) or "")
        name = attribute.evaluated_value
        if module is not None and isinstance(name, str):
            self.retarget(original, f"{module}.{name}")

    def retarget(self, node: cst.CSTNode, target: str) -> str | None:
        """The name in this package for a patch target in urllib.request/urllib.error, or None
        (not ours to change, or impossible: then a note says why)."""
        module = next(
            (module for module in TARGETS if target == module or target.startswith(f"{module}.")),
            None,
        )
        if module is None:
            return None
        if target == module:
            return TARGETS[module]
        name = target[len(module) + 1 :].split(".")[0]
        if module == "urllib.request" and name in HELPERS:
            return None  # modules using only helpers stay on the stdlib: so does their patch
        if not _defines(_PROVIDES[module], name):
            self.notes.append(
                (
                    node,
                    f"cannot retarget the patch of {target}: "
                    f"{TARGETS[module]} has no {name} (patch what the migrated "
                    "code looks up instead)",
                )
            )
            return None
        return TARGETS[module] + target[len(module) :]


def _defines(module: types.ModuleType, name: str) -> bool:
    """Whether ``module`` holds ``name`` itself: a name its ``__getattr__`` forwards to the
    stdlib's module is read there, so patching it here would change nothing the migrated code
    sees (``_opener`` is a property of the module's type: setting it installs an opener)."""
    return name in vars(module) or isinstance(getattr(type(module), name, None), property)


class _Rewriter(_PatchRewriter):
    """The imports, ``urllib.request.X`` chains and patch targets."""

    def __init__(self, facts: _Facts, modules: Mapping[str, str]) -> None:
        super().__init__(modules)
        self.facts = facts

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        names = []
        for alias in updated.names:
            target = TARGETS.get(_dotted(alias.name) or "")
            names.append(alias.with_changes(name=_expression(target)) if target else alias)
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if updated.relative or updated.module is None:
            return updated
        module = _dotted(updated.module) or ""
        if module in TARGETS:
            provider = _PROVIDES[module]
            if isinstance(updated.names, cst.ImportStar) or all(
                hasattr(provider, alias.name.value)
                for alias in updated.names
                if isinstance(alias.name, cst.Name)
            ):
                return updated.with_changes(module=_expression(TARGETS[module]))
        return updated

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.Attribute | cst.Name:
        if original.value in self.facts.rewrite:  # ``urllib`` from ``import urllib.request``
            return _expression(TARGETS[f"urllib.{original.attr.value}"]).with_changes(
                lpar=updated.lpar, rpar=updated.rpar
            )
        return updated

    def leave_SimpleStatementLine(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body: list[cst.BaseSmallStatement] = []
        for statement in updated.body:
            body.extend(self.split(statement))
        added = dict.fromkeys(
            name
            for statement in original.body
            if isinstance(statement, cst.Import)
            for name in self.facts.needs.get(statement, ())
        )
        extra = [cst.Import(names=[cst.ImportAlias(name=_expression(name))]) for name in added]
        if len(body) == len(updated.body) and not extra:
            return updated.with_changes(body=body)
        lines = [
            updated.with_changes(body=[statement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
            for statement in body
        ]
        lines += [cst.SimpleStatementLine(body=[statement]) for statement in extra]
        first, *rest = lines
        return cst.FlattenSentinel(
            [
                first,
                *(
                    line.with_changes(
                        leading_lines=[], trailing_whitespace=cst.TrailingWhitespace()
                    )
                    for line in rest
                ),
            ]
        )

    def split(self, statement: cst.BaseSmallStatement) -> list[cst.BaseSmallStatement]:
        """``from urllib import request, parse``: the part for us, the part for urllib."""
        if not (
            isinstance(statement, cst.ImportFrom)
            and not statement.relative
            and statement.module is not None
            and _dotted(statement.module) == "urllib"
            and not isinstance(statement.names, cst.ImportStar)
        ):
            return [statement]
        ours = [a for a in statement.names if _dotted(a.name) in ("request", "error")]
        rest = [a for a in statement.names if _dotted(a.name) not in ("request", "error")]
        if not ours:
            return [statement]
        parts: list[cst.BaseSmallStatement] = [
            statement.with_changes(
                module=_expression(PACKAGE), names=_without_last_comma(ours, statement)
            )
        ]
        if rest:
            parts.append(statement.with_changes(names=_without_last_comma(rest, statement)))
        return parts


def _without_last_comma(
    aliases: list[cst.ImportAlias], statement: cst.ImportFrom
) -> list[cst.ImportAlias]:
    if statement.lpar is not None:  # parenthesised: a trailing comma is fine
        return aliases
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _parse_problem(source: bytes, exc: cst.ParserSyntaxError) -> str:
    """Python's own message and line, as ``check`` reports them (libcst points at the token
    after the error, often on the next line); libcst's when Python parses the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc.
            ast.parse(source)
    except SyntaxError as python:
        return syntax_error_text(python)
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"cannot parse: {exc.message} (line {exc.raw_line}, column {exc.raw_column})"


def _diff(path: Path, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=str(path) if path.is_absolute() else f"a/{path}",
        tofile=str(path) if path.is_absolute() else f"b/{path}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def migrate(paths: Sequence[str], write: bool = False, exclude: Sequence[str] = ()) -> int:
    """Print a unified diff (or, with ``write``, rewrite the files); 1 if a file could not be
    parsed or read or a patch could not be retargeted (said on stderr, file and line), else 0."""
    files = python_files(paths, exclude)
    progress = Progress(len(files), "migrate: scanned")

    def report(line: str) -> None:
        progress.close()  # the counter's line is done before a message is printed
        print(line, file=sys.stderr)

    changed = failed = 0
    try:
        for done, path in enumerate(files, 1):
            progress.update(done)
            file_changed, file_failed = _migrate_file(path, write, report)
            changed += file_changed
            failed += file_failed
    finally:
        progress.close()
    verb = "rewritten" if write else "would be rewritten"
    hint = "" if write or not changed else " (run with --write to apply)"
    print(
        f"migrate: {changed} of {len(files)} file{'s' if len(files) != 1 else ''} {verb}{hint}.",
        file=sys.stderr,
    )
    return 1 if failed else 0


def _migrate_file(path: Path, write: bool, report: Callable[[str], None]) -> tuple[bool, bool]:
    """One file rewritten, or its diff printed: ``(changed, failed)``; what failed and each
    patch that could not be retargeted go to ``report``."""
    try:
        original = path.read_bytes()
        if b"urllib" not in original:
            return False, False  # nothing to rewrite: spare the (slow) full parse
        module, notes = rewrite(original)
    except cst.ParserSyntaxError as exc:
        problem = _parse_problem(original, exc)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:  # encoding cookie
        problem = f"cannot parse: {getattr(exc, 'msg', None) or exc}"
    except RecursionError:
        problem = "cannot parse: nested too deeply"
    except OSError as exc:
        problem = f"cannot read: {exc.strerror or exc}"
    else:
        for line, why in notes:
            report(f"{path}:{line}: {why}")
        changed, unwritten = _apply(path, original, module, write, report)
        return changed, bool(notes) or unwritten
    report(f"{path}: {problem}: not rewritten")
    return False, True


def _apply(
    path: Path, original: bytes, module: cst.Module, write: bool, report: Callable[[str], None]
) -> tuple[bool, bool]:
    """Write the rewritten module over ``path`` (or print the diff): ``(changed, failed)``."""
    new = module.bytes
    if new == original:
        return False, False
    if not write:
        sys.stdout.write(_diff(path, original.decode(module.encoding), module.code))
        return True, False
    try:
        path.write_bytes(new)
    except OSError as exc:
        report(f"{path}: cannot write: {exc.strerror or exc}")
        return False, True
    return True, False
