"""Every example of the urllib HOWTO's sections 2, 3, 4 and 8, as a differential test.

The code of each example is kept as written; only the remote hosts are replaced by the local
RecordingServer (or, for the "no such server" example, by a name in the reserved ``.invalid``
TLD), and what the example prints or keeps is returned so both runs can be compared.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from .differential import TIMEOUT, assert_same
from .servers import RecordingServer, Reply, stall

FISH = b'<!DOCTYPE html>\n<html><title>Page Not Found</title></html>\n'


def _printed(example: Callable[[], None]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        example()
    return out.getvalue()


@pytest.fixture
def howto_server(server: RecordingServer) -> RecordingServer:
    """The pages the HOWTO fetches, served locally."""
    server.route("/", Reply(200, [("Content-Type", "text/html; charset=utf-8")],
                            b"<html>python.org</html>"))
    server.route("/cgi-bin/register.cgi", lambda rec, h: Reply(
        200, [("Content-Type", "text/plain")], b"registered: " + rec.body))
    server.route("/example.cgi", lambda rec, h: Reply(
        200, [("Content-Type", "text/plain")], rec.target.encode()))
    server.route("/fish.html", Reply(404, [("Content-Type", "text/html")], FISH,
                                     reason="Not Found"))
    return server


# -- 2. Fetching URLs ----------------------------------------------------------------------------

def test_simplest_urlopen(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> bytes:
        with u.urlopen(howto_server.url("/")) as response:
            html = response.read()
        return html

    assert assert_same(example, howto_server).outcome.value == b"<html>python.org</html>"


def test_copyfileobj_to_temporary_file(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> str:
        with u.urlopen(howto_server.url("/")) as response:
            with tempfile.NamedTemporaryFile(delete=False) as tmp_file:
                shutil.copyfileobj(response, tmp_file)

            with open(tmp_file.name) as html:
                content = html.read()
        import os
        os.unlink(tmp_file.name)
        return content

    assert assert_same(example, howto_server).outcome.value == "<html>python.org</html>"


def test_request_object(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> bytes:
        req = u.Request(howto_server.url("/"))
        with u.urlopen(req) as response:
            the_page = response.read()
        return the_page

    assert assert_same(example, howto_server).outcome.value == b"<html>python.org</html>"


def test_ftp_request_object_is_the_same() -> None:
    import urllib.request

    import requests_urllib_compat.request as compat
    ours, theirs = compat.Request("ftp://example.com/"), urllib.request.Request("ftp://example.com/")
    assert (ours.type, ours.host, ours.selector) == (theirs.type, theirs.host, theirs.selector)


def test_post_urlencoded_data(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> bytes:
        import urllib.parse
        url = howto_server.url("/cgi-bin/register.cgi")
        values = {'name': 'Michael Foord',
                  'location': 'Northampton',
                  'language': 'Python'}

        data = urllib.parse.urlencode(values)
        data = data.encode('ascii')  # data should be bytes
        req = u.Request(url, data)
        with u.urlopen(req) as response:
            the_page = response.read()
        return the_page

    run = assert_same(example, howto_server)
    assert run.outcome.value == (
        b"registered: name=Michael+Foord&location=Northampton&language=Python")
    method, _, _, headers, _ = run.received[0]
    assert method == "POST"
    assert ("Content-Type", "application/x-www-form-urlencoded") in headers


def test_get_with_query_string(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> tuple[str, bytes]:
        import urllib.parse
        data = {}
        data['name'] = 'Somebody Here'
        data['location'] = 'Northampton'
        data['language'] = 'Python'
        url_values = urllib.parse.urlencode(data)
        url = howto_server.url("/example.cgi")
        full_url = url + '?' + url_values
        data = u.urlopen(full_url)
        with data:
            return data.geturl(), data.read()

    run = assert_same(example, howto_server)
    assert run.outcome.value[1] == (
        b"/example.cgi?name=Somebody+Here&location=Northampton&language=Python")


def test_user_agent_header(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> bytes:
        import urllib.parse
        url = howto_server.url("/cgi-bin/register.cgi")
        user_agent = 'Mozilla/5.0 (Windows NT 6.1; Win64; x64)'
        values = {'name': 'Michael Foord',
                  'location': 'Northampton',
                  'language': 'Python'}
        headers = {'User-Agent': user_agent}

        data = urllib.parse.urlencode(values)
        data = data.encode('ascii')
        req = u.Request(url, data, headers)
        with u.urlopen(req) as response:
            the_page = response.read()
        return the_page

    run = assert_same(example, howto_server)
    assert ("User-Agent", "Mozilla/5.0 (Windows NT 6.1; Win64; x64)") in run.received[0][3]


# -- 3. Handling exceptions ----------------------------------------------------------------------

def test_urlerror_reason() -> None:
    def example(u: ModuleType) -> str:
        import urllib.error
        def body() -> None:
            req = u.Request('http://www.pretend_server.invalid')
            try: u.urlopen(req)  # noqa: E701  (as in the HOWTO)
            except urllib.error.URLError as e:
                print(e.reason)
        return _printed(body)

    run = assert_same(example)
    assert run.outcome.value  # e.g. "[Errno -2] Name or service not known"


def test_urlerror_reason_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def example(u: ModuleType) -> str:
        import urllib.error
        def body() -> None:
            req = u.Request(f'http://127.0.0.1:{port}')
            try: u.urlopen(req)  # noqa: E701  (as in the HOWTO)
            except urllib.error.URLError as e:
                print(e.reason)
        return _printed(body)

    assert "Connection refused" in assert_same(example).outcome.value


def test_httperror_code_and_read(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> str:
        import urllib.error
        def body() -> None:
            req = u.Request(howto_server.url('/fish.html'))
            try:
                u.urlopen(req)
            except urllib.error.HTTPError as e:
                print(e.code)
                print(e.read())
        return _printed(body)

    assert assert_same(example, howto_server).outcome.value == f"404\n{FISH!r}\n"


def _number_1(u: ModuleType, someurl: str) -> str:
    def body() -> None:
        from urllib.error import HTTPError, URLError
        Request, urlopen = u.Request, u.urlopen
        req = Request(someurl)
        try:
            response = urlopen(req)
        except HTTPError as e:
            print('The server couldn\'t fulfill the request.')
            print('Error code: ', e.code)
        except URLError as e:
            print('We failed to reach a server.')
            print('Reason: ', e.reason)
        else:
            # everything is fine
            with response:
                print(response.read())
    return _printed(body)


def _number_2(u: ModuleType, someurl: str) -> str:
    def body() -> None:
        from urllib.error import URLError
        Request, urlopen = u.Request, u.urlopen
        req = Request(someurl)
        try:
            response = urlopen(req)
        except URLError as e:
            if hasattr(e, 'reason'):
                print('We failed to reach a server.')
                print('Reason: ', e.reason)
            elif hasattr(e, 'code'):
                print('The server couldn\'t fulfill the request.')
                print('Error code: ', e.code)
        else:
            # everything is fine
            with response:
                print(response.read())
    return _printed(body)


@pytest.fixture
def someurls(howto_server: RecordingServer) -> Iterator[dict[str, str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    yield {
        "ok": howto_server.url("/"),
        "404": howto_server.url("/fish.html"),
        "refused": f"http://127.0.0.1:{port}/",
        "dns": "http://www.pretend_server.invalid/",
    }


@pytest.mark.parametrize("pattern", [_number_1, _number_2], ids=["number_1", "number_2"])
@pytest.mark.parametrize("case", ["ok", "404", "refused", "dns"])
def test_error_handling_patterns(pattern: Callable[[ModuleType, str], str], case: str,
                                 someurls: dict[str, str], howto_server: RecordingServer) -> None:
    run = assert_same(lambda u: pattern(u, someurls[case]), howto_server)
    text = run.outcome.value
    if case == "ok":
        assert "python.org" in text
    elif case == "404":
        # Number 2 checks ``reason`` first: an HTTPError has one too, so it prints the reason.
        assert ("404" in text) if pattern is _number_1 else ("Not Found" in text)
    else:
        assert "We failed to reach a server." in text


# -- 4. info and geturl --------------------------------------------------------------------------

def test_info_and_geturl_after_redirect(howto_server: RecordingServer) -> None:
    howto_server.route("/old", Reply(301, [("Location", "/")]))

    def example(u: ModuleType) -> tuple[str, str, list[tuple[str, str]], str | None]:
        with u.urlopen(howto_server.url("/old")) as response:
            info = response.info()
            response.read()
            return (response.geturl(), type(info).__name__,
                    [(k, v) for k, v in info.items() if k != "Date"],
                    info["content-type"])

    run = assert_same(example, howto_server)
    assert run.outcome.value[0] == howto_server.url("/")
    assert run.outcome.value[1] == "HTTPMessage"


def test_info_and_geturl_of_httperror(howto_server: RecordingServer) -> None:
    def example(u: ModuleType) -> tuple[str, str, str | None]:
        import urllib.error
        try:
            u.urlopen(howto_server.url("/fish.html"))
        except urllib.error.HTTPError as e:
            with e:
                return e.geturl(), type(e.info()).__name__, e.info()["Content-Type"]
        raise AssertionError("no HTTPError")

    assert assert_same(example, howto_server).outcome.value[1] == "HTTPMessage"


# -- 8. Sockets and layers -----------------------------------------------------------------------

@pytest.fixture
def restore_default_timeout() -> Iterator[None]:
    saved = socket.getdefaulttimeout()
    yield
    socket.setdefaulttimeout(saved)


def test_setdefaulttimeout(howto_server: RecordingServer, restore_default_timeout: None) -> None:
    def example(u: ModuleType) -> bytes:
        # timeout in seconds
        timeout = 10
        socket.setdefaulttimeout(timeout)

        # this call to urllib.request.urlopen now uses the default timeout
        # we have set in the socket module
        req = u.Request(howto_server.url("/"))
        response = u.urlopen(req)
        with response:
            return response.read()

    assert assert_same(example, howto_server).outcome.value == b"<html>python.org</html>"


def test_setdefaulttimeout_is_honoured(howto_server: RecordingServer,
                                       restore_default_timeout: None) -> None:
    howto_server.route("/slow", stall(3.0))

    def example(u: ModuleType) -> object:
        socket.setdefaulttimeout(0.5)
        req = u.Request(howto_server.url("/slow"))
        return u.urlopen(req)

    run = assert_same(example, howto_server)
    assert run.outcome.error_type == TIMEOUT


def test_setdefaulttimeout_read_after_headers(howto_server: RecordingServer,
                                              restore_default_timeout: None) -> None:
    howto_server.route("/slow", stall(3.0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"))

    def example(u: ModuleType) -> bytes:
        socket.setdefaulttimeout(0.5)
        with u.urlopen(u.Request(howto_server.url("/slow"))) as response:
            return bytes(response.read())

    run = assert_same(example, howto_server)
    assert run.outcome.error_type == TIMEOUT

