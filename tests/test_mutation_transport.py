"""Transport behaviours pinned where a mutant of ``_transport/`` survived its tests (issue 13 §5):
through real loopback servers and proxies, urllib.request as the oracle wherever it has an
answer (keep-alive is this package's deliberate difference, docs/differences.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import requests_urllib_compat as package
import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from .differential import assert_same
from .servers import RecordingServer


@pytest.fixture(autouse=True)
def _fresh_pools() -> Iterator[None]:
    close_shared_pools()
    yield
    close_shared_pools()


def test_configure_refuses_an_empty_pool() -> None:
    with pytest.raises(ValueError, match=r"^pool_maxsize must be at least 1$"):
        package.configure(pool_maxsize=0)


def test_the_default_context_is_shared(tls_server: RecordingServer, ca_file: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Openers using http.client's default context (the one ``SSL_CERT_FILE`` configures) share
    one adapter, so one kept-alive connection: the context is built once per setting."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    for path in ("/1", "/2"):
        with compat.urlopen(tls_server.url(path)) as r:
            assert r.read() == f"hello {path}".encode()
    first, second = tls_server.received
    assert first.connection == second.connection


def test_a_tunnel_with_credentials_sends_the_target_verbatim(tls_server: RecordingServer,
                                                              auth_proxy: Any,
                                                              client_context: Any) -> None:
    """Through a CONNECT carrying urllib's ``Proxy-Authorization`` (a proxy manager of its
    own), the request target still goes out as urllib wrote it (urllib3 would re-quote it)."""
    proxies = {"https": f"http://user:pass@127.0.0.1:{auth_proxy.port}"}

    def scenario(u: Any) -> Any:
        opener = u.build_opener(u.ProxyHandler(proxies), u.HTTPSHandler(context=client_context))
        return opener.open(tls_server.url("/t|x?a=%2f&b=|"))

    run = assert_same(scenario, tls_server)
    assert run.outcome.status == 200
    assert tls_server.received[-1].target == "/t|x?a=%2f&b=|"
