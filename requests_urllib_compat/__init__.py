"""requests-urllib-compat: the ``urllib.request`` API on top of requests.

``from requests_urllib_compat import urlopen, Request`` or
``import requests_urllib_compat.request as urllib_request``: the same calls, the same errors,
over pooled keep-alive connections and requests' TLS and proxy stack.
"""

from __future__ import annotations

from typing import Any
from urllib.request import (
    ftpwrapper,
    getproxies_environment,
    parse_http_list,
    parse_keqv_list,
    proxy_bypass,
)

from . import error, request, response
from ._transport import AbstractHTTPHandler, configure
from .bridge import requests_response
from .error import ContentTooShortError, HTTPError, URLError
from .request import *  # noqa: F403
from .request import (
    MAXFTPCACHE,
    ftperrors,
    localhost,
    noheaders,
    proxy_bypass_environment,
    quote,
    request_host,
    thishost,
    unquote,
    unquote_to_bytes,
    unwrap,
    urljoin,
    urlparse,
    urlsplit,
    urlunparse,
)
from .request import __all__ as _request_all
from .response import addclosehook, addinfourl
from .swap import install, is_installed, patch_module, patched, uninstall

# The names urllib.request has outside its __all__ (importable there, so here too).
_EXTRA = [
    MAXFTPCACHE,
    AbstractHTTPHandler,
    addclosehook,
    addinfourl,
    ftperrors,
    ftpwrapper,
    getproxies_environment,
    localhost,
    noheaders,
    parse_http_list,
    parse_keqv_list,
    proxy_bypass,
    proxy_bypass_environment,
    quote,
    request_host,
    thishost,
    unquote,
    unquote_to_bytes,
    unwrap,
    urljoin,
    urlparse,
    urlsplit,
    urlunparse,
]
if hasattr(request, "ftpcache"):  # URLopener's, removed with it in 3.14
    ftpcache = request.ftpcache

__version__ = "0.1.0"

__all__ = [
    *_request_all,
    "ContentTooShortError",
    "HTTPError",
    "URLError",
    "configure",
    "error",
    "install",
    "is_installed",
    "patch_module",
    "patched",
    "requests_response",
    "uninstall",
    "request",
    "response",
]


def __getattr__(name: str) -> Any:
    """Any other name of ``urllib.request`` (private helpers: ``_parse_proxy``, ``_opener``...),
    as :mod:`requests_urllib_compat.request` has it."""
    try:
        return getattr(request, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
