"""Real servers on loopback for the tests: a recording HTTP/1.1 server (plain and TLS).

Every request the server receives is recorded (method, target, headers in wire order, body, and
which connection it came on), so a test can assert what went over the wire.  Routes are plain
functions; a route may answer with a status/headers/body, or write raw bytes to the socket to
produce broken responses (short bodies, early close, a stall).
"""

from __future__ import annotations

import dataclasses
import http.server
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from typing import Any, Union


@dataclasses.dataclass
class Received:
    """One request as the server saw it."""

    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    connection: int  # a number per TCP connection

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def comparable(self) -> tuple[Any, ...]:
        """What a urllib request and our request must have in common (Connection aside)."""
        headers = [(k, v) for k, v in self.headers if k.lower() != "connection"]
        return (self.method, self.target, self.version, headers, self.body)


@dataclasses.dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    body: bytes = b""
    reason: str | None = None
    content_length: bool = True  # add Content-Length unless given or chunked


Route = Callable[[Received, "Handler"], Union[Reply, None]]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: with Nagle on, a kept-alive client waits ~40 ms (delayed
    # ACK) for every body.  Real servers set TCP_NODELAY; so does this one.
    disable_nagle_algorithm = True
    server: RecordingServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if not self.parse_request():
            return
        rec = Received(
            method=self.command,
            target=self.path,
            version=self.request_version,
            headers=list(self.headers.items()),
            body=self._read_body(),
            connection=self.connection_id,
        )
        self.server.record(rec)
        route = self.server.route_for(rec.target)
        reply = route(rec, self)
        if reply is None:  # the route wrote (or broke) the response itself
            self.close_connection = True
            return
        self.send_reply(reply)

    def send_reply(self, reply: Reply) -> None:
        self.send_response(reply.status, reply.reason)
        names = {k.lower() for k, _ in reply.headers}
        for k, v in reply.headers:
            self.send_header(k, v)
        if (
            reply.content_length
            and "content-length" not in names
            and "transfer-encoding" not in names
        ):
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    def setup(self) -> None:
        super().setup()
        self.connection_id = self.server.new_connection()


def echo(rec: Received, handler: Handler) -> Reply:
    return Reply(200, [("Content-Type", "text/plain")], b"hello " + rec.target.encode())


class RecordingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, tls: ssl.SSLContext | None = None, idle_timeout: float | None = None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.tls = tls
        self.idle_timeout = idle_timeout
        self.received: list[Received] = []
        self.routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._connections = 0
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- configuration ---------------------------------------------------------------------
    def route(self, path: str, route: Route | Reply) -> None:
        """Answer requests whose path (without query) is ``path``; ``*`` for everything else."""
        self.routes[path] = route if callable(route) else (lambda rec, h, r=route: r)

    def route_for(self, target: str) -> Route:
        path = target.split("?", 1)[0]
        if "://" in path:  # absolute-form (we are a proxy's origin)
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return self.routes.get(path) or self.routes.get("*") or echo

    # -- bookkeeping -----------------------------------------------------------------------
    def record(self, rec: Received) -> None:
        with self._lock:
            self.received.append(rec)

    def new_connection(self) -> int:
        with self._lock:
            self._connections += 1
            return self._connections

    @property
    def connections(self) -> int:
        return self._connections

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self._connections = 0

    # -- socket plumbing -------------------------------------------------------------------
    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        if self.idle_timeout is not None:
            sock.settimeout(self.idle_timeout)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up, idle timeouts, TLS refusals: expected in these tests

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def origin(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)


def write_raw(data: bytes, then_close: bool = True, delay: float = 0.0) -> Route:
    """A route that writes ``data`` verbatim (e.g. a response with a short body)."""

    def route(rec: Received, handler: Handler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        if delay:
            time.sleep(delay)
        if then_close:
            handler.connection.shutdown(socket.SHUT_RDWR)

    return route


def reset_after(data: bytes, delay: float = 0.1) -> Route:
    """A route that writes ``data`` then resets the connection (RST, not a clean close)."""

    def route(rec: Received, handler: Handler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        time.sleep(delay)
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    return route


def stall(seconds: float, before: bytes = b"") -> Route:
    """A route that writes ``before`` then waits (to provoke read timeouts)."""

    def route(rec: Received, handler: Handler) -> None:
        if before:
            handler.wfile.write(before)
            handler.wfile.flush()
        time.sleep(seconds)

    return route
