"""Credentials never show in reprs, exception messages or logs (urllib3's DEBUG logging
included), whichever path they took: auth handlers, proxy URLs (http, CONNECT, SOCKS)."""

from __future__ import annotations

import base64
import logging

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import shared_adapter

from ..support.auth_server import basic, digest
from ..support.ports import free_port

SECRET = "s3cr3t-Pa55"


def _texts(*objects) -> str:
    return "\n".join(f"{o!s}\n{o!r}" for o in objects)


def test_no_credentials_in_reprs_errors_or_logs(
    server, tls_server, auth_proxy, socks_proxy, client_context, caplog
):
    caplog.set_level(logging.DEBUG)
    server.route("/b", basic("R", "joe", SECRET))
    server.route("/d", digest("D", "joe", SECRET))
    mgr = compat.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, server.url("/"), "joe", SECRET)
    seen: list[object] = [mgr]

    opener = compat.build_opener(
        compat.HTTPBasicAuthHandler(mgr), compat.HTTPDigestAuthHandler(mgr)
    )
    for path in ("/b", "/d"):
        req = compat.Request(server.url(path))
        with opener.open(req) as r:
            seen += [req, r, r.requests_response, r.requests_response.request]
            r.read()
    session = opener.session
    seen += [
        opener,
        session,
        session.auth,
        session.get(server.url("/d")),
        shared_adapter(None),
        *opener.handlers,
    ]

    # wrong credentials: the HTTPError
    bad = compat.HTTPPasswordMgrWithDefaultRealm()
    bad.add_password(None, server.url("/"), "joe", SECRET + "x")
    with pytest.raises(compat.HTTPError) as info:
        compat.build_opener(compat.HTTPDigestAuthHandler(bad)).open(server.url("/d"))
    if info.value.fp is not None:  # Python 3.9's HTTPError without a response has no close()
        info.value.close()
    seen.append(info.value)

    # proxies with credentials in their URL
    # (proxy.py's own credentials are user:pass)
    proxied = {
        "http": f"http://user:pass@127.0.0.1:{auth_proxy.port}",
        "https": f"http://user:pass@127.0.0.1:{auth_proxy.port}",
    }
    handler = compat.ProxyHandler(proxied)
    opener = compat.build_opener(handler, compat.HTTPSHandler(context=client_context))
    with opener.open(server.url("/plain")) as r:
        r.read()
    with opener.open(tls_server.url("/tunnel")) as r:
        r.read()
    seen += [opener, opener.session, r]
    refused = {"https": f"http://user:{SECRET}x@127.0.0.1:{auth_proxy.port}"}
    with pytest.raises(compat.URLError) as tunnel_error:
        compat.build_opener(
            compat.ProxyHandler(refused), compat.HTTPSHandler(context=client_context)
        ).open(tls_server.url("/"))
    seen += [tunnel_error.value, tunnel_error.value.reason]

    socks = {"http": f"socks5://user:{SECRET}@127.0.0.1:{free_port()}"}
    with pytest.raises(compat.URLError) as socks_error:
        compat.build_opener(compat.ProxyHandler(socks)).open(server.url("/"))
    seen += [socks_error.value, socks_error.value.reason]
    import requests

    with pytest.raises(requests.RequestException) as session_error:
        compat.build_opener(
            compat.ProxyHandler(refused), compat.HTTPSHandler(context=client_context)
        ).session.get(tls_server.url("/"))
    seen.append(session_error.value)

    text = _texts(*seen)
    for secret in (
        SECRET,
        "user:pass",
        base64.b64encode(b"user:pass").decode(),
        base64.b64encode(f"joe:{SECRET}".encode()).decode(),
    ):
        assert secret not in text
        assert secret not in caplog.text
    assert any(rec.name.startswith("urllib3") for rec in caplog.records)  # logging did run
