"""requests-urllib-compat: the ``urllib.request`` API on top of requests.

``from requests_urllib_compat import urlopen, Request`` or
``import requests_urllib_compat.request as urllib_request``: the same calls, the same errors,
over pooled keep-alive connections and requests' TLS and proxy stack.
"""

from __future__ import annotations

import urllib.request as _urllib_request
from types import ModuleType as _ModuleType
from typing import Any

from . import error, request, response
from ._transport import configure
from .bridge import requests_response
from .error import ContentTooShortError, HTTPError, URLError
from .request import *  # noqa: F403
from .request import __all__ as _request_all
from .swap import install, is_installed, patch_module, patched, uninstall

# urllib.request's public names outside its __all__ (AbstractHTTPHandler, quote,
# parse_http_list...) are importable there, so here too, as the request module has them.
globals().update(
    (name, getattr(request, name))
    for name, value in vars(_urllib_request).items()
    if not name.startswith("_") and not isinstance(value, _ModuleType) and name not in globals()
)

__version__ = "0.1.0"

__all__ = [
    *_request_all,
    "ContentTooShortError",
    "HTTPError",
    "URLError",
    "configure",
    "error",
    "install",
    "is_installed",
    "patch_module",
    "patched",
    "requests_response",
    "uninstall",
    "request",
    "response",
]


def __getattr__(name: str) -> Any:
    """Any other name of ``urllib.request``, as :mod:`requests_urllib_compat.request` has it:
    the public ones outside its ``__all__`` (``AbstractHTTPHandler``, ``quote``,
    ``parse_http_list``...) and the private helpers (``_parse_proxy``, ``_opener``...)."""
    try:
        return getattr(request, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
