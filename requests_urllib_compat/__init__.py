"""requests-urllib-compat: the ``urllib.request`` API on top of requests.

``from requests_urllib_compat import urlopen, Request`` or
``import requests_urllib_compat.request as urllib_request``: the same calls, the same errors,
over pooled keep-alive connections and requests' TLS and proxy stack.
"""

from __future__ import annotations

from . import error, request, response
from .bridge import requests_response
from .error import ContentTooShortError, HTTPError, URLError
from .request import *  # noqa: F403
from .request import __all__ as _request_all
from .swap import install, is_installed, patch_module, patched, uninstall
from .transport import configure

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
