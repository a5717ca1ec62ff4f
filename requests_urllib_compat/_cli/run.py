"""``run SCRIPT [ARGS...]`` / ``run -m MODULE [ARGS...]``: an unmodified program on requests.

The program runs as ``python SCRIPT`` or ``python -m MODULE`` would run it (``sys.argv``,
``sys.path[0]``, ``__name__ == "__main__"``, its exit status, its traceback), in this process
with the swap (:func:`requests_urllib_compat.install`) on for the rest of the process's life.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import importlib.util
import os
import runpy
import sys
import types
import zipfile
from collections.abc import Callable, Sequence
from types import TracebackType

from ..swap import install

__all__ = ["main", "run_module", "run_path"]

USAGE = "usage: run SCRIPT [ARGS...] | run -m MODULE [ARGS...]"
HELP = """\
Run a Python program with urllib.request swapped for requests_urllib_compat, as
`python SCRIPT [ARGS...]` or `python -m MODULE [ARGS...]` would run it: same sys.argv,
sys.path[0], __main__, exit status and traceback.  Its arguments are passed on untouched."""
_OWN_FILES = {
    os.path.abspath(__file__),
    os.path.abspath(runpy.__file__),
    os.path.abspath(runpy.run_path.__code__.co_filename),
}


def run_path(argv: Sequence[str]) -> int:
    """Run ``argv[0]`` (a script, a directory or a zip file with ``__main__.py``) as ``python``
    would, with ``argv`` as ``sys.argv``.  Returns the exit status; ``SystemExit`` propagates."""
    path = argv[0]
    if not os.path.exists(path):
        error = FileNotFoundError(2, "No such file or directory")
        print(f"run: can't open file {os.path.abspath(path)!r}: {error}", file=sys.stderr)
        return 2
    sys.argv[:] = list(argv)
    if os.path.isdir(path) or zipfile.is_zipfile(path):
        del sys.path[0]  # runpy puts the directory or zip file itself first
        install()
        return _guarded(lambda: runpy.run_path(path, run_name="__main__"))
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    install()
    return _guarded(lambda: _exec_script(os.path.abspath(path)))


def _exec_script(filename: str) -> None:
    """``python SCRIPT``: a fresh ``__main__`` module whose ``__file__`` is the absolute path,
    while ``sys.argv[0]`` stays as given (``runpy.run_path`` would change it)."""
    with open(filename, "rb") as file:
        source = file.read()
    code = compile(source, filename, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__file__ = filename
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", filename)
    main.__cached__ = None  # type: ignore[attr-defined]
    main.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = main
    exec(code, vars(main))


def run_module(argv: Sequence[str]) -> int:
    """Run module ``argv[0]`` as ``python -m`` would, with ``argv`` as ``sys.argv`` (its first
    item becomes the module's file).  Returns the exit status; ``SystemExit`` propagates."""
    name = argv[0]
    sys.argv[:] = list(argv)
    sys.path[0] = os.getcwd()
    install()  # before find_spec, which imports the package (and parents) of ``name``
    problem = _unrunnable(name)
    if problem:
        print(f"run: {problem}", file=sys.stderr)
        return 1
    return _guarded(lambda: runpy.run_module(name, run_name="__main__", alter_sys=True))


def _unrunnable(name: str) -> str | None:
    """Why ``python -m name`` would refuse to start, or None."""
    try:
        spec = importlib.util.find_spec(name)
        if spec is None:
            return f"No module named {name}"
        is_package = spec.submodule_search_locations is not None  # runs its __main__
        if is_package and importlib.util.find_spec(f"{name}.__main__") is None:
            return (
                f"No module named {name}.__main__; {name!r} is a package and cannot be "
                "directly executed"
            )
    except (ImportError, ValueError) as exc:
        return str(exc) or f"No module named {name}"
    return None


def _guarded(call: Callable[[], object]) -> int:
    """Run the program; an uncaught exception is reported by ``sys.excepthook`` with this
    module's and runpy's frames left out, and gives status 1, as in ``python``."""
    try:
        call()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        tb = _program_frames(exc.__traceback__)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1
    return 0


def _program_frames(tb: TracebackType | None) -> TracebackType | None:
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in _OWN_FILES:
        tb = tb.tb_next
    return tb


def main(argv: Sequence[str]) -> int:
    """The ``run`` subcommand: ``argv`` is what follows ``run`` on the command line."""
    args = list(argv)
    if args[:1] in (["-h"], ["--help"]):
        print(f"{USAGE}\n\n{HELP}")
        return 0
    if args[:1] == ["-m"]:
        if len(args) < 2:
            print(f"run: -m needs a module name\n{USAGE}", file=sys.stderr)
            return 2
        return run_module(args[1:])
    if not args:
        print(f"run: no script given\n{USAGE}", file=sys.stderr)
        return 2
    return run_path(args)
