"""The response object: every reading method and attribute, compared with urllib's."""

from __future__ import annotations

import gzip
import http.client
import io
import shutil
import urllib.request
from types import ModuleType
from typing import Any

import pytest
import urllib3

import requests_urllib_compat.request as compat

from ..support import differential
from ..support.differential import assert_same
from ..support.servers import RecordingServer, Reply, write_raw

LINES = b"first line\nsecond line\r\n\nlast without newline"


@pytest.fixture
def lines_server(server: RecordingServer) -> RecordingServer:
    server.route(
        "/lines",
        Reply(
            200,
            [
                ("Content-Type", "text/plain; charset=ISO-8859-1"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("X-Mixed-Case", "v"),
            ],
            LINES,
            reason="Fine",
        ),
    )
    server.route(
        "/chunked",
        write_raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
            b"b\r\nfirst line\n\r\n"
            b"7\r\nsecond\n\r\n"
            b"4\r\nlast\r\n"
            b"0\r\n\r\n"
        ),
    )
    server.route(
        "/close-delimited",
        write_raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
            b"body until close\nline 2\n"
        ),
    )
    return server


PATHS = ["/lines", "/chunked", "/close-delimited"]


def _reading(how: Any) -> Any:
    """A scenario reading /lines with ``how(response)``."""

    def scenario_for(url: str) -> Any:
        def scenario(u: ModuleType) -> Any:
            with u.urlopen(url) as r:
                return how(r), r.isclosed(), r.length, r.closed

        return scenario

    return scenario_for


READERS: dict[str, Any] = {
    "read": lambda r: (r.read(), r.read(), r.read(5)),
    "read_n": lambda r: [r.read(7) for _ in range(12)],
    "read_0": lambda r: (r.read(0), r.read(), r.read(0)),
    "read_minus_1": lambda r: r.read(-1),
    "read_none": lambda r: r.read(None),
    "read1": lambda r: b"".join(iter(lambda: r.read1(5), b"")),
    "read1_default": lambda r: b"".join(iter(r.read1, b"")),
    "readinto": lambda r: _readinto_all(r, 6),
    "readinto_big": lambda r: _readinto_all(r, 1 << 16),
    "readline": lambda r: [r.readline() for _ in range(6)],
    "readline_limit": lambda r: [r.readline(4) for _ in range(14)],
    "readlines": lambda r: r.readlines(),
    "readlines_hint": lambda r: (r.readlines(12), r.readlines()),
    "iteration": lambda r: list(r),
    "peek_then_read": lambda r: (r.peek()[:1], r.read()),
    "mixed": lambda r: (r.readline(), r.read(3), r.read1(4), r.readline(), r.read()),
    "copyfileobj": lambda r: _copy(r),
}


def _readinto_all(r: Any, size: int) -> list[bytes]:
    out = []
    for _ in range(40):
        buf = bytearray(size)
        n = r.readinto(buf)
        out.append(bytes(buf[:n]))
        if not n:
            break
    return out


def _copy(r: Any) -> bytes:
    out = io.BytesIO()
    shutil.copyfileobj(r, out, 5)
    return out.getvalue()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("reader", list(READERS))
def test_reading(lines_server: RecordingServer, reader: str, path: str) -> None:
    if (reader, path) == ("read_minus_1", "/chunked") and not _stdlib_refuses_read_minus_1(
        lines_server
    ):
        pytest.skip("urllib returns the raw chunk framing here: see test_read_minus_1_chunked")
    run = assert_same(_reading(READERS[reader])(lines_server.url(path)), lines_server)
    # Python 3.9's http.client refuses read(-1) (ValueError('negative count')), and so do we
    assert run.outcome.kind == "value" or (
        reader == "read_minus_1" and _stdlib_refuses_read_minus_1(lines_server)
    )


def _stdlib_refuses_read_minus_1(server: RecordingServer) -> bool:
    """Whether the running http.client raises ``ValueError('negative count')`` for
    ``read(-1)`` (Python 3.9; from 3.10 on it reads to the end)."""
    outcome = differential.run(
        _reading(lambda r: r.read(-1))(server.url("/lines")), urllib.request, [server]
    ).outcome
    return (outcome.error_type, outcome.error_text) == ("builtins.ValueError", "negative count")


def test_read_minus_1_chunked(lines_server: RecordingServer) -> None:
    """Documented difference (Python 3.10+): http.client's ``read(-1)`` on a chunked body returns
    the rest of the stream with its chunk framing; ours returns the body, as ``read()`` does."""
    refused = _stdlib_refuses_read_minus_1(lines_server)
    with compat.urlopen(lines_server.url("/chunked")) as r:
        assert r.readline() == b"first line\n"
        if refused:  # Python 3.9: http.client's ValueError, as urllib's
            with pytest.raises(ValueError, match="negative count"):
                r.read(-1)
        else:
            assert r.read(-1) == b"second\nlast"


@pytest.mark.parametrize("reader", ["read", "readinto"])
def test_exact_length_read_releases(lines_server: RecordingServer, reader: str) -> None:
    def scenario(u: ModuleType) -> Any:
        r = u.urlopen(lines_server.url("/lines"))
        n = len(LINES)
        got = r.read(n) if reader == "read" else r.readinto(bytearray(n + 10))
        return got, r.length, r.isclosed(), r.closed

    assert assert_same(scenario, lines_server).outcome.value[1:] == (0, True, False)


def _attributes(r: Any) -> Any:
    h = r.headers
    return {
        "status": r.status,
        "code": r.code,
        "reason": r.reason,
        "version": r.version,
        "msg": r.msg,
        "getcode": r.getcode(),
        "url": r.url,
        "geturl": r.geturl(),
        "headers_type": type(h).__name__,
        "info_is_headers": r.info() is h,
        "ci": (h["x-mixed-case"], h["X-MIXED-CASE"], h.get("content-TYPE")),
        "get_all": h.get_all("Set-Cookie"),
        "charset": h.get_content_charset(),
        "getheader": (
            r.getheader("set-cookie"),
            r.getheader("Missing", "dflt"),
            r.getheader("missing"),
        ),
        "getheaders": [(k, v) for k, v in r.getheaders() if k != "Date"],
        "length": r.length,
        "closed": r.closed,
        "isclosed": r.isclosed(),
        "readable": r.readable(),
        "seekable": r.seekable(),
        "writable": r.writable(),
        "isinstance_http_client": isinstance(r, http.client.HTTPResponse),
        "isinstance_iobase": isinstance(r, io.BufferedIOBase),
    }


def test_attributes(lines_server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(lines_server.url("/lines")) as r:
            return _attributes(r)

    value = assert_same(scenario, lines_server).outcome.value
    assert value["msg"] == "Fine"
    assert value["get_all"] == ["a=1", "b=2"]
    assert value["charset"] == "iso-8859-1"


def test_closed_states(lines_server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        r = u.urlopen(lines_server.url("/lines"))
        states = [(r.closed, r.isclosed(), r.length)]
        r.read(3)
        states.append((r.closed, r.isclosed(), r.length))
        r.read()
        states.append((r.closed, r.isclosed(), r.length))  # urllib: closed False, isclosed True
        try:
            r.fileno()
        except Exception as exc:
            states.append(type(exc).__name__)
        r.close()
        states.append((r.closed, r.isclosed(), r.read(), r.read(3)))
        r.close()  # twice is fine
        return states

    value = assert_same(scenario, lines_server).outcome.value
    assert value[2][:2] == (False, True)


def test_read_after_close_raises_as_urllib(lines_server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        r = u.urlopen(lines_server.url("/lines"))
        r.close()
        out = [r.read(), r.read(2), r.readline()]
        for call in (r.read1, r.peek, lambda: r.readinto(bytearray(3)), r.readlines):
            try:
                out.append(call())
            except Exception as exc:
                out.append(f"{type(exc).__name__}: {exc}")
        return out

    assert_same(scenario, lines_server)


def test_context_manager(lines_server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(lines_server.url("/lines")) as r:
            first = r.read(5)
        return first, r.closed, r.isclosed()

    assert assert_same(scenario, lines_server).outcome.value[1:] == (True, True)


def test_head_read_is_empty(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(u.Request(server.url("/h"), method="HEAD")) as r:
            headers = [h for h in r.getheaders() if h[0] != "Date"]  # (a second may pass)
            return r.read(), r.read(3), r.readline(), r.isclosed(), r.length, headers

    run = assert_same(scenario, server)
    assert run.outcome.value[0] == b""


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses(server: RecordingServer, status: int) -> None:
    server.route("/n", write_raw(f"HTTP/1.1 {status} X\r\n\r\n".encode(), then_close=False))
    server.route("/n200", Reply(200, [("X-Status", str(status))], b"after"))

    def scenario(u: ModuleType) -> Any:
        try:
            with u.urlopen(server.url("/n")) as r:
                return r.status, r.read()
        except u.HTTPError as e:  # type: ignore[attr-defined]
            return e.code, e.read()

    assert_same(scenario, server)


def test_gzip_body_stays_encoded(server: RecordingServer) -> None:
    body = gzip.compress(b"hello " * 1000)
    server.route(
        "/gz", Reply(200, [("Content-Encoding", "gzip"), ("Content-Type", "text/plain")], body)
    )
    run = assert_same(lambda u: u.urlopen(server.url("/gz")), server)
    assert run.outcome.body == body
    assert ("Content-Encoding", "gzip") in (run.outcome.headers or [])


def test_deflate_body_stays_encoded(server: RecordingServer) -> None:
    import zlib

    body = zlib.compress(b"deflated " * 100)
    server.route("/df", Reply(200, [("Content-Encoding", "deflate")], body))
    assert assert_same(lambda u: u.urlopen(server.url("/df")), server).outcome.body == body


def test_status_line_variants(server: RecordingServer) -> None:
    server.route("/nr", write_raw(b"HTTP/1.1 299 \r\nContent-Length: 2\r\n\r\nok"))
    server.route("/v10", write_raw(b"HTTP/1.0 200 Old\r\n\r\nhttp/1.0 body"))
    for path in ("/nr", "/v10"):

        def scenario(u: ModuleType, path: str = path) -> Any:
            with u.urlopen(server.url(path)) as r:
                return r.status, r.reason, r.msg, r.version, r.read()

        assert_same(scenario, server)


def test_duplicate_and_folded_headers(server: RecordingServer) -> None:
    server.route(
        "/dup",
        write_raw(
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-A: 1\r\nx-a: 2\r\nX-B: one, two\r\n"
            b"Link: <a>\r\nLink: <b>\r\n\r\n",
            then_close=False,
        ),
    )

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(server.url("/dup")) as r:
            return (
                r.getheaders(),
                r.getheader("x-a"),
                r.info().get_all("X-A"),
                r.headers["X-B"],
                str(r.headers),
                r.headers.keys(),
            )

    assert_same(scenario, server)


def test_folded_header_is_unfolded(server: RecordingServer) -> None:
    """Documented difference: an obsolete folded header value (RFC 9112 obs-fold) is unfolded
    by urllib3 2.8+ (``"one, two"``), where http.client keeps the CRLF (``"one,\\r\\n two"``).
    An older urllib3 (Python 3.9 gets 2.6) keeps it too: the value is then urllib's."""
    server.route(
        "/f",
        write_raw(
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-B: one,\r\n two\r\n\r\n", then_close=False
        ),
    )
    with compat.urlopen(server.url("/f")) as r:
        ours = r.headers["X-B"]
    with urllib.request.urlopen(server.url("/f")) as r:
        assert r.headers["X-B"] == "one,\r\n two"
    with urllib3.PoolManager() as pool:
        engine = pool.request("GET", server.url("/f")).headers["X-B"]
    assert ours == engine and engine in ("one, two", "one,\r\n two")


def test_conflicting_content_lengths_refused(server: RecordingServer) -> None:
    """Documented difference: a response with two different Content-Length values (a request
    smuggling vector, an unrecoverable error per RFC 9112) is refused with ValueError; urllib
    reads it with the first value."""
    import requests_urllib_compat.request as compat

    server.route(
        "/two",
        write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
    )
    with pytest.raises(ValueError, match="Content-Length"):
        compat.urlopen(server.url("/two"))


def test_repr_shows_no_url(server):
    """A signed URL's token must not reach logs through a repr: as the stdlib's response, the
    repr is the default object one."""
    url = server.url("/x?sig=s3cr3t")
    with compat.urlopen(url) as ours, urllib.request.urlopen(url) as theirs:
        assert "s3cr3t" not in repr(ours)
        assert repr(ours).split(" object at ")[0].endswith(".HTTPResponse")
        assert repr(theirs).startswith("<http.client.HTTPResponse object at ")
