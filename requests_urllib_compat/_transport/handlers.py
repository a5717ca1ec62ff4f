"""urllib's layer: the ``HTTPHandler``/``HTTPSHandler`` whose ``do_open`` sends through requests.

Everything above the socket stays urllib's (``do_request_`` builds the headers, the handler chain
decides redirects, auth, cookies and errors); only ``do_open`` is replaced: the request urllib
would write with http.client is checked as http.client would (:mod:`.checks`), prepared for
requests and sent by :func:`.dispatch._dispatch` through a shared :class:`.adapter.CompatAdapter`.
The top layer of :mod:`._transport`: nothing in it imports this module.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import sys
import urllib.request
import warnings
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.util import SKIP_HEADER

from .. import _seams, _stdlib
from .._exceptions import translated
from ..error import URLError
from ..response import HTTPResponse
from .adapter import (
    CompatAdapter,
    UrllibTarget,
    default_https_context,
    set_urllib_target,
    shared_adapter,
)
from .checks import _as_http_client_body, _http_client_checks
from .dispatch import _dispatch


class AbstractHTTPHandler(urllib.request.AbstractHTTPHandler):
    """urllib's ``AbstractHTTPHandler`` whose ``do_open`` sends through a requests adapter.

    ``http_open``/``https_open`` stay the stdlib's: they call ``do_open``, so a subclass
    that wraps ``do_open`` (logging, timing) is called, as in urllib."""

    def do_open(
        self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any
    ) -> http.client.HTTPResponse:
        """Send ``req`` as urllib's ``do_open`` would with ``http_class(host, timeout=...,
        **http_conn_args)``: through the pooled transport when that is http.client's own class
        with settings it can take (the ``context=`` given, else the handler's), else with the
        caller's class itself, by the stdlib's ``do_open`` (a source address, a unix socket, a
        tracing subclass: urllib's behaviour and response, one connection per request)."""
        adapter = pooled_adapter(self, http_class, req, http_conn_args)
        if adapter is None:
            return urllib_do_open(self, http_class, req, http_conn_args)
        return send(adapter, req)


class HTTPHandler(AbstractHTTPHandler, urllib.request.HTTPHandler):
    pass


class HTTPSHandler(AbstractHTTPHandler, urllib.request.HTTPSHandler):
    _context: ssl.SSLContext | None
    _check_hostname: bool | None

    def __init__(
        self,
        debuglevel: int = 0,
        context: ssl.SSLContext | None = None,
        check_hostname: bool | None = None,
    ) -> None:
        stdlib_context = context
        if context is None and sys.version_info >= (3, 12):
            # 3.12+ builds a default context per handler: give it the shared one instead.
            stdlib_context = default_https_context(check_hostname)
        super().__init__(debuglevel, stdlib_context, check_hostname)
        # Kept here because 3.12+ does not: pools are per caller context (or per default).
        self._caller_context = context
        self._check_hostname = check_hostname
        if context is not None and check_hostname is not None:
            # http.client applies check_hostname to the given context: so does this handler.
            context.check_hostname = check_hostname

    def context(self) -> ssl.SSLContext:
        """The SSLContext connections are made with: the caller's, else the stdlib default."""
        if self._caller_context is not None:
            return self._caller_context
        return default_https_context(self._check_hostname)


def handler_context(handler: urllib.request.HTTPSHandler) -> Any:
    """The SSLContext an HTTPS handler (ours or the stdlib's) connects with."""
    if isinstance(handler, HTTPSHandler):
        return handler.context()
    context, check_hostname = _seams.https_handler_settings(handler)
    if context is not None:
        if check_hostname is not None:
            context.check_hostname = check_hostname  # what http.client does with it
        return context
    return default_https_context(check_hostname)


def handler_adapter(handler: urllib.request.BaseHandler) -> CompatAdapter:
    """The shared adapter an http(s) handler (ours or the stdlib's) sends through: its TLS
    settings (HTTPS) and debuglevel.  Handlers with the same settings share one pool."""
    if isinstance(handler, _stdlib.HTTPSHandler):  # the stdlib's class, also under the swap
        return shared_adapter(handler_context(handler), _debuglevel(handler))
    return shared_adapter(None, _debuglevel(handler))


def _debuglevel(handler: urllib.request.BaseHandler) -> int:
    return _seams.handler_debuglevel(handler)


#: http.client's own connection class for each scheme, as captured at import.
_STANDARD_CLASSES: dict[str, Any] = {
    "http": http.client.HTTPConnection,
    "https": http.client.HTTPSConnection,
}
_STANDARD_NAMES = {"http": "HTTPConnection", "https": "HTTPSConnection"}


def _is_standard_class(http_class: Any, scheme: str) -> bool:
    """Whether ``http_class`` is http.client's class for ``scheme``: the one captured at
    import, or the one ``http.client`` holds now (a recorder that patches http.client, as
    the stdlib's ``http_open`` looks it up at each call)."""
    name = _STANDARD_NAMES.get(scheme)
    return name is not None and (
        http_class is _STANDARD_CLASSES[scheme] or http_class is getattr(http.client, name)
    )


def pooled_adapter(
    handler: urllib.request.BaseHandler,
    http_class: Any,
    req: urllib.request.Request,
    http_conn_args: dict[str, Any],
) -> CompatAdapter | None:
    """The shared adapter that sends ``req`` as ``http_class(**http_conn_args)`` would connect,
    or None when only that class can (a class of the caller's, or arguments the pool does not
    take: ``source_address``, ``blocksize``, ``key_file``...; a wrong argument then fails as
    in urllib).

    ``context=`` is honoured: it selects the pool and its TLS settings, as it would be the
    connection's (a context trusting one private CA refuses any other server; ``CERT_NONE``
    connects; its client certificate is sent).  ``check_hostname=`` (3.11 and older, which
    http.client applies to the context) is taken only with the handler's own context, as the
    stdlib's ``https_open`` passes them; another combination is left to http.client.
    """
    scheme = req.type
    if not _is_standard_class(http_class, scheme):
        return None
    if scheme == "http":
        return None if http_conn_args else handler_adapter(handler)
    args = dict(http_conn_args)
    context = args.pop("context", None)
    check_hostname = None
    if sys.version_info < (3, 12):  # (3.12 removed the argument: urllib's TypeError)
        check_hostname = args.pop("check_hostname", None)
    if args:
        return None
    if isinstance(handler, _stdlib.HTTPSHandler):
        own_context, own_check_hostname = _seams.https_handler_settings(handler)
        if context is own_context and (
            sys.version_info >= (3, 12) or check_hostname == own_check_hostname
        ):
            warn_check_hostname(check_hostname)  # what http.client (3.11) warns per connection
            return handler_adapter(handler)  # the handler's own settings: its usual pool
    if check_hostname is not None:
        return None
    return shared_adapter(
        context if context is not None else default_https_context(), _debuglevel(handler)
    )


def urllib_do_open(
    handler: urllib.request.AbstractHTTPHandler,
    http_class: Any,
    req: urllib.request.Request,
    http_conn_args: dict[str, Any],
) -> http.client.HTTPResponse:
    """The stdlib's ``do_open`` with the caller's connection class: urllib's behaviour
    (``Connection: close``, ``URLError`` when connecting or sending fails) and urllib's
    response, an :class:`http.client.HTTPResponse` (no ``requests_response`` behind it).

    A SOCKS proxy (which only requests connects through) cannot be applied to a class of the
    caller's: the request is refused rather than sent around the proxy."""
    socks = getattr(req, "socks_proxy", None)
    if socks:
        scheme = str(socks).partition("://")[0]
        raise URLError(
            f"a {scheme} proxy cannot be used with the connection class "
            f"{http_class!r} (only http.client's own classes go through it)"
        )
    return _stdlib.AbstractHTTPHandler.do_open(handler, http_class, req, **http_conn_args)


def warn_check_hostname(check_hostname: bool | None) -> None:
    """The warning http.client (3.11) gives per connection of ``HTTPSHandler(check_hostname=)``,
    attributed to the stdlib's ``https_open`` (called from ``pooled_adapter`` by ``do_open``)."""
    if check_hostname is not None and sys.version_info < (3, 12):
        warnings.warn(
            "key_file, cert_file and check_hostname are deprecated, use a custom context instead.",
            DeprecationWarning,
            4,
        )


def _timeout(value: Any) -> Any:
    if value is _seams.GLOBAL_DEFAULT_TIMEOUT:
        value = socket.getdefaulttimeout()
    return (value, value)


def send(adapter: CompatAdapter, req: urllib.request.Request) -> HTTPResponse:
    """Send ``req`` as urllib's ``do_open`` would, through ``adapter``; return urllib's response.

    The request line and headers are the ones urllib builds; the differences are on the
    connection: it is kept alive and pooled (no ``Connection: close``).  In phases: urllib's
    headers, http.client's checks, where the request goes, the prepared request, one hop
    through :func:`.dispatch._dispatch`, urllib's response.
    """
    host = req.host
    if not host:
        raise URLError("no host given")
    method = req.get_method()
    selector = req.selector
    headers = _urllib_headers(req)
    host, tunnel_host = _http_client_checks(req, host, method, selector, headers)
    url, proxies, target = _destination(req, host, tunnel_host, selector, headers)
    prepared = _prepared(method, url, headers, req.data, target)
    with translated("send"):
        response = _dispatch(adapter, prepared, _timeout(req.timeout), proxies)
    return HTTPResponse(response, req.get_full_url())


def _urllib_headers(req: urllib.request.Request) -> dict[str, Any]:
    """The headers urllib's ``do_open`` sends, as it merges and names them."""
    headers = dict(req.unredirected_hdrs)
    headers.update({k: v for k, v in req.headers.items() if k not in headers})
    headers = {name.title(): val for name, val in headers.items()}
    # urllib replaces the caller's Connection header with "close" without looking at it: the
    # caller's value is neither checked nor sent (we keep the connection alive instead).
    headers.pop("Connection", None)
    if "User-Agent" not in headers:
        headers["User-Agent"] = SKIP_HEADER  # urllib3 would add its own; urllib sends none
    return headers


def _destination(
    req: urllib.request.Request,
    host: str,
    tunnel_host: str | None,
    selector: str,
    headers: dict[str, Any],
) -> tuple[str, dict[str, str], UrllibTarget]:
    """The URL and proxies requests is given for ``req`` (``host`` and ``tunnel_host`` as
    :func:`.checks._http_client_checks` returns them), and its :class:`.adapter.UrllibTarget`.
    A tunnel's ``Proxy-Authorization`` is moved from ``headers`` to the CONNECT."""
    proxies: dict[str, str] = {}
    origin: tuple[str, str] | None = None
    tunnel_headers: dict[str, str] = {}
    socks: str | None = getattr(req, "socks_proxy", None)
    if socks:  # beyond urllib: the connection goes through a SOCKS proxy, the request is direct
        url = f"{req.type}://{host}{selector}"
        proxies[req.type] = socks
    elif tunnel_host:  # https through a proxy: CONNECT to req.host, TLS with the origin
        url = f"https://{tunnel_host}{selector}"
        proxies["https"] = f"http://{host}"
        # As http.client's do_open: Proxy-Authorization goes with the CONNECT, not to the origin.
        auth = headers.pop("Proxy-Authorization", None)
        if auth is not None:
            tunnel_headers["Proxy-Authorization"] = auth
    elif req.has_proxy():  # plain http through a proxy: the selector is the absolute URL
        url = selector
        proxies[url.split(":", 1)[0].lower()] = f"{req.type}://{host}"
    else:
        url = f"{req.type}://{host}{selector}"
        origin = (req.type, host)  # direct: its pool is remembered
    return url, proxies, UrllibTarget(selector, origin, tunnel_headers)


def _prepared(
    method: str, url: str, headers: dict[str, Any], data: Any, target: UrllibTarget
) -> requests.PreparedRequest:
    """The ``PreparedRequest`` of the request urllib built, as requests would hold it."""
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(headers)
    prepared.body = _as_http_client_body(data)
    prepared.hooks = {"response": []}
    set_urllib_target(prepared, target)
    return prepared
