"""What every test gets: an environment with nothing urllib or requests reads from it, no
installed opener, and the shared pools closed at the end.

The fixtures of tests/support are registered here for every tier.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator

import pytest

import requests_urllib_compat._director as compat_opener
from requests_urllib_compat._transport import close_shared_pools

pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.ftpserver",
    "tests.support.proxy_servers",
]

#: What urllib or requests read from the environment, besides every ``*_proxy`` (any case):
#: urllib ignores HTTP_PROXY under CGI (REQUEST_METHOD); requests reads its CA bundles and
#: ~/.netrc's location; ssl's default context the CA files and the key log.
ENVIRONMENT = {
    "REQUEST_METHOD",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "SSLKEYLOGFILE",
    "NETRC",
}


@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with none of it (a test that needs a variable sets it with
    ``monkeypatch.setenv``); subprocesses inherit the clean environment."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name.upper() in ENVIRONMENT:
            monkeypatch.delenv(name)


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
