"""What the command-line commands share: the one-line error, finding Python files, progress."""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["CommandError", "Progress", "python_files", "syntax_error_text"]

# Directories no one wants scanned or rewritten.
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "site-packages",
    }
)


class CommandError(Exception):
    """Bad input: the command prints ``str(exc)`` as one line on stderr and exits 2."""


def syntax_error_text(exc: SyntaxError) -> str:
    """``cannot parse: invalid syntax (line 2)``: the same words for ``check`` and ``migrate``
    (a SyntaxError for null bytes has no line number on some Pythons)."""
    text = f"cannot parse: {exc.msg}"
    if exc.lineno is not None:
        text += f" (line {exc.lineno})"
    return text


def python_files(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[Path]:
    """The ``.py`` files named by ``paths`` (directories searched recursively, sorted).

    Checked up front so that a typo fails before any work is done.  A file is left out when an
    ``exclude`` glob matches its name, one of its directories, or its path up to any directory
    (``vendor``, ``*_pb2.py``, ``tests/fixtures``), as given on the command line.
    """
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise CommandError(f"{name}: no such file or directory")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise CommandError(f"{name}: permission denied")
            found.extend(_walk(path, exclude))
        elif not os.access(path, os.R_OK):
            raise CommandError(f"{name}: permission denied")
        elif not _excluded(path, exclude):
            found.append(path)  # named explicitly: scanned whatever its suffix
    return list(dict.fromkeys(found))  # a file named twice (or inside a named dir) once


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    parts = path.parts
    candidates = {*parts, *(Path(*parts[:end]).as_posix() for end in range(1, len(parts) + 1))}
    return any(
        fnmatch.fnmatchcase(candidate, pattern.rstrip("/"))
        for pattern in patterns
        for candidate in candidates
    )


def _walk(root: Path, exclude: Sequence[str]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in _SKIP_DIRS
            and not d.endswith(".egg-info")
            and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))  # a virtualenv
            and not _excluded(Path(dirpath, d), exclude)
        )
        for filename in sorted(filenames):
            if filename.endswith(".py") and not _excluded(Path(dirpath, filename), exclude):
                yield Path(dirpath, filename)


class Progress:
    """``scanned 120/4031 files`` redrawn in place on stderr, only when stderr is a terminal.

    Built in (no dependency): a counter is all a scan needs, and it must never garble
    redirected output or CI logs.
    """

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, min_total: int = 20
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.total = total
        self.label = label
        self.enabled = total >= min_total and _isatty(self.stream)
        self._shown = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        percent = done * 100 // self.total
        if percent != self._shown:
            self._shown = percent
            self.stream.write(f"\r{self.label} {done}/{self.total} files ({percent}%)")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._shown >= 0:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
