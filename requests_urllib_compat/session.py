"""The opener's :class:`requests.Session`: each handler becomes a Session feature.

Calls through an opener run urllib's handler chain and send each hop through the transport
adapter directly; the Session built here is for new code (``opener.session.get(url)``) and
carries the same configuration, so a script can move to requests one call at a time.

Each entry of :data:`FEATURES` maps a handler type onto the Session; handlers of other types
contribute nothing.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import requests

from .schemes import mount_data, mount_file, mount_ftp
from .transport import HTTPHandler, HTTPSHandler, shared_adapter

__all__ = ["FEATURES", "build_session"]


class _NoCookiesPolicy(DefaultCookiePolicy):
    """An opener without ``HTTPCookieProcessor`` neither stores nor sends cookies."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


def _transport(session: requests.Session, handler: Any) -> None:
    if isinstance(handler, HTTPSHandler):
        session.mount("https://", shared_adapter(handler.context(), handler._debuglevel))
    else:
        session.mount("http://", shared_adapter(None, handler._debuglevel))


Feature = Callable[[requests.Session, Any], None]

#: (handler type, how it configures the Session), applied in the opener's handler order.
FEATURES: list[tuple[type[Any], Feature]] = [
    (HTTPHandler, _transport),
    (HTTPSHandler, _transport),
    (urllib.request.FileHandler, mount_file),
    (urllib.request.DataHandler, mount_data),
    (urllib.request.FTPHandler, mount_ftp),  # CacheFTPHandler too
]


def build_session(handlers: Iterable[urllib.request.BaseHandler],
                  addheaders: Iterable[tuple[str, str]]) -> requests.Session:
    """A Session configured as an opener with these handlers and ``addheaders``."""
    session = requests.Session()
    session.trust_env = False  # no .netrc, no REQUESTS_CA_BUNDLE, no environment proxies
    session.headers.clear()
    session.headers.update({k.capitalize(): v for k, v in addheaders})
    session.headers["Accept-Encoding"] = "identity"
    session.cookies = CookieJar(_NoCookiesPolicy())  # type: ignore[assignment]
    for handler in handlers:
        for kind, configure in FEATURES:
            if isinstance(handler, kind):
                configure(session, handler)
    return session
