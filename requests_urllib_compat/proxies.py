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
from typing import Any

__all__ = ["SOCKS_SCHEMES", "ProxyHandler"]

#: Proxy URL schemes that requests (through urllib3 and PySocks) connects through.
SOCKS_SCHEMES = frozenset({"socks4", "socks4a", "socks5", "socks5h"})


class ProxyHandler(urllib.request.ProxyHandler):
    """urllib's ``ProxyHandler``; proxies with a ``socks*://`` URL are used through requests."""

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Any:
        scheme, sep, _ = proxy.partition("://")
        if not sep or scheme.lower() not in SOCKS_SCHEMES:
            return super().proxy_open(req, proxy, type)
        if req.host and urllib.request.proxy_bypass(req.host):
            return None
        req.socks_proxy = proxy  # type: ignore[attr-defined]
        return None  # the http(s) handler sends it, through the SOCKS proxy
