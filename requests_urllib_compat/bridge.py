"""Gradual migration: from the urllib objects legacy code holds to the requests objects.

A function being moved to requests may receive what old code produced (a response from
``urlopen``, an ``HTTPError`` it caught); :func:`requests_response` hands it the
:class:`requests.Response` behind it, so new code can call ``.json()``, ``.iter_content()``,
``.raise_for_status()`` next to old code.  (The opener's counterpart is ``opener.session``.)
"""

from __future__ import annotations

import urllib.response

import requests

from .response import HTTPResponse

__all__ = ["requests_response"]


def requests_response(obj: object) -> requests.Response:
    """The :class:`requests.Response` behind a response or an ``HTTPError`` from this package.

    ``obj`` is what ``urlopen``/``opener.open`` returned for an http(s) URL, or the
    ``urllib.error.HTTPError`` they raised (its ``fp`` is the response).  Read the body through
    one of the two objects, not both: they share one stream.  Raises :class:`TypeError` for
    anything else (a ``file:``/``data:``/``ftp:`` response, one the stdlib's own urllib made, or
    one a handler's own connection class made through ``do_open``).
    """
    target = obj
    for _ in range(8):  # HTTPError and addinfourl wrappers hold the response in ``fp``
        if isinstance(target, HTTPResponse):
            return target.requests_response
        if not isinstance(target, urllib.response.addbase):
            break
        # vars(), not getattr: addbase's __getattr__ raises KeyError when ``fp`` was never set
        # (an HTTPError raised without a response).
        target = vars(target).get("fp")
    raise TypeError(
        f"no requests.Response behind {type(obj).__name__} object: it did not come "
        "from requests_urllib_compat's http(s) transport"
    )
