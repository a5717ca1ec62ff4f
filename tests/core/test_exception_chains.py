"""Secrets out of the engine's exceptions (``_exceptions.scrub``/``redacted``), pinned where a
mutant of ``_exceptions.py`` survived the table's tests (issue 13 §5).

urllib's exceptions show no URL at all; ours keep requests' and urllib3's exceptions as
``__cause__`` for debugging, so their messages and ``url`` must show no query string and no
``user:pass@``, while the socket's own exception (urllib's ``reason``) stays exactly as raised.
"""

from __future__ import annotations

import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests.exceptions as rex
import urllib3.exceptions as u3

import requests_urllib_compat.request as compat
from requests_urllib_compat._exceptions import _chain, redacted, translated

from ..support.ports import free_port

TOKEN = "SECRET"


def _raised(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("no exception")


def _printed(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _engine(exc: BaseException) -> Iterator[BaseException]:
    return (e for e in _chain(exc) if isinstance(e, (rex.RequestException, u3.HTTPError)))


def test_a_refused_connection_shows_the_path_but_not_the_query() -> None:
    """urllib's traceback shows no URL; ours shows the engine's messages, with the path (useful)
    and the query replaced (a token in it is a credential)."""
    url = f"http://127.0.0.1:{free_port()}/p?token={TOKEN}"
    theirs = _raised(lambda: urllib.request.urlopen(url))
    ours = _raised(lambda: compat.urlopen(url))
    assert type(ours) is type(theirs) is urllib.error.URLError
    assert type(ours.reason) is type(theirs.reason) is ConnectionRefusedError  # type: ignore[attr-defined]
    printed = _printed(ours)
    assert "Max retries exceeded with url: /p?[redacted]" in printed
    assert TOKEN not in printed and TOKEN not in _printed(theirs)
    engine = list(_engine(ours))
    assert engine and all(TOKEN not in str(e) and TOKEN not in repr(e) for e in engine)
    urls = [getattr(e, "url", None) for e in engine if getattr(e, "url", None) is not None]
    assert urls == ["/p?[redacted]"]  # urllib3's MaxRetryError.url, read by logging code


def test_the_reason_is_left_as_the_socket_raised_it() -> None:
    """Only the engine's own exceptions are rewritten: urllib's ``reason`` (the socket's error,
    whatever its text) and any other non-engine exception in the chain keep their arguments."""
    odd = OSError(5, "odd?text token=x user:pw@host")
    aborted = u3.ProtocolError("aborted", odd)  # a non-text argument: kept as it is
    error = rex.ConnectionError(
        u3.MaxRetryError(  # type: ignore[arg-type]
            object(), f"/p?token={TOKEN}", aborted
        )
    )
    out = _raised(lambda: _raise_in(translated("send"), error))
    assert isinstance(out, OSError) and out is odd  # urllib lets a reset/abort out raw
    assert odd.args == (5, "odd?text token=x user:pw@host")
    retries = error.args[0]
    assert retries.url == "/p?[redacted]" and aborted.args == ("aborted", odd)
    assert TOKEN not in str(error)


def _raise_in(context: translated, error: BaseException) -> None:
    with context:
        raise error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # urllib3's and requests' messages, as they print URLs
        (
            "Max retries exceeded with url: /p?token=SECRET (Caused by X)",
            "Max retries exceeded with url: /p?[redacted] (Caused by X)",
        ),
        (
            "Invalid URL 'http://user:SECRET@h/p?a=SECRET': No host supplied",
            "Invalid URL 'http://[redacted]@h/p?[redacted] No host supplied",
        ),
        (
            "Cannot connect to proxy http://alice:SECRET@proxy:3128",
            "Cannot connect to proxy http://[redacted]@proxy:3128",
        ),
        # nothing to hide: the text as it is
        ("[Errno 111] Connection refused", "[Errno 111] Connection refused"),
        ("What? No.", "What? No."),
        ("mail me at someone@example.org", "mail me at someone@example.org"),
    ],
)
def test_redacted(text: str, expected: str) -> None:
    assert redacted(text) == expected
