"""The HOWTO examples of the docs (docs/examples/howto_*.py), run against local servers.

These are the suite's tests of the urllib HOWTO ("Fetching Internet Resources Using the urllib
Package"), sections 2 to 8.  Each example is run twice, once as written (on this package) and
once with its import switched back to ``urllib.request``: both runs must print the same thing,
send the same requests and leave the same values behind (``observe``), so the page shows what
urllib itself would do.  The example URLs are replaced by local servers.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..support import ROOT
from ..support.servers import Received, RecordingServer, Reply, stall

EXAMPLES = ROOT / "docs" / "examples"
OUR_IMPORT = "import requests_urllib_compat.request as urllib_request"
STDLIB_IMPORT = "import urllib.request as urllib_request"


def run_example(
    name: str, urls: dict[str, str], stdlib: bool = False, namespace: dict[str, Any] | None = None
) -> str:
    """Run ``docs/examples/<name>`` with each URL prefix in ``urls`` replaced; its stdout.

    ``namespace`` (the example's globals) is left holding what the example kept.
    """
    path = EXAMPLES / name
    source = path.read_text(encoding="utf-8")
    if stdlib:
        assert OUR_IMPORT in source
        source = source.replace(OUR_IMPORT, STDLIB_IMPORT)
    for placeholder, url in urls.items():
        assert placeholder in source, placeholder
        source = source.replace(placeholder, url)
    if namespace is None:
        namespace = {}
    namespace["__name__"] = "__main__"
    out = io.StringIO()
    timeout = socket.getdefaulttimeout()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, str(path), "exec"), namespace)
    finally:
        socket.setdefaulttimeout(timeout)
    return out.getvalue()


Observe = Callable[[dict[str, Any]], Any]


def run_both(
    name: str, urls: dict[str, str], *servers: RecordingServer, observe: Observe | None = None
) -> str:
    """Run the example on urllib, then on this package; same output, same requests received.

    ``observe(namespace)``, if given, looks at what each run left behind (a response, its
    headers): both runs must give the same.
    """
    urllib_globals: dict[str, Any] = {}
    expected = run_example(name, urls, stdlib=True, namespace=urllib_globals)
    sent_by_urllib = [[r.comparable() for r in s.received] for s in servers]
    for s in servers:
        s.reset()
    our_globals: dict[str, Any] = {}
    ours = run_example(name, urls, namespace=our_globals)
    assert ours == expected
    assert [[r.comparable() for r in s.received] for s in servers] == sent_by_urllib
    if observe is not None:
        assert observe(our_globals) == observe(urllib_globals)
    return ours


def closed_port_url() -> str:
    from requests_urllib_compat._cli.demo.server import closed_port_url as held

    return held().rstrip("/")


def test_fetch(server: RecordingServer) -> None:
    server.route("/", Reply(200, [("Content-Type", "text/html")], b"<html>python</html>"))

    def pages(ns: dict[str, Any]) -> tuple[bytes, bytes]:
        assert ns["html"] == b"<html>python</html>"
        return ns["html"], ns["the_page"]

    out = run_both("howto_fetch.py", {"http://python.org": server.origin}, server, observe=pages)
    # The ftp: Request is split as urllib splits it (and not opened).
    assert out == "19 bytes\ncopied 19 bytes\nTrue\nftp example.com /\n"
    assert len(server.received) == 3


def _echo_body(rec: Received, handler: object) -> Reply:
    return Reply(200, [("Content-Type", "text/plain")], rec.body)


def _echo_query(rec: Received, handler: object) -> Reply:
    return Reply(200, [("Content-Type", "text/plain")], rec.target.encode())


def test_data(server: RecordingServer) -> None:
    server.route("/cgi-bin/register.cgi", _echo_body)
    server.route("/example.cgi", _echo_query)

    def get_url(ns: dict[str, Any]) -> str:
        return str(ns["response"].geturl())

    out = run_both(
        "howto_data.py",
        {"http://www.someserver.com": server.origin, "http://www.example.com": server.origin},
        server,
        observe=get_url,
    )
    assert out == (
        "POST name=Michael+Foord&location=Northampton&language=Python\n"
        "/example.cgi?name=Somebody+Here&language=Python\n"
    )
    post, get = server.received
    assert (post.method, get.method) == ("POST", "GET")
    assert post.header("Content-Type") == "application/x-www-form-urlencoded"


def test_headers(server: RecordingServer) -> None:
    def user_agent(rec: Received, handler: object) -> Reply:
        return Reply(200, [], (rec.header("User-Agent") or "").encode())

    server.route("/cgi-bin/register.cgi", user_agent)
    out = run_both("howto_headers.py", {"http://www.someserver.com": server.origin}, server)
    assert out == "Mozilla/5.0 (Windows NT 6.1; Win64; x64)\n"


# Why no server could be reached, as ``e.reason`` prints (urllib's own run prints the same).
UNREACHABLE_REASONS = {
    "refused": r"\[Errno \d+\] Connection refused",
    # A name in the reserved .invalid TLD never resolves.
    "unknown host": r"\[Errno -?\d+\] .+",
}


@pytest.mark.parametrize("unreachable", sorted(UNREACHABLE_REASONS))
def test_errors(server: RecordingServer, unreachable: str) -> None:
    server.route(
        "/fish.html", Reply(404, [("Content-Type", "text/html")], b"<title>Page Not Found</title>")
    )
    server.route("/", Reply(200, [], b"fine"))
    pretend = closed_port_url() if unreachable == "refused" else "http://www.pretend_server.invalid"
    out = run_both(
        "howto_errors.py",
        {"http://www.python.org": server.origin, "http://www.pretend_server.org": pretend},
        server,
    )
    reason = out.split("\n", 1)[0]
    assert re.fullmatch(UNREACHABLE_REASONS[unreachable], reason)
    fetched = (
        "Got 4 bytes\n"
        "The server couldn't fulfill the request.\nError code: 404\n"
        f"We failed to reach a server.\nReason: {reason}\n"
    )
    assert out == (
        f"{reason}\n404 Not Found\n{server.origin}/fish.html text/html\n"
        "b'<title>Page Not Found</title>'\n" + fetched + fetched
    )


def test_info_and_geturl(server: RecordingServer) -> None:
    server.route("/old", Reply(301, [("Location", "/new")]))
    server.route("/new", Reply(200, [("Content-Type", "text/plain")], b"moved here"))

    def headers(ns: dict[str, Any]) -> tuple[type, list[tuple[str, str]]]:
        info = ns["info"]
        assert isinstance(info, http.client.HTTPMessage)
        return type(info), [(k, v) for k, v in info.items() if k != "Date"]

    out = run_both(
        "howto_info.py", {"http://www.example.com": server.origin}, server, observe=headers
    )
    assert out == f"{server.origin}/new\ntext/plain 10\n200 b'moved here'\n"


def test_openers(server: RecordingServer) -> None:
    server.route("/login", Reply(200, [("Set-Cookie", "sid=42; Path=/")], b"welcome"))

    def account(rec: Received, handler: object) -> Reply:
        return Reply(200, [], f"cookie: {rec.header('Cookie')}".encode())

    server.route("/account", account)
    server.route("/old", Reply(302, [("Location", "/new")]))
    out = run_both("howto_openers.py", {"http://www.example.com": server.origin}, server)
    assert out == "['sid']\ncookie: sid=42\n302 /new\ncookie: sid=42\n"


def test_basic_auth(server: RecordingServer) -> None:
    good = "Basic " + base64.b64encode(b"klem:kadiddlehopper").decode()

    def protected(rec: Received, handler: object) -> Reply:
        if rec.header("Authorization") == good:
            return Reply(200, [], b"secret")
        return Reply(401, [("WWW-Authenticate", 'Basic realm="cPanel Users"')], b"")

    server.route("/foo/bar.html", protected)
    out = run_both("howto_basic_auth.py", {"http://example.com": server.origin}, server)
    assert out == "200 secret\n200\n"
    # urllib's way: the first request goes without credentials, the 401 is answered.
    assert [r.header("Authorization") for r in server.received] == [None, good, None, good]


def test_proxies(server: RecordingServer) -> None:
    proxy = RecordingServer().start()
    try:
        proxy.route("*", _echo_query)
        out = run_both(
            "howto_proxies.py",
            {"http://localhost:8000": server.origin, "http://proxy.example:3128": proxy.origin},
            server,
            proxy,
        )
    finally:
        proxy.stop()
    assert out == "hello /\nhttp://www.example.com/page\n"
    assert [r.target for r in server.received] == ["/"]
    assert [r.target for r in proxy.received] == ["http://www.example.com/page"]


# The slow page: nothing at all, or the headers and two bytes of ten, then a stall.
SLOW_PAGES = {
    "no response": b"",
    "stalled body": b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab",
}
# As written, the slow call gives its own timeout; with "socket default", the 0.5 s comes
# from socket.setdefaulttimeout() alone, as in the HOWTO.
TIMEOUTS = {
    "per call": {},
    "socket default": {"timeout = 10": "timeout = 0.5", ", timeout=0.5)": ")"},
}


@pytest.mark.parametrize("timeout", sorted(TIMEOUTS))
@pytest.mark.parametrize("slow_page", sorted(SLOW_PAGES))
def test_timeout(server: RecordingServer, slow_page: str, timeout: str) -> None:
    server.route("/", Reply(200, [], b"ok"))
    server.route("/slow", stall(3, SLOW_PAGES[slow_page]))
    out = run_both(
        "howto_timeout.py",
        {"http://www.voidspace.org.uk": server.origin, **TIMEOUTS[timeout]},
        server,
    )
    assert out == "200\ntimed out while waiting for the response\n"


@pytest.mark.parametrize(
    "path",
    sorted([*EXAMPLES.glob("howto_*.py"), *EXAMPLES.glob("migration_*.py")]),
    ids=lambda p: p.name,
)
def test_every_example_is_tested(path: Path) -> None:
    """A new docs/examples/howto_*.py or migration_*.py file needs its test here."""
    assert f'"{path.name}"' in Path(__file__).read_text(encoding="utf-8")


# -- the migration guide: each urllib idiom and its requests form print the same -------------


def _migration_routes(server: RecordingServer) -> None:
    good = "Basic " + base64.b64encode(b"klem:kadiddlehopper").decode()

    def private(rec: Received, handler: object) -> Reply:
        if rec.header("Authorization") == good:
            return Reply(200, [], b"secret")
        return Reply(401, [("WWW-Authenticate", 'Basic realm="reports"')], b"")

    def agent(rec: Received, handler: object) -> Reply:
        return Reply(200, [], (rec.header("User-Agent") or "").encode())

    def account(rec: Received, handler: object) -> Reply:
        return Reply(200, [], f"cookie: {rec.header('Cookie')}".encode())

    server.route("/page", Reply(200, [("Content-Type", "text/html")], b"<p>page</p>"))
    server.route("/api", Reply(200, [("Content-Type", "application/json")], b'{"name": "compat"}'))
    server.route("/register", _echo_body)
    server.route("/search", _echo_query)
    server.route("/agent", agent)
    server.route("/missing", Reply(404, [("Content-Type", "text/plain")], b"no such page"))
    server.route("/slow", stall(3))
    server.route("/old", Reply(302, [("Location", "/new")]))
    server.route("/new", Reply(200, [("Content-Type", "text/plain")], b"new"))
    server.route("/login", Reply(200, [("Set-Cookie", "sid=42; Path=/")], b"welcome"))
    server.route("/account", account)
    server.route("/private/report", private)


MIGRATION_OUTPUT = """\
fetch b'<p>page</p>'
json compat
post b'name=Michael+Foord&language=Python'
query b'/search?q=urllib+compat&page=2'
headers b'legacy/1.0'
http error 404 b'no such page'
unreachable
timed out
info {origin}/new 200 text/plain
no redirect 302 /new
cookies b'cookie: sid=42'
auth 200 b'secret'
proxy b'http://www.example.com/page'
no proxy b'<p>page</p>'
tls 200
"""


@pytest.mark.parametrize("name", ["migration_urllib.py", "migration_requests.py"])
def test_migration_side_by_side(
    name: str, server: RecordingServer, tls_server: RecordingServer, ca_file: str
) -> None:
    """Each file prints the same lines: the requests form does what the urllib form did."""
    _migration_routes(server)
    unreachable = closed_port_url()
    proxy = RecordingServer().start()
    try:
        proxy.route("*", _echo_query)
        out = run_example(
            name,
            {
                "http://example.com": server.origin,
                "http://unreachable.example": unreachable,
                "http://proxy.example:3128": proxy.origin,
                "https://secure.example.com": tls_server.origin,
                '"ca.pem"': repr(ca_file),
            },
        )
    finally:
        proxy.stop()
    assert out == MIGRATION_OUTPUT.format(origin=server.origin)
    assert [r.target for r in proxy.received] == ["http://www.example.com/page"]


@pytest.mark.parametrize("name", ["migration_urllib.py", "migration_requests.py"])
def test_migration_no_proxy_ignores_the_environment(
    name: str, server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/page", Reply(200, [], b"<p>page</p>"))
    monkeypatch.setenv("http_proxy", closed_port_url())  # would refuse every request
    monkeypatch.setenv("no_proxy", "")
    source = (EXAMPLES / name).read_text(encoding="utf-8")
    section = source.split("# [no-proxy]\n", 1)[1].split("# [end]", 1)[0]
    section = section.replace("http://example.com", server.origin)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(
            "import requests\nimport requests_urllib_compat.request as urllib_request\n" + section,
            {},
        )
    assert out.getvalue() == "no proxy b'<p>page</p>'\n"


def test_migration_bridge(server: RecordingServer) -> None:
    _migration_routes(server)
    out = run_example("migration_bridge.py", {"http://example.com": server.origin})
    assert out == (
        "old 200 ['sid']\nnew b'cookie: sid=42'\nnew b'secret'\njson compat\n"
        "error 404 text/plain no such page\n"
    )
    # The session sends what the opener sends (urllib's headers) and answers the challenge
    # as the opener does: first without credentials, then with them.
    login, account, challenged, answered = server.received[:4]
    assert account.header("User-Agent") == login.header("User-Agent")
    assert account.header("Accept-Encoding") == "identity"
    assert challenged.header("Authorization") is None
    assert answered.header("Authorization") is not None
