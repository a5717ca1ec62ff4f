"""``urlopen(url, context=ctx)``: the opener urllib builds per call is used again only while
building it again would give the same opener."""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any

import pytest
import requests

import requests_urllib_compat.request as compat
from requests_urllib_compat import _director, swap

from ..support.servers import RecordingServer, Reply


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The openers ``build_opener`` makes from now on."""
    made: list[Any] = []
    original = _director.build_opener

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(_director, "build_opener", spy)
    monkeypatch.setattr(_director, "_last_context_opener", None)
    return made


def _get(server: RecordingServer, context: ssl.SSLContext) -> bytes:
    with compat.urlopen(server.url("/c"), context=context) as r:
        return bytes(r.read())


def test_same_context_same_opener(
    tls_server: RecordingServer, client_context: ssl.SSLContext, built: list[Any], ca_file: str
) -> None:
    tls_server.route("/c", Reply(200, [], b"c"))
    assert [_get(tls_server, client_context) for _ in range(3)] == [b"c"] * 3
    assert len(built) == 1
    other = ssl.create_default_context(cafile=ca_file)
    assert _get(tls_server, other) == b"c"  # another context: another opener, as urllib
    assert len(built) == 2


def test_a_changed_environment_is_read_again(
    tls_server: RecordingServer,
    client_context: ssl.SSLContext,
    built: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tls_server.route("/c", Reply(200, [], b"c"))
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.setenv("no_proxy", "*")
    _get(tls_server, client_context)
    monkeypatch.setenv("no_proxy", "*,example.invalid")
    _get(tls_server, client_context)
    assert len(built) == 2
    proxy = next(h for h in built[1].handlers if isinstance(h, urllib.request.ProxyHandler))
    assert proxy.proxies == urllib.request.getproxies()


def test_a_patched_handler_class_is_seen(
    tls_server: RecordingServer,
    client_context: ssl.SSLContext,
    built: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A method added to a default handler class is registered, as by urllib's new opener."""
    tls_server.route("/c", Reply(200, [], b"c"))
    _get(tls_server, client_context)
    seen: list[str] = []

    def https_request(self: Any, req: urllib.request.Request) -> urllib.request.Request:
        seen.append(req.full_url)
        return req

    monkeypatch.setattr(
        urllib.request.HTTPErrorProcessor, "https_request", https_request, raising=False
    )
    _get(tls_server, client_context)
    assert seen == [tls_server.url("/c")] and len(built) == 2
    with urllib.request.urlopen(tls_server.url("/c"), context=client_context) as r:
        assert r.read() == b"c"
    assert seen == [tls_server.url("/c")] * 2  # as the stdlib's new opener per call


def test_an_installed_session_is_used(
    tls_server: RecordingServer, client_context: ssl.SSLContext, built: list[Any], ca_file: str
) -> None:
    tls_server.route("/c", Reply(200, [], b"c"))
    _get(tls_server, client_context)
    session = requests.Session()
    session.verify = ca_file
    swap.install(session=session)
    try:
        _get(tls_server, client_context)
    finally:
        swap.uninstall()
        session.close()
    assert len(built) == 2 and built[1]._user_session is session
