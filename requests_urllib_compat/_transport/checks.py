"""http.client's side of a request: the checks it makes before sending, and bodies as it sends them.

A leaf of :mod:`._transport` (it imports none of its layers): :func:`.handlers.send` runs the
checks so a request fails as urllib's would (same error, same order) before anything is sent,
and converts the body; :mod:`.dispatch` reads a text file body as http.client would.  The checks
depend only on what they check, so each passed one is remembered in a bounded set.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

from urllib3.util import SKIP_HEADER

from .. import _seams
from .._cache import RecentlyUsed
from ..error import URLError

_HTTP_CONNECTION: Any = http.client.HTTPConnection
#: Captured at import: a recorder (vcrpy) replaces http.client's classes with its own.
_HTTPS_CONNECTION: Any = http.client.HTTPSConnection


class _HeaderCheck(http.client.HTTPConnection):
    """http.client's own ``putheader`` checks, with nothing buffered: a connection that is never
    opened, always in the "request started" state, whose output goes nowhere (so one instance
    serves every thread)."""

    class _Nowhere(list):  # type: ignore[type-arg]
        def append(self, item: Any) -> None:
            pass

    def __init__(self) -> None:  # no super().__init__: nothing to connect to
        setattr(self, _seams.HTTPCONNECTION_BUFFER, self._Nowhere())
        setattr(self, _seams.HTTPCONNECTION_STATE, _seams.CS_REQ_STARTED)


_HEADER_CHECK = _HeaderCheck()

#: A host urllib3 parses as the socket module reads it: a plain name (labels of 1 to 63
#: characters), an IPv4 address or a bracketed IPv6 address, with an optional decimal port.
#: Any other host goes through :func:`_connect_netloc`.
_PLAIN_HOST = re.compile(
    r"(?:(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)
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


def _http_client_checks(
    req: urllib.request.Request, host: str, method: str, selector: str, headers: dict[str, Any]
) -> tuple[str, str | None]:
    """Run the checks http.client makes before connecting, in its order, raising its errors;
    return the host (``host[:port]``) to hand to urllib3, which would parse it otherwise, and
    the same for the origin of a CONNECT tunnel, if any.

    As ``do_open``: the connection is made for ``host`` (``InvalidURL`` for a bad port or a
    control character or space in the name), ``set_tunnel`` reads the origin's port, then
    ``putrequest`` checks the method and target and ``putheader`` each header
    (``ValueError``, ``UnicodeEncodeError`` beyond Latin-1).
    """
    scheme = req.type
    plain = _checked_hosts.get((scheme, host)) is not None
    if not plain:
        connection: Any = _HTTPS_CONNECTION if scheme == "https" else _HTTP_CONNECTION
        hostname, port = _seams.host_and_port(connection, host)  # InvalidURL
        _seams.validate_host(hostname)  # InvalidURL: control characters
    tunnel_host = _seams.tunnel_host(req)
    if tunnel_host:
        tunnel_host = _tunnel_netloc(tunnel_host)
    if _checked_request_lines.get((method, selector)) is None:
        _seams.validate_method(method)
        _seams.validate_path(selector)
        f"{method} {selector} HTTP/1.1".encode("ascii")
        if type(method) is str and type(selector) is str:
            _checked_request_lines[method, selector] = True
    checked = _checked_headers.get  # (a local: one lookup per header)
    for name, value in headers.items():
        if value is SKIP_HEADER:
            continue
        if type(name) is str and type(value) is str:  # (a subclass may change its hash)
            if checked((name, value)) is None:
                _HEADER_CHECK.putheader(name, value)
                _checked_headers[name, value] = True
        else:
            _HEADER_CHECK.putheader(name, value)
    if plain:
        return host, tunnel_host
    if port <= 65535 and _PLAIN_HOST.fullmatch(host):
        _checked_hosts[scheme, host] = True
        return host, tunnel_host
    return _connect_netloc(hostname, port), tunnel_host


#: Header (name, value) pairs of ``str`` that passed http.client's ``putheader`` checks, the
#: (method, target) pairs that passed ``putrequest``'s, and the (scheme, host) pairs that passed
#: its host checks as a plain host: the checks depend on nothing else, so a request repeating
#: them (most do) skips them.  Sets in effect (every value is ``True``), bounded like every
#: cache here: a hit is one dict lookup, the oldest entry goes when one is added to a full one.
_checked_headers: RecentlyUsed[tuple[str, str], bool] = RecentlyUsed(512)
_checked_request_lines: RecentlyUsed[tuple[str, str], bool] = RecentlyUsed(512)
_checked_hosts: RecentlyUsed[tuple[str, str], bool] = RecentlyUsed(512)


def _tunnel_netloc(origin: str) -> str:
    """The CONNECT target as ``set_tunnel`` reads it (``InvalidURL`` for a port ``int()``
    cannot read, ``+443`` for 443), for urllib3.  The proxy resolves it, not us."""
    name, port = _seams.host_and_port(_HTTPS_CONNECTION, origin)
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
            raise TypeError(
                f"message_body should be a bytes-like object or an iterable, got {type(data)!r}"
            ) from None
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
