"""Mirror of :mod:`urllib.response`, plus the response object for http(s) URLs.

``urlopen`` on an http(s) URL returns :class:`HTTPResponse`: the interface of the
:class:`http.client.HTTPResponse` urllib returns (it is a subclass, so ``isinstance`` checks in
legacy code hold), reading the body as the server sent it, from a pooled connection.
"""

from __future__ import annotations

import email.parser
import http.client
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.response import addbase, addclosehook, addinfo, addinfourl

import urllib3.exceptions as u3

from ._exceptions import translated

if TYPE_CHECKING:
    import requests

__all__ = ["HTTPResponse", "addbase", "addclosehook", "addinfo", "addinfourl"]

_CHUNK = 64 * 1024


class _Body(io.RawIOBase):
    """The undecoded body of a urllib3 response as a raw stream, with http.client's rules for a
    body cut short: ``read(n)`` sees end of file, ``read()`` raises ``IncompleteRead``."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.truncated: int | None = None  # bytes still expected when the body was cut short

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.truncated is not None:
            return 0
        view = memoryview(buffer).cast("B")
        with translated("read"):
            try:
                data = self._raw.read(len(view), decode_content=False)
            except u3.ProtocolError as exc:
                cut = next((a for a in exc.args if isinstance(a, u3.IncompleteRead)), None)
                if cut is None:
                    raise
                self.truncated = int(cut.expected)
                return 0
        if not data:
            return 0
        n = len(data)
        view[:n] = data
        return n

    def fileno(self) -> int:
        return int(self._raw.fileno())


class HTTPResponse(http.client.HTTPResponse):
    """What ``urlopen`` returns for http(s): urllib's response over a ``requests.Response``.

    A subclass of :class:`http.client.HTTPResponse`, so legacy ``isinstance`` checks hold and
    ``info``, ``geturl``, ``getcode``, ``getheader(s)``, ``isclosed``, ``fileno`` and iteration
    are http.client's own.  ``requests_response`` is the underlying :class:`requests.Response`
    for code migrating to requests; read the body through one of the two, not both.
    """

    fp: io.BufferedReader | None  # type: ignore[assignment]

    def __init__(self, requests_response: requests.Response, url: str) -> None:
        # http.client.HTTPResponse.__init__ wants a socket: everything it sets up is set here.
        io.BufferedIOBase.__init__(self)
        raw = requests_response.raw
        self.requests_response = requests_response
        self.url = url
        self.status = self.code = int(requests_response.status_code)
        self.reason = str(requests_response.reason or "")
        self.headers = _http_message(raw)
        self.msg = self.reason  # type: ignore[assignment]  # urllib's do_open does the same
        self.version = int(getattr(raw, "version", 11) or 11)
        self.debuglevel = 0
        self.chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
        length = self.headers.get("Content-Length", "")
        self.length = int(length) if length.isdigit() and not self.chunked else None
        self.will_close = False
        self._method = requests_response.request.method if requests_response.request else None
        self._body = _Body(raw)
        self.fp = io.BufferedReader(self._body, _CHUNK)
        if (self._method == "HEAD" or self.status in (204, 304)
                or 100 <= self.status < 200):
            self.length = 0  # as http.client's begin(): no body follows
        if self._method == "HEAD":
            self._close_conn()

    def __repr__(self) -> str:
        return f"<HTTPResponse [{self.status} {self.reason}] {self.url!r}>"

    def _close_conn(self) -> None:
        """End of body, as in http.client: the connection goes back to the pool."""
        if self.fp is not None:
            self.fp = None
            self.requests_response.close()

    def _consumed(self, n: int, wanted: int) -> None:
        """http.client's bookkeeping after a bounded read: ``length`` counts down, and the
        connection is released at end of body (``isclosed()`` then is True)."""
        if not n and wanted:
            self._close_conn()
        elif self.length is not None:
            self.length -= n
            if not self.length:
                self._close_conn()

    def close(self) -> None:
        if self.fp is not None:
            if self.length == 0:  # body read to its end: the connection can be reused
                self._close_conn()
            else:  # closed before the end of the body: drop the connection
                self.requests_response.raw.close()
        super().close()

    def read(self, amt: int | None = None) -> bytes:
        fp = self.fp
        if fp is None:
            return b""
        if amt is not None and (amt >= 0 or not self.chunked):
            if self.length is not None and amt > self.length:
                amt = self.length  # clip the read to the end of the body, as http.client
            data = fp.read(amt)
            self._consumed(len(data), amt)
            return data
        chunks: list[bytes] = []
        try:
            while chunk := fp.read(_CHUNK):
                chunks.append(chunk)
        except http.client.IncompleteRead as exc:  # a chunked body cut short, as http.client
            self._close_conn()
            raise http.client.IncompleteRead(b"".join(chunks) + exc.partial, exc.expected) from exc
        data = b"".join(chunks)
        self._close_conn()
        if self._body.truncated is not None:
            raise http.client.IncompleteRead(data, self._body.truncated or None)
        if self.length is not None:
            self.length = 0
        return data

    def read1(self, n: int = -1) -> bytes:
        if self.fp is None:
            return b""
        if self.length is not None and (n < 0 or n > self.length):
            n = self.length
        data = self.fp.read1(n if n >= 0 else _CHUNK)
        if not data and n:
            self._close_conn()
        elif self.length is not None:
            self.length -= len(data)  # http.client does not close here: close() releases
        return data

    def readinto(self, b: Any) -> int:
        if self.fp is None:
            return 0
        view = memoryview(b).cast("B")
        if self.length is not None and len(view) > self.length:
            view = view[:self.length]
        n = self.fp.readinto(view)
        self._consumed(n, len(view))
        return n

    def peek(self, n: int = -1) -> bytes:
        if self.fp is None:
            return b""
        return self.fp.peek(n if n > 0 else 1)

    def readline(self, limit: int | None = -1) -> bytes:
        if self.fp is None:
            return b""
        limit = -1 if limit is None else limit
        if self.length is not None and (limit < 0 or limit > self.length):
            limit = self.length
        line = self.fp.readline(limit)
        if not line and limit:
            self._close_conn()
        elif self.length is not None:
            self.length -= len(line)
        return line


def _http_message(raw: Any) -> http.client.HTTPMessage:
    """The headers as urllib exposes them: the ``HTTPMessage`` http.client parsed when there is
    one (so duplicates, order and case are the server's), else one built from urllib3's."""
    original = getattr(getattr(raw, "_original_response", None), "msg", None)
    if isinstance(original, http.client.HTTPMessage):
        return original
    items: Iterable[tuple[str, str]] = raw.headers.items() if raw is not None else ()
    text = "".join(f"{k}: {v}\r\n" for k, v in items) + "\r\n"
    parsed = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    assert isinstance(parsed, http.client.HTTPMessage)
    return parsed
