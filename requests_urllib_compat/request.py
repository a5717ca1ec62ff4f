"""Mirror of :mod:`urllib.request`: the same names, with http(s) carried by requests.

``import requests_urllib_compat.request as urllib_request`` is the drop-in.  Pure logic that
moves no bytes (``Request``, password managers, the redirect, cookie and error handlers,
``file:``/``data:``/``ftp:``) is the stdlib's own object; the opener and the http(s) transport
are this package's.
"""

from __future__ import annotations

import sys
import types
import urllib.request
from typing import Any
from urllib.request import (
    AbstractBasicAuthHandler,
    AbstractDigestAuthHandler,
    BaseHandler,
    DataHandler,
    FileHandler,
    HTTPBasicAuthHandler,
    HTTPCookieProcessor,
    HTTPDefaultErrorHandler,
    HTTPDigestAuthHandler,
    HTTPErrorProcessor,
    HTTPPasswordMgr,
    HTTPPasswordMgrWithDefaultRealm,
    HTTPPasswordMgrWithPriorAuth,
    ProxyBasicAuthHandler,
    ProxyDigestAuthHandler,
    Request,
    UnknownHandler,
    ftpwrapper,
    getproxies,
    getproxies_environment,
    parse_http_list,
    parse_keqv_list,
    pathname2url,
    proxy_bypass,
    url2pathname,
)

from . import _director as _opener_module
from ._director import OpenerDirector, build_opener, install_opener, urlopen
from ._proxies import ProxyHandler
from ._redirect import HTTPRedirectHandler
from ._transport import AbstractHTTPHandler, HTTPHandler, HTTPSHandler
from .error import ContentTooShortError, HTTPError, URLError
from .response import addclosehook, addinfourl
from .retrieve import urlcleanup, urlretrieve
from .schemes import CacheFTPHandler, FTPHandler

__all__ = [
    "AbstractBasicAuthHandler",
    "AbstractDigestAuthHandler",
    "BaseHandler",
    "CacheFTPHandler",
    "DataHandler",
    "FTPHandler",
    "FileHandler",
    "HTTPBasicAuthHandler",
    "HTTPCookieProcessor",
    "HTTPDefaultErrorHandler",
    "HTTPDigestAuthHandler",
    "HTTPErrorProcessor",
    "HTTPHandler",
    "HTTPPasswordMgr",
    "HTTPPasswordMgrWithDefaultRealm",
    "HTTPPasswordMgrWithPriorAuth",
    "HTTPRedirectHandler",
    "HTTPSHandler",
    "OpenerDirector",
    "ProxyBasicAuthHandler",
    "ProxyDigestAuthHandler",
    "ProxyHandler",
    "Request",
    "UnknownHandler",
    "build_opener",
    "getproxies",
    "install_opener",
    "pathname2url",
    "url2pathname",
    "urlcleanup",
    "urlopen",
    "urlretrieve",
]

if sys.version_info < (3, 14):
    # Deprecated, removed from the stdlib in 3.14: the stdlib's own classes (with its
    # DeprecationWarning), which open URLs themselves, not through requests.
    from urllib.request import FancyURLopener, URLopener

    __all__ += ["FancyURLopener", "URLopener"]
if hasattr(urllib.request, "ftpcache"):  # URLopener's cache of FTP connections
    ftpcache: dict[Any, Any] = urllib.request.ftpcache

# Importable from urllib.request without being in its __all__ (nor in typeshed); legacy code
# imports them.
_stdlib: Any = urllib.request
MAXFTPCACHE: int = _stdlib.MAXFTPCACHE
ftperrors = _stdlib.ftperrors
localhost = _stdlib.localhost
noheaders = _stdlib.noheaders
proxy_bypass_environment = _stdlib.proxy_bypass_environment
request_host = _stdlib.request_host
thishost = _stdlib.thishost
quote, unquote, unquote_to_bytes = _stdlib.quote, _stdlib.unquote, _stdlib.unquote_to_bytes
unwrap, urljoin, urlparse = _stdlib.unwrap, _stdlib.urljoin, _stdlib.urlparse
urlsplit, urlunparse = _stdlib.urlsplit, _stdlib.urlunparse

_EXTRA = [
    AbstractHTTPHandler,
    ContentTooShortError,
    HTTPError,
    URLError,
    MAXFTPCACHE,
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


def __getattr__(name: str) -> Any:
    """A name of ``urllib.request`` this module does not define (private helpers such as
    ``_parse_proxy`` or ``_splittype``, which real code and CPython's own tests import): the
    stdlib's object, looked up when asked (PEP 562), so every name of the running interpreter's
    ``urllib.request`` is reachable here."""
    if not (name.startswith("__") and name.endswith("__")):
        try:
            return getattr(_stdlib, name)
        except AttributeError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(_stdlib)))


class _Module(types.ModuleType):
    """This module's type: ``_opener`` is the opener :func:`install_opener` installed for this
    package's :func:`urlopen` (``None`` before first use or after :func:`urlcleanup`), as
    ``urllib.request._opener`` is the stdlib's; setting it installs an opener.  Not forwarded
    to the stdlib's global: that one belongs to the stdlib's ``urlopen``."""

    @property
    def _opener(self) -> urllib.request.OpenerDirector | None:
        return _opener_module._opener

    @_opener.setter
    def _opener(self, opener: urllib.request.OpenerDirector | None) -> None:
        install_opener(opener)


sys.modules[__name__].__class__ = _Module
