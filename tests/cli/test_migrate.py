"""The ``migrate`` codemod: rewrites, formatting kept, idempotence, diff/--write, refusals."""

from __future__ import annotations

import importlib.util
import json
import os
import textwrap
from pathlib import Path

import pytest

from requests_urllib_compat._cli.migrate import rewrite_source

from ..support.cli_helpers import ROOT, assert_clean_error, run_cli
from ..support.ports import free_port
from ..support.servers import RecordingServer, Reply


def rewrite(source: str) -> str:
    return rewrite_source(textwrap.dedent(source)).code


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from urllib.request import urlopen, Request as R  # names\n",
            "from requests_urllib_compat.request import urlopen, Request as R  # names\n",
        ),
        (
            "from urllib.error import (\n    HTTPError,  # the 4xx\n    URLError,\n)\n",
            "from requests_urllib_compat.error import (\n    HTTPError,  # the 4xx\n    "
            "URLError,\n)\n",
        ),
        ("from urllib.request import *\n", "from requests_urllib_compat.request import *\n"),
        (
            "import urllib.request as ur\nur.urlopen(u)\n",
            "import requests_urllib_compat.request as ur\nur.urlopen(u)\n",
        ),
        (
            "from urllib import request as req, error\n",
            "from requests_urllib_compat import request as req, error\n",
        ),
        (
            "from urllib import parse, request\n",
            "from requests_urllib_compat import request\nfrom urllib import parse\n",
        ),
        (
            "import urllib.request\nurllib.request.urlopen(urllib.request.Request(u))\n",
            "import requests_urllib_compat.request\n"
            "requests_urllib_compat.request.urlopen(requests_urllib_compat.request.Request(u))\n",
        ),
        # `import urllib.request` made urllib.parse reachable: keep it reachable
        (
            "import urllib.request  # fetch\nurllib.request.urlopen(urllib.parse.quote(u))\n",
            "import requests_urllib_compat.request  # fetch\nimport urllib.parse\n"
            "requests_urllib_compat.request.urlopen(urllib.parse.quote(u))\n",
        ),
        # ... unless something else imports it already
        (
            "import urllib.parse\nimport urllib.error\nurllib.parse.quote(urllib.error.URLError)\n",
            "import urllib.parse\nimport requests_urllib_compat.error\n"
            "urllib.parse.quote(requests_urllib_compat.error.URLError)\n",
        ),
        (
            "import os, urllib.request; x = 1\n",
            "import os, requests_urllib_compat.request; x = 1\n",
        ),
        # `import urllib.request` made urllib.error reachable too: the common try/except pattern
        (
            "import urllib.request\n"
            "def get(u):\n"
            "    try:\n        return urllib.request.urlopen(u).read()\n"
            "    except urllib.error.HTTPError as e:\n"
            "        return urllib.parse.quote(e.reason)\n",
            "import requests_urllib_compat.request\nimport requests_urllib_compat.error\n"
            "import urllib.parse\n"
            "def get(u):\n"
            "    try:\n        return requests_urllib_compat.request.urlopen(u).read()\n"
            "    except requests_urllib_compat.error.HTTPError as e:\n"
            "        return urllib.parse.quote(e.reason)\n",
        ),
        # `import urllib.parse` alongside does not stop urllib.error from being ours (check
        # reports it)
        (
            "import urllib.request\nimport urllib.parse\n"
            "urllib.error.URLError(urllib.parse.quote(u))\n",
            "import requests_urllib_compat.request\nimport requests_urllib_compat.error\n"
            "import urllib.parse\nrequests_urllib_compat.error.URLError(urllib.parse.quote(u))\n",
        ),
        # urllib.error, urllib.request reached through another import of the package: ours,
        # imported (check reports them as uses)
        (
            "import urllib.parse\ntry:\n    pass\nexcept urllib.error.URLError:\n    pass\n",
            "import urllib.parse\nimport requests_urllib_compat.error\ntry:\n    pass\n"
            "except requests_urllib_compat.error.URLError:\n    pass\n",
        ),
        (
            "import urllib\nurllib.request.urlopen(urllib.parse.quote(u))\n",
            "import urllib\nimport requests_urllib_compat.request\n"
            "requests_urllib_compat.request.urlopen(urllib.parse.quote(u))\n",
        ),
        (
            "import urllib.error\nurllib.request.urlopen(u)\n",
            "import requests_urllib_compat.error\nimport requests_urllib_compat.request\n"
            "requests_urllib_compat.request.urlopen(u)\n",
        ),
        # ... imported already: nothing added
        (
            "import urllib.request, urllib.error\nurllib.error.URLError\n",
            "import requests_urllib_compat.request, requests_urllib_compat.error\n"
            "requests_urllib_compat.error.URLError\n",
        ),
    ],
)
def test_rewrites(before: str, after: str) -> None:
    assert rewrite(before) == after
    assert rewrite(after) == after  # idempotent


# Each case: the module-level ``import urllib.request`` is rewritten, and a ``urllib`` bound by
# something else in an inner (or the same) scope is not the module: its chains stay as they are.
@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "import urllib.request\ndef fetch(urllib, u):\n    return urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "def fetch(urllib, u):\n    return urllib.request.urlopen(u)\n",
            id="parameter",
        ),
        pytest.param(
            "import urllib.request\n"
            "def fetch(u):\n    urllib = make_client()\n    return urllib.request.urlopen(u)\n"
            "urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "def fetch(u):\n    urllib = make_client()\n    return urllib.request.urlopen(u)\n"
            "requests_urllib_compat.request.urlopen(u)\n",
            id="local-assignment",
        ),
        pytest.param(
            "import urllib.request\n"
            "def fetch(u):\n    import client as urllib\n    return urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "def fetch(u):\n    import client as urllib\n    return urllib.request.urlopen(u)\n",
            id="function-level-import-as",
        ),
        pytest.param(
            "import urllib.request\n"
            "codes = [urllib.request.code for urllib in clients]\n"
            "def fetch_all(clients):\n"
            "    for urllib in clients:\n        urllib.request.urlopen(u)\n"
            "    return urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "codes = [urllib.request.code for urllib in clients]\n"
            "def fetch_all(clients):\n"
            "    for urllib in clients:\n        urllib.request.urlopen(u)\n"
            "    return urllib.request.urlopen(u)\n",
            id="comprehension-and-for-targets",
        ),
        pytest.param(
            "import urllib.request\nfor urllib in clients:\n    urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "for urllib in clients:\n    urllib.request.urlopen(u)\n",
            id="module-level-for-target",
        ),
        pytest.param(
            "import urllib.request\n"
            "class Fetcher:\n"
            "    urllib = None\n"
            "    handler = urllib.request.handler\n"
            "    def fetch(self, u):\n"
            "        self.urllib.request.urlopen(u)\n"
            "        return urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "class Fetcher:\n"
            "    urllib = None\n"
            "    handler = urllib.request.handler\n"
            "    def fetch(self, u):\n"
            "        self.urllib.request.urlopen(u)\n"
            "        return requests_urllib_compat.request.urlopen(u)\n",
            id="class-attribute",
        ),
        pytest.param(
            "import urllib.request\n"
            "def outer(u):\n"
            "    def inner():\n        return urllib.request.urlopen(u)\n"
            "    return inner\n",
            "import requests_urllib_compat.request\n"
            "def outer(u):\n"
            "    def inner():\n        return requests_urllib_compat.request.urlopen(u)\n"
            "    return inner\n",
            id="nested-function-uses-the-module",
        ),
        pytest.param(
            "def fetch(u):\n"
            "    import urllib.request  # here only\n"
            "    def inner():\n        return urllib.request.urlopen(urllib.parse.quote(u))\n"
            "    return inner()\n"
            "def other(urllib, u):\n    return urllib.request.urlopen(u)\n",
            "def fetch(u):\n"
            "    import requests_urllib_compat.request  # here only\n"
            "    import urllib.parse\n"
            "    def inner():\n"
            "        return requests_urllib_compat.request.urlopen(urllib.parse.quote(u))\n"
            "    return inner()\n"
            "def other(urllib, u):\n    return urllib.request.urlopen(u)\n",
            id="function-level-import",
        ),
        pytest.param(
            "import urllib.request\n"
            "def quote(urllib, u):\n    return urllib.parse.quote(u), urllib\n"
            "send(urllib=1)\n"
            "urllib.request.urlopen(u)\n",
            "import requests_urllib_compat.request\n"
            "def quote(urllib, u):\n    return urllib.parse.quote(u), urllib\n"
            "send(urllib=1)\n"
            "requests_urllib_compat.request.urlopen(u)\n",
            id="parse-only-through-a-shadowing-local",
        ),
        pytest.param(
            "import urllib.request\n"
            "def fetch(u):\n    global urllib\n    return urllib.request.urlopen(u), urllib\n",
            "import requests_urllib_compat.request\n"
            "import urllib\n"
            "def fetch(u):\n"
            "    global urllib\n    return requests_urllib_compat.request.urlopen(u), urllib\n",
            id="global-declaration",
        ),
        pytest.param(  # bound two ways before the use: which one depends on the run (docs/cli.md)
            "try:\n    import urllib.request\nexcept ImportError:\n    urllib = None\n"
            "urllib.request.urlopen(u)\n",
            "try:\n    import requests_urllib_compat.request\nexcept ImportError:\n    urllib = "
            "None\n"
            "urllib.request.urlopen(u)\n",
            id="module-level-import-or-none",
        ),
        pytest.param(  # unbound there (a NameError): not the module, as check sees it; no crash
            "urllib.request.urlopen(u)\nurllib.error.URLError\nimport urllib.request\n",
            "urllib.request.urlopen(u)\nurllib.error.URLError\nimport "
            "requests_urllib_compat.request\n",
            id="used-before-the-import",
        ),
    ],
)
def test_rewrites_only_the_module_not_a_shadowing_name(before: str, after: str) -> None:
    assert rewrite(before) == after
    assert rewrite(after) == after  # idempotent


@pytest.mark.parametrize(
    "source",
    [
        "import urllib.parse\nfrom urllib.parse import urljoin\nurllib.parse.quote('x')\n",
        "from urllib import parse\n",
        "import urllib\n",
        "from . import request\nfrom .urllib import request as r\n",
        "# import urllib.request\ns = 'urllib.request.urlopen'\n",
        "import requests\nrequests.get('http://x')\n",
    ],
)
def test_unrelated_code_is_left_alone(source: str) -> None:
    assert rewrite(source) == source


LEGACY = '''\
"""A legacy fetcher."""
import sys
import urllib.request  # the transport
from urllib.error import HTTPError


def fetch(url):
    query = urllib.parse.urlencode({"q": "a b"})
    try:
        with urllib.request.urlopen(url + "?" + query, timeout=10) as response:
            return response.status, response.read()
    except HTTPError as exc:
        return exc.code, exc.read()


if __name__ == "__main__":
    print(fetch(sys.argv[1]))
'''


def load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(f"migrated_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_diff_then_write_then_nothing_left(tmp_path: Path, server: RecordingServer) -> None:
    source = tmp_path / "fetcher.py"
    source.write_text(LEGACY)
    (tmp_path / "clean.py").write_text("import urllib.parse\n")

    result = run_cli("migrate", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert source.read_text() == LEGACY  # a diff only
    lines = result.stdout.splitlines()
    assert lines[:3] == ["--- a/fetcher.py", "+++ b/fetcher.py", "@@ -1,13 +1,14 @@"]
    assert [line for line in lines[3:] if line[:1] in "+-"] == [
        "-import urllib.request  # the transport",
        "-from urllib.error import HTTPError",
        "+import requests_urllib_compat.request  # the transport",
        "+import urllib.parse",
        "+from requests_urllib_compat.error import HTTPError",
        '-        with urllib.request.urlopen(url + "?" + query, timeout=10) as response:',
        '+        with requests_urllib_compat.request.urlopen(url + "?" + query, timeout=10) as '
        "response:",
    ]
    assert " def fetch(url):" in lines  # context lines
    assert (
        result.stderr == "migrate: 1 of 2 files would be rewritten (run with --write to apply).\n"
    )

    result = run_cli("migrate", "--write", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "migrate: 1 of 2 files rewritten.\n"
    assert "import requests_urllib_compat.request  # the transport\n" in source.read_text()

    again = run_cli("migrate", ".", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")
    assert again.stderr == "migrate: 0 of 2 files would be rewritten.\n"

    # the migrated code still works, now on requests
    server.route("/missing", Reply(404, [], b"gone"))
    fetch = load(source).fetch  # type: ignore[attr-defined]
    assert fetch(server.url("/hello")) == (200, b"hello /hello?q=a+b")
    assert fetch(server.url("/missing")) == (404, b"gone")
    assert server.received[0].header("Connection") is None  # keep-alive: it went through us


def test_urllib_error_reached_through_urllib_request_still_works(
    tmp_path: Path, server: RecordingServer
) -> None:
    """``import urllib.request`` then ``except urllib.error.HTTPError``: the except clause is
    only evaluated on an error, so a name left unbound would show only then."""
    source = tmp_path / "legacy_errors.py"
    source.write_text(
        "import urllib.request\n\n\ndef status(url):\n    try:\n"
        "        return urllib.request.urlopen(url).status\n"
        "    except urllib.error.HTTPError as e:\n        return e.code\n"
    )
    result = run_cli("migrate", "--write", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "urllib" not in source.read_text().replace("requests_urllib_compat", "")
    server.route("/missing", Reply(404, [], b"gone"))
    status = load(source).status  # type: ignore[attr-defined]
    assert (status(server.url("/hello")), status(server.url("/missing"))) == (200, 404)


def test_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import urllib.request\nx = 1 +\ny = 2\n")
    good = tmp_path / "good.py"
    good.write_text("from urllib.request import urlopen\n")
    result = run_cli("migrate", "--write", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first, summary = result.stderr.splitlines()
    # Python's message and line, as check reports them (libcst blames the next token's line)
    assert first == f"{broken}: cannot parse: invalid syntax (line 2): not rewritten"
    assert summary == "migrate: 1 of 2 files rewritten."
    assert broken.read_text() == "import urllib.request\nx = 1 +\ny = 2\n"
    assert good.read_text() == "from requests_urllib_compat.request import urlopen\n"


def test_unknown_encoding_and_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad_cookie.py"
    bad.write_bytes(b"# -*- coding: uft-8 -*-\nimport urllib.request\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    result = run_cli("migrate", "--write", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"{bad}: cannot parse: unknown encoding: uft-8: not rewritten",
        f"{tmp_path / 'dangling.py'}: cannot read: No such file or directory: not rewritten",
    ]


def test_a_file_that_cannot_be_written_or_is_nested_too_deeply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from requests_urllib_compat._cli import migrate

    deep, locked, fine = (tmp_path / f"{name}.py" for name in ("deep", "locked", "fine"))
    deep.write_text("import urllib.request  # deep\n")
    locked.write_text("import urllib.request\n")
    fine.write_text("import urllib.request\n")
    rewrite, write_bytes = migrate.rewrite, Path.write_bytes

    def rewrite_or_recurse(source: bytes) -> object:
        if b"deep" in source:
            raise RecursionError  # libcst's parser on code nested deeper than the stack
        return rewrite(source)

    def write_or_refuse(path: Path, data: bytes) -> int:
        if path == locked:  # (as root, a read-only mode would not stop the write)
            raise PermissionError(13, "Permission denied")
        return write_bytes(path, data)

    monkeypatch.setattr(migrate, "rewrite", rewrite_or_recurse)
    monkeypatch.setattr(Path, "write_bytes", write_or_refuse)
    assert migrate.migrate([str(tmp_path)], write=True) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{deep}: cannot parse: nested too deeply: not rewritten",
        f"{locked}: cannot write: Permission denied",
        "migrate: 1 of 3 files rewritten.",
    ]
    assert deep.read_text() == "import urllib.request  # deep\n"
    assert locked.read_text() == "import urllib.request\n"
    assert fine.read_text() == "import requests_urllib_compat.request\n"


def test_missing_path(tmp_path: Path) -> None:
    result = run_cli("migrate", str(tmp_path / "nowhere.py"))
    assert_clean_error(result, "migrate: error:", "nowhere.py: no such file or directory")
    assert result.returncode == 2


def test_keeps_encoding_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    original = "# -*- coding: latin-1 -*-\r\nimport urllib.request as u\r\nname = 'café'\r\n"
    path.write_bytes(original.encode("latin-1"))
    assert run_cli("migrate", "--write", str(path)).returncode == 0
    assert path.read_bytes() == original.replace(
        "urllib.request", "requests_urllib_compat.request"
    ).encode("latin-1")


def test_without_libcst_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "x.py").write_text("import urllib.request\n")
    code = (
        "import sys; sys.modules['libcst'] = None\n"
        "from requests_urllib_compat._cli.main import main\n"
        "sys.exit(main(['migrate', 'x.py']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert_clean_error(result, "needs libcst", "pip install 'requests-urllib-compat[cli]'")


PROJECT = {
    "weather/__init__.py": "",
    # does HTTP: migrated
    "weather/client.py": """\
        import json
        import urllib.request
        from urllib.error import HTTPError

        API = "http://127.0.0.1:{port}/"  # nothing listens: a real call fails loudly


        def temperature(city):
            try:
                with urllib.request.urlopen(API + city, timeout=5) as response:
                    return json.load(response)["t"]
            except HTTPError as exc:
                return exc.code
        """,
    # binds urlopen at import: the test patches it where it is looked up, which needs no change
    "weather/early.py": """\
        from urllib.request import urlopen


        def body(url):
            return urlopen(url).read()
        """,
    # helpers only: stays on the stdlib (does not start importing requests)
    "weather/paths.py": """\
        import urllib.request


        def to_url(path):
            return urllib.request.pathname2url(path)
        """,
    "tests/test_weather.py": """\
        import io
        import urllib.error
        import urllib.request
        from unittest import mock
        from unittest.mock import patch

        import pytest

        from weather import client, early, paths


        def reply(text):
            return lambda *args, **kwargs: io.BytesIO(text)


        @mock.patch("urllib.request.urlopen")
        def test_decorator(urlopen):
            urlopen.return_value = io.BytesIO(b'{{"t": 21}}')
            assert client.temperature("paris") == 21


        def test_monkeypatch_string(monkeypatch):
            monkeypatch.setattr("urllib.request.urlopen", reply(b'{{"t": 5}}'))
            assert client.temperature("oslo") == 5


        def test_monkeypatch_object(monkeypatch):
            monkeypatch.setattr(urllib.request, "urlopen", reply(b'{{"t": 30}}'))
            assert client.temperature("rome") == 30


        def test_patch_object():
            with patch.object(urllib.request, "urlopen", reply(b'{{"t": -3}}')):
                assert client.temperature("riga") == -3


        def test_http_error():
            error = urllib.error.HTTPError("http://x/", 404, "Not Found", {{}}, None)
            with mock.patch("urllib.request.urlopen", side_effect=error):
                assert client.temperature("atlantis") == 404


        def test_early_bound(monkeypatch):
            monkeypatch.setattr("weather.early.urlopen", reply(b"early"))
            assert early.body("http://x/") == b"early"


        def test_helpers():
            assert paths.to_url("/a b") == "/a%20b"


        def test_unpatched_calls_fail_loudly():  # so a patch that misses cannot pass silently
            with pytest.raises(urllib.error.URLError):
                client.temperature("nowhere")
        """,
}


def test_a_project_test_suite_passes_before_and_after_migrate(tmp_path: Path) -> None:
    import subprocess
    import sys

    port = free_port()
    for name, text in PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).format(port=port))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path)])

    def suite() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    before = suite()
    assert before.returncode == 0, before.stdout + before.stderr
    assert "8 passed" in before.stdout

    check = run_cli("check", ".", cwd=tmp_path)
    patches = [line for line in check.stdout.splitlines() if ": patch " in line]
    assert [line.split(": ")[0:2] for line in patches] == [
        [str(Path("tests/test_weather.py:16:2")), "patch urllib.request.urlopen"],
        [str(Path("tests/test_weather.py:23:5")), "patch urllib.request.urlopen"],
        [str(Path("tests/test_weather.py:28:5")), "patch urllib.request.urlopen"],
        [str(Path("tests/test_weather.py:33:10")), "patch urllib.request.urlopen"],
        [str(Path("tests/test_weather.py:39:10")), "patch urllib.request.urlopen"],
    ]

    result = run_cli("migrate", "--write", ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "migrate: 3 of 5 files rewritten.\n")
    assert (tmp_path / "weather/paths.py").read_text() == textwrap.dedent(
        PROJECT["weather/paths.py"]
    )
    test_source = (tmp_path / "tests/test_weather.py").read_text()
    assert '@mock.patch("requests_urllib_compat.request.urlopen")' in test_source
    assert 'monkeypatch.setattr("weather.early.urlopen"' in test_source

    after = suite()
    assert after.returncode == 0, after.stdout + after.stderr
    assert "8 passed" in after.stdout
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, weather.paths; print('requests' in sys.modules)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.stdout == "False\n", imported.stderr


def test_a_patch_that_cannot_be_retargeted_is_named(tmp_path: Path) -> None:
    path = tmp_path / "test_private.py"
    path.write_text(
        "import urllib.request\nfrom unittest import mock\n\n"
        "mock.patch('urllib.request._opener', None)\n"
        "mock.patch.object(urllib.request, 'socket')\n"
        "mock.patch('urllib.request.urlopen')\n"
    )
    result = run_cli("migrate", "--write", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:5: cannot retarget the patch of urllib.request.socket: "
        "requests_urllib_compat.request has no socket (patch what the migrated code looks up "
        "instead)",
        "migrate: 1 of 1 file rewritten.",
    ]
    assert "mock.patch('requests_urllib_compat.request.urlopen')" in path.read_text()
    # _opener is this package's installed opener (setting it installs one): retargeted
    assert "mock.patch('requests_urllib_compat.request._opener', None)" in path.read_text()


@pytest.mark.parametrize(
    "source",
    [
        "import urllib.request\nurllib.request.pathname2url(p)\n",
        "from urllib.request import url2pathname, quote as q\nfrom urllib.error import URLError\n",
        "from urllib import request\nrequest.getproxies()\n",
        "import urllib\nurllib.request.pathname2url(p)\n",
    ],
)
def test_helper_only_modules_stay_on_the_stdlib(source: str) -> None:
    assert rewrite(source) == source
    patched = source + "mock.patch('urllib.request.urlopen')\n"  # for another module: retargeted
    assert rewrite(patched) == source + "mock.patch('requests_urllib_compat.request.urlopen')\n"


def test_exclude(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    for name in ("app.py", "vendor/lib.py"):
        (tmp_path / name).write_text("import urllib.request\n")
    result = run_cli("migrate", "--write", ".", "--exclude", "vendor", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "migrate: 1 of 1 file rewritten.\n")
    assert (tmp_path / "vendor/lib.py").read_text() == "import urllib.request\n"


def test_after_migrate_check_reports_no_urllib_use_left(tmp_path: Path) -> None:
    """What check reports is what migrate rewrites: afterwards only this package's uses remain."""
    sources = {
        "a.py": "import urllib.request\nimport urllib.parse\n"
        "try:\n    urllib.request.urlopen(urllib.parse.quote(u))\n"
        "except urllib.error.HTTPError:\n    pass\n",
        "b.py": "from urllib import request, parse\nrequest.urlopen(parse.quote(u))\n",
        "c.py": "import urllib\nurllib.request.Request(u)\n",
        "d.py": "import urllib.request as ur\nclass H(ur.HTTPHandler):\n"
        "    def http_open(self, req):\n        return self.do_open(None, req)\n",
        "e.py": "from urllib.error import URLError, HTTPError\nfrom urllib.request import *\n",
        "test_f.py": "from unittest import mock\nimport urllib.request\n"
        "@mock.patch('urllib.request.urlopen')\ndef test(m):\n"
        "    mock.patch.object(urllib.request, 'build_opener')\n",
    }
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
    before = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert json.loads(before.stdout)["files_with_uses"] == len(sources)
    result = run_cli("migrate", "--write", ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "migrate: 6 of 6 files rewritten.\n")
    after = json.loads(run_cli("check", "--format", "json", ".", cwd=tmp_path).stdout)
    assert after["uses"] == []
    assert {use["path"] for use in after["compat_uses"]} == set(sources)
