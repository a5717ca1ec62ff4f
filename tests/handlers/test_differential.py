"""The opener protocol and the ways legacy code customises urllib, each run through
``urllib.request`` and through our package against the same server (``assert_same``).

What is compared: the requests the server received (Connection header aside) and what the
caller observed (response status/url/headers/body, or the exception), plus, where a scenario
returns a value, that value (call order of handler methods, cookie jar contents...).
"""

import base64
import email.message
import http.client
import io
import sys
import urllib.request
import warnings
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy

import pytest

import requests_urllib_compat.request as compat

from ..support.differential import assert_same, urllib_follows
from ..support.servers import Reply

UA = "Python-urllib/{}.{}".format(*sys.version_info[:2])  # urllib's default User-agent


def _read(response):
    with response:
        return (
            response.status if hasattr(response, "status") else response.getcode(),
            response.geturl(),
            response.read(),
        )


def _jar(jar):
    return sorted((c.name, c.value, c.domain, c.path) for c in jar)


# -- build_opener, addheaders, install_opener, opener.error ----------------------------------


class StrictRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = 3


@pytest.mark.parametrize(
    "given",
    [
        (),
        (StrictRedirect,),
        (StrictRedirect(),),
        (urllib.request.HTTPHandler,),
        (urllib.request.HTTPSHandler(),),
        (urllib.request.HTTPCookieProcessor,),
        (urllib.request.HTTPErrorProcessor, urllib.request.ProxyHandler({})),
        (urllib.request.BaseHandler(),),
    ],
    ids=lambda g: "+".join(getattr(h, "__name__", type(h).__name__) for h in g) or "defaults",
)
def test_build_opener_replacement_rules(server, given):
    def scenario(u):
        opener = u.build_opener(*given)
        return [(type(h).__name__, h.handler_order) for h in opener.handlers]

    assert_same(scenario, server)


def test_build_opener_instantiates_classes():
    opener = compat.build_opener(StrictRedirect)
    redirect = [h for h in opener.handlers if isinstance(h, urllib.request.HTTPRedirectHandler)]
    assert len(redirect) == 1 and type(redirect[0]) is StrictRedirect
    assert redirect[0].parent is opener


def test_addheaders_default_and_replaced(server):
    def scenario(u):
        opener = u.build_opener()
        default = list(opener.addheaders)
        opener.open(server.url("/a")).close()
        opener.addheaders = [("User-agent", "legacy/2"), ("X-api-key", "k")]
        opener.open(u.Request(server.url("/b"), headers={"X-api-key": "own"})).close()
        return default

    run = assert_same(scenario, server)
    assert run.outcome.value == [("User-agent", UA)]
    sent = server.received[1]
    assert (sent.header("User-Agent"), sent.header("X-Api-Key")) == ("legacy/2", "own")


def test_install_opener_then_urlopen_and_back(server):
    class Mark(urllib.request.BaseHandler):
        def http_request(self, req):
            req.add_header("X-installed", "yes")
            return req

    def scenario(u):
        u.install_opener(u.build_opener(Mark))
        first = _read(u.urlopen(server.url("/one")))
        u.install_opener(None)
        second = _read(u.urlopen(server.url("/two")))
        return first, second

    assert_same(scenario, server)
    assert [r.header("X-Installed") for r in server.received] == ["yes", None]


def test_opener_error(server):
    class Teapot(urllib.request.BaseHandler):
        def http_error_418(self, req, fp, code, msg, hdrs):
            return ("handled", code, msg, fp.read())

    def scenario(u, handled):
        opener = u.build_opener(*([Teapot] if handled else []))
        headers = email.message.Message()
        return opener.error(
            "http", u.Request(server.url("/")), io.BytesIO(b"tea"), 418, "I'm a teapot", headers
        )

    assert assert_same(lambda u: scenario(u, True), server).outcome.value == (
        "handled",
        418,
        "I'm a teapot",
        b"tea",
    )
    run = assert_same(lambda u: scenario(u, False), server)
    assert run.outcome.error_type == "urllib.error.HTTPError"


# -- the handler protocol: processors, openers, errors, in handler_order ----------------------


def _protocol_handlers(calls):
    class Early(urllib.request.BaseHandler):
        handler_order = 100

        def http_request(self, req):
            calls.append(("early.request", req.get_header("X-step")))
            req.add_header("X-step", "early")
            return req

        def http_response(self, req, response):
            calls.append(("early.response", response.getcode()))
            return response

        def default_open(self, req):
            calls.append(("early.default_open", req.get_full_url()))

    class Late(urllib.request.BaseHandler):
        handler_order = 900

        def http_request(self, req):
            calls.append(("late.request", req.get_header("X-step")))
            req.add_unredirected_header("X-late", "1")
            return req

        def http_response(self, req, response):
            calls.append(("late.response", response.getcode()))
            return response

        def http_open(self, req):
            calls.append(("late.http_open", req.get_full_url()))

        def unknown_open(self, req):
            calls.append(("late.unknown_open", req.type))

    class Middle(urllib.request.BaseHandler):
        def http_request(self, req):
            calls.append(("middle.request", req.get_header("X-step")))
            return req

        def http_response(self, req, response):
            calls.append(("middle.response", response.getcode()))
            return response

    return [Late(), Middle(), Early()]


@pytest.mark.parametrize("path", ["/ok", "/redirect", "/missing"])
def test_processors_and_openers_run_in_handler_order(server, path):
    server.route("/redirect", Reply(302, [("Location", "/ok")]))
    server.route("/missing", Reply(404, body=b"nope"))

    def scenario(u):
        calls = []
        opener = u.build_opener(*_protocol_handlers(calls))
        try:
            return _read(opener.open(server.url(path))), calls
        except u.HTTPError as exc:
            exc.close()
            return exc.code, calls

    run = assert_same(scenario, server)
    assert ("early.default_open", server.url(path)) in run.outcome.value[1]


def test_unknown_open_protocol(server):
    def scenario(u):
        calls = []
        opener = u.build_opener(*_protocol_handlers(calls))
        try:
            opener.open("gopher://example.invalid/")
        except u.URLError as exc:
            return str(exc), calls

    assert assert_same(scenario, server).outcome.value[0] == (
        "<urlopen error unknown url type: gopher>"
    )


def test_unknown_handler():
    assert_same(lambda u: u.build_opener().open("nosuch://host/path"))


def test_http_error_default_of_a_user_handler(server):
    server.route("/teapot", Reply(418, body=b"short and stout"))

    class Keep(urllib.request.BaseHandler):
        handler_order = 100

        def http_error_default(self, req, fp, code, msg, hdrs):
            return fp  # the error response, returned instead of raised

    assert_same(lambda u: u.build_opener(Keep).open(server.url("/teapot")), server)
    assert_same(lambda u: u.build_opener().open(server.url("/teapot")), server)


def test_error_processor_replaced(server):
    server.route("/missing", Reply(404, body=b"nope"))

    class NoErrors(urllib.request.HTTPErrorProcessor):
        def http_response(self, request, response):
            return response

    assert_same(lambda u: u.build_opener(NoErrors).open(server.url("/missing")), server)
    assert_same(lambda u: u.build_opener().open(server.url("/missing")), server)


def test_http_error_404_returning_a_response(server):
    server.route("/missing", Reply(404, [("X-why", "gone")], b"nope"))

    class Fallback(urllib.request.BaseHandler):
        def http_error_404(self, req, fp, code, msg, hdrs):
            fp.close()
            return self.parent.open(req.full_url.replace("/missing", "/fallback"))

    run = assert_same(lambda u: u.build_opener(Fallback).open(server.url("/missing")), server)
    assert run.outcome.body == b"hello /fallback"


# -- redirect handler customisations ----------------------------------------------------------


def _redirect_routes(server):
    for code in (301, 302, 303, 307, 308):
        server.route(f"/r{code}", Reply(code, [("Location", "/final")], b"moved"))
    server.route("/chain0", Reply(302, [("Location", "/chain1")]))
    server.route("/chain1", Reply(302, [("Location", "/chain2")]))
    server.route("/chain2", Reply(302, [("Location", "/final")]))
    server.route("/loop", Reply(302, [("Location", "/loop")]))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The HOWTO's opener that does not follow redirections."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_request_returning_none(server, code):
    _redirect_routes(server)
    run = assert_same(lambda u: u.build_opener(NoRedirect).open(server.url(f"/r{code}")), server)
    assert run.outcome.error_type == "urllib.error.HTTPError" and run.outcome.status == code


class CountingRedirect(urllib.request.HTTPRedirectHandler):
    def __init__(self):
        self.codes = []

    def _count(self, req, fp, code, msg, headers):
        self.codes.append(code)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_302 = http_error_303 = _count
    http_error_307 = http_error_308 = _count


class ReturnRedirect(urllib.request.HTTPRedirectHandler):
    """Legacy code that wants the 3xx response itself."""

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("data", [None, b"payload"], ids=["GET", "POST"])
def test_http_error_3xx_overrides(server, code, data):
    _redirect_routes(server)

    def counting(u):
        handler = CountingRedirect()
        try:
            return _read(u.build_opener(handler).open(server.url(f"/r{code}"), data)), handler.codes
        except u.HTTPError as exc:
            exc.close()
            return exc.code, str(exc), handler.codes

    assert_same(counting, server)
    assert_same(
        lambda u: u.build_opener(ReturnRedirect).open(server.url(f"/r{code}"), data), server
    )


class KeepPost(urllib.request.HTTPRedirectHandler):
    """Follow 301/302/303/307/308 for POST too, keeping method and body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return urllib.request.Request(
            newurl,
            data=req.data,
            method=req.get_method(),
            headers=dict(req.header_items()),
            origin_req_host=req.origin_req_host,
            unverifiable=True,
        )


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_request_keeping_post(server, code):
    _redirect_routes(server)
    run = assert_same(
        lambda u: u.build_opener(KeepPost).open(
            u.Request(server.url(f"/r{code}"), data=b"a=1", headers={"X-sig": "s"})
        ),
        server,
    )
    if urllib_follows(code):
        assert run.received[-1][:2] == ("POST", "/final") and run.received[-1][-1] == b"a=1"
    else:  # this urllib has no http_error_308: the 308 is an HTTPError, redirect_request unused
        assert run.outcome.status == code and len(run.received) == 1


@pytest.mark.parametrize(
    ("attrs", "path"),
    [
        ({"max_redirections": 2}, "/chain0"),
        ({"max_redirections": 3}, "/chain0"),
        ({"max_repeats": 1}, "/loop"),
        ({"max_repeats": 2}, "/loop"),
    ],
)
def test_max_redirections_and_max_repeats(server, attrs, path):
    _redirect_routes(server)
    limited = type("Limited", (urllib.request.HTTPRedirectHandler,), attrs)
    assert_same(lambda u: u.build_opener(limited).open(server.url(path)), server)


# -- request/response processors of user handlers (signing, tracing, wrapping) ----------------


class Sign(urllib.request.BaseHandler):
    def http_request(self, req):
        req.add_header("X-signature", f"sig:{req.get_method()}:{req.selector}")
        return req

    https_request = http_request


class Wrap(urllib.request.BaseHandler):
    """Inspects the response and returns a wrapper around it."""

    def http_response(self, req, response):
        body = response.read()
        wrapped = urllib.request.addinfourl(
            io.BytesIO(b"[" + body + b"]"), response.headers, response.geturl(), response.getcode()
        )
        wrapped.msg = f"{response.getcode()} seen"
        return wrapped

    https_response = http_response


def test_signing_and_wrapping_handlers(server):
    server.route("/r", Reply(302, [("Location", "/final")]))
    run = assert_same(lambda u: u.build_opener(Sign, Wrap).open(server.url("/r")), server)
    assert run.outcome.body == b"[hello /final]"
    assert [r.header("X-Signature") for r in server.received] == ["sig:GET:/r", "sig:GET:/final"]


def test_signing_and_wrapping_handlers_https(tls_server, client_context):
    def scenario(u):
        opener = u.build_opener(Sign, Wrap, u.HTTPSHandler(context=client_context))
        return opener.open(tls_server.url("/s"), b"x")

    run = assert_same(scenario, tls_server)
    assert run.outcome.body == b"[hello /s]"
    assert tls_server.received[-1].header("X-Signature") == "sig:POST:/s"


def test_custom_scheme_open(server):
    class Foo(urllib.request.BaseHandler):
        def foo_open(self, req):
            headers = email.message.Message()
            headers["Content-type"] = "text/x-foo"
            return urllib.request.addinfourl(
                io.BytesIO(req.selector.encode()), headers, req.full_url, 200
            )

    run = assert_same(lambda u: u.build_opener(Foo).open("foo://thing/some/where"), server)
    assert run.outcome.body == b"/some/where"


# -- cookies through HTTPCookieProcessor ------------------------------------------------------


def _cookie_routes(server):
    server.route(
        "/set",
        Reply(200, [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "sub=2; Path=/sub")], b"set"),
    )
    server.route("/hop", Reply(302, [("Set-Cookie", "hop=1; Path=/"), ("Location", "/set")]))
    server.route("/expire", Reply(200, [("Set-Cookie", "a=; Max-Age=0; Path=/")]))


@pytest.mark.parametrize(
    "policy",
    [
        None,
        DefaultCookiePolicy(blocked_domains=["127.0.0.1"]),
        DefaultCookiePolicy(allowed_domains=["example.com"]),
        DefaultCookiePolicy(strict_ns_unverifiable=True),
    ],
    ids=["default", "blocked", "not-allowed", "strict-unverifiable"],
)
def test_cookie_processor(server, policy):
    _cookie_routes(server)

    def scenario(u):
        jar = CookieJar(policy)
        jar.set_cookie(
            Cookie(
                0,
                "mine",
                "v",
                None,
                False,
                "127.0.0.1",
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )
        )
        opener = u.build_opener(u.HTTPCookieProcessor(jar))
        seen = [_read(opener.open(server.url("/hop"))), _jar(jar)]
        seen.append((_read(opener.open(server.url("/sub/x"))), _jar(jar)))
        # A third-party request: origin elsewhere, unverifiable.
        third = u.Request(server.url("/set"), origin_req_host="other.example", unverifiable=True)
        seen.append((_read(opener.open(third)), _jar(jar)))
        seen.append((_read(opener.open(server.url("/expire"))), _jar(jar)))
        return seen

    assert_same(scenario, server)


def test_no_cookie_processor_ignores_cookies(server):
    _cookie_routes(server)

    def scenario(u):
        opener = u.build_opener()
        return _read(opener.open(server.url("/hop"))), _read(opener.open(server.url("/x")))

    assert_same(scenario, server)
    assert all(r.header("Cookie") is None for r in server.received)


def test_third_party_cookie_refused_by_strict_policy(server):
    server.route("/set", Reply(200, [("Set-Cookie", "tp=1; Path=/")]))

    def scenario(u):
        jar = CookieJar(DefaultCookiePolicy(strict_ns_unverifiable=True))
        opener = u.build_opener(u.HTTPCookieProcessor(jar))
        opener.open(
            u.Request(server.url("/set"), origin_req_host="elsewhere.example", unverifiable=True)
        ).close()
        after_third_party = _jar(jar)
        opener.open(server.url("/set")).close()
        return after_third_party, _jar(jar)

    run = assert_same(scenario, server)
    assert run.outcome.value[0] == [] and len(run.outcome.value[1]) == 1


# -- handler instances from the stdlib itself, given to our build_opener ----------------------


def _auth_route(server):
    token = "Basic " + base64.b64encode(b"user:pw").decode()

    def route(rec, handler):
        if rec.header("Authorization") == token:
            return Reply(200, body=b"welcome")
        return Reply(401, [("WWW-Authenticate", 'Basic realm="r"')], b"who?")

    server.route("/private", route)


def test_stdlib_handler_instances(server):
    _cookie_routes(server)
    _auth_route(server)

    def scenario(u):
        jar = CookieJar()
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, server.url("/"), "user", "pw")
        opener = u.build_opener(
            urllib.request.HTTPCookieProcessor(jar),
            urllib.request.HTTPBasicAuthHandler(mgr),
            StrictRedirect,
            urllib.request.HTTPHandler(),
        )
        return (
            _read(opener.open(server.url("/hop"))),
            _read(opener.open(server.url("/private"))),
            _jar(jar),
        )

    assert_same(scenario, server)


def test_stdlib_https_handler_instance(tls_server, client_context):
    run = assert_same(
        lambda u: u.build_opener(urllib.request.HTTPSHandler(context=client_context)).open(
            tls_server.url("/t")
        ),
        tls_server,
    )
    assert run.outcome.status == 200


def test_stdlib_transport_handlers_send_through_ours(server, tls_server, client_context):
    """Instances (and classes) of the stdlib's HTTPHandler/HTTPSHandler, or subclasses that do
    not replace the transport, use our pooled transport: one connection, no Connection: close."""

    class Traced(urllib.request.HTTPSHandler):
        def https_request(self, req):
            req.add_header("X-traced", "1")
            return super().https_request(req)

    for opener in (
        compat.build_opener(urllib.request.HTTPHandler()),
        compat.build_opener(urllib.request.HTTPHandler),
    ):
        for _ in range(3):
            _read(opener.open(server.url("/x")))
    assert server.connections == 1
    assert {r.header("Connection") for r in server.received} == {None}
    for handler in (
        urllib.request.HTTPSHandler(context=client_context),
        Traced(context=client_context),
    ):
        for _ in range(3):
            _read(compat.build_opener(handler).open(tls_server.url("/x")))
    assert tls_server.connections == 1
    assert [r.header("X-Traced") for r in tls_server.received] == [None] * 3 + ["1"] * 3


def test_subclass_with_own_transport_keeps_it(server):
    """A stdlib HTTPHandler subclass overriding http_open (or do_open) keeps its transport:
    here http.client's, sending Connection: close as urllib does."""
    opened = []

    class OwnTransport(urllib.request.HTTPHandler):
        def http_open(self, req):
            opened.append(req.full_url)
            return self.do_open(http.client.HTTPConnection, req)

    assert_same(lambda u: u.build_opener(OwnTransport).open(server.url("/own")), server)
    compat.build_opener(OwnTransport).open(server.url("/own")).close()
    assert server.received[-1].header("Connection") == "close"
    assert len(opened) == 3


# -- HTTPSHandler(check_hostname=...) ----------------------------------------------------------


@pytest.fixture
def misnamed_tls_server(ca):
    """A TLS server whose (trusted) certificate names another host."""
    import ssl

    from ..support.servers import RecordingServer

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("other.example").configure_cert(context)
    s = RecordingServer(tls=context).start()
    yield s
    s.stop()


@pytest.mark.filterwarnings("ignore:key_file, cert_file and check_hostname:DeprecationWarning")
@pytest.mark.parametrize("check_hostname", [None, True, False])
def test_check_hostname_without_context(
    tls_server, misnamed_tls_server, ca_file, monkeypatch, check_hostname
):
    """check_hostname=False turns off the host name check only: the chain is still verified."""

    def scenario(server):
        return lambda u: u.build_opener(u.HTTPSHandler(check_hostname=check_hostname)).open(
            server.url("/")
        )

    assert_same(scenario(tls_server), tls_server)  # untrusted CA: refused in every case
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    run = assert_same(scenario(misnamed_tls_server), misnamed_tls_server)
    assert (run.outcome.kind == "response") == (check_hostname is False)
    for _ in range(3):
        _read(
            compat.build_opener(compat.HTTPSHandler(check_hostname=check_hostname)).open(
                tls_server.url("/")
            )
        )
    assert tls_server.connections == 1  # one shared pool per setting


@pytest.mark.parametrize("module", [urllib.request, compat], ids=["stdlib", "compat"])
def test_check_hostname_is_deprecated_as_in_http_client(misnamed_tls_server, ca_file, module):
    import ssl

    context = ssl.create_default_context(cafile=ca_file)
    for handler in (
        module.HTTPSHandler(context=context, check_hostname=False),
        urllib.request.HTTPSHandler(context=context, check_hostname=False),
    ):
        if sys.version_info < (3, 12):  # http.client's deprecation, gone with the argument
            with pytest.warns(DeprecationWarning, match="check_hostname are deprecated"):
                _read(module.build_opener(handler).open(misnamed_tls_server.url("/")))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                _read(module.build_opener(handler).open(misnamed_tls_server.url("/")))


@pytest.mark.filterwarnings("ignore:key_file, cert_file and check_hostname:DeprecationWarning")
def test_check_hostname_with_context(misnamed_tls_server, ca_file):
    import ssl

    def scenario(u):
        context = ssl.create_default_context(cafile=ca_file)
        opener = u.build_opener(u.HTTPSHandler(context=context, check_hostname=False))
        return _read(opener.open(misnamed_tls_server.url("/"))), context.check_hostname

    assert_same(scenario, misnamed_tls_server)


# -- the HOWTO's section 5, unchanged ---------------------------------------------------------


def test_howto_opener_director_with_add_handler(server):
    """ "Instantiate an OpenerDirector, and then call .add_handler(...) repeatedly"."""
    server.route("/missing", Reply(404, body=b"nope"))

    def scenario(u, path):
        opener = u.OpenerDirector()
        for handler in (
            u.HTTPHandler(),
            u.HTTPDefaultErrorHandler(),
            u.HTTPErrorProcessor(),
            u.UnknownHandler(),
        ):
            opener.add_handler(handler)
        return opener.open(server.url(path))

    assert_same(lambda u: scenario(u, "/here"), server)
    assert_same(lambda u: scenario(u, "/missing"), server)
    assert_same(lambda u: u.OpenerDirector().open(server.url("/")), server)  # no handler at all


def test_howto_basic_auth_opener_installed(server):
    _auth_route(server)

    def scenario(u):
        password_mgr = u.HTTPPasswordMgrWithDefaultRealm()
        top_level_url = server.url("/")
        password_mgr.add_password(None, top_level_url, "user", "pw")
        handler = u.HTTPBasicAuthHandler(password_mgr)
        opener = u.build_opener(handler)
        _read(opener.open(server.url("/private")))
        u.install_opener(opener)
        return _read(u.urlopen(server.url("/private")))

    run = assert_same(scenario, server)
    assert run.outcome.value[2] == b"welcome"


def test_howto_proxy_handler_without_proxies(server, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # would be refused if used

    def scenario(u):
        proxy_support = u.ProxyHandler({})
        opener = u.build_opener(proxy_support)
        u.install_opener(opener)
        return u.urlopen(server.url("/direct"))

    assert assert_same(scenario, server).outcome.status == 200


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_do_open_wrapped_by_a_subclass_is_called(server, tls_server, client_context, scheme):
    """``http(s)_open`` calls ``do_open``, as urllib's: a subclass wrapping it (logging,
    timing) sees every request, and ``super().do_open`` still sends it."""
    target = server if scheme == "http" else tls_server

    def scenario(u):
        calls = []
        base = u.HTTPHandler if scheme == "http" else u.HTTPSHandler

        class Logging(base):
            def do_open(self, http_class, req, **kwargs):
                calls.append(req.get_full_url())
                return super().do_open(http_class, req, **kwargs)

        handler = Logging() if scheme == "http" else Logging(context=client_context)
        with u.build_opener(handler).open(target.url("/logged")) as response:
            return calls, response.read()

    assert_same(scenario, target)
