"""Ports on loopback for the tests."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on right now: a connection to it is refused, and a
    server started on it (a subprocess that needs its port up front) can bind it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
