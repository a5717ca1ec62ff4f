"""TLS as urllib does it: the caller's context as it is, else the stdlib's default trust."""

from __future__ import annotations

import ssl
import urllib.request
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import trustme

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import assert_same
from ..support.servers import RecordingServer, Reply, stall, write_raw


def _snapshot(ctx: ssl.SSLContext) -> tuple[Any, ...]:
    return (
        ctx.verify_mode,
        ctx.check_hostname,
        ctx.cert_store_stats(),
        ctx.options,
        ctx.verify_flags,
        ctx.minimum_version,
        len(ctx.get_ca_certs()),
    )


def test_custom_ca_context(tls_server: RecordingServer, client_context: ssl.SSLContext) -> None:
    before = _snapshot(client_context)
    run = assert_same(
        lambda u: u.urlopen(tls_server.url("/ca"), context=client_context), tls_server
    )
    assert run.outcome.status == 200
    assert _snapshot(client_context) == before  # the caller's context is never modified


def test_untrusted_server_without_context(tls_server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(tls_server.url("/")), tls_server)
    assert run.outcome.reason_type == "ssl.SSLCertVerificationError"


def test_wrong_hostname(ca: trustme.CA, client_context: ssl.SSLContext) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(context)
    server = RecordingServer(tls=context).start()
    try:
        run = assert_same(lambda u: u.urlopen(server.url("/"), context=client_context), server)
        assert run.outcome.reason_type == "ssl.SSLCertVerificationError"
    finally:
        close_shared_pools()
        server.stop()


def test_check_hostname_false_cert_none(tls_server: RecordingServer) -> None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    before = _snapshot(ctx)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # urllib3's InsecureRequestWarning must not appear
        run = assert_same(lambda u: u.urlopen(tls_server.url("/"), context=ctx), tls_server)
    assert run.outcome.status == 200
    assert _snapshot(ctx) == before


def test_check_hostname_false_verify_on(ca: trustme.CA, ca_file: str) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(context)
    server = RecordingServer(tls=context).start()
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.check_hostname = False  # trusted chain, name not checked: urllib accepts it
    try:
        run = assert_same(lambda u: u.urlopen(server.url("/"), context=ctx), server)
        assert run.outcome.status == 200
    finally:
        close_shared_pools()
        server.stop()


@pytest.fixture
def mtls_server(ca: trustme.CA) -> Iterator[RecordingServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    server = RecordingServer(tls=context).start()
    yield server
    close_shared_pools()
    server.stop()


def test_client_certificate(
    mtls_server: RecordingServer, ca: trustme.CA, client_context: ssl.SSLContext
) -> None:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    ca.issue_cert("client@example.test").configure_cert(ctx)
    before = _snapshot(ctx)
    run = assert_same(lambda u: u.urlopen(mtls_server.url("/mtls"), context=ctx), mtls_server)
    assert run.outcome.status == 200
    assert _snapshot(ctx) == before


def test_client_certificate_missing(
    mtls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(mtls_server.url("/mtls"), context=client_context) as r:
            return r.read()

    # TLS 1.3: the server's refusal arrives after the handshake, while waiting for the response.
    run = assert_same(scenario, mtls_server, compare=lambda o: o.kind)
    assert run.outcome.kind == "error"


def test_ssl_cert_file_is_the_default_trust(
    tls_server: RecordingServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    run = assert_same(lambda u: u.urlopen(tls_server.url("/env")), tls_server)
    assert run.outcome.status == 200


def test_requests_ca_bundle_is_ignored(
    tls_server: RecordingServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    monkeypatch.setenv("CURL_CA_BUNDLE", ca_file)
    run = assert_same(lambda u: u.urlopen(tls_server.url("/")), tls_server)
    assert run.outcome.reason_type == "ssl.SSLCertVerificationError"


def test_unverified_default_context_hack(
    tls_server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ssl, "_create_default_https_context", ssl._create_unverified_context)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = assert_same(lambda u: u.urlopen(tls_server.url("/hack")), tls_server)
    assert run.outcome.status == 200


def test_default_context_is_not_certifi(tls_server: RecordingServer) -> None:
    handler = compat.HTTPSHandler()
    ctx = handler.context()
    default = ssl.create_default_context()
    assert ctx.cert_store_stats() == default.cert_store_stats()
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


def test_https_handler_with_context(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener(u.HTTPSHandler(context=client_context))
        return opener.open(tls_server.url("/h"))

    assert assert_same(scenario, tls_server).outcome.status == 200


def test_stdlib_https_handler_given_to_our_build_opener(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    opener = compat.build_opener(urllib.request.HTTPSHandler(context=client_context))
    with opener.open(tls_server.url("/x")) as r:
        assert r.read() == b"hello /x"
    assert tls_server.received[-1].header("Connection") is None  # went through our transport


def test_tls_to_a_plain_http_server(server: RecordingServer) -> None:
    url = f"https://127.0.0.1:{server.port}/"
    run = assert_same(lambda u: u.urlopen(url), server)
    assert run.outcome.reason_type == "ssl.SSLError"


HTTPS_ROUTES = {
    "/short": write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
    "/chunk": write_raw(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nab"
    ),
    "/eof": write_raw(b"HTTP/1.1 200 OK\r\n\r\nuntil eof"),
    "/bye": write_raw(b""),
    "/slow": stall(3.0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhe"),
    "/404": Reply(404, [], b"nope"),
    "/r": Reply(302, [("Location", "/ok")]),
}


@pytest.mark.parametrize("path", [*HTTPS_ROUTES, "/ok"])
def test_over_https_as_over_http(
    tls_server: RecordingServer, client_context: ssl.SSLContext, path: str
) -> None:
    for route, reply in HTTPS_ROUTES.items():
        tls_server.route(route, reply)

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(tls_server.url(path), context=client_context, timeout=0.5) as r:
            return r.status, r.read()

    assert_same(scenario, tls_server)


def test_https_connection_reuse(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    for _ in range(4):
        with compat.urlopen(tls_server.url("/again"), context=client_context) as r:
            r.read()
    assert tls_server.connections == 1
