"""Legacy urllib code, unmodified, answered by ``responses`` mocks under the swap."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import requests
import responses

from requests_urllib_compat.swap import Swap

from ..support import legacy_app

API = "http://legacy.example"
PYTHON_URLLIB = f"Python-urllib/{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture
def mocked(urllib_compat: Swap) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def test_status_headers_body(mocked: responses.RequestsMock) -> None:
    mocked.get(
        f"{API}/item",
        status=203,
        body=b"payload",
        headers={"X-Trace": "abc", "Content-Type": "text/plain; charset=utf-8"},
    )
    with urllib.request.urlopen(f"{API}/item") as response:
        assert (response.status, response.reason) == (203, "Non-Authoritative Information")
        assert response.getcode() == 203
        assert response.headers["X-Trace"] == "abc"
        assert response.info().get_content_charset() == "utf-8"
        assert response.geturl() == f"{API}/item"
        assert response.read() == b"payload"
    [call] = mocked.calls
    assert call.request.method == "GET"
    assert call.request.url == f"{API}/item"
    assert dict(call.request.headers) == {"Host": "legacy.example", "User-Agent": PYTHON_URLLIB}
    assert call.request.body is None


def test_module_functions(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/late", body=b"late")
    assert legacy_app.fetch_late(f"{API}/late") == (200, b"late")


def test_post_form_sends_what_urllib_sends(mocked: responses.RequestsMock) -> None:
    mocked.post(f"{API}/form", json={"ok": True})
    assert legacy_app.post_form(f"{API}/form", {"name": "Ada", "lang": "en"}) == {"ok": True}
    [call] = mocked.calls
    assert call.request.method == "POST"
    assert call.request.body == b"name=Ada&lang=en"
    headers = call.request.headers
    assert headers["User-Agent"] == "legacy-app/1.0"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Content-Length"] == "16"


def test_mocked_404_is_an_http_error(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/missing", status=404, body=b"not here", headers={"X-Why": "gone"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{API}/missing")
    error = caught.value
    assert (error.code, error.reason) == (404, "Not Found")
    assert str(error) == "HTTP Error 404: Not Found"
    assert error.headers["X-Why"] == "gone"
    assert error.geturl() == f"{API}/missing"
    assert error.read() == b"not here"
    error.close()
    assert legacy_app.status_of(f"{API}/missing") == 404


def test_mocked_connection_error_is_a_url_error(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/down", body=requests.exceptions.ConnectionError("connection refused"))
    with pytest.raises(urllib.error.URLError) as caught:
        urllib.request.urlopen(f"{API}/down")
    assert not isinstance(caught.value, urllib.error.HTTPError)
    assert "connection refused" in str(caught.value.reason)
    assert legacy_app.status_of(f"{API}/down") == "unreachable: connection refused"


def test_mocked_timeout_is_a_url_error(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/slow", body=requests.exceptions.ConnectTimeout("timed out"))
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{API}/slow", timeout=1)


def test_mocked_redirect_is_followed_by_urllib(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/old", status=302, headers={"Location": "/new?x=1"})
    mocked.get(f"{API}/new?x=1", body=b"moved here")
    with urllib.request.urlopen(f"{API}/old") as response:
        assert response.geturl() == f"{API}/new?x=1"
        assert response.read() == b"moved here"
    assert [c.request.url for c in mocked.calls] == [f"{API}/old", f"{API}/new?x=1"]
    assert all(c.request.headers["User-Agent"] == PYTHON_URLLIB for c in mocked.calls)


def test_redirect_loop_is_urllibs_http_error(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{API}/loop")
    assert "redirect error that would lead to an infinite loop" in str(caught.value)
    caught.value.close()


def test_custom_opener_and_basic_auth(mocked: responses.RequestsMock) -> None:
    mocked.get(f"{API}/private", status=401, headers={"WWW-Authenticate": 'Basic realm="r"'})
    mocked.get(f"{API}/private", body=b"secret")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, API, "ada", "lovelace")
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(passwords))
    with opener.open(f"{API}/private") as response:
        assert response.read() == b"secret"
    first, second = mocked.calls
    assert "Authorization" not in first.request.headers
    assert second.request.headers["Authorization"] == "Basic YWRhOmxvdmVsYWNl"
