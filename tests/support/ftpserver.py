"""A real FTP server on loopback (pyftpdlib) over a temporary tree, for the ftp: tests.

The tree: ``bin.dat`` (binary, every byte value), ``text.txt`` (lines ending in ``\\n``),
``sub/`` with ``inner.txt``.  Users: anonymous (read-only) and ``user``/``pa ss`` (the space
checks percent-decoding of credentials in URLs).
"""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import socket
import threading
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():  # pyftpdlib imports asyncore/asynchat (deprecated in 3.11)
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

BINARY = bytes(range(256)) * 64
TEXT = b"line one\nline two\n"
INNER = b"inside\n"
USER, PASSWORD = "user", "pa ss"


@dataclasses.dataclass
class FTPServer:
    root: pathlib.Path
    port: int
    server: ThreadedFTPServer

    def url(self, path: str = "/", userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"ftp://{at}127.0.0.1:{self.port}{path}"


@pytest.fixture
def ftp_server(tmp_path: pathlib.Path) -> Iterator[FTPServer]:
    root = tmp_path / "ftproot"
    (root / "sub").mkdir(parents=True)
    (root / "bin.dat").write_bytes(BINARY)
    (root / "text.txt").write_bytes(TEXT)
    (root / "sub" / "inner.txt").write_bytes(INNER)
    authorizer = DummyAuthorizer()
    authorizer.add_user(USER, PASSWORD, str(root), perm="elr")
    authorizer.add_anonymous(str(root))
    handler = type(
        "Handler",
        (FTPHandler,),
        {"authorizer": authorizer, "timeout": 10, "auth_failed_timeout": 0.1},
    )
    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.serve_forever(timeout=0.05, blocking=False, handle_exit=False)
        server.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield FTPServer(root, server.address[1], server)
    stop.set()
    thread.join(10)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says anything (no FTP banner)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]
