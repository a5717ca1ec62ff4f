"""Behaviours no other test pinned (each survived as a mutant, issue 13 §5), through real
loopback servers, urllib.request as the oracle wherever it has an answer."""

from __future__ import annotations

import os
import socket
import ssl
import struct
import threading
import urllib.request
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import requests

import requests_urllib_compat.request as compat
from requests_urllib_compat._cache import RecentlyUsed
from requests_urllib_compat._transport import adapter as transport_adapter
from requests_urllib_compat._transport import close_shared_pools, shared_adapter

from ..support.differential import TIMEOUT, assert_same, observe
from ..support.ports import free_port
from ..support.servers import Handler, Received, RecordingServer, Reply, reset_after, write_raw

HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"


def _hang_up(handler: Handler, reset: bool = False) -> None:
    """Close the connection without answering: a clean close (FIN), or a reset (RST)."""
    if reset:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    else:
        handler.connection.shutdown(socket.SHUT_RDWR)


def _on_connection(server: RecordingServer, rec: Received) -> int:
    """How many requests the connection of ``rec`` has carried, ``rec`` included."""
    return sum(1 for r in list(server.received) if r.connection == rec.connection)


# -- failures before the status line ------------------------------------------------------------


def test_connection_reset_before_the_status_line(server: RecordingServer) -> None:
    """urllib lets the ``ConnectionResetError`` out raw (``getresponse`` is outside do_open's
    ``try``): not a URLError, and not retried (the connection was new)."""
    server.route("/rst", reset_after(b"", delay=0.05))
    run = assert_same(lambda u: u.urlopen(server.url("/rst")), server)
    assert run.outcome.error_type == "builtins.ConnectionResetError"
    assert len(run.received) == 1


# -- failures while reading the body (the "read" half of the table) -----------------------------


def test_connection_reset_in_the_body(server: RecordingServer) -> None:
    """The reset comes after the caller has read what arrived: ``ConnectionResetError`` raw,
    the same text, as urllib."""
    read_some = threading.Event()

    def route(rec: Received, handler: Handler) -> None:
        handler.wfile.write(HEAD + b"partial")
        handler.wfile.flush()
        read_some.wait(5)
        _hang_up(handler, reset=True)

    server.route("/rst", route)

    def scenario(u: ModuleType) -> Any:
        read_some.clear()
        with u.urlopen(server.url("/rst")) as r:
            assert r.read(7) == b"partial"
            read_some.set()
            return r.read()

    run = assert_same(scenario, server)
    assert run.outcome.error_type == "builtins.ConnectionResetError"


@pytest.mark.parametrize("reader", ["read", "read_n", "readline", "readinto"])
def test_body_cut_short_by_a_clean_close(server: RecordingServer, reader: str) -> None:
    server.route("/cut", write_raw(HEAD + b"ab\ncd"))
    read = {
        "read": lambda r: r.read(),
        "read_n": lambda r: [r.read(4) for _ in range(3)],
        "readline": lambda r: [r.readline() for _ in range(3)],
        "readinto": lambda r: r.readinto(bytearray(200)),
    }[reader]

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(server.url("/cut")) as r:
            return read(r)

    run = assert_same(scenario, server)
    if reader == "read":  # the others return what came (http.client's readline, read(n))
        assert run.outcome.error_type == "http.client.IncompleteRead"
    else:
        assert run.outcome.kind == "value"


def test_body_read_timeout_mid_line(server: RecordingServer) -> None:
    arrived = threading.Event()

    def route(rec: Received, handler: Handler) -> None:
        handler.wfile.write(HEAD + b"no newline yet")
        handler.wfile.flush()
        arrived.wait(5)

    server.route("/stall", route)

    def scenario(u: ModuleType) -> Any:
        arrived.clear()
        try:
            with u.urlopen(server.url("/stall"), timeout=0.3) as r:
                return r.readline()
        finally:
            arrived.set()

    run = assert_same(scenario, server)
    assert run.outcome.error_type == TIMEOUT


def _tls_garbage_route(read_some: threading.Event) -> Any:
    def route(rec: Received, handler: Handler) -> None:
        handler.wfile.write(HEAD + b"partial")
        handler.wfile.flush()
        read_some.wait(5)
        # bytes that are no TLS record, written under the TLS layer
        raw = socket.socket(fileno=os.dup(handler.connection.fileno()))
        try:
            raw.sendall(b"\x17\x03\x03\x00\x10" + b"\x00" * 16)
        finally:
            raw.close()
        _hang_up(handler)

    return route


def test_tls_failure_in_the_body(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    """A broken TLS record in the body: the ``ssl.SSLError`` itself, as urllib lets it out
    (the TLS failure translator of the read phase)."""
    read_some = threading.Event()
    tls_server.route("/bad", _tls_garbage_route(read_some))

    def scenario(u: ModuleType) -> Any:
        read_some.clear()
        opener = u.build_opener(u.HTTPSHandler(context=client_context))
        with opener.open(tls_server.url("/bad")) as r:
            assert r.read(7) == b"partial"
            read_some.set()
            return r.read()

    run = assert_same(scenario, tls_server)
    assert run.outcome.error_type is not None and run.outcome.error_type.startswith("ssl.SSL")


def test_tls_handshake_timeout() -> None:
    """A server that accepts the connection and never answers the TLS handshake."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/"

        def scenario(u: ModuleType) -> Any:
            opener = u.build_opener(u.HTTPSHandler(context=ssl.create_default_context()))
            return opener.open(url, timeout=0.3)

        ours, theirs = observe(lambda: scenario(compat)), observe(lambda: scenario(urllib.request))
        close_shared_pools()
    assert ours == theirs
    assert theirs.error_type == "urllib.error.URLError" and theirs.reason_type == TIMEOUT


# -- no_proxy through opener.session ------------------------------------------------------------


@pytest.fixture
def proxy_server() -> Iterator[RecordingServer]:
    """A recording server in the role of a plain-http proxy: it must see nothing here."""
    s = RecordingServer().start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    return monkeypatch


@pytest.mark.parametrize("userinfo", ["", "u:p@"])
def test_no_proxy_bypasses_a_proxy_with_credentials_in_the_session(
    server: RecordingServer, proxy_server: RecordingServer, no_proxy_env: Any, userinfo: str
) -> None:
    """``no_proxy`` matches the origin: neither the request nor the proxy's credentials go to
    the proxy, through ``opener.session`` as through the opener (and urllib)."""
    proxy = f"http://user:secret@127.0.0.1:{proxy_server.port}"
    url = f"http://{userinfo}127.0.0.1:{server.port}/direct"
    if not userinfo:
        assert_same(
            lambda u: u.build_opener(u.ProxyHandler({"http": proxy})).open(url),
            server,
            proxy_server,
        )
        server.reset()
    with compat.build_opener(compat.ProxyHandler({"http": proxy})).session.get(url) as r:
        assert r.status_code == 200
    assert proxy_server.received == []
    assert [rec.target for rec in server.received] == ["/direct"]
    assert server.received[0].header("Proxy-Authorization") is None


def test_no_proxy_on_a_redirect_hop_through_the_session(
    server: RecordingServer, proxy_server: RecordingServer, no_proxy_env: Any
) -> None:
    """Each hop is checked against ``no_proxy`` again (requests' ``rebuild_proxies``)."""
    server.route("/from", Reply(302, [("Location", "/to")]))
    proxy = f"http://user:secret@127.0.0.1:{proxy_server.port}"
    url = server.url("/from")
    assert_same(
        lambda u: u.build_opener(u.ProxyHandler({"http": proxy})).open(url), server, proxy_server
    )
    server.reset()
    with compat.build_opener(compat.ProxyHandler({"http": proxy})).session.get(url) as r:
        assert (r.status_code, r.text) == (200, "hello /to")
    assert proxy_server.received == []
    assert [rec.target for rec in server.received] == ["/from", "/to"]
    assert all(rec.header("Proxy-Authorization") is None for rec in server.received)


def test_the_session_uses_the_proxy_when_no_proxy_does_not_match(
    server: RecordingServer, proxy_server: RecordingServer, no_proxy_env: Any
) -> None:
    no_proxy_env.setenv("no_proxy", "example.invalid")
    proxy = f"http://user:secret@127.0.0.1:{proxy_server.port}"
    session = compat.build_opener(compat.ProxyHandler({"http": proxy})).session
    with session.get(f"http://127.0.0.1:{server.port}/via") as r:
        assert r.status_code == 200
    assert server.received == []
    assert [rec.target for rec in proxy_server.received] == [f"http://127.0.0.1:{server.port}/via"]
    assert proxy_server.received[0].header("Proxy-Authorization") is not None


# -- the request target, verbatim ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/p?", "/p?a=1&", "/?", "/a%2fb", "/a|b?x=|", "/%7euser", "/p?q=%zz", "/p#fragment", "/p?#"],
)
def test_the_request_target_goes_out_as_urllib_builds_it(
    server: RecordingServer, path: str
) -> None:
    run = assert_same(lambda u: u.urlopen(server.url(path)), server)
    assert run.received[0][1] == path.split("#")[0]


def test_empty_query_kept_by_the_opener(server: RecordingServer) -> None:
    opener = compat.build_opener()
    with opener.open(server.url("/p?")) as r:
        r.read()
    assert server.received[0].target == "/p?"


# -- the stale keep-alive retry -----------------------------------------------------------------


@pytest.mark.parametrize("reset", [False, True], ids=["clean close", "reset"])
def test_a_dropped_kept_alive_connection_is_retried_once(
    server: RecordingServer, reset: bool
) -> None:
    """The server drops a reused connection on receiving the request: the GET is sent again,
    once, on a new connection (urllib, with a connection per request, never meets this)."""

    def route(rec: Received, handler: Handler) -> Reply | None:
        if _on_connection(server, rec) > 1:
            _hang_up(handler, reset)
            return None
        return Reply(200, [], b"fresh")

    server.route("*", route)
    with compat.urlopen(server.url("/a")) as r:
        assert r.read() == b"fresh"
    with compat.urlopen(server.url("/b")) as r:
        assert r.read() == b"fresh"
    assert [(rec.target, rec.connection) for rec in server.received] == [
        ("/a", 1),
        ("/b", 1),
        ("/b", 2),
    ]


@pytest.mark.parametrize("reset", [False, True], ids=["clean close", "reset"])
def test_a_new_connection_is_never_retried(server: RecordingServer, reset: bool) -> None:
    """After the retry, the new connection is dropped too: that error is the caller's, as
    urllib's, and the GET went out twice in all (once per connection), never a third time."""

    def route(rec: Received, handler: Handler) -> Reply | None:
        if rec.target == "/a":
            return Reply(200, [], b"first")
        _hang_up(handler, reset)
        return None

    server.route("*", route)
    with compat.urlopen(server.url("/a")) as r:
        assert r.read() == b"first"
    outcome = observe(lambda: compat.urlopen(server.url("/b")))
    assert [(rec.target, rec.connection) for rec in server.received] == [
        ("/a", 1),
        ("/b", 1),
        ("/b", 2),
    ]
    server.reset()
    close_shared_pools()
    fresh = assert_same(lambda u: u.urlopen(server.url("/b")), server)
    assert len(fresh.received) == 1  # on a new connection: sent once, not retried
    assert outcome == fresh.outcome


def test_the_retry_timing_out_is_a_timeout_as_urllibs(server: RecordingServer) -> None:
    """The retried request's new connection stalls: the caller gets the raw timeout urllib
    gives for a response that does not come (not a URLError: the request went out)."""
    released = threading.Event()

    def route(rec: Received, handler: Handler) -> Reply | None:
        if rec.target == "/a":
            return Reply(200, [], b"first")
        if _on_connection(server, rec) > 1:
            _hang_up(handler)
        else:
            released.wait(5)
        return None

    server.route("*", route)
    with compat.urlopen(server.url("/a")) as r:
        r.read()
    try:
        outcome = observe(lambda: compat.urlopen(server.url("/b"), timeout=0.5))
    finally:
        released.set()
    assert outcome.error_type == TIMEOUT
    assert [(rec.target, rec.connection) for rec in server.received] == [
        ("/a", 1),
        ("/b", 1),
        ("/b", 2),
    ]


def test_a_post_on_a_dropped_connection_is_not_sent_again(server: RecordingServer) -> None:
    def route(rec: Received, handler: Handler) -> Reply | None:
        if _on_connection(server, rec) > 1:
            _hang_up(handler)
            return None
        return Reply(200, [], b"ok")

    server.route("*", route)
    with compat.urlopen(server.url("/a")) as r:
        r.read()
    outcome = observe(lambda: compat.urlopen(server.url("/post"), data=b"once"))
    # A POST cannot be resent, so it never goes on a reused connection (which this server
    # drops): it is sent once, on a fresh connection, and succeeds as urllib's would.
    assert outcome.kind == "response" and outcome.status == 200
    assert [(rec.target, rec.body) for rec in server.received] == [("/a", b""), ("/post", b"once")]
    assert server.received[0].connection != server.received[1].connection


# -- a proxy failing the tunnel -----------------------------------------------------------------


def _via_proxy(port: int) -> Any:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener(
            u.ProxyHandler({"https": f"http://127.0.0.1:{port}"}),
            u.HTTPSHandler(context=ssl.create_default_context()),
        )
        return opener.open("https://origin.invalid/x", timeout=5)

    return scenario


@pytest.mark.parametrize("status", [403, 407, 502])
def test_proxy_refusing_the_tunnel(proxy_server: RecordingServer, status: int) -> None:
    """urllib: ``URLError(OSError('Tunnel connection failed: <status> <reason>'))``."""
    proxy_server.route("*", Reply(status, [], b"no"))
    run = assert_same(_via_proxy(proxy_server.port), proxy_server)
    assert run.outcome.error_type == "urllib.error.URLError"
    assert run.outcome.reason_type == "builtins.OSError"
    assert run.outcome.error_text is not None
    assert f"Tunnel connection failed: {status}" in run.outcome.error_text


def test_proxy_down() -> None:
    port = free_port()
    ours = observe(lambda: _via_proxy(port)(compat))
    theirs = observe(lambda: _via_proxy(port)(urllib.request))
    assert ours == theirs
    assert ours.reason_type == "builtins.ConnectionRefusedError"


@pytest.mark.parametrize("reset", [False, True], ids=["clean close", "reset"])
def test_proxy_hanging_up_during_the_tunnel(proxy_server: RecordingServer, reset: bool) -> None:
    proxy_server.route("*", lambda rec, handler: _hang_up(handler, reset))
    run = assert_same(_via_proxy(proxy_server.port), proxy_server)
    assert run.outcome.error_type == "urllib.error.URLError"


def test_garbage_from_the_proxy(proxy_server: RecordingServer) -> None:
    proxy_server.route("*", write_raw(b"SPLAT\r\n\r\n"))
    run = assert_same(_via_proxy(proxy_server.port), proxy_server)
    assert run.outcome.error_type == "http.client.BadStatusLine"


# -- the shared adapters: least recently used evicted -------------------------------------------


@pytest.fixture
def small_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecentlyUsed[Any, Any]]:
    cache: RecentlyUsed[Any, Any] = RecentlyUsed(3, transport_adapter.CompatAdapter.close)
    monkeypatch.setattr(transport_adapter, "_shared", cache)
    yield cache
    cache.clear()


def test_adapter_cache_evicts_the_least_recently_used(small_cache: Any) -> None:
    a, b, c, d = (ssl.create_default_context() for _ in range(4))
    first, second, third = shared_adapter(a), shared_adapter(b), shared_adapter(c)
    assert shared_adapter(a) is first  # used again: now the most recent
    assert small_cache.keys() == [(b, 0), (c, 0), (a, 0)]
    shared_adapter(d)  # one too many: the least recently used (b's) goes
    assert small_cache.keys() == [(c, 0), (a, 0), (d, 0)]
    assert shared_adapter(c) is third and shared_adapter(a) is first
    assert shared_adapter(b) is not second  # made anew, evicting d's
    assert small_cache.keys() == [(c, 0), (a, 0), (b, 0)]


def test_an_evicted_adapter_is_closed(server: RecordingServer, small_cache: Any) -> None:
    evicted = shared_adapter(None, 1)
    response = evicted.send(requests.Request("GET", server.url("/x")).prepare(), stream=False)
    assert response.content == b"hello /x"
    assert len(evicted.poolmanager.pools) == 1
    for level in (2, 3, 4):
        shared_adapter(None, level)
    assert (None, 1) not in small_cache
    assert len(evicted.poolmanager.pools) == 0  # closed: its pools (and connections) gone


def test_the_same_settings_share_one_adapter(small_cache: Any) -> None:
    context = ssl.create_default_context()
    assert shared_adapter(context) is shared_adapter(context)
    assert shared_adapter(context, 1) is not shared_adapter(context, 0)
    assert shared_adapter(None) is not shared_adapter(ssl.create_default_context())


# -- a redirect handler that declines -----------------------------------------------------------


def test_a_cooperative_handler_declining_a_redirect(server: RecordingServer) -> None:
    """``redirect_request`` may return None ("another handler might"): a mixin after ours in
    the MRO that declines makes the 302 come out as an HTTPError, as with urllib's own class."""
    server.route("/from", Reply(302, [("Location", "http://elsewhere.invalid/")], b"moved"))

    class Declining(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    def scenario(u: ModuleType) -> Any:
        ours = u.HTTPRedirectHandler is not urllib.request.HTTPRedirectHandler
        handler = type(
            "Handler", (u.HTTPRedirectHandler, Declining) if ours else (Declining,), {}
        )()
        request = u.Request(server.url("/from"), headers={"Authorization": "Basic eDp5"})
        return u.build_opener(handler).open(request)

    run = assert_same(scenario, server)
    assert run.outcome.status == 302 and run.outcome.error_type == "urllib.error.HTTPError"


def test_a_cooperative_proxy_handler_after_ours_is_called(proxy_server: RecordingServer) -> None:
    """``proxy_open`` of our ProxyHandler goes on along the MRO (``super()``) for an instance of
    it, as urllib's does: a mixin after it sees the call."""
    proxy_server.route("*", Reply(200, [], b"via proxy"))
    seen: list[str] = []

    class Recording(urllib.request.ProxyHandler):
        def proxy_open(self, req: Any, proxy: str, type: str) -> Any:
            seen.append(proxy)
            return super().proxy_open(req, proxy, type)

    handler_class = type("Handler", (compat.ProxyHandler, Recording), {})
    proxy = f"http://127.0.0.1:{proxy_server.port}"
    opener = compat.build_opener(handler_class({"http": proxy}))
    with opener.open("http://origin.invalid/x", timeout=5) as response:
        assert response.read() == b"via proxy"
    assert seen == [proxy]
