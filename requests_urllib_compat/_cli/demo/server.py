"""The demo's local web site and forward proxy: small threaded ``http.server`` servers on loopback.

The site answers the routes the legacy script walks through (a form, a 404, a redirect, a Basic
auth realm, a cookie login, a slow page) and counts the TCP connections and requests it sees, so
the demo can show connection reuse.  The proxy answers absolute-form requests for a made-up
intranet host itself: nothing leaves the machine.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import http.server
import socket
import threading
import urllib.parse
from typing import Any

__all__ = ["DemoProxy", "DemoSite", "closed_port_url"]

USER, PASSWORD = "guido", "s3cret"
REALM = "demo realm"
INTRANET_HOST = "intranet.test"  # reserved TLD: it can never reach a real host
SLOW_SECONDS = 5.0


class _Server(http.server.ThreadingHTTPServer):
    """Loopback, HTTP/1.1 keep-alive, with request/connection counts and a clean stop."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, handler: type[_Handler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> _Server:
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"demo-{type(self).__name__}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        with self.lock:
            open_sockets = list(self._open)
        for sock in open_sockets:  # end idle keep-alive connections so handler threads exit
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.connections += 1
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self._open.discard(request)
        super().shutdown_request(request)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the demo prints its own story

    def reply(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        all_headers = {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}
        all_headers["Content-Length"] = str(len(data))
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def count(self) -> None:
        with self.server.lock:
            self.server.requests += 1


class _SiteHandler(_Handler):
    def do_GET(self) -> None:
        self.count()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/":
            self.reply(200, "Welcome to the demo site.\n", {"Content-Type": "text/html"})
        elif path == "/whoami":
            self.reply(200, f"you are {self.headers.get('User-Agent')}")
        elif path == "/old-page":
            self.reply(302, "moved\n", {"Location": "/new-page"})
        elif path == "/new-page":
            self.reply(200, "this is the new page\n")
        elif path == "/private/report":
            self.private()
        elif path == "/login":
            self.reply(200, "logged in\n", {"Set-Cookie": "session=c0ffee; Path=/"})
        elif path == "/account":
            cookie = self.headers.get("Cookie") or ""
            if "session=c0ffee" in cookie:
                self.reply(200, f"welcome back ({cookie})")
            else:
                self.reply(403, "log in first\n")
        elif path == "/slow":
            if not self.server.stopping.wait(SLOW_SECONDS):
                with contextlib.suppress(OSError):  # the client gave up long ago
                    self.reply(200, "finally\n")
        else:
            self.reply(404, f"no such page: {path}")

    def do_POST(self) -> None:
        self.count()
        form = urllib.parse.parse_qs(self.body().decode("ascii"))
        if self.path == "/cgi-bin/register.cgi" and form.get("name"):
            fields = {k: v[0] for k, v in form.items()}
            self.reply(
                200, "registered {name} ({location}, {language})".format_map(_Missing(fields))
            )
        else:
            self.reply(400, "expected a form with a name\n")

    def private(self) -> None:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") == expected:
            self.reply(200, f"hello {USER}, here is the report")
        else:
            self.reply(
                401, "authentication required\n", {"WWW-Authenticate": f'Basic realm="{REALM}"'}
            )


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


class _ProxyHandler(_Handler):
    """A forward proxy for one made-up host: answers absolute-form requests itself."""

    def do_GET(self) -> None:
        self.count()
        target = urllib.parse.urlsplit(self.path)
        if target.scheme == "http" and target.hostname == INTRANET_HOST:
            self.reply(
                200, f"intranet page {target.path}: all systems go", {"Via": "1.1 demo-proxy"}
            )
        else:
            self.reply(
                502,
                f"this demo proxy only serves http://{INTRANET_HOST}/\n",
                {"Via": "1.1 demo-proxy"},
            )


class DemoSite(_Server):
    def __init__(self) -> None:
        super().__init__(_SiteHandler)


class DemoProxy(_Server):
    def __init__(self) -> None:
        super().__init__(_ProxyHandler)


_HELD: list[socket.socket] = []  # the port closed_port_url() names, bound for the process
_HELD_LOCK = threading.Lock()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: a port this process keeps bound without listening,
    so every connection to it is refused (a port bound and released could be taken meanwhile
    by another program's server, as when test suites run side by side)."""
    with _HELD_LOCK:
        if not _HELD:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            _HELD.append(sock)
            atexit.register(sock.close)
        port = _HELD[0].getsockname()[1]
    return f"http://127.0.0.1:{port}/"
