"""Core drop-in behaviour, each case run through urllib.request and through our package."""
import gzip
import socket
import ssl
import urllib.request

import requests_urllib_compat.request as compat

from .differential import assert_same, observe
from .servers import Reply, stall, write_raw


def test_post(server):
    assert_same(lambda u: u.urlopen(server.url("/p"), data=b"a=1"), server)

def test_post_str(server):
    assert_same(lambda u: u.urlopen(server.url("/p"), data="a=1"), server)

def test_redirect(server):
    server.route("/r", Reply(302, [("Location", "/final")]))
    r = assert_same(lambda u: u.urlopen(server.url("/r")), server)
    assert r.outcome.url.endswith("/final")

def test_post_redirect_307(server):
    server.route("/r", Reply(307, [("Location", "/final")]))
    r = assert_same(lambda u: u.urlopen(server.url("/r"), data=b"x"), server)
    assert r.outcome.status == 307

def test_loop(server):
    server.route("/r", Reply(302, [("Location", "/r")]))
    assert_same(lambda u: u.urlopen(server.url("/r")), server)

def test_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    a = observe(lambda: compat.urlopen(f"http://127.0.0.1:{port}/"))
    b = observe(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/"))
    assert a == b, (a, b)

def test_dns():
    a = observe(lambda: compat.urlopen("http://nonexistent.invalid/"))
    b = observe(lambda: urllib.request.urlopen("http://nonexistent.invalid/"))
    assert a == b, (a, b)

def test_unknown_scheme_and_bad(server):
    assert_same(lambda u: u.urlopen("foo://x"), server)
    assert_same(lambda u: u.urlopen("not a url"), server)
    assert_same(lambda u: u.urlopen(server.url("/a b")), server)
    assert_same(lambda u: u.urlopen(u.Request(server.url("/"), headers={"X": "a\r\nb"})), server)

def test_truncated(server):
    server.route("/short", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"))
    assert_same(lambda u: u.urlopen(server.url("/short")), server)
    def partial(u):
        r = u.urlopen(server.url("/short"))
        with r:
            return (r.read(3), r.read(100), r.read(100))
    assert_same(partial, server)

def test_truncated_chunked(server):
    server.route("/short", write_raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     b"5\r\nhello\r\n10\r\nabc"))
    assert_same(lambda u: u.urlopen(server.url("/short")), server)

def test_read_timeout_headers(server):
    server.route("/slow", stall(1.0))
    assert_same(lambda u: u.urlopen(server.url("/slow"), timeout=0.3), server)

def test_read_timeout_body(server):
    server.route("/slow", stall(1.0, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel"))
    def s(u):
        with u.urlopen(server.url("/slow"), timeout=0.3) as r:
            return r.read()
    assert_same(s, server)

def test_gzip(server):
    body = gzip.compress(b"hello")
    server.route("/gz", Reply(200, [("Content-Encoding", "gzip")], body))
    r = assert_same(lambda u: u.urlopen(server.url("/gz")), server)
    assert r.outcome.body == body

def test_reuse(server):
    for _i in range(5):
        with compat.urlopen(server.url("/x")) as r:
            r.read()
    assert server.connections == 1

def test_tls(tls_server, client_context):
    r = assert_same(lambda u: u.urlopen(tls_server.url("/t"), context=client_context), tls_server)
    assert r.outcome.status == 200

def test_tls_untrusted(tls_server):
    assert_same(lambda u: u.urlopen(tls_server.url("/t")), tls_server)

def test_tls_unverified(tls_server):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    assert_same(lambda u: u.urlopen(tls_server.url("/t"), context=ctx), tls_server)
    assert ctx.verify_mode == ssl.CERT_NONE

def test_remote_disconnected(server):
    server.route("/bye", write_raw(b""))
    assert_same(lambda u: u.urlopen(server.url("/bye")), server, compare=lambda o: o.error_type)

def test_head(server):
    assert_same(lambda u: u.urlopen(u.Request(server.url("/h"), method="HEAD")), server)

def test_file_obj(server, tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"filedata")
    def s(u):
        with open(p, "rb") as f:
            return u.urlopen(server.url("/up"), data=f)
    assert_same(s, server)

def test_iter_body(server):
    assert_same(lambda u: u.urlopen(server.url("/up"), data=iter([b"a", b"bc"])), server)
