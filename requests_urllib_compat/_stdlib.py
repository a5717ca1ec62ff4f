"""The stdlib's ``urllib.request`` objects that the swap replaces and code here needs,
captured at import.

Under :func:`requests_urllib_compat.install` the names ``urllib.request.OpenerDirector``,
``HTTPHandler`` etc. are this package's.  Code here that runs after import and means the
*stdlib's* object (to call its method, or to recognise a stdlib handler) uses this module: a
lookup through ``urllib.request`` would find our own object and could call back into itself.
``tests/swap/test_guard.py`` checks that no function body looks those names up.
"""

from __future__ import annotations

import urllib.request

AbstractHTTPHandler = urllib.request.AbstractHTTPHandler
HTTPHandler = urllib.request.HTTPHandler
HTTPRedirectHandler = urllib.request.HTTPRedirectHandler
HTTPSHandler = urllib.request.HTTPSHandler
OpenerDirector = urllib.request.OpenerDirector
ProxyHandler = urllib.request.ProxyHandler
