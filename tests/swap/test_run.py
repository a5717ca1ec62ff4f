"""``run SCRIPT`` / ``run -m MODULE``: unmodified programs, in a subprocess, on requests."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ..support.servers import RecordingServer

CLI = [sys.executable, "-m", "requests_urllib_compat", "run"]

LEGACY_SCRIPT = """\
import sys
import urllib.request
from urllib.request import urlopen

import helper  # a module next to the script: sys.path[0] is the script's directory

print(__name__, sys.argv[1:], helper.NAME)
url = sys.argv[1]
for path in ("/one", "/two"):
    with urlopen(url + path) as response:
        print(response.status, response.read().decode())
with urllib.request.build_opener().open(url + "/three") as response:
    print(response.status, response.read().decode())
sys.exit(int(sys.argv[2]))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)  # this checkout's package
    return env


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def program(tmp_path: Path) -> Path:
    (tmp_path / "helper.py").write_text("NAME = 'helper'\n")
    script = tmp_path / "legacy.py"
    script.write_text(LEGACY_SCRIPT)
    return script


def test_script_runs_through_the_package(program: Path, server: RecordingServer) -> None:
    result = _run([*CLI, str(program), server.origin, "3"], cwd=program.parent.parent)
    assert result.stderr == ""
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        f"__main__ ['{server.origin}', '3'] helper",
        "200 hello /one",
        "200 hello /two",
        "200 hello /three",
    ]
    assert [rec.target for rec in server.received] == ["/one", "/two", "/three"]
    # Through our pooled transport: urllib would send Connection: close and open 3 connections.
    assert all(rec.header("Connection") is None for rec in server.received)
    assert server.connections == 1


def test_same_program_on_the_stdlib_for_comparison(program: Path, server: RecordingServer) -> None:
    result = _run([sys.executable, str(program), server.origin, "3"], cwd=program.parent.parent)
    assert result.returncode == 3
    assert all(rec.header("Connection") == "close" for rec in server.received)
    assert server.connections == 3


def test_module_runs_as_main(tmp_path: Path, server: RecordingServer) -> None:
    package = tmp_path / "legacypkg"
    package.mkdir()
    # the package's __init__ runs before its modules: the swap must be on by then
    (package / "__init__.py").write_text("from urllib.request import urlopen\n")
    (package / "fetch.py").write_text(
        textwrap.dedent("""\
        import sys
        import urllib.request
        from legacypkg import urlopen
        assert urlopen is urllib.request.urlopen, urlopen.__module__
        print(__name__, sys.argv)
        with urllib.request.urlopen(sys.argv[1]) as response:
            print(response.read().decode())
        """)
    )
    (package / "__main__.py").write_text("import sys\nprint('package main', sys.argv[1:])\n")
    result = _run([*CLI, "-m", "legacypkg.fetch", server.url("/m"), "--flag"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module_file = str(package / "fetch.py")
    assert result.stdout.splitlines() == [
        f"__main__ [{module_file!r}, {server.url('/m')!r}, '--flag']",
        "hello /m",
    ]
    assert server.received[0].header("Connection") is None

    result = _run([*CLI, "-m", "legacypkg", "-x"], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "package main ['-x']\n")


@pytest.mark.parametrize(
    "body",
    [
        "raise SystemExit('fatal: no config')",
        "import sys\nsys.exit(None)",
        "def inner():\n    raise ValueError('bad value')\n\ninner()",
        "x = (",
    ],
    ids=["exit-message", "exit-none", "traceback", "syntax-error"],
)
def test_exit_status_and_stderr_as_python_shows_them(tmp_path: Path, body: str) -> None:
    script = tmp_path / "prog.py"
    script.write_text(body + "\n")
    ours = _run([*CLI, str(script)], cwd=tmp_path)
    python = _run([sys.executable, str(script)], cwd=tmp_path)
    expected = python.stderr
    if "SyntaxError" in python.stderr:
        # Python 3.9 places a syntax error at the end of a file a line later when it reads the
        # file itself than compile() (so runpy, python -m, and ours) does: ours is compile()'s.
        expected = _run(
            [sys.executable, "-c", SHOW_COMPILE_ERROR, str(script)], cwd=tmp_path
        ).stderr
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        python.returncode,
        python.stdout,
        expected,
    )


SHOW_COMPILE_ERROR = """\
import sys, traceback
with open(sys.argv[1], "rb") as file:
    source = file.read()
try:
    compile(source, sys.argv[1], "exec", dont_inherit=True)
except SyntaxError as exc:
    sys.stderr.write("".join(traceback.format_exception_only(SyntaxError, exc)))
"""


def test_missing_script_is_one_line(tmp_path: Path) -> None:
    result = _run([*CLI, "nowhere.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "can't open file" in result.stderr and "nowhere.py" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["-m", "no_such_module_here"], ["-m", "json"]])
def test_unrunnable_module_is_one_line(tmp_path: Path, args: list[str]) -> None:
    result = _run([*CLI, *args], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("run: No module named")


def test_usage_errors(tmp_path: Path) -> None:
    for args in ([], ["-m"]):
        result = _run([*CLI, *args], cwd=tmp_path)
        assert result.returncode == 2
        assert "usage: run SCRIPT" in result.stderr
        assert "Traceback" not in result.stderr


MAIN_PROBE = """\
import builtins
import pickle
import sys


class Point:
    pass


print(__name__, __file__, sys.argv, sys.path[0], __spec__, __package__)
print(type(__loader__).__name__, __builtins__ is builtins, sys.modules["__main__"].Point is Point)
print(type(pickle.loads(pickle.dumps(Point()))).__qualname__)
"""


def test_script_sees_what_python_shows_it(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(MAIN_PROBE)
    ours = _run([*CLI, "probe.py", "a", "--b"], cwd=tmp_path)
    python = _run([sys.executable, "probe.py", "a", "--b"], cwd=tmp_path)
    assert ours.stderr == ""
    assert (ours.returncode, ours.stdout) == (python.returncode, python.stdout)


def test_directory_with_main(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__main__.py").write_text(
        "import sys, urllib.request\n"
        "print(__name__, __file__, sys.argv, urllib.request.urlopen.__module__)\n"
    )
    result = _run([*CLI, "app", "x"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"__main__ {app / '__main__.py'} ['app', 'x'] requests_urllib_compat._director\n"
    )


def test_module_traceback_and_exit_as_python_m(tmp_path: Path) -> None:
    (tmp_path / "failing.py").write_text(
        "import sys\nprint(sys.argv[1:])\ndef go():\n    raise LookupError('missing')\n\ngo()\n"
    )
    ours = _run([*CLI, "-m", "failing", "arg"], cwd=tmp_path)
    python = _run([sys.executable, "-m", "failing", "arg"], cwd=tmp_path)
    assert ours.returncode == python.returncode == 1
    assert ours.stdout == python.stdout == "['arg']\n"
    # python -m shows runpy's two frames first; ours leaves runpy and the runner out.
    assert ours.stderr.splitlines()[0] == "Traceback (most recent call last):"
    assert ours.stderr.splitlines()[1:] == _without_runpy_frames(python.stderr)[1:]


def _without_runpy_frames(stderr: str) -> list[str]:
    """A traceback's lines without runpy's frames: ``File "<frozen runpy>"`` (Python 3.11+)
    or ``File ".../runpy.py"`` followed by its source line (3.9, 3.10)."""
    kept, in_runpy = [], False
    for line in stderr.splitlines():
        if line.startswith('  File "'):
            in_runpy = line.startswith(('  File "<frozen runpy>"', f'  File "{runpy.__file__}"'))
        elif not line.startswith("    "):
            in_runpy = False
        if not in_runpy:
            kept.append(line)
    return kept


def test_help(tmp_path: Path) -> None:
    result = _run([*CLI, "--help"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: run SCRIPT [ARGS...] | run -m MODULE [ARGS...]\n")
    listing = _run([sys.executable, "-m", "requests_urllib_compat", "--help"], cwd=tmp_path)
    assert "run a script (or -m MODULE)" in listing.stdout
