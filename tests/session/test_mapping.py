"""``opener.session``: each handler of the opener is a feature of its ``requests.Session``.

Each test configures an opener the urllib way and checks that ``opener.session.get(url)`` sees
the same configuration (same jar, same policy, same TLS context, same headers) as
``opener.open(url)``, on a real server.
"""

import io
import sys
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy, MozillaCookieJar

import pytest
import requests

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import CompatAdapter
from requests_urllib_compat.session import NoCookieJar, OpenerSession, ResponseProcessorHook

from ..support.servers import Reply

UA = "Python-urllib/{}.{}".format(*sys.version_info[:2])  # urllib's default User-agent


def _cookie_routes(server):
    server.route("/set", Reply(200, [("Set-Cookie", "a=1; Path=/")], b"set"))
    server.route("/set2", Reply(200, [("Set-Cookie", "b=2; Path=/")], b"set"))
    server.route("/hop", Reply(302, [("Set-Cookie", "hop=1; Path=/"), ("Location", "/check")]))


def _sent_cookie(server, path="/check"):
    return [r.header("Cookie") for r in server.received if r.target == path]


def test_session_is_a_requests_session_built_once_and_rebuilt_on_add_handler():
    opener = compat.build_opener()
    session = opener.session
    assert isinstance(session, requests.Session) and isinstance(session, OpenerSession)
    assert opener.session is session
    assert session.trust_env is False
    jar = CookieJar()
    opener.add_handler(compat.HTTPCookieProcessor(jar))
    assert opener.session is not session
    assert opener.session.cookies is jar
    opener.close()


@pytest.mark.parametrize("jar_class", [CookieJar, MozillaCookieJar])
def test_cookie_jar_is_session_cookies(server, jar_class, tmp_path):
    _cookie_routes(server)
    jar = jar_class()
    opener = compat.build_opener(compat.HTTPCookieProcessor(jar))
    assert opener.session.cookies is jar
    opener.open(server.url("/set")).close()  # stored by urllib's processor
    assert opener.session.get(server.url("/check")).ok  # sent by the session
    opener.session.get(server.url("/set2")).close()  # stored by the session, in the same jar
    assert sorted(c.name for c in jar) == ["a", "b"]
    with opener.open(server.url("/check")) as r:  # and sent by the opener
        r.read()
    assert _sent_cookie(server) == ["a=1", "a=1; b=2"]
    if isinstance(jar, MozillaCookieJar):  # the caller's jar stays a working MozillaCookieJar
        path = str(tmp_path / "cookies.txt")
        jar.save(path, ignore_discard=True)
        loaded = MozillaCookieJar()
        loaded.load(path, ignore_discard=True)
        assert sorted(c.name for c in loaded) == ["a", "b"]


def test_session_keeps_cookies_set_on_redirect_hop(server):
    _cookie_routes(server)
    jar = CookieJar()
    opener = compat.build_opener(compat.HTTPCookieProcessor(jar))
    r = opener.session.get(server.url("/hop"))
    assert r.url.endswith("/check") and [c.name for c in jar] == ["hop"]
    assert _sent_cookie(server) == ["hop=1"]


def test_session_obeys_jar_policy_for_storing_and_sending(server):
    _cookie_routes(server)

    class NoSecrets(DefaultCookiePolicy):
        def return_ok(self, cookie, request):
            return cookie.name != "secret" and super().return_ok(cookie, request)

    jar = CookieJar(NoSecrets(blocked_domains=["blocked.example"]))
    opener = compat.build_opener(compat.HTTPCookieProcessor(jar))
    opener.session.get(server.url("/set")).close()
    # A cookie the policy would not send: put in the jar by the caller.
    secret = next(iter(jar))
    secret.name = "secret"
    jar.set_cookie(secret)
    opener.session.get(server.url("/set")).close()
    assert sorted(c.name for c in jar) == ["a", "secret"]
    opener.session.get(server.url("/check")).close()
    with opener.open(server.url("/check")) as r:
        r.read()
    assert _sent_cookie(server) == ["a=1", "a=1"]  # urllib and the session agree

    blocked = CookieJar(DefaultCookiePolicy(blocked_domains=["127.0.0.1"]))
    opener = compat.build_opener(compat.HTTPCookieProcessor(blocked))
    opener.session.get(server.url("/set")).close()
    opener.open(server.url("/set")).close()
    assert list(blocked) == []


def test_no_cookie_processor_stores_and_sends_nothing(server):
    _cookie_routes(server)
    opener = compat.build_opener()
    session = opener.session
    assert isinstance(session.cookies, NoCookieJar)
    session.get(server.url("/set")).close()
    session.get(server.url("/hop")).close()  # not even carried to the next hop
    assert list(session.cookies) == []
    assert _sent_cookie(server) == [None]
    # Cookies given explicitly for one call are sent, like an explicit Cookie header.
    session.get(server.url("/check"), cookies={"mine": "1"}).close()
    session.get(server.url("/check"), headers={"Cookie": "hdr=1"}).close()
    assert _sent_cookie(server) == [None, "mine=1", "hdr=1"]


def test_explicit_cookie_header_wins_over_jar(server):
    _cookie_routes(server)
    jar = CookieJar()
    opener = compat.build_opener(compat.HTTPCookieProcessor(jar))
    opener.open(server.url("/set")).close()
    opener.session.get(server.url("/check"), headers={"Cookie": "x=y"}).close()
    assert _sent_cookie(server) == ["x=y"]


def test_max_redirections_is_max_redirects(server):
    for i in range(4):
        server.route(f"/r{i}", Reply(302, [("Location", f"/r{i + 1}")]))

    class Two(compat.HTTPRedirectHandler):
        max_redirections = 2

    assert compat.build_opener().session.max_redirects == 10
    opener = compat.build_opener(Two)
    assert opener.session.max_redirects == 2
    with pytest.raises(requests.TooManyRedirects):
        opener.session.get(server.url("/r0"))
    with pytest.raises(compat.HTTPError) as err:
        opener.open(server.url("/r0"))
    err.value.close()
    assert err.value.code == 302
    assert opener.session.get(server.url("/r2")).url.endswith("/r4")


def test_session_headers_follow_addheaders(server):
    opener = compat.build_opener()
    assert dict(opener.session.headers) == {"User-agent": UA, "Accept-Encoding": "identity"}
    opener.session.get(server.url("/a")).close()
    opener.addheaders = [("User-agent", "legacy/1.0"), ("x-trace", "t1")]
    opener.session.get(server.url("/b")).close()
    opener.open(server.url("/c")).close()
    opener.addheaders.append(("X-more", "m"))  # changed in place
    opener.session.get(server.url("/d")).close()
    seen = [
        (
            r.header("User-Agent"),
            r.header("X-Trace"),
            r.header("X-More"),
            r.header("Accept-Encoding"),
        )
        for r in server.received
    ]
    assert seen == [
        (UA, None, None, "identity"),
        ("legacy/1.0", "t1", None, "identity"),
        ("legacy/1.0", "t1", None, "identity"),
        ("legacy/1.0", "t1", "m", "identity"),
    ]


def _adapter(session, url):
    adapter = session.get_adapter(url)
    assert isinstance(adapter, CompatAdapter)
    return adapter


def test_tls_context_is_mounted(tls_server, client_context):
    for handler in (
        compat.HTTPSHandler(context=client_context),
        urllib.request.HTTPSHandler(context=client_context),
    ):
        opener = compat.build_opener(handler)
        assert _adapter(opener.session, tls_server.url()).ssl_context is client_context
        r = opener.session.get(tls_server.url("/t"))
        assert r.status_code == 200 and r.text == "hello /t"
    # Without a context: the stdlib's default trust, which does not know the test CA (and
    # requests' certifi bundle is not used either).
    with pytest.raises(requests.exceptions.SSLError):
        compat.build_opener().session.get(tls_server.url("/t"))


def test_default_context_and_certifi_never_used(tls_server, ca_file, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)  # the stdlib default context trusts it now
    opener = compat.build_opener()
    assert opener.session.get(tls_server.url("/t")).status_code == 200
    opener.session.get(tls_server.url("/t"), verify=False)  # TLS is the context's business
    # A bare OpenerDirector has no transport handler: its session still never falls back to
    # requests' default adapters.
    assert isinstance(compat.OpenerDirector().session.get_adapter("https://x/"), CompatAdapter)


def test_debuglevel_is_mounted():
    opener = compat.build_opener(
        compat.HTTPHandler(debuglevel=1), urllib.request.HTTPSHandler(debuglevel=1)
    )
    assert _adapter(opener.session, "http://127.0.0.1/").debuglevel == 1
    assert _adapter(opener.session, "https://127.0.0.1/").debuglevel == 1
    assert _adapter(compat.build_opener().session, "http://127.0.0.1/").debuglevel == 0


def test_stdlib_handlers_map_onto_the_same_features(server, client_context):
    jar = CookieJar()

    class Three(urllib.request.HTTPRedirectHandler):
        max_redirections = 3

    opener = compat.build_opener(
        urllib.request.HTTPCookieProcessor(jar),
        Three,
        urllib.request.HTTPSHandler(context=client_context),
    )
    session = opener.session
    assert session.cookies is jar
    assert session.max_redirects == 3
    assert _adapter(session, "https://127.0.0.1/").ssl_context is client_context
    assert session.hooks["response"] == []  # stdlib processors are features, not hooks


# -- response processors as hooks ------------------------------------------------------------


class Inspector(compat.BaseHandler):
    def __init__(self):
        self.seen = []

    def http_response(self, request, response):
        self.seen.append(
            (
                request.get_method(),
                request.full_url,
                request.get_header("User-agent"),
                response.status,
                response.headers.get("Content-Type"),
            )
        )
        return response

    https_response = http_response


class Upper(compat.BaseHandler):
    """A legacy body rewriter: reads the body, returns another response object."""

    def http_response(self, request, response):
        body = response.read()
        new = compat.addinfourl(
            io.BytesIO(body.upper()), response.headers, response.url, response.code
        )
        new.msg = response.msg
        return new


def test_inspecting_processor_is_a_hook(server):
    server.route("/gz", Reply(200, [("Content-Type", "text/plain")], b"plain"))
    server.route("/r", Reply(302, [("Location", "/gz")]))
    inspector = Inspector()
    opener = compat.build_opener(inspector)
    hooks = opener.session.hooks["response"]
    assert len(hooks) == 1 and isinstance(hooks[0], ResponseProcessorHook)
    r = opener.session.get(server.url("/r"))
    assert r.text == "plain" and r.status_code == 200
    url = server.url("/")
    assert inspector.seen == [
        ("GET", url + "r", UA, 302, None),
        ("GET", url + "gz", UA, 200, "text/plain"),
    ]
    inspector.seen.clear()
    opener.open(server.url("/r")).close()  # urllib runs it on each hop too
    assert [s[3] for s in inspector.seen] == [302, 200]


def test_inspecting_processor_on_https(tls_server, client_context):
    inspector = Inspector()
    opener = compat.build_opener(inspector, compat.HTTPSHandler(context=client_context))
    assert opener.session.get(tls_server.url("/s")).text == "hello /s"
    assert inspector.seen == [("GET", tls_server.url("/s"), UA, 200, "text/plain")]


def test_rewriting_processor_is_a_hook(server):
    server.route("/set", Reply(200, [("Set-Cookie", "a=1")], b"body"))
    jar = CookieJar()
    opener = compat.build_opener(Upper, compat.HTTPCookieProcessor(jar))
    r = opener.session.get(server.url("/set"))
    assert (r.status_code, r.content, r.reason) == (200, b"BODY", "OK")
    assert r.headers["Set-Cookie"] == "a=1"
    assert [c.name for c in jar] == ["a"]  # requests still extracts cookies from the wire
    with opener.open(server.url("/set")) as legacy:
        assert legacy.read() == b"BODY"
    stream = opener.session.get(server.url("/x"), stream=True)
    assert b"".join(stream.iter_content(3)) == b"HELLO /X"
    stream.close()


def test_processors_chain_in_handler_order(server):
    order = []

    class First(compat.BaseHandler):
        handler_order = 100

        def http_response(self, request, response):
            order.append("first")
            return Upper().http_response(request, response)

    class Second(compat.BaseHandler):
        def http_response(self, request, response):
            order.append(("second", response.read()))
            return compat.addinfourl(io.BytesIO(b"second"), response.headers, response.url, 201)

    opener = compat.build_opener(Second, First)
    r = opener.session.get(server.url("/c"))
    assert order == ["first", ("second", b"HELLO /C")]
    assert (r.status_code, r.content) == (201, b"second")


def test_processor_that_raises(server):
    class Refuse(compat.BaseHandler):
        def http_response(self, request, response):
            raise compat.URLError("refused by processor")

    opener = compat.build_opener(Refuse)
    for _ in range(3):
        with pytest.raises(compat.URLError):
            opener.session.get(server.url("/"))
    adapter = _adapter(opener.session, server.url())
    manager = adapter.poolmanager
    keys = manager.pools.keys()  # (RecentlyUsedContainer cannot be iterated)
    pool = next(manager.pools[k] for k in keys if k.key_port == server.port)
    assert pool.pool.qsize() == pool.pool.maxsize  # no connection left checked out


def test_processor_that_reads_part_of_the_body(server):
    class Peek(compat.BaseHandler):
        def http_response(self, request, response):
            self.first = response.read(2)
            return response

    peek = Peek()
    opener = compat.build_opener(peek)
    r = opener.session.get(server.url("/abc"))
    assert peek.first == b"he" and r.content == b"llo /abc"  # what a urllib caller gets
    opener.session.get(server.url("/abc"), stream=True).close()  # closed unread: no loop
    with opener.open(server.url("/abc")) as legacy:
        assert legacy.read() == b"llo /abc"


def test_inspecting_processor_keeps_connections_pooled(server):
    opener = compat.build_opener(Inspector())
    r = opener.session.head(server.url("/h"))
    assert r.status_code == 200 and r.content == b""
    for n in range(3):
        assert opener.session.get(server.url(f"/{n}")).content == f"hello /{n}".encode()
    assert server.connections == 1


# -- request processors -------------------------------------------------------------------


class Sign(compat.BaseHandler):
    def http_request(self, request):
        request.add_header("X-signature", f"sig:{request.get_method()}:{request.selector}")
        request.add_header("X-agent", f"signed/{request.get_header('User-agent')}")
        return request

    https_request = http_request


def test_request_processors_run_on_each_request_and_hop(server):
    server.route("/r", Reply(302, [("Location", "/final")]))
    opener = compat.build_opener(Sign, compat.HTTPCookieProcessor(CookieJar()))
    assert [type(h) for h in opener.session.request_processors] == [Sign]  # not the builtins
    assert opener.session.get(server.url("/r")).text == "hello /final"
    assert opener.session.post(server.url("/p"), data=b"x").ok
    with opener.open(server.url("/r")) as r:  # urllib signs the same way
        r.read()
    seen = [(r.target, r.header("X-Signature")) for r in server.received]
    assert seen == [
        ("/r", "sig:GET:/r"),
        ("/final", "sig:GET:/final"),
        ("/p", "sig:POST:/p"),
        ("/r", "sig:GET:/r"),
        ("/final", "sig:GET:/final"),
    ]
    # The processor sees the Session's headers, as urllib's sees the opener's addheaders.
    assert {r.header("X-Agent") for r in server.received} == {f"signed/{UA}"}


def test_request_processors_on_https(tls_server, client_context):
    opener = compat.build_opener(Sign, compat.HTTPSHandler(context=client_context))
    opener.session.get(tls_server.url("/s")).close()
    assert tls_server.received[-1].header("X-Signature") == "sig:GET:/s"


def test_request_processors_share_one_request_as_in_urllib(server):
    """urllib passes one Request along the chain: what a processor notes on it (an attribute,
    an unredirected header) the next one sees."""

    class Mark(compat.BaseHandler):
        handler_order = 100

        def http_request(self, request):
            request.trace_id = "t-1"
            request.add_unredirected_header("X-First", "1")
            return request

    class Read(compat.BaseHandler):
        def http_request(self, request):
            request.add_header("X-Trace", request.trace_id)
            request.add_header("X-Saw-First", str(request.has_header("X-first")))
            return request

    opener = compat.build_opener(Read, Mark)
    opener.session.get(server.url("/t")).close()
    with opener.open(server.url("/t")) as r:
        r.read()
    assert [
        (r.header("X-Trace"), r.header("X-Saw-First"), r.header("X-First")) for r in server.received
    ] == [("t-1", "True", "1")] * 2
