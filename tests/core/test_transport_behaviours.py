"""Transport behaviours pinned where a mutant of ``_transport/`` survived its tests (issue 13 §5):
through real loopback servers and proxies, urllib.request as the oracle wherever it has an
answer (keep-alive is this package's deliberate difference, docs/differences.md)."""

from __future__ import annotations

import http.client
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import requests_urllib_compat as package
import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import assert_same
from ..support.ports import free_port
from ..support.servers import RecordingServer


@pytest.fixture(autouse=True)
def _fresh_pools() -> Iterator[None]:
    close_shared_pools()
    yield
    close_shared_pools()


def test_configure_refuses_an_empty_pool() -> None:
    with pytest.raises(ValueError, match=r"^pool_maxsize must be at least 1$"):
        package.configure(pool_maxsize=0)


def test_the_default_context_is_shared(
    tls_server: RecordingServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Openers using http.client's default context (the one ``SSL_CERT_FILE`` configures) share
    one adapter, so one kept-alive connection: the context is built once per setting."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    for path in ("/1", "/2"):
        with compat.urlopen(tls_server.url(path)) as r:
            assert r.read() == f"hello {path}".encode()
    first, second = tls_server.received
    assert first.connection == second.connection


def test_a_tunnel_with_credentials_sends_the_target_verbatim(
    tls_server: RecordingServer, auth_proxy: Any, client_context: Any
) -> None:
    """Through a CONNECT carrying urllib's ``Proxy-Authorization`` (a proxy manager of its
    own), the request target still goes out as urllib wrote it (urllib3 would re-quote it)."""
    proxies = {"https": f"http://user:pass@127.0.0.1:{auth_proxy.port}"}

    def scenario(u: Any) -> Any:
        opener = u.build_opener(u.ProxyHandler(proxies), u.HTTPSHandler(context=client_context))
        return opener.open(tls_server.url("/t|x?a=%2f&b=|"))

    run = assert_same(scenario, tls_server)
    assert run.outcome.status == 200
    assert tls_server.received[-1].target == "/t|x?a=%2f&b=|"


# -- http.client's checks, run before anything is sent (checks.py) -------------------------------


def test_a_port_beyond_65535_is_refused() -> None:
    """urllib's socket layer would take the port modulo 65536 (another port): refused here, a
    documented difference (docs/differences.md)."""
    with pytest.raises(compat.URLError) as info:
        compat.urlopen("http://127.0.0.1:70000/", timeout=5)
    assert info.value.reason == "Port out of range 0-65535"


def test_an_ipv6_host_with_a_port_urllib3_would_misread() -> None:
    """``[::1]:+8080``: http.client reads the port with ``int()``; urllib3 is handed
    ``[::1]:8080``, brackets kept (no server there: both fail to connect to the same place)."""
    run = assert_same(lambda u: u.urlopen(f"http://[::1]:+{free_port()}/", timeout=5))
    assert run.outcome.error_type == "urllib.error.URLError"
    assert run.outcome.reason_type == "builtins.ConnectionRefusedError"


@pytest.mark.parametrize("port", ["abc", "+PORT"])
def test_the_tunnel_origin_as_set_tunnel_reads_it(port: str) -> None:
    """The CONNECT origin's port is read as ``set_tunnel`` reads it: ``InvalidURL`` for one it
    cannot read (raised before anything is sent), ``+443`` as 443."""
    dead = free_port()
    url = f"https://127.0.0.1:{port.replace('PORT', str(free_port()))}/"

    def scenario(u: Any) -> Any:
        return u.build_opener(u.ProxyHandler({"https": f"http://127.0.0.1:{dead}"})).open(
            url, timeout=5
        )

    run = assert_same(scenario)
    assert run.outcome.error_type == (
        "http.client.InvalidURL" if port == "abc" else "urllib.error.URLError"
    )


@pytest.mark.parametrize(("method", "path"), [("GET", "/caf\u00e9"), ("G\u00c9T", "/p")])
def test_a_request_line_beyond_ascii_fails_before_connecting(
    server: RecordingServer, method: str, path: str
) -> None:
    """``putrequest`` encodes the request line as ASCII: ``UnicodeEncodeError``, whether the
    target or the method is beyond ASCII, before a connection is made."""
    run = assert_same(
        lambda u: u.urlopen(u.Request(server.url(path), method=method), timeout=5), server
    )
    assert run.outcome.error_type == "builtins.UnicodeEncodeError"
    assert server.connections == 0


# -- what patches requests sees urllib's traffic (dispatch.py) -----------------------------------


def test_a_patched_session_send_sees_urllibs_requests(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Session.send`` patched in place (recorders, tracing): urllib's requests go through it,
    as ``requests.get``'s do."""
    seen: list[str] = []
    original = requests.sessions.Session.send

    def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        seen.append(str(request.url))
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.sessions.Session, "send", send)
    with compat.urlopen(server.url("/sent")) as r:
        assert r.read() == b"hello /sent"
    assert seen == [server.url("/sent")]


# -- a caller's connection class (handlers.py) --------------------------------------------------


class _OwnConnection(http.client.HTTPConnection):
    """A caller's connection class: only the stdlib's ``do_open`` can send with it."""


class _OwnHandler(compat.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_OwnConnection, req)


def test_a_socks_proxy_is_not_bypassed_by_a_callers_connection_class(
    server: RecordingServer,
) -> None:
    """Only requests connects through SOCKS: with a connection class of the caller's, the
    request is refused, never sent around the proxy."""
    proxies = {"http": f"socks5://127.0.0.1:{free_port()}"}
    opener = compat.build_opener(compat.ProxyHandler(proxies), _OwnHandler)
    with pytest.raises(
        compat.URLError, match="a socks5 proxy cannot be used with the connection class"
    ):
        opener.open(server.url("/around"), timeout=5)
    assert server.received == []
    with compat.build_opener(_OwnHandler).open(server.url("/own"), timeout=5) as r:
        assert r.read() == b"hello /own"  # without a proxy, the caller's class sends it


@pytest.mark.parametrize("method", ["PROPFIND", "DELETE", "POST"])
def test_a_request_urllib3_writes_gets_http_clients_length_rule(
    server: RecordingServer, method: str
) -> None:
    """When urllib3 writes the request through this package's adapters (a Session with them
    mounted, ``opener.session``, added query parameters: requests' target then), a bodiless
    request still gets ``Content-Length: 0`` only for the methods http.client expects a body
    with, as urllib sends the same request."""
    urllib.request.urlopen(urllib.request.Request(server.url("/m?k=v"), method=method)).close()
    session = compat.build_opener().session
    session.params = {"k": "v"}
    opener = compat.build_opener(session=session)
    with opener.open(compat.Request(server.url("/m"), method=method)) as r:
        r.read()
    theirs, ours = server.received
    method_, target, version, headers, body = ours.comparable()
    assert (method_, target, version, sorted(headers), body) == (
        *theirs.comparable()[:3],
        sorted(theirs.comparable()[3]),
        theirs.comparable()[4],
    )
    assert (ours.header("Content-Length") == "0") == (method == "POST")  # (order: urllib3's)


# -- a reused connection takes the caller's timeout (pool.py) -------------------------------------


def _keep_alive_then_stall(listener: socket.socket, connections: list[socket.socket]) -> None:
    """Answer a GET on a kept-alive connection, then read the next request's head and nothing
    more (its body stalls in the socket buffers), and hang up three seconds later."""

    def handle(conn: socket.socket) -> None:
        with conn:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                head += conn.recv(1)
                if not head:
                    return
            if head.startswith(b"GET"):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                head = b""
                while not head.endswith(b"\r\n\r\n"):
                    head += conn.recv(1)
            time.sleep(3)

    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        connections.append(conn)
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def _stalled_upload(u: Any) -> tuple[BaseException, float, int]:
    connections: list[socket.socket] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        threading.Thread(
            target=_keep_alive_then_stall, args=(listener, connections), daemon=True
        ).start()
        with u.urlopen(url, timeout=10) as r:
            assert r.read() == b"ok"
        started = time.monotonic()
        with pytest.raises(OSError) as info:
            u.urlopen(u.Request(url, data=b"x" * (64 << 20), method="PUT"), timeout=0.5)
        return info.value, time.monotonic() - started, len(connections)


def test_a_reused_connection_takes_the_callers_timeout() -> None:
    """The PUT (resendable) goes on the kept-alive connection of the GET before it: the
    upload that stalls fails after the PUT's own timeout, not the GET's."""
    _, seconds, connections = _stalled_upload(compat)
    assert seconds < 2.5 and connections == 1


def test_a_timeout_while_sending_is_urllibs() -> None:
    """urllib's do_open wraps every OSError of sending the request in URLError."""
    ours, _, _ = _stalled_upload(compat)
    theirs, _, _ = _stalled_upload(urllib.request)
    assert type(ours) is type(theirs) is urllib.error.URLError
    assert type(ours.reason) is type(theirs.reason)  # the socket's timeout, as raised


def test_an_https_host_urllib3_would_misread_keeps_port_443() -> None:
    """A host name that is not plain ASCII (``loc\u00aalhost``: ``localhost`` once IDNA-encoded,
    as the socket module encodes it) and has no port: http.client connects to 443 for https, and
    so must the name handed to urllib3.  Needs port 443 of loopback (skipped without it)."""
    accepted: list[int] = []
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", 443))
        except OSError as exc:
            pytest.skip(f"port 443 of loopback not available: {exc}")
        listener.listen()

        def hang_up() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                accepted.append(1)
                conn.close()  # before the TLS handshake

        threading.Thread(target=hang_up, daemon=True).start()
        run = assert_same(
            lambda u: u.urlopen("https://loc\u00aalhost/", timeout=5),
            compare=lambda o: o.error_type,
        )  # (an EOF or a reset: timing)
    assert run.outcome.error_type == "urllib.error.URLError"
    assert len(accepted) == 2  # one connection each, both to port 443


@pytest.fixture
def other_name_tls_server(ca: Any) -> Iterator[RecordingServer]:
    """A TLS server whose (trusted) certificate names another host."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(context)
    s = RecordingServer(tls=context).start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="check_hostname= is gone in 3.12")
@pytest.mark.filterwarnings("ignore:key_file, cert_file and check_hostname:DeprecationWarning")
def test_the_stdlib_handlers_check_hostname_applies_to_its_context(
    other_name_tls_server: RecordingServer, ca_file: str
) -> None:
    """The stdlib's ``HTTPSHandler(context=..., check_hostname=False)`` in our opener: as
    http.client applies ``check_hostname`` to the context, the other name is accepted; and the
    handler's settings select a shared pool, as our own handler's do."""

    def scenario(u: Any) -> Any:
        context = ssl.create_default_context(cafile=ca_file)
        handler = urllib.request.HTTPSHandler(context=context, check_hostname=False)
        with u.build_opener(handler).open(other_name_tls_server.url("/n"), timeout=5) as r:
            return r.read()

    run = assert_same(scenario, other_name_tls_server)
    assert run.outcome.value == b"hello /n"
    # and through the pool of that handler's settings, as for our own handler: kept alive
    close_shared_pools()
    other_name_tls_server.reset()
    context = ssl.create_default_context(cafile=ca_file)
    opener = compat.build_opener(urllib.request.HTTPSHandler(context=context, check_hostname=False))
    for _ in range(2):
        with opener.open(other_name_tls_server.url("/n"), timeout=5) as r:
            assert r.read() == b"hello /n"
    assert other_name_tls_server.connections == 1
