"""Mirror of :mod:`urllib.response`, plus the response object for http(s) URLs.

``urlopen`` on an http(s) URL returns :class:`HTTPResponse`: a subclass of the
:class:`http.client.HTTPResponse` urllib returns, whose body is read by http.client itself.
urllib3 parses every response with an ``http.client.HTTPResponse`` of its own and reads the body
through it; we read through that same object, so ``read``/``read1``/``readinto``/``readline``/
``peek``, chunked decoding, ``length``, truncation (``IncompleteRead``) and timeouts are exactly
urllib's, and the connection goes back to urllib3's pool once the body is read.
"""

from __future__ import annotations

import email.parser
import http.client
import io
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar
from urllib.response import addbase, addclosehook, addinfo, addinfourl

from . import _seams
from ._exceptions import translated

if TYPE_CHECKING:
    import requests
    import urllib3
    from _typeshed import WriteableBuffer

_T = TypeVar("_T")

__all__ = ["HTTPResponse", "addbase", "addclosehook", "addinfo", "addinfourl"]


class HTTPResponse(http.client.HTTPResponse):
    """What ``urlopen`` returns for http(s): urllib's response over a ``requests.Response``.

    A subclass of :class:`http.client.HTTPResponse`, so legacy ``isinstance`` checks hold;
    reading goes to the http.client response urllib3 parsed (for a response that did not come
    from a socket, e.g. from ``responses``, to one replaying the engine's stream).
    ``requests_response`` is the underlying :class:`requests.Response` for code migrating to
    requests; read the body through one of the two, not both.
    """

    def __init__(self, requests_response: requests.Response, url: str) -> None:
        # http.client.HTTPResponse.__init__ wants a socket: the parsing was done by urllib3.
        io.BufferedIOBase.__init__(self)
        try:
            self._view(requests_response, url)
        except BaseException:
            # The exchange ends before its body was framed here: its connection, with the rest
            # of the response on it, is closed, never given back to the pool.
            requests_response.close()
            self._released = True
            self._response = _detached()  # what close() (also from __del__) then sees
            raise

    def _view(self, requests_response: requests.Response, url: str) -> None:
        raw = requests_response.raw
        self.requests_response = requests_response
        self.url = url
        self.status = self.code = int(requests_response.status_code)
        self.reason = str(requests_response.reason or "")
        self.msg = self.reason  # type: ignore[assignment]  # urllib's do_open does the same
        self.debuglevel = 0
        method = requests_response.request.method if requests_response.request else None
        self._method = method
        response = _seams.wire_response(raw)
        if response is not None:
            self._response = response
            self.headers = response.msg
            if response.chunked and self.status in (204, 304) and method != "HEAD":
                self._response = self._unsent_chunks(requests_response)
        else:  # not from a socket (a mock): replay the engine's stream through http.client
            self.headers = _http_message(raw)
            self._response = _replayed(raw, self.status, self.headers, method)
        self.version = self._response.version
        self._released = False
        if self._response.isclosed():
            self._release()

    def _unsent_chunks(self, requests_response: requests.Response) -> http.client.HTTPResponse:
        """A 204 or 304 announcing chunked framing: http.client reads its body as chunks, which
        such a server does not send.  urllib's server, told ``Connection: close``, closes after
        the headers, and the read ends at once (``IncompleteRead``); on a kept-alive connection
        it would wait for the timeout.  The body is read as urllib finds it, and the connection
        (never reusable after such a response) is closed."""
        requests_response.close()
        self._released = True
        head = b"HTTP/1.1 %d X\r\nTransfer-Encoding: chunked\r\n\r\n" % self.status
        return _parsed(io.BytesIO(head), self._method, self.headers)

    # -- http.client's state, read from the response that holds it ---------------------------
    @property
    def fp(self) -> io.BufferedReader:
        return self._response.fp

    @fp.setter
    def fp(self, value: io.BufferedReader | None) -> None:
        """``fp = None`` detaches this view unread: the stream stays the requests.Response's."""
        if value is not None:
            raise AttributeError("fp can only be detached (set to None)")
        self._released = True
        self._response = _detached()

    @property
    def length(self) -> int | None:  # type: ignore[override]
        return self._response.length

    @property
    def chunked(self) -> bool:  # type: ignore[override]
        return bool(self._response.chunked)

    @property
    def will_close(self) -> bool:  # type: ignore[override]
        return bool(self._response.will_close)

    def isclosed(self) -> bool:
        return self._response.isclosed()

    def fileno(self) -> int:
        return self._response.fileno()

    # -- the connection -----------------------------------------------------------------------
    def _release(self) -> None:
        """End of body: the connection goes back to the pool, which keeps it only if the
        exchange really ended there (see ``transport._ReuseGuardPool``: a 1xx or a 204/304
        announcing a body does not end it, nor does a request framed in doubt)."""
        if not self._released:
            self._released = True
            # A raw response without a connection to give back (a recorder's replay) has none.
            release = getattr(self.requests_response.raw, "release_conn", None)
            if release is not None:
                release()

    def _close_conn(self) -> None:
        _seams.close_response_connection(self._response)
        self._release()

    def buffer_body(self, limit: int) -> bool:
        """Read a body of known length up to ``limit`` bytes into memory and give the
        connection back to the pool now; reads go on from memory.  For responses the handler
        chain answers with a new request (auth challenges), so the retry can reuse the
        connection.  False (nothing done) when the length is unknown or too large, or when the
        body is already being read."""
        response = self._response
        if (
            response.isclosed()
            or response.chunked
            or response.length is None
            or response.length > limit
        ):
            return False
        try:
            data = response.read()
        finally:
            self._after(None)
        head = f"HTTP/1.1 {self.status} X\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        self._response = _parsed(io.BytesIO(head + data), self._method, self.headers)
        return True

    def close(self) -> None:
        response = self._response
        if not response.isclosed():
            if response.length == 0:  # nothing left to read: the connection can be reused
                self._close_conn()
            else:  # closed before the end of the body: the connection cannot be reused
                self._released = True
                self.requests_response.raw.close()
                response.close()
        super().close()

    # -- reading: http.client's own code -------------------------------------------------------
    def _after(self, result: _T) -> _T:
        if self._response.fp is None:
            self._release()
        return result

    def read(self, amt: int | None = None) -> bytes:
        response = self._response
        if (
            amt is not None
            and amt < 0
            and READS_NEGATIVE_AMOUNTS
            and (response.chunked or response.length is not None)
        ):
            # http.client reads to EOF, which urllib's ``Connection: close`` puts at the end of
            # the body; on a kept-alive connection the end of the body is what it means.
            amt = response.length if response.length is not None else None
        try:
            data: bytes = response.read(amt)
        except BaseException:
            self._after(None)
            raise
        return self._after(data)

    def read1(self, n: int = -1) -> bytes:
        return self._after(self._response.read1(n))

    def readinto(self, b: WriteableBuffer) -> int:
        return self._after(self._response.readinto(b))

    def peek(self, n: int = -1) -> bytes:
        if self._response.length == 0:  # at the end of the body: EOF, not the next response
            return b""
        return self._after(self._response.peek(n))

    def readline(self, limit: int | None = -1) -> bytes:
        return self._after(self._response.readline(-1 if limit is None else limit))


class _EngineStream(io.RawIOBase):
    """A status line and headers, then the undecoded body of a urllib3 response."""

    def __init__(self, head: bytes, raw: urllib3.HTTPResponse) -> None:
        self._head = head
        self._raw = raw
        raw.enforce_content_length = False  # a short body ends: http.client judges it

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n], self._head = self._head[:n], self._head[n:]
            return n
        with translated("read"):
            data = self._raw.read(len(view), decode_content=False)
        view[: len(data)] = data
        return len(data)


class _ReplaySocket:
    def __init__(self, stream: io.BufferedReader) -> None:
        self._stream = stream

    def makefile(self, mode: str) -> io.BufferedReader:
        return self._stream


def _replayed(
    raw: urllib3.HTTPResponse, status: int, headers: http.client.HTTPMessage, method: str | None
) -> http.client.HTTPResponse:
    """An http.client response over the engine's stream: the body's framing is the length
    the headers give (else up to the end of the stream), as http.client would read it."""
    framing = [(k, v) for k, v in headers.items() if k.lower() == "content-length"]
    head = (
        f"HTTP/1.1 {status} X\r\n".encode()
        + b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in framing)
        + b"\r\n"
    )
    return _parsed(_EngineStream(head, raw), method, headers)


def _parsed(
    source: io.RawIOBase | io.BytesIO, method: str | None, headers: http.client.HTTPMessage
) -> http.client.HTTPResponse:
    """An http.client response that reads its status line, framing and body from ``source``
    (a raw stream), showing ``headers`` as its own."""
    stream = io.BufferedReader(source)
    response = http.client.HTTPResponse(_ReplaySocket(stream), method=method)  # type: ignore[arg-type]
    response.begin()
    response.msg = headers
    return response


def _detached() -> http.client.HTTPResponse:
    """A closed http.client response: what a detached view reads from (EOF)."""
    response = http.client.HTTPResponse(_ReplaySocket(io.BufferedReader(io.BytesIO())))  # type: ignore[arg-type]
    response.length = None
    _seams.close_response_connection(response)
    return response


def _http_message(raw: urllib3.BaseHTTPResponse | None) -> http.client.HTTPMessage:
    """The headers of a response that did not come from http.client, as urllib exposes them."""
    original = _seams.original_message(raw)
    if original is not None:
        return original
    items: Iterable[tuple[str, str]] = raw.headers.items() if raw is not None else ()
    text = "".join(f"{k}: {v}\r\n" for k, v in items) + "\r\n"
    parsed = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    assert isinstance(parsed, http.client.HTTPMessage)
    return parsed


#: http.client's ``read(-1)`` reads to the end from Python 3.10 on; 3.9's raises
#: ``ValueError('negative count')``, so there ``read(-1)`` is left to it, as urllib's is.
READS_NEGATIVE_AMOUNTS = sys.version_info >= (3, 10)
