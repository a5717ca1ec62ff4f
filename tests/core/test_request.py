"""Request fidelity: the stdlib's own ``Request``, and what its settings put on the wire."""

from __future__ import annotations

import io
import urllib.request
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat
import requests_urllib_compat.request as compat

from ..support.differential import assert_same
from ..support.servers import RecordingServer


def test_request_is_the_stdlib_class() -> None:
    assert compat.Request is urllib.request.Request
    assert requests_urllib_compat.Request is urllib.request.Request


def test_header_methods_on_the_wire(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/h#frag"), headers={"x-lower": "1", "X-UPPER": "2"})
        req.add_header("content-TYPE", "text/plain")
        req.add_unredirected_header("x-unredirected", "3")
        req.add_header("X-Removed", "gone")
        req.remove_header("X-removed")
        state = (
            req.has_header("Content-type"),
            req.has_header("Content-Type"),
            req.get_header("X-lower"),
            sorted(req.header_items()),
            req.get_method(),
            req.full_url,
            req.selector,
            req.host,
            req.type,
            req.origin_req_host,
        )
        with u.urlopen(req) as r:
            return state, r.geturl(), r.read()

    run = assert_same(scenario, server)
    ((_, target, _, headers, _),) = run.received
    assert target == "/h"  # fragment stripped on the wire...
    assert run.outcome.value[1].endswith("/h#frag")  # ...but kept in geturl()
    names = [k for k, _ in headers]
    assert "X-Lower" in names and "X-Upper" in names and "X-Unredirected" in names
    assert "X-Removed" not in names


def test_method_and_data_setters(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/m"), data=b"first", headers={"Content-length": "5"})
        req.data = b"second!"  # drops the explicit Content-length
        req.method = "PUT"
        with u.urlopen(req) as r:
            return r.read()

    run = assert_same(scenario, server)
    method, _, _, headers, body = run.received[0]
    assert (method, body) == ("PUT", b"second!")
    assert ("Content-Length", "7") in headers


def test_full_url_setter(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request("http://unused.invalid/x")
        req.full_url = server.url("/moved?q=1#f")
        with u.urlopen(req) as r:
            return req.fragment, r.geturl(), r.read()

    assert assert_same(scenario, server).received[0][1] == "/moved?q=1"


class PatchRequest(urllib.request.Request):
    method = "PATCH"


def test_method_class_attribute(server: RecordingServer) -> None:
    assert_same(lambda u: u.urlopen(PatchRequest(server.url("/p"), data=b"x")), server)


@pytest.mark.parametrize(
    "data",
    [
        b"bytes",
        bytearray(b"bytearray"),
        memoryview(b"memoryview"),
        b"",
    ],
    ids=["bytes", "bytearray", "memoryview", "empty"],
)
def test_sized_bodies(server: RecordingServer, data: Any) -> None:
    run = assert_same(lambda u: u.urlopen(server.url("/d"), data=data), server)
    assert run.received[0][4] == bytes(data)
    assert ("Content-Length", str(len(data))) in run.received[0][3]


def test_file_object_is_sent_chunked(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(server.url("/f"), data=io.BytesIO(b"file body")), server)
    assert ("Transfer-Encoding", "chunked") in run.received[0][3]
    assert run.received[0][4] == b"file body"


def test_iterable_is_sent_chunked(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(server.url("/i"), data=[b"a", b"bc", b""]), server)
    assert ("Transfer-Encoding", "chunked") in run.received[0][3]


def test_generator_body(server: RecordingServer) -> None:
    assert_same(lambda u: u.urlopen(server.url("/g"), data=(b"x" * n for n in (1, 2, 3))), server)


def test_str_body_is_a_type_error(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(server.url("/s"), data="text"), server)
    assert run.outcome.error_type == "builtins.TypeError"
    assert run.received == []


def test_explicit_content_length(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/cl"), data=iter([b"abc"]), headers={"Content-length": "3"})
        return u.urlopen(req)

    run = assert_same(scenario, server)
    assert ("Content-Length", "3") in run.received[0][3]


def test_explicit_content_type(server: RecordingServer) -> None:
    assert_same(
        lambda u: u.urlopen(
            u.Request(server.url("/ct"), data=b"{}", headers={"Content-Type": "application/json"})
        ),
        server,
    )


def test_lowercase_method_sent_verbatim(server: RecordingServer) -> None:
    run = assert_same(
        lambda u: u.urlopen(u.Request(server.url("/lc"), data=b"x", method="post")), server
    )
    assert run.received[0][0] == "post"


@pytest.mark.parametrize(
    "method", ["DELETE", "OPTIONS", "GET", "HEAD", "PUT", "POST", "PATCH", "TRACE"]
)
def test_bodiless_methods(server: RecordingServer, method: str) -> None:
    run = assert_same(lambda u: u.urlopen(u.Request(server.url("/b"), method=method)), server)
    assert run.received[0][0] == method


def test_delete_with_body(server: RecordingServer) -> None:
    assert_same(
        lambda u: u.urlopen(u.Request(server.url("/b"), data=b"x", method="DELETE")), server
    )


def test_host_header_with_explicit_default_port(server: RecordingServer) -> None:
    # urllib puts the netloc as written in Host; explicit ":<port>" must be kept verbatim.
    url = f"http://127.0.0.1:{server.port}/"
    run = assert_same(lambda u: u.urlopen(url), server)
    assert ("Host", f"127.0.0.1:{server.port}") in run.received[0][3]


def test_host_header_port_80_kept() -> None:
    req = urllib.request.Request("http://127.0.0.1:80/x")
    assert req.host == "127.0.0.1:80"  # what both send in Host (do_request_ uses req.host)


def test_user_host_header_wins(server: RecordingServer) -> None:
    run = assert_same(
        lambda u: u.urlopen(u.Request(server.url("/"), headers={"Host": "example.test"})), server
    )
    assert ("Host", "example.test") in run.received[0][3]


def test_opener_addheaders(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener()
        opener.addheaders = [("User-agent", "legacy/1.0"), ("X-extra", "1")]
        return opener.open(server.url("/a"))

    run = assert_same(scenario, server)
    assert ("User-Agent", "legacy/1.0") in run.received[0][3]


def test_no_user_agent_when_addheaders_empty(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        opener = u.build_opener()
        opener.addheaders = []
        return opener.open(server.url("/a"))

    run = assert_same(scenario, server)
    assert all(k != "User-Agent" for k, _ in run.received[0][3])


def test_default_wire_headers(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.urlopen(server.url("/w")), server)
    names = [k for k, _ in run.received[0][3]]
    assert "Accept" not in names
    assert ("Accept-Encoding", "identity") in run.received[0][3]


@pytest.mark.parametrize("target", ["/a%2fb%7E?x=%41&y=a+b", '/p|q{r}^`x?s=\\"<>', "/;p,q@r!$"])
def test_request_target_sent_verbatim(server: RecordingServer, target: str) -> None:
    # urllib3 would re-quote these (signed URLs break); urllib sends them as given.
    run = assert_same(lambda u: u.urlopen(server.url(target)), server)
    assert run.received[0][1] == target


def test_request_target_verbatim_through_opener(server: RecordingServer) -> None:
    run = assert_same(lambda u: u.build_opener().open(server.url("/x%3a%3A|")), server)
    assert run.received[0][1] == "/x%3a%3A|"


def test_timeout_attribute(server: RecordingServer) -> None:
    def scenario(u: ModuleType) -> Any:
        req = u.Request(server.url("/t"))
        with u.urlopen(req, timeout=7) as r:
            r.read()
        return req.timeout

    assert assert_same(scenario, server).outcome.value == 7


@pytest.mark.parametrize(
    "data",
    [
        {"a": "1"},
        ["a", "b"],
        [b"a", "", b"b"],
        5,
        [b"a", 5],
    ],
    ids=["dict", "list_of_str", "empty_str_chunk", "int", "int_chunk"],
)
def test_body_types_http_client_refuses_or_accepts(server: RecordingServer, data: Any) -> None:
    # urllib3 would encode str chunks (a dict's keys!) and send them; http.client raises.
    assert_same(lambda u: u.urlopen(server.url("/d"), data=data), server)


def test_method_with_non_token_characters_refused(server: RecordingServer) -> None:
    """Documented difference: urllib3 refuses a method that is not an HTTP token (here a space)
    before sending; http.client only refuses control characters and sends it."""
    with pytest.raises(ValueError):
        compat.urlopen(compat.Request(server.url("/"), method="GE T"))
    assert server.received == []
