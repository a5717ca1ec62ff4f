"""``get URL``: the options of a fetch tool, and errors that name what failed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from requests_urllib_compat._cli.demo.server import closed_port_url
from requests_urllib_compat._cli.get import FetchOptions, fetch

from ..support.cli_helpers import ROOT, assert_clean_error, run_cli
from ..support.servers import RecordingServer, Reply


def run_with_proxy_env(proxy: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``run_cli`` with ``http_proxy``/``https_proxy`` set to ``proxy``."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), http_proxy=proxy, https_proxy=proxy)
    return subprocess.run(
        [sys.executable, "-m", "requests_urllib_compat", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_header_and_data_are_sent(server: RecordingServer, tmp_path: Path) -> None:
    result = run_cli(
        "get",
        server.url("/form"),
        "-H",
        "X-Token: abc",
        "--header",
        "Accept: text/plain",
        "--data",
        "a=1&b=2",
    )
    assert result.returncode == 0, result.stderr
    rec = server.received[-1]
    assert (rec.method, rec.body) == ("POST", b"a=1&b=2")
    assert rec.header("X-Token") == "abc" and rec.header("Accept") == "text/plain"
    assert rec.header("Content-Type") == "application/x-www-form-urlencoded"  # urllib's default

    body = tmp_path / "body.json"
    body.write_bytes(b'{"x": 1}')
    result = run_cli(
        "get", server.url("/json"), "-d", f"@{body}", "-H", "Content-Type: application/json"
    )
    assert result.returncode == 0, result.stderr
    rec = server.received[-1]
    assert (rec.body, rec.header("Content-Type")) == (b'{"x": 1}', "application/json")

    result = run_cli("get", server.url("/stdin"), "-d", "@-", input="from stdin")
    assert server.received[-1].body == b"from stdin"


@pytest.mark.parametrize("bad", ["no colon", ": no name", " Lead: space"])
def test_malformed_header_is_a_usage_error(bad: str) -> None:
    result = run_cli("get", "http://127.0.0.1:9/", "-H", bad)
    assert_clean_error(result, "--header", "expected 'Name: value'")
    assert result.returncode == 2


def test_missing_data_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("get", "http://127.0.0.1:9/", "-d", f"@{tmp_path / 'nope'}")
    assert_clean_error(result, "--data @", "No such file")
    assert result.returncode == 2


def test_header_with_newline_is_refused(server: RecordingServer) -> None:
    result = run_cli("get", server.url("/"), "-H", "X-Evil: a\r\nInjected: 1")
    assert_clean_error(result, "error:")
    assert not server.received


def test_cafile_and_insecure(tls_server: RecordingServer, ca_file: str) -> None:
    url = tls_server.url("/tls").replace("127.0.0.1", "localhost")
    refused = run_cli("get", url)
    assert_clean_error(
        refused, f"error: https://localhost:{tls_server.port}:", "CERTIFICATE_VERIFY_FAILED"
    )
    for option in (["--cafile", ca_file], ["--insecure"], ["-k"]):
        result = run_cli("get", url, *option)
        assert result.returncode == 0, (option, result.stderr)
        assert result.stdout.endswith("hello /tls")
    both = run_cli("get", url, "--cafile", ca_file, "--insecure")
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_bad_cafile_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("get", "https://127.0.0.1:9/", "--cafile", str(tmp_path / "nope.pem"))
    assert_clean_error(result, "--cafile")
    assert result.returncode == 2


def test_proxy_carries_the_request(server: RecordingServer) -> None:
    for proxy in (server.origin, server.origin.replace("http://", "")):  # scheme optional
        result = run_cli("get", "http://intranet.test/page", "--proxy", proxy)
        assert result.returncode == 0, result.stderr
        assert server.received[-1].target == "http://intranet.test/page"


def test_empty_proxy_ignores_the_environment(server: RecordingServer) -> None:
    result = run_with_proxy_env("http://127.0.0.1:9", "get", server.url("/direct"), "--proxy", "")
    assert result.returncode == 0, result.stderr
    assert server.received[-1].target == "/direct"


def test_errors_name_the_host() -> None:
    url = closed_port_url().rstrip("/")
    assert_clean_error(run_cli("get", url + "/x"), f"error: {url}:", "Connection refused")
    assert_clean_error(
        run_cli("get", "http://no-such-host.invalid/"), "error: http://no-such-host.invalid:"
    )


def test_errors_name_the_redirect_target(server: RecordingServer) -> None:
    dead = closed_port_url().rstrip("/")
    server.route("/moved", Reply(302, [("Location", dead + "/new")]))
    assert_clean_error(
        run_cli("get", server.url("/moved")), f"error: {dead}:", "Connection refused"
    )


def test_errors_name_the_proxy_without_credentials() -> None:
    dead = closed_port_url().rstrip("/")
    result = run_cli(
        "get", "http://intranet.test/", "--proxy", dead.replace("http://", "http://joe:secret@")
    )
    assert_clean_error(
        result, f"error: proxy {dead} (for http://intranet.test):", "Connection refused"
    )
    assert "secret" not in result.stderr and "joe" not in result.stderr
    # from the environment, too
    result = run_with_proxy_env(dead, "get", "http://intranet.test/")
    assert_clean_error(result, f"error: proxy {dead} (for http://intranet.test):")


def test_output_file(server: RecordingServer, tmp_path: Path) -> None:
    server.route("/big", Reply(200, [("Content-Type", "application/octet-stream")], b"x" * 200_000))
    target = tmp_path / "big.bin"
    result = run_cli("get", server.url("/big"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == b"x" * 200_000
    assert result.stdout.startswith("200 OK\n") and result.stdout.endswith("\n\n")
    # not a terminal: no progress bar, one summary line
    assert result.stderr == f"saved 195.3 KiB to {target}\n"
    assert not (tmp_path / "big.bin.part").exists()


def test_output_file_not_written_on_failure(server: RecordingServer, tmp_path: Path) -> None:
    from ..support.servers import write_raw

    server.route("/short", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"))
    target = tmp_path / "short.bin"
    result = run_cli("get", server.url("/short"), "-o", str(target))
    assert_clean_error(
        result, f"error: {server.origin}:", "retrieval incomplete: got only 3 out of 100 bytes"
    )
    assert list(tmp_path.iterdir()) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(
    server: RecordingServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.route("/big", Reply(200, [], b"y" * 300_000))
    terminal = _Terminal()
    with capsys.disabled():
        monkeypatch.setattr(sys, "stderr", terminal)
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO()))
        status = fetch(server.url("/big"), FetchOptions(output=str(tmp_path / "f")))
    assert status == 0
    drawn = terminal.getvalue()
    assert f"\r{tmp_path / 'f'} [" in drawn
    assert "] 100% 293.0 KiB/293.0 KiB" in drawn
    assert drawn.endswith(f"\r\x1b[Ksaved 293.0 KiB to {tmp_path / 'f'}\n")


def test_bad_url_is_one_line() -> None:
    assert_clean_error(run_cli("get", "no-scheme"), "error:", "unknown url type")


def test_output_piped_into_a_closed_reader(server: RecordingServer) -> None:
    server.route("/big", Reply(200, [], b"z\n" * 500_000))
    script = f"{sys.executable} -m requests_urllib_compat get {server.url('/big')} | head -c 1"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.stdout == "2"  # the status line's first byte
    assert result.stderr == ""  # no "error:" line, no traceback
