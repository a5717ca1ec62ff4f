"""Basic credentials are encoded as urllib encodes them (UTF-8), on every path.

Each scenario runs three ways against the same loopback server: ``urllib.request`` (the
oracle), our ``opener.open`` and our ``opener.session.get``; the server must receive the same
``Authorization``/``Proxy-Authorization`` values from all three.  (``opener.session`` used
requests' latin-1 encoding: "pässword" went out differently and "пароль" raised
``UnicodeEncodeError``.)
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import quote

import pytest
import requests

import requests_urllib_compat.request as compat
from requests_urllib_compat._auth import basic_authorization
from requests_urllib_compat._proxies import proxy_headers

from ..support.auth_server import basic, basic_credentials
from ..support.servers import Received, RecordingServer, Reply

CREDENTIALS = [("joe", "secret"), ("joe", "pässword"), ("joe", "пароль"), ("üser", "pässword")]

Build = Callable[[ModuleType], Any]


def _sent(server: RecordingServer, name: str) -> list[str | None]:
    return [r.header(name) for r in server.received]


def _three_ways(
    server: RecordingServer, build: Build, url: str, header: str
) -> dict[str, tuple[Any, list[str | None]]]:
    """(status, the ``header`` of each request the server received), per path."""
    seen: dict[str, tuple[Any, list[str | None]]] = {}

    def opened(module: ModuleType) -> Any:
        try:
            with build(module).open(url) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code

    def session_get(module: ModuleType) -> Any:
        with build(module).session.get(url) as response:
            return response.status_code

    for name, module, call in [
        ("urllib", urllib.request, opened),
        ("opener", compat, opened),
        ("session", compat, session_get),
    ]:
        server.reset()
        seen[name] = (call(module), _sent(server, header))
    return seen


def _assert_agree(seen: dict[str, tuple[Any, list[str | None]]]) -> None:
    assert seen["opener"] == seen["urllib"], seen
    assert seen["session"] == seen["urllib"], seen


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_basic_answer_to_a_challenge(server: RecordingServer, user: str, password: str) -> None:
    server.route("/b", basic("R", user, password))

    def build(u: ModuleType) -> Any:
        mgr = u.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, server.url("/"), user, password)
        return u.build_opener(u.HTTPBasicAuthHandler(mgr))

    seen = _three_ways(server, build, server.url("/b"), "Authorization")
    _assert_agree(seen)
    assert seen["urllib"] == (200, [None, basic_credentials(user, password)])


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_basic_prior_auth(server: RecordingServer, user: str, password: str) -> None:
    server.route("/b", basic("R", user, password))

    def build(u: ModuleType) -> Any:
        mgr = u.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, server.url("/"), user, password, is_authenticated=True)
        return u.build_opener(u.HTTPBasicAuthHandler(mgr))

    seen = _three_ways(server, build, server.url("/b"), "Authorization")
    _assert_agree(seen)
    assert seen["urllib"] == (200, [basic_credentials(user, password)])


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_proxy_basic_answer_to_a_407(server: RecordingServer, user: str, password: str) -> None:
    """The recording server as a plain-http proxy that challenges."""
    server.route("*", basic("P", user, password, proxy=True))
    proxy = f"http://127.0.0.1:{server.port}"

    def build(u: ModuleType) -> Any:
        mgr = u.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, proxy, user, password)
        return u.build_opener(u.ProxyHandler({"http": proxy}), u.ProxyBasicAuthHandler(mgr))

    seen = _three_ways(server, build, "http://origin.invalid/p", "Proxy-Authorization")
    _assert_agree(seen)
    assert seen["urllib"] == (200, [None, basic_credentials(user, password)])


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_proxy_url_credentials(server: RecordingServer, user: str, password: str) -> None:
    proxy = f"http://{quote(user)}:{quote(password)}@127.0.0.1:{server.port}"
    seen = _three_ways(
        server,
        lambda u: u.build_opener(u.ProxyHandler({"http": proxy})),
        "http://origin.invalid/p",
        "Proxy-Authorization",
    )
    _assert_agree(seen)
    assert seen["urllib"] == (200, [basic_credentials(user, password)])


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_proxy_url_credentials_on_a_redirect_hop(
    server: RecordingServer, user: str, password: str
) -> None:
    """A redirect through the proxy: requests re-derives the header per hop (rebuild_proxies)."""

    def route(rec: Received, handler: Any) -> Reply:
        if rec.target.endswith("/first"):
            return Reply(302, [("Location", "http://origin.invalid/second")])
        return Reply(200, [], b"second")

    server.route("*", route)
    proxy = f"http://{quote(user)}:{quote(password)}@127.0.0.1:{server.port}"
    seen = _three_ways(
        server,
        lambda u: u.build_opener(u.ProxyHandler({"http": proxy})),
        "http://origin.invalid/first",
        "Proxy-Authorization",
    )
    _assert_agree(seen)
    assert seen["urllib"] == (200, [basic_credentials(user, password)] * 2)


@pytest.mark.parametrize("userinfo", ["joe@", "joe:@", ":pw@"])
def test_proxy_url_without_both_parts_sends_no_credentials(
    server: RecordingServer, userinfo: str
) -> None:
    """urllib's ProxyHandler sends ``Proxy-Authorization`` only for a user *and* a password
    (requests would send ``joe:`` for a user alone)."""
    proxy = f"http://{userinfo}127.0.0.1:{server.port}"
    seen = _three_ways(
        server,
        lambda u: u.build_opener(u.ProxyHandler({"http": proxy})),
        "http://origin.invalid/p",
        "Proxy-Authorization",
    )
    _assert_agree(seen)
    assert seen["urllib"] == (200, [None])


def test_helpers_encode_as_urllib() -> None:
    assert basic_authorization("joe", "пароль") == basic_credentials("joe", "пароль")
    assert proxy_headers("http://j%C3%B6:p%3Aw@proxy:3128") == {
        "Proxy-Authorization": basic_credentials("jö", "p:w")
    }
    assert proxy_headers("http://proxy:3128") == {}


@pytest.mark.parametrize(("user", "password"), CREDENTIALS)
def test_proxy_url_credentials_with_the_connect_of_a_tunnel(
    server: RecordingServer, user: str, password: str
) -> None:
    """https through the proxy: the credentials go with the CONNECT (here refused: only what
    the proxy received matters)."""
    server.route("*", Reply(403, [], b"no"))
    proxy = f"http://{quote(user)}:{quote(password)}@127.0.0.1:{server.port}"
    sent = {}
    for name, module in [("urllib", urllib.request), ("opener", compat)]:
        server.reset()
        opener = module.build_opener(module.ProxyHandler({"https": proxy}))
        with pytest.raises(urllib.error.URLError):
            opener.open("https://origin.invalid/t")
        sent[name] = [(r.method, r.header("Proxy-Authorization")) for r in server.received]
    server.reset()
    session = compat.build_opener(compat.ProxyHandler({"https": proxy})).session
    with pytest.raises(requests.exceptions.ProxyError):
        session.get("https://origin.invalid/t")
    sent["session"] = [(r.method, r.header("Proxy-Authorization")) for r in server.received]
    assert (
        sent["opener"]
        == sent["urllib"]
        == sent["session"]
        == [("CONNECT", basic_credentials(user, password))]
    )
