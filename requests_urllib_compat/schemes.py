"""``file:``, ``data:`` and ``ftp:`` as requests transport adapters over urllib's own handlers.

Through an opener these URLs are opened by the stdlib's ``FileHandler``, ``DataHandler`` and
``FTPHandler``/``CacheFTPHandler`` exactly as urllib opens them (nothing here is on that path).
For ``opener.session`` the same handler objects are mounted as requests transport adapters:
:class:`SchemeAdapter` builds a urllib :class:`~urllib.request.Request` from the
``PreparedRequest``, runs the handler's own ``<scheme>_open`` and turns the ``addinfourl`` it
returns into a :class:`requests.Response`.  One implementation, the stdlib's, serves both paths.

A redirect never reaches these adapters: urllib refuses redirects to ``file:`` and ``data:``,
and :func:`refuse_local_redirects` makes the Session refuse any redirect into them.
"""

from __future__ import annotations

import contextlib
import contextvars
import ftplib
import threading
import types
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Union
from urllib.error import URLError
from urllib.response import addinfourl

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.exceptions import InvalidSchema
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, select_proxy

from ._exceptions import as_requests_exception
from ._transport import shared_adapter

__all__ = [
    "STATUS",
    "CacheFTPHandler",
    "DataAdapter",
    "FTPAdapter",
    "FTPHandler",
    "FileAdapter",
    "SchemeAdapter",
    "mount_data",
    "mount_file",
    "mount_ftp",
    "refuse_local_redirects",
]

#: The status code a Session response for these schemes carries (urllib's ``status`` is None).
STATUS = 200

_following_redirect: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "requests_urllib_compat_following_redirect", default=False
)


#: requests' ``timeout`` and ``cert`` arguments, as ``BaseAdapter.send`` takes them.
_Timeout = Union[float, tuple[float, float], tuple[float, None], None]
_Cert = Union[bytes, str, tuple[Union[bytes, str], Union[bytes, str]], None]


def _single_timeout(timeout: _Timeout) -> float | None:
    """requests' ``timeout`` (a number, ``(connect, read)`` or None) as the one timeout ftplib
    takes: the more generous of the two, None (no limit) when either is None."""
    if isinstance(timeout, tuple):
        given = [t for t in timeout if t is not None]
        if len(given) < len(timeout):
            return None
        return float(max(given))
    return None if timeout is None else float(timeout)


class SchemeAdapter(BaseAdapter):
    """A requests adapter that opens URLs with a urllib handler's ``<scheme>_open``.

    ``opener.session.get(url)`` gets a :class:`requests.Response` with status :data:`STATUS`,
    the handler's headers and its file object as ``raw``.  urllib's errors are raised as
    requests' (the urllib exception kept as ``__cause__``), by ``_exceptions.REVERSE_TABLE``:
    ``URLError`` -> :class:`requests.ConnectionError` (:class:`requests.ConnectTimeout`, also a
    :class:`requests.Timeout`, when its reason is a timeout), ``ValueError`` (a malformed data:
    URL) -> :class:`requests.exceptions.InvalidURL`.
    """

    scheme: str = ""

    def __init__(self, handler: urllib.request.BaseHandler) -> None:
        super().__init__()
        self.handler = handler

    def open(self, req: urllib.request.Request) -> addinfourl | None:
        """What the handler's ``<scheme>_open`` returns for ``req`` (urllib's own logic)."""
        method: Callable[[urllib.request.Request], addinfourl | None] = getattr(
            self.handler, f"{self.scheme}_open"
        )
        return method(req)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: _Timeout = None,
        verify: bool | str = True,
        cert: _Cert = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Open ``request.url`` with the handler; ``verify``, ``cert`` and ``proxies`` do not
        apply (an ``ftp`` proxy: see :class:`FTPAdapter`)."""
        url = str(request.url)
        if _following_redirect.get():
            raise InvalidSchema(
                f"refusing to follow a redirect to {url!r}: a redirect may "
                "only lead to http: or https:",
                request=request,
            )
        try:
            body: Any = request.body
            req = urllib.request.Request(
                url, data=body, headers=dict(request.headers), method=request.method
            )
            req.timeout = _single_timeout(timeout)
            result = self.open(req)
        except Exception as exc:
            new = as_requests_exception(exc, request)
            if new is None:
                raise
            raise new from exc
        if result is None:  # the handler declined (urllib would try the next handler)
            raise InvalidSchema(f"No connection adapters were found for {url!r}", request=request)
        return self.build_response(request, result)

    def build_response(
        self, request: requests.PreparedRequest, result: addinfourl
    ) -> requests.Response:
        """A :class:`requests.Response` over urllib's ``addinfourl``."""
        response = requests.Response()
        response.status_code = STATUS
        response.reason = "OK"
        response.headers = CaseInsensitiveDict(result.info().items())
        response.raw = urllib3.HTTPResponse(
            body=result,
            headers=dict(response.headers),
            status=STATUS,
            reason="OK",
            preload_content=False,
            decode_content=False,
            enforce_content_length=False,
            request_url=str(request.url),
        )
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = str(request.url)
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        """Connections belong to the handler (``CacheFTPHandler``); the opener closes it."""


class FileAdapter(SchemeAdapter):
    """``file:`` URLs through a ``FileHandler``: local files only, as urllib."""

    scheme = "file"


class DataAdapter(SchemeAdapter):
    """``data:`` URLs (RFC 2397) through a ``DataHandler``."""

    scheme = "data"


class FTPAdapter(SchemeAdapter):
    """``ftp:`` URLs through an ``FTPHandler`` (or ``CacheFTPHandler``, sharing its cache).

    With a proxy for the URL in ``proxies`` (the Session's ``ftp`` proxy), the request goes to
    the proxy as HTTP, as urllib's ``ProxyHandler`` sends it.
    """

    scheme = "ftp"

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: _Timeout = None,
        verify: bool | str = True,
        cert: _Cert = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Open ``request.url`` with the handler, or through the ``ftp`` proxy as HTTP."""
        if (
            proxies
            and select_proxy(str(request.url), dict(proxies))
            and not _following_redirect.get()
        ):
            return shared_adapter(None).send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
        return super().send(request, stream, timeout, verify, cert, proxies)


_connecting = threading.local()  # the ftpwrapper FTPHandler.ftp_open is using, per thread


class FTPHandler(urllib.request.FTPHandler):
    """urllib's ``FTPHandler`` that closes the connection of a request that failed.

    The stdlib's leaves it open (to the garbage collector) when, for example, the file is
    missing; the error raised is the same.
    """

    def connect_ftp(
        self, user: str, passwd: str, host: str, port: int, dirs: str, timeout: float
    ) -> urllib.request.ftpwrapper:
        wrapper = super().connect_ftp(user, passwd, host, port, dirs, timeout)
        _connecting.wrapper = wrapper
        return wrapper

    def ftp_open(self, req: urllib.request.Request) -> addinfourl:
        _connecting.wrapper = None
        try:
            response: addinfourl = super().ftp_open(req)
            return response
        except URLError:
            wrapper = _connecting.wrapper
            if wrapper is not None:
                wrapper.close()
            raise
        finally:
            _connecting.wrapper = None


#: Whether the stdlib's ``ftpwrapper`` reads the reply that ends a transfer when the download is
#: closed (CPython gh-81403, fixed in 3.11.4 and 3.12).  Without it a cached connection is out
#: of step: its next command reads the previous transfer's ``226`` and the download fails.
STDLIB_ENDS_TRANSFERS = "voidresp" in urllib.request.ftpwrapper.endtransfer.__code__.co_names


def _endtransfer(wrapper: Any) -> None:
    """``ftpwrapper.endtransfer`` as fixed in CPython 3.11.4 (gh-81403)."""
    if not wrapper.busy:
        return
    wrapper.busy = 0
    with contextlib.suppress(*ftplib.all_errors):
        wrapper.ftp.voidresp()


class CacheFTPHandler(urllib.request.CacheFTPHandler):
    """urllib's ``CacheFTPHandler`` that releases what it caches, and can reuse it.

    The stdlib's drops (without closing) the connection it evicts when ``max_conns`` is
    reached, and leaves its cached connections to the garbage collector: here an evicted
    connection is closed, ``close()`` closes them all, and so does the handler's collection
    (``OpenerDirector.close()`` does not close handlers, in urllib as here).  Before Python
    3.11.4 the stdlib's fails on the second download over a cached connection (gh-81403): here
    its connections end each transfer as the fixed stdlib does.
    """

    cache: dict[Any, Any]

    def __init__(self) -> None:
        super().__init__()
        weakref.finalize(self, _close_all, self.cache)

    def connect_ftp(
        self, user: str, passwd: str, host: str, port: int, dirs: str, timeout: float
    ) -> urllib.request.ftpwrapper:
        wrapper = super().connect_ftp(user, passwd, host, port, dirs, timeout)
        if not STDLIB_ENDS_TRANSFERS and "endtransfer" not in vars(wrapper):
            # this connection's own endtransfer: file_close, retrfile and real_close call it
            wrapper.endtransfer = types.MethodType(  # type: ignore[method-assign]
                _endtransfer, wrapper
            )
        return wrapper

    def check_cache(self) -> None:
        before = dict(self.cache)
        super().check_cache()
        for key, wrapper in before.items():
            if key not in self.cache:
                wrapper.close()  # closed once its last open response is closed

    def close(self) -> None:
        self.clear_cache()


def _close_all(cache: dict[Any, Any]) -> None:
    for wrapper in cache.values():
        wrapper.close()
    cache.clear()


# -- the Session side: FEATURES entries (see session.py) ---------------------------------------


def refuse_local_redirects(session: requests.Session) -> None:
    """Make ``session`` refuse redirects into the adapters of this module.

    requests follows a redirect to any URL an adapter is mounted for: an http server could
    make ``session.get(url)`` read a local file.  While the Session resolves redirects, these
    adapters raise :class:`requests.exceptions.InvalidSchema` instead (what requests raises
    for a redirect to a scheme with no adapter).
    """
    current: Any = session.resolve_redirects
    if getattr(current, "refuses_local_redirects", False):
        return

    def resolve_redirects(*args: Any, **kwargs: Any) -> Iterator[Any]:
        hops = current(*args, **kwargs)
        while True:
            token = _following_redirect.set(True)
            try:
                hop = next(hops)
            except StopIteration:
                return
            finally:
                _following_redirect.reset(token)
            yield hop

    resolve_redirects.refuses_local_redirects = True  # type: ignore[attr-defined]
    session.resolve_redirects = resolve_redirects  # type: ignore[method-assign]


def mount_file(session: requests.Session, handler: urllib.request.FileHandler) -> None:
    refuse_local_redirects(session)
    session.mount("file:", FileAdapter(handler))


def mount_data(session: requests.Session, handler: urllib.request.DataHandler) -> None:
    refuse_local_redirects(session)
    session.mount("data:", DataAdapter(handler))


def mount_ftp(session: requests.Session, handler: urllib.request.FTPHandler) -> None:
    refuse_local_redirects(session)
    session.mount("ftp:", FTPAdapter(handler))
