"""urllib's exception contract and wire bytes for every input (issue 10, §3-§5): the checks
http.client makes before connecting, the bodies and framing it sends, TLS handshake failures,
and no secret in a printed traceback.  Each case runs through urllib and through us."""

from __future__ import annotations

import io
import logging
import random
import re
import secrets
import socket
import ssl
import struct
import threading
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import assert_same, observe
from ..support.ports import free_port
from ..support.servers import RecordingServer


def _with_host(url: str, host: str) -> Any:
    """A scenario opening ``url`` with ``host`` as the request's host, verbatim."""

    def scenario(u: ModuleType) -> Any:
        req = u.Request(url)
        req.host = host
        with u.urlopen(req, timeout=5) as r:
            return r.read()

    return scenario


# -- §3 the host, as http.client checks it -------------------------------------------------

CONTROL = [chr(c) for c in range(0x21)] + ["\x7f"]


def test_control_character_in_host_is_invalid_url_before_connecting(
    server: RecordingServer,
) -> None:
    """A space, tab, NUL or any other C0 control character (or DEL) in the host: urllib
    raises http.client's InvalidURL before touching the network; so do we, for each one."""
    for char in CONTROL:
        for host in (
            f"127.0.0.1{char}:{server.port}",
            f"{char}127.0.0.1:{server.port}",
            f"127.0{char}0.1",
        ):
            run = assert_same(_with_host(server.url("/c"), host), server)
            assert run.outcome.error_type == "http.client.InvalidURL", (char, run.outcome)
            assert run.received == [] and server.connections == 0


@pytest.mark.parametrize("char", ["\t", " ", "\x00", "\x1f", "\x7f"])
def test_control_character_in_url_host(server: RecordingServer, char: str) -> None:
    run = assert_same(lambda u: u.urlopen(f"http://127.0.0.1{char}:{server.port}/u"), server)
    assert run.received == []


@pytest.mark.parametrize(
    "host",
    [
        "h\u20acst.invalid",  # beyond Latin-1: the Host header cannot be encoded
        "127.0.0.1\x85",  # Latin-1, but no IDNA label: the socket module's UnicodeError
        "h\u00e9st.invalid",  # Latin-1 and IDNA: looked up as xn--hst-bma.invalid, gaierror
        "\u0627\u0644.invalid",
    ],
)
def test_non_ascii_hosts(server: RecordingServer, host: str) -> None:
    run = assert_same(_with_host(server.url("/n"), f"{host}:{server.port}"), server)
    assert run.received == []
    assert "URLError" not in str(run.outcome.error_type) or run.outcome.reason_type == (
        "socket.gaierror"
    )


def test_non_latin1_host_is_unicode_encode_error(server: RecordingServer) -> None:
    run = assert_same(_with_host(server.url("/n"), f"x\u20ac.invalid:{server.port}"), server)
    assert run.outcome.error_type == "builtins.UnicodeEncodeError"


@pytest.mark.parametrize("url", ["http://:{port}/", "http://:{port}", "https://:{port}/e"])
def test_empty_host_name_is_looked_up(server: RecordingServer, url: str) -> None:
    """An empty host name (``http://:8080/``) reaches getaddrinfo under urllib: the same
    URLError(gaierror) here, not urllib3's 'No host specified.'."""
    run = assert_same(lambda u: u.urlopen(url.format(port=server.port)), server)
    assert run.outcome.reason_type == "socket.gaierror"


def test_userinfo_host_is_looked_up(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(f"http://user:pw@127.0.0.1:{server.port}/"), server)
    assert run.outcome.reason_type == "socket.gaierror" and run.received == []


HOST_ALPHABET = [
    *"ab1.-_@:[]%\\~!$&'()*+,;= \t\x00\x1f\x7f\x85",
    "\u00e9",
    "\u20ac",
    "\u0661",
    "\uff10",
    "::1",
    "..",
    "x" * 64,
]


@pytest.mark.parametrize("seed", range(4))
def test_random_hosts(server: RecordingServer, seed: int) -> None:
    """Property: for any host text (loopback based, so nothing leaves the machine), the
    same outcome and the same requests at the server as urllib."""
    rnd = random.Random(seed)
    ports = [str(server.port), f"+{server.port}", f" {server.port}", "", "x", "-1", "0"]
    for _ in range(150):
        host = "127.0.0.1" + "".join(rnd.choice(HOST_ALPHABET) for _ in range(rnd.randint(0, 5)))
        if rnd.random() < 0.7:
            host += ":" + rnd.choice(ports)
        assert_same(_with_host(server.url("/r"), host), server)


def _port_spellings(port: int) -> list[str]:
    p = str(port)
    return [
        f"+{p}",
        f" {p}",
        f"{p} ",
        f"  {p}  ",
        f"\t{p}",
        f"{p}\t",
        f"0{p}",
        f"00{p}",
        f"+0{p}",
        f"{p[0]}_{p[1:]}",
        f"\n{p}",
        f"{p}\n",
        f"{p}\x0c",
        f"{p}\x0b",
        "".join(chr(0xFF10 + int(d)) for d in p),  # full-width digits: int() reads them
        "".join(chr(0x0660 + int(d)) for d in p),
        f"{p}.0",
        f"0x{port:x}",
        f"{p}a",
        f"-{p}",
        f"++{p}",
        f"{p}:",
        "",
    ]


def test_port_spellings_int_reads(server: RecordingServer) -> None:
    """Every spelling of a port: those ``int()`` reads connect (with the Host header as
    written, as urllib), the others fail as in urllib."""
    connected = 0
    for spelling in _port_spellings(server.port):
        run = assert_same(_with_host(server.url("/p"), f"127.0.0.1:{spelling}"), server)
        connected += bool(run.received)
    assert connected >= 8


def test_port_spellings_through_url(server: RecordingServer) -> None:
    for spelling in (f"+{server.port}", f"0{server.port}", f"{server.port} "):
        url = f"http://127.0.0.1:{spelling}/q"
        run = assert_same(lambda u, url=url: u.urlopen(url), server)
        assert run.received, spelling


# -- §3 the caller's Connection header -----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [None, 1.5, 7, "caf\u20ac", "keep-alive", "close", "a\r\nX-Injected: 1", b"upgrade", ""],
)
def test_callers_connection_header_is_not_looked_at(server: RecordingServer, value: Any) -> None:
    """urllib replaces it with ``close`` unseen: whatever it is, the request goes out (and
    from us with no Connection header at all: we keep the connection alive)."""

    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/k"))
        req.headers["Connection"] = value
        with u.urlopen(req) as r:
            return r.read()

    run = assert_same(scenario, server)
    assert run.outcome.kind == "value" and len(run.received) == 1
    assert server.received[0].header("Connection") == "close"  # urllib's, the last run
    ours = observe(lambda: scenario(compat))
    assert ours.kind == "value" and server.received[-1].header("Connection") is None


# -- §4 the same bytes on the wire ---------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "plain ascii", "caf\u00e9 \u00ff\u00a0", "x" * 20000, "\u00e9" * 9000]
)
def test_text_file_body_is_latin1(server: RecordingServer, text: str) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(u.Request(server.url("/t"), data=io.StringIO(text))) as r:
            return r.read()

    run = assert_same(scenario, server)
    assert run.received[0][4] == text.encode("iso-8859-1")


@pytest.mark.parametrize("text", ["\u20ac", "ok then \u2603", "x" * 10000 + "\u4e2d"])
def test_text_file_body_beyond_latin1_is_unicode_encode_error(
    server: RecordingServer, text: str
) -> None:
    def scenario(u: ModuleType) -> Any:
        return u.urlopen(u.Request(server.url("/t"), data=io.StringIO(text)))

    run = assert_same(scenario, server, compare=lambda o: (o.kind, o.error_type))
    assert run.outcome.error_type == "builtins.UnicodeEncodeError"


def test_text_file_opened_r_with_content_length(server: RecordingServer, tmp_path: Path) -> None:
    path = tmp_path / "body.txt"
    path.write_text("na\u00efve caf\u00e9\n", encoding="utf-8")

    def scenario(u: ModuleType) -> Any:
        with open(path, encoding="utf-8") as f:
            req = u.Request(server.url("/f"), data=f, headers={"Content-Length": "11"})
            with u.urlopen(req) as r:
                return r.read()

    run = assert_same(scenario, server)
    assert run.received[0][4] == "na\u00efve caf\u00e9\n".encode("iso-8859-1")


METHODS = [
    "PROPFIND",
    "MKCOL",
    "PURGE",
    "LOCK",
    "UNLOCK",
    "REPORT",
    "SEARCH",
    "COPY",
    "MOVE",
    "QUERY",
    "X-CUSTOM",
    "a!#$%&'*+.^_`|~z",
    "GET",
    "HEAD",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "POST",
    "PUT",
    "PATCH",
    "post",
    "put",
    "Patch",
    "propfind",
    "get",
]


@pytest.mark.parametrize("data", [None, b"", b"<x/>"], ids=["no-body", "empty", "body"])
def test_framing_headers_per_method(server: RecordingServer, data: bytes | None) -> None:
    """http.client adds ``Content-Length: 0`` to a bodiless request only for the methods it
    expects a body with (POST, PUT, PATCH, any case); urllib3 adds it to every method but
    six.  The server must see http.client's headers, for every method."""
    for method in METHODS:

        def scenario(u: ModuleType, method: str = method) -> Any:
            req = u.Request(server.url("/m"), data=data, method=method)
            with u.urlopen(req) as r:
                return r.read()

        run = assert_same(scenario, server)
        ((_, _, _, headers, _),) = run.received
        lengths = [v for k, v in headers if k == "Content-Length"]
        if data is None and method.upper() not in {"POST", "PUT", "PATCH"}:
            assert lengths == [], method


TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize("seed", range(2))
def test_random_method_tokens(server: RecordingServer, seed: int) -> None:
    """Property: any token as the method (and the case variants of POST/PUT/PATCH), with and
    without a body: the headers and body the server sees are urllib's."""
    rnd = random.Random(seed)
    methods = ["".join(rnd.choice(TCHAR) for _ in range(rnd.randint(1, 12))) for _ in range(40)]
    methods += ["".join(rnd.choice((c.lower(), c)) for c in m) for m in ("POST", "PUT", "PATCH")]
    for method in methods:
        for data in (None, b"x"):

            def scenario(u: ModuleType, method: str = method, data: Any = data) -> Any:
                req = u.Request(server.url("/r"), data=data, method=method)
                with u.urlopen(req) as r:
                    return r.read()

            assert_same(scenario, server)


def test_framing_headers_with_callers_length(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/m"), method="PROPFIND", headers={"Content-Length": "0"})
        with u.urlopen(req) as r:
            return r.read()

    run = assert_same(scenario, server)
    assert ("Content-Length", "0") in run.received[0][3]


# -- §3 TLS handshakes that time out or are reset ------------------------------------------


class _SilentTLS:
    """A TCP listener that accepts and then, instead of a TLS handshake, stays silent, or
    resets (RST) or closes (FIN) the connection once the client hello arrived."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "reset":
                conn.recv(65536)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif self.mode == "close":
                conn.recv(65536)
                conn.close()
            else:
                self._held.append(conn)

    def close(self) -> None:
        self.sock.close()
        self._thread.join(5)
        for conn in self._held:
            conn.close()


@pytest.fixture
def silent_tls() -> Iterator[_SilentTLS]:
    server = _SilentTLS("silent")
    yield server
    server.close()


@pytest.fixture
def resetting_tls() -> Iterator[_SilentTLS]:
    server = _SilentTLS("reset")
    yield server
    server.close()


def test_tls_handshake_timeout_is_urlerror(silent_tls: _SilentTLS) -> None:
    """urllib: ``URLError(<the handshake timeout>)`` (connect fails); not a raw timeout."""
    run = assert_same(
        lambda u: u.urlopen(f"https://127.0.0.1:{silent_tls.port}/?token=SECRET", timeout=0.3)
    )
    assert run.outcome.error_type == "urllib.error.URLError"
    assert run.outcome.reason_type in {"builtins.TimeoutError", "socket.timeout"}


def test_tls_handshake_reset_is_urlerror(resetting_tls: _SilentTLS) -> None:
    run = assert_same(lambda u: u.urlopen(f"https://127.0.0.1:{resetting_tls.port}/", timeout=5))
    assert run.outcome.error_type == "urllib.error.URLError"
    assert run.outcome.reason_type == "builtins.ConnectionResetError"


def test_tls_handshake_closed_is_urlerror() -> None:
    server = _SilentTLS("close")
    try:
        run = assert_same(lambda u: u.urlopen(f"https://127.0.0.1:{server.port}/", timeout=5))
    finally:
        server.close()
    assert run.outcome.error_type == "urllib.error.URLError"


def test_tls_handshake_timeout_through_opener_context(
    silent_tls: _SilentTLS, client_context: ssl.SSLContext
) -> None:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener(u.HTTPSHandler(context=client_context))
        return opener.open(f"https://127.0.0.1:{silent_tls.port}/", timeout=0.3)

    assert assert_same(scenario).outcome.error_type == "urllib.error.URLError"


# -- §5 no secret in a printed traceback ---------------------------------------------------

# Made at run time: a traceback prints the caller's source lines, which must not contain them.
TOKEN, PASSWORD, USER = (secrets.token_hex(8) for _ in range(3))
SECRETS = (TOKEN, PASSWORD, USER)


def _printed(call: Any) -> tuple[BaseException, str]:
    try:
        call()
    except Exception as exc:
        return exc, "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    raise AssertionError("nothing raised")


def _assert_no_secret(call: Any) -> BaseException:
    exc, text = _printed(call)
    assert exc.__cause__ is not None, text  # the engine's exception is kept...
    for secret in SECRETS:
        assert secret not in text, text  # ...but prints no secret
        for e in _walk(exc):
            assert secret not in str(e) and secret not in repr(e.args), e
    return exc


def _walk(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [
            x
            for x in (e.__cause__, e.__context__, getattr(e, "reason", None), *e.args)
            if isinstance(x, BaseException)
        ]


def test_traceback_of_refused_connection_shows_no_query() -> None:
    exc = _assert_no_secret(
        lambda: compat.urlopen(f"http://127.0.0.1:{free_port()}/p?token={TOKEN}")
    )
    assert isinstance(exc, urllib.error.URLError)


def test_traceback_of_failed_certificate_check_shows_no_query(tls_server: RecordingServer) -> None:
    url = tls_server.url(f"/p?token={TOKEN}&a={PASSWORD}")
    exc = _assert_no_secret(lambda: compat.urlopen(url))
    assert isinstance(exc, urllib.error.URLError)
    assert isinstance(exc.reason, ssl.SSLError)


@pytest.mark.parametrize("proxy_scheme", ["http", "socks5"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_traceback_through_proxy_with_credentials(scheme: str, proxy_scheme: str) -> None:
    proxy = f"{proxy_scheme}://{USER}:{PASSWORD}@127.0.0.1:{free_port()}"
    opener = compat.build_opener(compat.ProxyHandler({scheme: proxy}))
    exc = _assert_no_secret(lambda: opener.open(f"{scheme}://example.invalid/p?token={TOKEN}"))
    assert isinstance(exc, urllib.error.URLError)


def test_traceback_of_userinfo_through_proxy(server: RecordingServer) -> None:
    """Plain http through a proxy: the request target is the absolute URL, userinfo and all
    (urllib sends it so); a failure to reach the proxy must not print it."""
    opener = compat.build_opener(compat.ProxyHandler({"http": f"http://127.0.0.1:{free_port()}"}))
    _assert_no_secret(lambda: opener.open(f"http://{USER}:{PASSWORD}@example.invalid/?a={TOKEN}"))


def test_traceback_of_timeouts_shows_no_query(
    silent_tls: _SilentTLS, server: RecordingServer
) -> None:
    from ..support.servers import stall

    server.route("/slow", stall(1.0))
    _assert_no_secret(lambda: compat.urlopen(server.url(f"/slow?token={TOKEN}"), timeout=0.2))
    _assert_no_secret(
        lambda: compat.urlopen(f"https://127.0.0.1:{silent_tls.port}/p?token={TOKEN}", timeout=0.2)
    )


def test_stdlib_traceback_shows_no_url_either() -> None:
    """What the rule is measured against: urllib's own traceback names no URL."""
    _, text = _printed(
        lambda: urllib.request.urlopen(f"http://127.0.0.1:{free_port()}/p?token={TOKEN}")
    )
    assert "SECRET" not in text


@pytest.mark.parametrize(
    "body", [lambda: io.StringIO("caf\u00e9"), lambda: io.BytesIO(b"raw")], ids=["text", "binary"]
)
def test_file_body_debug_lines(server: RecordingServer, capsys: Any, body: Any) -> None:
    """debuglevel prints what http.client prints for a file body ("reading a readable", and
    the encoding of a text file), around the same ``send:`` lines."""

    def exchange(u: ModuleType) -> str:
        capsys.readouterr()
        opener = u.build_opener(u.HTTPHandler(debuglevel=1))
        with opener.open(u.Request(server.url("/d"), data=body())) as r:
            r.read()
        out: str = capsys.readouterr().out.replace("Connection: close\\r\\n", "")
        return re.sub(r"header: Date: .*\n", "", out)

    ours, theirs = exchange(compat), exchange(urllib.request)
    assert ours == theirs
    assert "a readable\n" in ours or "a read()able\n" in ours


def test_urllib3_logs_show_no_query(server: RecordingServer, caplog: Any) -> None:
    """urllib3 logs each request (DEBUG) and a retried one (WARNING) with its target: not the
    query string of ours."""
    from ..support.servers import write_raw

    server.route(
        "/ok", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", then_close=True)
    )
    url = server.url(f"/ok?token={TOKEN}")
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):  # the server hangs up after each answer: stale connections retried
            with compat.urlopen(url) as r:
                assert r.read() == b"ok"
    assert caplog.records and all(TOKEN not in r.getMessage() for r in caplog.records)
    assert any("/ok?[redacted]" in r.getMessage() for r in caplog.records)


# -- the origin of a CONNECT tunnel, as set_tunnel reads it --------------------------------


def _through_proxy(proxy: Any, context: ssl.SSLContext, url: str, timeout: float = 10) -> Any:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener(
            u.ProxyHandler({"https": proxy.url}), u.HTTPSHandler(context=context)
        )
        with opener.open(url, timeout=timeout) as r:
            return r.read()

    return scenario


@pytest.mark.parametrize("spelling", ["+{port}", "0{port}", "{port} "])
def test_tunnel_origin_port_spellings(
    tls_server: RecordingServer, forward_proxy: Any, client_context: ssl.SSLContext, spelling: str
) -> None:
    port = spelling.format(port=tls_server.port)
    run = assert_same(
        _through_proxy(forward_proxy, client_context, f"https://127.0.0.1:{port}/t"), tls_server
    )
    assert run.outcome.kind == "value" and run.received


def test_tunnel_origin_nonnumeric_port(
    tls_server: RecordingServer, forward_proxy: Any, client_context: ssl.SSLContext
) -> None:
    run = assert_same(
        _through_proxy(forward_proxy, client_context, "https://127.0.0.1:4x3/t"), tls_server
    )
    assert run.outcome.error_type == "http.client.InvalidURL"


def test_tls_handshake_timeout_through_tunnel(
    silent_tls: _SilentTLS, forward_proxy: Any, client_context: ssl.SSLContext
) -> None:
    run = assert_same(
        _through_proxy(
            forward_proxy, client_context, f"https://127.0.0.1:{silent_tls.port}/t", timeout=0.5
        )
    )
    assert run.outcome.error_type == "urllib.error.URLError"
