"""The ``demo`` and ``get`` commands, run in a subprocess."""

from __future__ import annotations

import re
import socket

import pytest

from ..support.cli_helpers import assert_clean_error, run_cli
from ..support.servers import RecordingServer, Reply

STEPS = [
    "fetch a page",
    "POST a form",
    "custom User-Agent",
    "404 is an HTTPError",
    "refused is a URLError",
    "redirect, geturl()",
    "Basic auth",
    "cookies",
    "proxy",
    "timeout",
]


def test_demo_walks_the_howto_and_reuses_connections() -> None:
    result = run_cli("demo", "--compare")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    out = result.stdout
    for number, title in enumerate(STEPS, 1):
        # once on the stdlib, once on our package
        assert out.count(f"  ok   {number:2}. {title}: ") == 2, title
    assert "FAIL" not in out
    assert (
        "requests_urllib_compat: urllib.request swapped with requests_urllib_compat.patched()"
        in out
    )
    assert out.count("10 of 10 steps behaved as the urllib HOWTO says.") == 2
    assert "HTTPError 404 'Not Found', e.read() -> 'no such page: /no-such-page'" in out
    assert "e.reason = ConnectionRefusedError(" in out
    assert f"-> {socket.timeout('timed out')!r} after 0." in out  # TimeoutError from 3.10
    stdlib = re.search(
        r"urllib.request \(stdlib\): the servers saw (\d+) requests over (\d+) TCP", out
    )
    ours = re.search(r"requests_urllib_compat: the servers saw (\d+) requests over (\d+) TCP", out)
    assert stdlib and ours, out
    # the same requests; urllib opens one connection per request, we reuse them
    assert stdlib.group(1) == ours.group(1) == stdlib.group(2)
    assert int(ours.group(2)) < int(ours.group(1)) // 2


def test_get_prints_status_headers_body(server: RecordingServer) -> None:
    server.route("/page", Reply(200, [("Content-Type", "text/plain")], b"page body"))
    for args in (["get", server.url("/page")], [server.url("/page")]):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("200 OK\n")
        assert "Content-Type: text/plain\n" in result.stdout
        assert result.stdout.endswith("\n\npage body")


def test_get_http_error_exits_1(server: RecordingServer) -> None:
    server.route("/gone", Reply(410, [], b"gone"))
    result = run_cli(server.url("/gone"), "--timeout", "5")
    assert result.returncode == 1
    assert result.stdout.startswith("410 Gone\n")


def test_get_refused_is_one_line() -> None:
    from requests_urllib_compat._cli.demo.server import closed_port_url

    assert_clean_error(run_cli("get", closed_port_url()), "error:", "refused")


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_the_legacy_script_knows_only_urllib() -> None:
    import ast

    from requests_urllib_compat._cli.demo import SCRIPT

    tree = ast.parse(SCRIPT.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported == {
        "collections.abc",
        "http.cookiejar",
        "socket",
        "sys",
        "time",
        "urllib.error",
        "urllib.parse",
        "urllib.request",
    }


def test_console_script_is_installed() -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = shutil.which("requests-urllib-compat", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("package not installed with its entry points")
    result = subprocess.run(
        [script, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("requests-urllib-compat ")
