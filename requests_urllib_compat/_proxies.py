"""``ProxyHandler``: urllib's own, plus SOCKS proxies carried by requests' SOCKS support.

Everything urllib decides stays urllib's: which proxies (``getproxies()`` at construction,
``REQUEST_METHOD`` hiding ``HTTP_PROXY``), ``no_proxy`` through ``proxy_bypass`` (applied even
to explicitly given proxies), ``Proxy-Authorization`` from ``user:pass@`` in the proxy URL, and
``Request.set_proxy``.  The transport turns the result into requests' proxy configuration:
an absolute-URL request to an http proxy, or a CONNECT tunnel for https.

urllib cannot use a SOCKS proxy (``{'http': 'socks5://...'}`` ends in "unknown url type").
Here such a proxy is recorded on the request (``req.socks_proxy``) and the request goes on as a
direct one; the transport hands the proxy URL to requests (``requests[socks]``, the ``socks``
extra of this package).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from requests.utils import get_auth_from_url

from . import _stdlib
from ._auth import basic_authorization
from ._types import Opened

__all__ = ["SOCKS_SCHEMES", "ProxyHandler", "configure_session", "proxy_headers", "urllib_proxies"]

#: Proxy URL schemes that requests (through urllib3 and PySocks) connects through.
SOCKS_SCHEMES = frozenset({"socks4", "socks4a", "socks5", "socks5h"})


class ProxyHandler(urllib.request.ProxyHandler):
    """urllib's ``ProxyHandler``; proxies with a ``socks*://`` URL are used through requests."""

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Opened | None:
        scheme, sep, _ = proxy.partition("://")
        if not sep or scheme.lower() not in SOCKS_SCHEMES:
            # super() for an instance of this class (cooperative subclasses); the stdlib's
            # method by name for code calling it unbound from a handler of its own (any
            # BaseHandler with a parent), as urllib allows.
            if isinstance(self, ProxyHandler):
                return super().proxy_open(req, proxy, type)
            return _stdlib.ProxyHandler.proxy_open(self, req, proxy, type)
        if req.host and urllib.request.proxy_bypass(req.host):
            return None
        req.socks_proxy = proxy  # type: ignore[attr-defined]
        return None  # the http(s) handler sends it, through the SOCKS proxy


def configure_session(session: requests.Session, handler: urllib.request.ProxyHandler) -> None:
    """FEATURES entry: the handler's proxies (as urllib read them) become ``session.proxies``.

    urllib's ``'no'`` entry (``no_proxy`` from the environment) is not a proxy; ``no_proxy`` is
    applied per request by :func:`urllib_proxies`, with urllib's ``proxy_bypass``.
    """
    proxies: dict[str, str] = getattr(handler, "proxies", {})
    session.proxies.update({k: v for k, v in proxies.items() if k != "no"})


def urllib_proxies(url: str, proxies: Mapping[str, str] | None) -> dict[str, str]:
    """``proxies`` for a request to ``url``, or none when urllib's ``proxy_bypass`` (the
    environment's ``no_proxy`` at request time; no CIDR, as urllib) says to go direct."""
    if not proxies:
        return {}
    host = urlsplit(url).netloc.rpartition("@")[2]
    if host and urllib.request.proxy_bypass(host):
        return {}
    return dict(proxies)


def proxy_headers(proxy: str) -> dict[str, str]:
    """The ``Proxy-Authorization`` urllib's ``ProxyHandler`` sends for a proxy URL's
    ``user:pass@``: only when both are given, UTF-8 encoded.  (requests sends one for a user
    alone, latin-1 encoded, and fails beyond latin-1.)"""
    user, password = get_auth_from_url(proxy)
    if user and password:
        return {"Proxy-Authorization": basic_authorization(user, password)}
    return {}
