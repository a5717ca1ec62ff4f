"""A "legacy" module written only against the stdlib's urllib.request (never edited for us).

It binds ``urlopen`` and ``build_opener`` with ``from ... import`` when it is imported (before
any swap, at test collection), and also uses ``urllib.request.<name>`` at call time.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from urllib.request import HTTPHandler, build_opener, urlopen

USER_AGENT = "legacy-app/1.0"


def fetch_late(url):
    """Looks the name up when called: ``urllib.request.urlopen``."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def fetch_early(url):
    """Uses the ``urlopen`` bound when the module was imported."""
    with urlopen(url, timeout=10) as response:
        return response.status, response.read()


def opener_early():
    return build_opener(HTTPHandler())


def post_form(url, fields):
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"User-Agent": USER_AGENT}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode())


def status_of(url):
    """What a legacy health check does: the status, or why there is none."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError as exc:
        return f"unreachable: {exc.reason}"
