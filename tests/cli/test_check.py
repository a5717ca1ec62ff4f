"""The ``check`` command: the scanner, the catalog, the report and its exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
from pathlib import Path

import pytest

from requests_urllib_compat._cli import catalog
from requests_urllib_compat._cli.check import scan_all as scan_source_all
from requests_urllib_compat._cli.check import scan_source
from requests_urllib_compat._cli.common import Progress

from ..support.cli_helpers import ROOT, assert_clean_error, run_cli

LEGACY = textwrap.dedent("""\
    import urllib.request
    import urllib.parse
    import urllib.error as uerr
    from urllib.request import urlopen, Request as R, build_opener
    from urllib import request
    from six.moves.urllib.request import urlretrieve
    from six.moves import urllib as sixurllib
    import urllib2


    class MyRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            return None

        def helper(self):
            pass


    class Deeper(MyRedirect):
        def http_open(self, req):
            return self.do_open(None, req)


    class PutRequest(urllib2.Request):
        def get_method(self):
            return "PUT"


    def fetch(url):
        quoted = urllib.parse.quote(url)
        try:
            with urllib.request.urlopen(R(quoted), timeout=3) as r:
                return r.read()
        except uerr.HTTPError as e:
            return e.code
        urllib.request.install_opener(build_opener(MyRedirect))
        request.urlopen(url)
        sixurllib.request.urlopen(url)
        urllib2.urlopen(url)
""")


def uses(source: str) -> list[tuple[int, str, str, str]]:
    return [(u.line, u.kind, u.name, u.entry.status) for u in scan_source(source)]


def test_every_form_of_import_and_use_is_found() -> None:
    found = uses(LEGACY)
    assert found == [
        (1, "import", "urllib.request", "supported"),
        (3, "import", "urllib.error", "supported"),
        (4, "import", "urllib.request.urlopen", "difference"),
        (4, "import", "urllib.request.Request", "supported"),
        (4, "import", "urllib.request.build_opener", "difference"),
        (5, "import", "urllib.request", "supported"),
        (6, "import", "six.moves.urllib.request.urlretrieve", "difference"),
        (7, "import", "six.moves.urllib", "difference"),
        (8, "import", "urllib2", "unsupported"),
        (11, "subclass", "MyRedirect(urllib.request.HTTPRedirectHandler)", "difference"),
        (12, "hook", "MyRedirect.redirect_request", "supported"),
        (20, "hook", "Deeper.http_open", "supported"),  # a subclass of a subclass
        (24, "subclass", "PutRequest(urllib2.Request)", "unsupported"),
        (25, "hook", "PutRequest.get_method", "supported"),
        (32, "call", "urllib.request.urlopen", "difference"),
        (32, "call", "urllib.request.Request", "supported"),
        (34, "reference", "urllib.error.HTTPError", "supported"),
        (36, "call", "urllib.request.install_opener", "difference"),
        (36, "call", "urllib.request.build_opener", "difference"),
        (37, "call", "urllib.request.urlopen", "difference"),
        (38, "call", "six.moves.urllib.request.urlopen", "difference"),
        (39, "call", "urllib2.urlopen", "unsupported"),
    ]


def test_unrelated_code_is_not_reported() -> None:
    assert (
        uses(
            "import urllib.parse\nurllib.parse.quote('x')\nfrom urllib.parse import urljoin\n"
            "def urlopen(x): pass\nurlopen(1)\nimport requests\nrequests.get('u')\n"
        )
        == []
    )


def test_python2_urllib_functions_are_flagged() -> None:
    assert uses("import urllib\nurllib.urlopen('http://x')\n") == [
        (2, "call", "urllib.urlopen", "unsupported")
    ]


def test_future_moves_and_plain_urllib_package() -> None:
    assert uses(
        "from future.moves.urllib.request import urlopen\nurlopen(u)\n"
        "import urllib\nurllib.request.Request(u)\n"
    ) == [
        (1, "import", "future.moves.urllib.request.urlopen", "difference"),
        (2, "call", "future.moves.urllib.request.urlopen", "difference"),
        (4, "call", "urllib.request.Request", "supported"),
    ]


def test_star_import_and_do_open_override() -> None:
    found = scan_source(
        "from urllib.request import *\n"
        "class H(HTTPHandler):\n    pass\n"
        "class T(__import__('urllib.request').request.HTTPHandler):\n"
        "    def do_open(self, c, r): pass\n"
    )
    assert [(u.kind, u.name) for u in found] == [("import", "urllib.request.*")]
    (do_open,) = [
        u
        for u in scan_source(
            "import urllib.request as u\nclass T(u.HTTPHandler):\n    def do_open(self, c, r): "
            "...\n"
        )
        if u.kind == "hook"
    ]
    assert do_open.entry.status == "supported"  # the class given to do_open is honoured
    assert do_open.entry.section is None


def test_catalog_sections_exist_in_the_differences_page() -> None:
    page = (ROOT / catalog.DIFFERENCES_PAGE).read_text()
    headings = set(re.findall(r"^## (.+)$", page, re.M))
    entries = [*catalog.NAMES.values(), *(e for _, e in catalog.HOOKS), *catalog.MODULES.values()]
    sections = {e.section for e in entries if e.section}
    assert sections and sections <= headings
    assert (
        catalog.Entry("difference", "", "Code that reaches below the handler chain").reference
        == "docs/differences.md#code-that-reaches-below-the-handler-chain"
    )


def test_catalog_covers_the_whole_stdlib_api() -> None:
    import urllib.request

    for name in urllib.request.__all__:
        assert catalog.lookup_name("urllib.request", name).status in ("supported", "difference")
    assert catalog.lookup_name("urllib.request", "socket").status == "unsupported"
    assert catalog.lookup_name("urllib.request", "nonexistent").status == "unsupported"


def write_tree(root: Path) -> None:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "legacy.py").write_text(LEGACY)
    (root / "pkg" / "sub" / "clean.py").write_text("import os\n")
    (root / "pkg" / "sub" / "notes.txt").write_text("import urllib2\n")  # not a .py file
    (root / "pkg" / "env").mkdir()  # a virtualenv, whatever its name
    (root / "pkg" / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "pkg" / "env" / "ignored.py").write_text("import urllib2\n")
    (root / "pkg" / ".git").mkdir()
    (root / "pkg" / ".git" / "ignored.py").write_text("import urllib2\n")


def test_text_report_and_summary(tmp_path: Path) -> None:
    write_tree(tmp_path)
    result = run_cli("check", "pkg", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{Path('pkg/legacy.py')}:1:1: import urllib.request: supported")
    assert any(
        "call urllib.request.urlopen: supported with a documented difference - sent "
        "through requests over pooled keep-alive connections (see docs/differences.md"
        "#connections-are-kept-alive-and-pooled)" in line
        for line in lines
    )
    assert lines[-2:] == [
        "2 files scanned, 1 of them use urllib.",
        "22 uses: 9 supported, 10 supported with a documented difference, 3 not supported.",
    ]


def test_json_report(tmp_path: Path) -> None:
    write_tree(tmp_path)
    result = run_cli("check", "--format", "json", str(tmp_path / "pkg"))
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["files_scanned"] == 2
    assert report["files_with_uses"] == 1
    assert report["summary"] == {"supported": 9, "difference": 10, "unsupported": 3}
    assert report["errors"] == []
    first = report["uses"][0]
    assert first == {
        "path": str(tmp_path / "pkg" / "legacy.py"),
        "line": 1,
        "column": 1,
        "kind": "import",
        "name": "urllib.request",
        "status": "supported",
        "note": catalog.MODULES["urllib.request"].note,
        "reference": None,
    }


def test_strict_fails_on_unsupported_uses(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text("import urllib2\n")
    (tmp_path / "new.py").write_text("from urllib.request import urlopen\n")
    assert run_cli("check", "old.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--strict", "old.py", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--strict", "new.py", cwd=tmp_path).returncode == 0


def test_syntax_error_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_broken.py").write_text("import urllib.request\ndef f(:\n    pass\n")
    (tmp_path / "b_fine.py").write_text("import urllib.request\n")
    (tmp_path / "c_nul.py").write_bytes(b"import urllib\nx = 1\0\n")
    (tmp_path / "d_unrelated.py").write_text("def f(:\n")  # never mentions urllib: not parsed
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"{tmp_path / 'a_broken.py'}: cannot parse: ")
    assert errors[0].endswith("(line 2)")
    assert errors[1].startswith(f"{tmp_path / 'c_nul.py'}: cannot parse: ")
    assert "None" not in errors[1]  # no line number on 3.12+: none shown
    assert "b_fine.py:1:1: import urllib.request: supported" in result.stdout
    assert "4 files scanned, 1 of them use urllib, 2 could not be parsed or read." in result.stdout


def test_missing_path_is_one_line(tmp_path: Path) -> None:
    assert_clean_error(run_cli("check", str(tmp_path / "nope")), "nope", "no such file")
    assert run_cli("check", str(tmp_path / "nope")).returncode == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_paths(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("import urllib.request\n")
    secret.chmod(0)
    assert_clean_error(run_cli("check", str(secret)), "secret.py", "permission denied")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert_clean_error(run_cli("check", str(locked)), "locked", "permission denied")
    finally:
        locked.chmod(0o755)


def test_unreadable_file_inside_a_tree_is_reported(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("import urllib.request\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"{tmp_path / 'dangling.py'}: cannot read: "
        "No such file or directory"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(40, "check: scanned", stream=stream)
        for done in range(1, 41):
            progress.update(done)
        progress.close()
    assert "\rcheck: scanned 1/40 files (2%)" in terminal.getvalue()
    assert "\rcheck: scanned 40/40 files (100%)" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")
    assert pipe.getvalue() == ""
    small = _Terminal()
    Progress(3, "x", stream=small).update(1)  # a few files: not worth a counter
    assert small.getvalue() == ""


def test_progress_on_a_real_terminal(tmp_path: Path) -> None:
    """End to end: stderr on a pseudo-terminal gets the counter, stdout stays clean."""
    import pty
    import subprocess
    import sys

    for number in range(30):
        (tmp_path / f"m{number:02}.py").write_text("from urllib.request import urlopen\n")
    controller, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "requests_urllib_compat", "check", str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        os.close(terminal)
        terminal = -1
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal side is closed and drained
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if terminal != -1:
            os.close(terminal)
        os.close(controller)
    assert result.returncode == 0
    assert "check: scanned 30/30 files (100%)" in seen.decode()
    assert "\r" not in result.stdout  # the counter never reaches stdout
    assert result.stdout.endswith(
        "30 uses: 0 supported, 30 supported with a documented difference, 0 not supported.\n"
    )


def test_a_file_named_twice_is_scanned_once(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import urllib.request\n")
    result = run_cli("check", ".", "a.py", "./a.py", cwd=tmp_path)
    assert result.stdout.endswith(
        "1 file scanned, 1 of them use urllib.\n"
        "1 use: 1 supported, 0 supported with a documented difference,"
        " 0 not supported.\n"
    )


def test_same_object_notes_are_true() -> None:
    """An entry saying "the stdlib's own object" is one: ours is urllib's (urlcleanup is not)."""
    import urllib.request

    import requests_urllib_compat.request as compat

    for name in dir(compat):
        entry = catalog.lookup_name("urllib.request", name)
        if entry.note == catalog._SAME:
            assert getattr(compat, name) is getattr(urllib.request, name), name


PATCHES = textwrap.dedent("""\
    import urllib.request
    from unittest import mock
    from unittest.mock import patch

    @mock.patch("urllib.request.urlopen")
    def test_a(fake, monkeypatch):
        monkeypatch.setattr("urllib.request.build_opener", None)
        monkeypatch.setattr(urllib.request, "Request", None)
        with patch.object(urllib.request, "urlopen"), patch("urllib.error.HTTPError"):
            pass
        mock.patch("urllib.request.pathname2url")
        mock.patch("os.getcwd")
        setattr(urllib.request, "install_opener", None)
        patch("requests_urllib_compat.request.urlopen")
""")


def test_patch_targets_are_reported() -> None:
    found = uses(PATCHES)
    assert [use for use in found if use[1] == "patch"] == [
        (5, "patch", "urllib.request.urlopen", "difference"),
        (7, "patch", "urllib.request.build_opener", "difference"),
        (8, "patch", "urllib.request.Request", "difference"),
        (9, "patch", "urllib.request.urlopen", "difference"),
        (9, "patch", "urllib.error.HTTPError", "difference"),
        (11, "patch", "urllib.request.pathname2url", "difference"),
        (13, "patch", "urllib.request.install_opener", "difference"),
    ]
    (urlopen,) = [use for use in scan_source(PATCHES) if use.line == 5]
    assert "requests_urllib_compat.request.urlopen" in urlopen.entry.note
    (helper,) = [use for use in scan_source(PATCHES) if use.line == 11]
    assert "helper" in helper.entry.note
    (reference,) = scan_source("import urllib.request\nurllib.request.pathname2url('/')\n")[1:]
    assert "migrate` leaves a module using only helpers on the stdlib" in reference.entry.note


def test_python2_fallback_and_pragma_pass_strict(tmp_path: Path) -> None:
    (tmp_path / "compat.py").write_text(
        textwrap.dedent("""\
        try:
            from urllib import urlopen, urlencode
        except ImportError:
            from urllib.request import urlopen
        try:
            from urllib.request import Request
        except (ImportError, AttributeError):
            from urllib2 import Request
        try:
            import urllib2
        except ModuleNotFoundError:
            urllib2 = None
        import urllib2 as legacy  # urllib-compat: ignore
        x = "# urllib-compat: ignore"; import urllib2
        urlopen(Request("http://example.invalid/"))
    """)
    )
    found = uses((tmp_path / "compat.py").read_text())
    assert found == [
        (4, "import", "urllib.request.urlopen", "difference"),
        (6, "import", "urllib.request.Request", "supported"),
        (14, "import", "urllib2", "unsupported"),  # the pragma was in a string: no pragma
        (15, "call", "urllib.request.urlopen", "difference"),  # the Python 3 binding wins
        (15, "call", "urllib.request.Request", "supported"),
    ]
    (tmp_path / "compat.py").write_text(
        (tmp_path / "compat.py")
        .read_text()
        .replace("import urllib2\nurlopen", "import urllib2  # urllib-compat: ignore\nurlopen")
    )
    assert run_cli("check", "--strict", "compat.py", cwd=tmp_path).returncode == 0


def test_exclude(tmp_path: Path) -> None:
    for name in ("app/main.py", "app/vendor/six.py", "tests/fixtures/old.py", "app/gen_pb2.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("import urllib2\n")
    result = run_cli(
        "check",
        "--strict",
        ".",
        "--exclude",
        "vendor",
        "--exclude",
        "tests/fixtures",
        "--exclude",
        "*_pb2.py",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout.startswith(f"{Path('app/main.py')}:1:1: import urllib2")
    assert "1 file scanned" in result.stdout
    result = run_cli("check", "--strict", "app/main.py", "--exclude", "app", cwd=tmp_path)
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        0,
        "0 files scanned, 0 of them use urllib.",
    )


def test_uses_of_this_package_are_a_separate_section(tmp_path: Path) -> None:
    (tmp_path / "done.py").write_text(
        "import requests_urllib_compat.request as ur\n"
        "from requests_urllib_compat import urlopen\n"
        "from requests_urllib_compat.error import HTTPError\n"
    )
    (tmp_path / "test_done.py").write_text(
        "from unittest import mock\n"
        "@mock.patch('requests_urllib_compat.request.urlopen')\ndef test(f): pass\n"
    )
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "Uses of requests_urllib_compat (the migration is over, and the package can go, when "
        "none are left):",
        "done.py:1:1: import requests_urllib_compat.request",
        "done.py:2:1: import requests_urllib_compat.urlopen",
        "done.py:3:1: import requests_urllib_compat.error.HTTPError",
        "test_done.py:2:2: patch requests_urllib_compat.request.urlopen",
        "",
        "2 files scanned, 0 of them use urllib.",
        "4 uses of requests_urllib_compat in 2 file(s).",
        "0 uses: 0 supported, 0 supported with a documented difference, 0 not supported.",
    ]
    report = json.loads(run_cli("check", "--format", "json", ".", cwd=tmp_path).stdout)
    assert [(use["path"], use["line"], use["name"]) for use in report["compat_uses"]] == [
        ("done.py", 1, "requests_urllib_compat.request"),
        ("done.py", 2, "requests_urllib_compat.urlopen"),
        ("done.py", 3, "requests_urllib_compat.error.HTTPError"),
        ("test_done.py", 2, "requests_urllib_compat.request.urlopen"),
    ]


def test_a_deeply_nested_valid_file_is_scanned(tmp_path: Path) -> None:
    """Like sympy's generated polys/numberfields/resolvent_lookup.py: Python compiles it, the
    default recursion limit is too low to walk its tree."""
    terms = " + ".join(f"{n}*x**2" for n in range(2500))
    (tmp_path / "deep.py").write_text(
        f"from urllib.request import urlopen\nx = 1\ntable = {{1: ({terms}, [urlopen])}}\n"
    )
    compile((tmp_path / "deep.py").read_text(), "deep.py", "exec")  # valid Python
    result = run_cli("check", "deep.py", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert "deep.py:3:" in result.stdout and "reference urllib.request.urlopen" in result.stdout


def test_many_files_are_scanned_in_parallel_with_the_same_report(tmp_path: Path) -> None:
    from requests_urllib_compat._cli import check

    count = check._PARALLEL_MIN + 6  # files worth parsing: enough for the pool
    for number in range(count):
        (tmp_path / f"m{number:03}.py").write_text(
            f"import os\n{'from urllib.request import urlopen' if number % 2 else '# urllib'}\n"
        )
        (tmp_path / f"other{number:03}.py").write_text("import os\n")
    (tmp_path / "m000.py").write_text("import urllib.request\ndef f(:\n")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path / 'm000.py'}: cannot parse: invalid syntax (line 2)\n"
    lines = result.stdout.splitlines()
    expected = [
        f"{tmp_path / f'm{number:03}.py'}:2:1: import urllib.request.urlopen: supported "
        "with a documented difference - sent through requests over pooled keep-alive "
        "connections (see docs/differences.md#connections-are-kept-alive-and-pooled)"
        for number in range(1, count, 2)
    ]
    assert lines[:-3] == expected  # in order
    assert lines[-2:] == [
        f"{2 * count} files scanned, {count // 2} of them use urllib, 1 could "
        "not be parsed or read.",
        f"{count // 2} uses: 0 supported, "
        f"{count // 2} supported with a documented difference, 0 not "
        "supported.",
    ]


@pytest.mark.parametrize(
    ("source", "parsed"),
    [
        ('"""Fetches pages, as urllib would."""\ndef f(:\n', False),  # prose: not even parsed
        ("# see urllib.request\nimport os\n", False),
        ("import os, \\\n    urllib.request\n", True),
        ("x = 1; import urllib.request\n", True),
        ("if PY2: import urllib2\n", True),
        ("from six.moves import (\n    urllib,\n)\n", True),
        ("import six\nsix.moves.urllib.request.urlopen(u)\n", True),
        ("def test(m):\n    m.setattr('urllib.request.urlopen', None)\n", True),
        ("from requests_urllib_compat import urlopen\n", True),
    ],
)
def test_files_worth_parsing(source: str, parsed: bool) -> None:
    from requests_urllib_compat._cli.check import _WORTH_PARSING

    assert bool(_WORTH_PARSING.search(source.encode())) is parsed
    if parsed:
        assert scan_source(source) or scan_source_all(source)[1]


def test_a_file_too_deep_even_for_a_big_stack_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from requests_urllib_compat._cli import check

    monkeypatch.setattr(check, "_DEEP_RECURSION_LIMIT", 0)  # the retry gets no higher limit
    terms = " + ".join(f"{n}*x" for n in range(2500))
    (tmp_path / "deep.py").write_text(f"import urllib.request\nx = {terms}\n")
    (tmp_path / "fine.py").write_text("import urllib.request\n")
    assert check.check([str(tmp_path)]) == 0  # not an error: the scan is valid for the rest
    out, err = capsys.readouterr()
    assert (
        err == f"{tmp_path / 'deep.py'}: warning: nested too deeply for this Python's "
        "parser: not scanned\n"
    )
    assert "2 files scanned, 1 of them use urllib, 1 not scanned (see the warnings)." in out
