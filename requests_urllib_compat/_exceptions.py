"""One table from requests/urllib3 exceptions to what ``urllib.request`` raises, and the one
table back.

urllib wraps failures of *connecting and sending* in :class:`~urllib.error.URLError`, and lets
failures of *waiting for and reading the response* out as they are (``TimeoutError``,
``http.client.RemoteDisconnected``, ``IncompleteRead``...).  requests wraps everything in its own
hierarchy.  :func:`translated` is the one boundary where the engine's exceptions are turned back
into urllib's; the original is always kept as ``__cause__``.

The other way (:data:`REVERSE_TABLE`): where urllib's own handlers serve a requests Session
(``file:``, ``data:`` and ``ftp:`` adapters, :mod:`.schemes`), what they raise is raised as the
requests exception a requests caller catches, the urllib exception kept as ``__cause__``.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Callable, Literal
from urllib.error import URLError

import requests.exceptions as rex
import urllib3.exceptions as u3

if TYPE_CHECKING:
    import requests

Phase = Literal["send", "read"]
"""``send``: connecting, sending and waiting for the status line; ``read``: reading the body."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and everything it wraps (args, ``reason``, causes), outermost first."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        cur = todo.pop(0)
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        inner: list[object] = [getattr(cur, "reason", None), *cur.args]
        inner += [cur.__cause__, cur.__context__]
        todo += [e for e in inner if isinstance(e, BaseException)]


def _first(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The outermost exception of ``kind`` wrapped in ``exc`` that is not the engine's own."""
    for e in _chain(exc):
        if isinstance(e, kind) and not isinstance(e, (rex.RequestException, u3.HTTPError)):
            return e
    return None


#: What the socket module raises on a timeout, so what urllib lets out or wraps:
#: ``socket.timeout``, an alias of ``TimeoutError`` from Python 3.10 on (on 3.9, an ``OSError``
#: subclass that is *not* a ``TimeoutError``; legacy code catches ``socket.timeout``).
TIMEOUTS = (TimeoutError, socket.timeout)


def _timeout() -> OSError:
    return socket.timeout("timed out")


_CONNECT_MARK = "urllib_connect_failure"


def mark_connect_failure(exc: BaseException) -> None:
    """Mark ``exc`` as raised while connecting or sending the request (our connection's
    ``connect()`` and ``request()``): whatever the engine wraps it in, urllib's ``do_open``
    would have raised ``URLError(exc)``."""
    setattr(exc, _CONNECT_MARK, True)


def _marked_connect_failure(exc: BaseException) -> BaseException | None:
    """``URLError(<the error>)`` for a failure marked by :func:`mark_connect_failure`: a TLS
    handshake or a request body that timed out or was reset, which urllib3 reports as a read
    timeout or a dropped connection (on Python 3.9 the timeout stays a ``socket.timeout``)."""
    for e in _chain(exc):
        if getattr(e, _CONNECT_MARK, False):
            return URLError(e)
    return None


def _connect_failure(exc: BaseException) -> BaseException:
    """Connecting failed: ``URLError(<the OSError the socket raised>)``, like ``do_open``."""
    for kind in (ssl.SSLError, ssl.CertificateError, socket.gaierror):
        inner = _first(exc, kind)
        if inner is not None:
            return URLError(inner)
    inner = _first(exc, OSError)
    if inner is not None and not isinstance(inner, TIMEOUTS):
        return URLError(inner)
    # urllib3's NewConnectionError subclasses ConnectTimeoutError: check timeouts last.
    if any(isinstance(e, (u3.ConnectTimeoutError, *TIMEOUTS)) for e in _chain(exc)):
        return URLError(_timeout())
    # e.g. ``responses``' "Connection refused by Responses": no socket error inside.
    return URLError(redacted(str(exc.args[0]) if exc.args else str(exc)))


def _response_failure(exc: BaseException) -> BaseException:
    """The server answered badly or not in time: the raw http.client/socket error."""
    if any(isinstance(e, (u3.ReadTimeoutError, *TIMEOUTS)) for e in _chain(exc)):
        return _timeout()
    inner = _first(exc, http.client.HTTPException)
    if inner is None:
        inner = _first(exc, OSError)
    if inner is not None:
        return inner
    return _connect_failure(exc)


def _ssl_failure(exc: BaseException) -> BaseException:
    inner = _first(exc, ssl.SSLError)
    return inner if inner is not None else _response_failure(exc)


Translator = Callable[[BaseException], BaseException]

#: Engine exception -> translator, per phase.  The first matching row wins, so subclasses come
#: before their bases.
EXCEPTION_TABLE: dict[Phase, list[tuple[type[BaseException], Translator]]] = {
    "send": [
        # A proxy that refuses the tunnel, is down or hangs up: urllib's URLError(the OSError
        # inside: "Tunnel connection failed: 403 ...", the refusal, the reset), as for a server.
        (rex.ProxyError, _connect_failure),
        (rex.SSLError, _connect_failure),
        (rex.ConnectTimeout, _connect_failure),
        (rex.ReadTimeout, lambda e: _marked_connect_failure(e) or _timeout()),
        (rex.InvalidHeader, lambda e: ValueError(str(e))),
        (rex.ConnectionError, lambda e: _send_connection_error(e)),
        (rex.RequestException, _connect_failure),
        (u3.HTTPError, _connect_failure),
    ],
    "read": [
        (u3.ReadTimeoutError, lambda e: _timeout()),
        (u3.SSLError, _ssl_failure),
        (u3.ProtocolError, _response_failure),
        # (requests' ContentDecodingError is both: its own hierarchy first, as in "send")
        (rex.RequestException, _response_failure),
        (u3.HTTPError, _response_failure),
    ],
}


def _send_connection_error(exc: BaseException) -> BaseException:
    """``ConnectionError`` covers both phases: it is a response failure when the connection was
    made and the server then hung up or sent garbage (urllib3's ``ProtocolError``), except
    while the connection was still being set up (a TLS handshake reset)."""
    marked = _marked_connect_failure(exc)
    if marked is not None:
        return marked
    if any(isinstance(e, u3.ProtocolError) for e in _chain(exc)):
        return _response_failure(exc)
    if any(isinstance(e, u3.ReadTimeoutError) for e in _chain(exc)):
        return _timeout()
    return _connect_failure(exc)


def translate(exc: BaseException, phase: Phase) -> BaseException | None:
    """The urllib exception for an engine exception, or None when ``exc`` is not the engine's."""
    for kind, translator in EXCEPTION_TABLE[phase]:
        if isinstance(exc, kind):
            return translator(exc)
    return None


#: A URL's query (after a path or host) and userinfo, as engine messages print them
#: (``Max retries exceeded with url: /p?token=...``, ``http://user:pw@proxy``).
_QUERY = re.compile(r"(?<=[^\s'\"(=:?])\?\S+")
_USERINFO = re.compile(r"(?<=://)[^/\s@'\"]+@")


def redacted(text: str) -> str:
    """``text`` without the query strings and userinfo of the URLs it shows."""
    if "?" not in text and "@" not in text:
        return text
    return _QUERY.sub("?[redacted]", _USERINFO.sub("[redacted]@", text))


def scrub(exc: BaseException) -> None:
    """Redact the engine's exceptions chained to ``exc`` (their messages, args and ``url``):
    they stay as ``__cause__`` for debugging, but a printed or logged traceback shows no token
    from a query string and no credentials (urllib's own tracebacks show no URL at all)."""
    for e in _chain(exc):
        if not isinstance(e, (rex.RequestException, u3.HTTPError)):
            continue
        e.args = tuple(redacted(a) if isinstance(a, str) else a for a in e.args)
        url = getattr(e, "url", None)
        if isinstance(url, str):
            setattr(e, "url", redacted(url))  # noqa: B010


class translated:  # (named as the function it replaced: ``with translated(phase):``)
    """Run a block so that no requests or urllib3 exception leaves it.

    A class rather than a ``@contextmanager`` generator: it wraps every request and every
    read, and a generator-based context manager costs several times more per use."""

    __slots__ = ("phase",)

    def __init__(self, phase: Phase) -> None:
        self.phase = phase

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(exc, (rex.RequestException, u3.HTTPError)):
            scrub(exc)
            new = translate(exc, self.phase)
            if new is not None:  # (always: each phase ends in rows for both roots)
                raise new from exc
        # (any other exception goes on as raised)


# -- the other way: urllib's exceptions as requests' --------------------------------------------


def timed_out(exc: URLError) -> bool:
    """Whether urllib's error is a timeout: its ``reason``, or the exception it was raised from
    (Python 3.9's ``FTPHandler`` gives a string reason, ``"ftp error: timeout('timed out')"``)."""
    return any(isinstance(e, TIMEOUTS) for e in (exc.reason, exc.__cause__, exc.__context__))


def _url_error(exc: BaseException, request: requests.PreparedRequest) -> rex.RequestException:
    """Opening failed before any byte of the body: a timeout is a ``ConnectTimeout`` (also a
    ``Timeout``), anything else a ``ConnectionError`` (``HTTPError`` and
    ``ContentTooShortError`` are ``URLError`` too), with the urllib exception as argument."""
    if isinstance(exc, URLError) and timed_out(exc):
        return rex.ConnectTimeout(exc, request=request)
    return rex.ConnectionError(exc, request=request)


def _bad_url(exc: BaseException, request: requests.PreparedRequest) -> rex.RequestException:
    """urllib's ``ValueError`` for a malformed URL (a ``data:`` URL without a comma, bad
    base64): requests' ``InvalidURL``, itself a ``ValueError`` too."""
    return rex.InvalidURL(str(exc), request=request)


ReverseTranslator = Callable[[BaseException, "requests.PreparedRequest"], rex.RequestException]

#: urllib exception -> the requests exception raised instead; the first matching row wins, so
#: subclasses come before their bases.  Anything else goes on as raised.
REVERSE_TABLE: list[tuple[type[BaseException], ReverseTranslator]] = [
    (URLError, _url_error),
    (ValueError, _bad_url),
]


def as_requests_exception(
    exc: BaseException, request: requests.PreparedRequest
) -> rex.RequestException | None:
    """The requests exception for what a urllib handler raised, or None when ``exc`` is not
    one of urllib's failures (it then goes on as raised)."""
    for kind, translator in REVERSE_TABLE:
        if isinstance(exc, kind):
            return translator(exc, request)
    return None
