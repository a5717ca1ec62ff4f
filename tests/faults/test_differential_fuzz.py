"""Differential property tests: generated requests and responses, urllib and us side by side.

Hypothesis generates request targets (paths and queries with odd characters), headers, bodies and
methods, and server answers (status, reason, headers, body, framing).  Each is run through
``urllib.request`` and through our package against the same raw-socket server, which records
every request it parses with the bytes it parsed it from.  Asserted: the same outcome class for
the caller, the same bytes at the server (``Connection: close``, urllib's, aside), and, through
our pool, that an unrelated request sent next is the only other thing the server parses and gets
its own answer.

The normal suite runs a bounded, derandomized number of examples (the ``ci`` profile).  The long
run is ``tox -e fuzz`` (``RUC_FUZZ=long``): random examples for about ten minutes.
"""

from __future__ import annotations

import os
import string
import urllib.request
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import Outcome, observe
from ..support.raw_server import Conn, Parsed, RawServer

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("RUC_FUZZ_EXAMPLES", "20000")),
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = settings.get_profile("long" if os.environ.get("RUC_FUZZ") == "long" else "ci")


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[RawServer]:
    s = RawServer().start()
    yield s
    close_shared_pools()
    s.stop()


# -- strategies ------------------------------------------------------------------------------

_PCHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@%/"
path = st.text(
    alphabet=st.sampled_from(_PCHARS + '?#[]"<>\\^`{|}\u00e9\u20ac \t\x7f\x00\r\n'), max_size=30
)
query = st.one_of(
    st.just(""),
    st.text(alphabet=st.sampled_from(_PCHARS + "?=&+%\u00e9 "), max_size=30).map(lambda q: "?" + q),
)
token = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"),
    min_size=1,
    max_size=12,
)
_SKIPPED_HEADERS = {
    "content-length",
    "transfer-encoding",
    "host",
    "expect",
    "te",
    "upgrade",
    "keep-alive",
    "proxy-connection",
}
header_name = st.one_of(
    token,
    st.sampled_from(
        [
            "X-A",
            "Accept",
            "User-Agent",
            "Cookie",
            "Authorization",
            "Content-Type",
            "Connection",
            "X A",
            "X\r\nB",
            "X:Y",
            "",
        ]
    ),
)
header_value = st.text(
    alphabet=st.characters(max_codepoint=0x2FF, exclude_categories=("Cs",)), max_size=20
)
headers = st.dictionaries(
    header_name,
    st.one_of(
        header_value,
        st.sampled_from(["a\r\nX-Injected: 1", " lead", "trail ", "", "a\x00b", "\u20ac"]),
    ),
    max_size=3,
).filter(lambda h: not any(k.strip().lower() in _SKIPPED_HEADERS for k in h))
methods = st.one_of(
    st.sampled_from(
        [
            "GET",
            "POST",
            "PUT",
            "DELETE",
            "HEAD",
            "OPTIONS",
            "PATCH",
            "get",
            "PROPFIND",
            "GET\r\n",
            "GET\x00",
            "",
        ]
    ),
    token,
)
# (a method that is not a token, "G ET", is refused before sending: docs/differences.md)
bodies = st.one_of(
    st.none(), st.binary(max_size=300), st.lists(st.binary(min_size=1, max_size=50), max_size=4)
)

# -- running one example both ways -----------------------------------------------------------


def kind(o: Outcome) -> Any:
    return (o.kind, o.status, o.error_type, o.reason_type, o.body)


def _wire(req: Parsed) -> bytes:
    return req.raw.replace(b"Connection: close\r\n", b"")


def _both(server: RawServer, call: Any) -> tuple[Outcome, Outcome, list[Parsed], list[Parsed]]:
    server.reset()
    theirs = observe(lambda: call(urllib.request))
    theirs_parsed = list(server.received)
    server.reset()
    ours = observe(lambda: call(compat))
    ours_parsed = list(server.received)
    return ours, theirs, ours_parsed, theirs_parsed


_sentinels = iter(range(10**9))


def _sentinel(server: RawServer) -> None:
    """Nothing of the example is parsed after it: an unrelated request through our pool is the
    only request the server parses next, and gets its own answer."""
    server.reset()
    target = f"/sentinel-{next(_sentinels)}"
    with compat.urlopen(server.url(target), timeout=5) as r:
        assert r.read() == f"ok GET {target}".encode()
    assert server.targets() == [target], server.targets()
    assert not server.errors, server.errors


@PROFILE
@given(method=st.one_of(st.none(), methods), p=path, q=query, hdrs=headers, body=bodies)
def test_generated_requests(
    fuzz_server: RawServer, method: str | None, p: str, q: str, hdrs: dict[str, str], body: Any
) -> None:
    url = fuzz_server.url("/f" + p + q)

    def call(u: ModuleType) -> Any:
        data = list(body) if isinstance(body, list) else body
        return u.urlopen(u.Request(url, data=data, headers=dict(hdrs), method=method), timeout=2)

    ours, theirs, ours_parsed, theirs_parsed = _both(fuzz_server, call)
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"
    assert [_wire(r) for r in ours_parsed] == [_wire(r) for r in theirs_parsed]
    _sentinel(fuzz_server)


# -- generated answers -----------------------------------------------------------------------

_SKIPPED_RESPONSE_HEADERS = {
    "content-length",
    "transfer-encoding",
    "connection",
    "location",
    "uri",
    "www-authenticate",
    "proxy-authenticate",
    "set-cookie",
    "set-cookie2",
    "keep-alive",
    "content-encoding",
    "date",
}
reason = st.text(alphabet=st.sampled_from(string.ascii_letters + " -_\u00e9"), max_size=15)
response_headers = st.lists(
    st.tuples(
        token,
        st.text(
            alphabet=st.characters(
                min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"
            ),
            max_size=20,
        ),
    ),
    max_size=4,
).filter(lambda h: not any(k.lower() in _SKIPPED_RESPONSE_HEADERS for k, _ in h))
framings = st.sampled_from(["length", "chunked", "close"])
statuses = st.one_of(
    st.sampled_from(
        [200, 201, 203, 204, 206, 300, 304, 400, 401, 403, 404, 410, 418, 500, 502, 503, 599]
    ),
    st.integers(200, 599),
)


def _answer(
    status: int, why: str, hdrs: list[tuple[str, str]], body: bytes, framing: str, head: bool
) -> bytes:
    lines = [f"HTTP/1.1 {status} {why}".rstrip(" ") if why else f"HTTP/1.1 {status}"]
    lines += [f"{k}: {v.strip()}" for k, v in hdrs]
    bodiless = head or status in (204, 304)
    if framing == "length":
        lines.append(f"Content-Length: {len(body)}")
        payload = b"" if bodiless else body
    elif framing == "chunked":
        lines.append("Transfer-Encoding: chunked")
        payload = (
            b""
            if bodiless
            else ((b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n")
        )
    else:
        lines.append("Connection: close")
        payload = b"" if bodiless else body
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


@PROFILE
@given(
    status=statuses,
    why=reason,
    hdrs=response_headers,
    body=st.binary(max_size=300),
    framing=framings,
    head=st.booleans(),
)
def test_generated_answers(
    fuzz_server: RawServer,
    status: int,
    why: str,
    hdrs: list[tuple[str, str]],
    body: bytes,
    framing: str,
    head: bool,
) -> None:
    answer = _answer(status, why, hdrs, body, framing, head)

    def route(req: Parsed, conn: Conn) -> bool:
        conn.send(answer)
        return framing != "close"

    fuzz_server.route("/answer", route)
    url = fuzz_server.url("/answer")

    def call(u: ModuleType) -> Any:
        return u.urlopen(u.Request(url, method="HEAD" if head else "GET"), timeout=2)

    ours, theirs, ours_parsed, theirs_parsed = _both(fuzz_server, call)
    assert ours == theirs, f"\ncompat: {ours}\nstdlib: {theirs}"
    assert [r.comparable() for r in ours_parsed] == [r.comparable() for r in theirs_parsed]
    _sentinel(fuzz_server)


@pytest.mark.parametrize("status,method", [(204, "GET"), (304, "GET"), (200, "HEAD")])
def test_bodiless_chunked_answer_does_not_wait(
    fuzz_server: RawServer, status: int, method: str
) -> None:
    answer = _answer(status, "X", [], b"", "chunked", method == "HEAD")
    fuzz_server.route("/bodiless", lambda req, conn: conn.send(answer) is None)
    url = fuzz_server.url("/bodiless")
    ours, theirs, _, _ = _both(
        fuzz_server, lambda u: u.urlopen(u.Request(url, method=method), timeout=1)
    )
    assert kind(ours) == kind(theirs), f"\ncompat: {ours}\nstdlib: {theirs}"
    _sentinel(fuzz_server)


def test_chunk_size_lines_as_http_client(fuzz_server: RawServer) -> None:
    url = fuzz_server.url("/chunks")
    _, _, ours_parsed, theirs_parsed = _both(
        fuzz_server, lambda u: u.urlopen(u.Request(url, data=[b"x" * 10, b"y" * 255]), timeout=2)
    )
    assert [r.raw.replace(b"Connection: close\r\n", b"") for r in ours_parsed] == [
        r.raw.replace(b"Connection: close\r\n", b"") for r in theirs_parsed
    ]
