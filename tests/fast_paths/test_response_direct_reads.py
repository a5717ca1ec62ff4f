"""Large reads go to the engine directly until a buffer is needed: the bytes a caller gets, in
any mix of reading methods, are still urllib's (bodies larger than the buffer, all framings)."""

from __future__ import annotations

import http.client
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import assert_same
from ..support.servers import RecordingServer, Reply, write_raw

BIG = b"".join(b"line %06d %s\n" % (i, b"x" * (i % 97)) for i in range(6000))  # ~330 KB


def _chunked(body: bytes, size: int) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


@pytest.fixture
def big_server(server: RecordingServer) -> RecordingServer:
    server.route("/length", Reply(200, [("Content-Type", "text/plain")], BIG))
    server.route(
        "/chunked",
        write_raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(BIG, 5000)),
    )
    server.route(
        "/close-delimited", write_raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + BIG)
    )
    server.route(
        "/short",
        write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (len(BIG) + 100) + BIG),
    )
    return server


def _readinto(r: Any, size: int) -> bytes:
    buf = bytearray(size)
    n = r.readinto(buf)
    return bytes(buf[:n])


READERS: dict[str, Any] = {
    "read_all": lambda r: r.read(),
    "read_64k": lambda r: b"".join(iter(lambda: r.read(65536), b"")),
    "read_big_then_lines": lambda r: (r.read(100000), r.readline(), r.readline(), r.read()),
    "lines_then_big": lambda r: (r.readline(), r.read(70000), r.read(5), r.read(9000), r.read()),
    "readinto_then_peek": lambda r: (
        _readinto(r, 50000),
        r.peek(1)[:1],
        r.read1(10),
        _readinto(r, 20000),
        r.read(),
    ),
    "small_then_big": lambda r: (r.read(3), r.read(200000), r.read()),
    "iteration_after_big": lambda r: (r.read(8192), list(r)),
}


@pytest.mark.parametrize("path", ["/length", "/chunked", "/close-delimited"])
@pytest.mark.parametrize("reader", list(READERS))
def test_large_body_reading(big_server: RecordingServer, reader: str, path: str) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(big_server.url(path)) as r:
            return READERS[reader](r), r.isclosed(), r.length

    run = assert_same(scenario, big_server)
    assert run.outcome.kind == "value"


@pytest.mark.parametrize("reader", ["read_all", "read_64k", "small_then_big"])
def test_large_body_cut_short(big_server: RecordingServer, reader: str) -> None:
    def scenario(u: ModuleType) -> Any:
        with u.urlopen(big_server.url("/short")) as r:
            try:
                return READERS[reader](r)
            except http.client.IncompleteRead as exc:
                return "IncompleteRead", len(exc.partial), exc.expected

    assert_same(scenario, big_server)


def test_reading_to_the_end_keeps_the_connection(big_server: RecordingServer) -> None:
    for reader in ("read_all", "read_64k", "read_big_then_lines"):
        for _ in range(3):
            with compat.urlopen(big_server.url("/length")) as r:
                READERS[reader](r)
    assert big_server.connections == 1
