"""Authentication through the opener, each case run through urllib.request as well: the stdlib's
own auth handlers and password managers on our transport must make the server see the same
sequence of requests (first without credentials, then with) and the caller the same outcome."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

import requests_urllib_compat.request as compat

from ..support import differential
from ..support.auth_server import (
    basic,
    basic_credentials,
    challenge_only,
    digest,
    digest_fields,
    normalised,
)
from ..support.servers import RecordingServer, Reply


def assert_same(scenario: Any, *servers: RecordingServer) -> differential.Run:
    """:func:`differential.assert_same`, with Digest's random cnonce blanked on the wire."""
    ours = differential.run(scenario, compat, list(servers))
    theirs = differential.run(scenario, urllib.request, list(servers))
    assert ours.outcome == theirs.outcome, f"\ncompat: {ours.outcome}\nstdlib: {theirs.outcome}"
    assert normalised(ours.received) == normalised(theirs.received), (
        f"\ncompat sent: {ours.received}\nstdlib sent: {theirs.received}"
    )
    return ours


def auths(server: RecordingServer, name: str = "Authorization") -> list[str | None]:
    return [r.header(name) for r in server.received]


DEFAULT_REALM = "HTTPPasswordMgrWithDefaultRealm"


def _mgr(u, kind=DEFAULT_REALM):
    return getattr(u, kind)()


# -- Basic ---------------------------------------------------------------------------------------

#: One request through one auth handler, whose password manager has joe's password for a realm:
#: (handler, the server's route, manager class, realm and password registered) -> (status,
#: error type, a fragment of its text, the Authorization header of each request received, or
#: how many requests when Digest's random cnonce makes them unpredictable).
ONE_REQUEST = [
    pytest.param(
        "HTTPBasicAuthHandler",
        basic("Test Realm", "joe", "s3cret"),
        "HTTPPasswordMgr",
        "Test Realm",
        "s3cret",
        200,
        None,
        None,
        [None, basic_credentials("joe", "s3cret")],
        id="basic-after-challenge",
    ),
    pytest.param(
        "HTTPBasicAuthHandler",
        basic("R", "joe", "right"),
        DEFAULT_REALM,
        None,
        "wrong",
        401,
        "urllib.error.HTTPError",
        None,
        [None, basic_credentials("joe", "wrong")],
        id="basic-wrong-password-stops-after-one-retry",
    ),
    pytest.param(
        "HTTPBasicAuthHandler",
        basic("Other", "joe", "s3cret"),
        "HTTPPasswordMgr",
        "Test Realm",
        "s3cret",
        401,
        "urllib.error.HTTPError",
        None,
        [None],
        id="basic-other-realm-not-answered",
    ),
    pytest.param(
        "HTTPBasicAuthHandler",
        challenge_only('Bearer realm="api"'),
        DEFAULT_REALM,
        None,
        "pw",
        None,
        "builtins.ValueError",
        None,
        [None],
        id="unsupported-scheme-is-valueerror",
    ),
    pytest.param(
        "HTTPDigestAuthHandler",
        digest("D", "joe", "right"),
        DEFAULT_REALM,
        None,
        "wrong",
        401,
        "urllib.error.HTTPError",
        "HTTP Error 401: digest auth failed",
        7,
        id="digest-wrong-password-attempt-count",
    ),  # one plain, six answers (> 5)
    pytest.param(
        "HTTPDigestAuthHandler",
        digest("D", "joe", "pw", qop="auth-int"),
        DEFAULT_REALM,
        None,
        "pw",
        None,
        "urllib.error.URLError",
        "auth-int",
        [None],
        id="digest-auth-int-is-urlerror",
    ),
]


@pytest.mark.parametrize(
    ("handler", "route", "mgr", "realm", "password", "status", "error", "text", "sent"), ONE_REQUEST
)
def test_one_request_through_an_auth_handler(
    server, handler, route, mgr, realm, password, status, error, text, sent
):
    server.route("/b", route)

    def scenario(u):
        manager = _mgr(u, mgr)
        manager.add_password(realm, server.url("/"), "joe", password)
        return u.build_opener(getattr(u, handler)(manager)).open(server.url("/b"))

    run = assert_same(scenario, server)
    assert (run.outcome.status, run.outcome.error_type) == (status, error)
    assert text is None or text in run.outcome.error_text
    assert (auths(server) if isinstance(sent, list) else len(server.received)) == sent


def test_prior_auth_sends_up_front(server):
    server.route("/b", basic("R", "joe", "pw"))

    def scenario(u):
        mgr = _mgr(u, "HTTPPasswordMgrWithPriorAuth")
        mgr.add_password(None, server.url("/"), "joe", "pw", is_authenticated=True)
        opener = u.build_opener(u.HTTPBasicAuthHandler(mgr))
        with opener.open(server.url("/b")) as r:
            r.read()
        return opener.open(server.url("/b/deeper"))

    server.route("/b/deeper", basic("R", "joe", "pw"))
    assert_same(scenario, server)
    assert auths(server) == [basic_credentials("joe", "pw")] * 2


def test_prior_auth_not_authenticated_waits_for_challenge(server):
    server.route("/b", basic("R", "joe", "pw"))

    def scenario(u):
        mgr = _mgr(u, "HTTPPasswordMgrWithPriorAuth")
        mgr.add_password(None, server.url("/"), "joe", "pw")
        opener = u.build_opener(u.HTTPBasicAuthHandler(mgr))
        with opener.open(server.url("/b")) as r:
            r.read()
        return (opener.open(server.url("/b")).read(), mgr.is_authenticated(server.url("/b")))

    run = assert_same(scenario, server)
    # urllib's own bookkeeping (the 401 is processed after the retried 2xx, marking the URL
    # unauthenticated again): each request waits for its challenge.  Same here.
    assert run.outcome.value == (b"welcome", False)
    assert auths(server) == [None, basic_credentials("joe", "pw")] * 2


# -- the password manager is the caller's object --------------------------------------------


def test_password_managers_are_the_stdlibs():
    for name in (
        "HTTPPasswordMgr",
        "HTTPPasswordMgrWithDefaultRealm",
        "HTTPPasswordMgrWithPriorAuth",
    ):
        assert getattr(compat, name) is getattr(urllib.request, name)


@pytest.mark.parametrize(
    ("registered", "asked", "found"),
    [
        ("example.com", "http://example.com/deep/er", True),
        ("example.com:8080", "http://example.com:8080/x", True),
        ("example.com:8080", "http://example.com/x", False),
        ("http://example.com/", "http://example.com:80/a", True),
        ("https://example.com/", "https://example.com:443/a", True),
        ("http://example.com/a/", "http://example.com/a/b/c", True),
        ("http://example.com/a/", "http://example.com/b", False),
        (("a.example", "b.example"), "http://b.example/", True),
    ],
)
def test_uri_matching_through_the_opener(server, registered, asked, found):
    """The HOWTO's rules, through a real 401: our opener asks for exactly what urllib asks."""
    server.route("*", basic("R", "joe", "pw"))
    # The origin is on loopback; the matching is over the URL the opener asks about.
    asked_local = asked.replace("https://", "http://")
    host = asked_local.split("/")[2]
    calls = []

    class Recording(urllib.request.HTTPPasswordMgrWithDefaultRealm):
        def find_user_password(self, realm, authuri):
            calls.append((realm, authuri))
            return super().find_user_password(realm, authuri)

    def scenario(u):
        mgr = Recording()
        mgr.add_password(None, registered, "joe", "pw")
        assert (mgr.find_user_password("R", asked)[0] == "joe") is found
        req = u.Request(asked_local.replace(host, f"127.0.0.1:{server.port}"))
        return u.build_opener(u.HTTPBasicAuthHandler(mgr)).open(req)

    assert_same(scenario, server)
    assert calls[: len(calls) // 2] == calls[len(calls) // 2 :]


def test_custom_password_manager_is_asked(server):
    """A config-backed manager: its find_user_password is called, nothing is copied from it."""
    server.route("/b", basic("vault", "svc", "from-config"))
    config = {"vault": ("svc", "from-config")}
    asked = []

    class ConfigMgr(urllib.request.HTTPPasswordMgr):
        def find_user_password(self, realm, authuri):
            asked.append((realm, authuri))
            return config.get(realm, (None, None))

    def scenario(u):
        return u.build_opener(u.HTTPBasicAuthHandler(ConfigMgr())).open(server.url("/b"))

    run = assert_same(scenario, server)
    assert run.outcome.status == 200
    assert asked == [("vault", server.url("/b"))] * 2


# -- Digest ----------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["MD5", "SHA"])
@pytest.mark.parametrize("qop", ["auth", None])
def test_digest(server, algorithm, qop):
    server.route("/d", digest("D", "ann", "pw", algorithm=algorithm, qop=qop))

    def scenario(u):
        mgr = _mgr(u)
        mgr.add_password(None, server.url("/"), "ann", "pw")
        return u.build_opener(u.HTTPDigestAuthHandler(mgr)).open(server.url("/d?q=1"))

    run = assert_same(scenario, server)
    assert run.outcome.status == 200
    assert auths(server)[0] is None
    fields = digest_fields(auths(server)[1])
    assert fields["uri"] == "/d?q=1" and fields["algorithm"] == algorithm


def test_digest_nonce_counting(server):
    server.route("/d", digest("D", "ann", "pw"))
    server.route(
        "/again",
        Reply(
            401,
            [
                (
                    "WWW-Authenticate",
                    'Digest realm="D", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", qop="auth"',
                )
            ],
        ),
    )

    def scenario(u):
        mgr = _mgr(u)
        mgr.add_password(None, server.url("/"), "ann", "pw")
        opener = u.build_opener(u.HTTPDigestAuthHandler(mgr))
        for _ in range(2):
            with opener.open(server.url("/d")) as r:
                r.read()

    assert_same(scenario, server)
    ncs = [digest_fields(a)["nc"] for a in auths(server) if a]
    assert ncs == ["00000001", "00000002"]


def test_basic_and_digest_in_one_opener(server):
    """Both challenges offered: the Digest handler (handler_order 490) answers first."""
    both = digest("D", "ann", "pw")

    def route(rec, handler):
        reply = both(rec, handler)
        if reply.status == 401:
            reply.headers.append(("WWW-Authenticate", 'Basic realm="D"'))
        return reply

    server.route("/both", route)

    def scenario(u):
        mgr = _mgr(u)
        mgr.add_password(None, server.url("/"), "ann", "pw")
        return u.build_opener(u.HTTPBasicAuthHandler(mgr), u.HTTPDigestAuthHandler(mgr)).open(
            server.url("/both")
        )

    run = assert_same(scenario, server)
    assert run.outcome.status == 200
    assert auths(server)[1].startswith("Digest ")


# -- proxy auth (plain http through a proxy): the RecordingServer plays the proxy -----------


@pytest.mark.parametrize("kind", ["basic", "digest"])
def test_proxy_auth_407(server, kind):
    route = (
        basic("proxy", "pu", "pp", proxy=True)
        if kind == "basic"
        else digest("proxy", "pu", "pp", proxy=True)
    )
    server.route("*", route)
    proxy = f"127.0.0.1:{server.port}"

    def scenario(u):
        mgr = _mgr(u)
        # urllib looks proxy credentials up by the proxy's authority for Basic, but by the
        # request's own URL for Digest (get_authorization uses req.full_url)
        mgr.add_password(None, proxy if kind == "basic" else "origin.invalid", "pu", "pp")
        handler = u.ProxyBasicAuthHandler(mgr) if kind == "basic" else u.ProxyDigestAuthHandler(mgr)
        return u.build_opener(u.ProxyHandler({"http": f"http://{proxy}"}), handler).open(
            "http://origin.invalid/p"
        )

    run = assert_same(scenario, server)
    assert run.outcome.status == 200
    assert [r.target for r in server.received] == ["http://origin.invalid/p"] * 2
    assert auths(server, "Proxy-Authorization")[0] is None


# -- credentials and redirects ---------------------------------------------------------------


@pytest.fixture
def other_server():
    from requests_urllib_compat._transport import close_shared_pools

    s = RecordingServer().start()
    yield s
    close_shared_pools()
    s.stop()


def test_handler_credentials_not_carried_by_redirect(server, other_server):
    server.route("/b", basic("R", "joe", "pw"))
    server.route("/go", Reply(302, [("Location", other_server.url("/there"))]))
    other_server.route("/there", basic("R", "joe", "pw"))

    def scenario(u):
        mgr = _mgr(u)
        mgr.add_password(None, server.url("/"), "joe", "pw")
        opener = u.build_opener(u.HTTPBasicAuthHandler(mgr))
        with opener.open(server.url("/b")) as r:
            r.read()
        return opener.open(server.url("/go"))

    run = assert_same(scenario, server, other_server)
    assert run.outcome.status == 401  # the other host challenged; no credentials for it
    assert auths(other_server) == [None]


def test_handler_answers_new_challenge_after_redirect(server, other_server):
    server.route("/go", Reply(302, [("Location", other_server.url("/there"))]))
    other_server.route("/there", basic("R", "joe", "pw"))

    def scenario(u):
        mgr = _mgr(u)
        mgr.add_password(None, other_server.url("/"), "joe", "pw")
        return u.build_opener(u.HTTPBasicAuthHandler(mgr)).open(server.url("/go"))

    run = assert_same(scenario, server, other_server)
    assert run.outcome.status == 200
    assert auths(server) == [None]
    assert auths(other_server) == [None, basic_credentials("joe", "pw")]


def _own_header_scenario(start: str, header: str = "Authorization"):
    def scenario(u):
        req = u.Request(start, headers={header: "Bearer t0ken"})
        return u.urlopen(req)

    return scenario


@pytest.mark.parametrize("header", ["Authorization", "Proxy-Authorization"])
def test_own_authorization_dropped_on_cross_origin_redirect(server, other_server, header):
    """Deliberate difference: urllib copies the caller's header to any redirect target."""
    server.route("/go", Reply(302, [("Location", other_server.url("/there"))]))
    scenario = _own_header_scenario(server.url("/go"), header)
    ours = differential.run(scenario, compat, [server, other_server])
    assert ours.outcome.status == 200
    assert other_server.received[0].header(header) is None
    theirs = differential.run(scenario, urllib.request, [server, other_server])
    assert other_server.received[0].header(header) == "Bearer t0ken"
    assert ours.outcome == theirs.outcome


def test_own_authorization_kept_on_same_origin_redirect(server):
    server.route("/go", Reply(302, [("Location", "/there")]))
    assert_same(_own_header_scenario(server.url("/go")), server)
    assert server.received[1].header("Authorization") == "Bearer t0ken"


def test_own_authorization_dropped_on_scheme_or_port_change():
    from requests_urllib_compat._redirect import same_origin

    assert same_origin("http://h/a", "http://h:80/b")
    assert same_origin("https://h/a", "https://H:443/b")
    assert not same_origin("http://h/a", "https://h/a")
    assert not same_origin("http://h:8080/a", "http://h:8081/a")
    assert not same_origin("http://h/a", "http://g/a")


def test_redirect_handler_subclass_keeps_stdlib_semantics(server, other_server):
    server.route("/go", Reply(302, [("Location", other_server.url("/there"))]))

    class NoFollow(compat.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            return None

    with pytest.raises(compat.HTTPError) as info:
        compat.build_opener(NoFollow).open(server.url("/go"))
    info.value.close()
    assert info.value.code == 302 and other_server.received == []


def test_connection_reused_under_auth(server):
    """The answered 401 is read and released: the retry goes on the same connection (urllib
    opens one per request)."""
    server.route("/b", basic("R", "joe", "pw"))
    server.route("/d", digest("D", "joe", "pw"))
    mgr = compat.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, server.url("/"), "joe", "pw")
    opener = compat.build_opener(
        compat.HTTPBasicAuthHandler(mgr), compat.HTTPDigestAuthHandler(mgr)
    )
    for path in ("/b", "/d"):
        with opener.open(server.url(path)) as r:
            assert r.read() == b"welcome"
    assert len(server.received) == 4
    assert {r.connection for r in server.received} == {1}
    session = opener.session
    assert session.get(server.url("/d")).status_code == 200
    assert {r.connection for r in server.received} == {1}


def test_challenge_without_auth_handler_is_not_read_first(server):
    """Without an auth handler the 401 goes to the caller unread, as urllib: its body can be
    streamed (here it stalls after a first part) and the HTTPError comes at once."""
    from ..support.servers import stall

    server.route(
        "/slow",
        stall(
            3,
            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 100\r\n"
            b'WWW-Authenticate: Basic realm="R"\r\n\r\nfirst',
        ),
    )
    with pytest.raises(compat.HTTPError) as info:
        compat.build_opener().open(server.url("/slow"), timeout=2)
    with info.value:
        assert info.value.code == 401
        assert info.value.read(5) == b"first"
