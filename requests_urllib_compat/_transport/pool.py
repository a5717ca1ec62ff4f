"""urllib3's layer: the pools and connections of the transport, and when a connection is reused.

The lowest layer of :mod:`._transport` (``pool`` <- ``adapter`` <- ``dispatch`` <- ``handlers``):
it imports nothing from the others.  What crosses layers goes through the two context variables
below, set by the adapter (``_urllib_exchange``) and by the pools themselves (``_pool_call``).
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from requests.structures import CaseInsensitiveDict
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.util.retry import Retry

from .. import _seams
from .._cache import RecentlyUsed
from .._exceptions import mark_connect_failure, redacted

# -- connection reuse ------------------------------------------------------------------------
#
# urllib sends ``Connection: close`` and never reuses a socket: whatever a server or a caller gets
# wrong dies with that connection.  Every reuse here is a promise urllib never made, so the rule
# at each decision below is the same: when in doubt, close — closing costs only the speed urllib
# never had.  A connection is reused only after an exchange whose end both sides agree on; a
# request that could not be sent again goes on a fresh connection; a reused connection that fails
# under a request that can be sent again is replaced and the request resent, unseen by the caller.

#: Whether the request being sent was built by urllib (``handlers.send``): it is then written on
#: the connection byte for byte as http.client writes it.  Requests made through ``opener.session``
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
        return (
            len(lengths) > 1
            or not (value.isascii() and value.isdigit())
            or size is None
            or int(value) != size
        )
    return False  # http.client frames the body itself


#: The lower-case header names :func:`_asks_to_close` and :func:`_framing_in_doubt` look at.
_FRAMING_NAMES = frozenset(("connection", "content-length", "transfer-encoding"))


def _asks_to_close(headers: dict[str, Any]) -> bool:
    return any(k.lower() == "connection" and "close" in str(v).lower() for k, v in headers.items())


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
        return (
            "transfer-encoding" in headers or str(headers.get("content-length", "0")).strip() != "0"
        )
    return False


class _ReuseAwareConnection:
    """Mixin for urllib3 connections that decides what the pool may reuse.

    ``served`` counts the responses read since the socket was opened: a dropped connection
    that had already served one (a reused connection) is marked ``stale_keepalive`` on the
    error, the one case ``adapter._StaleConnectionRetry`` retries; that includes an answer that
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

    def request(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Any = None,
        *,
        chunked: bool = False,
        preload_content: bool = True,
        decode_content: bool = True,
        enforce_content_length: bool = True,
    ) -> None:
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
                method,
                url,
                body,
                headers,
                chunked=chunked,
                preload_content=preload_content,
                decode_content=decode_content,
                enforce_content_length=enforce_content_length,
            )
            return
        if framing and _framing_in_doubt(body, headers):
            self.reusable = False
            name = next((k for k in headers if k.lower() == "connection"), "Connection")
            headers[name] = "close"
        if not (body is None or hasattr(body, "read") or _body_size(body) is not None):
            body = self._metered_chunks(body)
        connection: Any = self
        sock = connection.sock
        if sock is not None and sock.gettimeout() != connection.timeout:
            sock.settimeout(connection.timeout)  # as urllib3's request: a reused socket's
            # timeout (when it already has it, settimeout would only be a system call)
        _seams.set_response_options(  # what urllib3's own request would have set
            connection,
            request_method=method,
            request_url=url,
            preload_content=preload_content,
            decode_content=decode_content,
            enforce_content_length=enforce_content_length,
        )
        blocksize, connection.blocksize = connection.blocksize, _HTTP_CLIENT_BLOCKSIZE
        try:
            encode_chunked = framing and any(k.lower() == "transfer-encoding" for k in headers)
            http.client.HTTPConnection.request(  # as urllib's do_open calls it
                connection, method, url, body, headers, encode_chunked=encode_chunked
            )
        except OSError as exc:  # (a timeout while sending the body...): urllib's do_open
            mark_connect_failure(exc)  # raises URLError(exc) for any of them
            raise
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

    def request(
        self, method: str, url: str, body: Any = None, headers: Any = None, **kwargs: Any
    ) -> None:
        names = {name.lower() for name in headers or ()}
        if not (
            body is None
            and "content-length" not in names
            and "transfer-encoding" not in names
            and method.upper() not in _seams.METHODS_EXPECTING_BODY
        ):
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
    that can be resent is retried on a fresh connection (``adapter._StaleConnectionRetry``); any
    other request (a POST, a body from an iterator) is sent on a connection that has carried
    no exchange yet, so it fails only where urllib's would.  The retry itself also takes a
    fresh connection.

    Its ``urlopen`` also records the request target for :class:`_VerbatimTargetPool` (the
    two always go together: one context variable set per pool call)."""

    def urlopen(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Any = None,
        retries: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        fresh = (isinstance(retries, Retry) and bool(retries.history)) or not _resendable(
            method, body
        )
        if (
            type(headers) is CaseInsensitiveDict
            and not self.proxy_headers  # type: ignore[attr-defined]
            and _urllib_exchange.get()
        ):
            # The same names and values as a dict, which urllib3 copies and the connection
            # reads without going through the Mapping ABC per header (3% of a request).  No
            # case-insensitive lookup is made in them on this path: urllib3 would merge a
            # proxy's headers into them (then they stay as they are), http.client writes them.
            headers = dict(_seams.case_insensitive_items(headers))
        token = _pool_call.set((fresh, url))
        try:
            return super().urlopen(  # type: ignore[misc]
                method, url, body, headers, retries, *args, **kwargs
            )
        finally:
            _pool_call.reset(token)

    # (_get_conn, _put_conn: urllib3's private pool methods, _seams.POOL_METHODS)
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
    URLs; urllib sends it as given, after http.client's checks (:func:`.handlers.send` runs them).
    The target is the one :meth:`_ReuseGuardPool.urlopen` was called with.
    """

    # (urllib3's private method, _seams.POOL_METHODS)
    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        call = _pool_call.get()
        target = call[1] if call is not None and call[1] else url
        return super()._make_request(conn, method, target, *args, **kwargs)  # type: ignore[misc]


def _validate_conn_quietly(pool: Any, conn: Any) -> None:
    """``HTTPSConnectionPool._validate_conn`` without ``InsecureRequestWarning``: urllib does not
    warn when the caller's context turns verification off (and ``-W error`` would break it)."""
    _seams.validate_conn(pool, conn)
    if conn.is_closed:
        conn.connect()


#: The compat pool and connection classes made, by (urllib3's class, debuglevel).  Bounded
#: for classes patched in and out (per test, say); an evicted class is made again when needed
#: (pools and connections made from it keep it alive meanwhile).
if TYPE_CHECKING:
    from urllib3.connectionpool import HTTPConnectionPool

    _PoolClass = type[HTTPConnectionPool]
    # urllib3 types ``ConnectionCls`` with protocols of a private module (_base_connection)
    _ConnectionClass = type[Any]
_pool_classes: RecentlyUsed[tuple[_PoolClass, int], _PoolClass] = RecentlyUsed(64)
_connection_classes: RecentlyUsed[tuple[_ConnectionClass, int], _ConnectionClass] = RecentlyUsed(64)


def _compat_connection(conn_cls: _ConnectionClass, debuglevel: int) -> _ConnectionClass:
    """``conn_cls`` made reuse-aware (and verbose), one class per (class, debuglevel)."""
    key = (conn_cls, debuglevel)
    made = _connection_classes.get(key)
    if made is None:
        made = type(
            f"Compat{conn_cls.__name__}",
            (_ReuseAwareConnection, _HttpClientConnection, conn_cls),
            {"debuglevel": debuglevel},
        )
        _connection_classes[key] = made
    return made


class _CurrentConnectionCls:
    """``ConnectionCls`` of a compat pool class: the base pool class's connection class *as it
    is now*, made reuse-aware.  Looked up each time a pool makes (or checks) a connection, so a
    connection class patched onto urllib3's pools after our first request (as test recorders
    do) is used, as it is by urllib3's own pools."""

    def __init__(self, base: _PoolClass, debuglevel: int) -> None:
        self._base = base
        self._debuglevel = debuglevel

    def __get__(self, pool: object, owner: object = None) -> _ConnectionClass:
        current: _ConnectionClass = self._base.ConnectionCls
        if not issubclass(current, _ReuseAwareConnection):
            current = _compat_connection(current, self._debuglevel)
        return current


def _use_compat_connections(manager: Any, debuglevel: int) -> None:
    """Give a urllib3 pool manager's pools connections that are reuse-aware (and verbose)."""
    classes = dict(manager.pool_classes_by_scheme)
    for scheme, pool_cls in classes.items():
        key = (pool_cls, debuglevel)
        made = _pool_classes.get(key)
        if made is None:
            namespace: dict[str, Any] = {
                "ConnectionCls": _CurrentConnectionCls(pool_cls, debuglevel)
            }
            if issubclass(pool_cls, HTTPSConnectionPool):
                namespace["_validate_conn"] = _validate_conn_quietly  # _seams.POOL_METHODS
            made = type(
                f"Compat{pool_cls.__name__}",
                (_ReuseGuardPool, _VerbatimTargetPool, pool_cls),
                namespace,
            )
            _pool_classes[key] = made
        classes[scheme] = made
    manager.pool_classes_by_scheme = classes
