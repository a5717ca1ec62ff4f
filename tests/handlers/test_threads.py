"""One opener shared by threads, and openers sharing connection pools.

urllib opens a connection per request; our openers share a urllib3 pool per transport
configuration (the same SSLContext object, or the default one).  These tests check that the
sharing is correct: under 8 threads nothing fails, cookies stay consistent, no more connections
are opened than the pool holds and all of them are back in the pool afterwards; and that
``build_opener().open(url)`` in a loop uses one connection, over HTTP and HTTPS.
"""

import ssl
import threading
import urllib.request
from http.cookiejar import CookieJar

import requests_urllib_compat.request as compat
from requests_urllib_compat._transport import default_https_context, shared_adapter

from ..support.servers import Reply

THREADS = 8
REQUESTS_PER_THREAD = 500


def _pool(adapter, server):
    """The one urllib3 pool of ``adapter`` that holds connections to ``server``."""
    manager = adapter.poolmanager
    keys = manager.pools.keys()  # (RecentlyUsedContainer cannot be iterated)
    pools = [manager.pools[key] for key in keys if key.key_port == server.port]
    assert len(pools) == 1
    return pools[0]


def _idle(pool):
    """Connections sitting in the pool (a LifoQueue of connections and None placeholders)."""
    return [c for c in list(pool.pool.queue) if c is not None]


def test_one_opener_shared_by_threads(server):
    def route(rec, handler):
        thread = rec.target.split("/")[1]  # /t<i>/<n>
        return Reply(200, [("Set-Cookie", f"t={thread[1:]}; Path=/{thread}")], rec.target.encode())

    server.route("*", route)
    server.route("/global", Reply(200, [("Set-Cookie", "g=1; Path=/")]))
    jar = CookieJar()
    opener = compat.build_opener(compat.HTTPCookieProcessor(jar))
    with opener.open(server.url("/global")) as r:
        r.read()
    errors = []
    start = threading.Barrier(THREADS)

    def worker(i):
        try:
            start.wait()
            for n in range(REQUESTS_PER_THREAD):
                path = f"/t{i}/{n}"
                with opener.open(server.url(path)) as response:
                    assert response.read() == path.encode()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(server.received) == 1 + THREADS * REQUESTS_PER_THREAD

    # Cookies: each thread's requests carried the global cookie, then also its own one (and
    # never another thread's); the jar holds exactly one cookie per thread plus the global one.
    for i in range(THREADS):
        sent = [r.header("Cookie") for r in server.received if r.target.startswith(f"/t{i}/")]
        assert sent[0] == "g=1" and set(sent[1:]) == {f"t={i}; g=1"}
    assert sorted((c.name, c.value, c.path) for c in jar) == sorted(
        [("g", "1", "/")] + [("t", str(i), f"/t{i}") for i in range(THREADS)]
    )

    # Connections: never more than the pool holds, and all of them idle in the pool now.
    pool = _pool(shared_adapter(None), server)
    assert server.connections <= THREADS <= pool.pool.maxsize
    assert pool.num_connections == server.connections
    assert pool.pool.qsize() == pool.pool.maxsize
    assert len(_idle(pool)) == server.connections


def _get(opener, url):
    with opener.open(url) as r:
        return r.read()


def test_build_opener_per_request_reuses_one_connection(server):
    for n in range(20):
        assert _get(compat.build_opener(), server.url(f"/{n}")) == f"hello /{n}".encode()
    assert server.connections == 1
    for n in range(5):  # the module-level urlopen and explicit stdlib handlers share it too
        with compat.urlopen(server.url(f"/u{n}")) as r:
            r.read()
        _get(compat.build_opener(urllib.request.HTTPHandler()), server.url(f"/h{n}"))
    assert server.connections == 1


def test_build_opener_per_request_https_default_context(tls_server, ca_file, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)  # the stdlib default context trusts the CA
    for n in range(20):
        assert _get(compat.build_opener(), tls_server.url(f"/{n}")) == f"hello /{n}".encode()
    assert tls_server.connections == 1
    pool = _pool(shared_adapter(default_https_context()), tls_server)
    assert pool.num_connections == 1 and len(_idle(pool)) == 1


def test_build_opener_per_request_https_one_context(tls_server, client_context):
    for n in range(10):
        _get(
            compat.build_opener(compat.HTTPSHandler(context=client_context)),
            tls_server.url(f"/a{n}"),
        )
        _get(
            compat.build_opener(urllib.request.HTTPSHandler(context=client_context)),
            tls_server.url(f"/b{n}"),
        )
        with compat.urlopen(tls_server.url(f"/c{n}"), context=client_context) as r:
            r.read()
    assert tls_server.connections == 1


def test_different_contexts_never_share_a_connection(tls_server, ca_file):
    first = ssl.create_default_context(cafile=ca_file)
    second = ssl.create_default_context(cafile=ca_file)
    for _ in range(3):
        _get(compat.build_opener(compat.HTTPSHandler(context=first)), tls_server.url("/1"))
        _get(compat.build_opener(compat.HTTPSHandler(context=second)), tls_server.url("/2"))
    assert tls_server.connections == 2
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    _get(compat.build_opener(compat.HTTPSHandler(context=unverified)), tls_server.url("/3"))
    assert tls_server.connections == 3
