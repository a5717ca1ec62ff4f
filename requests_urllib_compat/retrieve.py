"""``urlretrieve`` and ``urlcleanup``: the stdlib's own code, over this package's ``urlopen``.

:func:`urlretrieve` is not a copy: it is the running interpreter's
``urllib.request.urlretrieve`` function body, bound to a namespace where ``urlopen`` is ours and
the list of temporary files is this module's.  So the return value, the reporthook sequence,
``ContentTooShortError`` and the ``file:`` shortcut are the stdlib's of every Python version,
and the download goes through the installed opener, 8 KiB at a time (constant memory).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import types
import urllib.request
from typing import Any, Callable

from ._director import install_opener, urlopen
from ._seams import URLRETRIEVE_TEMPFILES
from ._types import RequestData

__all__ = ["urlcleanup", "urlretrieve"]

#: Temporary files created by :func:`urlretrieve` (removed by :func:`urlcleanup`).
_url_tempfiles: list[str] = []

_ReportHook = Callable[[int, int, int], object]


def _stdlib_body(function: Any, **names: object) -> Callable[..., Any]:
    """``function``'s code with the stdlib module's globals, ``names`` replaced."""
    namespace = dict(vars(urllib.request))
    namespace.update(names)
    new = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    new.__kwdefaults__ = function.__kwdefaults__
    new.__doc__ = function.__doc__
    new.__module__ = __name__
    new.__qualname__ = function.__qualname__
    return new


_urlretrieve = _stdlib_body(
    urllib.request.urlretrieve, urlopen=urlopen, **{URLRETRIEVE_TEMPFILES: _url_tempfiles}
)


def urlretrieve(
    url: str,
    filename: str | None = None,
    reporthook: _ReportHook | None = None,
    data: RequestData = None,
) -> tuple[str, http.client.HTTPMessage]:
    """Copy ``url`` to ``filename`` (a temporary file if None), as ``urllib.request``.

    Returns ``(filename, headers)``; a ``file:`` URL without ``filename`` returns the local path
    itself.  ``reporthook(block_number, block_size, total_size)`` is called once before the
    first block and after each block (``total_size`` -1 without Content-Length).  Fewer bytes
    than Content-Length promised raise ``ContentTooShortError`` (``.content`` is the result).
    """
    result: tuple[str, http.client.HTTPMessage] = _urlretrieve(url, filename, reporthook, data)
    return result


def urlcleanup() -> None:
    """Remove :func:`urlretrieve`'s temporary files and uninstall the opener, as urllib's."""
    for temp_file in _url_tempfiles:
        with contextlib.suppress(OSError):
            os.unlink(temp_file)
    del _url_tempfiles[:]
    install_opener(None)
