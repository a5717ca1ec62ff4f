"""The http(s) transport: urllib's ``HTTPHandler``/``HTTPSHandler`` sending through requests.

Everything above the socket stays urllib's (``do_request_`` builds the headers, the handler chain
decides redirects, auth, cookies and errors); this module only replaces ``do_open``: the request
urllib would write with http.client is handed to a requests :class:`HTTPAdapter` instead, whose
urllib3 pool keeps connections alive.  Adapters are shared by every handler with the same TLS
settings, so legacy code calling ``build_opener()`` per request still reuses connections.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import sys
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, cast

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, select_proxy
from urllib3._collections import HTTPHeaderDict
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import proxy_from_url
from urllib3.util import SKIP_HEADER
from urllib3.util.retry import Retry

from . import _stdlib
from ._exceptions import translated
from .error import URLError
from .proxies import proxy_headers
from .response import HTTPResponse

__all__ = ["AbstractHTTPHandler", "HTTPHandler", "HTTPSHandler", "close_shared_pools",
           "handler_adapter", "handler_context"]


class _StaleConnectionRetry(Retry):
    """Retry once when a pooled connection turned out to be closed by the server.

    urllib opens a fresh connection per request, so it never meets a kept-alive connection that
    the server closed meanwhile.  Such a failure is retried on a new connection when that is safe:
    the method is idempotent (urllib3's ``read`` rule) and the connection was dropped; any other
    failure is raised at once, as requests' default ``Retry(0, read=False)`` does.
    """

    def increment(self, *args: Any, **kwargs: Any) -> Retry:  # type: ignore[override]
        error = kwargs.get("error")
        inner = error.args[-1] if error is not None and error.args else None
        if getattr(inner, "stale_keepalive", False):
            return super().increment(*args, **kwargs)
        return Retry(0, read=False).increment(*args, **kwargs)


_RETRY = _StaleConnectionRetry(total=1, connect=0, read=1, status=0, other=0, redirect=0,
                               raise_on_redirect=False, raise_on_status=False,
                               respect_retry_after_header=False)


class _FrozenContext:
    """An ``SSLContext`` seen through a pane of glass.

    urllib3 configures the context it is given (``verify_mode``, ``check_hostname``, ALPN, CA
    certificates, key log).  urllib uses the caller's context as it is, so urllib3 gets this view:
    reads and ``wrap_socket`` go to the real context, writes and loads are ignored.
    """

    def __init__(self, context: ssl.SSLContext) -> None:
        object.__setattr__(self, "_context", context)

    def __getattr__(self, name: str) -> Any:
        if name in {"load_verify_locations", "load_default_certs", "set_alpn_protocols",
                    "load_cert_chain", "set_ciphers"}:
            return _ignore
        return getattr(self._context, name)

    def __setattr__(self, name: str, value: Any) -> None:
        pass


def _ignore(*args: Any, **kwargs: Any) -> None:
    return None


class CompatAdapter(HTTPAdapter):
    """An :class:`HTTPAdapter` that sends what urllib would send, with urllib's TLS.

    It keeps requests' own ``send`` (so ``responses`` and other adapter-level tools still see
    every request) and changes only where requests would add its own policy: the trust store
    (the caller's or the stdlib's default ``SSLContext``, never certifi), the request target
    (urllib's selector, verbatim), and retries (only a dropped keep-alive connection).
    """

    def __init__(self, context: ssl.SSLContext | None = None, debuglevel: int = 0) -> None:
        self.ssl_context = context
        self.debuglevel = debuglevel
        # (scheme, host[, TLS settings]) -> (urllib3 pool key, pool), see _origin_pool
        self._origin_pools: dict[tuple[Any, ...], tuple[Any, HTTPConnectionPool]] = {}
        super().__init__(max_retries=_RETRY)

    def __getstate__(self) -> dict[str, Any]:  # contexts cannot be pickled
        raise TypeError(f"cannot pickle {type(self).__name__!r} object")

    def _tls_kwargs(self) -> dict[str, Any]:
        if self.ssl_context is None:
            return {}
        return {"ssl_context": _FrozenContext(self.ssl_context)}

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs,
                                 **self._tls_kwargs())
        _use_compat_connections(self.poolmanager, self.debuglevel)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if proxy in self.proxy_manager:
            return self.proxy_manager[proxy]
        manager = super().proxy_manager_for(proxy, **self._tls_kwargs(), **proxy_kwargs)
        _use_compat_connections(manager, self.debuglevel)
        return manager

    def proxy_headers(self, proxy: str) -> dict[str, str]:
        """A proxy URL's credentials as urllib's ``ProxyHandler`` sends them (the proxies of
        ``opener.session``; the opener's own requests carry urllib's header already)."""
        return proxy_headers(proxy)

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: Any, proxies: Any = None,
        cert: Any = None
    ) -> HTTPConnectionPool:
        """As requests', except that a tunnel's own headers (urllib's ``Proxy-Authorization``
        for the CONNECT) select a proxy manager made for them: tunnels opened with different
        credentials never share a pooled connection, and no credential goes into a proxy URL."""
        origin: tuple[str, str] | None = getattr(request, "urllib_origin", None)
        if origin is not None and not proxies:
            return self._origin_pool(origin, request, verify, cert)
        tunnel_headers: dict[str, str] | None = getattr(request, "urllib_tunnel_headers", None)
        proxy = select_proxy(str(request.url), proxies)
        if not tunnel_headers or not proxy:
            return cast(HTTPConnectionPool, super().get_connection_with_tls_context(
                request, verify, proxies, cert))
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        key = (proxy, tuple(sorted(tunnel_headers.items())))
        managers: dict[Any, Any] = self.proxy_manager
        manager = managers.get(key)
        if manager is None:
            sizes: Any = self  # requests' pool settings (untyped attributes)
            manager = managers[key] = proxy_from_url(
                proxy, proxy_headers=dict(tunnel_headers), num_pools=sizes._pool_connections,
                maxsize=sizes._pool_maxsize, block=sizes._pool_block, **self._tls_kwargs())
            _use_compat_connections(manager, self.debuglevel)
        return cast(HTTPConnectionPool,
                    manager.connection_from_host(**host_params, pool_kwargs=pool_kwargs))

    def _origin_pool(self, origin: tuple[str, str], request: requests.PreparedRequest,
                     verify: Any, cert: Any) -> HTTPConnectionPool:
        """The pool requests picks for a direct request to ``origin`` (urllib's scheme and
        host), without recomputing its pool key each time (two URL parses and a key
        normalisation per request).  That key depends on nothing else: the TLS settings are
        this adapter's, read from its context, whose settings are part of ``origin``'s key
        here.  The remembered pool is used only while the pool manager still holds it under
        that key (the lookup also refreshes it as most recently used, as urllib3's does), so
        a cleared or evicted pool is never used again."""
        context = self.ssl_context
        key = origin if context is None else (*origin, context.verify_mode,
                                              context.check_hostname)
        manager = self.poolmanager
        known = self._origin_pools.get(key)
        if known is not None:
            pool_key, pool = known
            if manager.pools.get(pool_key) is pool:
                return cast(HTTPConnectionPool, pool)
        pool = cast(HTTPConnectionPool, super().get_connection_with_tls_context(
            request, verify, None, cert))
        held = getattr(manager.pools, "_container", {})
        pool_key = next((k for k, v in list(held.items()) if v is pool), None)
        if pool_key is not None:
            if len(self._origin_pools) >= 256:
                self._origin_pools.clear()
            self._origin_pools[key] = (pool_key, pool)
        return pool

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        """requests' ``build_response``, minus two costs that change nothing: the cookie
        extraction when the response sets no cookie (it would find none), and the header copy
        through urllib3's per-name joining (the merged items are the same names and values)."""
        message = getattr(getattr(resp, "_original_response", None), "msg", None)
        if (not isinstance(message, http.client.HTTPMessage) or "Set-Cookie" in message
                or "Set-Cookie2" in message or not isinstance(resp.headers, HTTPHeaderDict)):
            return super().build_response(req, resp)
        response = requests.Response()
        response.status_code = resp.status
        response.headers = CaseInsensitiveDict(dict(resp.headers.itermerged()))
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = resp
        response.reason = resp.reason
        url: Any = req.url
        response.url = url.decode("utf-8") if isinstance(url, bytes) else url
        response.request = req
        response.connection = self
        return response

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = cast(
            "tuple[dict[str, Any], dict[str, Any]]",
            super().build_connection_pool_key_attributes(request, True, None))
        context = self.ssl_context
        if context is not None:
            pool_kwargs["cert_reqs"] = context.verify_mode
            if not context.check_hostname:
                pool_kwargs["assert_hostname"] = False
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        """TLS settings come from the SSLContext alone: no certifi bundle is loaded."""

    def request_url(self, request: requests.PreparedRequest, proxies: Any) -> str:
        selector = getattr(request, "urllib_selector", None)
        if selector is not None:
            return str(selector)
        return super().request_url(request, proxies)


class _ReuseAwareConnection:
    """Mixin for urllib3 connections: a dropped connection that had already served a response
    is marked ``stale_keepalive`` on the error, the one case :class:`_StaleConnectionRetry`
    retries.  ``debuglevel`` (a class attribute here) makes http.client print the exchange."""

    served = 0

    def connect(self) -> None:
        self.served = 0
        super().connect()  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().getresponse(*args, **kwargs)  # type: ignore[misc]
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
            if self.served:
                setattr(exc, "stale_keepalive", True)  # noqa: B010
            raise
        self.served += 1
        return response


#: The request target as urllib built it, for the pool call in progress in this context.
_verbatim_target: ContextVar[str | None] = ContextVar("_verbatim_target", default=None)


class _VerbatimTargetPool:
    """Mixin for urllib3 pools: the request target goes out as urllib built it.

    urllib3 re-quotes the target (``%2f`` -> ``%2F``, ``|`` -> ``%7C``), which breaks signed
    URLs; urllib sends it as given, after http.client's checks (:func:`send` runs them).
    """

    def urlopen(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        token = _verbatim_target.set(url)
        try:
            return super().urlopen(method, url, *args, **kwargs)  # type: ignore[misc]
        finally:
            _verbatim_target.reset(token)

    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        target = _verbatim_target.get() or url
        return super()._make_request(conn, method, target, *args, **kwargs)  # type: ignore[misc]


def _validate_conn_quietly(pool: Any, conn: Any) -> None:
    """``HTTPSConnectionPool._validate_conn`` without ``InsecureRequestWarning``: urllib does not
    warn when the caller's context turns verification off (and ``-W error`` would break it)."""
    HTTPConnectionPool._validate_conn(pool, conn)
    if conn.is_closed:
        conn.connect()


_pool_classes: dict[tuple[type[Any], int], type[Any]] = {}


def _use_compat_connections(manager: Any, debuglevel: int) -> None:
    """Give a urllib3 pool manager's pools connections that are reuse-aware (and verbose)."""
    classes = dict(manager.pool_classes_by_scheme)
    for scheme, pool_cls in classes.items():
        key = (pool_cls, debuglevel)
        if key not in _pool_classes:
            conn_cls = type(f"Compat{pool_cls.ConnectionCls.__name__}",
                            (_ReuseAwareConnection, pool_cls.ConnectionCls),
                            {"debuglevel": debuglevel})
            namespace: dict[str, Any] = {"ConnectionCls": conn_cls}
            if issubclass(pool_cls, HTTPSConnectionPool):
                namespace["_validate_conn"] = _validate_conn_quietly
            _pool_classes[key] = type(f"Compat{pool_cls.__name__}",
                                      (_VerbatimTargetPool, pool_cls), namespace)
        classes[scheme] = _pool_classes[key]
    manager.pool_classes_by_scheme = classes


# -- shared adapters -------------------------------------------------------------------------

_MAX_SHARED = 64
_shared: OrderedDict[tuple[Any, ...], CompatAdapter] = OrderedDict()
_shared_lock = threading.Lock()


def shared_adapter(context: ssl.SSLContext | None, debuglevel: int = 0) -> CompatAdapter:
    """The adapter (and so the connection pools) for one transport configuration.

    Keyed by the context object: openers built with the same context, or with the default one,
    share connections.  The least recently used adapter beyond ``_MAX_SHARED`` is closed.
    """
    key = (context, debuglevel)
    with _shared_lock:
        adapter = _shared.get(key)
        if adapter is None:
            adapter = _shared[key] = CompatAdapter(context, debuglevel)
            if len(_shared) > _MAX_SHARED:
                _shared.popitem(last=False)[1].close()
        else:
            _shared.move_to_end(key)
        return adapter


def close_shared_pools() -> None:
    """Close every pooled connection (they reopen on demand)."""
    with _shared_lock:
        for adapter in _shared.values():
            adapter.close()


_default_contexts: dict[tuple[Any, ...], ssl.SSLContext] = {}


def default_https_context(check_hostname: bool | None = None) -> ssl.SSLContext:
    """The context http.client would build for a connection made now.

    Like http.client it honours ``ssl._create_default_https_context`` (legacy code replaces it
    to switch verification off), ``SSL_CERT_FILE``/``SSL_CERT_DIR`` and ``check_hostname``
    (``HTTPSHandler(check_hostname=False)`` still verifies the certificate chain); unlike
    http.client it is built once per such setting, so connections can be pooled.
    """
    factory = ssl._create_default_https_context
    key = (factory, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"),
           check_hostname)
    context = _default_contexts.get(key)
    if context is None:
        create = getattr(http.client, "_create_https_context", None)
        if create is not None:  # Python 3.12+
            context = create(11)
        else:
            context = factory()
            context.set_alpn_protocols(["http/1.1"])
            if context.post_handshake_auth is not None:
                context.post_handshake_auth = True
        if check_hostname is not None:
            context.check_hostname = check_hostname
        _default_contexts[key] = context
    return context


# -- the handlers ----------------------------------------------------------------------------


class AbstractHTTPHandler(urllib.request.AbstractHTTPHandler):
    """urllib's ``AbstractHTTPHandler`` whose ``do_open`` sends through a requests adapter.

    ``http_open``/``https_open`` stay the stdlib's: they call ``do_open``, so a subclass
    that wraps ``do_open`` (logging, timing) is called, as in urllib."""

    def do_open(self, http_class: Any, req: urllib.request.Request,
                **http_conn_args: Any) -> HTTPResponse:
        # the stdlib's https_open passes check_hostname= on 3.11, as to HTTPSConnection
        warn_check_hostname(http_conn_args.get("check_hostname"))
        return send(handler_adapter(self), req)


class HTTPHandler(AbstractHTTPHandler, urllib.request.HTTPHandler):
    pass


class HTTPSHandler(AbstractHTTPHandler, urllib.request.HTTPSHandler):
    _context: ssl.SSLContext | None
    _check_hostname: bool | None

    def __init__(self, debuglevel: int = 0, context: ssl.SSLContext | None = None,
                 check_hostname: bool | None = None) -> None:
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
    context = getattr(handler, "_context", None)
    check_hostname = getattr(handler, "_check_hostname", None)
    if context is not None:
        if check_hostname is not None:
            context.check_hostname = check_hostname  # what http.client does with it
        return context
    return default_https_context(check_hostname)


def handler_adapter(handler: urllib.request.BaseHandler) -> CompatAdapter:
    """The shared adapter an http(s) handler (ours or the stdlib's) sends through: its TLS
    settings (HTTPS) and debuglevel.  Handlers with the same settings share one pool."""
    level = int(getattr(handler, "_debuglevel", 0) or 0)
    if isinstance(handler, _stdlib.HTTPSHandler):  # the stdlib's class, also under the swap
        return shared_adapter(handler_context(handler), level)
    return shared_adapter(None, level)


def warn_check_hostname(check_hostname: bool | None) -> None:
    """The warning http.client (3.11) gives per connection of ``HTTPSHandler(check_hostname=)``."""
    if check_hostname is not None and sys.version_info < (3, 12):
        warnings.warn("key_file, cert_file and check_hostname are deprecated, use a custom "
                      "context instead.", DeprecationWarning, 3)


_HTTP_CONNECTION: Any = http.client.HTTPConnection


def _timeout(value: Any) -> Any:
    if value is socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
        value = socket.getdefaulttimeout()
    return (value, value)


def send(adapter: CompatAdapter, req: urllib.request.Request) -> HTTPResponse:
    """Send ``req`` as urllib's ``do_open`` would, through ``adapter``; return urllib's response.

    The request line and headers are the ones urllib builds; the differences are on the
    connection: it is kept alive and pooled (no ``Connection: close``).
    """
    host = req.host
    if not host:
        raise URLError("no host given")
    method = req.get_method()
    selector = req.selector
    headers = dict(req.unredirected_hdrs)
    headers.update({k: v for k, v in req.headers.items() if k not in headers})
    headers = {name.title(): val for name, val in headers.items()}
    if "User-Agent" not in headers:
        headers["User-Agent"] = SKIP_HEADER  # urllib3 would add its own; urllib sends none

    # What http.client checks before anything is sent; urllib3 would quietly re-quote instead.
    hostname, port = _HTTP_CONNECTION._get_hostport(_HTTP_CONNECTION, host, None)  # InvalidURL
    if "@" in hostname:
        _resolve_as_http_client(hostname, port)
    _HTTP_CONNECTION._validate_method(None, method)
    _HTTP_CONNECTION._validate_path(None, selector)
    f"{method} {selector} HTTP/1.1".encode("ascii")

    proxies: dict[str, str] = {}
    origin: tuple[str, str] | None = None
    tunnel_headers: dict[str, str] = {}
    tunnel_host: str | None = req._tunnel_host  # type: ignore[attr-defined]
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
        origin = (req.type, host)

    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(headers)
    prepared.body = _as_http_client_body(req.data)
    prepared.hooks = {"response": []}
    prepared.urllib_selector = selector  # type: ignore[attr-defined]
    prepared.urllib_tunnel_headers = tunnel_headers  # type: ignore[attr-defined]
    prepared.urllib_origin = origin  # type: ignore[attr-defined]  # direct: pool remembered
    with translated("send"):
        response = adapter.send(prepared, stream=True, timeout=_timeout(req.timeout),
                                proxies=proxies)
    return HTTPResponse(response, req.get_full_url())


def _resolve_as_http_client(name: str, port: int) -> None:
    """http.client takes ``user:pw@host`` for a host name (urllib3 would strip the userinfo and
    connect to ``host``): look it up as http.client would, failing the same way."""
    try:
        socket.getaddrinfo(name, port, 0, socket.SOCK_STREAM)
    except OSError as exc:
        raise URLError(exc) from None


def _as_http_client_body(data: Any) -> Any:
    """``data`` as http.client accepts it: bytes-like objects and files as they are, other
    iterables chunk by chunk with http.client's checks (urllib3 would encode ``str`` chunks, so
    a ``dict`` or a list of ``str`` would go out as text where urllib raises ``TypeError``)."""
    if data is None or isinstance(data, (bytes, bytearray)) or hasattr(data, "read"):
        return data
    try:
        memoryview(data)
    except TypeError:
        try:
            chunks = iter(data)
        except TypeError:
            raise TypeError("message_body should be a bytes-like object or an iterable, "
                            f"got {type(data)!r}") from None
        return _checked_chunks(chunks)
    return data


def _checked_chunks(chunks: Iterator[Any]) -> Iterator[Any]:
    for chunk in chunks:
        if chunk and not isinstance(chunk, (bytes, bytearray, memoryview)):
            # The expression http.client evaluates, so the error is the same.
            f"{len(chunk):X}\r\n".encode("ascii") + chunk + b"\r\n"
        yield chunk
