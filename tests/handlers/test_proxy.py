"""ProxyHandler through real proxies: proxy.py (HTTP forward proxy, CONNECT, Basic proxy auth)
and pproxy (SOCKS), in front of the RecordingServer (http) and the tls_server (https); each case
the stdlib supports is run through urllib.request as well, and both must agree."""

from __future__ import annotations

import base64
import gc
import urllib.request
import warnings

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import close_shared_pools

from ..support.differential import assert_same, observe, run
from ..support.ports import free_port


def _opener(u, proxies, *handlers):
    return u.build_opener(u.ProxyHandler(proxies), *handlers)


def _https(u, context):
    return u.HTTPSHandler(context=context)


# -- plain http through a forward proxy ---------------------------------------------------------


def test_http_through_proxy(server, forward_proxy):
    mark = forward_proxy.mark()
    proxies = {"http": forward_proxy.url}
    run = assert_same(lambda u: _opener(u, proxies).open(server.url("/via?x=1")), server)
    assert run.outcome.status == 200 and run.outcome.body == b"hello /via?x=1"
    # The origin got an origin-form request (the proxy rewrote it) ...
    assert server.received[0].target == "/via?x=1"
    # ... and the proxy saw both runs' requests, absolute-form to the origin (it logs them when
    # the client connection closes; ours was kept alive).
    close_shared_pools()
    lines = forward_proxy.lines_since(mark, f"GET 127.0.0.1:{server.port}/via", count=2)
    assert len(lines) == 2


def test_proxy_credentials_in_url_become_proxy_authorization(server, auth_proxy):
    proxies = {"http": f"http://user:pass@127.0.0.1:{auth_proxy.port}"}
    run = assert_same(lambda u: _opener(u, proxies).open(server.url("/secret")), server)
    assert run.outcome.status == 200


def test_proxy_refuses_without_credentials(server, auth_proxy):
    proxies = {"http": auth_proxy.url}
    run = assert_same(lambda u: _opener(u, proxies).open(server.url("/x")), server)
    assert run.outcome.status == 407
    assert server.received == []


def test_proxy_basic_auth_handler_and_realmless_challenge(server, auth_proxy):
    """proxy.py challenges with a bare ``Proxy-Authenticate: Basic`` (no realm), which urllib's
    handler does not answer: the 407 comes through, as in urllib.  (Answered 407s: test_auth.)"""

    def scenario(u):
        mgr = u.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, auth_proxy.url, "user", "pass")
        return _opener(u, {"http": auth_proxy.url}, u.ProxyBasicAuthHandler(mgr)).open(
            server.url("/y")
        )

    run = assert_same(scenario, server)
    assert run.outcome.status == 407


def test_recorded_proxy_sees_absolute_form_and_header(server):
    """A RecordingServer as the proxy: what urllib writes to a proxy, byte for byte."""
    proxies = {"http": f"http://u%40x:p%3Aw@127.0.0.1:{server.port}"}
    run = assert_same(lambda u: _opener(u, proxies).open("http://origin.invalid/a?b=1"), server)
    received = server.received[0]
    assert received.target == "http://origin.invalid/a?b=1"
    assert received.header("Host") == "origin.invalid"
    token = base64.b64encode(b"u@x:p:w").decode()
    assert received.header("Proxy-Authorization") == f"Basic {token}"
    assert run.outcome.status == 200


def test_set_proxy(server):
    def scenario(u):
        req = u.Request("http://origin.invalid/sp")
        req.set_proxy(f"127.0.0.1:{server.port}", "http")
        return u.build_opener(u.ProxyHandler({})).open(req)

    assert_same(scenario, server)
    assert server.received[0].target == "http://origin.invalid/sp"


def test_no_proxy_applies_to_explicit_proxies(server, monkeypatch):
    monkeypatch.setenv("no_proxy", "origin.invalid")
    proxies = {"http": f"http://127.0.0.1:{server.port}"}
    assert_same(lambda u: _opener(u, proxies).open("http://origin.invalid/"), server)
    assert server.received == []  # bypassed: the name does not resolve, nothing reached us


def test_proxy_subclass_with_custom_proxy_open(server):
    """``ProxyHandler.__init__`` binds ``<scheme>_open`` per instance to ``proxy_open``: a
    subclass customises that (here: a proxy chosen per request), as in urllib."""
    seen = []

    def scenario(u):
        class PerHost(u.ProxyHandler):
            def proxy_open(self, req, proxy, type):
                seen.append((req.host, proxy, type))
                if req.host == "direct.invalid":
                    return None
                return super().proxy_open(req, proxy, type)

        return u.build_opener(PerHost({"http": f"http://127.0.0.1:{server.port}"})).open(
            "http://origin.invalid/c"
        )

    assert_same(scenario, server)
    assert seen == [("origin.invalid", f"http://127.0.0.1:{server.port}", "http")] * 2
    assert server.received[0].target == "http://origin.invalid/c"


def test_proxy_subclass_with_custom_scheme_open(server):
    """A ``<scheme>_open`` defined by a subclass for a scheme it has no proxy for is a plain
    handler method, called before the transport (as in urllib)."""
    seen = []

    def scenario(u):
        class Tracing(u.ProxyHandler):
            def http_open(self, req):
                seen.append(req.full_url)
                return None  # let the http handler send it

        return u.build_opener(Tracing({"https": "http://127.0.0.1:9"})).open(server.url("/t"))

    assert_same(scenario, server)
    assert seen == [server.url("/t")] * 2


# -- https through a proxy: CONNECT ------------------------------------------------------------


def test_https_through_proxy_verifies_origin(tls_server, forward_proxy, client_context):
    mark = forward_proxy.mark()
    proxies = {"https": forward_proxy.url}
    run = assert_same(
        lambda u: _opener(u, proxies, _https(u, client_context)).open(tls_server.url("/tls")),
        tls_server,
    )
    assert run.outcome.status == 200 and run.outcome.body == b"hello /tls"
    assert tls_server.received[0].target == "/tls"
    assert tls_server.received[0].header("Proxy-Authorization") is None
    close_shared_pools()  # proxy.py logs a tunnel when it closes; ours was kept alive
    assert (
        len(forward_proxy.lines_since(mark, f"CONNECT 127.0.0.1:{tls_server.port}", count=2)) == 2
    )


def test_https_through_proxy_untrusted_origin_fails(tls_server, forward_proxy):
    proxies = {"https": forward_proxy.url}
    ours = observe(lambda: _opener(compat, proxies).open(tls_server.url("/")))
    theirs = observe(lambda: _opener(urllib.request, proxies).open(tls_server.url("/")))
    assert ours == theirs
    assert "CERTIFICATE_VERIFY_FAILED" in ours.error_text
    assert tls_server.received == []


def test_tunnel_with_proxy_credentials(tls_server, auth_proxy, client_context):
    proxies = {"https": f"http://user:pass@127.0.0.1:{auth_proxy.port}"}
    run = assert_same(
        lambda u: _opener(u, proxies, _https(u, client_context)).open(tls_server.url("/t")),
        tls_server,
    )
    assert run.outcome.status == 200
    # The credential went with the CONNECT only, never through the tunnel to the origin.
    assert tls_server.received[0].header("Proxy-Authorization") is None


def test_tunnel_refused_with_407(tls_server, auth_proxy, client_context):
    proxies = {"https": auth_proxy.url}

    def scenario(u):
        return _opener(u, proxies, _https(u, client_context)).open(tls_server.url("/t"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        ours = run(scenario, compat, [tls_server])
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    with warnings.catch_warnings():
        # http.client before 3.11 never closes the refused CONNECT's response, leaving the
        # socket to the collector: the stdlib's leak, muted (ours is checked above).
        warnings.simplefilter("ignore", ResourceWarning)
        theirs = run(scenario, urllib.request, [tls_server])
        gc.collect()
    assert (ours.outcome, ours.received) == (theirs.outcome, theirs.received)
    assert ours.outcome.error_type == "urllib.error.URLError"
    assert "Tunnel connection failed: 407" in ours.outcome.error_text


def test_tunnels_with_different_credentials_do_not_share_connections(
    tls_server, auth_proxy, client_context
):
    good = {"https": f"http://user:pass@127.0.0.1:{auth_proxy.port}"}
    bad = {"https": f"http://user:wrong@127.0.0.1:{auth_proxy.port}"}
    with _opener(compat, good, _https(compat, client_context)).open(tls_server.url("/1")) as r:
        assert r.status == 200
        r.read()
    with pytest.raises(compat.URLError, match="Tunnel connection failed: 407"):
        _opener(compat, bad, _https(compat, client_context)).open(tls_server.url("/2"))


# -- SOCKS (beyond urllib) ----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["socks5", "socks5h", "socks4", "socks4a"])
def test_http_through_socks(server, socks_proxy, scheme):
    mark = socks_proxy.mark()
    opener = _opener(compat, {"http": f"{scheme}://127.0.0.1:{socks_proxy.port}"})
    with opener.open(server.url("/socks")) as r:
        assert (r.status, r.read()) == (200, b"hello /socks")
    assert server.received[0].target == "/socks"  # origin-form: SOCKS relays bytes
    assert socks_proxy.lines_since(mark, f"-> 127.0.0.1:{server.port}")
    # urllib itself cannot: the stdlib ProxyHandler makes it an unknown url type.
    with pytest.raises(urllib.error.URLError, match=f"unknown url type: {scheme}"):
        _opener(urllib.request, {"http": f"{scheme}://127.0.0.1:{socks_proxy.port}"}).open(
            server.url("/")
        )


def test_https_through_socks(tls_server, socks_proxy, client_context):
    mark = socks_proxy.mark()
    opener = _opener(
        compat, {"https": f"socks5h://127.0.0.1:{socks_proxy.port}"}, _https(compat, client_context)
    )
    with opener.open(tls_server.url("/s")) as r:
        assert (r.status, r.read()) == (200, b"hello /s")
    assert socks_proxy.lines_since(mark, f"-> 127.0.0.1:{tls_server.port}")


def test_socks_credentials(server, socks_proxy):
    good = _opener(compat, {"http": f"socks5://user:pass@127.0.0.1:{socks_proxy.auth_port}"})
    with good.open(server.url("/auth")) as r:
        assert r.read() == b"hello /auth"
    bad = _opener(compat, {"http": f"socks5://user:nope@127.0.0.1:{socks_proxy.auth_port}"})
    with pytest.raises(compat.URLError):
        bad.open(server.url("/denied"))
    assert [r.target for r in server.received] == ["/auth"]


def test_https_set_proxy_tunnels(tls_server, forward_proxy, client_context):
    def scenario(u):
        req = u.Request(tls_server.url("/sp"))
        req.set_proxy(f"127.0.0.1:{forward_proxy.port}", "http")
        return u.build_opener(u.ProxyHandler({}), _https(u, client_context)).open(req)

    run = assert_same(scenario, tls_server)
    assert run.outcome.status == 200 and tls_server.received[0].target == "/sp"


def test_proxyhandler_none_reads_environment(server, monkeypatch):
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.port}")
    assert compat.ProxyHandler(None).proxies == urllib.request.ProxyHandler(None).proxies
    assert_same(
        lambda u: u.build_opener(u.ProxyHandler(None)).open("http://origin.invalid/n"), server
    )
    assert server.received[0].target == "http://origin.invalid/n"


def test_socks_proxy_down_is_urlerror(server):
    port = free_port()
    with pytest.raises(compat.URLError):
        _opener(compat, {"http": f"socks5://127.0.0.1:{port}"}).open(server.url("/"))


def test_no_proxy_bypasses_socks(server, socks_proxy, monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    mark = socks_proxy.mark()
    opener = _opener(compat, {"http": f"socks5://127.0.0.1:{socks_proxy.port}"})
    with opener.open(server.url("/direct")) as r:
        r.read()
    assert socks_proxy.lines_since(mark, "->", timeout=0.3) == []


# -- ProxyHandler and the environment ----------------------------------------------------------


def test_empty_proxyhandler_ignores_environment(server, monkeypatch):
    dead = "http://127.0.0.1:9"
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
    run = assert_same(lambda u: _opener(u, {}).open(server.url("/local")), server)
    assert run.outcome.status == 200
    # and the opener's Session does not pick the environment up either
    opener = _opener(compat, {})
    assert opener.session.get(server.url("/s")).status_code == 200


def test_environment_read_at_construction(server, monkeypatch):
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.port}")
    handlers = {"compat": compat.ProxyHandler(), "stdlib": urllib.request.ProxyHandler()}
    monkeypatch.delenv("http_proxy")
    for name, u in (("compat", compat), ("stdlib", urllib.request)):
        server.reset()
        with u.build_opener(handlers[name]).open("http://origin.invalid/env") as r:
            assert r.status == 200
        assert server.received[0].target == "http://origin.invalid/env"


def test_request_method_hides_http_proxy(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("REQUEST_METHOD", "GET")  # a CGI script: HTTP_PROXY came from a header
    assert_same(lambda u: u.build_opener(u.ProxyHandler()).open(server.url("/cgi")), server)
    assert server.received[0].target == "/cgi"


def test_all_proxy_ignored_and_no_cidr(server, monkeypatch):
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("all_proxy", "http://127.0.0.1:9")
    assert_same(lambda u: u.urlopen(server.url("/all")), server)
    assert server.received[0].target == "/all"
    # urllib knows no CIDR in no_proxy: 127.0.0.0/8 does not bypass the proxy
    monkeypatch.setenv("no_proxy", "127.0.0.0/8")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.port}")
    assert_same(lambda u: u.build_opener(u.ProxyHandler()).open("http://127.0.0.2:9/cidr"), server)
    assert server.received[0].target == "http://127.0.0.2:9/cidr"


def test_default_handlers_are_ours(monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # else ProxyHandler() adds nothing
    opener = compat.build_opener()
    kinds = {type(h) for h in opener.handlers}
    assert compat.ProxyHandler in kinds and compat.HTTPRedirectHandler in kinds
    # a stdlib ProxyHandler given by the caller replaces ours, as in urllib
    given = urllib.request.ProxyHandler({"http": "http://127.0.0.1:9"})
    opener = compat.build_opener(given)
    assert given in opener.handlers
    assert compat.ProxyHandler not in {type(h) for h in opener.handlers}
    assert issubclass(compat.ProxyHandler, urllib.request.ProxyHandler)


def test_legacy_code_under_the_swap_gets_socks_and_redirect_safety(server, socks_proxy):
    """Code that cannot be edited and says ``urllib.request.ProxyHandler``: under ``install()``
    that name is ours, so a SOCKS proxy URL works there too."""
    from requests_urllib_compat.swap import patched

    with patched():
        assert urllib.request.ProxyHandler is compat.ProxyHandler
        assert urllib.request.HTTPRedirectHandler is compat.HTTPRedirectHandler
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": f"socks5://127.0.0.1:{socks_proxy.port}"})
        )
        with opener.open(server.url("/legacy")) as r:
            assert r.read() == b"hello /legacy"
    assert urllib.request.ProxyHandler is not compat.ProxyHandler


def test_proxy_open_called_unbound_from_a_plain_handler(server, monkeypatch):
    """Code picks a proxy in a handler of its own and calls ``ProxyHandler.proxy_open(self,
    ...)`` unbound, as urllib allows: ours works for any handler, not only a ProxyHandler."""
    proxy = f"http://127.0.0.1:{server.port}"

    def scenario(u):
        class Chooser(u.BaseHandler):
            handler_order = 100  # before the http handler

            def http_open(self, req):
                return u.ProxyHandler.proxy_open(self, req, proxy, "http")

        return u.build_opener(Chooser).open("http://origin.invalid/unbound")

    assert assert_same(scenario, server).outcome.status == 200
    assert server.received[0].target == "http://origin.invalid/unbound"


def test_socks_proxy_open_called_unbound(server, socks_proxy):
    class Chooser(compat.BaseHandler):
        handler_order = 100

        def http_open(self, req):
            return compat.ProxyHandler.proxy_open(
                self, req, f"socks5://127.0.0.1:{socks_proxy.port}", "http"
            )

    mark = socks_proxy.mark()
    with compat.build_opener(Chooser).open(server.url("/socks-unbound")) as response:
        assert response.read() == b"hello /socks-unbound"
    assert socks_proxy.lines_since(mark, f"-> 127.0.0.1:{server.port}")
