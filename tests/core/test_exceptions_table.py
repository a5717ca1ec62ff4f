"""``_exceptions.EXCEPTION_TABLE``: every exception class of requests and urllib3, in both phases.

The classes are found by walking the two packages (a new class in a new release is tested, or
fails :func:`test_every_class_is_accounted_for` until it is).  Each one must come out of
:func:`translated` as a stdlib exception, never raw; the engine's exceptions as the engine
actually raises them (wrapped, with their causes) must come out as ``urllib.request`` raises in
the same situation; the rows are most-specific-first; odd chains terminate.
"""

from __future__ import annotations

import binascii
import http.client
import importlib
import inspect
import pkgutil
import socket
import ssl
import urllib.error
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable

import pytest
import requests
import requests.cookies
import requests.exceptions as rex
import urllib3
import urllib3.exceptions as u3
import urllib3.util.ssl_match_hostname

from requests_urllib_compat import _exceptions
from requests_urllib_compat._exceptions import EXCEPTION_TABLE, translate, translated

from ..support.differential import TIMEOUT, _class_name

PHASES = ("send", "read")
ROOTS = (rex.RequestException, u3.HTTPError)


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield importlib.import_module(info.name)
        except ImportError:  # optional backends (pyOpenSSL, h2, emscripten) not installed
            continue


def _engine_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for package in (requests, urllib3):
        for module in _modules(package):
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, BaseException)
                    and not issubclass(obj, Warning)
                    and obj.__module__.split(".")[0] == package.__name__
                ):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


CLASSES = _engine_classes()

#: Engine classes outside the two roots :func:`translated` catches, and why none can reach it.
NEVER_REACH_THE_BOUNDARY: dict[type[BaseException], str] = {
    requests.cookies.CookieConflictError: "raised by RequestsCookieJar.get() and friends, called "
    "by the caller, never by a send",
    urllib3.util.ssl_match_hostname.CertificateError: "urllib3's connection pool wraps it in "
    "urllib3.exceptions.SSLError (urlopen's except)",
    u3.ProxySchemeUnsupported: "raised when configuring an https proxy without TLS-in-TLS "
    "support, for requests' "
    "proxies only; the transport sends urllib's proxies as http:// URLs",
}


class _Pool:
    def __repr__(self) -> str:
        return "HTTPConnectionPool(host='h.invalid', port=80)"


class _Response:
    length_remaining = 7

    def tell(self) -> int:
        return 3


_ARGUMENTS: dict[str, Any] = {
    "pool": _Pool(),
    "url": "http://h.invalid/x",
    "message": "boom",
    "conn": _Pool(),
    "host": "h.invalid",
    "partial": 3,
    "expected": 10,
    "response": _Response(),
    "length": b"zz",
    "defects": [],
    "unparsed_data": b"",
    "location": "http://[bad",
    "scheme": "gopher",
    "error": OSError("boom"),
    "retries": 3,
    "reason": socket.gaierror(-2, "Name or service not known"),
}


def instance(cls: type[BaseException]) -> BaseException:
    """An instance made with arguments of the kinds the engine passes."""
    try:
        params = [
            p
            for p in inspect.signature(cls).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    if params and all(p.name in _ARGUMENTS for p in params):
        return cls(*[_ARGUMENTS[p.name] for p in params])
    if issubclass(cls, rex.JSONDecodeError):
        return cls("boom", "doc", 0)
    return cls("boom")


CAUGHT = sorted(name for name, cls in CLASSES.items() if issubclass(cls, ROOTS))
STDLIB_MODULES = {"builtins", "socket", "ssl", "http.client", "urllib.error"}


def test_the_walk_found_the_engine() -> None:
    assert len(CAUGHT) > 40  # requests' and urllib3's hierarchies, not an empty walk
    assert "urllib3.exceptions.NameResolutionError" in CAUGHT


def test_every_class_is_accounted_for() -> None:
    outside = {cls for cls in CLASSES.values() if not issubclass(cls, ROOTS)}
    assert outside == set(NEVER_REACH_THE_BOUNDARY)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("name", CAUGHT)
def test_every_class_translates(name: str, phase: str) -> None:
    """Whatever the class and phase: a stdlib exception comes out, the original as cause."""
    original = instance(CLASSES[name])
    with pytest.raises(BaseException) as info, translated(phase):  # type: ignore[arg-type]
        raise original
    out = info.value
    assert not isinstance(out, ROOTS), f"{name} escaped as {out!r}"
    assert _class_name(out).rsplit(".", 1)[0] in STDLIB_MODULES, repr(out)
    assert isinstance(out, (OSError, http.client.HTTPException, ValueError)), repr(out)
    assert out.__cause__ is original
    if isinstance(out, urllib.error.URLError):
        assert out.reason is not None and str(out.reason) != "None"
        assert not isinstance(out.reason, ROOTS)


@pytest.mark.parametrize("phase", PHASES)
def test_non_engine_exceptions_pass_through(phase: str) -> None:
    for original in (ValueError("mine"), KeyError("k"), OSError("os")):
        assert translate(original, phase) is None  # type: ignore[arg-type]
        with pytest.raises(type(original)) as info, translated(phase):  # type: ignore[arg-type]
            raise original
        assert info.value is original


# -- rows: most specific first -------------------------------------------------------------------


@pytest.mark.parametrize("phase", PHASES)
def test_no_row_is_shadowed_by_an_earlier_one(phase: str) -> None:
    rows = EXCEPTION_TABLE[phase]  # type: ignore[index]
    for i, (earlier, _) in enumerate(rows):
        for later, _ in rows[i + 1 :]:
            assert not issubclass(later, earlier), (
                f"{phase}: {later.__name__} comes after its base {earlier.__name__}"
            )


@pytest.mark.parametrize("phase", PHASES)
def test_each_row_is_the_one_used_for_its_class(
    phase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row is reachable: an instance of its class is translated by that row."""
    rows = EXCEPTION_TABLE[phase]  # type: ignore[index]
    for index, (kind, translator) in enumerate(rows):
        marker = ValueError(f"row {index}")
        patched = list(rows)
        patched[index] = (kind, lambda e, marker=marker: marker)
        monkeypatch.setitem(EXCEPTION_TABLE, phase, patched)
        assert translate(instance(kind), phase) is marker, (  # type: ignore[arg-type]
            f"{phase} row {index} ({kind.__name__}) is never used"
        )
        monkeypatch.setitem(EXCEPTION_TABLE, phase, rows)
        assert translator is rows[index][1]


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("name", CAUGHT)
def test_each_class_gets_its_most_specific_row(name: str, phase: str) -> None:
    """Of the rows whose class an engine class is, the one used (the first) is the nearest in
    its MRO: most-specific-first holds for each class, multiple inheritance included (requests'
    ``ConnectTimeout`` is a ``ConnectionError`` and a ``Timeout``)."""
    cls = CLASSES[name]
    rows = EXCEPTION_TABLE[phase]  # type: ignore[index]
    matching = [kind for kind, _ in rows if issubclass(cls, kind)]
    assert matching, f"{name} has no row in {phase}"
    nearest = min(matching, key=cls.__mro__.index)
    assert matching[0] is nearest, (
        f"{phase}: {name} is translated by the {matching[0].__name__} row, "
        f"not by the more specific {nearest.__name__} row"
    )


def test_both_phases_have_their_own_table() -> None:
    assert set(EXCEPTION_TABLE) == set(PHASES)
    assert EXCEPTION_TABLE["send"] != EXCEPTION_TABLE["read"]


# -- the engine's exceptions as it raises them, and what urllib raises then ----------------------


def _caused(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


_POOL = _Pool()
_URL = "/x"


def _max_retries(reason: BaseException) -> u3.MaxRetryError:
    return u3.MaxRetryError(_POOL, _URL, reason)  # type: ignore[arg-type]


def _refused() -> ConnectionRefusedError:
    return ConnectionRefusedError(111, "Connection refused")


def _new_connection() -> BaseException:
    return _caused(
        u3.NewConnectionError(
            _POOL,
            "Failed to establish a new connection: "  # type: ignore[arg-type]
            "[Errno 111] Connection refused",
        ),
        _refused(),
    )


def _resolution_failed() -> BaseException:
    """As urllib3 raises it: the gaierror is the cause (only its text is in the message)."""
    gaierror = socket.gaierror(-2, "Name or service not known")
    return _caused(u3.NameResolutionError("h.invalid", _POOL, gaierror), gaierror)  # type: ignore[arg-type]


def _verify_failed() -> ssl.SSLCertVerificationError:
    return ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
    )


#: (phase, the engine's exception as requests/urllib3 raise it, what urllib raises in that
#: situation: (class name, for a URLError the class name of its reason or its text)).
AS_URLLIB: dict[str, tuple[str, Callable[[], BaseException], tuple[str, str]]] = {
    "connection refused": (
        "send",
        lambda: rex.ConnectionError(_max_retries(_new_connection())),
        ("urllib.error.URLError", "builtins.ConnectionRefusedError"),
    ),
    "name resolution": (
        "send",
        lambda: rex.ConnectionError(_max_retries(_resolution_failed())),
        ("urllib.error.URLError", "socket.gaierror"),
    ),
    "connect timeout": (
        "send",
        lambda: rex.ConnectTimeout(
            _max_retries(
                u3.ConnectTimeoutError(
                    _POOL, "Connection to h.invalid timed out. (connect timeout=0.1)"
                )
            )
        ),
        ("urllib.error.URLError", TIMEOUT),
    ),
    "bare ConnectTimeout (as responses users raise it)": (
        "send",
        lambda: rex.ConnectTimeout(),
        ("urllib.error.URLError", TIMEOUT),
    ),
    "waiting for the status line times out": (
        "send",
        lambda: rex.ReadTimeout(
            u3.ReadTimeoutError(_POOL, _URL, "Read timed out. (read timeout=0.1)")
        ),  # type: ignore[arg-type]
        (TIMEOUT, ""),
    ),
    "read timeout after retries (requests' ConnectionError around MaxRetryError)": (
        "send",
        lambda: rex.ConnectionError(
            _max_retries(
                _caused(
                    u3.ReadTimeoutError(_POOL, _URL, "Read timed out. (read timeout=0.1)"),
                    socket.timeout("timed out"),
                )
            )
        ),  # type: ignore[arg-type]
        (TIMEOUT, ""),
    ),
    "certificate verification": (
        "send",
        lambda: rex.SSLError(_max_retries(u3.SSLError(_verify_failed()))),
        ("urllib.error.URLError", "ssl.SSLCertVerificationError"),
    ),
    "proxy refuses the tunnel": (
        "send",
        lambda: rex.ProxyError(
            _max_retries(
                u3.ProxyError(
                    "Unable to connect to proxy", OSError("Tunnel connection failed: 403 Forbidden")
                )
            )
        ),
        ("urllib.error.URLError", "builtins.OSError"),
    ),
    "proxy down": (
        "send",
        lambda: rex.ProxyError(
            _max_retries(u3.ProxyError("Unable to connect to proxy", _new_connection()))
        ),
        ("urllib.error.URLError", "builtins.ConnectionRefusedError"),
    ),
    "proxy resets the connection before the tunnel is up": (
        "send",
        lambda: rex.ProxyError(
            _max_retries(
                u3.ProxyError(
                    "Unable to connect to proxy",
                    ConnectionResetError(104, "Connection reset by peer"),
                )
            )
        ),
        ("urllib.error.URLError", "builtins.ConnectionResetError"),
    ),
    "server hangs up before the status line": (
        "send",
        lambda: rex.ConnectionError(
            u3.ProtocolError(
                "Connection aborted.",
                http.client.RemoteDisconnected("Remote end closed connection without response"),
            )
        ),
        ("http.client.RemoteDisconnected", ""),
    ),
    "server resets before the status line": (
        "send",
        lambda: rex.ConnectionError(
            u3.ProtocolError(
                "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
            )
        ),
        ("builtins.ConnectionResetError", ""),
    ),
    "garbage status line": (
        "send",
        lambda: rex.ConnectionError(
            u3.ProtocolError("Connection aborted.", http.client.BadStatusLine("SPLAT"))
        ),
        ("http.client.BadStatusLine", ""),
    ),
    "invalid header": (
        "send",
        lambda: rex.InvalidHeader("Invalid leading whitespace in header value"),
        ("builtins.ValueError", ""),
    ),
    "responses: no mock matched": (
        "send",
        lambda: rex.ConnectionError(
            "Connection refused by Responses - the call doesn't match any registered mock."
        ),
        ("urllib.error.URLError", "str"),
    ),
    "body read times out": (
        "read",
        lambda: u3.ReadTimeoutError(_POOL, _URL, "Read timed out."),  # type: ignore[arg-type]
        (TIMEOUT, ""),
    ),
    "body read times out (socket timeout inside)": (
        "read",
        lambda: _caused(
            u3.ReadTimeoutError(_POOL, _URL, "Read timed out."),  # type: ignore[arg-type]
            socket.timeout("timed out"),
        ),
        (TIMEOUT, ""),
    ),
    "connection reset in the body": (
        "read",
        lambda: u3.ProtocolError(
            "Connection broken: ConnectionResetError(104, 'Connection reset by peer')",
            ConnectionResetError(104, "Connection reset by peer"),
        ),
        ("builtins.ConnectionResetError", ""),
    ),
    "body cut short": (
        "read",
        lambda: u3.ProtocolError(
            "Connection broken: IncompleteRead(2 bytes read)", http.client.IncompleteRead(b"ab", 8)
        ),
        ("http.client.IncompleteRead", ""),
    ),
    "TLS record broken in the body": (
        "read",
        lambda: u3.SSLError(ssl.SSLError(1, "[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC]")),
        ("ssl.SSLError", ""),
    ),
    # requests' classes in the read phase (they are raised by sends only, but the table
    # answers for every class in both phases): the same situations, the same answers.
    "a read timeout as requests wraps it, in the read phase": (
        "read",
        lambda: rex.ReadTimeout(
            _caused(
                u3.ReadTimeoutError(_POOL, _URL, "Read timed out."), socket.timeout("timed out")
            )
        ),  # type: ignore[arg-type]
        (TIMEOUT, ""),
    ),
    "a reset as requests wraps it, in the read phase": (
        "read",
        lambda: rex.ConnectionError(
            u3.ProtocolError(
                "Connection broken", ConnectionResetError(104, "Connection reset by peer")
            )
        ),
        ("builtins.ConnectionResetError", ""),
    ),
    "a cut body as requests wraps it, in the read phase": (
        "read",
        lambda: rex.ChunkedEncodingError(
            u3.ProtocolError(
                "Connection broken: IncompleteRead(2 bytes read)",
                http.client.IncompleteRead(b"ab", 8),
            )
        ),
        ("http.client.IncompleteRead", ""),
    ),
    "a TLS failure as requests wraps it, in the read phase": (
        "read",
        lambda: rex.SSLError(u3.SSLError(ssl.SSLError(1, "[SSL] bad record mac"))),
        ("ssl.SSLError", ""),
    ),
    "TLS error without the ssl module's error inside": (
        "read",
        lambda: u3.SSLError("bad"),
        ("urllib.error.URLError", "str"),
    ),
}

#: Rows of AS_URLLIB where the table does not give urllib's answer yet (for the lead).
KNOWN_DIFFERENT = {
    "bare ConnectTimeout (as responses users raise it)": "no urllib3 timeout inside: "
    "_connect_failure finds no timeout and gives URLError('')",
}


def _shape(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return _class_name(exc), (
            _class_name(reason) if isinstance(reason, BaseException) else type(reason).__name__
        )
    return _class_name(exc), ""


@pytest.mark.parametrize("case", list(AS_URLLIB))
def test_as_the_engine_raises_it(case: str, request: pytest.FixtureRequest) -> None:
    if case in KNOWN_DIFFERENT:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENT[case]))
    phase, make, expected = AS_URLLIB[case]
    original = make()
    with pytest.raises(BaseException) as info, translated(phase):  # type: ignore[arg-type]
        raise original
    assert _shape(info.value) == expected
    assert info.value.__cause__ is original or info.value is original


def test_the_tunnel_message_is_urllibs() -> None:
    """urllib: ``URLError(OSError('Tunnel connection failed: 403 Forbidden'))``."""
    original = rex.ProxyError(
        _max_retries(
            u3.ProxyError(
                "Unable to connect to proxy", OSError("Tunnel connection failed: 403 Forbidden")
            )
        )
    )
    out = translate(original, "send")
    assert isinstance(out, urllib.error.URLError)
    assert str(out) == "<urlopen error Tunnel connection failed: 403 Forbidden>"
    assert str(out.reason) == "Tunnel connection failed: 403 Forbidden"


def test_the_os_error_inside_is_the_reason() -> None:
    """The reason is the socket's own exception (errno and all), as urllib's."""
    refused = _refused()
    out = translate(
        rex.ConnectionError(_max_retries(_caused(u3.NewConnectionError(_POOL, "Failed"), refused))),
        "send",
    )  # type: ignore[arg-type]
    assert isinstance(out, urllib.error.URLError) and out.reason is refused
    reset = ConnectionResetError(104, "Connection reset by peer")
    assert translate(u3.ProtocolError("Connection broken", reset), "read") is reset
    tls = ssl.SSLError(1, "bad record mac")
    assert translate(u3.SSLError(tls), "read") is tls


# -- odd chains ----------------------------------------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize("phase", PHASES)
def test_a_cyclic_chain_terminates(phase: str) -> None:
    outer = rex.ConnectionError("outer")
    inner = u3.ProtocolError("inner")
    outer.__cause__ = inner
    inner.__context__ = outer
    inner.args = ("inner", outer)
    self_wrapped = rex.RequestException("self")
    self_wrapped.args = ("self", self_wrapped)
    self_wrapped.__cause__ = self_wrapped
    for original in (outer, inner, self_wrapped):
        out = translate(original, phase)  # type: ignore[arg-type]
        assert out is not None and not isinstance(out, ROOTS)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize(
    "cls",
    [
        rex.RequestException,
        rex.ConnectionError,
        rex.Timeout,
        rex.ChunkedEncodingError,
        u3.HTTPError,
        u3.ProtocolError,
    ],
)
def test_an_exception_without_arguments(cls: type[BaseException], phase: str) -> None:
    """Not ``URLError('None')``: the reason is the exception's own (empty) text."""
    out = translate(cls(), phase)  # type: ignore[arg-type]
    assert isinstance(out, urllib.error.URLError)
    assert out.reason == "" and str(out) == "<urlopen error >"


def test_chain_walks_reasons_args_causes_and_contexts_outermost_first() -> None:
    deepest = OSError("deepest")
    by_context = ValueError("context")
    by_context.__context__ = deepest
    by_cause = KeyError("cause")
    by_cause.__cause__ = by_context
    reasoned = u3.MaxRetryError(_POOL, _URL, by_cause)  # type: ignore[arg-type]
    outer = rex.ConnectionError(reasoned)
    assert list(_exceptions._chain(outer)) == [outer, reasoned, by_cause, by_context, deepest]


# -- the other way: urllib's exceptions as requests' (the file:, data:, ftp: adapters) -----------


def _urllib_classes() -> dict[str, type[BaseException]]:
    return {
        f"urllib.error.{name}": obj
        for name, obj in vars(urllib.error).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == "urllib.error"
    }


URLLIB_CLASSES = _urllib_classes()
_PREPARED = requests.Request("GET", "file:///x").prepare()


def _urllib_instance(cls: type[BaseException]) -> BaseException:
    if issubclass(cls, urllib.error.HTTPError):
        return cls("http://h.invalid/", 404, "Not Found", http.client.HTTPMessage(), None)
    if issubclass(cls, urllib.error.ContentTooShortError):
        return cls("retrieval incomplete: got only 2 out of 8 bytes", ("f", None))
    return cls("boom")


def test_the_urllib_walk_found_urllibs_errors() -> None:
    assert {
        "urllib.error.URLError",
        "urllib.error.HTTPError",
        "urllib.error.ContentTooShortError",
    } <= set(URLLIB_CLASSES)


@pytest.mark.parametrize("name", sorted(URLLIB_CLASSES))
def test_every_urllib_error_becomes_a_requests_connection_error(name: str) -> None:
    """Each class of urllib.error (``HTTPError`` and ``ContentTooShortError`` are URLErrors):
    a requests ``ConnectionError`` a requests caller catches, with urllib's as argument."""
    original = _urllib_instance(URLLIB_CLASSES[name])
    out = _exceptions.as_requests_exception(original, _PREPARED)
    assert type(out) is rex.ConnectionError, repr(out)
    assert out.args == (original,) and out.request is _PREPARED


#: How urllib's handlers report a timeout: a socket timeout as the reason, or (Python 3.9's
#: FTPHandler) a string reason raised from the timeout.
def _timeouts() -> Iterator[urllib.error.URLError]:
    yield urllib.error.URLError(socket.timeout("timed out"))
    yield urllib.error.URLError(TimeoutError("timed out"))
    chained = urllib.error.URLError("ftp error: timeout('timed out')")
    chained.__cause__ = socket.timeout("timed out")
    yield chained
    contextual = urllib.error.URLError("ftp error: timed out")
    contextual.__context__ = TimeoutError("timed out")
    yield contextual


@pytest.mark.parametrize("original", list(_timeouts()), ids=repr)
def test_a_urllib_timeout_becomes_connect_timeout(original: urllib.error.URLError) -> None:
    out = _exceptions.as_requests_exception(original, _PREPARED)
    assert type(out) is rex.ConnectTimeout
    assert isinstance(out, requests.Timeout) and isinstance(out, requests.ConnectionError)


def test_a_urllib_error_that_is_no_timeout_stays_a_connection_error() -> None:
    refused = urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))
    assert type(_exceptions.as_requests_exception(refused, _PREPARED)) is rex.ConnectionError
    assert not _exceptions.timed_out(urllib.error.URLError("ftp error: 550 no such file"))


@pytest.mark.parametrize(
    "original",
    [
        ValueError("no comma"),
        UnicodeDecodeError("ascii", b"\xff", 0, 1, "bad"),
        binascii.Error("Incorrect padding"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_urllib_value_error_becomes_invalid_url(original: ValueError) -> None:
    """``DataHandler`` raises ``ValueError`` (or its subclasses) for a malformed URL."""
    out = _exceptions.as_requests_exception(original, _PREPARED)
    assert type(out) is rex.InvalidURL and out.args == (str(original),)
    assert isinstance(out, ValueError) and out.request is _PREPARED


@pytest.mark.parametrize(
    "original",
    [OSError("os"), KeyError("k"), TimeoutError("t"), http.client.IncompleteRead(b"")],
    ids=repr,
)
def test_other_exceptions_have_no_requests_counterpart(original: BaseException) -> None:
    assert _exceptions.as_requests_exception(original, _PREPARED) is None


def test_no_reverse_row_is_shadowed_by_an_earlier_one() -> None:
    rows = _exceptions.REVERSE_TABLE
    for i, (earlier, _) in enumerate(rows):
        for later, _ in rows[i + 1 :]:
            assert not issubclass(later, earlier), (
                f"{later.__name__} comes after its base {earlier.__name__}"
            )


def test_each_reverse_row_is_the_one_used_for_its_class(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = list(_exceptions.REVERSE_TABLE)
    for index, (kind, _) in enumerate(rows):
        marker = rex.RequestException(f"row {index}")
        patched = list(rows)
        patched[index] = (kind, lambda e, r, marker=marker: marker)
        monkeypatch.setattr(_exceptions, "REVERSE_TABLE", patched)
        original = _urllib_instance(kind) if issubclass(kind, urllib.error.URLError) else kind("x")
        assert _exceptions.as_requests_exception(original, _PREPARED) is marker
    monkeypatch.setattr(_exceptions, "REVERSE_TABLE", rows)


def test_there_and_back() -> None:
    """A requests exception made from urllib's by the reverse table, met again at the forward
    boundary (a Session adapter's failure inside ``opener.open``), comes out urllib-shaped."""
    for original in (
        urllib.error.URLError(ConnectionRefusedError(111, "refused")),
        urllib.error.URLError(socket.timeout("timed out")),
    ):
        there = _exceptions.as_requests_exception(original, _PREPARED)
        assert there is not None
        there.__cause__ = original
        back = translate(there, "send")
        assert isinstance(back, urllib.error.URLError), repr(back)
