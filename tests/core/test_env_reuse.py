"""requests' environment defaults never leak in; pooled connections never add failures."""

from __future__ import annotations

import socket
import time
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import assert_same
from ..support.ports import free_port
from ..support.servers import Handler, Received, RecordingServer, Reply, write_raw

# -- environment ---------------------------------------------------------------------------------


def test_netrc_credentials_are_not_sent(
    server: RecordingServer, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login user password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    run = assert_same(lambda u: u.urlopen(server.url("/n")), server)
    assert all(k != "Authorization" for k, _ in run.received[0][3])
    run = assert_same(lambda u: u.build_opener().open(server.url("/n")), server)
    assert all(k != "Authorization" for k, _ in run.received[0][3])


@pytest.mark.parametrize("variable", ["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"])
def test_proxy_environment_as_urllib(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, f"http://127.0.0.1:{free_port()}")
    # The default opener reads the environment when it is built: build it now, in both.
    run = assert_same(lambda u: u.urlopen(server.url("/p")), server)
    if variable.lower() == "all_proxy":
        assert run.outcome.status == 200  # urllib ignores ALL_PROXY
    else:
        assert run.outcome.error_type == "urllib.error.URLError"


def test_no_proxy_environment(server: RecordingServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert assert_same(lambda u: u.urlopen(server.url("/np")), server).outcome.status == 200


def test_cgi_rule_ignores_uppercase_http_proxy(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("REQUEST_METHOD", "GET")
    assert assert_same(lambda u: u.urlopen(server.url("/cgi")), server).outcome.status == 200


def test_no_cookies_kept_by_default(server: RecordingServer) -> None:
    server.route("/set", Reply(200, [("Set-Cookie", "session=abc; Path=/")], b"set"))

    def scenario(u: ModuleType) -> Any:
        u.urlopen(server.url("/set")).close()
        return u.urlopen(server.url("/after"))

    run = assert_same(scenario, server)
    assert all(k != "Cookie" for k, _ in run.received[1][3])


# -- connection reuse ----------------------------------------------------------------------------


def test_sequential_calls_share_one_connection(server: RecordingServer) -> None:
    for _ in range(5):
        with compat.urlopen(server.url("/x")) as r:
            r.read()
    assert server.connections == 1


def test_build_opener_per_call_shares_connections(server: RecordingServer) -> None:
    for _ in range(3):
        with compat.build_opener().open(server.url("/x")) as r:
            r.read()
    assert server.connections == 1


def test_server_closing_idle_connections() -> None:
    server = RecordingServer(idle_timeout=0.3).start()
    try:
        with compat.urlopen(server.url("/1")) as r:
            assert r.read() == b"hello /1"
        time.sleep(1.0)  # the server has closed the kept-alive connection meanwhile
        with compat.urlopen(server.url("/2")) as r:
            assert r.read() == b"hello /2"
        assert server.connections == 2
    finally:
        from requests_urllib_compat._transport import close_shared_pools

        close_shared_pools()
        server.stop()


def test_server_closing_after_one_answer(server: RecordingServer) -> None:
    # Answers without "Connection: close", then hangs up.
    server.route(
        "/once", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce", delay=0.05)
    )
    for _ in range(3):
        with compat.urlopen(server.url("/once")) as r:
            assert r.read() == b"once"
    with compat.urlopen(server.url("/after")) as r:
        assert r.read() == b"hello /after"


def test_post_after_server_closed_connection(server: RecordingServer) -> None:
    server.route(
        "/once", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce", delay=0.05)
    )
    with compat.urlopen(server.url("/once")) as r:
        r.read()
    time.sleep(0.2)
    with compat.urlopen(server.url("/post"), data=b"payload") as r:
        assert r.read() == b"hello /post"
    assert server.received[-1].body == b"payload"


def test_early_close_then_next_request(server: RecordingServer) -> None:
    server.route("/big", Reply(200, [], b"x" * 1_000_000))
    r = compat.urlopen(server.url("/big"))
    assert r.read(10) == b"x" * 10
    r.close()
    with compat.urlopen(server.url("/next")) as r2:
        assert r2.read() == b"hello /next"


def test_unread_response_garbage_collected(server: RecordingServer) -> None:
    import gc

    compat.urlopen(server.url("/a")).close()
    r = compat.urlopen(server.url("/b"))
    del r
    gc.collect()
    with compat.urlopen(server.url("/c")) as r3:
        assert r3.read() == b"hello /c"


def test_close_delimited_response_then_next(server: RecordingServer) -> None:
    def eof_body(rec: Received, handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n\r\nuntil close")
        handler.wfile.flush()
        handler.connection.shutdown(socket.SHUT_RDWR)

    server.route("/eof", eof_body)
    for _ in range(2):
        with compat.urlopen(server.url("/eof")) as r:
            assert r.read() == b"until close"


def test_concurrent_urlopen_calls(server: RecordingServer) -> None:
    """The module-level pool is shared by threads: every call gets its own answer."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(i: int) -> bytes:
        with compat.urlopen(server.url(f"/t{i}"), timeout=10) as r:
            return bytes(r.read())

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(fetch, range(80)))
    assert bodies == [f"hello /t{i}".encode() for i in range(80)]
    assert server.connections <= 10  # urllib3's pool size: connections are reused
