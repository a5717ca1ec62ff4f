"""Redirects in the default opener, as the running interpreter's urllib follows them."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import assert_same, run, urllib_follows
from ..support.servers import RecordingServer, Reply

CODES = [301, 302, 303, 307, 308]


def _request(u: ModuleType, url: str, method: str) -> Any:
    data = b"payload" if method in ("POST", "PUT", "PATCH") else None
    req = u.Request(url, data=data, method=method, headers={"X-Custom": "kept"})
    if data is not None:
        req.add_header("Content-Type", "text/plain")
    return u.urlopen(req)


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("code", CODES)
def test_redirect_methods(server: RecordingServer, code: int, method: str) -> None:
    server.route("/from", Reply(code, [("Location", "/to")], b"moved"))
    run = assert_same(lambda u: _request(u, server.url("/from"), method), server)
    followed = method in ("GET", "HEAD") or (method == "POST" and code in (301, 302, 303))
    if followed and urllib_follows(code):
        assert run.outcome.url == server.url("/to")
        second = run.received[1]
        assert second[4] == b""  # the body is never sent again
        assert all(k not in ("Content-Type", "Content-Length") for k, _ in second[3])
    else:
        assert run.outcome.status == code  # HTTPError


@pytest.mark.parametrize(
    "location",
    [
        "/abs",
        "rel",
        "../up",
        "//127.0.0.1:{port}/net",
        "http://127.0.0.1:{port}/full",
        "?q=1",
        "/sp ace",
        "/frag#x",
        "",
    ],
)
def test_locations(server: RecordingServer, location: str) -> None:
    server.route("/dir/from", Reply(302, [("Location", location.format(port=server.port))]))
    assert_same(lambda u: u.urlopen(server.url("/dir/from")), server)


def test_legacy_uri_header(server: RecordingServer) -> None:
    server.route("/from", Reply(302, [("URI", "/to")]))
    assert_same(lambda u: u.urlopen(server.url("/from")), server)


@pytest.mark.parametrize("code", [*CODES, 300, 304, 305, 306])
def test_without_location(server: RecordingServer, code: int) -> None:
    server.route("/from", Reply(code, [], b"no location"))
    run = assert_same(lambda u: u.urlopen(server.url("/from")), server)
    assert run.outcome.status == code


def test_loop_on_one_url(server: RecordingServer) -> None:
    server.route("/loop", Reply(302, [("Location", "/loop")]))
    run = assert_same(lambda u: u.urlopen(server.url("/loop")), server)
    assert "infinite loop" in (run.outcome.reason or "")
    assert len(run.received) == 5


def test_chain_too_long(server: RecordingServer) -> None:
    for i in range(15):
        server.route(f"/c{i}", Reply(302, [("Location", f"/c{i + 1}")]))
    run = assert_same(lambda u: u.urlopen(server.url("/c0")), server)
    assert "infinite loop" in (run.outcome.reason or "")


def test_chain_within_limit(server: RecordingServer) -> None:
    for i in range(9):
        server.route(f"/c{i}", Reply(301, [("Location", f"/c{i + 1}")]))
    run = assert_same(lambda u: u.urlopen(server.url("/c0")), server)
    assert run.outcome.url == server.url("/c9")


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd",
        "data:,secret",
        "gopher://x/",
        "javascript:alert(1)",
        "ftp://127.0.0.1:1/x",
    ],
)
def test_scheme_allow_list(server: RecordingServer, target: str) -> None:
    server.route("/from", Reply(302, [("Location", target)]))
    run = assert_same(
        lambda u: u.urlopen(server.url("/from")),
        server,
        compare=lambda o: (o.kind, o.status, o.error_type, o.error_text),
    )
    if not target.startswith("ftp:"):
        assert run.outcome.status == 302
        assert "not allowed" in (run.outcome.error_text or "")
    assert run.outcome.body != Path("/etc/passwd").read_bytes()  # never a local file


def test_redirect_to_other_server(server: RecordingServer) -> None:
    other = RecordingServer().start()
    try:
        server.route("/from", Reply(302, [("Location", other.url("/there"))]))

        def scenario(u: ModuleType) -> Any:
            req = u.Request(server.url("/from"), headers={"Authorization": "Basic dXNlcjpwdw=="})
            return u.urlopen(req)

        # Documented difference (see docs/differences.md): the caller's own Authorization header
        # stays with its origin; urllib would send it to the other host too.
        ours = run(scenario, compat, [server, other])
        theirs = run(scenario, urllib.request, [server, other])
        assert ours.outcome == theirs.outcome
        assert ours.outcome.url == other.url("/there")
        assert ("Authorization", "Basic dXNlcjpwdw==") in theirs.received[1][3]
        assert all(k != "Authorization" for k, _ in ours.received[1][3])
    finally:
        from requests_urllib_compat._transport import close_shared_pools

        close_shared_pools()
        other.stop()


def test_redirect_body_of_intermediate_response(server: RecordingServer) -> None:
    server.route("/from", Reply(302, [("Location", "/to"), ("Set-Cookie", "a=1")], b"x" * 100_000))
    assert_same(lambda u: u.urlopen(server.url("/from")), server)


def test_geturl_after_redirect_with_fragment(server: RecordingServer) -> None:
    server.route("/from", Reply(302, [("Location", "/to#frag")]))
    assert_same(lambda u: u.urlopen(server.url("/from#orig")), server)


def _unbound_redirecting(u: ModuleType) -> Any:
    """A plain handler that follows 302s with ``HTTPRedirectHandler.redirect_request`` called
    unbound (``self`` is no redirect handler), as urllib allows."""
    from urllib.parse import urljoin

    class Following(u.BaseHandler):
        handler_order = 400  # before the default redirect handler

        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            new = u.HTTPRedirectHandler.redirect_request(
                self, req, fp, code, msg, headers, urljoin(req.full_url, headers["Location"])
            )
            fp.read()
            fp.close()
            return self.parent.open(new, timeout=req.timeout)

    return u.build_opener(Following)


def test_redirect_request_called_unbound(server: RecordingServer) -> None:
    server.route("/from", Reply(302, [("Location", "/to")], b"moved"))
    run = assert_same(lambda u: _unbound_redirecting(u).open(server.url("/from")), server)
    assert run.outcome.url == server.url("/to") and run.outcome.status == 200


def test_redirect_request_called_unbound_keeps_credentials_home(server: RecordingServer) -> None:
    """Ours, called unbound, still drops the caller's Authorization on leaving the origin."""
    other = RecordingServer().start()
    try:
        server.route("/from", Reply(302, [("Location", other.url("/away"))]))
        req = compat.Request(server.url("/from"), headers={"Authorization": "Bearer secret"})
        with _unbound_redirecting(compat).open(req) as response:
            assert response.read() == b"hello /away"
        assert server.received[0].header("Authorization") == "Bearer secret"
        assert other.received[0].header("Authorization") is None
    finally:
        other.stop()
