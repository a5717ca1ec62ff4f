"""The fault matrix: a server that breaks at each point of an exchange, urllib and us side by side.

Each case is one broken (or merely odd) answer to ``/fault`` from a raw-socket server: a reset or
a FIN before the status line, in it, in the headers, in the body, after the body; a stall against
the caller's timeout; malformed status lines; 1xx responses; bodies after 204/304/HEAD; oversize
lines and chunks; conflicting framing.  The case is run through ``urllib.request`` and through
our package, and the caller must see the same (the same exception class and attributes, or the
same status and body).  Then, because connections are pooled here and never in urllib, a
following unrelated request through our package, on the same shared pool, must get its own
answer: never bytes left over from the broken exchange.
"""

from __future__ import annotations

import dataclasses
import time
import urllib.request
from collections.abc import Callable
from types import ModuleType

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import Outcome, observe
from ..support.raw_server import Conn, Parsed, RawServer, own_body, raw, response

OK5 = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


@dataclasses.dataclass
class Fault:
    name: str
    route: Callable[[Parsed, Conn], bool]
    method: str = "GET"
    timeout: float = 2.0
    #: late bytes meet the follow-up on its reused connection: it is retried once on a fresh
    #: one (docs/differences.md), so the server may parse it twice
    retried: bool = False
    #: a documented difference: what our outcome must be instead of urllib's
    ours: Callable[[Outcome], bool] | None = None


def _late(first: bytes, delay: float, second: bytes) -> Callable[[Parsed, Conn], bool]:
    return raw(first, "keep", delay=delay, after=second)


ALICE = response(200, b"alice-private-data", [("Content-Type", "text/plain")])

CASES = [
    # -- before the status line -------------------------------------------------------------
    Fault("fin-before-status", raw(b"", "fin")),
    Fault("reset-before-status", raw(b"", "reset")),
    Fault("fin-mid-status-line", raw(b"HTTP/1.1 20", "fin")),
    Fault("reset-mid-status-line", raw(b"HTTP/1.1 20", "reset", delay=0.2)),
    # -- in the headers ---------------------------------------------------------------------
    Fault("fin-mid-headers", raw(b"HTTP/1.1 200 OK\r\nContent-Len", "fin")),
    Fault("reset-mid-headers", raw(b"HTTP/1.1 200 OK\r\nContent-Len", "reset", delay=0.2)),
    Fault("fin-before-blank-line", raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "fin")),
    # -- in the body ------------------------------------------------------------------------
    Fault("fin-mid-body", raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "fin")),
    Fault(
        "reset-mid-body",
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "reset", delay=0.2),
    ),
    Fault("fin-mid-chunk", raw(CHUNKED + b"a\r\nhello", "fin")),
    Fault("fin-before-last-chunk", raw(CHUNKED + b"5\r\nhello\r\n", "fin")),
    Fault("reset-mid-chunk", raw(CHUNKED + b"a\r\nhello", "reset", delay=0.2)),
    Fault("fin-frames-body", raw(b"HTTP/1.1 200 OK\r\n\r\nhello until close", "fin")),
    # -- after the body ---------------------------------------------------------------------
    Fault("fin-after-body", raw(OK5, "fin")),
    Fault("reset-after-body", raw(OK5, "reset", delay=0.3)),
    Fault("fin-after-chunked-body", raw(CHUNKED + b"5\r\nhello\r\n0\r\n\r\n", "fin")),
    Fault("keep-after-body", raw(OK5)),
    Fault(
        "connection-close-honoured",
        raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", "stop"),
    ),
    Fault("http10-no-keepalive", raw(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", "stop")),
    # -- slow server against the caller's timeout -------------------------------------------
    Fault("slow-status-line", raw(b"", "stop"), timeout=0.3),
    Fault("slow-mid-headers", raw(b"HTTP/1.1 200 OK\r\n", "stop"), timeout=0.3),
    Fault(
        "slow-body", raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", "stop"), timeout=0.3
    ),
    Fault("slow-chunk", raw(CHUNKED + b"5\r\nhello\r\n", "stop"), timeout=0.3),
    Fault("slow-but-in-time", raw(b"", "keep", delay=0.1, after=OK5), timeout=1.0),
    # -- bad status lines -------------------------------------------------------------------
    Fault("garbage-status", raw(b"garbage\r\n\r\n", "fin")),
    Fault("non-numeric-status", raw(b"HTTP/1.1 abc OK\r\n\r\n", "fin")),
    Fault("status-below-100", raw(b"HTTP/1.1 99 Low\r\n\r\n", "fin")),
    Fault("status-above-999", raw(b"HTTP/1.1 1000 High\r\n\r\n", "fin")),
    Fault("unknown-protocol", raw(b"HTTP/2.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", "fin")),
    Fault("icy-status", raw(b"ICY 200 OK\r\n\r\nhello", "fin")),
    Fault("http09-body", raw(b"hello there\r\n", "fin")),
    Fault("blank-status-line", raw(b"\r\n\r\n", "fin")),
    Fault("no-reason-phrase", raw(b"HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello")),
    Fault("status-line-too-long", raw(b"HTTP/1.1 200 " + b"x" * 70000 + b"\r\n\r\n", "fin")),
    # -- 1xx --------------------------------------------------------------------------------
    Fault("100-then-200", raw(b"HTTP/1.1 100 Continue\r\n\r\n" + OK5)),
    Fault("100s-then-200", raw(b"HTTP/1.1 100 Continue\r\nX: 1\r\n\r\n" * 3 + OK5)),
    Fault(
        "103-then-200-late",
        _late(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", 0.5, ALICE),
    ),
    Fault(
        "103-then-200-at-once", raw(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + ALICE)
    ),
    Fault("102-then-200-late", _late(b"HTTP/1.1 102 Processing\r\n\r\n", 0.3, ALICE)),
    # -- bodies where none belongs ----------------------------------------------------------
    Fault("204-late-bytes", _late(b"HTTP/1.1 204 No Content\r\n\r\n", 0.3, b"hello"), retried=True),
    Fault(
        "204-announcing-a-body", raw(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello")
    ),
    Fault(
        "304-late-bytes", _late(b"HTTP/1.1 304 Not Modified\r\n\r\n", 0.3, b"hello"), retried=True
    ),
    Fault(
        "304-with-body-at-once", raw(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello")
    ),
    Fault("head-answered-with-body", raw(OK5), method="HEAD"),
    Fault(
        "head-late-body",
        _late(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 0.3, b"hello"),
        method="HEAD",
        retried=True,
    ),
    Fault("bytes-after-content-length", raw(OK5 + b"HTTP/1.1 200 OK\r\n\r\nstray")),
    Fault("late-bytes-after-content-length", _late(OK5, 0.3, b"stray"), retried=True),
    Fault("bytes-after-last-chunk", raw(CHUNKED + b"5\r\nhello\r\n0\r\n\r\nstray")),
    # -- oversize ---------------------------------------------------------------------------
    Fault(
        "too-many-headers",
        raw(
            b"HTTP/1.1 200 OK\r\n"
            + b"".join(b"X-%d: v\r\n" % i for i in range(101))
            + b"Content-Length: 5\r\n\r\nhello",
            "fin",
        ),
    ),
    Fault(
        "header-line-too-long", raw(b"HTTP/1.1 200 OK\r\nX: " + b"v" * 70000 + b"\r\n\r\n", "fin")
    ),
    Fault("chunk-size-line-too-long", raw(CHUNKED + b"1" * 70000 + b"\r\n", "fin")),
    Fault("chunk-size-huge", raw(CHUNKED + b"FFFFFFFFFFFFFFFFFFFF\r\nhello", "fin")),
    Fault("chunk-size-not-hex", raw(CHUNKED + b"zz\r\nhello\r\n0\r\n\r\n", "fin")),
    # -- conflicting or odd framing ---------------------------------------------------------
    Fault(
        "cl-and-te",
        raw(
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n0\r\n\r\n"
        ),
    ),
    Fault(
        "te-not-chunked",
        raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nuntil close", "fin"),
    ),
    Fault(
        "negative-content-length",
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nuntil close", "fin"),
    ),
    Fault(
        "non-numeric-content-length",
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nuntil close", "fin"),
    ),
    Fault(
        "two-content-lengths",
        raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "fin"),
        # docs/differences.md: a smuggling vector refused (urllib reads with the first)
        ours=lambda o: o.error_type == "builtins.ValueError",
    ),
]


def through(module: ModuleType, server: RawServer, case: Fault) -> Outcome:
    req = module.Request(server.url("/fault"), method=case.method)
    return observe(lambda: module.urlopen(req, timeout=case.timeout))


def follow_up(server: RawServer, retried: bool = False) -> None:
    """An unrelated request on the same pool gets its own response, and the server parsed no
    request that was not sent (a GET ``retried`` on a fresh connection is sent twice)."""
    server.reset()
    with compat.urlopen(server.url("/next?after"), timeout=2) as r:
        body = r.read()
    assert body == own_body(Parsed("GET", "/next?after", "HTTP/1.1", [], b"", 0)), body
    allowed = [["/next?after"], ["/next?after"] * 2] if retried else [["/next?after"]]
    assert server.targets() in allowed, server.targets()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_fault(raw_server: RawServer, case: Fault) -> None:
    raw_server.route("/fault", case.route)
    close_shared_pools()  # the broken exchange is on a fresh connection, as urllib's
    ours = through(compat, raw_server, case)
    ours_sent = [r.comparable() for r in raw_server.received]
    follow_up(raw_server, case.retried)
    raw_server.reset()
    theirs = through(urllib.request, raw_server, case)
    theirs_sent = [r.comparable() for r in raw_server.received]
    if case.ours is not None:
        assert case.ours(ours), f"\ncompat: {ours}\nstdlib: {theirs}"
    else:
        assert ours == theirs, f"\ncompat: {ours}\nstdlib: {theirs}"
    assert ours_sent == theirs_sent


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c.name
        in {
            "fin-before-status",
            "fin-mid-body",
            "reset-mid-body",
            "slow-body",
            "garbage-status",
            "too-many-headers",
            "cl-and-te",
            "fin-after-body",
        }
    ],
    ids=lambda c: c.name,
)
def test_fault_on_reused_connection(raw_server: RawServer, case: Fault) -> None:
    """The same faults on a kept-alive connection: the caller sees what urllib shows on a fresh
    one (an idempotent request may be retried once on a new connection when the reused one was
    dropped before any response, the documented stale keep-alive rule), and the pool is clean."""
    raw_server.route("/fault", case.route)
    with compat.urlopen(raw_server.url("/warm"), timeout=2) as r:
        r.read()
    raw_server.reset()
    ours = through(compat, raw_server, case)
    follow_up(raw_server)
    raw_server.reset()
    theirs = through(urllib.request, raw_server, case)
    assert ours == theirs, f"\ncompat: {ours}\nstdlib: {theirs}"


def test_idle_closed_keepalive(raw_server: RawServer) -> None:
    """A server that closes idle keep-alive connections (FIN, no word): the next request through
    the pool succeeds, with its own response, and reaches the server once."""
    raw_server.idle_close = 0.2
    for path in ("/a", "/b", "/c"):
        raw_server.reset()
        with compat.urlopen(raw_server.url(path), timeout=2) as r:
            assert r.read() == f"ok GET {path}".encode()
        assert raw_server.targets() == [path]
        time.sleep(0.4)
    assert raw_server.connections == 3


def test_idle_reset_keepalive(raw_server: RawServer) -> None:
    """As above, with a reset instead of a FIN while the connection is idle in the pool."""
    raw_server.route("/a", raw(OK5, "reset", delay=0.1))
    with compat.urlopen(raw_server.url("/a"), timeout=2) as r:
        assert r.read() == b"hello"
    time.sleep(0.3)
    follow_up(raw_server)


def test_dropped_on_reuse_get_is_retried_once(raw_server: RawServer) -> None:
    """The server drops a kept-alive connection just as a GET arrives on it (it read the request
    and closed without answering): retried once on a fresh connection, as documented, and the
    caller gets the answer urllib's fresh connection would have had."""

    def drop_on_first_connection(req: Parsed, conn: Conn) -> bool:
        if conn.number == 1:
            conn.fin()
            return False
        return raw(OK5)(req, conn)

    raw_server.route("/b", drop_on_first_connection)
    with compat.urlopen(raw_server.url("/a"), timeout=2) as r:
        r.read()
    raw_server.reset()
    with compat.urlopen(raw_server.url("/b"), timeout=2) as r:
        assert r.read() == b"hello"
    assert raw_server.targets() == ["/b", "/b"]
    follow_up(raw_server)


def test_response_left_unread_then_reused(raw_server: RawServer) -> None:
    """A response closed before its body was read does not hand its body to the next caller."""
    raw_server.route("/big", raw(response(200, b"x" * 100_000)))
    r = compat.urlopen(raw_server.url("/big"), timeout=2)
    r.read(10)
    r.close()
    follow_up(raw_server)
