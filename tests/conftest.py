"""What every test gets: no installed opener, and the shared pools closed at the end.

The fixtures of tests/support are registered here for every tier.
"""

from __future__ import annotations

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
