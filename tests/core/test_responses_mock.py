"""``responses`` intercepts urlopen: what the mock answers is what urllib-style code sees."""

from __future__ import annotations

import http.client
import socket
import urllib.error

import pytest
import requests
import responses

import requests_urllib_compat.request as compat
from requests_urllib_compat.response import HTTPResponse


def test_registered_url_is_answered_by_the_mock() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            "http://api.test/items?x=1",
            body=b"line 1\nline 2\n",
            status=201,
            headers={"X-Thing": "yes"},
            content_type="text/plain",
        )
        with compat.urlopen("http://api.test/items?x=1") as r:
            assert isinstance(r, HTTPResponse)
            assert isinstance(r, http.client.HTTPResponse)
            assert (r.status, r.getcode(), r.reason, r.msg) == (201, 201, "Created", "Created")
            assert r.headers["x-thing"] == "yes"
            assert r.info().get_content_type() == "text/plain"
            assert r.geturl() == "http://api.test/items?x=1"
            assert r.readline() == b"line 1\n"
            assert list(r) == [b"line 2\n"]
            assert r.read() == b""
            assert r.isclosed()
        headers = mock.calls[0].request.headers
        assert headers["User-Agent"].startswith("Python-urllib/")
        assert "Accept" not in headers  # none of requests' defaults


def test_mock_reading_methods() -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "http://api.test/p", body=b"0123456789")
        with compat.urlopen("http://api.test/p", data=b"sent") as r:
            buf = bytearray(3)
            assert (r.read(2), r.read1(2), r.readinto(buf), bytes(buf), r.read()) == (
                b"01",
                b"23",
                3,
                b"456",
                b"789",
            )
        assert mock.calls[0].request.body == b"sent"


def test_unregistered_url_is_a_urlerror() -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, "http://api.test/known", body=b"x")
        with pytest.raises(urllib.error.URLError) as info:
            compat.urlopen("http://api.test/unknown")
        assert not isinstance(info.value, urllib.error.HTTPError)
        assert "Connection refused by Responses" in str(info.value.reason)
        assert info.value.__cause__ is not None


def test_mocked_404_is_an_httperror() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            "http://api.test/missing",
            body=b"not here",
            status=404,
            headers={"X-Why": "gone"},
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            compat.urlopen("http://api.test/missing")
        e = info.value
        with e:
            assert (e.code, e.reason, e.getcode(), e.status) == (404, "Not Found", 404, 404)
            assert e.headers["X-Why"] == "gone"
            assert e.geturl() == "http://api.test/missing"
            assert e.read() == b"not here"


def test_mocked_redirect_is_followed_by_urllibs_handler() -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, "http://api.test/old", status=302, headers={"Location": "/new"})
        mock.add(responses.GET, "http://api.test/new", body=b"new place")
        with compat.urlopen("http://api.test/old") as r:
            assert (r.geturl(), r.read()) == ("http://api.test/new", b"new place")


def test_mocked_connection_error_is_a_urlerror() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            "http://api.test/boom",
            body=requests.exceptions.ConnectionError("no route"),
        )
        with pytest.raises(urllib.error.URLError) as info:
            compat.urlopen("http://api.test/boom")
        assert isinstance(info.value.__cause__, requests.exceptions.ConnectionError)


def test_mocked_read_timeout_is_a_timeout_error() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET, "http://api.test/slow", body=requests.exceptions.ReadTimeout("slow")
        )
        with pytest.raises(socket.timeout) as info:  # TimeoutError from Python 3.10 on
            compat.urlopen("http://api.test/slow")
        assert info.value.args == ("timed out",)  # as docs/testing.md says


def test_mocked_short_body_is_incomplete_read() -> None:
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            "http://api.test/short",
            body=b"abc",
            headers={"Content-Length": "10"},
            auto_calculate_content_length=False,
        )
        with (
            compat.urlopen("http://api.test/short") as r,
            pytest.raises(http.client.IncompleteRead) as info,
        ):
            r.read()
        assert info.value.partial == b"abc"
