"""requests' layer: :class:`CompatAdapter`, the ``HTTPAdapter`` the transport sends through,
the adapters shared per TLS configuration, and the transport's settings.

Above :mod:`.pool` (whose pool and connection classes it installs in its pool managers), below
:mod:`.dispatch` and :mod:`.handlers`.  What urllib decided about a request reaches the adapter
as one :class:`UrllibTarget` on the ``PreparedRequest`` (a caller's Session may send it later,
so it travels with the request rather than in a context variable).
"""

from __future__ import annotations

import os
import ssl
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import requests
import requests.adapters
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import HTTPHeaderDict
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.poolmanager import PoolKey, proxy_from_url
from urllib3.util.retry import Retry

from .. import _seams
from .._cache import RecentlyUsed
from .._proxies import proxy_headers
from .pool import _urllib_exchange, _use_compat_connections


@dataclass(frozen=True)
class UrllibTarget:
    """Where urllib sends a request it built (set by :func:`.handlers.send`, read by the adapter).

    ``selector``: the request target as urllib wrote it, sent verbatim (``None`` once a caller's
    Session rewrote the URL: requests' target then).  ``origin``: urllib's (scheme, host) of a
    direct request, whose pool is remembered.  ``tunnel_headers``: the headers of a CONNECT
    (urllib's ``Proxy-Authorization`` goes there, not to the origin).
    """

    selector: str | None
    origin: tuple[str, str] | None
    tunnel_headers: dict[str, str]


#: The ``PreparedRequest`` attribute holding its :class:`UrllibTarget`.
_TARGET_ATTRIBUTE = "urllib_target"


def urllib_target(request: requests.PreparedRequest) -> UrllibTarget | None:
    """The :class:`UrllibTarget` of a request urllib built, ``None`` for any other."""
    target: UrllibTarget | None = getattr(request, _TARGET_ATTRIBUTE, None)
    return target


def set_urllib_target(request: requests.PreparedRequest, target: UrllibTarget) -> None:
    setattr(request, _TARGET_ATTRIBUTE, target)


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


_RETRY = _StaleConnectionRetry(
    total=1,
    connect=0,
    read=1,
    status=0,
    other=0,
    redirect=0,
    raise_on_redirect=False,
    raise_on_status=False,
    respect_retry_after_header=False,
)


class _Settings:
    """The transport's pool and retry settings (see :func:`configure`)."""

    def __init__(
        self,
        pool_maxsize: int = 10,
        pool_block: bool = False,
        max_retries: Retry | int | None = None,
    ) -> None:
        self.pool_maxsize = pool_maxsize
        self.pool_block = pool_block
        self.max_retries = max_retries


_settings = _Settings()


def configure(
    *, pool_maxsize: int = 10, pool_block: bool = False, max_retries: Retry | int | None = None
) -> None:
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
    _settings = _Settings(pool_maxsize, bool(pool_block), max_retries)
    # Every adapter is closed; one made meanwhile (under the cache's lock) read the new
    # settings, or is in the cache before this clear.
    _shared.clear()


class _FrozenContext:
    """An ``SSLContext`` seen through a pane of glass.

    urllib3 configures the context it is given (``verify_mode``, ``check_hostname``, ALPN, CA
    certificates, key log).  urllib uses the caller's context as it is, so urllib3 gets this view:
    reads and ``wrap_socket`` go to the real context, writes and loads are ignored.
    """

    def __init__(self, context: ssl.SSLContext) -> None:
        object.__setattr__(self, "_context", context)

    def __getattr__(self, name: str) -> Any:
        if name in {
            "load_verify_locations",
            "load_default_certs",
            "set_alpn_protocols",
            "load_cert_chain",
            "set_ciphers",
        }:
            return _ignore
        return getattr(self._context, name)

    def __setattr__(self, name: str, value: Any) -> None:
        pass


def _ignore(*args: Any, **kwargs: Any) -> None:
    return None


class _ResponseHeaders(CaseInsensitiveDict):  # type: ignore[type-arg]
    """``requests.Response.headers`` as requests builds them (each name once, its values
    joined by ``", "``), copied from urllib3's headers the first time they are used: every
    method of requests' class reads its store (``_seams.CASE_INSENSITIVE_STORE``), made here on
    first access.  A copy (``copy``, ``pickle``) is requests' own class."""

    def __init__(self, source: HTTPHeaderDict) -> None:  # no super().__init__: made lazily
        self._source = source

    def __getattr__(self, name: str) -> Any:
        if name != _seams.CASE_INSENSITIVE_STORE:
            raise AttributeError(name)
        store = OrderedDict((key.lower(), (key, value)) for key, value in self._source.itermerged())
        setattr(self, name, store)  # an instance attribute: __getattr__ is not asked again
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
        # (scheme, host[, TLS settings]) -> (urllib3 pool key, pool), see _origin_pool; the
        # pools are the pool manager's (it closes them), so nothing is disposed of here
        self._origin_pools: RecentlyUsed[tuple[object, ...], tuple[PoolKey, HTTPConnectionPool]]
        self._origin_pools = RecentlyUsed(256)
        settings = _settings
        super().__init__(
            pool_maxsize=settings.pool_maxsize,
            pool_block=settings.pool_block,
            max_retries=settings.max_retries or _RETRY,
        )

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """requests' ``send``; a request built by urllib (its :class:`UrllibTarget` has a
        selector) is written on the connection as http.client writes it (see
        ``_ReuseAwareConnection``)."""
        target = urllib_target(request)
        token = _urllib_exchange.set(target is not None and target.selector is not None)
        try:
            return super().send(request, *args, **kwargs)
        finally:
            _urllib_exchange.reset(token)

    def close(self) -> None:
        """Close every pooled connection.  requests' ``close`` only clears the pool managers,
        and urllib3 2's managers then forget their pools without closing them (a pool closes
        its connections when collected, and ``_origin_pools`` still holds it); so each pool is
        closed here, and the remembered ones forgotten."""
        pools: list[HTTPConnectionPool] = []
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

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs, **self._tls_kwargs())
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
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> HTTPConnectionPool:
        """As requests', except that a tunnel's own headers (urllib's ``Proxy-Authorization``
        for the CONNECT) select a proxy manager made for them: tunnels opened with different
        credentials never share a pooled connection, and no credential goes into a proxy URL.

        requests' helpers are called as requests calls them (``proxies`` a dict, as a Session
        always passes; ``select_proxy`` looked up in ``requests.adapters``, as requests' own
        methods do): libraries that wrap or replace them rely on that."""
        proxies = {} if proxies is None else proxies
        target = urllib_target(request)
        origin = None if target is None else target.origin
        if origin is not None and not proxies:
            return self._origin_pool(origin, request, verify, proxies, cert)
        tunnel_headers = None if target is None else target.tunnel_headers
        proxy = requests.adapters.select_proxy(  # type: ignore[attr-defined]  # (untyped)
            str(request.url), proxies
        )
        if not tunnel_headers or not proxy:
            return cast(
                HTTPConnectionPool,
                super().get_connection_with_tls_context(
                    request, verify, proxies=proxies, cert=cert
                ),
            )
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        key = (proxy, tuple(sorted(tunnel_headers.items())))
        managers: dict[Any, Any] = self.proxy_manager
        manager = managers.get(key)
        if manager is None:
            num_pools, maxsize, block = _seams.pool_settings(self)  # as requests' own
            manager = managers[key] = proxy_from_url(
                proxy,
                proxy_headers=dict(tunnel_headers),
                num_pools=num_pools,
                maxsize=maxsize,
                block=block,
                **self._tls_kwargs(),
            )
            _use_compat_connections(manager, self.debuglevel)
        return cast(
            HTTPConnectionPool, manager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)
        )

    def _origin_pool(
        self,
        origin: tuple[str, str],
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str],
        cert: tuple[str, str] | str | None,
    ) -> HTTPConnectionPool:
        """The pool requests picks for a direct request to ``origin`` (urllib's scheme and
        host), without recomputing its pool key each time (two URL parses and a key
        normalisation per request).  That key depends on nothing else: the TLS settings are
        this adapter's, read from its context, whose settings are part of ``origin``'s key
        here.  The remembered pool is used only while the pool manager still holds it under
        that key (the lookup also refreshes it as most recently used, as urllib3's does), so
        a cleared or evicted pool is never used again."""
        context = self.ssl_context
        key = origin if context is None else (*origin, context.verify_mode, context.check_hostname)
        manager = self.poolmanager
        known = self._origin_pools.get(key)
        if known is not None:
            pool_key, pool = known
            if manager.pools.get(pool_key) is pool:
                return cast(HTTPConnectionPool, pool)
        pool = cast(
            HTTPConnectionPool,
            super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert),
        )
        held: Mapping[PoolKey, object] = _seams.pool_container(manager.pools)
        found = next((k for k, v in list(held.items()) if v is pool), None)
        if found is not None:
            self._origin_pools[key] = (found, pool)
        return pool

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        """requests' ``build_response``, minus two costs that change nothing: the cookie
        extraction when the response sets no cookie (it would find none), and the copy of the
        headers into ``response.headers`` until something reads them (urllib's callers read
        http.client's message; the copy is about a fifteenth of a request)."""
        headers = resp.headers
        if (
            _seams.original_message(resp) is None
            or not isinstance(headers, HTTPHeaderDict)
            or "set-cookie" in headers
            or "set-cookie2" in headers
        ):
            return super().build_response(req, resp)
        response = requests.Response()
        response.status_code = resp.status
        response.headers = _ResponseHeaders(headers)
        content_type: Any = headers.get("content-type")  # (all it reads of them)
        response.encoding = get_encoding_from_headers({"content-type": content_type})
        response.raw = resp
        response.reason = resp.reason
        url: Any = req.url
        response.url = url.decode("utf-8") if isinstance(url, bytes) else url
        response.request = req
        response.connection = self
        return response

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        cert: str | tuple[str, str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = cast(
            "tuple[dict[str, Any], dict[str, Any]]",
            super().build_connection_pool_key_attributes(request, True, None),
        )
        context = self.ssl_context
        if context is not None:
            pool_kwargs["cert_reqs"] = context.verify_mode
            if not context.check_hostname:
                pool_kwargs["assert_hostname"] = False
        return host_params, pool_kwargs

    def cert_verify(
        self,
        conn: HTTPConnectionPool,
        url: str,
        verify: bool | str,
        cert: str | tuple[str, str] | None,
    ) -> None:
        """TLS settings come from the SSLContext alone: no certifi bundle is loaded."""

    def request_url(
        self, request: requests.PreparedRequest, proxies: Mapping[str, str] | None
    ) -> str:
        target = urllib_target(request)
        selector = None if target is None else target.selector
        # (a direct request given proxies by a caller's Session: requests' target for them)
        if selector is not None and not (proxies and target is not None and target.origin):
            return str(selector)
        return super().request_url(request, {} if proxies is None else proxies)


# -- shared adapters -------------------------------------------------------------------------

#: Adapters by (context, debuglevel): the least recently used beyond 64 is closed.  A hit
#: takes the lock to mark the adapter used: closing one drops its pooled connections.
_shared: RecentlyUsed[tuple[ssl.SSLContext | None, int], CompatAdapter] = RecentlyUsed(
    64, CompatAdapter.close
)


def shared_adapter(context: ssl.SSLContext | None, debuglevel: int = 0) -> CompatAdapter:
    """The adapter (and so the connection pools) for one transport configuration.

    Keyed by the context object: openers built with the same context, or with the default one,
    share connections.  The least recently used adapter beyond the cache's size is closed.
    """
    return _shared.use((context, debuglevel), _new_adapter)


def _new_adapter(key: tuple[ssl.SSLContext | None, int]) -> CompatAdapter:
    return CompatAdapter(*key)


def close_shared_pools() -> None:
    """Close every pooled connection (they reopen on demand)."""
    for adapter in _shared.values():
        adapter.close()


#: Contexts by what http.client would build them from (see below); a hit is a dict lookup.
_default_contexts: RecentlyUsed[tuple[object, ...], ssl.SSLContext] = RecentlyUsed(32)


def default_https_context(check_hostname: bool | None = None) -> ssl.SSLContext:
    """The context http.client would build for a connection made now.

    Like http.client it honours ``ssl._create_default_https_context`` (legacy code replaces it
    to switch verification off), ``SSL_CERT_FILE``/``SSL_CERT_DIR`` and ``check_hostname``
    (``HTTPSHandler(check_hostname=False)`` still verifies the certificate chain); unlike
    http.client it is built once per such setting, so connections can be pooled.
    """
    factory = _seams.https_context_factory()
    key = (factory, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"), check_hostname)
    context = _default_contexts.get(key)
    if context is None:
        create = _seams.http_client_https_context()
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
