"""A raw-socket HTTP/1.1 server on loopback for fault, security, reuse-safety and fuzz tests.

Unlike :class:`.servers.RecordingServer` (``http.server`` underneath), every byte here is
the test's: a route gets the parsed request and the socket, and may answer, stall, send half a
status line, reset, close after the body or keep writing after it.  The server parses requests
strictly by their framing (``Content-Length`` or chunked) and records every request it parses,
per connection, so a test can tell when bytes of one exchange were taken for another request
(request smuggling, a desynchronised pool).  It honours ``Connection: close`` from the client
as a real server does, so urllib's requests (always ``close``) are parsed one per connection.
It offers what :func:`tests.support.differential.assert_same` needs of a server (``reset``,
``received`` with ``comparable()``), plus every byte each connection received (``raw``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

from .servers import Received


class ParseError(Exception):
    """The bytes on a connection are not a well-framed request."""


@dataclasses.dataclass
class Parsed(Received):
    """One request as the server parsed it, with the bytes it was parsed from."""

    raw: bytes = b""

    @property
    def line(self) -> bytes:
        """The request line as received."""
        return f"{self.method} {self.target} {self.version}".encode("latin-1")


class Conn:
    """The server side of one TCP connection, as a route sees it."""

    def __init__(self, sock: socket.socket, number: int, stopped: threading.Event) -> None:
        self.sock = sock
        self.stopped = stopped
        self.number = number
        self.buffer = bytearray()
        self.raw = bytearray()  # every byte received
        self.closed = False

    # -- reading ---------------------------------------------------------------------------
    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buffer += data
        self.raw += data
        return True

    def readline(self, limit: int = 65536) -> bytes:
        while b"\n" not in self.buffer:
            if len(self.buffer) > limit:
                raise ParseError("line too long")
            if not self._fill():
                line = bytes(self.buffer)
                self.buffer.clear()
                return line
        end = self.buffer.index(b"\n") + 1
        line = bytes(self.buffer[:end])
        del self.buffer[:end]
        return line

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            if not self._fill():
                raise ParseError(f"body truncated: {len(self.buffer)} of {n} bytes")
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    # -- writing and ending ----------------------------------------------------------------
    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def fin(self) -> None:
        """Close cleanly (FIN)."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()

    def reset(self) -> None:
        """Close abruptly (RST)."""
        if not self.closed:
            self.closed = True
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()


#: A route: answers (or breaks) one request.  Returns whether the connection stays open for the
#: next request (``True``: keep-alive, as a well-behaved HTTP/1.1 server).
Route = Callable[[Parsed, Conn], bool]


def response(
    status: int = 200,
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
    reason: str = "OK",
    length: bool = True,
) -> bytes:
    """The bytes of a simple response."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    for k, v in headers or []:
        lines.append(f"{k}: {v}")
    if length and not any(
        k.lower() in {"content-length", "transfer-encoding"} for k, _ in headers or []
    ):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def own_body(req: Parsed) -> bytes:
    """The body the default route answers with: names the request, so a response that reaches
    the wrong caller is told apart."""
    return f"ok {req.method} {req.target}".encode("latin-1", "replace")


def ok(req: Parsed, conn: Conn) -> bool:
    """The default route: 200 with :func:`own_body` (its length only, for HEAD); keep-alive."""
    body = own_body(req)
    headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
    conn.send(response(200, b"" if req.method == "HEAD" else body, headers))
    return True


def raw(data: bytes, then: str = "keep", delay: float = 0.0, after: bytes = b"") -> Route:
    """A route that writes ``data``; then, after ``delay``, writes ``after`` and keeps the
    connection (``keep``), closes it (``fin``), resets it (``reset``) or just stops (``stop``:
    the connection stays open but no further request is read)."""

    def route(req: Parsed, conn: Conn) -> bool:
        if data:
            conn.send(data)
        if delay:
            time.sleep(delay)
        if after:
            conn.send(after)
        if then == "fin":
            conn.fin()
        elif then == "reset":
            conn.reset()
        elif then == "stop":
            conn.stopped.wait(30)  # stalls until the server stops
        return then == "keep"

    return route


def reply(
    status: int = 200,
    body: bytes = b"",
    headers: str = "",
    then: bytes = b"",
    delay: float = 0.0,
    keep: bool = True,
) -> Route:
    """A route that writes a response (with its Content-Length unless ``headers`` frames it),
    then, ``delay`` seconds later, the bytes ``then``."""

    def route(req: Parsed, conn: Conn) -> bool:
        head = f"HTTP/1.1 {status} X\r\n{headers}"
        if "content-length" not in headers.lower() and "transfer-encoding" not in headers.lower():
            head += f"Content-Length: {len(body)}\r\n"
        conn.send(head.encode("latin-1") + b"\r\n" + body)
        if then:
            time.sleep(delay)
            conn.send(then)
        return keep

    return route


def hello(req: Parsed, conn: Conn) -> bool:
    """A route answering ``hello <target>``, as :class:`~.servers.RecordingServer` does."""
    return reply(body=b"hello " + req.target.encode("latin-1"))(req, conn)


class RawServer:
    """A threaded raw-socket server: one thread per connection, requests parsed strictly."""

    def __init__(
        self, idle_close: float | None = None, tls: Any = None, lenient_te: bool = False
    ) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.idle_close = idle_close
        self.tls = tls
        #: a Transfer-Encoding other than chunked is ignored (the body is then empty), as some
        #: servers do, instead of RFC 9112's 400 and close
        self.lenient_te = lenient_te
        self.routes: dict[str, Route] = {}
        self.received: list[Parsed] = []
        self.errors: list[tuple[int, str]] = []
        self.conns: list[Conn] = []
        self._raw_marks: dict[int, int] = {}  # conn.number -> len(conn.raw) at the last reset
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    # -- configuration and inspection ------------------------------------------------------
    def route(self, path: str, route: Route) -> None:
        self.routes[path] = route

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    @property
    def connections(self) -> int:
        return len(self.conns)

    @property
    def raw(self) -> dict[int, bytes]:
        """Every byte each connection received since the last :meth:`reset` (by number)."""
        with self._lock:
            return {c.number: bytes(c.raw[self._raw_marks.get(c.number, 0) :]) for c in self.conns}

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self.errors.clear()
            self._raw_marks = {c.number: len(c.raw) for c in self.conns}

    def targets(self) -> list[str]:
        return [r.target for r in self.received]

    # -- running ---------------------------------------------------------------------------
    def start(self) -> RawServer:
        self._accepter.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        with contextlib.suppress(OSError):
            self.listener.close()
        with self._lock:
            conns = list(self.conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.closed = True
                c.sock.close()
        self._accepter.join(5)
        for t in list(self._threads):
            t.join(0.1)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                conn = Conn(sock, len(self.conns) + 1, self._stopping)
                self.conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: Conn) -> None:
        try:
            if self.tls is not None:
                conn.sock = self.tls.wrap_socket(conn.sock, server_side=True)
            first = True
            while not conn.closed:
                conn.sock.settimeout(None if first or self.idle_close is None else self.idle_close)
                try:
                    req = self._parse(conn)
                except (TimeoutError, socket.timeout):
                    break  # idle keep-alive connection: closed without a word, as servers do
                if req is None:
                    break
                conn.sock.settimeout(None)
                first = False
                with self._lock:
                    self.received.append(req)
                route = self.routes.get(req.target.split("?", 1)[0]) or self.routes.get("*") or ok
                keep = route(req, conn)
                if not keep or (req.header("Connection") or "").lower() == "close":
                    break
        except ParseError as exc:
            with self._lock:
                self.errors.append((conn.number, str(exc)))
            with contextlib.suppress(OSError):
                if not conn.closed:
                    conn.sock.settimeout(0.2)  # what the client still sends, for the record
                    with contextlib.suppress(OSError):
                        while conn._fill():
                            pass
                    conn.send(response(400, b"bad request", [("Connection", "close")]))
        except OSError:
            pass
        finally:
            conn.fin()

    def _parse(self, conn: Conn) -> Parsed | None:
        start = len(conn.raw) - len(conn.buffer)
        req = self._parse_from(conn)
        if req is not None:
            req.raw = bytes(conn.raw[start : len(conn.raw) - len(conn.buffer)])
        return req

    def _parse_from(self, conn: Conn) -> Parsed | None:
        line = conn.readline()
        if line in (b"\r\n", b"\n"):  # RFC 9112 2.2: one stray CRLF before a request is ignored
            line = conn.readline()
        if not line:
            return None
        if not line.endswith(b"\r\n"):
            raise ParseError(f"incomplete request line {line!r}")
        parts = line[:-2].decode("latin-1").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise ParseError(f"bad request line {line!r}")
        method, target, version = parts
        headers: list[tuple[str, str]] = []
        while True:
            h = conn.readline()
            if h in (b"\r\n", b"\n"):
                break
            if not h.endswith(b"\n"):
                raise ParseError("headers truncated")
            name, sep, value = h.decode("latin-1").partition(":")
            if not sep or name != name.strip() or not name:
                raise ParseError(f"bad header line {h!r}")
            headers.append((name, value.strip()))
            if len(headers) > 200:
                raise ParseError("too many headers")
        req = Parsed(method, target, version, headers, b"", conn.number)
        te = req.header("Transfer-Encoding")
        cl = [v for k, v in headers if k.lower() == "content-length"]
        if te is not None and self.lenient_te and "chunked" not in te.lower():
            te = None
        if te is not None:
            if cl:
                raise ParseError("both Content-Length and Transfer-Encoding")
            if te.lower().replace(" ", "").split(",")[-1] != "chunked":
                raise ParseError(f"cannot frame a body with Transfer-Encoding: {te}")
            req.body = self._chunked(conn)
        elif cl:
            if len(set(cl)) != 1 or not cl[0].isdigit():
                raise ParseError(f"bad Content-Length {cl}")
            req.body = conn.read(int(cl[0]))
        return req

    @staticmethod
    def _chunked(conn: Conn) -> bytes:
        chunks = []
        while True:
            size_line = conn.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise ParseError(f"bad chunk size {size_line!r}") from None
            if size == 0:
                while True:
                    trailer = conn.readline()
                    if trailer in (b"\r\n", b"\n"):
                        return b"".join(chunks)
                    if not trailer:
                        raise ParseError("chunked body truncated")
            chunks.append(conn.read(size))
            if conn.read(2) != b"\r\n":
                raise ParseError("chunk not followed by CRLF")
