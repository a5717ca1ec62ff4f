"""Mutation testing, small and dependency-free: AST mutants of a module, each run against the
tests that cover that module.  ``tox -e mutation`` runs it; see ``tools/mutation.md``.

Each mutant changes one thing (an operator, a constant, a condition, a statement, the order of
two table rows), is written into a scratch copy of the package and tests, and the module's
tests run against it (``pytest -x``): a failing or hanging run kills the mutant.  Survivors are
listed with their line and change; those judged equivalent (no observable difference) are
listed with a reason in ``tools/mutation-equivalents.md`` and left out of the kill rate.

    python tools/mutate.py                       # every module of MODULES
    python tools/mutate.py _exceptions.py        # one module
    python tools/mutate.py _exceptions.py --tests tests/core/test_errors.py   # other tests
    python tools/mutate.py _transport/ --sample 60 --seed 1    # a package: each of its files
    python tools/mutate.py _transport/pool.py                  # one file of it
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "requests_urllib_compat"
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.md"

#: module -> the tests that exercise it (fast, relevant; the whole suite is the final judge).
#: A key ending in ``/`` is a package: every ``.py`` file in it, each run as a module.
MODULES: dict[str, list[str]] = {
    "_exceptions.py": [
        "tests/core/test_exceptions_table.py",
        "tests/core/test_pinned_behaviours.py",
        "tests/core/test_errors.py",
        "tests/core/test_streaming.py",
        "tests/core/test_tls.py",
        "tests/core/test_exception_chains.py",
    ],
    "_redirect.py": [
        "tests/handlers/test_auth.py",
        "tests/core/test_redirects.py",
        "tests/core/test_pinned_behaviours.py",
        "tests/handlers/test_auth_session.py",
        "tests/handlers/test_differential.py",
    ],
    "_proxies.py": [
        "tests/handlers/test_proxy.py",
        "tests/handlers/test_auth_encoding.py",
        "tests/core/test_pinned_behaviours.py",
        "tests/core/test_env_reuse.py",
        "tests/handlers/test_auth_session.py",
    ],
    "_transport/": [
        "tests/core/test_pinned_behaviours.py",
        "tests/core/test_request.py",
        "tests/core/test_errors.py",
        "tests/core/test_env_reuse.py",
        "tests/core/test_tls.py",
        "tests/fast_paths/test_adapter_shortcuts.py",
        "tests/handlers/test_proxy.py",
        "tests/session/test_ecosystem.py",
        "tests/handlers/test_do_open.py",
        "tests/handlers/test_differential.py",
        "tests/core/test_reuse_safety.py",
        "tests/handlers/test_debuglevel.py",
        "tests/core/test_transport_behaviours.py",
    ],
}

#: Modules too big for every mutant on each run: a fixed sample unless --sample says otherwise
#: (for a package, shared among its files in proportion to their mutants).
DEFAULT_SAMPLE: dict[str, int] = {"_transport/": 80}


def module_files(module: str) -> list[str]:
    """The files ``module`` names: itself, or every ``.py`` file of a package (``name/``)."""
    if not module.endswith("/"):
        return [module]
    return sorted(f"{module}{path.name}" for path in (ROOT / PACKAGE / module).glob("*.py"))


def module_tests(module: str) -> list[str]:
    """The tests of ``module`` in ``MODULES``, or of the package a file of it is in."""
    if module in MODULES:
        return MODULES[module]
    return MODULES[module.rsplit("/", 1)[0] + "/"]


def file_samples(module: str, sample: int | None) -> dict[str, int | None]:
    """Each file of ``module`` with its share of ``sample`` (by its number of mutants)."""
    files = module_files(module)
    if len(files) == 1:
        return {module: sample}
    counts = {name: len(mutants((ROOT / PACKAGE / name).read_text())) for name in files}
    counts = {name: count for name, count in counts.items() if count}  # (an __init__)
    if sample is None:
        return {name: None for name in counts}
    total = sum(counts.values()) or 1
    return {name: -(-sample * count // total) for name, count in counts.items()}


_SWAPS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.And: ast.Or,
    ast.Or: ast.And,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
}


@dataclasses.dataclass
class Mutant:
    index: int
    line: int
    kind: str
    detail: str

    @property
    def key(self) -> str:
        """What identifies the mutant in the equivalents file (lines move: the text does not)."""
        return f"{self.kind}: {self.detail}"


def _skipped_ids(tree: ast.Module) -> set[int]:
    """Nodes never mutated: docstrings, annotations, ``__all__``, ``Literal[...]``."""
    skip: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            drop(body[0])
        if isinstance(node, (ast.arg, ast.AnnAssign)):
            drop(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            drop(node.returns)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in {"__all__", "Phase", "Translator"}
            for t in node.targets
        ):
            drop(node)
        if isinstance(node, (ast.ImportFrom, ast.Import)):
            drop(node)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            drop(node)  # attribute docstrings
    return skip


def _statement_lists(node: ast.AST) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, str, str, object]]:
    """(node, kind, detail, how) for every mutation of ``tree``, in a fixed order."""
    skip = _skipped_ids(tree)
    statement: dict[int, ast.stmt] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            statement[id(child)] = (
                parent if isinstance(parent, ast.stmt) else statement.get(id(parent), parent)
            )  # type: ignore[assignment]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        text = ast.unparse(node) if isinstance(node, (ast.expr, ast.stmt)) else ""
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _SWAPS:
                    new = _SWAPS[type(op)].__name__
                    yield node, "compare", f"{text!r} op {i} -> {new}", ("op", i)
        elif isinstance(node, ast.BoolOp):
            yield node, "boolean", f"{text!r} -> {_SWAPS[type(node.op)].__name__}", "op"
            for i in range(len(node.values)):
                yield node, "operand", f"{text!r} drop operand {i}", ("drop", i)
        elif isinstance(node, ast.BinOp) and type(node.op) in _SWAPS:
            yield node, "arithmetic", f"{text!r} -> {_SWAPS[type(node.op)].__name__}", "op"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", f"{text!r} -> operand", "not"
        elif isinstance(node, ast.Constant) and node.value is not None and node.value != ...:
            where = ast.unparse(statement[id(node)]).splitlines()[0][:70]
            yield node, "constant", f"{node.value!r} in {where!r}", "const"
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            yield node, "condition", f"negate {ast.unparse(node.test)!r}", "negate"
        elif (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            yield node, "return", f"{text!r} -> return None", "return"
        elif (
            isinstance(node, ast.List)
            and len(node.elts) > 1
            and all(isinstance(e, ast.Tuple) for e in node.elts)
        ):
            for i in range(len(node.elts) - 1):
                rows = [ast.unparse(e)[:60] for e in node.elts[i : i + 2]]
                yield (
                    node,
                    "row order",
                    f"swap rows {i},{i + 1}: {rows[0]!r} <-> {rows[1]!r}",
                    ("swap", i),
                )
        if isinstance(
            node,
            (ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.For, ast.While, ast.With, ast.Try),
        ) and not isinstance(node, ast.Module):
            for body in _statement_lists(node):
                for i, stmt in enumerate(body):
                    if id(stmt) in skip or not isinstance(
                        stmt,
                        (
                            ast.Expr,
                            ast.Assign,
                            ast.AugAssign,
                            ast.AnnAssign,
                            ast.Raise,
                            ast.If,
                            ast.For,
                            ast.With,
                            ast.Try,
                        ),
                    ):
                        continue
                    first = ast.unparse(stmt).splitlines()[0][:70]
                    yield node, "delete", f"{first!r} -> pass", ("delete", body, i)


def _mutated_constant(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return f"XX{value}XX"
    if isinstance(value, bytes):
        return b"XX" + value + b"XX"
    return None


def _apply(node: ast.AST, how: object) -> None:
    if how == "op":
        node.op = _SWAPS[type(node.op)]()  # type: ignore[attr-defined]
    elif how == "const":
        node.value = _mutated_constant(node.value)  # type: ignore[attr-defined]
    elif how == "negate":
        node.test = ast.UnaryOp(ast.Not(), node.test)  # type: ignore[attr-defined]
    elif how == "return":
        node.value = ast.Constant(None)  # type: ignore[attr-defined]
    elif how == "not":
        raise AssertionError("handled by the parent rewrite")
    elif isinstance(how, tuple) and how[0] == "op":
        node.ops[how[1]] = _SWAPS[type(node.ops[how[1]])]()  # type: ignore[attr-defined]
    elif isinstance(how, tuple) and how[0] == "drop":
        values = node.values  # type: ignore[attr-defined]
        del values[how[1]]
    elif isinstance(how, tuple) and how[0] == "swap":
        elts, i = node.elts, how[1]  # type: ignore[attr-defined]
        elts[i], elts[i + 1] = elts[i + 1], elts[i]
    elif isinstance(how, tuple) and how[0] == "delete":
        body, i = how[1], how[2]
        body[i] = ast.copy_location(ast.Pass(), body[i])


class _Unnot(ast.NodeTransformer):
    def __init__(self, target: ast.AST) -> None:
        self.target = target

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if node is self.target:
            return node.operand
        return self.generic_visit(node)


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    return [
        Mutant(i, getattr(node, "lineno", 0), kind, detail)
        for i, (node, kind, detail, _) in enumerate(_points(tree))
    ]


def mutated_source(source: str, index: int) -> str:
    tree = ast.parse(source)
    for i, (node, _, _, how) in enumerate(_points(tree)):
        if i == index:
            if how == "not":
                tree = _Unnot(node).visit(tree)
            else:
                _apply(node, how)
            break
    else:
        raise IndexError(index)
    mutated = ast.unparse(ast.fix_missing_locations(tree))
    if mutated == ast.unparse(ast.parse(source)):
        return ""  # no change (e.g. a deleted `pass`)
    return mutated


def equivalents() -> dict[str, dict[str, str]]:
    """``{module: {mutant key: reason}}`` from the equivalents file (``- `key` — reason``)."""
    found: dict[str, dict[str, str]] = {}
    module = ""
    if not EQUIVALENTS.exists():
        return found
    for line in EQUIVALENTS.read_text().splitlines():
        heading = re.match(r"^## `?([\w./]+)`?", line)
        if heading:
            module = heading.group(1)
            continue
        entry = re.match(r"^- `(.+?)` +— +(.+)$", line)
        if entry and module:
            found.setdefault(module, {})[entry.group(1)] = entry.group(2)
    return found


def _scratch() -> Path:
    """A copy of the package and tests in which mutants are written (never the work tree)."""
    where = Path(tempfile.mkdtemp(prefix="mutate-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_build")
    shutil.copytree(ROOT / PACKAGE, where / PACKAGE, ignore=ignore)
    shutil.copytree(ROOT / "tests", where / "tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    if (ROOT / "docs").exists():
        shutil.copytree(ROOT / "docs", where / "docs", ignore=ignore)
    return where


def _pytest(where: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *tests,
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            cwd=where,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    return ("survived" if done.returncode == 0 else "killed"), time.monotonic() - started


def run_module(
    module: str,
    tests: list[str],
    sample: int | None,
    seed: int,
    known: dict[str, str],
    only: list[int] | None = None,
) -> dict[str, object]:
    source = (ROOT / PACKAGE / module).read_text()
    found = mutants(source)
    chosen = found if only is None else [m for m in found if m.index in only]
    if sample is not None and sample < len(found):
        chosen = sorted(random.Random(seed).sample(found, sample), key=lambda m: m.index)
    where = _scratch()
    target = where / PACKAGE / module
    try:
        probe = f"import {PACKAGE}; print({PACKAGE}.__file__)"
        check = subprocess.run(
            [sys.executable, "-c", probe], cwd=where, capture_output=True, text=True, check=True
        )
        if not check.stdout.startswith(str(where)):
            raise SystemExit(f"the scratch copy is not the one imported: {check.stdout}")
        status, baseline = _pytest(where, tests, timeout=1800)
        if status != "survived":
            raise SystemExit(f"{module}: the tests fail without any mutant ({tests})")
        limit = baseline * 3 + 15
        results: list[dict[str, object]] = []
        for mutant in chosen:
            text = mutated_source(source, mutant.index)
            if not text:
                continue
            target.write_text(text)
            status, seconds = _pytest(where, tests, limit)
            target.write_text(source)
            if status == "survived" and mutant.key in known:
                status = "equivalent"
            results.append(
                {**dataclasses.asdict(mutant), "status": status, "seconds": round(seconds, 1)}
            )
            print(f"{module}:{mutant.line} {status:10} {mutant.key}", flush=True)
    finally:
        shutil.rmtree(where, ignore_errors=True)
    counted = [r for r in results if r["status"] != "equivalent"]
    killed = sum(1 for r in counted if r["status"] in {"killed", "timeout"})
    return {
        "module": module,
        "tests": tests,
        "mutants": len(found),
        "run": len(results),
        "equivalent": len(results) - len(counted),
        "killed": killed,
        "kill_rate": round(100 * killed / len(counted), 1) if counted else None,
        "survivors": [r for r in counted if r["status"] == "survived"],
        "baseline_seconds": round(baseline, 1),
    }


def run_one(
    module: str, args: argparse.Namespace, sample: int | None, known: dict[str, dict[str, str]]
) -> dict[str, object]:
    """Run the mutants of one file and print its summary."""
    report = run_module(
        module,
        args.tests or module_tests(module),
        sample,
        args.seed,
        known.get(module, {}),
        args.only,
    )
    print(
        f"== {module}: {report['killed']} killed of {report['run'] - report['equivalent']}"
        f" ({report['kill_rate']}%), {report['equivalent']} equivalent, "
        f"{report['mutants']} mutants in all",
        flush=True,
    )
    for survivor in report["survivors"]:  # type: ignore[attr-defined]
        print(f"   survived: line {survivor['line']}: {survivor['kind']}: {survivor['detail']}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--tests", nargs="+", help="instead of the module's tests")
    parser.add_argument("--sample", type=int, help="run this many mutants, chosen at random")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--only", type=int, nargs="+", help="run these mutants (--list numbers)")
    parser.add_argument("--report", type=Path, help="write the results as JSON")
    parser.add_argument(
        "--fail-under", type=float, default=0.0, help="exit 1 when a module's kill rate is lower"
    )
    args = parser.parse_args(argv)
    known = equivalents()
    reports = []
    for unit in args.modules:
        if (ROOT / PACKAGE / unit).is_dir():
            unit = unit.rstrip("/") + "/"
        sample = args.sample if args.sample is not None else DEFAULT_SAMPLE.get(unit)
        for module, share in file_samples(unit, sample).items():
            if args.list:
                for m in mutants((ROOT / PACKAGE / module).read_text()):
                    print(f"{module}:{m.line} [{m.index}] {m.key}")
                continue
            reports.append(run_one(module, args, share, known))
    if args.report:
        args.report.write_text(json.dumps(reports, indent=1))
    low = [r for r in reports if r["kill_rate"] is not None and r["kill_rate"] < args.fail_under]  # type: ignore[operator]
    return 1 if low else 0


if __name__ == "__main__":
    raise SystemExit(main())
