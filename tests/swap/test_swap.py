"""The swap: ``urllib.request`` rebound to this package for code that cannot be edited."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from typing import Any

import pytest

import requests_urllib_compat as compat
import requests_urllib_compat._director as compat_opener
import requests_urllib_compat.request as compat_request
from requests_urllib_compat._transport import HTTPHandler
from requests_urllib_compat.swap import ORIGINALS, REPLACEMENTS

from ..support import legacy_app
from ..support.servers import Received, RecordingServer, Reply

STDLIB: dict[str, Any] = dict(vars(urllib.request))  # as collected: before any swap


@pytest.fixture(autouse=True)
def _always_restored() -> Iterator[None]:
    """Whatever a test does, the next one starts (and this one ends) with the stdlib."""
    yield
    compat.uninstall()
    assert not compat.is_installed()
    _assert_stdlib()


def _assert_stdlib() -> None:
    for name, value in STDLIB.items():
        if name != "_opener":
            assert vars(urllib.request)[name] is value, name


def _assert_ours() -> None:
    for name, ours in REPLACEMENTS.items():
        assert getattr(urllib.request, name) is ours, name


def _via_us(rec: Received) -> bool:
    """urllib sends ``Connection: close`` on every request; our pooled transport never does."""
    return rec.header("Connection") is None


def test_replaces_what_the_package_implements() -> None:
    assert set(REPLACEMENTS) >= {
        "urlopen",
        "build_opener",
        "install_opener",
        "OpenerDirector",
        "HTTPHandler",
        "HTTPSHandler",
        "AbstractHTTPHandler",
    }
    for name, ours in REPLACEMENTS.items():
        assert ours is getattr(compat_request, name)
        assert ORIGINALS[name] is STDLIB[name]
    # Everything else already is the stdlib object in our package: nothing to swap.
    assert compat_request.Request is urllib.request.Request
    assert compat_request.HTTPCookieProcessor is urllib.request.HTTPCookieProcessor


def test_install_uninstall_restore_the_exact_objects() -> None:
    compat.install()
    assert compat.is_installed()
    _assert_ours()
    compat.install()  # idempotent
    _assert_ours()
    compat.uninstall()
    assert not compat.is_installed()
    _assert_stdlib()
    compat.uninstall()  # idempotent
    _assert_stdlib()


def test_uninstall_leaves_a_name_someone_rebound_since() -> None:
    compat.install()

    def mine(*args: Any, **kwargs: Any) -> None:
        return None

    urllib.request.urlopen = mine
    try:
        compat.uninstall()
        assert urllib.request.urlopen is mine
        assert urllib.request.build_opener is STDLIB["build_opener"]
    finally:
        urllib.request.urlopen = STDLIB["urlopen"]


def test_names_imported_after_install_are_ours(server: RecordingServer) -> None:
    with compat.patched():
        from urllib.request import Request, build_opener, urlopen

        assert urlopen is compat.urlopen
        assert build_opener is compat.build_opener
        with urlopen(Request(server.url("/a"))) as response:
            assert isinstance(response, compat.response.HTTPResponse)
            assert response.read() == b"hello /a"
        opener = build_opener()
        assert isinstance(opener, compat_opener.OpenerDirector)
        with opener.open(server.url("/b")) as response:
            response.read()
    assert all(_via_us(rec) for rec in server.received)
    assert server.connections == 1  # the second request reused the first one's connection


def test_late_lookups_and_early_bound_stdlib_urlopen(server: RecordingServer) -> None:
    with compat.patched():
        assert legacy_app.fetch_late(server.url("/late")) == (200, b"hello /late")
        assert _via_us(server.received[-1])
        assert legacy_app.fetch_early(server.url("/early")) == (200, b"hello /early")
    # The documented limit: the stdlib urlopen bound at import builds its opener with the
    # swapped build_opener (the stdlib looks names up in its globals), so it went through us
    # as well; but the function object the module holds is still the stdlib's.
    assert legacy_app.urlopen is STDLIB["urlopen"]
    assert _via_us(server.received[-1])


def test_handler_classes_and_opener_director(server: RecordingServer) -> None:
    with compat.patched():
        opener = urllib.request.OpenerDirector()
        opener.add_handler(urllib.request.HTTPHandler())
        opener.add_handler(urllib.request.HTTPDefaultErrorHandler())
        opener.add_handler(urllib.request.HTTPErrorProcessor())
        assert isinstance(opener, compat_opener.OpenerDirector)
        with opener.open(server.url("/director")) as response:
            assert response.read() == b"hello /director"

        class LegacyHandler(urllib.request.HTTPHandler):  # defined under the swap
            def http_request(self, req: Any) -> Any:
                req.add_unredirected_header("X-Legacy", "1")
                return super().http_request(req)

        opener = urllib.request.build_opener(LegacyHandler)
        with opener.open(server.url("/subclass")) as response:
            response.read()
    assert server.received[-1].header("X-Legacy") == "1"
    assert all(_via_us(rec) for rec in server.received)


def test_stdlib_handler_objects_made_before_the_swap_send_through_us(
    tls_server: RecordingServer, client_context: Any
) -> None:
    stdlib_https = STDLIB["HTTPSHandler"](context=client_context)
    stdlib_http = STDLIB["HTTPHandler"]()
    with compat.patched():
        opener = urllib.request.build_opener(stdlib_https, stdlib_http)
        assert isinstance(opener, compat_opener.OpenerDirector)
        transports = [
            h
            for h in opener.handlers
            if isinstance(h, (STDLIB["HTTPSHandler"], STDLIB["HTTPHandler"]))
        ]
        assert sorted(map(id, transports)) == sorted([id(stdlib_https), id(stdlib_http)])
        with opener.open(tls_server.url("/tls")) as response:
            assert response.read() == b"hello /tls"
        session = opener.session  # the stdlib HTTPS handler's context is the Session's too
        with session.get(tls_server.url("/session")) as response:
            assert response.content == b"hello /session"
    assert [rec.target for rec in tls_server.received] == ["/tls", "/session"]
    assert all(_via_us(rec) for rec in tls_server.received)
    assert tls_server.connections == 1


def test_stdlib_functions_bound_earlier_run_without_recursion(server: RecordingServer) -> None:
    """The stdlib's own ``build_opener``/``urlopen`` look names up in ``urllib.request``'s
    globals: under the swap they build our opener, and ours never calls back into them."""
    with compat.patched():
        opener = STDLIB["build_opener"]()
        assert isinstance(opener, compat_opener.OpenerDirector)
        assert [type(h) for h in opener.handlers].count(HTTPHandler) == 1
        with opener.open(server.url("/stdlib-build")) as response:
            response.read()
        with STDLIB["urlopen"](server.url("/stdlib-urlopen")) as response:
            assert response.read() == b"hello /stdlib-urlopen"
        # The stdlib urlopen cached our opener in urllib.request._opener ...
        assert isinstance(vars(urllib.request)["_opener"], compat_opener.OpenerDirector)
        handler = STDLIB["HTTPSHandler"]()  # stdlib __init__ calls AbstractHTTPHandler.__init__
        assert type(handler) is STDLIB["HTTPSHandler"]
        assert handler._debuglevel == 0  # (3.12+ also builds a context here: not checked)
    # ... and uninstall forgot it: the stdlib urlopen builds a stdlib opener again.
    assert vars(urllib.request)["_opener"] is None
    with urllib.request.urlopen(server.url("/after")) as response:
        response.read()
    assert server.received[-1].header("Connection") == "close"
    assert all(_via_us(rec) for rec in server.received[:-1])


def test_openers_installed_under_the_swap_are_uninstalled_with_it(server: RecordingServer) -> None:
    with compat.patched():
        urllib.request.install_opener(urllib.request.build_opener())
        assert compat_opener._opener is not None
    assert compat_opener._opener is None
    assert vars(urllib.request)["_opener"] is None


def test_nested_patched_blocks_and_install_inside() -> None:
    with compat.patched():
        with compat.patched():
            _assert_ours()
        _assert_ours()  # the outer block still wants it
        compat.install()
    _assert_ours()  # install() inside a block outlives the block
    with compat.patched():
        compat.uninstall()
        _assert_ours()  # the block still wants it
    _assert_stdlib()


def test_patched_as_decorator_and_on_error() -> None:
    @compat.patched()
    def inside() -> Any:
        return urllib.request.urlopen

    assert inside() is compat.urlopen
    _assert_stdlib()
    with pytest.raises(KeyError), compat.patched():
        raise KeyError("boom")
    _assert_stdlib()


def test_thread_safe_overlapping_blocks() -> None:
    barrier = threading.Barrier(8)
    seen: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                with compat.patched():
                    barrier.wait(5)
                    seen.append(urllib.request.urlopen is compat.urlopen)
                    barrier.wait(5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(seen) == 160 and all(seen)
    _assert_stdlib()


def test_patch_module_rebinds_early_names_and_uninstall_restores(server: RecordingServer) -> None:
    compat.install(modules=[legacy_app])
    assert legacy_app.urlopen is compat.urlopen
    assert legacy_app.build_opener is compat.build_opener
    assert legacy_app.HTTPHandler is HTTPHandler
    opener = legacy_app.opener_early()
    assert isinstance(opener, compat_opener.OpenerDirector)
    assert legacy_app.fetch_early(server.url("/x")) == (200, b"hello /x")
    assert _via_us(server.received[-1])
    compat.uninstall()
    assert legacy_app.urlopen is STDLIB["urlopen"]
    assert legacy_app.build_opener is STDLIB["build_opener"]
    assert legacy_app.HTTPHandler is STDLIB["HTTPHandler"]


def test_patch_module_by_name_scoped_to_a_block() -> None:
    with compat.patched(modules=["tests.support.legacy_app"]):
        assert legacy_app.urlopen is compat.urlopen
        with compat.patched() as inner:
            assert inner.patch_module(legacy_app) == []  # already ours: nothing to do
    assert legacy_app.urlopen is STDLIB["urlopen"]
    # Without install(): the module's names are rebound until uninstall().
    assert sorted(compat.patch_module(legacy_app)) == ["HTTPHandler", "build_opener", "urlopen"]
    assert not compat.is_installed()
    assert legacy_app.urlopen is compat.urlopen
    compat.uninstall()
    assert legacy_app.urlopen is STDLIB["urlopen"]
    with pytest.raises(ValueError, match="install"):
        compat.patch_module(urllib.request)


def test_cookiejar_works_under_the_swap(server: RecordingServer) -> None:
    """http.cookiejar calls urllib.request.request_host; the cookie handler is the stdlib's."""
    server.route("/set", Reply(200, [("Set-Cookie", "flavour=oat; Path=/")], b"set"))
    jar = http.cookiejar.CookieJar()
    with compat.patched():
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for path in ("/set", "/get"):
            with opener.open(server.url(path)) as response:
                response.read()
    assert [c.name for c in jar] == ["flavour"]
    assert server.received[-1].header("Cookie") == "flavour=oat"
    assert all(_via_us(rec) for rec in server.received)


def test_robotparser_reads_robots_txt_through_us(server: RecordingServer) -> None:
    robots = b"User-agent: *\nDisallow: /private/\n"
    server.route("/robots.txt", Reply(200, [("Content-Type", "text/plain")], robots))
    parser = urllib.robotparser.RobotFileParser(server.url("/robots.txt"))
    with compat.patched():
        parser.read()
    assert parser.can_fetch("bot", server.url("/public/page"))
    assert not parser.can_fetch("bot", server.url("/private/page"))
    [rec] = server.received
    assert rec.target == "/robots.txt"
    assert _via_us(rec)
    assert rec.header("User-Agent").startswith("Python-urllib/")  # type: ignore[union-attr]


def test_robotparser_401_disallows_all(server: RecordingServer) -> None:
    server.route("/robots.txt", Reply(401, [], b"no"))
    parser = urllib.robotparser.RobotFileParser(server.url("/robots.txt"))
    with compat.patched():
        parser.read()  # HTTPError from our opener, handled by the stdlib's robotparser
    assert not parser.can_fetch("bot", server.url("/anything"))
    assert _via_us(server.received[0])


def test_urlretrieve_goes_through_us(server: RecordingServer, tmp_path: Any) -> None:
    target = tmp_path / "page.txt"
    with compat.patched():
        filename, headers = urllib.request.urlretrieve(server.url("/file"), target)
    assert filename == target
    assert target.read_bytes() == b"hello /file"
    assert headers["Content-Length"] == "11"
    assert _via_us(server.received[0])


def test_handler_with_own_dir_under_the_swap(server: RecordingServer) -> None:
    """Such a handler is registered by the stdlib's own ``add_handler``, which must be the
    stdlib's even while ``urllib.request.OpenerDirector`` is ours (else: RecursionError)."""

    class Tagging(urllib.request.BaseHandler):
        def __dir__(self) -> list[str]:
            return [*super().__dir__(), "http_request"]

        def http_request(self, req: Any) -> Any:
            req.add_header("X-Tag", "dir")
            return req

    with compat.patched():
        opener = urllib.request.build_opener(Tagging())
        with opener.open(server.url("/tag")) as response:
            response.read()
    assert server.received[0].header("X-Tag") == "dir"


def test_urlcleanup_uninstalls_the_installed_opener(server: RecordingServer) -> None:
    """Legacy code resets its opener with urllib.request.urlcleanup(), under the swap too."""
    assert "urlcleanup" in REPLACEMENTS

    class Marker(urllib.request.BaseHandler):
        def http_request(self, req: Any) -> Any:
            req.add_header("X-Marker", "1")
            return req

    with compat.patched():
        urllib.request.install_opener(urllib.request.build_opener(Marker()))
        with urllib.request.urlopen(server.url("/marked")) as response:
            response.read()
        urllib.request.urlcleanup()
        with urllib.request.urlopen(server.url("/plain")) as response:
            response.read()
    assert [rec.header("X-Marker") for rec in server.received] == ["1", None]
    # The same through the package's own names, and for the stdlib's opener.
    compat.install_opener(compat.build_opener(Marker()))
    compat.urlcleanup()
    assert compat_opener._opener is None
