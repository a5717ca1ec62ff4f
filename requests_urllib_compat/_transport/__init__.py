"""The http(s) transport: urllib's ``HTTPHandler``/``HTTPSHandler`` sending through requests.

Everything above the socket stays urllib's; only ``do_open`` is replaced: the request urllib
would write with http.client is handed to a requests :class:`HTTPAdapter` instead, whose urllib3
pool keeps connections alive.  Adapters are shared by every handler with the same TLS settings,
so legacy code calling ``build_opener()`` per request still reuses connections.

One module per layer, each importing only those below it (the import graph is acyclic):
:mod:`.pool` (urllib3's pools and connections, when a connection is reused) <- :mod:`.adapter`
(requests' ``HTTPAdapter``, shared adapters, settings) <- :mod:`.dispatch` (which Session and
adapter carry a hop) <- :mod:`.handlers` (urllib's handlers and ``send``); :mod:`.checks`
(http.client's checks and body conversions) is a leaf beside them.  This module re-exports what
the rest of the package imports.
"""

from __future__ import annotations

from .adapter import CompatAdapter as CompatAdapter
from .adapter import UrllibTarget as UrllibTarget
from .adapter import close_shared_pools, configure
from .adapter import default_https_context as default_https_context
from .adapter import shared_adapter as shared_adapter
from .dispatch import Route as Route
from .dispatch import route as route
from .handlers import (
    AbstractHTTPHandler,
    HTTPHandler,
    HTTPSHandler,
    handler_adapter,
    handler_context,
)
from .handlers import send as send

# (the names of __all__ are the transport's surface; the others, imported ``as`` themselves, are
# what the rest of the package and the tests import from here)
__all__ = [
    "AbstractHTTPHandler",
    "HTTPHandler",
    "HTTPSHandler",
    "close_shared_pools",
    "configure",
    "handler_adapter",
    "handler_context",
]
