"""Mirror of :mod:`urllib.error`.

The classes are the stdlib's own, so ``except urllib.error.HTTPError`` in legacy code and
``except requests_urllib_compat.error.HTTPError`` in migrated code catch the same errors.
"""

from __future__ import annotations

from urllib.error import ContentTooShortError, HTTPError, URLError

__all__ = ["ContentTooShortError", "HTTPError", "URLError"]
