from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Iterator

import pytest
import trustme

import requests_urllib_compat._director as compat_opener
from requests_urllib_compat._transport import close_shared_pools

from .rawserver import RawServer
from .servers import RecordingServer


@pytest.fixture(autouse=True)
def _fresh_global_openers() -> Iterator[None]:
    """Each test starts with no installed opener, in urllib and in our package."""
    urllib.request.install_opener(None)
    compat_opener.install_opener(None)
    yield
    urllib.request.install_opener(None)
    compat_opener.install_opener(None)


@pytest.fixture(scope="session", autouse=True)
def _close_pools_at_exit() -> Iterator[None]:
    yield
    close_shared_pools()


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    s = RecordingServer().start()
    yield s
    close_shared_pools()
    s.stop()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A raw-socket server (tests/rawserver.py): routes write bytes, stall, close or reset."""
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


from .ftpserver import ftp_server, silent_server  # noqa: E402  (fixtures for ftp: tests)
from .proxy_servers import auth_proxy, forward_proxy, socks_proxy  # noqa: E402

__all__ = ["auth_proxy", "forward_proxy", "ftp_server", "silent_server", "socks_proxy"]
