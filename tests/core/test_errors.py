"""Errors: HTTPError's attributes, URLError's reason, bad input, timeouts at each phase; no
requests/urllib3 exception ever reaches the caller."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import requests
import urllib3

import requests_urllib_compat.request as compat

from ..support.differential import TIMEOUT, assert_same, observe
from ..support.servers import RecordingServer, Reply, reset_after, stall, write_raw


def _httperror_view(e: urllib.error.HTTPError) -> dict[str, Any]:
    with e:
        return {
            "code": e.code,
            "reason": e.reason,
            "msg": e.msg,
            "status": e.status,
            "getcode": e.getcode(),
            "url": e.url,
            "geturl": e.geturl(),
            "filename": e.filename,
            "headers_type": type(e.headers).__name__,
            "hdrs_is_headers": e.hdrs is e.headers,
            "info_is_headers": e.info() is e.headers,
            "headers": [(k, v) for k, v in e.headers.items() if k != "Date"],
            "str": str(e),
            "repr": repr(e),
            "args": e.args,
            "is_urlerror": isinstance(e, urllib.error.URLError),
            "read": e.read(),
            "read_again": e.read(),
        }


@pytest.mark.parametrize("status", [400, 401, 403, 404, 418, 500, 503, 599])
def test_httperror_attributes(server: RecordingServer, status: int) -> None:
    server.route(
        "/e", Reply(status, [("Content-Type", "text/html"), ("X-Err", "1")], b"<h1>error page</h1>")
    )

    def scenario(u: ModuleType) -> Any:
        try:
            u.urlopen(server.url("/e"))
        except urllib.error.HTTPError as e:
            return _httperror_view(e)
        raise AssertionError("no HTTPError")

    value = assert_same(scenario, server).outcome.value
    assert value["code"] == status and value["read"] == b"<h1>error page</h1>"
    assert value["args"] == ()


def test_httperror_partial_reads(server: RecordingServer) -> None:
    server.route("/e", Reply(500, [], b"line one\nline two\n"))

    def scenario(u: ModuleType) -> Any:
        try:
            u.urlopen(server.url("/e"))
        except urllib.error.HTTPError as e:
            with e:
                return e.readline(), e.read(3), e.fp is not None, list(e)
        raise AssertionError("no HTTPError")

    assert_same(scenario, server)


def test_httperror_custom_reason(server: RecordingServer) -> None:
    server.route("/e", Reply(404, [], b"", reason="Nope, Not Here"))
    assert assert_same(lambda u: u.urlopen(server.url("/e")), server).outcome.reason == (
        "Nope, Not Here"
    )


def _refusing_port() -> int:
    """A port that refuses connections (held bound by the process, never listening)."""
    from requests_urllib_compat._cli.demo.server import closed_port_url

    return int(closed_port_url().rstrip("/").rsplit(":", 1)[1])


def test_connection_refused() -> None:
    run = assert_same(lambda u: u.urlopen(f"http://127.0.0.1:{_refusing_port()}/"))
    assert run.outcome.reason_type == "builtins.ConnectionRefusedError"


def test_dns_failure() -> None:
    run = assert_same(lambda u: u.urlopen("http://no-such-host.invalid/"))
    assert run.outcome.reason_type == "socket.gaierror"


@pytest.mark.parametrize(
    "url",
    [
        "foo://x",
        "not a url",
        "http:///x",
        "http://",
        "https:///x",
        "/relative",
        "",
        "http://127.0.0.1:notaport/",
        "http://[::1/",
        "http://user:pw@x.invalid:1/",
    ],
)
def test_bad_urls(url: str) -> None:
    assert_same(lambda u: u.urlopen(url))


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/", "http://127.0.0.1:65536/"])
def test_port_out_of_range(url: str) -> None:
    """Documented difference: urllib hands the number to the socket layer (99999 wraps to
    another port!); we refuse it before connecting.  Both raise URLError."""
    with pytest.raises(urllib.error.URLError) as info:
        compat.urlopen(url)
    assert str(info.value.reason) == "Port out of range 0-65535"


@pytest.mark.parametrize("url", ["http://127.0.0.1:-1/", "http://127.0.0.1:-80/"])
def test_negative_port_fails_as_in_urllib(url: str) -> None:
    """getaddrinfo refuses a negative port: URLError(gaierror) in both."""
    assert_same(lambda u: u.urlopen(url))


@pytest.mark.parametrize(
    "path",
    ["/a b", "/a\tb", "/a\x00b", "/a\x7fb", "/\u00e9t\u00e9", "/a\r\nX-Injected: 1", "/ok?q=a b"],
)
def test_bad_request_targets(server: RecordingServer, path: str) -> None:
    run = assert_same(lambda u: u.urlopen(server.url(path)), server)
    assert run.received == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Bad": "a\r\nInjected: 1"},
        {"X-Bad": "a\nb"},
        {"X-Bad": "a\rb"},
        {"X Bad": "1"},
        {"X-Bad:": "1"},
        {"X-Bad": "trailing\r\n"},
        {"X-Nul": "a\x00b"},
    ],
)
def test_bad_header_values(server: RecordingServer, headers: dict[str, str]) -> None:
    run = assert_same(lambda u: u.urlopen(u.Request(server.url("/"), headers=headers)), server)
    if any(c in "".join(headers.values()) for c in "\r\n"):
        assert run.received == []


def test_bad_method(server: RecordingServer) -> None:
    assert_same(
        lambda u: u.urlopen(u.Request(server.url("/"), method="GET /x HTTP/1.1\r\n")), server
    )


def test_non_ascii_header_value(server: RecordingServer) -> None:
    assert_same(
        lambda u: u.urlopen(u.Request(server.url("/"), headers={"X-Name": "caf\u00e9"})), server
    )


def test_remote_disconnected_before_status(server: RecordingServer) -> None:
    server.route("/bye", write_raw(b""))
    run = assert_same(lambda u: u.urlopen(server.url("/bye")), server)
    assert run.outcome.error_type == "http.client.RemoteDisconnected"


def test_bad_status_line(server: RecordingServer) -> None:
    server.route("/garbage", write_raw(b"SPLAT\r\n\r\n"))
    run = assert_same(lambda u: u.urlopen(server.url("/garbage")), server)
    assert run.outcome.error_type == "http.client.BadStatusLine"


def test_http09_style_response(server: RecordingServer) -> None:
    server.route("/old", write_raw(b"<html>no status line</html>"))
    assert_same(lambda u: u.urlopen(server.url("/old")), server)


def test_too_many_headers(server: RecordingServer) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120))
    server.route("/many", write_raw(head + b"Content-Length: 0\r\n\r\n"))
    assert_same(lambda u: u.urlopen(server.url("/many")), server)


def test_header_line_too_long(server: RecordingServer) -> None:
    server.route("/long", write_raw(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n"))
    assert_same(lambda u: u.urlopen(server.url("/long")), server)


# -- timeouts ----------------------------------------------------------------------------------


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A loopback port whose accept queue is full: further connects hang (no SYN-ACK)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    time.sleep(0.1)
    try:
        yield port
    finally:
        for s in fillers:
            s.close()
        listener.close()


def test_connect_timeout(full_backlog: int) -> None:
    url = f"http://127.0.0.1:{full_backlog}/"
    probe = socket.socket()
    probe.settimeout(0.3)
    try:
        probe.connect(("127.0.0.1", full_backlog))
        pytest.skip("this kernel completes connects to a full backlog")
    except (TimeoutError, OSError):
        pass
    finally:
        probe.close()
    run = assert_same(lambda u: u.urlopen(url, timeout=0.5))
    assert run.outcome.error_type == "urllib.error.URLError"
    assert run.outcome.reason_type == TIMEOUT


def test_timeout_waiting_for_headers(server: RecordingServer) -> None:
    server.route("/slow", stall(3.0))
    run = assert_same(lambda u: u.urlopen(server.url("/slow"), timeout=0.5), server)
    assert (run.outcome.error_type, run.outcome.error_text) == (TIMEOUT, "timed out")


def test_timeout_reading_body(server: RecordingServer) -> None:
    server.route("/slow", stall(3.0, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"))

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(server.url("/slow"), timeout=0.5) as r:
            return r.read()

    run = assert_same(scenario, server)
    assert run.outcome.error_type == TIMEOUT


def test_timeout_between_chunks(server: RecordingServer) -> None:
    server.route(
        "/slow", stall(3.0, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n")
    )

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(server.url("/slow"), timeout=0.5) as r:
            return r.read(2), r.read(2)

    run = assert_same(scenario, server)
    assert run.outcome.error_type == TIMEOUT


def test_timeout_none_explicit(server: RecordingServer) -> None:
    assert_same(lambda u: u.urlopen(server.url("/"), timeout=None), server)


def test_setdefaulttimeout_honoured_without_timeout(server: RecordingServer) -> None:
    server.route("/slow", stall(3.0))
    saved = socket.getdefaulttimeout()
    socket.setdefaulttimeout(0.5)
    try:
        run = assert_same(lambda u: u.urlopen(server.url("/slow")), server)
    finally:
        socket.setdefaulttimeout(saved)
    assert run.outcome.error_type == TIMEOUT


# -- nothing of the engine escapes -------------------------------------------------------------

ENGINE = (requests.exceptions.RequestException, urllib3.exceptions.HTTPError)


def _engine_free(call: Any) -> BaseException | None:
    try:
        call()
    except ENGINE as exc:  # pragma: no cover - the failure this test exists for
        raise AssertionError(f"engine exception escaped: {exc!r}") from exc
    except BaseException as exc:
        return exc
    return None


def test_engine_exceptions_never_escape(server: RecordingServer) -> None:
    server.route("/reset", reset_after(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"))
    server.route("/short", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"))
    server.route("/slow", stall(2.0, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"))

    def read_all(path: str, **kw: Any) -> Any:
        def call() -> Any:
            with compat.urlopen(server.url(path), **kw) as r:
                return r.read()

        return call

    cases = [
        read_all("/reset"),
        read_all("/short"),
        read_all("/slow", timeout=0.3),
        lambda: compat.urlopen(f"http://127.0.0.1:{_refusing_port()}/"),
        lambda: compat.urlopen("http://x.invalid/"),
    ]
    for call in cases:
        exc = _engine_free(call)
        assert exc is not None


def test_original_kept_as_cause() -> None:
    with pytest.raises(urllib.error.URLError) as info:
        compat.urlopen(f"http://127.0.0.1:{_refusing_port()}/")
    assert isinstance(info.value.__cause__, ENGINE)


def test_compat_error_classes_are_the_stdlibs() -> None:
    import requests_urllib_compat.error as error

    assert error.URLError is urllib.error.URLError
    assert error.HTTPError is urllib.error.HTTPError
    assert error.ContentTooShortError is urllib.error.ContentTooShortError


def test_observe_equal_for_same_refusal() -> None:
    url = f"http://127.0.0.1:{_refusing_port()}/"
    assert observe(lambda: compat.urlopen(url)) == observe(lambda: urllib.request.urlopen(url))
