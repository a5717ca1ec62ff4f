"""Gradual migration: the requests objects behind the urllib objects old code holds."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import requests

import requests_urllib_compat as compat
from requests_urllib_compat import requests_response

from ..support.servers import RecordingServer, Reply


def _legacy_get(url: str) -> object:
    """Old code: hands a urlopen() response to the rest of the program."""
    return urllib.request.urlopen(url, timeout=10)


def test_json_from_a_response_old_code_opened(server: RecordingServer) -> None:
    server.route("/data", Reply(200, [("Content-Type", "application/json")], b'{"n": [1, 2]}'))
    with compat.patched():
        response = _legacy_get(server.url("/data"))
    with response:  # type: ignore[attr-defined]
        migrated = requests_response(response)
        assert isinstance(migrated, requests.Response)
        assert migrated.status_code == 200
        assert migrated.url == server.url("/data")
        assert migrated.headers["Content-Type"] == "application/json"
        assert migrated.json() == {"n": [1, 2]}


def test_iter_content_next_to_old_code(server: RecordingServer) -> None:
    body = bytes(range(256)) * 1024
    server.route("/big", Reply(200, [("Content-Type", "application/octet-stream")], body))
    server.route("/small", Reply(200, [], b"old"))
    opener = compat.build_opener()
    with opener.open(server.url("/small")) as old:
        assert old.read() == b"old"  # old code, unchanged
    with opener.open(server.url("/big")) as new:
        chunks = list(requests_response(new).iter_content(chunk_size=65536))
    assert b"".join(chunks) == body
    assert max(len(c) for c in chunks) <= 65536
    assert server.connections == 1  # both through the same pooled connection


def test_from_an_http_error(server: RecordingServer) -> None:
    server.route(
        "/missing", Reply(404, [("Content-Type", "application/json")], b'{"error": "no such item"}')
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        compat.urlopen(server.url("/missing"))
    with caught.value as error:
        migrated = requests_response(error)
        assert migrated.status_code == 404
        assert migrated.json() == {"error": "no such item"}
        with pytest.raises(requests.HTTPError):
            migrated.raise_for_status()
    assert requests_response(error) is error.fp.requests_response


def test_after_redirects_the_final_response(server: RecordingServer) -> None:
    server.route("/old", Reply(302, [("Location", "/new")]))
    server.route("/new", Reply(200, [], b'"new"'))
    with compat.urlopen(server.url("/old")) as response:
        assert requests_response(response).url == server.url("/new")
        assert json.loads(response.read()) == "new"


@pytest.mark.parametrize(
    "obj",
    [
        "text",
        None,
        urllib.error.HTTPError("http://127.0.0.1/", 500, "boom", None, None),  # type: ignore[arg-type]
    ],
    ids=["str", "None", "HTTPError-without-fp"],
)  # explicit ids: on 3.9 pytest's getattr(obj,
# "__name__") on an HTTPError without fp raises KeyError (tempfile wrapper's __getattr__)
def test_objects_without_a_requests_response(obj: object) -> None:
    with pytest.raises(TypeError, match="did not come from requests_urllib_compat"):
        requests_response(obj)


def test_stdlib_and_data_responses_are_refused(server: RecordingServer) -> None:
    with compat.urlopen("data:,hello") as data_response, pytest.raises(TypeError):
        requests_response(data_response)
    with urllib.request.urlopen(server.url("/stdlib")) as stdlib_response:
        with pytest.raises(TypeError, match="HTTPResponse"):
            requests_response(stdlib_response)
        stdlib_response.read()
