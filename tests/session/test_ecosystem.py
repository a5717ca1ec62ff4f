"""requests' ecosystem sees urllib traffic: each tool on each path (default, ``session=``,
``install(session=)``), against loopback servers; and the precedence table of
docs/ecosystem.md, row by row."""

from __future__ import annotations

import http.cookiejar
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import requests_cache
import requests_mock
import responses
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.urllib import URLLibInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import requests_urllib_compat as compat
from requests_urllib_compat import _transport as transport

from ..support.auth_server import basic, digest
from ..support.servers import Received, RecordingServer, Reply

try:
    import vcr
except ImportError:  # Python 3.9: vcrpy there needs urllib3 < 2 (pyproject's test extra)
    vcr = None

_VCR_MARKS = [pytest.mark.skipif(vcr is None, reason="vcrpy is not installable with urllib3 2")]
if vcr is not None and int(vcr.__version__.split(".")[0]) < 9:
    # vcrpy 8 (the last for Python 3.10) leaves the real connection of a recorded exchange to
    # the garbage collector when its cassette exits (vcrpy issue #710; 9 closes it): its
    # ResourceWarning comes from vcrpy's stub, not from this package.
    _VCR_MARKS.append(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


def needs_vcr(test: Callable[..., None]) -> Callable[..., None]:
    """vcrpy installed (not on 3.9), and its own leak forgiven where it has one."""
    for mark in _VCR_MARKS:
        test = mark(test)
    return test


PATHS = ["default", "session", "install"]


def opener_for(path: str, session: requests.Session | None = None) -> Callable[..., Any]:
    """``open(url_or_request)`` as legacy code would call it on one of the three paths."""
    if path == "default":
        return compat.urlopen
    if path == "session":
        return compat.build_opener(session=session or requests.Session()).open
    return urllib.request.urlopen  # under install(session=...), see the fixture below


class Via:
    """Opens a URL on one path (``via.path``)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return opener_for(self.path, self.session)(*args, **kwargs)

    session: requests.Session | None = None


@pytest.fixture
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    """Parametrised by ``path``: a function opening a URL on that path."""
    made = Via(request.param)
    if made.path == "install":
        compat.install(session=requests.Session())
        try:
            yield made
        finally:
            compat.uninstall()
    else:
        yield made


def read(open_: Callable[..., Any], url: Any, **kwargs: Any) -> bytes:
    with open_(url, **kwargs) as response:
        return bytes(response.read())


# -- tools that patch requests globally ------------------------------------------------------


@pytest.mark.parametrize("via", PATHS, indirect=True)
def test_requests_mock_answers(via: Via, server: RecordingServer) -> None:
    url = server.url("/mocked")
    with requests_mock.Mocker() as mocker:
        mocker.get(url, text="from the mock", headers={"X-Mock": "1"})
        with via(url) as response:
            assert response.read() == b"from the mock"
            assert response.headers["X-Mock"] == "1"
        with pytest.raises(requests_mock.exceptions.NoMockAddress):  # as for requests.get
            via(server.url("/other"))
    assert server.received == []  # the server was never hit


def test_requests_mock_real_http_and_errors(server: RecordingServer) -> None:
    server.route("/gone", Reply(404, body=b"nope"))
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.get(server.url("/mocked"), status_code=500, text="mocked failure")
        with pytest.raises(urllib.error.HTTPError) as caught:
            compat.urlopen(server.url("/mocked"))
        assert caught.value.code == 500 and caught.value.read() == b"mocked failure"
        assert read(compat.urlopen, server.url("/real")) == b"hello /real"
    assert [r.target for r in server.received] == ["/real"]


def test_requests_mock_of_one_session(server: RecordingServer) -> None:
    session = requests.Session()
    with requests_mock.Mocker(session=session) as mocker:
        mocker.get(server.url("/a"), text="mocked")
        assert read(compat.build_opener(session=session).open, server.url("/a")) == b"mocked"
        assert read(compat.urlopen, server.url("/a")) == b"hello /a"  # other paths: real
    assert len(server.received) == 1


@pytest.fixture
def memory_cache() -> Iterator[None]:
    requests_cache.install_cache(backend=requests_cache.backends.BaseCache())
    try:
        yield
    finally:
        requests_cache.uninstall_cache()


@pytest.mark.parametrize("path", ["default", "install"])
def test_install_cache_answers_the_second_get(
    memory_cache: None, path: str, server: RecordingServer
) -> None:
    if path == "install":  # install(session=) with a Session made while the cache is on
        compat.install(session=requests.Session())
    try:
        url = server.url("/cached")
        assert (
            read(urllib.request.urlopen if path == "install" else compat.urlopen, url)
            == b"hello /cached"
        )
        again = (urllib.request.urlopen if path == "install" else compat.urlopen)(url)
        assert again.read() == b"hello /cached" and again.status == 200
        assert again.headers["Content-Type"] == "text/plain"
        again.close()
    finally:
        compat.uninstall()
    assert len(server.received) == 1


def test_uninstall_cache_hits_the_server_again(server: RecordingServer) -> None:
    url = server.url("/")
    with requests_cache.enabled(backend=requests_cache.backends.BaseCache()):
        read(compat.urlopen, url)
        read(compat.urlopen, url)
    read(compat.urlopen, url)
    assert len(server.received) == 2


def test_install_cache_on_disk(tmp_path: Path, server: RecordingServer) -> None:
    """The default backend serialises requests and responses (and holds a database
    connection, closed when the cache is uninstalled and the class changes back)."""
    url = server.url("/disk")
    requests_cache.install_cache(str(tmp_path / "cache"))
    try:
        assert read(compat.urlopen, url) == read(compat.urlopen, url) == b"hello /disk"
        session_opener = compat.build_opener(
            session=requests_cache.CachedSession(str(tmp_path / "other"))
        )
        assert read(session_opener.open, url) == read(session_opener.open, url)
        session_opener.session.close()
    finally:
        requests_cache.uninstall_cache()
    read(compat.urlopen, url)
    assert len(server.received) == 3


def test_cached_session_given(server: RecordingServer) -> None:
    session = requests_cache.CachedSession(backend=requests_cache.backends.BaseCache())
    opener = compat.build_opener(session=session)
    assert read(opener.open, server.url("/x")) == read(opener.open, server.url("/x"))
    assert len(server.received) == 1
    assert opener.session is session


@needs_vcr
@pytest.mark.parametrize("via", PATHS, indirect=True)
@pytest.mark.parametrize("tls", [False, True])
def test_vcr_records_then_replays(
    via: Via,
    tls: bool,
    tmp_path: Path,
    server: RecordingServer,
    tls_server: RecordingServer,
    ca_file: str,
) -> None:
    origin = tls_server if tls else server
    kwargs: dict[str, Any] = {}
    if tls and via.path == "default":
        kwargs["context"] = ssl.create_default_context(cafile=ca_file)
    elif tls:  # the session's trust: see test_tls_is_the_sessions
        via.session = requests.Session()
        via.session.verify = ca_file
        if via.path == "install":
            compat.install(session=via.session)
    url = origin.url("/tape")
    read(via, url, **kwargs)  # a pooled connection from before the cassette: not used by it
    cassette = str(tmp_path / "tape.yaml")
    with vcr.use_cassette(cassette):
        assert read(via, url, **kwargs) == b"hello /tape"
    origin.route("/tape", Reply(body=b"changed"))
    with vcr.use_cassette(cassette, record_mode="none"):
        assert read(via, url, **kwargs) == b"hello /tape"  # replayed, not sent
    assert len(origin.received) == 2
    assert read(via, url, **kwargs) == b"changed"  # after the cassette: the server again


@needs_vcr
def test_vcr_replay_of_a_session_over_https(
    tmp_path: Path, tls_server: RecordingServer, ca_file: str
) -> None:
    session = requests.Session()
    session.verify = ca_file
    open_ = compat.build_opener(session=session).open
    cassette = str(tmp_path / "tape.yaml")
    with vcr.use_cassette(cassette):
        read(open_, tls_server.url("/s"))
    tls_server.stop()
    with vcr.use_cassette(cassette, record_mode="none"):
        assert read(open_, tls_server.url("/s")) == b"hello /s"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    RequestsInstrumentor().instrument(tracer_provider=provider)
    try:
        yield exporter
    finally:
        RequestsInstrumentor().uninstrument()


@pytest.mark.parametrize("via", PATHS, indirect=True)
def test_requests_instrumentor_traces_each_hop(
    via: Via, spans: InMemorySpanExporter, server: RecordingServer
) -> None:
    server.route("/moved", Reply(302, [("Location", "/here")]))
    assert read(via, server.url("/moved")) == b"hello /here"
    finished = spans.get_finished_spans()
    assert [s.name for s in finished] == ["GET", "GET"]  # the redirect and its next hop
    assert [s.attributes.get("http.status_code") for s in finished] == [302, 200]
    assert all(r.header("traceparent") for r in server.received)


def test_urllib_instrumentor_keeps_working(server: RecordingServer) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    URLLibInstrumentor().instrument(tracer_provider=provider)
    RequestsInstrumentor().instrument(tracer_provider=provider)  # both on: one span a call
    try:
        assert read(compat.urlopen, server.url("/t")) == b"hello /t"
        opener = compat.build_opener(session=requests.Session())
        assert read(opener.open, server.url("/u"), data=b"x") == b"hello /u"
        with compat.patched(session=requests.Session()):
            assert read(urllib.request.urlopen, server.url("/v")) == b"hello /v"
    finally:
        URLLibInstrumentor().uninstrument()
        RequestsInstrumentor().uninstrument()
    finished = exporter.get_finished_spans()
    assert len(finished) == 3
    assert finished[0].attributes.get("http.status_code") == 200
    assert all(r.header("traceparent") for r in server.received)


@pytest.mark.parametrize("via", ["session", "install"], indirect=True)
def test_responses_on_session_paths(via: Via) -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, "http://example.invalid/r", body=b"from responses")
        assert read(via, "http://example.invalid/r") == b"from responses"


# -- bring your own Session: the precedence table ----------------------------------------------


def session_open(session: requests.Session, *handlers: Any) -> Callable[..., Any]:
    return compat.build_opener(*handlers, session=session).open


def test_session_headers_and_urllib_headers(server: RecordingServer) -> None:
    session = requests.Session()
    session.headers["X-Api-Key"] = "k"
    session.headers["X-Both"] = "session"
    request = urllib.request.Request(server.url("/"), headers={"X-Both": "urllib"})
    read(session_open(session), request)
    (rec,) = server.received
    assert rec.header("X-Api-Key") == "k"
    assert rec.header("X-Both") == "urllib"  # the urllib request's header wins
    assert rec.header("User-Agent").startswith("Python-urllib/")  # urllib's, not requests'
    assert rec.header("Accept") is None  # requests' default headers are not sent
    assert rec.header("Accept-Encoding") == "identity"


def test_session_changed_default_header_is_sent(server: RecordingServer) -> None:
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    read(session_open(session), server.url("/"))
    assert server.received[0].header("Accept") == "application/json"


def test_session_params_are_added_to_the_query(server: RecordingServer) -> None:
    session = requests.Session()
    session.params = {"api_key": "k 1"}
    read(session_open(session), server.url("/p?a=1"))
    assert server.received[0].target == "/p?a=1&api_key=k+1"


def test_session_cookies_and_cookie_processor(server: RecordingServer) -> None:
    server.route("/set", Reply(headers=[("Set-Cookie", "from_server=1; Path=/")]))
    session = requests.Session()
    session.cookies.set("mine", "s", domain="127.0.0.1", path="/")
    read(session_open(session), server.url("/set"))
    assert server.received[-1].header("Cookie") == "mine=s"
    assert session.cookies.get("from_server") == "1"  # stored by the session, as requests does
    jar = http.cookiejar.CookieJar()
    read(session_open(session, urllib.request.HTTPCookieProcessor(jar)), server.url("/set"))
    # urllib's processor had nothing yet: the session's jar supplied the Cookie header
    assert "from_server=1" in server.received[-1].header("Cookie")
    read(session_open(session, urllib.request.HTTPCookieProcessor(jar)), server.url("/a"))
    assert server.received[-1].header("Cookie") == "from_server=1"  # the processor's header


def test_session_auth_is_applied(server: RecordingServer) -> None:
    server.route("/private", basic("r", "user", "pw"))
    session = requests.Session()
    session.auth = ("user", "pw")
    assert read(session_open(session), server.url("/private")) == b"welcome"
    assert len(server.received) == 1


def test_session_auth_plugin_answers_the_challenge(server: RecordingServer) -> None:
    server.route("/digest", digest("r", "user", "pw"))
    session = requests.Session()
    session.auth = requests.auth.HTTPDigestAuth("user", "pw")
    assert read(session_open(session), server.url("/digest")) == b"welcome"
    assert [r.header("Authorization") is None for r in server.received] == [True, False]


def test_urllib_auth_handler_with_session(server: RecordingServer) -> None:
    server.route("/private", basic("r", "user", "pw"))
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, server.url("/"), "user", "pw")
    open_ = session_open(requests.Session(), urllib.request.HTTPBasicAuthHandler(manager))
    assert read(open_, server.url("/private")) == b"welcome"
    assert len(server.received) == 2  # urllib answered the 401


def test_session_hooks_see_each_hop(server: RecordingServer) -> None:
    server.route("/moved", Reply(301, [("Location", "/here")]))
    seen: list[int] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.status_code))
    assert read(session_open(session), server.url("/moved")) == b"hello /here"
    assert seen == [301, 200]


def test_redirects_are_urllibs(server: RecordingServer) -> None:
    server.route("/moved", Reply(307, [("Location", "/here")], b"temporarily elsewhere"))
    session = requests.Session()
    session.max_redirects = 1
    with pytest.raises(urllib.error.HTTPError) as caught:  # urllib does not redirect a POST
        session_open(session)(server.url("/moved"), b"data")
    assert caught.value.code == 307
    assert caught.value.read() == b"temporarily elsewhere"  # the body is still readable
    caught.value.close()
    server.route("/loop", Reply(302, [("Location", "/loop2")]))
    server.route("/loop2", Reply(302, [("Location", "/done")]))
    assert read(session_open(session), server.url("/loop")) == b"hello /done"  # urllib's limit
    session.max_redirects = 0
    assert read(session_open(session), server.url("/loop")) == b"hello /done"


def test_http_error_and_url_error(server: RecordingServer) -> None:
    server.route("/missing", Reply(404, body=b"not here"))
    open_ = session_open(requests.Session())
    with pytest.raises(urllib.error.HTTPError) as caught:
        open_(server.url("/missing"))
    assert caught.value.code == 404 and caught.value.read() == b"not here"
    caught.value.close()
    with pytest.raises(urllib.error.URLError) as refused:
        open_("http://127.0.0.1:9/")
    assert isinstance(refused.value.reason, OSError)


def flaky(failures: int) -> Callable[[Received, Any], Reply]:
    count = [0]

    def route(rec: Received, handler: Any) -> Reply:
        count[0] += 1
        if count[0] <= failures:
            return Reply(503, body=b"busy")
        return Reply(body=b"done")

    return route


def test_session_retry_adapter(server: RecordingServer) -> None:
    server.route("/flaky", flaky(2))
    session = requests.Session()
    session.mount(
        "http://",
        HTTPAdapter(
            max_retries=Retry(
                total=3, status_forcelist=[503], backoff_factor=0, raise_on_status=False
            )
        ),
    )
    assert read(session_open(session), server.url("/flaky")) == b"done"
    assert len(server.received) == 3
    server.route("/down", Reply(503, body=b"busy"))
    with pytest.raises(urllib.error.HTTPError) as caught:  # retries exhausted: the last answer
        session_open(session)(server.url("/down"))
    assert caught.value.code == 503 and caught.value.read() == b"busy"
    caught.value.close()
    session.mount(
        "http://", HTTPAdapter(max_retries=Retry(total=1, status_forcelist=[503], backoff_factor=0))
    )  # raise_on_status=True
    with pytest.raises(urllib.error.URLError) as gave_up:
        session_open(session)(server.url("/down"))
    assert "503" in str(gave_up.value.reason)
    session.close()


def test_tls_is_the_sessions(tls_server: RecordingServer, ca_file: str) -> None:
    session = requests.Session()
    with pytest.raises(urllib.error.URLError) as caught:  # requests' trust (certifi)
        session_open(session)(tls_server.url("/"))
    assert isinstance(caught.value.reason, ssl.SSLError)
    session.verify = ca_file
    assert read(session_open(session), tls_server.url("/")) == b"hello /"
    # context= goes to this package's transport only: the session's adapter ignores it
    unverified = ssl._create_unverified_context()
    opener = compat.build_opener(compat.HTTPSHandler(context=unverified), session=session)
    assert read(opener.open, tls_server.url("/")) == b"hello /"
    session.close()


def test_session_proxies_and_proxy_handler(server: RecordingServer) -> None:
    proxy = RecordingServer().start()
    try:
        session = requests.Session()
        session.proxies = {"http": proxy.origin}
        no_proxy_handler = urllib.request.ProxyHandler({})
        read(session_open(session, no_proxy_handler), "http://example.invalid/p")
        assert proxy.received[-1].target == "http://example.invalid/p"  # the session's proxy
        handler = urllib.request.ProxyHandler({"http": server.origin})
        read(session_open(session, handler), "http://example.invalid/q")
        assert server.received[-1].target == "http://example.invalid/q"  # urllib's proxy wins
        assert len(proxy.received) == 1
        session.close()
    finally:
        transport.close_shared_pools()
        proxy.stop()


def test_no_environment_on_the_default_path(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, spans: Any
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    read(compat.urlopen, server.url("/"))  # through a Session (instrumented): still no .netrc
    assert server.received[0].header("Authorization") is None


# -- install(session=), patched(session=) ------------------------------------------------------


def test_install_session_reaches_third_party_code(server: RecordingServer) -> None:
    session = requests.Session()
    session.headers["X-Through"] = "session"
    compat.install(session=session)
    try:
        read(urllib.request.urlopen, server.url("/1"))
        read(urllib.request.build_opener().open, server.url("/2"))  # built while installed
        assert compat.build_opener().session is session
    finally:
        compat.uninstall()
    read(compat.urlopen, server.url("/3"))
    assert [r.header("X-Through") for r in server.received] == ["session", "session", None]


def test_patched_session_nests(server: RecordingServer) -> None:
    outer, inner = requests.Session(), requests.Session()
    outer.headers["X-S"] = "outer"
    inner.headers["X-S"] = "inner"
    with compat.patched(session=outer):
        read(urllib.request.urlopen, server.url("/"))
        with compat.patched(session=inner):
            read(urllib.request.urlopen, server.url("/"))
            with compat.patched():
                read(urllib.request.urlopen, server.url("/"))
        read(urllib.request.urlopen, server.url("/"))
    read(compat.urlopen, server.url("/"))
    assert [r.header("X-S") for r in server.received] == ["outer", "inner", "inner", "outer", None]


# -- opener.session's adapters, pools and retries of the default path -------------------------


class CountingAdapter(HTTPAdapter):
    sent = 0

    def send(self, *args: Any, **kwargs: Any) -> requests.Response:
        CountingAdapter.sent += 1
        return super().send(*args, **kwargs)


def test_adapter_mounted_on_opener_session_is_used(server: RecordingServer) -> None:
    opener = compat.build_opener()
    opener.session.mount("http://", CountingAdapter())
    CountingAdapter.sent = 0
    assert read(opener.open, server.url("/m")) == b"hello /m"
    assert CountingAdapter.sent == 1
    opener.session.close()
    opener.close()


@pytest.fixture
def configured() -> Iterator[Callable[..., None]]:
    yield compat.configure
    compat.configure()


def test_configure_retry_on_the_default_path(
    configured: Callable[..., None], server: RecordingServer
) -> None:
    server.route("/flaky", flaky(1))
    with pytest.raises(urllib.error.HTTPError) as caught:  # the default: no retry
        compat.urlopen(server.url("/flaky"))
    caught.value.close()
    server.route("/flaky", flaky(1))
    configured(
        max_retries=Retry(total=2, status_forcelist=[503], backoff_factor=0, raise_on_status=False)
    )
    assert read(compat.urlopen, server.url("/flaky")) == b"done"


def test_configure_pool_size(configured: Callable[..., None]) -> None:
    configured(pool_maxsize=32, pool_block=True)
    adapter = transport.shared_adapter(None)
    sizes: Any = adapter
    assert (sizes._pool_maxsize, sizes._pool_block) == (32, True)
    with pytest.raises(ValueError):
        configured(pool_maxsize=0)


@needs_vcr
@pytest.mark.parametrize("recorder", ["stdlib", "compat"])
def test_cassettes_are_shared_with_stdlib_urllib(
    recorder: str, tmp_path: Path, server: RecordingServer
) -> None:
    stdlib_open = urllib.request.urlopen  # (not swapped in this test)
    record, replay = (
        (stdlib_open, compat.urlopen) if recorder == "stdlib" else (compat.urlopen, stdlib_open)
    )
    cassette = str(tmp_path / "tape.yaml")
    with vcr.use_cassette(cassette):
        assert read(record, server.url("/shared?q=1")) == b"hello /shared?q=1"
    with vcr.use_cassette(cassette, record_mode="none"):
        assert read(replay, server.url("/shared?q=1")) == b"hello /shared?q=1"
    assert len(server.received) == 1


def test_session_auth_replaces_urllibs_authorization(server: RecordingServer) -> None:
    server.route("/private", basic("r", "user", "pw"))
    session = requests.Session()
    session.auth = ("user", "pw")
    request = urllib.request.Request(
        server.url("/private"), headers={"Authorization": "Bearer stale"}
    )
    assert read(session_open(session), request) == b"welcome"
    assert server.received[0].header("Authorization").startswith("Basic ")


def test_session_path_reads_no_environment(
    server: RecordingServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # urllib's ProxyHandler reads it,
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # and bypasses it for this host
    session = requests.Session()
    assert session.trust_env
    read(session_open(session), server.url("/"))
    assert server.received[0].header("Authorization") is None


def test_configured_pool_keeps_32_threads_connections(
    configured: Callable[..., None], server: RecordingServer, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    configured(pool_maxsize=32)
    barrier = threading.Barrier(32)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(3):
                barrier.wait(timeout=10)
                assert read(compat.urlopen, server.url("/t")) == b"hello /t"
        except BaseException as exc:  # reported below
            errors.append(exc)

    with caplog.at_level("WARNING", logger="urllib3.connectionpool"):
        threads = [threading.Thread(target=worker) for _ in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert "Connection pool is full" not in caplog.text
    assert server.connections <= 32


def test_any_patch_of_session_send_sees_the_default_path_wire_unchanged(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No tool is special: a wrapper of ``Session.send`` sees each hop, and what reaches the
    server through it is what the unpatched transport sends."""
    server.route("/moved", Reply(302, [("Location", "/here")]))
    request = urllib.request.Request(
        server.url("/moved?a=%2f"), data=b"x=1", headers={"X-Custom": "1"}
    )
    read(compat.urlopen, request)
    unpatched = [r.comparable() for r in server.received]
    server.reset()
    seen: list[str] = []
    original = requests.sessions.Session.send

    def send(self: requests.Session, prepared: requests.PreparedRequest, **kwargs: Any) -> Any:
        seen.append(f"{prepared.method} {prepared.url}")
        assert kwargs["allow_redirects"] is False and kwargs["stream"] is True
        return original(self, prepared, **kwargs)

    monkeypatch.setattr(requests.sessions.Session, "send", send)
    read(compat.urlopen, request)
    assert seen == [f"POST {server.url('/moved?a=%2f')}", f"GET {server.url('/here')}"]
    assert [r.comparable() for r in server.received] == unpatched


@pytest.mark.parametrize("writer", ["compat adapter", "plain adapter"])
def test_text_file_body_through_a_session_is_latin1(server: RecordingServer, writer: str) -> None:
    """A text file body goes out ISO-8859-1 encoded, as http.client sends it, whichever adapter
    of the caller's Session writes it (urllib3 alone would send UTF-8); beyond Latin-1 it raises
    urllib's UnicodeEncodeError."""
    import io

    session = requests.Session()
    if writer == "plain adapter":
        session.mount("http://", HTTPAdapter())
    opener = compat.build_opener(session=session)
    with opener.open(compat.Request(server.url("/t"), data=io.StringIO("caf\u00e9"))) as r:
        r.read()
    assert server.received[-1].body == b"caf\xe9"
    with pytest.raises(UnicodeEncodeError):
        opener.open(compat.Request(server.url("/t"), data=io.StringIO("\u043f")))
    session.close()
