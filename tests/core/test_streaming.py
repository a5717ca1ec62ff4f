"""The body streams (nothing read before the caller reads, bounded memory), and a body cut
short ends as it does with urllib, whichever reading method meets the cut."""

from __future__ import annotations

import threading
import time
import tracemalloc
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import TIMEOUT, assert_same
from ..support.servers import Handler, Received, RecordingServer, reset_after, stall, write_raw


def test_urlopen_returns_before_the_body_arrives(server: RecordingServer) -> None:
    released = threading.Event()

    def slow_body(rec: Received, handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
        handler.wfile.flush()
        released.wait(10)
        handler.wfile.write(b"body")
        handler.wfile.flush()

    server.route("/slow", slow_body)
    start = time.monotonic()
    with compat.urlopen(server.url("/slow"), timeout=10) as r:
        elapsed = time.monotonic() - start
        assert r.status == 200
        assert elapsed < 5  # the server holds the body back for 10 s
        released.set()
        assert r.read() == b"body"


BIG = 256 * 1024 * 1024
BLOCK = bytes(range(256)) * 4096  # 1 MiB


def _big_body(rec: Received, handler: Handler) -> None:
    handler.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n".encode())
    for _ in range(BIG // len(BLOCK)):
        handler.wfile.write(BLOCK)
    handler.wfile.flush()


def test_large_body_in_chunks_keeps_memory_small(server: RecordingServer) -> None:
    server.route("/big", _big_body)
    tracemalloc.start()
    try:
        total = 0
        with compat.urlopen(server.url("/big"), timeout=30) as r:
            while chunk := r.read(65536):
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == BIG
    assert peak < 8 * 1024 * 1024, f"peak traced memory {peak} bytes"


# -- truncation --------------------------------------------------------------------------------

SHORT = b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nhello\nworld\n"
SHORT_CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n10\r\nwor"
BAD_CHUNK_SIZE = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\nzz\r\n"
NO_LAST_CHUNK = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello\n\r\n"

BODIES = {
    "short": SHORT,
    "short_chunked": SHORT_CHUNKED,
    "bad_chunk_size": BAD_CHUNK_SIZE,
    "no_last_chunk": NO_LAST_CHUNK,
}


def _steps(*calls: Any) -> Any:
    """Call each reader in turn, recording results and exceptions (with partial/expected)."""

    def run(r: Any) -> list[Any]:
        out: list[Any] = []
        for call in calls:
            try:
                out.append(call(r))
            except Exception as exc:
                out.append(
                    (
                        type(exc).__name__,
                        str(exc),
                        getattr(exc, "partial", None),
                        getattr(exc, "expected", None),
                    )
                )
        out.append((r.isclosed(), r.length))
        return out

    return run


def _readinto(n: int) -> Any:
    def call(r: Any) -> bytes:
        buf = bytearray(n)
        return bytes(buf[: r.readinto(buf)])

    return call


READERS: dict[str, Any] = {
    "read": _steps(lambda r: r.read(), lambda r: r.read()),
    "read_after_some": _steps(lambda r: r.read(3), lambda r: r.read()),
    "read_n": _steps(*[lambda r: r.read(4)] * 6),
    "read_big_n": _steps(lambda r: r.read(100), lambda r: r.read(100)),
    "read1": _steps(*[lambda r: r.read1(100)] * 4),
    "readinto": _steps(*[_readinto(4)] * 6),
    "readinto_big": _steps(_readinto(100), _readinto(100)),
    "readline": _steps(*[lambda r: r.readline()] * 4),
    "readlines": _steps(lambda r: r.readlines()),
    "iterate": _steps(lambda r: list(r)),
}


@pytest.mark.parametrize("body", list(BODIES))
@pytest.mark.parametrize("reader", list(READERS))
def test_truncated_body(server: RecordingServer, body: str, reader: str) -> None:
    server.route("/cut", write_raw(BODIES[body]))

    def scenario(u: ModuleType) -> Any:
        r = u.urlopen(server.url("/cut"))
        try:
            return READERS[reader](r)
        finally:
            r.close()

    assert_same(scenario, server)


def test_truncated_read_raises_incomplete_read(server: RecordingServer) -> None:
    server.route("/cut", write_raw(SHORT))
    run = assert_same(lambda u: u.urlopen(server.url("/cut")), server)
    assert run.outcome.error_type == "http.client.IncompleteRead"
    assert run.outcome.value == b"hello\nworld\n"


def test_body_read_timeout(server: RecordingServer) -> None:
    server.route("/stall", stall(3.0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"))
    for reader in (
        lambda r: r.read(),
        lambda r: r.read(5),
        lambda r: r.readline(),
        lambda r: r.read1(5),
        lambda r: r.readinto(bytearray(5)),
    ):

        def scenario(u: ModuleType, reader: Any = reader) -> Any:
            with u.urlopen(server.url("/stall"), timeout=0.5) as r:
                return reader(r), reader(r)

        run = assert_same(scenario, server)
        assert run.outcome.error_type == TIMEOUT


def test_connection_reset_mid_body(server: RecordingServer) -> None:
    server.route(
        "/reset", reset_after(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", delay=0.2)
    )

    def scenario(u: ModuleType) -> Any:
        with u.urlopen(server.url("/reset")) as r:
            return r.read()

    run = assert_same(scenario, server, compare=lambda o: o.error_type)
    assert run.outcome.error_type in {"builtins.ConnectionResetError", "http.client.IncompleteRead"}
