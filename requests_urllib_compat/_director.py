"""Openers: urllib's ``OpenerDirector`` and handler chain, with a ``requests.Session`` inside.

The handler protocol (``<scheme>_request``/``_open``/``_response``, ``http_error_<code>``) is the
stdlib's own code: :class:`OpenerDirector` subclasses it, and the default handlers are the
stdlib's except the http(s) transport.  What the opener adds is :attr:`OpenerDirector.session`,
a :class:`requests.Session` configured like the opener, for code moving to requests.
"""

from __future__ import annotations

import ssl
import sys
import threading
import types
import urllib.request
import warnings
from typing import Any, Union, cast

import requests

from . import _stdlib
from ._auth import answer_challenge
from ._opener_setup import OpenerSnapshot, environment_proxies, register_handlers
from ._proxies import ProxyHandler
from ._redirect import HTTPRedirectHandler
from ._seams import GLOBAL_DEFAULT_TIMEOUT
from ._transport import AbstractHTTPHandler, HTTPHandler, HTTPSHandler, Route, route
from ._types import Opened, RequestData
from .schemes import FTPHandler
from .session import build_session, set_headers

__all__ = ["OpenerDirector", "build_opener", "install_opener", "urlopen"]


class OpenerDirector(urllib.request.OpenerDirector):
    """urllib's ``OpenerDirector``; :attr:`session` is the same configuration as requests."""

    # add_handler's tables (untyped in typeshed)
    handlers: list[urllib.request.BaseHandler]
    handle_open: dict[str, list[urllib.request.BaseHandler]]
    handle_error: dict[str, dict[int | str, list[urllib.request.BaseHandler]]]
    process_request: dict[str, list[urllib.request.BaseHandler]]
    process_response: dict[str, list[urllib.request.BaseHandler]]

    def __init__(self) -> None:
        super().__init__()
        self._session: requests.Session | None = None
        self._session_headers: list[tuple[str, str]] | None = None  # as copied into it
        self._session_lock = threading.Lock()
        #: The caller's Session (``build_opener(session=...)``): http(s) hops go through it.
        self._user_session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        """The Session given to :func:`build_opener`, else a :class:`requests.Session`
        configured as this opener (see :mod:`.session`).

        That one is built on first use and rebuilt after ``add_handler()``; ``addheaders``
        (replaced or changed in place) is copied into ``session.headers`` whenever it changed.
        Adapters mounted on it carry this opener's http(s) requests too.
        """
        if self._user_session is not None:
            return self._user_session
        with self._session_lock:
            if self._session is None:
                self._session = build_session(self.handlers, self.addheaders)
                self._session_headers = list(self.addheaders)
            elif list(self.addheaders) != self._session_headers:
                set_headers(self._session, self.addheaders)
                self._session_headers = list(self.addheaders)
            return self._session

    def open(
        self,
        fullurl: str | urllib.request.Request,
        data: RequestData = None,
        timeout: float | None = GLOBAL_DEFAULT_TIMEOUT,
    ) -> Opened:
        """urllib's ``open``; its http(s) hops (redirects, auth retries) go through the
        caller's Session, or the adapters mounted on :attr:`session` once it was built."""
        user = self._user_session
        mounts = self._session
        token = route.set(None if user is None and mounts is None else Route(user, mounts))
        try:
            return super().open(fullurl, data, timeout)
        finally:
            route.reset(token)

    def add_handler(self, handler: urllib.request.BaseHandler) -> None:
        _adopt_transport(handler)
        super().add_handler(handler)
        with self._session_lock:
            self._session = None  # rebuilt from the new handler list on next use

    def error(self, proto: str, *args: Any) -> Opened:
        tables: dict[str, dict[int | str, list[urllib.request.BaseHandler]]] = getattr(
            self, "handle_error", {}
        )
        if (
            proto in ("http", "https")
            and len(args) > 2
            and args[2] in (401, 407)
            and tables.get("http", {}).get(args[2])
        ):  # an auth handler is here
            return answer_challenge(super().error, proto, *args)
        return super().error(proto, *args)

    def close(self) -> None:
        super().close()
        with self._session_lock:
            if self._session is not None:
                # The mounted adapters are shared pools: leave them open for other openers.
                self._session.adapters.clear()
                self._session.close()
                self._session = None


def _adopt_transport(handler: urllib.request.BaseHandler) -> None:
    """A stdlib ``HTTPHandler``/``HTTPSHandler`` (or a subclass) that inherits urllib's own
    transport sends through ours, with its debuglevel and SSLContext: legacy modules import
    handlers from ``urllib.request``.  A subclass overriding ``do_open`` or ``http(s)_open``
    keeps its own transport."""
    if isinstance(handler, AbstractHTTPHandler):
        return
    cls: Any = type(handler)
    stdlib_do_open = getattr(cls, "do_open", None) is _stdlib.AbstractHTTPHandler.do_open
    if (
        isinstance(handler, _stdlib.HTTPSHandler)
        and stdlib_do_open
        and cls.https_open is _stdlib.HTTPSHandler.https_open
    ) or (
        isinstance(handler, _stdlib.HTTPHandler)
        and stdlib_do_open
        and cls.http_open is _stdlib.HTTPHandler.http_open
    ):
        # our do_open, bound to this handler: its debuglevel and TLS settings pick the pool
        handler.do_open = types.MethodType(  # type: ignore[method-assign]
            AbstractHTTPHandler.do_open, handler
        )


_Handler = Union[urllib.request.BaseHandler, type[urllib.request.BaseHandler]]

_DEFAULT_CLASSES: list[type[urllib.request.BaseHandler]] = [
    ProxyHandler,
    urllib.request.UnknownHandler,
    HTTPHandler,
    urllib.request.HTTPDefaultErrorHandler,
    HTTPRedirectHandler,
    FTPHandler,
    urllib.request.FileHandler,
    urllib.request.HTTPErrorProcessor,
    urllib.request.DataHandler,
    HTTPSHandler,
]

# Our handlers stand in for these stdlib classes.
_STANDS_IN_FOR: dict[type[urllib.request.BaseHandler], type[urllib.request.BaseHandler]] = {
    HTTPHandler: urllib.request.HTTPHandler,
    HTTPSHandler: urllib.request.HTTPSHandler,
    ProxyHandler: urllib.request.ProxyHandler,
    HTTPRedirectHandler: urllib.request.HTTPRedirectHandler,
    FTPHandler: urllib.request.FTPHandler,
}


# Each default class, and the stdlib class whose subclasses (or instances) replace it.
_REPLACED_BY_SUBCLASSES_OF = [
    (klass, _STANDS_IN_FOR.get(klass, klass)) for klass in _DEFAULT_CLASSES
]


def _default_handlers(
    skip: set[type[urllib.request.BaseHandler]],
) -> tuple[list[urllib.request.BaseHandler], tuple[str, ...]]:
    """The default handlers not in ``skip``, and the proxy schemes the ProxyHandler got (they
    decide its attribute names).  ``ProxyHandler()`` gets what it would read from the
    environment, without decoding the environment again."""
    proxies = environment_proxies() if ProxyHandler not in skip else {}
    made = [
        ProxyHandler(proxies) if klass is ProxyHandler else klass()
        for klass in _DEFAULT_CLASSES
        if klass not in skip
    ]
    return made, tuple(proxies)


#: The Session openers are built with while ``install(session=...)`` is on (see swap.py).
installed_session: requests.Session | None = None


def build_opener(*handlers: _Handler, session: requests.Session | None = None) -> OpenerDirector:
    """Create an opener object from a list of handlers, as ``urllib.request.build_opener``.

    The default handlers are added unless a handler of the same (stdlib) type, or a subclass of
    it, is given; classes are instantiated.  With ``session`` (by default the one given to
    ``install(session=...)``, if any), the opener's http(s) requests go through that
    :class:`requests.Session`: see docs/ecosystem.md.
    """
    opener = OpenerDirector()
    opener._user_session = session if session is not None else installed_session
    skip: set[type[urllib.request.BaseHandler]] = set()
    for check in handlers:
        skip.update(
            [
                klass
                for klass, base in _REPLACED_BY_SUBCLASSES_OF
                if (issubclass(check, base) if isinstance(check, type) else isinstance(check, base))
            ]
        )
    added, proxy_schemes = _default_handlers(skip)
    given = [h() if isinstance(h, type) else h for h in handlers]
    for handler in given:  # (the default ones are ours, or not HTTP transports)
        _adopt_transport(handler)
    # add_handler for each in turn, with tables cached per list of handler types
    register_handlers(opener, added + given, len(added), proxy_schemes)
    return opener


_opener: urllib.request.OpenerDirector | None = None
_opener_lock = threading.Lock()


def install_opener(opener: urllib.request.OpenerDirector | None) -> None:
    """Make ``opener`` the one module-level :func:`urlopen` uses (``None``: the default)."""
    global _opener
    _opener = opener


_built_default: urllib.request.OpenerDirector | None = None  # the last _opener built here


def _default_opener() -> urllib.request.OpenerDirector:
    global _opener, _built_default
    with _opener_lock:
        if _opener is None:
            _opener = _built_default = build_opener()
        return _opener


def set_installed_session(session: requests.Session | None) -> None:
    """Openers built from now on use ``session``; so does module-level :func:`urlopen`
    (its default opener is rebuilt, unless one was installed with :func:`install_opener`)."""
    global installed_session, _opener
    with _opener_lock:
        installed_session = session
        if _opener is not None and _opener is _built_default:
            _opener = None


#: The opener the last ``urlopen(context=...)`` built, and what it was built from.
_last_context_opener: tuple[Any, ...] | None = None


def _context_opener(context: ssl.SSLContext) -> OpenerDirector:
    """``build_opener(HTTPSHandler(context=context))``, which urllib's ``urlopen`` makes on each
    call with a context.  The last one made is used again while building would give the same:
    the same context, installed Session and environment proxies, and unchanged handler classes
    and handlers (:class:`OpenerSnapshot`).  Nothing outside ``urlopen`` holds that opener, and
    its default handlers keep no state between requests (the one ``urlopen()`` without a
    context uses is shared by every call too); it saves a tenth of an HTTPS request."""
    global _last_context_opener
    proxies = environment_proxies()
    last = _last_context_opener
    if last is not None:
        made_for, session, made_proxies, snapshot, opener = last
        if (
            made_for is context
            and session is installed_session
            and made_proxies == proxies
            and snapshot.holds()
        ):
            return cast(OpenerDirector, opener)
    opener = build_opener(HTTPSHandler(context=context))
    _last_context_opener = (
        context,
        installed_session,
        proxies,
        OpenerSnapshot(opener.handlers),
        opener,
    )
    return opener


if sys.version_info >= (3, 13):

    def urlopen(
        url: str | urllib.request.Request,
        data: RequestData = None,
        timeout: float | None = GLOBAL_DEFAULT_TIMEOUT,
        *,
        context: ssl.SSLContext | None = None,
    ) -> Opened:
        """Open ``url`` (a string or a ``Request``) as ``urllib.request.urlopen``."""
        opener = _context_opener(context) if context else _default_opener()
        return opener.open(url, data, timeout)

else:

    def urlopen(
        url: str | urllib.request.Request,
        data: RequestData = None,
        timeout: float | None = GLOBAL_DEFAULT_TIMEOUT,
        *,
        cafile: str | None = None,
        capath: str | None = None,
        cadefault: bool = False,
        context: ssl.SSLContext | None = None,
    ) -> Opened:
        """Open ``url`` (a string or a ``Request``) as ``urllib.request.urlopen``.

        ``cafile``/``capath``/``cadefault`` are deprecated as in the stdlib (removed in 3.13).
        """
        if cafile or capath or cadefault:
            warnings.warn(
                "cafile, capath and cadefault are deprecated, use a custom context instead.",
                DeprecationWarning,
                2,
            )
            if context is not None:
                raise ValueError(
                    "You can't pass both context and any of cafile, capath, and cadefault"
                )
            context = ssl.create_default_context(
                ssl.Purpose.SERVER_AUTH, cafile=cafile, capath=capath
            )
            context.set_alpn_protocols(["http/1.1"])
            return _context_opener(context).open(url, data, timeout)
        if context:
            return _context_opener(context).open(url, data, timeout)
        return _default_opener().open(url, data, timeout)
