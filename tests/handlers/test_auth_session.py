"""``opener.session``: the opener's auth handlers and ProxyHandler as requests configuration
(the gradual-migration path), against the same auth routes and real proxies as the opener."""

from __future__ import annotations

import urllib.request

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat._auth import HandlerAuth
from requests_urllib_compat._transport import close_shared_pools

from ..support.auth_server import basic, basic_credentials, digest, digest_fields
from ..support.servers import RecordingServer, Reply
from .test_auth import auths


def _mgr(kind="HTTPPasswordMgrWithDefaultRealm"):
    return getattr(compat, kind)()


def test_session_basic_after_challenge(server):
    server.route("/b", basic("R", "joe", "pw"))
    mgr = _mgr()
    mgr.add_password(None, server.url("/"), "joe", "pw")
    opener = compat.build_opener(compat.HTTPBasicAuthHandler(mgr))
    assert isinstance(opener.session.auth, HandlerAuth)
    r = opener.session.get(server.url("/b"))
    assert (r.status_code, r.text) == (200, "welcome")
    assert auths(server) == [None, basic_credentials("joe", "pw")]
    assert [h.status_code for h in r.history] == [401]


@pytest.mark.parametrize("kind", ["Basic", "Digest"])
def test_session_wrong_password_one_retry(server, kind):
    """As urllib's handlers answer a challenge with wrong credentials: once, not repeated."""
    server.route("/b", (basic if kind == "Basic" else digest)("R", "joe", "right"))
    mgr = _mgr()
    mgr.add_password(None, server.url("/"), "joe", "wrong")
    handler = getattr(compat, f"HTTP{kind}AuthHandler")(mgr)
    r = compat.build_opener(handler).session.get(server.url("/b"))
    assert r.status_code == 401
    assert len(server.received) == 2


def test_session_other_realm_and_no_challenge(server):
    server.route("/b", basic("Other", "joe", "pw"))
    mgr = _mgr("HTTPPasswordMgr")
    mgr.add_password("R", server.url("/"), "joe", "pw")
    session = compat.build_opener(compat.HTTPBasicAuthHandler(mgr)).session
    assert session.get(server.url("/b")).status_code == 401
    assert session.get(server.url("/open")).status_code == 200
    assert auths(server) == [None, None]  # credentials only after a matching challenge


def test_session_prior_auth(server):
    server.route("/b", basic("R", "joe", "pw"))
    mgr = _mgr("HTTPPasswordMgrWithPriorAuth")
    mgr.add_password(None, server.url("/"), "joe", "pw", is_authenticated=True)
    r = compat.build_opener(compat.HTTPBasicAuthHandler(mgr)).session.get(server.url("/b"))
    assert r.status_code == 200
    assert auths(server) == [basic_credentials("joe", "pw")]


def test_session_prior_auth_learns_from_success(server):
    server.route("/b", basic("R", "joe", "pw"))
    mgr = _mgr("HTTPPasswordMgrWithPriorAuth")
    # (registered for the exact URL: an entry for a parent URL would keep answering False,
    # urllib's is_authenticated returns the first matching entry)
    mgr.add_password(None, server.url("/b"), "joe", "pw")
    session = compat.build_opener(compat.HTTPBasicAuthHandler(mgr)).session
    assert session.get(server.url("/b")).status_code == 200
    assert mgr.is_authenticated(server.url("/b"))
    assert session.get(server.url("/b")).status_code == 200
    assert auths(server) == [None] + [basic_credentials("joe", "pw")] * 2


def test_session_asks_the_callers_password_manager(server):
    server.route("/b", basic("vault", "svc", "v1"))
    config = {"vault": ("svc", "v1")}
    asked = []

    class ConfigMgr(urllib.request.HTTPPasswordMgr):
        def find_user_password(self, realm, authuri):
            asked.append((realm, authuri))
            return config.get(realm, (None, None))

    session = compat.build_opener(compat.HTTPBasicAuthHandler(ConfigMgr())).session
    assert session.get(server.url("/b")).status_code == 200
    config["vault"] = ("svc", "v2")  # rotated in the config: asked again, never copied
    server.route("/b", basic("vault", "svc", "v2"))
    assert session.get(server.url("/b")).status_code == 200
    assert asked == [("vault", server.url("/b"))] * 2
    assert auths(server)[-1] == basic_credentials("svc", "v2")


@pytest.mark.parametrize("algorithm", ["MD5", "SHA", "SHA-256", "SHA-512"])
def test_session_digest(server, algorithm):
    server.route("/d", digest("D", "ann", "pw", algorithm=algorithm))
    mgr = _mgr()
    mgr.add_password(None, server.url("/"), "ann", "pw")
    session = compat.build_opener(compat.HTTPDigestAuthHandler(mgr)).session
    for _ in range(2):
        r = session.get(server.url("/d?x=1"))
        assert (r.status_code, r.text) == (200, "welcome")
    answers = [digest_fields(a) for a in auths(server) if a]
    assert [a["nc"] for a in answers] == ["00000001", "00000002"]  # nonce counting
    assert {a["uri"] for a in answers} == {"/d?x=1"}


def test_session_digest_before_basic(server):
    both = digest("D", "ann", "pw")

    def route(rec, handler):
        reply = both(rec, handler)
        if reply.status == 401:
            reply.headers.insert(0, ("WWW-Authenticate", 'Basic realm="D"'))
        return reply

    server.route("/both", route)
    mgr = _mgr()
    mgr.add_password(None, server.url("/"), "ann", "pw")
    opener = compat.build_opener(
        compat.HTTPBasicAuthHandler(mgr), compat.HTTPDigestAuthHandler(mgr)
    )
    # Basic comes first on the wire here: the Digest handler still answers first (urllib's order),
    # reading the first challenge only, which is Basic: so it passes, and Basic answers.
    r = opener.session.get(server.url("/both"))
    assert r.status_code == 401
    assert auths(server) == [None, basic_credentials("ann", "pw")]
    through_opener = []
    server.reset()
    with pytest.raises(compat.HTTPError) as info:
        opener.open(server.url("/both"))
    info.value.close()
    through_opener = auths(server)
    assert through_opener == [None, basic_credentials("ann", "pw")]


@pytest.mark.parametrize("kind", ["basic", "digest"])
def test_session_proxy_auth_407(server, kind):
    server.route(
        "*",
        basic("proxy", "pu", "pp", proxy=True)
        if kind == "basic"
        else digest("proxy", "pu", "pp", proxy=True),
    )
    proxy = f"127.0.0.1:{server.port}"
    mgr = _mgr()
    mgr.add_password(None, proxy if kind == "basic" else "origin.invalid", "pu", "pp")
    handler = (
        compat.ProxyBasicAuthHandler(mgr) if kind == "basic" else compat.ProxyDigestAuthHandler(mgr)
    )
    opener = compat.build_opener(compat.ProxyHandler({"http": f"http://{proxy}"}), handler)
    assert opener.session.proxies == {"http": f"http://{proxy}"}
    r = opener.session.get("http://origin.invalid/p")
    assert r.status_code == 200
    assert [x.target for x in server.received] == ["http://origin.invalid/p"] * 2
    assert auths(server, "Proxy-Authorization")[0] is None


# -- proxies -------------------------------------------------------------------------------------


def test_session_through_real_proxy_with_credentials(server, auth_proxy):
    opener = compat.build_opener(
        compat.ProxyHandler({"http": f"http://user:pass@127.0.0.1:{auth_proxy.port}"})
    )
    r = opener.session.get(server.url("/via"))
    assert (r.status_code, r.text) == (200, "hello /via")
    assert server.received[0].target == "/via"


def test_session_https_through_proxy(tls_server, forward_proxy, client_context):
    opener = compat.build_opener(
        compat.HTTPSHandler(context=client_context),
        compat.ProxyHandler({"https": forward_proxy.url}),
    )
    r = opener.session.get(tls_server.url("/tls"))
    assert (r.status_code, r.text) == (200, "hello /tls")


def test_session_socks(server, socks_proxy):
    opener = compat.build_opener(
        compat.ProxyHandler({"http": f"socks5h://127.0.0.1:{socks_proxy.port}"})
    )
    mark = socks_proxy.mark()
    assert opener.session.get(server.url("/s")).text == "hello /s"
    assert socks_proxy.lines_since(mark, f"-> 127.0.0.1:{server.port}")


def test_session_no_proxy_the_urllib_way(server, monkeypatch):
    monkeypatch.setenv("no_proxy", "origin.invalid")
    opener = compat.build_opener(compat.ProxyHandler({"http": server.url()}))
    assert opener.session.get(server.url("/proxied")).status_code == 200
    assert server.received[0].target == server.url("/proxied")  # absolute form: via "proxy"
    monkeypatch.setenv("no_proxy", f"127.0.0.1:{server.port}")
    server.reset()
    assert opener.session.get(server.url("/direct")).status_code == 200
    assert server.received[0].target == "/direct"


def test_session_environment_proxies_read_at_construction(server, monkeypatch):
    monkeypatch.setenv("http_proxy", server.url())
    monkeypatch.setenv("no_proxy", "somewhere.else")
    opener = compat.build_opener()
    assert opener.session.proxies == {"http": server.url()}  # urllib's 'no' entry is not a proxy
    assert opener.session.get("http://origin.invalid/e").status_code == 200
    assert server.received[0].target == "http://origin.invalid/e"


@pytest.mark.parametrize("header", ["Authorization", "Proxy-Authorization"])
def test_session_drops_own_credentials_on_cross_origin_redirect(server, header):
    """As requests: a caller's Authorization or Proxy-Authorization does not follow a redirect
    to another origin (the session's proxies hook must not bypass requests' own stripping)."""
    other = RecordingServer().start()
    try:
        server.route("/go", Reply(302, [("Location", other.url("/there"))]))
        r = compat.build_opener().session.get(server.url("/go"), headers={header: "Bearer t0"})
        assert r.status_code == 200
        assert server.received[0].header(header) == "Bearer t0"
        assert other.received[0].header(header) is None
    finally:
        close_shared_pools()
        other.stop()


def test_session_per_call_proxies_apply_to_redirect_hops(server):
    """``proxies=`` given to one call carry every hop of it, as in requests."""
    server.route("/go", Reply(302, [("Location", "http://origin.invalid/there")]))
    session = compat.build_opener(compat.ProxyHandler({})).session
    r = session.get("http://origin.invalid/go", proxies={"http": server.url("/")})
    assert r.status_code == 200
    assert [rec.target for rec in server.received] == [
        "http://origin.invalid/go",
        "http://origin.invalid/there",
    ]
