"""``HTTPRedirectHandler``: urllib's, except that a caller's credentials stay with their origin.

urllib's ``redirect_request`` copies every header of the request (but for the body headers) to
the new one, so an ``Authorization`` or ``Proxy-Authorization`` header the caller set goes to
whatever host the server redirects to.  Here it is dropped when the redirect leaves the origin
(another scheme, host or port): a deliberate difference (docs/differences.md).  requests' rule
is the same except that it keeps ``Authorization`` on an http -> https upgrade of one host.
Credentials added by the auth handlers are unredirected headers in urllib already, never copied.
"""

from __future__ import annotations

import urllib.request
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlsplit

from . import _stdlib

__all__ = ["CREDENTIAL_HEADERS", "HTTPRedirectHandler", "same_origin"]

#: Headers whose value is a credential (compared lower-case).
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or ""), port or _DEFAULT_PORTS.get(scheme)


def same_origin(url: str, other: str) -> bool:
    """Whether two URLs have the same scheme, host and (default-normalised) port."""
    return _origin(url) == _origin(other)


class HTTPRedirectHandler(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handler; credentials in the caller's headers stay with their origin."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        # super() for an instance of this class (a mixin after it in the MRO may decline);
        # the stdlib's method by name for code calling it unbound from a handler of its own
        # (``HTTPRedirectHandler.redirect_request(self, ...)``), as urllib allows.
        if isinstance(self, HTTPRedirectHandler):
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
        else:
            new = _stdlib.HTTPRedirectHandler.redirect_request(
                self, req, fp, code, msg, headers, newurl
            )
        if new is not None and not same_origin(req.full_url, new.full_url):
            for name in [k for k in new.headers if k.lower() in CREDENTIAL_HEADERS]:
                del new.headers[name]
        return new
