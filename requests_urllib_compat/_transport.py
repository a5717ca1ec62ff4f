"""The http(s) transport: urllib's ``HTTPHandler``/``HTTPSHandler`` sending through requests.

Everything above the socket stays urllib's (``do_request_`` builds the headers, the handler chain
decides redirects, auth, cookies and errors); this module only replaces ``do_open``: the request
urllib would write with http.client is handed to a requests :class:`HTTPAdapter` instead, whose
urllib3 pool keeps connections alive.  Adapters are shared by every handler with the same TLS
settings, so legacy code calling ``build_opener()`` per request still reuses connections.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import logging
import os
import re
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
import requests.adapters
import requests.auth
import requests.cookies
import requests.utils
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3._collections import HTTPHeaderDict
from urllib3.connection import _ResponseOptions
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import proxy_from_url
from urllib3.util import SKIP_HEADER
from urllib3.util.retry import Retry

from . import _stdlib
from ._exceptions import mark_connect_failure, redacted, translated
from ._proxies import proxy_headers
from .error import URLError
from .response import HTTPResponse

__all__ = ["AbstractHTTPHandler", "HTTPHandler", "HTTPSHandler", "close_shared_pools",
           "configure", "handler_adapter", "handler_context"]


class _StaleConnectionRetry(Retry):
    """Retry once when a pooled connection turned out to be closed by the server.

    urllib opens a fresh connection per request, so it never meets a kept-alive connection that
    the server closed meanwhile, nor bytes a previous exchange left on it.  Such a failure (a
    reused connection dropped, or answering with something that is no response) is retried on
    a fresh connection when that is safe: the method is idempotent (urllib3's ``read`` rule) and
    the body can be sent again (:class:`_ReuseGuardPool` sends any other request on a fresh
    connection, so it never gets here); any other failure is raised at once, as requests'
    default ``Retry(0, read=False)`` does.
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


class _Settings:
    """The transport's pool and retry settings (see :func:`configure`)."""

    def __init__(self, pool_maxsize: int = 10, pool_block: bool = False,
                 max_retries: Retry | int | None = None) -> None:
        self.pool_maxsize = pool_maxsize
        self.pool_block = pool_block
        self.max_retries = max_retries


_settings = _Settings()


def configure(*, pool_maxsize: int = 10, pool_block: bool = False,
              max_retries: Retry | int | None = None) -> None:
    """Pool size and retries of the default transport (openers without ``session=``).

    ``pool_maxsize``: connections kept per host (requests' default, 10); more threads than
    that to one host open extra connections, closed after use, unless ``pool_block`` makes
    them wait for a pooled one.  ``max_retries``: a urllib3 ``Retry`` (or a count) replacing
    the default, which retries only a request whose kept-alive connection the server had
    closed.  Call it once, at start-up: pooled connections are closed, and every opener then
    uses these settings (arguments left out go back to their defaults).
    """
    global _settings
    if pool_maxsize < 1:
        raise ValueError("pool_maxsize must be at least 1")
    with _shared_lock:
        _settings = _Settings(pool_maxsize, bool(pool_block), max_retries)
        adapters = list(_shared.values())
        _shared.clear()
    for adapter in adapters:
        adapter.close()


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


class _ResponseHeaders(CaseInsensitiveDict):  # type: ignore[type-arg]
    """``requests.Response.headers`` as requests builds them (each name once, with its values
    joined by ``", "``), copied from urllib3's headers the first time they are used: every
    method of requests' class reads its ``_store``, which is made on first access.  A copy
    (``copy``, ``pickle``) is requests' own class."""

    def __init__(self, source: HTTPHeaderDict) -> None:  # no super().__init__: made lazily
        self._source = source

    def __getattr__(self, name: str) -> Any:
        if name != "_store":
            raise AttributeError(name)
        store = OrderedDict((key.lower(), (key, value))
                            for key, value in self._source.itermerged())
        self._store = store  # an instance attribute: __getattr__ is not asked again
        return store

    def __reduce__(self) -> Any:
        return CaseInsensitiveDict, (list(self.items()),)


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
        settings = _settings
        super().__init__(pool_maxsize=settings.pool_maxsize, pool_block=settings.pool_block,
                         max_retries=settings.max_retries or _RETRY)

    def send(self, request: requests.PreparedRequest,
             *args: Any, **kwargs: Any) -> requests.Response:
        """requests' ``send``; a request built by urllib (it carries urllib's selector) is
        written on the connection as http.client writes it (see ``_ReuseAwareConnection``)."""
        token = _urllib_exchange.set(getattr(request, "urllib_selector", None) is not None)
        try:
            return super().send(request, *args, **kwargs)
        finally:
            _urllib_exchange.reset(token)

    def close(self) -> None:
        """Close every pooled connection.  requests' ``close`` only clears the pool managers,
        and urllib3 2's managers then forget their pools without closing them (a pool closes
        its connections when collected, and ``_origin_pools`` still holds it); so each pool is
        closed here, and the remembered ones forgotten."""
        pools: list[Any] = []
        for manager in (self.poolmanager, *self.proxy_manager.values()):
            held = manager.pools
            pools += [pool for pool in map(held.get, held.keys()) if pool is not None]
        self._origin_pools.clear()
        super().close()
        for pool in pools:
            pool.close()

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
        credentials never share a pooled connection, and no credential goes into a proxy URL.

        requests' helpers are called as requests calls them (``proxies`` a dict, as a Session
        always passes; ``select_proxy`` looked up in ``requests.adapters``, as requests' own
        methods do): libraries that wrap or replace them rely on that."""
        proxies = {} if proxies is None else proxies
        origin: tuple[str, str] | None = getattr(request, "urllib_origin", None)
        if origin is not None and not proxies:
            return self._origin_pool(origin, request, verify, proxies, cert)
        tunnel_headers: dict[str, str] | None = getattr(request, "urllib_tunnel_headers", None)
        proxy = requests.adapters.select_proxy(  # type: ignore[attr-defined]  # (untyped)
            str(request.url), proxies)
        if not tunnel_headers or not proxy:
            return cast(HTTPConnectionPool, super().get_connection_with_tls_context(
                request, verify, proxies=proxies, cert=cert))
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
                     verify: Any, proxies: Any, cert: Any) -> HTTPConnectionPool:
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
            request, verify, proxies=proxies, cert=cert))
        held = getattr(manager.pools, "_container", {})
        pool_key = next((k for k, v in list(held.items()) if v is pool), None)
        if pool_key is not None:
            if len(self._origin_pools) >= 256:
                self._origin_pools.clear()
            self._origin_pools[key] = (pool_key, pool)
        return pool

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        """requests' ``build_response``, minus two costs that change nothing: the cookie
        extraction when the response sets no cookie (it would find none), and the copy of the
        headers into ``response.headers`` until something reads them (urllib's callers read
        http.client's message; the copy is about a twentieth of a request)."""
        headers = resp.headers
        message = getattr(getattr(resp, "_original_response", None), "msg", None)
        if (not isinstance(message, http.client.HTTPMessage)
                or not isinstance(headers, HTTPHeaderDict)
                or "set-cookie" in headers or "set-cookie2" in headers):
            return super().build_response(req, resp)
        response = requests.Response()
        response.status_code = resp.status
        response.headers = _ResponseHeaders(headers)
        response.encoding = get_encoding_from_headers(  # (all it reads of them)
            {"content-type": headers.get("content-type")})
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
        # (a direct request given proxies by a caller's Session: requests' target for them)
        if selector is not None and not (proxies and getattr(request, "urllib_origin", None)):
            return str(selector)
        return super().request_url(request, {} if proxies is None else proxies)


# -- connection reuse ------------------------------------------------------------------------
#
# urllib sends ``Connection: close`` and never reuses a socket: whatever a server or a caller gets
# wrong dies with that connection.  Every reuse here is a promise urllib never made, so the rule
# at each decision below is the same: when in doubt, close — closing costs only the speed urllib
# never had.  A connection is reused only after an exchange whose end both sides agree on; a
# request that could not be sent again goes on a fresh connection; a reused connection that fails
# under a request that can be sent again is replaced and the request resent, unseen by the caller.

#: Whether the request being sent was built by urllib (``send`` below): it is then written on the
#: connection byte for byte as http.client writes it.  Requests made through ``opener.session``
#: keep requests' (urllib3's) way.
_urllib_exchange: ContextVar[bool] = ContextVar("_urllib_exchange", default=False)

#: The pool call in progress in this context (:meth:`_ReuseGuardPool.urlopen`): whether it
#: must use a connection that has carried no exchange yet, and the request target as urllib
#: built it (:class:`_VerbatimTargetPool`).
_pool_call: ContextVar[tuple[bool, str] | None] = ContextVar("_pool_call", default=None)

#: The block size http.client reads a file body with (urllib3's connections use 16 KiB).
_HTTP_CLIENT_BLOCKSIZE = 8192


def _resendable(method: str, body: Any) -> bool:
    """Whether a request can be sent again, unchanged, if a reused connection fails under it:
    an idempotent method (urllib3's list, the one the stale-connection retry uses) and a body
    that can be replayed (none, bytes, or a file urllib3 can seek back).  An iterator is sent
    once; a POST may have been applied by a server that then closed without answering."""
    if method.upper() not in Retry.DEFAULT_ALLOWED_METHODS:
        return False
    if body is None or isinstance(body, (bytes, str)):
        return True
    if hasattr(body, "read"):
        try:
            return isinstance(body.tell(), int) and hasattr(body, "seek")
        except (OSError, ValueError, AttributeError):
            return False
    try:
        memoryview(body)
    except TypeError:
        return False
    return True


def _body_size(body: Any) -> int | None:
    """The number of bytes http.client sends for ``body``, when known before sending it."""
    if body is None:
        return 0
    if isinstance(body, str):
        return len(body)  # http.client encodes it ISO-8859-1: one byte per character
    if hasattr(body, "read"):
        return None
    try:
        return memoryview(body).nbytes
    except TypeError:
        return None


def _framing_in_doubt(body: Any, headers: dict[str, Any]) -> bool:
    """Whether the request framing the caller chose may not match the bytes http.client sends.

    http.client sends a caller's ``Content-Length`` / ``Transfer-Encoding`` as given and the
    body as it is; bytes beyond the announced framing (a length shorter than the body, a
    terminating chunk nobody announced, chunk sizes counted in items instead of bytes) would be
    read by the server as the start of the next request on a kept-alive connection.
    """
    lengths = [str(v) for k, v in headers.items() if k.lower() == "content-length"]
    codings = [str(v) for k, v in headers.items() if k.lower() == "transfer-encoding"]
    size = _body_size(body)
    if codings:  # http.client chunk-encodes the body (a Content-Length beside it: sent raw)
        if lengths or body is None or len(codings) > 1:
            return True
        if codings[0].strip().lower() != "chunked":
            return True
        # one chunk whose size line says len(body): an array's items, not its bytes
        return size is not None and not isinstance(body, str) and len(body) != size
    if lengths:
        value = lengths[0].strip()
        # a length we cannot check before sending (a file, an iterator) is in doubt too
        return (len(lengths) > 1 or not (value.isascii() and value.isdigit()) or size is None
                or int(value) != size)
    return False  # http.client frames the body itself


#: The lower-case header names :func:`_asks_to_close` and :func:`_framing_in_doubt` look at.
_FRAMING_NAMES = frozenset(("connection", "content-length", "transfer-encoding"))


def _asks_to_close(headers: dict[str, Any]) -> bool:
    return any(k.lower() == "connection" and "close" in str(v).lower()
               for k, v in headers.items())


def _ends_in_doubt(response: Any) -> bool:
    """Whether the exchange may go on past the response urllib3 parsed.

    A 1xx other than ``100 Continue`` (http.client reads past that one itself) is returned as
    the response, but the final answer is still on its way: the next request on the connection
    would receive it.  A 204 or 304 that announces a body: http.client reads none, the bytes
    would be the start of the next response.
    """
    status = int(response.status)
    if status < 200:
        return True
    if status in (204, 304):
        headers = response.headers
        return ("transfer-encoding" in headers
                or str(headers.get("content-length", "0")).strip() != "0")
    return False


class _ReuseAwareConnection:
    """Mixin for urllib3 connections that decides what the pool may reuse.

    ``served`` counts the responses read since the socket was opened: a dropped connection
    that had already served one (a reused connection) is marked ``stale_keepalive`` on the
    error, the one case :class:`_StaleConnectionRetry` retries; that includes an answer that
    does not parse as a response (bytes the previous exchange left behind).  ``reusable`` is
    cleared when the current socket must not carry another exchange; the pool then closes it
    instead of keeping it.  ``debuglevel`` (a class attribute here) makes http.client print
    the exchange."""

    served = 0
    reusable = True

    def connect(self) -> None:
        self.served = 0
        super().connect()  # type: ignore[misc]

    def close(self) -> None:
        self.reusable = True  # the doubt was about the socket being closed
        super().close()  # type: ignore[misc]

    def request(self, method: str, url: str, body: Any = None, headers: Any = None, *,
                chunked: bool = False, preload_content: bool = True,
                decode_content: bool = True, enforce_content_length: bool = True) -> None:
        """urllib3's ``request``, except for a request built by urllib: that one is written
        by http.client's own ``request``, so the framing is byte for byte urllib's (the
        caller's ``Content-Length`` / ``Transfer-Encoding`` honoured as http.client does, no
        terminating chunk without a body, chunk sizes in upper-case hex, http.client's block
        size).  When the framing the caller chose may not match what is sent, the request
        says ``Connection: close`` (what urllib always says) and the connection is not
        reused: when in doubt, close."""
        headers = dict(headers or {})
        # (the common case: none of the headers below, no body; nothing to decide)
        framing = not _FRAMING_NAMES.isdisjoint([k.lower() for k in headers])
        if framing and _asks_to_close(headers):
            self.reusable = False  # the server will close it, maybe without saying so
        if not _urllib_exchange.get():
            super().request(  # type: ignore[misc]
                method, url, body, headers, chunked=chunked, preload_content=preload_content,
                decode_content=decode_content, enforce_content_length=enforce_content_length)
            return
        if framing and _framing_in_doubt(body, headers):
            self.reusable = False
            name = next((k for k in headers if k.lower() == "connection"), "Connection")
            headers[name] = "close"
        if not (body is None or hasattr(body, "read") or _body_size(body) is not None):
            body = self._metered_chunks(body)
        connection: Any = self
        if connection.sock is not None:  # as urllib3's request: a reused socket's timeout
            connection.sock.settimeout(connection.timeout)
        connection._response_options = _ResponseOptions(
            request_method=method, request_url=url, preload_content=preload_content,
            decode_content=decode_content, enforce_content_length=enforce_content_length)
        blocksize, connection.blocksize = connection.blocksize, _HTTP_CLIENT_BLOCKSIZE
        try:
            encode_chunked = framing and any(k.lower() == "transfer-encoding" for k in headers)
            http.client.HTTPConnection.request(  # as urllib's do_open calls it
                connection, method, url, body, headers, encode_chunked=encode_chunked)
        finally:
            connection.blocksize = blocksize

    def _metered_chunks(self, chunks: Any) -> Iterator[Any]:
        """The chunks of an iterable body, unchanged; one whose ``len()`` is not its size in
        bytes (an ``array`` of wider items) gets a chunk size line that does not match the
        bytes sent (http.client's, too): the connection is then not reused."""
        for chunk in chunks:
            if chunk and not isinstance(chunk, (bytes, bytearray)):
                try:
                    if len(chunk) != memoryview(chunk).nbytes:
                        self.reusable = False
                except TypeError:
                    pass  # http.client raises its own error for it
            yield chunk

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().getresponse(*args, **kwargs)  # type: ignore[misc]
        except (http.client.HTTPException, ConnectionError) as exc:
            # RemoteDisconnected, a reset, or bytes that are no status line: on a reused
            # connection, the server's goodbye or leftovers of the previous exchange.
            if self.served:
                setattr(exc, "stale_keepalive", True)  # noqa: B010
            raise
        self.served += 1
        if _ends_in_doubt(response):
            self.reusable = False
        return response


class _HttpClientConnection:
    """Mixin for urllib3 connections: where urllib3's connection acts differently from
    http.client's below the request urllib hands over.

    - A request without a body gets ``Content-Length: 0`` from urllib3 for any method but
      GET, HEAD, DELETE, OPTIONS, TRACE and CONNECT; http.client sends it only for the methods
      it expects a body with (POST, PUT, PATCH), so PROPFIND, MKCOL, PURGE... go without.
    - A failure inside ``connect()`` (a TLS handshake that times out or is reset, after the TCP
      connection was made) is marked for :mod:`._exceptions`: urllib wraps it in ``URLError``,
      as every error of connecting, where urllib3 reports it as a failure of the response.
    """

    def connect(self) -> None:
        try:
            super().connect()  # type: ignore[misc]
        except OSError as exc:
            mark_connect_failure(exc)
            raise

    def request(self, method: str, url: str, body: Any = None, headers: Any = None,
                **kwargs: Any) -> None:
        names = {name.lower() for name in headers or ()}
        if not (body is None and "content-length" not in names
                and "transfer-encoding" not in names
                and method.upper() not in http.client._METHODS_EXPECTING_BODY):  # type: ignore[attr-defined]
            super().request(method, url, body, headers, **kwargs)  # type: ignore[misc]
            return
        # For this request only (an instance attribute hides the class's method), a
        # putheader that drops the one header only urllib3 can add here: no wrapper on
        # every header of every other request (urllib's go through http.client's request).
        connection: Any = self
        connection.putheader = self._putheader_but_length
        try:
            super().request(method, url, body, headers, **kwargs)  # type: ignore[misc]
        finally:
            del connection.putheader

    def _putheader_but_length(self, header: Any, *values: Any) -> None:
        if header != "Content-Length":
            cls: Any = type(self)
            cls.putheader(self, header, *values)


class _ReuseGuardPool:
    """Mixin for urllib3 pools: a connection goes back into the pool only when it may carry
    another exchange, and a request that cannot be sent again never goes on a reused one.

    A server may close a kept-alive connection at any moment (after each response, without
    ``Connection: close``; after an idle timeout) and the client learns it only when the next
    request fails.  urllib, which opens a connection per request, never meets that.  A request
    that can be resent is retried on a fresh connection (:class:`_StaleConnectionRetry`); any
    other request (a POST, a body from an iterator) is sent on a connection that has carried
    no exchange yet, so it fails only where urllib's would.  The retry itself also takes a
    fresh connection.

    Its ``urlopen`` also records the request target for :class:`_VerbatimTargetPool` (the
    two always go together: one context variable set per pool call)."""

    def urlopen(self, method: str, url: str, body: Any = None, headers: Any = None,
                retries: Any = None, *args: Any, **kwargs: Any) -> Any:
        fresh = (isinstance(retries, Retry) and bool(retries.history)) or not _resendable(
            method, body)
        if (type(headers) is CaseInsensitiveDict and not self.proxy_headers  # type: ignore[attr-defined]
                and _urllib_exchange.get()):
            # The same names and values as a dict, which urllib3 copies and the connection
            # reads without going through the Mapping ABC per header (3% of a request).  No
            # case-insensitive lookup is made in them on this path: urllib3 would merge a
            # proxy's headers into them (then they stay as they are), http.client writes them.
            headers = dict(headers._store.values())  # type: ignore[attr-defined]
        token = _pool_call.set((fresh, url))
        try:
            return super().urlopen(  # type: ignore[misc]
                method, url, body, headers, retries, *args, **kwargs)
        finally:
            _pool_call.reset(token)

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        call = _pool_call.get()
        if call is not None and call[0] and conn.served and not conn.is_closed:
            conn.close()  # when in doubt, close: it reconnects before the request is sent
        return conn

    def _put_conn(self, conn: Any) -> None:
        if conn is not None and not conn.reusable:
            conn.close()  # when in doubt, close: an empty slot is refilled on demand
            conn = None
        super()._put_conn(conn)  # type: ignore[misc]


class _RedactingFilter(logging.Filter):
    """urllib3 logs the request target (a retry at WARNING level, each request at DEBUG):
    while one of our pools is sending, the query strings and userinfo in what it logs are
    redacted, as in the exceptions we chain (urllib logs nothing)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pool_call.get() is not None and isinstance(record.args, tuple):
            record.args = tuple(redacted(a) if isinstance(a, str) else a for a in record.args)
        return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_RedactingFilter())


class _VerbatimTargetPool:
    """Mixin for urllib3 pools: the request target goes out as urllib built it.

    urllib3 re-quotes the target (``%2f`` -> ``%2F``, ``|`` -> ``%7C``), which breaks signed
    URLs; urllib sends it as given, after http.client's checks (:func:`send` runs them).
    The target is the one :meth:`_ReuseGuardPool.urlopen` was called with.
    """

    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        call = _pool_call.get()
        target = call[1] if call is not None and call[1] else url
        return super()._make_request(conn, method, target, *args, **kwargs)  # type: ignore[misc]


def _validate_conn_quietly(pool: Any, conn: Any) -> None:
    """``HTTPSConnectionPool._validate_conn`` without ``InsecureRequestWarning``: urllib does not
    warn when the caller's context turns verification off (and ``-W error`` would break it)."""
    HTTPConnectionPool._validate_conn(pool, conn)
    if conn.is_closed:
        conn.connect()


_pool_classes: dict[tuple[type[Any], int], type[Any]] = {}
_connection_classes: dict[tuple[type[Any], int], type[Any]] = {}


def _compat_connection(conn_cls: type[Any], debuglevel: int) -> type[Any]:
    """``conn_cls`` made reuse-aware (and verbose), one class per (class, debuglevel)."""
    key = (conn_cls, debuglevel)
    made = _connection_classes.get(key)
    if made is None:
        if len(_connection_classes) >= 64:  # classes patched in and out (per test, say)
            _connection_classes.clear()
        made = _connection_classes[key] = type(f"Compat{conn_cls.__name__}",
                                               (_ReuseAwareConnection,
                                                _HttpClientConnection, conn_cls),
                                               {"debuglevel": debuglevel})
    return made


class _CurrentConnectionCls:
    """``ConnectionCls`` of a compat pool class: the base pool class's connection class *as it
    is now*, made reuse-aware.  Looked up each time a pool makes (or checks) a connection, so a
    connection class patched onto urllib3's pools after our first request (as test recorders
    do) is used, as it is by urllib3's own pools."""

    def __init__(self, base: type[Any], debuglevel: int) -> None:
        self._base = base
        self._debuglevel = debuglevel

    def __get__(self, pool: Any, owner: Any = None) -> type[Any]:
        current: type[Any] = self._base.ConnectionCls
        if issubclass(current, _ReuseAwareConnection):
            return current
        return _compat_connection(current, self._debuglevel)


def _use_compat_connections(manager: Any, debuglevel: int) -> None:
    """Give a urllib3 pool manager's pools connections that are reuse-aware (and verbose)."""
    classes = dict(manager.pool_classes_by_scheme)
    for scheme, pool_cls in classes.items():
        key = (pool_cls, debuglevel)
        if key not in _pool_classes:
            namespace: dict[str, Any] = {
                "ConnectionCls": _CurrentConnectionCls(pool_cls, debuglevel)}
            if issubclass(pool_cls, HTTPSConnectionPool):
                namespace["_validate_conn"] = _validate_conn_quietly
            _pool_classes[key] = type(f"Compat{pool_cls.__name__}",
                                      (_ReuseGuardPool, _VerbatimTargetPool, pool_cls),
                                      namespace)
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
                **http_conn_args: Any) -> http.client.HTTPResponse:
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
    if isinstance(handler, _stdlib.HTTPSHandler):  # the stdlib's class, also under the swap
        return shared_adapter(handler_context(handler), _debuglevel(handler))
    return shared_adapter(None, _debuglevel(handler))


def _debuglevel(handler: urllib.request.BaseHandler) -> int:
    return int(getattr(handler, "_debuglevel", 0) or 0)


#: http.client's own connection class for each scheme, as captured at import.
_STANDARD_CLASSES: dict[str, Any] = {"http": http.client.HTTPConnection,
                                     "https": http.client.HTTPSConnection}
_STANDARD_NAMES = {"http": "HTTPConnection", "https": "HTTPSConnection"}


def _is_standard_class(http_class: Any, scheme: str) -> bool:
    """Whether ``http_class`` is http.client's class for ``scheme``: the one captured at
    import, or the one ``http.client`` holds now (a recorder that patches http.client, as
    the stdlib's ``http_open`` looks it up at each call)."""
    name = _STANDARD_NAMES.get(scheme)
    return name is not None and (http_class is _STANDARD_CLASSES[scheme]
                                 or http_class is getattr(http.client, name))


def pooled_adapter(handler: urllib.request.BaseHandler, http_class: Any,
                   req: urllib.request.Request, http_conn_args: dict[str, Any]
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
    if (isinstance(handler, _stdlib.HTTPSHandler)
            and context is getattr(handler, "_context", None)
            and (sys.version_info >= (3, 12)
                 or check_hostname == getattr(handler, "_check_hostname", None))):
        warn_check_hostname(check_hostname)  # what http.client (3.11) warns per connection
        return handler_adapter(handler)  # the handler's own settings: its usual pool
    if check_hostname is not None:
        return None
    return shared_adapter(context if context is not None else default_https_context(),
                          _debuglevel(handler))


def urllib_do_open(handler: urllib.request.AbstractHTTPHandler, http_class: Any,
                   req: urllib.request.Request, http_conn_args: dict[str, Any]
                   ) -> http.client.HTTPResponse:
    """The stdlib's ``do_open`` with the caller's connection class: urllib's behaviour
    (``Connection: close``, ``URLError`` when connecting or sending fails) and urllib's
    response, an :class:`http.client.HTTPResponse` (no ``requests_response`` behind it).

    A SOCKS proxy (which only requests connects through) cannot be applied to a class of the
    caller's: the request is refused rather than sent around the proxy."""
    socks = getattr(req, "socks_proxy", None)
    if socks:
        scheme = str(socks).partition("://")[0]
        raise URLError(f"a {scheme} proxy cannot be used with the connection class "
                       f"{http_class!r} (only http.client's own classes go through it)")
    return _stdlib.AbstractHTTPHandler.do_open(handler, http_class, req, **http_conn_args)


def warn_check_hostname(check_hostname: bool | None) -> None:
    """The warning http.client (3.11) gives per connection of ``HTTPSHandler(check_hostname=)``,
    attributed to the stdlib's ``https_open`` (called from ``pooled_adapter`` by ``do_open``)."""
    if check_hostname is not None and sys.version_info < (3, 12):
        warnings.warn("key_file, cert_file and check_hostname are deprecated, use a custom "
                      "context instead.", DeprecationWarning, 4)


_HTTP_CONNECTION: Any = http.client.HTTPConnection
#: Captured at import: a recorder (vcrpy) replaces http.client's classes with its own.
_HTTPS_CONNECTION: Any = http.client.HTTPSConnection


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
    # urllib replaces the caller's Connection header with "close" without looking at it: the
    # caller's value is neither checked nor sent (we keep the connection alive instead).
    headers.pop("Connection", None)
    if "User-Agent" not in headers:
        headers["User-Agent"] = SKIP_HEADER  # urllib3 would add its own; urllib sends none
    host, tunnel_host = _http_client_checks(req, host, method, selector, headers)

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
        response = _dispatch(adapter, prepared, _timeout(req.timeout), proxies)
    return HTTPResponse(response, req.get_full_url())


# -- dispatch: which Session's ``send`` and which adapter carry a hop --------------------------


class Route:
    """What an opener's ``open()`` call sends its http(s) hops through (see :data:`route`).

    ``session``: the caller's :class:`requests.Session` (``build_opener(session=...)``): each hop
    goes through its ``send()`` with its headers, cookies, auth, hooks, adapters and TLS.
    ``mounts``: without one, the opener's own :attr:`~.OpenerDirector.session` once built, whose
    mounted adapters pick the adapter of each hop (so an adapter mounted there is used).
    """

    __slots__ = ("mounts", "session")

    def __init__(self, session: requests.Session | None = None,
                 mounts: requests.Session | None = None) -> None:
        self.session = session
        self.mounts = mounts


#: The route of the ``open()`` call in progress in this context (set by ``OpenerDirector.open``;
#: ``None``: the handler's own adapter, as for a stdlib ``OpenerDirector`` holding our handlers).
route: ContextVar[Route | None] = ContextVar("route", default=None)

_SESSION_CLASS = requests.sessions.Session
_SESSION_SEND = requests.sessions.Session.send
_SESSION_GET_ADAPTER = requests.sessions.Session.get_adapter
#: What requests sends unless told otherwise: not the caller's configuration, never sent.
_REQUESTS_DEFAULT_HEADERS = requests.utils.default_headers()


def _dispatch(adapter: requests.adapters.BaseAdapter, prepared: requests.PreparedRequest,
              timeout: Any, proxies: dict[str, str]) -> requests.Response:
    """Send one hop: through the caller's Session when the opener has one, else through a
    ``requests.Session`` of the class requests uses *now* (``requests.sessions.Session``), so
    whatever patches ``Session`` or its ``send``/``get_adapter`` (mocks, caches, tracing) sees
    urllib's traffic as it sees ``requests.get``'s.  While neither is patched, that ``send``
    would only call ``adapter.send``: the adapter is called directly (the hot path)."""
    current = route.get()
    if current is not None:
        if current.session is not None:
            return _send_through(current.session, prepared, timeout, proxies)
        if current.mounts is not None:
            adapter = current.mounts.get_adapter(str(prepared.url))
    cls = requests.sessions.Session
    if (cls is _SESSION_CLASS and cls.send is _SESSION_SEND
            and cls.get_adapter is _SESSION_GET_ADAPTER):
        return adapter.send(prepared, stream=True, timeout=timeout, verify=True, cert=None,
                            proxies=proxies)  # (as a Session calls it)
    session = _transport_session(adapter, cls)
    # as a prepared request from requests (a cache serialises it; auth plugins read it)
    prepared._cookies = requests.cookies.RequestsCookieJar()  # type: ignore[attr-defined]
    response: requests.Response = session.send(prepared, stream=True, timeout=timeout,
                                               proxies=proxies, allow_redirects=False)
    return _replayable(response)


class _KeepNothingJar(requests.cookies.RequestsCookieJar):
    """The transport Session's jar: cookies are urllib's business (``HTTPCookieProcessor``)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        """Keeps nothing."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        """Keeps nothing."""


def _no_redirect(response: requests.Response) -> None:
    """urllib's handler chain decides redirects: the transport Session never sees one."""
    return None


_TRANSPORT_ATTRIBUTE = "_requests_urllib_compat_transport"


def _transport_session(adapter: Any, cls: type[requests.Session]) -> requests.Session:
    """A Session of class ``cls`` sending every http(s) URL through ``adapter``, adding
    nothing: no environment (``trust_env`` off), no cookies kept, no redirects followed.
    Made once per adapter and class, and kept on the adapter."""
    made: tuple[type[Any], requests.Session] | None = getattr(adapter, _TRANSPORT_ATTRIBUTE,
                                                               None)
    if made is not None:
        if made[0] is cls:
            return made[1]
        # The class changed back or again (a cache uninstalled): close the old Session as
        # requests.get closes its own (a cache's database connection), keeping the adapter.
        made[1].adapters.clear()
        made[1].close()
    session = cls()
    session.trust_env = False
    session.cookies = _KeepNothingJar()
    session.get_redirect_target = _no_redirect  # type: ignore[method-assign,assignment]
    for prefix in ("http://", "https://"):
        replaced = session.adapters.get(prefix)
        session.mount(prefix, adapter)
        if replaced is not None and replaced is not adapter:
            replaced.close()
    with contextlib.suppress(AttributeError):  # (an adapter with __slots__: one per hop)
        setattr(adapter, _TRANSPORT_ATTRIBUTE, (cls, session))
    return session


def _send_through(session: requests.Session, prepared: requests.PreparedRequest, timeout: Any,
                  proxies: dict[str, str]) -> requests.Response:
    """One hop through the caller's Session: what it would add to a request (its headers,
    cookies, auth and hooks; see docs/ecosystem.md for what wins over what), then its
    ``send()``, which picks the adapter and applies ``verify``/``cert``.  Not its ``request()``:
    urllib built the request and follows redirects itself; the environment stays urllib's."""
    if isinstance(prepared.body, io.TextIOBase):  # the session's adapter may write it as UTF-8
        prepared.body = _HttpClientReader(prepared.body)
    if session.params:  # added to the query as requests does (which requotes the URL)
        prepared.prepare_url(prepared.url, session.params)
        prepared.urllib_selector = None  # type: ignore[attr-defined]  # (the target from it)
    headers = prepared.headers
    session_headers: Any = session.headers
    for name, value in session_headers.items():
        if (value is not None and name not in headers
                and _REQUESTS_DEFAULT_HEADERS.get(name) != value):
            headers[name] = value
    jar = session.cookies
    prepared._cookies = jar  # type: ignore[attr-defined]  # auth plugins' retries read it
    if "Cookie" not in headers and len(jar):
        cookie = requests.cookies.get_cookie_header(jar, prepared)  # type: ignore[no-untyped-call]
        if cookie:
            headers["Cookie"] = cookie
    auth: Any = session.auth
    if auth:
        if isinstance(auth, tuple) and len(auth) == 2:
            auth = requests.auth.HTTPBasicAuth(*auth)
        authed = auth(prepared)  # may register its own response hook (challenge answers)
        if authed is not None and authed is not prepared:
            prepared.__dict__.update(authed.__dict__)
    prepared.register_hook(  # type: ignore[no-untyped-call]
        "response", session.hooks.get("response", []))
    if not proxies and session.proxies:
        proxies = dict(session.proxies)
    try:
        response: requests.Response = session.send(prepared, stream=True, timeout=timeout,
                                                   proxies=proxies, allow_redirects=False)
    except requests.TooManyRedirects as exc:
        # max_redirects=0: send() refuses even to prepare the next hop; urllib decides.
        if not isinstance(exc.response, requests.Response):
            raise
        response = exc.response
    return _replayable(response)


def _replayable(response: requests.Response) -> requests.Response:
    """A response whose body a Session already read (a cached one, a redirect whose next hop
    requests prepared) is read again from that content."""
    content = getattr(response, "_content", False)
    if getattr(response, "_content_consumed", False) and isinstance(content, bytes):
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(content), headers=response.headers, status=response.status_code,
            reason=response.reason, preload_content=False, decode_content=False)
    return response


class _HeaderCheck(http.client.HTTPConnection):
    """http.client's own ``putheader`` checks, with nothing buffered: a connection that is never
    opened, always in the "request started" state, whose output goes nowhere (so one instance
    serves every thread)."""

    class _Nowhere(list):  # type: ignore[type-arg]
        def append(self, item: Any) -> None:
            pass

    def __init__(self) -> None:  # no super().__init__: nothing to connect to
        self._buffer = self._Nowhere()
        self._HTTPConnection__state = http.client._CS_REQ_STARTED  # type: ignore[attr-defined]


_HEADER_CHECK = _HeaderCheck()

#: A host urllib3 parses as the socket module reads it: a plain name (labels of 1 to 63
#: characters), an IPv4 address or a bracketed IPv6 address, with an optional decimal port.
#: Any other host goes through :func:`_connect_netloc`.
_PLAIN_HOST = re.compile(
    r"(?:(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_PLAIN_NAME = re.compile(r"(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?")


def _plain_name(name: str) -> bool:
    """Whether urllib3 reads ``name`` (a host name or an IPv6 address) as the socket does."""
    if ":" not in name:
        return bool(_PLAIN_NAME.fullmatch(name))
    try:
        ipaddress.IPv6Address(name)
    except ValueError:
        return False
    return True


def _http_client_checks(req: urllib.request.Request, host: str, method: str, selector: str,
                        headers: dict[str, Any]) -> tuple[str, str | None]:
    """Run the checks http.client makes before connecting, in its order, raising its errors;
    return the host (``host[:port]``) to hand to urllib3, which would parse it otherwise, and
    the same for the origin of a CONNECT tunnel, if any.

    As ``do_open``: the connection is made for ``host`` (``InvalidURL`` for a bad port or a
    control character or space in the name), ``set_tunnel`` reads the origin's port, then
    ``putrequest`` checks the method and target and ``putheader`` each header
    (``ValueError``, ``UnicodeEncodeError`` beyond Latin-1).
    """
    scheme = req.type
    plain = (scheme, host) in _checked_hosts
    if not plain:
        connection: Any = _HTTPS_CONNECTION if scheme == "https" else _HTTP_CONNECTION
        hostname, port = connection._get_hostport(connection, host, None)  # InvalidURL
        _HTTP_CONNECTION._validate_host(None, hostname)  # InvalidURL: control characters
    tunnel_host: str | None = req._tunnel_host  # type: ignore[attr-defined]
    if tunnel_host:
        tunnel_host = _tunnel_netloc(tunnel_host)
    if (method, selector) not in _checked_request_lines:
        _HTTP_CONNECTION._validate_method(None, method)
        _HTTP_CONNECTION._validate_path(None, selector)
        f"{method} {selector} HTTP/1.1".encode("ascii")
        if type(method) is str and type(selector) is str:
            _remember(_checked_request_lines, (method, selector))
    for name, value in headers.items():
        if value is SKIP_HEADER:
            continue
        if type(name) is str and type(value) is str:  # (a subclass may change its hash)
            if (name, value) not in _checked_headers:
                _HEADER_CHECK.putheader(name, value)
                _remember(_checked_headers, (name, value))
        else:
            _HEADER_CHECK.putheader(name, value)
    if plain:
        return host, tunnel_host
    if port <= 65535 and _PLAIN_HOST.fullmatch(host):
        _remember(_checked_hosts, (scheme, host))
        return host, tunnel_host
    return _connect_netloc(hostname, port), tunnel_host


#: Header (name, value) pairs of ``str`` that passed http.client's ``putheader`` checks, the
#: (method, target) pairs that passed ``putrequest``'s, and the (scheme, host) pairs that passed
#: its host checks as a plain host: the checks depend on nothing else, so a request repeating
#: them (most do) skips them.  Bounded: each is emptied when full.
_checked_headers: set[tuple[str, str]] = set()
_checked_request_lines: set[tuple[str, str]] = set()
_checked_hosts: set[tuple[str, str]] = set()
_MAX_CHECKED = 512


def _remember(checked: set[Any], item: Any) -> None:
    """Add ``item`` to a cache of passed checks (set operations are atomic under the GIL; a
    lost addition only means the check runs again)."""
    if len(checked) >= _MAX_CHECKED:
        checked.clear()
    checked.add(item)


def _tunnel_netloc(origin: str) -> str:
    """The CONNECT target as ``set_tunnel`` reads it (``InvalidURL`` for a port ``int()``
    cannot read, ``+443`` for 443), for urllib3.  The proxy resolves it, not us."""
    name, port = _HTTPS_CONNECTION._get_hostport(_HTTPS_CONNECTION, origin, None)
    if port > 65535 or _PLAIN_HOST.fullmatch(origin):
        return origin
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def _connect_netloc(hostname: str, port: int) -> str:
    """``host:port`` for urllib3, naming what http.client would connect to, for a host urllib3
    would parse differently: a port ``int()`` reads (``'+8080'``, ``' 8080'``), a name the socket
    module encodes with Python's IDNA codec (``UnicodeError`` when it cannot, as in urllib), a
    name that is no host name for urllib3 (``user:pw@host``, an empty name) or a port out of
    range (a negative one) that ``getaddrinfo`` is asked about (``URLError`` with its error,
    as urllib).  A port above 65535 that getaddrinfo accepts is refused (a documented
    difference: the socket layer would connect to that number modulo 65536)."""
    if ":" not in hostname or not _plain_name(hostname):
        # As the socket module, even for ASCII: an empty label is a UnicodeError.
        hostname = hostname.encode("idna").decode("ascii")
    in_range = 0 <= port <= 65535
    if not in_range or not _plain_name(hostname):
        try:
            socket.getaddrinfo(hostname, port, 0, socket.SOCK_STREAM)
        except OSError as exc:
            raise URLError(exc) from None
    if not in_range:  # the socket layer would take it modulo 65536: another port (documented)
        raise URLError("Port out of range 0-65535")
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return f"{hostname}:{port}"


def _as_http_client_body(data: Any) -> Any:
    """``data`` as http.client accepts it: bytes-like objects and files as they are (http.client
    writes them, see ``_ReuseAwareConnection.request``), other iterables chunk by chunk with
    http.client's checks (urllib3 would encode ``str`` chunks, so a ``dict`` or a list of ``str``
    would go out as text where urllib raises ``TypeError``)."""
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


class _HttpClientReader:
    """A text file body read as http.client reads it, for a Session whose adapter writes with
    urllib3 (which would send UTF-8): ``blocksize`` (8192) characters at a time, encoded
    ISO-8859-1, so text beyond Latin-1 raises ``UnicodeEncodeError`` as in urllib.  ``tell``
    and ``seek`` let urllib3 rewind it for a retry, as it does a file."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(_BLOCKSIZE).encode("iso-8859-1")  # type: ignore[no-any-return]

    def tell(self) -> Any:
        return self._stream.tell()

    def seek(self, *args: Any) -> Any:
        return self._stream.seek(*args)


#: http.client's default ``blocksize``: how much of a file it reads per send.
_BLOCKSIZE = 8192
