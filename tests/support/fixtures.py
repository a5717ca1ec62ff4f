"""The fixtures every tier shares: loopback servers (plain, TLS, raw-socket) and the test CA.

Registered with ``pytest_plugins`` in tests/conftest.py, with the FTP and proxy fixtures of
:mod:`.ftpserver` and :mod:`.proxy_servers`.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from requests_urllib_compat._transport import close_shared_pools

from .raw_server import RawServer
from .servers import RecordingServer


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    s = RecordingServer().start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A raw-socket server (:mod:`.raw_server`): routes write bytes, stall, close or reset."""
    s = RawServer().start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[RecordingServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    s = RecordingServer(tls=context).start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.fixture
def client_context(ca_file: str) -> ssl.SSLContext:
    """A client context that trusts the test CA (as a caller would build it)."""
    return ssl.create_default_context(cafile=ca_file)
