"""Security regressions: the CVE classes of urllib and of requests, and issue 10's pool hazards.

Each test is an attack (or a careless server or caller) against urllib and against us, side by
side where urllib is the reference: CRLF injection (CVE-2019-9740/9947), blank-prefixed URLs
(CVE-2023-24329), ``local_file:`` (CVE-2019-9948), credentials across redirects (CVE-2018-18074,
CVE-2023-32681), ``verify=False`` stickiness in shared pools (CVE-2024-35195), redirects to
``file:``; then what pooling adds (issue 10): one exchange leaking into another, request framing
leftovers parsed as a second request, the caller's TLS settings dropped, secrets in tracebacks.
"""

from __future__ import annotations

import array
import http.client
import io
import socket
import ssl
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import requests
import trustme

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import Outcome, assert_same, observe
from ..support.ports import free_port
from ..support.raw_server import Conn, Parsed, RawServer, own_body, response
from ..support.servers import RecordingServer, Reply


@pytest.fixture
def other_server() -> Iterator[RecordingServer]:
    """A second origin (another port: another host to a redirect's eye)."""
    s = RecordingServer().start()
    yield s
    close_shared_pools()
    s.stop()


def kind(o: Outcome) -> Any:
    """The outcome's class: what a caller branches on."""
    return (o.kind, o.status, o.error_type, o.reason_type)


def follow_up(server: RawServer, opener: Any = None) -> None:
    """An unrelated request through our shared pool gets its own answer; the server parses
    nothing else, and nothing unparsable, on the connection that carried it (what a previous
    exchange's own connection ends with is that exchange's, and may still come in)."""
    server.reset()
    open_ = opener.open if opener is not None else compat.urlopen
    with open_(server.url("/next"), timeout=2) as r:
        assert r.read() == b"ok GET /next"
    assert server.targets() == ["/next"], server.targets()
    used = {req.connection for req in server.received}
    assert [e for e in server.errors if e[0] in used] == [], server.errors


# -- CVE-2019-9740 / CVE-2019-9947: CR/LF (and other controls) in the URL ----------------------


@pytest.mark.parametrize(
    "path",
    [
        "/a\r\nX-Injected: 1",
        "/a HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET /b",
        "/a\nb",
        "/a\rb",
        "/?q=1\r\nX-Injected: 1",
        "/a b",
        "/a\x00b",
        "/a\x7fb",
        "/a\tb",
    ],
)
def test_crlf_in_path_refused(server: RecordingServer, path: str) -> None:
    run = assert_same(lambda u: u.urlopen(server.url(path)), server)
    assert run.outcome.kind == "error" and run.received == []


@pytest.mark.parametrize("host", ["127.0.0.1\r\nX-Injected: 1", "127.0.0.1\nX: 1", "127.0.0.1\r\n"])
def test_crlf_in_host_refused(server: RecordingServer, host: str) -> None:
    run = assert_same(lambda u: u.urlopen(f"http://{host}:{server.port}/"), server, compare=kind)
    assert run.outcome.kind == "error" and run.received == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-A": "v\r\nX-Injected: 1"},
        {"X-A": "v\nX-Injected: 1"},
        {"X-A": "v\r"},
        {"X-A\r\nX-Injected": "1"},
        {"X-A: 1\r\nX-B": "2"},
        {"": "1"},
        {"Host": "127.0.0.1\r\nX-Injected: 1"},
        {"User-Agent": "a\r\n\r\nGET /smuggled HTTP/1.1"},
    ],
)
def test_crlf_in_headers_refused(server: RecordingServer, headers: dict[str, str]) -> None:
    run = assert_same(lambda u: u.urlopen(u.Request(server.url("/"), headers=headers)), server)
    assert run.outcome.kind == "error" and run.received == []


@pytest.mark.parametrize(
    "method", ["GET /x HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET", "GET\r\n", "GET\n", "G\x00T"]
)
def test_crlf_in_method_refused(server: RecordingServer, method: str) -> None:
    run = assert_same(lambda u: u.urlopen(u.Request(server.url("/"), method=method)), server)
    assert run.outcome.kind == "error" and run.received == []


# -- CVE-2023-24329: blank-prefixed URLs bypassing scheme/host checks ---------------------------


@pytest.mark.parametrize("prefix", [" ", "\t", "\x00", "\x1f", "  \x0c"])
def test_blank_prefixed_http_url(server: RecordingServer, prefix: str) -> None:
    assert_same(lambda u: u.urlopen(prefix + server.url("/p")), server, compare=kind)


@pytest.mark.parametrize(
    "url",
    [" file:///etc/passwd", "\x00file:///etc/passwd", "\tlocal_file:///etc/passwd", " data:,hello"],
)
def test_blank_prefixed_other_schemes(url: str) -> None:
    ours = observe(lambda: compat.urlopen(url))
    theirs = observe(lambda: urllib.request.urlopen(url))
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"


@pytest.mark.parametrize(
    "location", [" file:///etc/passwd", "\tfile:///etc/passwd", "FILE:///etc/passwd", " data:,x"]
)
def test_blank_prefixed_redirect_target_refused(server: RecordingServer, location: str) -> None:
    server.route("/r", Reply(302, [("Location", location)]))
    run = assert_same(lambda u: u.urlopen(server.url("/r")), server)
    assert run.outcome.kind == "error"


# -- CVE-2019-9948: local_file: and redirects into file: ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "local_file:///etc/passwd",
        "local_file:/etc/passwd",
        "LOCAL_FILE:///etc/passwd",
        "local-file:///etc/passwd",
    ],
)
def test_local_file_scheme_refused(url: str) -> None:
    ours = observe(lambda: compat.urlopen(url))
    theirs = observe(lambda: urllib.request.urlopen(url))
    assert ours == theirs
    assert ours.error_type == "urllib.error.URLError"


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "local_file:///etc/passwd",
        "data:,secret",
    ],
)
def test_redirect_to_local_schemes_refused(server: RecordingServer, location: str) -> None:
    server.route("/r", Reply(301, [("Location", location)]))
    run = assert_same(lambda u: u.urlopen(server.url("/r")), server)
    # local_file: is no scheme to urlparse (``_``): a relative path on the same server
    assert run.outcome.kind == "error" or str(run.outcome.url).startswith(server.url("/"))


# -- CVE-2018-18074 / CVE-2023-32681: credentials never go to another host ---------------------


@pytest.mark.parametrize("code", [301, 302, 303, 307])
@pytest.mark.parametrize("header", ["Authorization", "Proxy-Authorization"])
def test_caller_credentials_dropped_on_cross_host_redirect(
    server: RecordingServer, other_server: RecordingServer, code: int, header: str
) -> None:
    """docs/differences.md: our redirect handler is stricter than urllib's here."""
    server.route("/r", Reply(code, [("Location", other_server.url("/landing"))]))
    req = compat.Request(server.url("/r"), headers={header: "Bearer SECRET"})
    with compat.urlopen(req) as r:
        r.read()
    assert server.received[0].header(header) == "Bearer SECRET"
    assert [rec.header(header) for rec in other_server.received] == [None]


@pytest.mark.parametrize("target", ["http://localhost:{port}/x", "http://127.0.0.2:{port}/x"])
def test_credentials_dropped_for_same_port_other_host(server: RecordingServer, target: str) -> None:
    server.route("/r", Reply(302, [("Location", target.format(port=server.port))]))
    req = compat.Request(server.url("/r"), headers={"Authorization": "Bearer SECRET"})
    try:
        with compat.urlopen(req, timeout=2) as r:
            r.read()
    except urllib.error.URLError:
        pass  # 127.0.0.2 may be unroutable here: then nothing was sent anywhere
    assert [rec.header("Authorization") for rec in server.received] == ["Bearer SECRET"] + [
        None
    ] * (len(server.received) - 1)


def test_same_origin_redirect_keeps_credentials_as_urllib(server: RecordingServer) -> None:
    server.route("/r", Reply(302, [("Location", "/landing")]))
    run = assert_same(
        lambda u: u.urlopen(u.Request(server.url("/r"), headers={"Authorization": "Bearer t"})),
        server,
    )
    assert run.received[1][3].count(("Authorization", "Bearer t")) == 1


def test_auth_handler_does_not_answer_another_hosts_challenge(
    server: RecordingServer, other_server: RecordingServer
) -> None:
    other_server.route("/landing", Reply(401, [("WWW-Authenticate", 'Basic realm="r"')]))
    server.route("/r", Reply(302, [("Location", other_server.url("/landing"))]))

    def scenario(u: ModuleType) -> Any:
        mgr = u.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, server.url("/"), "alice", "SECRET")
        return u.build_opener(u.HTTPBasicAuthHandler(mgr)).open(server.url("/r"))

    run = assert_same(scenario, server, other_server)
    assert run.outcome.status == 401
    assert all(("Authorization" not in dict(r[3])) for r in run.received)


def test_session_drops_credentials_on_cross_host_redirect(
    server: RecordingServer, other_server: RecordingServer
) -> None:
    server.route("/r", Reply(302, [("Location", other_server.url("/landing"))]))
    session = compat.build_opener().session
    with session.get(
        server.url("/r"),
        headers={"Authorization": "Bearer SECRET", "Proxy-Authorization": "Basic SECRET"},
    ) as r:
        assert r.status_code == 200
    assert other_server.received[0].header("Authorization") is None
    assert other_server.received[0].header("Proxy-Authorization") is None


def test_proxy_credentials_never_reach_the_origin_through_a_tunnel(
    tls_server: RecordingServer, auth_proxy: Any, client_context: ssl.SSLContext
) -> None:
    """CVE-2023-32681: Proxy-Authorization goes with the CONNECT only, also after a redirect."""
    tls_server.route("/r", Reply(302, [("Location", "/landing")]))
    proxy = auth_proxy.url.replace("http://", "http://user:pass@")
    opener = compat.build_opener(
        compat.ProxyHandler({"https": proxy}), compat.HTTPSHandler(context=client_context)
    )
    with opener.open(tls_server.url("/r"), timeout=5) as r:
        assert r.read() == b"hello /landing"
    assert [rec.header("Proxy-Authorization") for rec in tls_server.received] == [None, None]


# -- CVE-2024-35195: one request's relaxed TLS never sticks to the shared pool ------------------


def _unverified() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _fails_verification(call: Any) -> None:
    with pytest.raises(urllib.error.URLError) as info:
        call()
    assert isinstance(info.value.reason, ssl.SSLCertVerificationError), info.value


def test_cert_none_context_does_not_stick(tls_server: RecordingServer) -> None:
    with compat.urlopen(tls_server.url("/"), context=_unverified()) as r:
        r.read()
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))
    _fails_verification(lambda: compat.build_opener().open(tls_server.url("/")))
    _fails_verification(
        lambda: compat.build_opener(compat.HTTPSHandler()).open(tls_server.url("/"))
    )


def test_cert_none_handler_does_not_stick(tls_server: RecordingServer) -> None:
    insecure = compat.build_opener(compat.HTTPSHandler(context=_unverified()))
    for _ in range(2):
        with insecure.open(tls_server.url("/")) as r:
            r.read()
        _fails_verification(lambda: compat.urlopen(tls_server.url("/")))


def test_stdlib_handler_with_cert_none_does_not_stick(tls_server: RecordingServer) -> None:
    insecure = compat.build_opener(urllib.request.HTTPSHandler(context=_unverified()))
    with insecure.open(tls_server.url("/")) as r:
        r.read()
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))


def test_trusting_context_does_not_stick(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    with compat.urlopen(tls_server.url("/"), context=client_context) as r:
        r.read()
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))
    _fails_verification(
        lambda: compat.urlopen(tls_server.url("/"), context=ssl.create_default_context())
    )


def test_check_hostname_false_does_not_stick(ca: trustme.CA, ca_file: str) -> None:
    """A context that skips the host name check, used once for a certificate issued to another
    name, does not make a later hostname-checking request to that server succeed."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(context)
    server = RecordingServer(tls=context).start()
    try:
        lax = ssl.create_default_context(cafile=ca_file)
        lax.check_hostname = False
        with compat.urlopen(server.url("/"), context=lax) as r:
            r.read()
        strict = ssl.create_default_context(cafile=ca_file)
        _fails_verification(lambda: compat.urlopen(server.url("/"), context=strict))
    finally:
        close_shared_pools()
        server.stop()


def test_context_made_strict_after_use_is_honoured(tls_server: RecordingServer) -> None:
    """The same context object, relaxed for one request and then made strict again: the next
    request is verified, as urllib's new handshake would be."""
    ctx = _unverified()
    with compat.urlopen(tls_server.url("/"), context=ctx) as r:
        r.read()
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.check_hostname = True
    _fails_verification(lambda: compat.urlopen(tls_server.url("/"), context=ctx))


def test_unverified_default_hack_does_not_stick(
    tls_server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(ssl, "_create_default_https_context", ssl._create_unverified_context)
        with compat.urlopen(tls_server.url("/")) as r:
            r.read()
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))


def test_failed_verification_then_insecure_then_verified_again(tls_server: RecordingServer) -> None:
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))
    with compat.urlopen(tls_server.url("/"), context=_unverified()) as r:
        r.read()
    _fails_verification(lambda: compat.urlopen(tls_server.url("/")))


# -- issue 10 §2: the caller's context passed through do_open is honoured ----------------------


class _PinnedHandler(compat.HTTPSHandler):
    """The downloader pattern: the handler passes its own context to ``do_open``."""

    def __init__(self, pinned: ssl.SSLContext) -> None:
        super().__init__()
        self.pinned = pinned

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(http.client.HTTPSConnection, req, context=self.pinned)


class _StdlibPinnedHandler(urllib.request.HTTPSHandler):
    def __init__(self, pinned: ssl.SSLContext) -> None:
        super().__init__()
        self.pinned = pinned

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(http.client.HTTPSConnection, req, context=self.pinned)


def test_do_open_context_pinned_to_another_ca_rejects(
    tls_server: RecordingServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)  # the default trust accepts the server
    pinned = ssl.create_default_context(cafile=None, cadata=trustme.CA().cert_pem.bytes().decode())
    ours = observe(lambda: compat.build_opener(_PinnedHandler(pinned)).open(tls_server.url("/")))
    theirs = observe(
        lambda: urllib.request.build_opener(_StdlibPinnedHandler(pinned)).open(tls_server.url("/"))
    )
    assert theirs.reason_type == "ssl.SSLCertVerificationError"
    assert kind(ours) == kind(theirs)


def test_do_open_context_cert_none_honoured(tls_server: RecordingServer) -> None:
    ours = observe(
        lambda: compat.build_opener(_PinnedHandler(_unverified())).open(tls_server.url("/"))
    )
    assert ours.status == 200, ours


def test_do_open_http_class_honoured(server: RecordingServer) -> None:
    used: list[str] = []

    class Traced(http.client.HTTPConnection):
        def connect(self) -> None:
            used.append(self.host)
            super().connect()

    class Handler(compat.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(Traced, req)

    with compat.build_opener(Handler()).open(server.url("/")) as r:
        r.read()
    assert used == ["127.0.0.1"]


def test_requests_helpers_called_as_requests_does(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = requests.adapters.select_proxy
    seen: list[Any] = []

    def strict_select_proxy(url: str, proxies: Any) -> Any:
        seen.append(proxies)
        return original(url, proxies)

    monkeypatch.setattr(requests.adapters, "select_proxy", strict_select_proxy)
    with compat.urlopen(server.url("/")) as r:
        assert r.status == 200
    proxied = compat.build_opener(compat.ProxyHandler({"http": server.url("")}))
    with proxied.open("http://example.invalid/via-proxy") as r:
        assert r.status == 200
    assert seen and all(isinstance(p, dict) for p in seen), seen


# -- issue 10 §1: one exchange never leaks into another ----------------------------------------


def test_early_hints_response_never_reaches_another_user(raw_server: RawServer) -> None:
    def alice(req: Parsed, conn: Conn) -> bool:
        conn.send(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n")
        time.sleep(0.5)
        conn.send(response(200, b"alice-private-data"))
        return True

    raw_server.route("/alice", alice)
    for u in (urllib.request, compat):
        opener = u.build_opener()
        req = u.Request(raw_server.url("/alice"), headers={"Authorization": "Bearer alice"})
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(req, timeout=3)
        info.value.close()
        assert info.value.code == 103
    bob = compat.build_opener()
    with bob.open(raw_server.url("/bob"), timeout=3) as r:
        assert r.read() == b"ok GET /bob"


def _wire(server: RawServer) -> list[bytes]:
    """The bytes each connection carried, ``Connection: close`` (urllib's) left out."""
    port = b"127.0.0.1:%d" % server.port
    return [
        bytes(c.raw).replace(b"Connection: close\r\n", b"").replace(port, b"127.0.0.1:PORT")
        for c in server.conns
    ]


def _answer_then_drain(req: Parsed, conn: Conn) -> bool:
    """Answer, then read what the client still sends until it closes: the wire compared is all
    the client sent, not what happened to arrive before the server closed."""
    conn.send(response(200, own_body(req)))
    conn.sock.settimeout(2)
    try:
        while conn._fill():
            pass
    except OSError:
        pass
    return False


def _framing_case(make: Any, timeout: float = 2.0, **server_options: Any) -> None:
    """Send ``make(module, server)`` (a request to /post or /get) through urllib then us, each
    to a fresh server: the same bytes on the wire, the same outcome class, nothing parsed by
    the server beyond the request; then an unrelated request through our pool gets its own
    answer."""
    seen: dict[str, tuple[Outcome, list[bytes], list[str]]] = {}
    for name, u in (("stdlib", urllib.request), ("compat", compat)):
        s = RawServer(**server_options).start()
        s.route("/post", _answer_then_drain)
        s.route("/get", _answer_then_drain)
        try:
            outcome = observe(lambda u=u, s=s: u.urlopen(make(u, s), timeout=timeout))
            deadline = time.monotonic() + 5  # the server has read all and closed (drained)
            while not all(c.closed for c in s.conns) and time.monotonic() < deadline:
                time.sleep(0.01)
            seen[name] = (outcome, _wire(s), s.targets())
            if u is compat:
                follow_up(s)
        finally:
            close_shared_pools()
            s.stop()
    (ours, ours_wire, ours_parsed), (theirs, theirs_wire, theirs_parsed) = (
        seen["compat"],
        seen["stdlib"],
    )
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"
    assert ours_wire == theirs_wire
    assert ours_parsed == theirs_parsed


def test_short_content_length_smuggles_nothing() -> None:
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    _framing_case(
        lambda u, s: u.Request(
            s.url("/post"), data=b"abc" + smuggled, headers={"Content-Length": "3"}
        )
    )


def test_text_length_content_length() -> None:
    text = "h\u00e9llo w\u00f6rld"
    _framing_case(
        lambda u, s: u.Request(
            s.url("/post"), data=text.encode(), headers={"Content-Length": str(len(text))}
        )
    )


def test_transfer_encoding_without_body() -> None:
    _framing_case(
        lambda u, s: u.Request(s.url("/get"), headers={"Transfer-Encoding": "chunked"}), timeout=1.0
    )


def test_array_chunks_framing() -> None:
    """Chunks whose ``len()`` is not their byte size: http.client's bytes, wrong framing and all;
    a server that refuses them closes, and nothing of them reaches the next request."""
    _framing_case(lambda u, s: u.Request(s.url("/post"), data=[array.array("H", [1, 2]), b"ab"]))


def test_non_chunked_transfer_encoding() -> None:
    _framing_case(
        lambda u, s: u.Request(
            s.url("/post"), data=b"hello", headers={"Transfer-Encoding": "gzip"}
        ),
        lenient_te=True,
    )


# -- issue 10 §3: urllib's exception contract where the input is hostile -----------------------


@pytest.mark.parametrize("host", ["127.0.0.1\t", "127.0.0.1 ", "127.0.0.1\x00", "127.0.0.1\x0b"])
def test_control_characters_in_host(server: RecordingServer, host: str) -> None:
    run = assert_same(lambda u: u.urlopen(f"http://{host}:{server.port}/"), server, compare=kind)
    assert run.received == []


def test_tls_handshake_timeout_is_urlerror() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
        ours = observe(lambda: compat.urlopen(url, timeout=0.3))
        theirs = observe(lambda: urllib.request.urlopen(url, timeout=0.3))
    assert theirs.error_type == "urllib.error.URLError"
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"


def test_tls_handshake_reset_is_urlerror(raw_server: RawServer) -> None:
    def reset_at_once() -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            sock.recv(10)
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.close()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    t = threading.Thread(target=reset_at_once, daemon=True)
    t.start()
    try:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
        ours = observe(lambda: compat.urlopen(url, timeout=2))
        theirs = observe(lambda: urllib.request.urlopen(url, timeout=2))
    finally:
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        t.join(2)
    assert theirs.error_type == "urllib.error.URLError"
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"


# -- issue 10 §5: keep-alive races and secrets -------------------------------------------------


def test_posts_to_a_server_closing_after_each_response(raw_server: RawServer) -> None:
    def answer_then_close(req: Parsed, conn: Conn) -> bool:
        conn.send(response(200, own_body(req)))  # no Connection: close said
        time.sleep(0.05)
        return False  # closed with the next request unread: a reset

    raw_server.route("*", answer_then_close)
    failures = 0
    for i in range(10):
        try:
            with compat.urlopen(raw_server.url(f"/p{i}"), data=b"x", timeout=2) as r:
                r.read()
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError):
            failures += 1  # what urllib lets through: RemoteDisconnected, resets
        time.sleep(0.01)
    targets = raw_server.targets()
    assert len(targets) == len(set(targets)), targets  # no POST reached the server twice
    assert failures == 0, f"{failures} of 10 POSTs failed"


def _printed(outcome_call: Any) -> str:
    try:
        outcome_call()
    except Exception as exc:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    raise AssertionError("no exception")


def test_no_query_secret_in_traceback_of_refused_connection() -> None:
    url = f"http://127.0.0.1:{free_port()}/p?token=SECRET"
    printed = [_printed(lambda: urllib.request.urlopen(url)), _printed(lambda: compat.urlopen(url))]
    # (asserted apart from the call: a traceback prints the source line that raised)
    assert ["SECRET" in p for p in printed] == [False, False]


def test_no_query_secret_in_traceback_of_failed_verification(tls_server: RecordingServer) -> None:
    url = tls_server.url("/p?token=SECRET")
    printed = [_printed(lambda: urllib.request.urlopen(url)), _printed(lambda: compat.urlopen(url))]
    # (asserted apart from the call: a traceback prints the source line that raised)
    assert ["SECRET" in p for p in printed] == [False, False]


def test_no_proxy_secret_in_traceback() -> None:
    proxy = f"http://user:SECRET@127.0.0.1:{free_port()}"
    opener = compat.build_opener(compat.ProxyHandler({"http": proxy}))
    printed = _printed(lambda: opener.open("http://example.invalid/"))
    assert "SECRET" not in printed


def test_no_secret_in_error_reprs(server: RecordingServer) -> None:
    server.route("/p", Reply(404, body=b"nope"))
    with pytest.raises(urllib.error.HTTPError) as info:
        compat.urlopen(server.url("/p?token=SECRET"))
    with info.value:
        assert "SECRET" not in repr(info.value) and "SECRET" not in str(info.value)


# -- issue 10 §4: the same bytes on the wire ---------------------------------------------------


def test_text_file_body_latin1(server: RecordingServer) -> None:
    assert_same(
        lambda u: u.urlopen(
            u.Request(
                server.url("/"), data=io.StringIO("h\u00e9llo"), headers={"Content-Length": "5"}
            )
        ),
        server,
    )


@pytest.mark.parametrize("method", ["PROPFIND", "MKCOL", "PURGE"])
def test_unknown_method_no_content_length(server: RecordingServer, method: str) -> None:
    assert_same(lambda u: u.urlopen(u.Request(server.url("/"), method=method)), server)


# -- issue 10 §3: more of urllib's contract for hostile or odd input ---------------------------


@pytest.mark.parametrize("value", [None, 1.5, "cl\u00f6se\u20ac", "keep-alive", "Upgrade"])
def test_caller_connection_header_replaced_as_urllib(server: RecordingServer, value: Any) -> None:
    """urllib replaces any caller ``Connection`` value (``close``) without looking at it."""
    assert_same(
        lambda u: u.urlopen(u.Request(server.url("/"), headers={"Connection": value})),
        server,
        compare=kind,
    )


@pytest.mark.parametrize("port", ["+{}", " {}", "{} "])
def test_ports_http_client_reads_with_int(server: RecordingServer, port: str) -> None:
    port = port.format(server.port)
    assert_same(lambda u: u.urlopen(f"http://127.0.0.1:{port}/"), server, compare=kind)


@pytest.mark.parametrize("url", ["http://ex\u00e4mple\u20ac.invalid/", "http://:{}/", "http:///p"])
def test_odd_hosts(server: RecordingServer, url: str) -> None:
    url = url.format(server.port)
    run = assert_same(lambda u: u.urlopen(url, timeout=2), server, compare=kind)
    assert run.received == []


# -- issue 10 §2: handler methods urllib code calls unbound ------------------------------------


def test_proxy_open_called_unbound(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        class Legacy(urllib.request.BaseHandler):
            handler_order = 100

            def http_open(self, req: urllib.request.Request) -> Any:
                return u.ProxyHandler.proxy_open(self, req, f"127.0.0.1:{server.port}", "http")

        return u.build_opener(Legacy()).open("http://example.invalid/via-proxy")

    run = assert_same(scenario, server)
    assert run.outcome.status == 200


def test_redirect_request_called_unbound(server: RecordingServer) -> None:
    server.route("/r", Reply(302, [("Location", "/landing")]))

    def scenario(u: ModuleType) -> Any:
        class Legacy(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any) -> Any:
                return u.HTTPRedirectHandler.redirect_request(self, *args)

        return u.build_opener(Legacy()).open(server.url("/r"))

    run = assert_same(scenario, server)
    assert run.outcome.status == 200
