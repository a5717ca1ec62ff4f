"""A raw-socket HTTP/1.1 server on loopback, for faults a well-behaved server never makes.

Each connection is read as a server would read it: request line, headers, a body framed by
``Transfer-Encoding: chunked`` or ``Content-Length`` (else none), then the next request on the
same connection, until the client closes, the request says ``Connection: close`` or the answer
says to stop.  Whatever is parsed is recorded, bogus request lines too: bytes a client sends
beyond its request's framing show up as an unrelated request.  ``answer(request, sock)`` writes
the response bytes itself (late, broken, or several) and returns False to close the connection.

It offers what :func:`tests.differential.assert_same` needs of a server (``reset``,
``received`` with ``comparable()``), plus every byte each connection received (``raw``).
"""

from __future__ import annotations

import dataclasses
import io
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Optional


@dataclasses.dataclass
class RawRequest:
    """One request as the server parsed it (``line`` is the request line as received)."""

    connection: int
    line: bytes
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def method(self) -> str:
        return self.line.split(b" ")[0].decode("latin-1")

    @property
    def target(self) -> str:
        parts = self.line.split(b" ")
        return parts[1].decode("latin-1") if len(parts) > 1 else ""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def comparable(self) -> tuple[Any, ...]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "connection"]
        return (self.line, headers, self.body)


Answer = Callable[[RawRequest, socket.socket], Optional[bool]]


class _Recorder(io.RawIOBase):
    """The socket's bytes, each also appended to ``log``."""

    def __init__(self, sock: socket.socket, log: bytearray) -> None:
        self._sock = sock
        self._log = log

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._sock.recv_into(buffer)
        self._log += memoryview(buffer)[:n]
        return n


class RawServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.received: list[RawRequest] = []
        self.raw: dict[int, bytearray] = {}  # by connection, in order (never renumbered)
        self._connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def connections(self) -> int:
        return self._connections

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            for log in self.raw.values():  # connections still open keep logging
                log.clear()
            self._connections = 0

    def start(self) -> RawServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        self._thread.join(5)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                sock.close()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                continue
            with self._lock:
                self._connections += 1
                number = self._connections
                self.raw[len(self.raw)] = log = bytearray()
                self._open.append(sock)
            threading.Thread(target=self._serve, args=(sock, number, log), daemon=True).start()

    def _serve(self, sock: socket.socket, number: int, log: bytearray) -> None:
        reader = io.BufferedReader(_Recorder(sock, log))
        try:
            sock.settimeout(5)
            while True:
                request = _read_head(reader, number)
                if request is None:
                    return
                with self._lock:  # recorded in the order requests begin
                    self.received.append(request)
                _read_body(reader, request)
                if request.line.count(b" ") != 2 or not request.line.endswith(b"HTTP/1.1"):
                    sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                    return
                keep = self.answer(request, sock)
                if keep is False or (request.header("Connection") or "").lower() == "close":
                    return
        except (OSError, ValueError):
            return
        finally:
            _lingering_close(sock, log)
            with self._lock:
                if sock in self._open:
                    self._open.remove(sock)


def _lingering_close(sock: socket.socket, log: bytearray) -> None:
    """Close as a careful server does: stop writing, then read what the client still sends
    until it closes (or half a second), so that unread bytes never turn the close into a reset
    that would race the client's reading of the response."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        while data := sock.recv(65536):
            log += data
    except OSError:
        pass
    sock.close()


def _read_head(reader: io.BufferedReader, number: int) -> RawRequest | None:
    line = reader.readline(65537)
    while line in (b"\r\n", b"\n"):  # RFC 9112: empty lines before a request are ignored
        line = reader.readline(65537)
    if not line:
        return None
    headers = []
    while True:
        header = reader.readline(65537)
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return RawRequest(number, line.rstrip(b"\r\n"), headers, b"")


def _read_body(reader: io.BufferedReader, request: RawRequest) -> None:
    """Read the body into ``request.body`` as it arrives (a body cut short shows what came)."""
    coding = (request.header("Transfer-Encoding") or "").lower()
    length = request.header("Content-Length")
    if coding == "chunked":
        while True:
            size = int(reader.readline(65537).split(b";")[0].strip(), 16)
            if size == 0:
                while reader.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return
            request.body += reader.read(size)
            reader.readline(65537)
    remaining = int(length) if length else 0
    while remaining > 0:
        data = reader.read1(remaining)
        if not data:
            return
        request.body += data
        remaining -= len(data)


# -- answers ----------------------------------------------------------------------------------


def reply(status: int = 200, body: bytes = b"", headers: str = "", then: bytes = b"",
          delay: float = 0.0, keep: bool = True) -> Answer:
    """An answer that writes a response (with its Content-Length unless ``headers`` frames
    it), then, ``delay`` seconds later, the bytes ``then``."""

    def answer(request: RawRequest, sock: socket.socket) -> bool:
        head = f"HTTP/1.1 {status} X\r\n{headers}"
        if "content-length" not in headers.lower() and "transfer-encoding" not in headers.lower():
            head += f"Content-Length: {len(body)}\r\n"
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        if then:
            time.sleep(delay)
            sock.sendall(then)
        return keep

    return answer


def by_path(routes: dict[str, Answer], default: Answer | None = None) -> Answer:
    """Answer each request by its path; unknown paths with ``default`` (else ``hello <path>``)."""

    def answer(request: RawRequest, sock: socket.socket) -> bool | None:
        route = routes.get(request.target.split("?")[0])
        if route is None:
            route = default or reply(body=b"hello " + request.target.encode("latin-1"))
        return route(request, sock)

    return answer
