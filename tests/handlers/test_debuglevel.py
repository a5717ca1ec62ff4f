"""``HTTPHandler``/``HTTPSHandler(debuglevel=1)`` print the exchange as http.client does."""

import re
import urllib.request

import pytest

import requests_urllib_compat.request as compat


def _exchange(capsys, module, make_handler, url, data=None):
    capsys.readouterr()
    opener = module.build_opener(make_handler(module))
    with opener.open(url, data) as response:
        response.read()
    out = capsys.readouterr().out
    # The one deliberate difference (keep-alive) and what changes between two runs.
    out = out.replace("Connection: close\\r\\n", "")
    return re.sub(r"header: Date: .*\n", "header: Date: -\n", out)


@pytest.mark.parametrize(
    "make_handler",
    [
        lambda u: u.HTTPHandler(debuglevel=1),
        lambda u: urllib.request.HTTPHandler(debuglevel=1),
    ],
    ids=["ours", "stdlib-instance"],
)
@pytest.mark.parametrize("data", [None, b"a=1"], ids=["GET", "POST"])
def test_http_debuglevel_prints_like_urllib(server, capsys, make_handler, data):
    ours = _exchange(capsys, compat, make_handler, server.url("/dbg"), data)
    theirs = _exchange(capsys, urllib.request, make_handler, server.url("/dbg"), data)
    assert ours == theirs
    method = "POST" if data else "GET"
    assert ours.startswith(f"send: b'{method} /dbg HTTP/1.1\\r\\n")
    assert "reply: 'HTTP/1.1 200 OK\\r\\n'\n" in ours
    assert "header: Content-Length: 10\n" in ours


def test_https_debuglevel_prints_like_urllib(tls_server, capsys, client_context):
    def make(u):
        return u.HTTPSHandler(debuglevel=1, context=client_context)

    ours = _exchange(capsys, compat, make, tls_server.url("/tls"))
    theirs = _exchange(capsys, urllib.request, make, tls_server.url("/tls"))
    assert ours == theirs and ours.startswith("send: b'GET /tls HTTP/1.1")


def test_debuglevel_zero_and_set_http_debuglevel(server, capsys):
    opener = compat.build_opener()
    with opener.open(server.url("/quiet")) as r:
        r.read()
    assert capsys.readouterr().out == ""
    handler = compat.HTTPHandler()
    handler.set_http_debuglevel(1)
    with compat.build_opener(handler).open(server.url("/loud")) as r:
        r.read()
    assert capsys.readouterr().out.startswith("send: b'GET /loud HTTP/1.1")


def test_session_of_a_debug_opener_prints_too(server, capsys):
    opener = compat.build_opener(compat.HTTPHandler(debuglevel=1))
    opener.session.get(server.url("/s")).close()
    out = capsys.readouterr().out
    assert out.startswith("send: b'GET /s HTTP/1.1") and "reply: 'HTTP/1.1 200 OK" in out
