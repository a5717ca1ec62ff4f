"""A reused connection never carries one exchange into another (issue 10 §1, §5).

urllib sends ``Connection: close`` and never reuses a socket; we pool.  Each case here is a
server or a caller getting the framing wrong, or a server closing a kept-alive connection: run
through urllib and through us against the same raw-socket server on loopback, the caller and the
server must see the same, and no request may receive another one's answer.
"""

from __future__ import annotations

import array
import functools
import io
import time
import urllib.request
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import Outcome, assert_same, observe, run
from ..support.raw_server import Conn, Parsed, RawServer, Route, hello, reply
from ..support.servers import RecordingServer, write_raw


@pytest.fixture
def serve() -> Iterator[Callable[..., RawServer]]:
    """Starts a raw server with these routes by path, ``default`` for the others."""
    started: list[RawServer] = []

    def start(routes: dict[str, Route], default: Route = hello) -> RawServer:
        server = RawServer()
        for path, route in routes.items():
            server.route(path, route)
        server.route("*", default)
        started.append(server.start())
        return server

    yield start
    close_shared_pools()
    for server in started:
        server.stop()


def _fetch(u: ModuleType, opener: Any, request: Any, timeout: float = 2) -> Any:
    """Status and body of one call, errors included (an HTTPError is read and closed)."""
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except u.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


# -- §1: a response that is not the end of its exchange ------------------------------------------


@pytest.mark.parametrize("status", [101, 102, 103, 150, 199])
def test_informational_response_never_reaches_another_opener(serve: Any, status: int) -> None:
    """alice's request is answered ``1xx`` then, later, ``200`` with her data: urllib raises
    HTTPError for the 1xx and closes; bob's request, from another opener, must get his page,
    never alice's 200 (which was still in flight on the connection)."""
    server = serve(
        {
            "/alice": reply(
                status,
                headers="Link: </a.css>\r\n",
                then=b"HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\nalice-private-data",
                delay=0.3,
            ),
            "/bob": reply(body=b"bob-page"),
        }
    )

    def scenario(u: ModuleType) -> Any:
        alice, bob = u.build_opener(), u.build_opener()
        request = u.Request(server.url("/alice"), headers={"Authorization": "Bearer alice"})
        return _fetch(u, alice, request), _fetch(u, bob, server.url("/bob"))

    ours = assert_same(scenario, server)
    assert ours.outcome.value == ((status, b""), (200, b"bob-page"))


def test_informational_response_over_tls(tls_server: RecordingServer, client_context: Any) -> None:
    """The same over HTTPS, where two openers with one context share a pool."""

    def alice(rec: Any, handler: Any) -> None:
        handler.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n")
        handler.wfile.flush()
        time.sleep(0.3)
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\nalice-private-data")
        handler.wfile.flush()

    tls_server.route("/alice", alice)

    def scenario(u: ModuleType) -> Any:
        alice, bob = (u.build_opener(u.HTTPSHandler(context=client_context)) for _ in "ab")
        request = u.Request(tls_server.url("/alice"), headers={"Authorization": "Bearer alice"})
        return _fetch(u, alice, request), _fetch(u, bob, tls_server.url("/bob"))

    ours = assert_same(scenario, tls_server)
    assert ours.outcome.value == ((103, b""), (200, b"hello /bob"))


def test_error_in_response_head_never_leaves_the_connection_to_another(serve: Any) -> None:
    """A response refused while its head is parsed (two different Content-Length values) ends
    the exchange with the rest of it still on the connection: it is not reused."""
    server = serve(
        {
            "/alice": reply(
                headers="Content-Length: 5\r\nContent-Length: 25\r\n",
                body=b"alice-private-data-and-so",
            ),
        }
    )
    with pytest.raises(ValueError):
        compat.build_opener().open(server.url("/alice"), timeout=2)
    with compat.build_opener().open(server.url("/bob"), timeout=2) as r:
        assert r.read() == b"hello /bob"


# -- §1: bytes after a response that has no body, or after its body ------------------------------

#: (first request's method, the answer's head and body, stray bytes after it)
_STRAY = {
    "204": ("GET", "HTTP/1.1 204 No Content\r\n\r\n", b"hello"),
    "204-announcing": ("GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", b"hello"),
    "304": ("GET", "HTTP/1.1 304 Not Modified\r\n\r\n", b"hello"),
    "304-announcing": ("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", b"hello"),
    "HEAD": ("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", b"hello"),
    "after-length": ("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", b" world"),
    "after-chunked": (
        "GET",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"extra",
    ),
}

#: When the stray bytes come: with the head, a moment later (already there when the next
#: request is sent: the pool sees them and does not reuse), or after the next request was sent.
_TIMING = {"same-write": (0.0, 0.0), "pending": (0.05, 0.3), "late": (0.3, 0.0)}


@pytest.mark.parametrize("timing", list(_TIMING))
@pytest.mark.parametrize("case", list(_STRAY))
@pytest.mark.parametrize("then", ["GET", "POST"])
def test_stray_bytes_never_reach_the_next_request(
    serve: Any, case: str, timing: str, then: str
) -> None:
    method, head, stray = _STRAY[case]
    delay, pause = _TIMING[timing]

    def first(request: Parsed, conn: Conn) -> bool:
        if delay:
            conn.send(head.encode())
            time.sleep(delay)
            conn.send(stray)
        else:
            conn.send(head.encode() + stray)
        return True

    server = serve({"/first": first})

    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener()
        before = _fetch(u, opener, u.Request(server.url("/first"), method=method))
        time.sleep(pause)
        data = b"payload" if then == "POST" else None
        return before, _fetch(u, opener, u.Request(server.url("/next"), data=data))

    ours, theirs = run(scenario, compat, [server]), run(scenario, urllib.request, [server])
    assert ours.outcome == theirs.outcome
    assert ours.outcome.value[1] == (200, b"hello /next")
    if then == "POST" or timing != "late" or case.endswith("-announcing"):
        # a POST goes on a fresh connection; a 204/304 announcing a body ends its connection
        assert ours.received == theirs.received
    else:  # the GET was resent on a fresh connection after the reused one answered garbage
        assert ours.received == theirs.received[:1] + theirs.received[1:] * 2


# -- §1: request framing the caller chose --------------------------------------------------------

_TEXT = "héllo wörld"

#: Requests whose framing headers (set by the caller) do not match the body http.client sends.
_FRAMINGS: dict[str, Callable[[ModuleType, str], Any]] = {
    "length-shorter": lambda u, url: u.Request(
        url, data=_TEXT.encode(), headers={"Content-Length": str(len(_TEXT))}
    ),
    "length-shorter-array": lambda u, url: u.Request(
        url,
        data=array.array("H", b"GET /x HTTP/1.1\r\n\r\n"[:18]),
        headers={"Content-Length": "9"},
        method="PUT",
    ),
    "length-shorter-file": lambda u, url: u.Request(
        url,
        data=io.BytesIO(b"0123GET /smuggled HTTP/1.1\r\n\r\n"),
        headers={"Content-Length": "4"},
        method="PUT",
    ),
    "length-shorter-iterator": lambda u, url: u.Request(
        url,
        data=iter([b"0123", b"GET /smuggled HTTP/1.1\r\n\r\n"]),
        headers={"Content-Length": "4"},
    ),
    "length-longer": lambda u, url: u.Request(
        url, data=b"abc", headers={"Content-Length": "10"}, method="PUT"
    ),
    "length-without-body": lambda u, url: u.Request(url, headers={"Content-Length": "5"}),
    "coding-without-body": lambda u, url: u.Request(url, headers={"Transfer-Encoding": "gzip"}),
    "coding-not-chunked": lambda u, url: u.Request(
        url, data=b"hello", headers={"Transfer-Encoding": "gzip"}
    ),
    "coding-and-length": lambda u, url: u.Request(
        url,
        data=b"0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
        headers={"Transfer-Encoding": "chunked", "Content-Length": "5"},
    ),
    "coding-array": lambda u, url: u.Request(
        url,
        data=array.array("H", b"0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n"[:30]),
        headers={"Transfer-Encoding": "chunked"},
    ),
}


@pytest.mark.parametrize("case", list(_FRAMINGS))
def test_request_framing_leftovers_never_reach_the_server_as_a_request(
    serve: Any, case: str
) -> None:
    """urllib writes the caller's framing headers and the body as http.client does, and says
    ``Connection: close``: a server reads no request in the bytes beyond the framing.  We send
    the same bytes and, whenever the framing may not match them, the same ``Connection:
    close``, and never reuse that connection."""
    server = serve({})

    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener()
        first = observe(
            lambda: _fetch(u, opener, _FRAMINGS[case](u, server.url("/up")), timeout=0.5)
        )
        return first.kind, first.value, _fetch(u, opener, server.url("/next"))

    ours = assert_same(scenario, server)
    assert ours.outcome.value[2] == (200, b"hello /next")
    assert not any(b"smuggled" in r.line for r in server.received)
    assert not any("smuggled" in error for _, error in server.errors)
    assert server.received[-1].connection == server.connections  # a fresh one for /next


def test_array_chunks_close_the_connection(serve: Any) -> None:
    """Items of an iterable body whose ``len()`` is not their size in bytes get a chunk size
    line that does not match what is sent (http.client's too, as urllib would send them): the
    connection is not reused after it."""
    server = serve({})

    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener()
        chunks = iter([b"ab", array.array("I", [0x41424344])])
        return (
            _fetch(u, opener, u.Request(server.url("/up"), data=chunks, method="PUT")),
            _fetch(u, opener, server.url("/next")),
        )

    ours = assert_same(scenario, server)
    assert ours.outcome.value[1] == (200, b"hello /next")
    before = server.connections
    run(scenario, compat, [server])
    assert server.connections - before == 2


def _wire(server: RawServer) -> list[bytes]:
    """Each connection's bytes, without the Connection header (urllib's one difference)."""
    return [
        b"".join(
            line
            for line in bytes(raw).splitlines(keepends=True)
            if not line.lower().startswith(b"connection:")
        )
        for _, raw in sorted(server.raw.items())
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda: iter([b"x" * 26, b"", b"y" * 300]), id="iterator"),
        pytest.param(lambda: io.BytesIO(b"z" * 20000), id="file"),
        pytest.param(lambda: b"\xe9" * 10, id="bytes"),
        pytest.param(lambda: io.StringIO("\xe9" * 10), id="text-file"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PROPFIND", "GET"])
def test_same_bytes_on_the_wire_as_http_client(
    serve: Any, body: Callable[[], Any], method: str
) -> None:
    """The framing bytes themselves are http.client's: upper-case chunk sizes, its block
    size for files, no Content-Length it would not send."""
    server = serve({})

    def scenario(u: ModuleType) -> Any:
        for data in (body(), None):
            with u.urlopen(u.Request(server.url("/w"), data=data, method=method)) as r:
                r.read()

    assert_same(scenario, server)
    run(scenario, compat, [server])
    ours = _wire(server)
    run(scenario, urllib.request, [server])
    assert b"".join(ours) == b"".join(_wire(server))


def test_text_file_beyond_latin_1_fails_as_in_urllib(serve: Any) -> None:
    """http.client encodes a text file ISO-8859-1 (after the headers went out)."""
    server = serve({})

    def scenario(u: ModuleType) -> Any:
        return u.urlopen(u.Request(server.url("/t"), data=io.StringIO("\u0101"), method="PUT"))

    ours, theirs = run(scenario, compat, [server]), run(scenario, urllib.request, [server])
    assert ours.outcome == theirs.outcome
    assert ours.outcome.error_type == "builtins.UnicodeEncodeError"


# -- §5: a server that closes after each response without saying so ------------------------------


def test_back_to_back_posts_to_a_server_closing_after_each_response() -> None:
    """The server answers (no ``Connection: close``), waits a moment and closes: a request sent
    on that connection meanwhile is never read.  urllib never fails (a new connection each
    time); a POST sent on the kept-alive connection would fail and cannot be resent, so it
    goes on a fresh connection.  GETs may reuse it: they are resent.  No POST reaches the
    server twice."""
    server = RecordingServer().start()
    server.route("*", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", delay=0.05))
    try:
        for module in (compat, urllib.request):
            server.reset()
            outcomes = []
            for n in range(10):
                data = f"post {n}".encode() if n % 3 != 2 else None
                outcomes.append(
                    observe(
                        functools.partial(module.urlopen, server.url(f"/{n}"), data=data, timeout=5)
                    )
                )
            assert outcomes == [
                Outcome(
                    kind="response",
                    status=200,
                    reason="OK",
                    url=server.url(f"/{n}"),
                    headers=[("Content-Length", "2")],
                    body=b"ok",
                )
                for n in range(10)
            ]
            posts = [r.body for r in server.received if r.method == "POST"]
            assert posts == [f"post {n}".encode() for n in range(10) if n % 3 != 2]
    finally:
        close_shared_pools()
        server.stop()


def test_stale_connection_retry_takes_a_fresh_connection(serve: Any) -> None:
    """A resendable request whose reused connection fails is resent on a fresh connection, not
    on another pooled one (which may be as stale: here both answer junk after their response,
    as the caller sees it, the reused connection of a GET is retried once)."""
    server = serve({}, default=reply(body=b"ok", then=b"junk", delay=0.3))
    opener = compat.build_opener()
    first, second = opener.open(server.url("/a")), opener.open(server.url("/b"))
    with first, second:
        assert first.read() + second.read() == b"okok"
    assert _fetch(compat, opener, server.url("/c")) == (200, b"ok")
    assert [(r.connection, r.target) for r in server.received] == [
        (1, "/a"),
        (2, "/b"),
        (2, "/c"),
        (3, "/c"),
    ]


def test_request_that_cannot_be_resent_takes_a_fresh_connection(serve: Any) -> None:
    """An iterator body cannot be sent twice, whatever the method: no reused connection."""
    server = serve({})
    opener = compat.build_opener()
    _fetch(compat, opener, server.url("/a"))
    _fetch(compat, opener, compat.Request(server.url("/b"), data=iter([b"x"]), method="PUT"))
    _fetch(compat, opener, compat.Request(server.url("/c"), data=b"x", method="PUT"))
    assert [r.connection for r in server.received] == [1, 2, 2]


def test_response_refused_before_its_body_closes_its_connection(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while the response is made ready for the caller (before any body is read)
    closes the connection at once: not left to the garbage collector, not pooled."""
    from requests_urllib_compat.response import HTTPResponse

    seen: list[Any] = []
    original = HTTPResponse._view

    def failing(self: HTTPResponse, requests_response: Any, url: str) -> None:
        seen.append(requests_response)
        if url.endswith("/late"):
            original(self, requests_response, url)
        raise RuntimeError("refused")

    monkeypatch.setattr(HTTPResponse, "_view", failing)
    for path in ("/early", "/late"):
        with pytest.raises(RuntimeError):
            compat.urlopen(server.url(path))
    monkeypatch.undo()
    assert all(response.raw.closed for response in seen)
    with compat.urlopen(server.url("/b")) as r:
        assert r.read() == b"hello /b"
    assert server.connections == 3


def test_post_through_a_tunnel_takes_a_fresh_one(
    tls_server: RecordingServer, forward_proxy: Any, client_context: Any
) -> None:
    """A request that cannot be resent goes on a fresh connection through a proxy too: a new
    tunnel (CONNECT again); the pooled tunnel serves the GETs after it."""
    opener = compat.build_opener(
        compat.ProxyHandler({"https": forward_proxy.url}),
        compat.HTTPSHandler(context=client_context),
    )
    for data in (None, b"one", None, b"two", None):
        with opener.open(tls_server.url("/p"), data=data) as r:
            assert r.read() == b"hello /p"
    assert [(r.method, r.connection) for r in tls_server.received] == [
        ("GET", 1),
        ("POST", 2),
        ("GET", 2),
        ("POST", 3),
        ("GET", 3),
    ]
