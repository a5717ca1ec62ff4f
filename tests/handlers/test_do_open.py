"""What a handler passes to ``do_open(http_class, req, **http_conn_args)`` is honoured.

``context=`` selects the TLS settings (and the pool) of the request, as it would be the
connection's under urllib: fail closed with a context that does not trust the server, connect
with ``CERT_NONE``, send the context's client certificate.  A connection class of the caller's
(source address, tracing, a unix socket, a ``functools.partial``) is used as urllib uses it;
http.client's own classes stay on the pooled transport.  Each case runs through urllib too.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import os
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
import urllib.request as urllib_request
from collections.abc import Iterator

import pytest
import trustme

import requests_urllib_compat.request as compat
from requests_urllib_compat import requests_response
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import assert_same, observe
from ..support.ports import free_port
from ..support.servers import RecordingServer, Reply


def _read(response):
    with response:
        return response.read()


@pytest.fixture(scope="module")
def other_ca() -> trustme.CA:
    """A second private CA, which signed none of the test servers."""
    return trustme.CA()


def _trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(context)
    return context


def _no_verification() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _opener_passing(u, context, handler_context=None, http_class=http.client.HTTPSConnection):
    """An opener whose HTTPS handler hands ``context`` to ``do_open`` (its own, if any, is
    another)."""

    class Passing(u.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(http_class, req, context=context)

    handler = Passing() if handler_context is None else Passing(context=handler_context)
    return u.build_opener(handler)


# -- 1. context= given to do_open --------------------------------------------------------------


def test_context_trusting_another_ca_fails_closed(tls_server, ca, other_ca):
    """The handler's own context trusts the server; the one given to do_open does not: refused
    (it was replaced by the handler's, so the pinned caller accepted the server)."""
    run = assert_same(
        lambda u: _opener_passing(u, _trusting(other_ca), _trusting(ca)).open(
            tls_server.url("/pinned")
        ),
        tls_server,
    )
    assert run.outcome.kind == "error" and run.outcome.reason_type == "ssl.SSLCertVerificationError"
    assert tls_server.received == []


def test_context_trusting_the_server_connects(tls_server, ca, other_ca):
    run = assert_same(
        lambda u: _opener_passing(u, _trusting(ca), _trusting(other_ca)).open(
            tls_server.url("/trusted")
        ),
        tls_server,
    )
    assert run.outcome.status == 200


def test_cert_none_context_connects(tls_server):
    run = assert_same(
        lambda u: _opener_passing(u, _no_verification()).open(tls_server.url("/unverified")),
        tls_server,
    )
    assert run.outcome.status == 200


def test_pools_follow_the_context(tls_server, ca, other_ca):
    """A connection verified with one context is never reused for a request made with another:
    each context has its pool; one context's requests share a connection."""
    trusting = _trusting(ca)
    for _ in range(3):
        _read(_opener_passing(compat, trusting).open(tls_server.url("/a")))
    assert tls_server.connections == 1
    with pytest.raises(compat.URLError) as caught:
        _opener_passing(compat, _trusting(other_ca)).open(tls_server.url("/b"))
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert [r.target for r in tls_server.received] == ["/a"] * 3


@pytest.fixture
def client_cert_server(ca: trustme.CA) -> Iterator[RecordingServer]:
    """A TLS server that requires a client certificate signed by ``ca`` and echoes its subject."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    context.verify_mode = ssl.CERT_REQUIRED
    ca.configure_trust(context)
    s = RecordingServer(tls=context).start()

    def subject(rec, handler):
        fields = dict(f[0] for f in handler.connection.getpeercert()["subject"])
        return Reply(200, body=fields.get("commonName", "").encode())

    s.route("/who", subject)
    yield s
    close_shared_pools()
    s.stop()


def test_client_certificate_of_the_context_is_sent(client_cert_server, ca, tmp_path):
    client = ca.issue_cert("client@example", common_name="client@example")
    chain = tmp_path / "client.pem"
    client.private_key_and_cert_chain_pem.write_to_path(str(chain))
    with_cert = _trusting(ca)
    with_cert.load_cert_chain(str(chain))
    run = assert_same(
        lambda u: _opener_passing(u, with_cert, _trusting(ca)).open(client_cert_server.url("/who")),
        client_cert_server,
    )
    assert run.outcome.status == 200 and run.outcome.body == b"client@example"


def test_check_hostname_as_http_client_takes_it(tls_server, ca):
    """``check_hostname=`` beside a context of the caller's: applied by http.client on 3.11 and
    older, a TypeError from 3.12 on (the argument is gone): the same either way."""

    def scenario(u):
        context = _trusting(ca)

        class Passing(u.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(
                    http.client.HTTPSConnection, req, context=context, check_hostname=True
                )

        return u.build_opener(Passing()).open(tls_server.url("/ch"))

    if sys.version_info >= (3, 12):
        run = assert_same(scenario, tls_server)
    else:
        with pytest.warns(DeprecationWarning, match="check_hostname are deprecated"):
            run = assert_same(scenario, tls_server)
    assert (run.outcome.kind == "error") == (sys.version_info >= (3, 12))


# -- 2. a connection class of the caller's ------------------------------------------------------


def _source_route(server: RecordingServer) -> None:
    server.route("/from", lambda rec, handler: Reply(200, body=handler.client_address[0].encode()))


def make_connection(conn_class, source_address, *args, **kwargs):
    """The downloader's helper: a connection bound to a source address."""
    connection = conn_class(*args, **kwargs)
    connection.source_address = source_address
    return connection


def test_source_address_class(server):
    _source_route(server)

    def scenario(u):
        class Bound(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(
                    functools.partial(
                        make_connection, http.client.HTTPConnection, ("127.0.0.2", 0)
                    ),
                    req,
                )

        return u.build_opener(Bound).open(server.url("/from"))

    run = assert_same(scenario, server)
    assert run.outcome.body == b"127.0.0.2"
    assert server.received[0].header("Connection") == "close"  # urllib's connection handling


def test_source_address_as_a_connection_argument(server):
    """An argument only the connection class takes (``source_address=``) is honoured too."""
    _source_route(server)

    def scenario(u):
        class Bound(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(
                    http.client.HTTPConnection, req, source_address=("127.0.0.3", 0)
                )

        return u.build_opener(Bound).open(server.url("/from"))

    assert assert_same(scenario, server).outcome.body == b"127.0.0.3"


def test_downloader_pattern_https(tls_server, ca, other_ca):
    """``do_open(partial(make_connection, conn_class, source_address), req, context=ctx)``: the
    source address and the context are both the connection's."""
    _source_route(tls_server)

    def scenario(u, context):
        class Downloader(u.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(
                    functools.partial(
                        make_connection, http.client.HTTPSConnection, ("127.0.0.2", 0)
                    ),
                    req,
                    context=context,
                )

        return u.build_opener(Downloader(context=_trusting(ca))).open(tls_server.url("/from"))

    run = assert_same(lambda u: scenario(u, _trusting(ca)), tls_server)
    assert run.outcome.body == b"127.0.0.2"
    run = assert_same(lambda u: scenario(u, _trusting(other_ca)), tls_server)
    assert run.outcome.reason_type == "ssl.SSLCertVerificationError"


def test_tracing_subclass_counts_its_connects(server):
    connects = []

    class Counting(http.client.HTTPConnection):
        def connect(self):
            connects.append(self.host)
            super().connect()

    def scenario(u):
        class Tracing(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(Counting, req)

        opener = u.build_opener(Tracing)
        return [_read(opener.open(server.url(f"/t{i}"))) for i in range(3)]

    run = assert_same(scenario, server)
    assert run.outcome.value == [b"hello /t0", b"hello /t1", b"hello /t2"]
    assert len(connects) == 6  # one connection per request, in each run
    assert server.connections == 3
    assert {r.header("Connection") for r in server.received} == {"close"}


@pytest.mark.parametrize("via_proxy", [False, True], ids=["direct", "via-proxy"])
def test_custom_class_through_the_handler_chain(server, via_proxy):
    """Errors, redirects and proxies around a class of the caller's are urllib's."""
    server.route("/gone", Reply(404, body=b"nope"))
    server.route("/moved", Reply(302, [("Location", "/gone")]))
    origin = "http://origin.invalid" if via_proxy else server.origin

    def scenario(u):
        class Tracing(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(functools.partial(http.client.HTTPConnection), req)

        proxies = {"http": server.origin} if via_proxy else {}
        return u.build_opener(u.ProxyHandler(proxies), Tracing).open(origin + "/moved")

    run = assert_same(scenario, server)
    assert run.outcome.status == 404 and run.outcome.error_type == "urllib.error.HTTPError"
    prefix = origin if via_proxy else ""  # absolute-form to a proxy
    assert [r.target for r in server.received] == [prefix + "/moved", prefix + "/gone"]


def test_http_client_classes_stay_pooled(server, tls_server, client_context):
    """http.client's own classes (with the handler's settings, or a context) are pooled."""

    class Plain(compat.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http.client.HTTPConnection, req)

    for _ in range(3):
        _read(compat.build_opener(Plain).open(server.url("/p")))
        _read(_opener_passing(compat, client_context).open(tls_server.url("/p")))
    assert server.connections == tls_server.connections == 1
    assert {r.header("Connection") for r in server.received + tls_server.received} == {None}


def test_custom_class_errors_are_urllibs(server):
    """Connecting fails: URLError(<the socket's error>), as the stdlib's do_open raises."""
    port = free_port()

    class Counting(http.client.HTTPConnection):
        pass

    def scenario(u):
        class Own(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(Counting, req)

        return u.build_opener(Own).open(f"http://127.0.0.1:{port}/")

    ours, theirs = observe(lambda: scenario(compat)), observe(lambda: scenario(urllib_request))
    assert ours == theirs
    assert ours.error_type == "urllib.error.URLError"
    assert ours.reason_type == "builtins.ConnectionRefusedError"


def test_custom_class_response_is_http_clients(server):
    """The response is urllib's own http.client response: no requests.Response behind it."""

    class Own(compat.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(http.client.HTTPConnection), req)

    with compat.build_opener(Own).open(server.url("/r")) as response:
        assert type(response) is http.client.HTTPResponse
        assert response.read() == b"hello /r" and response.status == 200
        with pytest.raises(TypeError, match=r"no requests\.Response"):
            requests_response(response)


def test_custom_class_is_not_sent_around_a_socks_proxy(server):
    """A SOCKS proxy is requests' to use: with a class of the caller's the request is refused,
    never sent directly."""

    class Own(compat.HTTPHandler):
        def http_open(self, req):
            return self.do_open(functools.partial(http.client.HTTPConnection), req)

    opener = compat.build_opener(compat.ProxyHandler({"http": "socks5://127.0.0.1:9"}), Own)
    with pytest.raises(compat.URLError, match="socks5 proxy cannot be used"):
        opener.open(server.url("/s"))
    assert server.received == []


# -- a unix socket ------------------------------------------------------------------------------


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False


class _UnixHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = f"unix {self.path} {self.headers.get('Connection')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, host, **kwargs):
        super().__init__(host, **kwargs)
        self.path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if self.timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


@pytest.fixture
def unix_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "http.sock")
        s = _UnixServer(path, _UnixHandler)
        thread = threading.Thread(
            target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        yield path
        s.shutdown()
        s.server_close()
        thread.join(5)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no unix sockets")
def test_unix_socket_connection_class(unix_server):
    def scenario(u):
        class UnixHandler(u.HTTPHandler):
            def http_open(self, req):
                return self.do_open(functools.partial(UnixHTTPConnection, unix_server), req)

        return u.build_opener(UnixHandler).open("http://localhost/containers/json")

    ours, theirs = observe(lambda: scenario(compat)), observe(lambda: scenario(urllib_request))
    assert ours == theirs
    assert ours.body == b"unix /containers/json close"


def test_downloader_handler_under_the_swap(tls_server, ca, other_ca):
    """Legacy code subclassing ``urllib.request.HTTPSHandler`` runs on ours under the swap:
    its class and context are still the connection's."""
    from requests_urllib_compat.swap import patched

    _source_route(tls_server)
    with patched():

        class Downloader(urllib_request.HTTPSHandler):
            def __init__(self, context):
                super().__init__(context=context)
                self._pinned = context

            def https_open(self, req):
                return self.do_open(
                    functools.partial(
                        make_connection, http.client.HTTPSConnection, ("127.0.0.2", 0)
                    ),
                    req,
                    context=self._pinned,
                )

        assert issubclass(Downloader, compat.HTTPSHandler)
        opener = urllib_request.build_opener(Downloader(_trusting(ca)))
        assert _read(opener.open(tls_server.url("/from"))) == b"127.0.0.2"
        with pytest.raises(urllib_request.URLError) as caught:
            urllib_request.build_opener(Downloader(_trusting(other_ca))).open(
                tls_server.url("/from")
            )
        assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)
    assert tls_server.received[0].header("Connection") == "close"
