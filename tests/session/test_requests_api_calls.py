"""We call requests' adapter helpers as requests itself calls them.

A library may wrap or replace them (one replaces ``requests.adapters.select_proxy`` at import
with a version that expects the dict a Session always passes): a ``None`` where requests passes
a dict would then break every fetch of the process.
"""

from __future__ import annotations

import pytest
import requests
import requests.adapters

import requests_urllib_compat.request as compat


@pytest.fixture
def dict_only_select_proxy(monkeypatch):
    """``requests.adapters.select_proxy`` replaced by one that only takes a dict; the proxies
    types it was called with."""
    original = requests.adapters.select_proxy
    seen: list[type] = []

    def select_proxy(url, proxies):
        seen.append(type(proxies))
        return original(url, dict(proxies.items()))  # AttributeError for None

    monkeypatch.setattr(requests.adapters, "select_proxy", select_proxy)
    return seen


def _read(response):
    with response:
        return response.read()


def test_default_path(server, tls_server, client_context, dict_only_select_proxy):
    assert _read(compat.urlopen(server.url("/direct"))) == b"hello /direct"
    opener = compat.build_opener(compat.HTTPSHandler(context=client_context))
    assert _read(opener.open(tls_server.url("/tls"))) == b"hello /tls"
    assert dict_only_select_proxy and set(dict_only_select_proxy) == {dict}


def test_http_proxy_path(server, dict_only_select_proxy):
    opener = compat.build_opener(compat.ProxyHandler({"http": f"http://127.0.0.1:{server.port}"}))
    assert _read(opener.open("http://origin.invalid/p")) == b"hello http://origin.invalid/p"
    assert dict_only_select_proxy and set(dict_only_select_proxy) == {dict}


@pytest.mark.parametrize("credentials", [False, True], ids=["open", "tunnel-credentials"])
def test_https_tunnel_path(
    tls_server, client_context, forward_proxy, auth_proxy, credentials, dict_only_select_proxy
):
    proxy = f"http://user:pass@127.0.0.1:{auth_proxy.port}" if credentials else forward_proxy.url
    opener = compat.build_opener(
        compat.ProxyHandler({"https": proxy}), compat.HTTPSHandler(context=client_context)
    )
    assert _read(opener.open(tls_server.url("/t"))) == b"hello /t"
    assert dict_only_select_proxy and set(dict_only_select_proxy) == {dict}


def test_opener_session(server, dict_only_select_proxy):
    with compat.build_opener().session.get(server.url("/s")) as response:
        assert response.content == b"hello /s"
    session = compat.build_opener(
        compat.ProxyHandler({"http": f"http://127.0.0.1:{server.port}"})
    ).session
    with session.get("http://origin.invalid/sp") as response:
        assert response.content == b"hello http://origin.invalid/sp"
    assert dict_only_select_proxy and set(dict_only_select_proxy) == {dict}


def test_adapter_called_with_none_still_passes_dicts(server, dict_only_select_proxy):
    """Code calling our adapter with ``proxies=None`` (requests' own default) gets the same."""
    from requests_urllib_compat._transport import shared_adapter

    prepared = requests.Request("GET", server.url("/none")).prepare()
    response = shared_adapter(None).send(prepared, proxies=None)
    assert response.content == b"hello /none"
    response.close()
    assert set(dict_only_select_proxy) == {dict}


def test_adapter_send_gets_what_a_session_passes(server, monkeypatch):
    """A wrapper of ``HTTPAdapter.send`` may read the keywords a Session always passes."""
    original = requests.adapters.HTTPAdapter.send
    seen = []

    def send(self, request, **kwargs):
        seen.append(sorted(kwargs))
        assert isinstance(kwargs["proxies"], dict)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    assert _read(compat.urlopen(server.url("/kw"))) == b"hello /kw"
    with compat.build_opener().session.get(server.url("/kw")) as response:
        assert response.content == b"hello /kw"
    assert seen == [["cert", "proxies", "stream", "timeout", "verify"]] * 2
