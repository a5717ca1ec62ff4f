"""The adapter's per-request shortcuts give what requests' own code gives."""

from __future__ import annotations

import copy
import pickle
import socket
import ssl
import time
from typing import Any

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import CompatAdapter, shared_adapter

from ..support.servers import RecordingServer, Reply


def _fields(r: requests.Response) -> Any:
    return (
        r.status_code,
        list(r.headers.items()),
        r.encoding,
        r.reason,
        r.url,
        sorted(r.cookies.items()),
        r.request is not None,
        r.connection,
    )


@pytest.mark.parametrize(
    "headers",
    [
        [
            ("Content-Type", "text/html; charset=ISO-8859-1"),
            ("X-Dup", "a"),
            ("x-dup", "b"),
            ("X-Other", "c"),
        ],
        [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2"), ("Content-Type", "text/plain")],
        [("Content-Type", "application/json"), ("X-A", "1")],
        [("content-type", "text/csv"), ("content-type", "text/plain; charset=utf-8")],
        [],
    ],
)
def test_build_response_as_requests(
    server: RecordingServer, headers: list[tuple[str, str]]
) -> None:
    server.route("/r", Reply(200, headers, b"body"))
    adapter = CompatAdapter()
    try:
        request = requests.Request("GET", server.url("/r")).prepare()
        raw = adapter.send(request, stream=True).raw
        ours = adapter.build_response(request, raw)
        theirs = HTTPAdapter.build_response(adapter, request, raw)
        assert _fields(ours) == _fields(theirs)
        raw.read()
        raw.release_conn()
    finally:
        adapter.close()


def test_cookies_and_headers_reach_the_requests_response(server: RecordingServer) -> None:
    server.route("/c", Reply(200, [("Set-Cookie", "k=v"), ("X-A", "1"), ("X-A", "2")], b"x"))
    with compat.urlopen(server.url("/c")) as r:
        assert r.requests_response.cookies.get("k") == "v"
        assert r.requests_response.headers["x-a"] == "1, 2"
        assert r.headers.get_all("X-A") == ["1", "2"]


def test_response_headers_are_copied_as_requests_headers(server: RecordingServer) -> None:
    """requests' headers are made from urllib3's when first read; copies are requests' class."""
    server.route(
        "/h", Reply(200, [("X-A", "1"), ("x-a", "2"), ("Content-Type", "application/json")], b"{}")
    )
    with compat.urlopen(server.url("/h")) as r:
        response = r.requests_response
        assert response.encoding == "utf-8"
        expected = list(response.headers.items())
        assert ("X-A", "1, 2") in expected and ("Content-Type", "application/json") in expected
        for copied in (
            copy.copy(response.headers),
            copy.deepcopy(response.headers),
            pickle.loads(pickle.dumps(response.headers)),
            response.headers.copy(),
        ):
            assert type(copied) is CaseInsensitiveDict
            assert list(copied.items()) == expected
        assert r.read() == b"{}"
        assert pickle.loads(pickle.dumps(response)).headers == response.headers


def test_pool_is_the_one_requests_picks_and_follows_its_lifecycle(server: RecordingServer) -> None:
    server.route("/p", Reply(200, [], b"p"))
    adapter = shared_adapter(None)
    for _ in range(3):
        with compat.urlopen(server.url("/p")) as r:
            assert r.read() == b"p"
    request = requests.Request("GET", server.url("/p")).prepare()
    requests_pick = HTTPAdapter.get_connection_with_tls_context(adapter, request, True)
    origin = ("http", server.url("/p").split("/")[2])
    assert adapter._origin_pools.get(origin)[1] is requests_pick
    assert server.connections == 1
    adapter.close()  # pools closed: a new one is picked, and it works
    with compat.urlopen(server.url("/p")) as r:
        assert r.read() == b"p"
    assert server.connections == 2
    now = HTTPAdapter.get_connection_with_tls_context(adapter, request, True)
    assert now is not requests_pick
    assert adapter._origin_pools.get(origin)[1] is now


def test_tls_settings_of_the_context_select_the_pool(
    tls_server: RecordingServer, client_context: ssl.SSLContext
) -> None:
    tls_server.route("/t", Reply(200, [], b"t"))
    opener = compat.build_opener(compat.HTTPSHandler(context=client_context))
    with opener.open(tls_server.url("/t")) as r:
        assert r.read() == b"t"
    adapter = shared_adapter(client_context)
    first = set(id(p) for _, p in adapter._origin_pools.values())
    client_context.check_hostname = False  # the caller changes their context: as urllib, it
    client_context.verify_mode = ssl.CERT_NONE  # applies from the next connection on
    try:
        with opener.open(tls_server.url("/t")) as r:
            assert r.read() == b"t"
    finally:
        client_context.verify_mode = ssl.CERT_REQUIRED
        client_context.check_hostname = True
    assert len(set(id(p) for _, p in adapter._origin_pools.values()) - first) == 1


@responses.activate
def test_responses_still_intercepts_with_cookies() -> None:
    responses.add(
        responses.GET,
        "http://127.0.0.1:9/m",
        body=b"mocked",
        headers={"Set-Cookie": "m=1", "X-M": "y"},
    )
    with compat.urlopen("http://127.0.0.1:9/m") as r:
        assert r.read() == b"mocked"
        assert r.headers["X-M"] == "y"
        assert r.requests_response.cookies.get("m") == "1"


def test_a_proxy_header_replaces_the_requests_one_whatever_its_case(
    server: RecordingServer,
) -> None:
    """urllib3 merges a proxy's headers into the request's case-insensitively: the headers
    handed to the pool stay requests' class then (one Proxy-Authorization on the wire)."""
    session = requests.Session()
    session.proxies = {"http": f"http://u:p@127.0.0.1:{server.port}"}
    session.headers["proxy-authorization"] = "Basic from-the-session"
    session.mount("http://", CompatAdapter())  # our pools, proxy headers merged by urllib3
    opener = compat.build_opener(session=session)
    with opener.open("http://origin.invalid/x") as r:
        r.read()
    (received,) = server.received
    assert received.target == "http://origin.invalid/x"
    assert [v for k, v in received.headers if k.lower() == "proxy-authorization"] == ["Basic dTpw"]
    session.close()


def test_each_request_has_its_timeout_on_a_reused_connection(server: RecordingServer) -> None:
    """The socket's timeout is set again only when it differs (a system call otherwise)."""

    def slow(rec: Any, handler: Any) -> None:
        time.sleep(0.6)
        handler.send_reply(Reply(200, [], b"ok"))

    server.route("/fast", Reply(200, [], b"ok"))
    server.route("/slow", slow)
    with compat.urlopen(server.url("/fast"), timeout=0.2) as r:
        assert r.read() == b"ok"
    with compat.urlopen(server.url("/slow"), timeout=5) as r:  # not the 0.2 s of before
        assert r.read() == b"ok"
    with pytest.raises(socket.timeout):  # as urllib: raised while waiting for the answer
        compat.urlopen(server.url("/slow"), timeout=0.2)
    first, second = server.received[:2]
    assert first.connection == second.connection  # the longer timeout on the reused socket
