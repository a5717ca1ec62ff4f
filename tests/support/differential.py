"""Differential testing: one scenario through ``urllib.request`` and through our package.

A scenario is a function of one argument, the module to use (``urllib.request`` or
``requests_urllib_compat.request``, which offer the same names).  It returns a response (or
anything else to compare) or raises.  :func:`assert_same` runs it both ways against the same
server and asserts that the server received the same requests (Connection header aside: keeping
connections alive is our one deliberate difference) and that the caller saw the same outcome.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import http.client
import socket
import sys
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import requests_urllib_compat.request as compat

from .servers import RecordingServer

Scenario = Callable[[ModuleType], Any]

# Headers that differ between two runs whatever the client does.
VOLATILE_RESPONSE_HEADERS = {"date"}


@dataclasses.dataclass
class Outcome:
    """What the caller of a scenario could observe."""

    kind: str  # "response", "error" or "value"
    status: int | None = None
    reason: Any = None
    url: str | None = None
    headers: list[tuple[str, str]] | None = None
    body: bytes | None = None
    error_type: str | None = None
    error_text: str | None = None
    reason_type: str | None = None
    value: Any = None


def _headers(message: Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in message.items() if k.lower() not in VOLATILE_RESPONSE_HEADERS]


def _class_name(exc: BaseException) -> str:
    """The name legacy code would catch: our subclasses count as their stdlib base."""
    for cls in type(exc).__mro__:
        if cls.__module__ in {"urllib.error", "http.client", "builtins", "socket", "ssl"}:
            return f"{cls.__module__}.{cls.__qualname__}"
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


#: How a timeout shows in an Outcome: what the socket module raises, ``socket.timeout`` on
#: Python 3.9, ``builtins.TimeoutError`` (its alias) from 3.10 on.
TIMEOUT = _class_name(socket.timeout())


def urllib_follows(code: int) -> bool:
    """Whether the running interpreter's ``HTTPRedirectHandler`` follows a ``code`` redirect
    (308 only from Python 3.11 on): asked of the stdlib class, not of the version number."""
    return hasattr(urllib.request.HTTPRedirectHandler, f"http_error_{code}")


def observe(call: Callable[[], Any]) -> Outcome:
    """Run ``call`` and record what came out, reading and closing any response."""
    try:
        result = call()
        if hasattr(result, "read") and hasattr(result, "info"):
            with result:
                body = result.read()
                return Outcome(
                    kind="response",
                    status=getattr(result, "status", None),
                    reason=getattr(result, "reason", None),
                    url=result.geturl(),
                    headers=_headers(result.info()),
                    body=body,
                )
    except urllib.error.HTTPError as exc:
        if exc.fp is None:  # Python 3.9: an HTTPError made without a response is no file
            return Outcome(
                kind="error",
                status=exc.code,
                reason=exc.reason,
                url=exc.filename,
                headers=_headers(exc.headers),
                error_type=_class_name(exc),
                error_text=str(exc),
            )
        with exc:
            try:
                body, failed = exc.read(), None
            except Exception as read_error:  # its body cannot be read (a 304 announcing chunks)
                body, failed = None, (_class_name(read_error), getattr(read_error, "partial", None))
            return Outcome(
                kind="error",
                status=exc.code,
                reason=exc.reason,
                url=exc.url,
                headers=_headers(exc.headers),
                body=body,
                error_type=_class_name(exc),
                error_text=str(exc),
                value=failed,
            )
    except urllib.error.URLError as exc:
        reason = exc.reason
        return Outcome(
            kind="error",
            error_type=_class_name(exc),
            error_text=str(exc),
            reason_type=_class_name(reason)
            if isinstance(reason, BaseException)
            else type(reason).__name__,
            reason=getattr(reason, "errno", None) if isinstance(reason, OSError) else str(reason),
        )
    except Exception as exc:  # what urllib lets through raw: ValueError, TimeoutError, ...
        return Outcome(
            kind="error",
            error_type=_class_name(exc),
            error_text=str(exc),
            value=getattr(exc, "partial", None),
        )
    return Outcome(kind="value", value=result)


@dataclasses.dataclass
class Run:
    outcome: Outcome
    received: list[Any]


@contextlib.contextmanager
def _oracle_leaks_forgiven(module: ModuleType) -> Iterator[None]:
    """Before 3.11, http.client leaves the response of a refused tunnel (and its socket) to the
    garbage collector: a ResourceWarning of urllib's own run, not ours.  That run's garbage is
    collected here with ResourceWarning ignored; our run stays under ``filterwarnings = error``."""
    if module is not urllib.request or sys.version_info >= (3, 11):
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            gc.collect()


def run(scenario: Scenario, module: ModuleType, servers: list[RecordingServer]) -> Run:
    for s in servers:
        s.reset()
    with _oracle_leaks_forgiven(module):
        outcome = observe(lambda: scenario(module))
    received = [r.comparable() for s in servers for r in s.received]
    return Run(outcome, received)


def assert_same(
    scenario: Scenario, *servers: RecordingServer, compare: Callable[[Outcome], Any] | None = None
) -> Run:
    """Run ``scenario`` through urllib and through our package; assert both saw the same.

    ``compare`` picks what to compare of the outcome (default: all of it).  Returns our run.
    """
    ours = run(scenario, compat, list(servers))
    theirs = run(scenario, urllib.request, list(servers))
    pick = compare or (lambda o: o)
    assert pick(ours.outcome) == pick(theirs.outcome), (
        f"\ncompat: {ours.outcome}\nstdlib: {theirs.outcome}"
    )
    assert ours.received == theirs.received, (
        f"\ncompat sent: {ours.received}\nstdlib sent: {theirs.received}"
    )
    return ours


__all__ = ["TIMEOUT", "Outcome", "Run", "assert_same", "http", "observe", "run", "urllib_follows"]
