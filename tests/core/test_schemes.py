"""file:, data: and ftp: through the opener (differential against urllib.request) and through
``opener.session`` (the same handlers as requests transport adapters), and redirects into them.
"""

from __future__ import annotations

import gc
import os
import pathlib
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from types import ModuleType
from typing import Any, Callable

import pytest
import requests

import requests_urllib_compat.request as compat
from requests_urllib_compat.schemes import STATUS, CacheFTPHandler, FTPHandler

from ..support.differential import TIMEOUT, Outcome, assert_same, observe, urllib_follows
from ..support.ftpserver import BINARY, INNER, PASSWORD, TEXT, USER, FTPServer
from ..support.ports import free_port
from ..support.servers import RecordingServer, Reply


def snapshot(response: Any) -> dict[str, Any]:
    """What a caller can observe of urllib's ``addinfourl`` (its type, its None status, its
    ``email.message.Message`` headers), the body read and the response closed."""
    with response:
        return {
            "type": f"{type(response).__module__}.{type(response).__qualname__}",
            "status": response.status,
            "code": response.getcode(),
            "url": response.geturl(),
            "headers_type": type(response.info()).__qualname__,
            "headers": response.info().items(),
            "body": response.read(),
        }


def same_addinfourl(open_: Callable[[ModuleType], Any], *servers: RecordingServer) -> Outcome:
    """assert_same for a scenario that returns an ``addinfourl``: compared as :func:`snapshot`."""
    return assert_same(lambda u: snapshot(open_(u)), *servers).outcome


def ours_without_leaks(scenario: Callable[[ModuleType], Any]) -> Outcome:
    """Run ``scenario`` with our module; fail if it leaves a socket or file for the collector."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        outcome = observe(lambda: scenario(compat))
        gc.collect()
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, [str(w.message) for w in leaks]
    return outcome


def stdlib_outcome(scenario: Callable[[ModuleType], Any]) -> Outcome:
    """Run ``scenario`` with urllib.request; its ftp error paths leave the control connection
    to the collector (that is what our FTPHandler fixes), so its ResourceWarnings are muted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        outcome = observe(lambda: scenario(urllib.request))
        gc.collect()
    return outcome


def assert_same_ftp(scenario: Callable[[ModuleType], Any]) -> Outcome:
    ours = ours_without_leaks(scenario)
    theirs = stdlib_outcome(scenario)
    assert ours == theirs, f"\ncompat: {ours}\nstdlib: {theirs}"
    return ours


# -- file: -------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "page.html").write_bytes(b"<p>hi</p>")
    (tmp_path / "data.bin").write_bytes(bytes(range(256)))
    (tmp_path / "noext").write_bytes(b"plain")
    (tmp_path / "with space.txt").write_bytes(b"spaced")
    (tmp_path / "dir").mkdir()
    return tmp_path


@pytest.mark.parametrize("name", ["page.html", "data.bin", "noext", "with space.txt"])
@pytest.mark.parametrize(
    "form", ["file://{p}", "file://localhost{p}", "file://127.0.0.1{p}", "file:{p}"]
)
def test_file(files: pathlib.Path, name: str, form: str) -> None:
    url = form.format(p=urllib.request.pathname2url(str(files / name)))
    outcome = same_addinfourl(lambda u: u.urlopen(url))
    headers = dict(outcome.value["headers"])
    assert outcome.value["status"] is None
    assert headers["Content-length"] == str((files / name).stat().st_size)
    assert "Last-modified" in headers and "Content-type" in headers


def test_file_request_object_and_opener(files: pathlib.Path) -> None:
    url = (files / "page.html").as_uri()
    same_addinfourl(lambda u: u.build_opener().open(u.Request(url)))
    same_addinfourl(lambda u: u.build_opener(u.FileHandler()).open(url))


@pytest.mark.parametrize("where", ["dir", "missing.txt", "dir/missing"])
def test_file_errors(files: pathlib.Path, where: str) -> None:
    url = (files / where).as_uri()
    outcome = assert_same(lambda u: u.urlopen(url)).outcome
    assert outcome.error_type == "urllib.error.URLError"
    assert outcome.reason_type in {
        "builtins.IsADirectoryError",
        "builtins.FileNotFoundError",
        "builtins.NotADirectoryError",
    }


@pytest.mark.parametrize("host", ["10.0.0.1", "127.0.0.1:8080", "localhost:80"])
def test_file_not_on_local_host(files: pathlib.Path, host: str) -> None:
    url = f"file://{host}{files / 'page.html'}"
    outcome = assert_same(lambda u: u.urlopen(url)).outcome
    assert outcome.error_text == "<urlopen error file not on local host>"


# -- data: -------------------------------------------------------------------------------------

DATA_URLS = [
    "data:,A%20brief%20note",
    "data:text/plain;base64,SGVsbG8sIFdvcmxkIQ==",
    "data:text/plain;charset=utf-8,%E2%82%AC%20euro",
    "data:text/html;charset=iso-8859-1;base64,PHA+aGk8L3A+",
    "data:application/octet-stream;base64,AAEC%2F%2F8%3D",
    "data:;base64,aGk=",
    "data:image/png,",
]


@pytest.mark.parametrize("url", DATA_URLS)
def test_data(url: str) -> None:
    outcome = same_addinfourl(lambda u: u.urlopen(url))
    assert dict(outcome.value["headers"])["Content-length"] == str(len(outcome.value["body"]))


def test_data_defaults() -> None:
    with compat.urlopen("data:,hi") as r:
        assert r.info()["Content-type"] == "text/plain;charset=US-ASCII"
        assert r.info().get_content_charset() == "us-ascii"
        assert r.read() == b"hi"


@pytest.mark.parametrize("url", ["data:no-comma", "data:;base64,a", "data:text/plain;base64"])
def test_data_malformed(url: str) -> None:
    outcome = assert_same(lambda u: u.urlopen(url)).outcome
    assert outcome.kind == "error" and outcome.error_type == "builtins.ValueError"


# -- ftp: --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, body",
    [
        ("/bin.dat", BINARY),
        ("/bin.dat;type=i", BINARY),
        ("/text.txt", TEXT),
        ("/text.txt;type=a", TEXT.replace(b"\n", b"\r\n")),
        ("/text.txt;type=I", TEXT),
        ("/sub/inner.txt", INNER),
    ],
)
def test_ftp_files(ftp_server: FTPServer, path: str, body: bytes) -> None:
    outcome = assert_same_ftp(lambda u: snapshot(u.urlopen(ftp_server.url(path))))
    assert outcome.value["body"] == body
    assert outcome.value["status"] is None


@pytest.mark.parametrize("path", ["/sub/;type=d", "/sub", "/;type=D", "/"])
def test_ftp_listing(ftp_server: FTPServer, path: str) -> None:
    outcome = assert_same_ftp(lambda u: snapshot(u.urlopen(ftp_server.url(path))))
    listing = outcome.value["body"]
    assert (b"inner.txt" in listing) if path.startswith("/sub") else (b"bin.dat" in listing)


def test_ftp_credentials(ftp_server: FTPServer) -> None:
    userinfo = f"{USER}:{urllib.parse.quote(PASSWORD)}"
    outcome = assert_same_ftp(lambda u: snapshot(u.urlopen(ftp_server.url("/text.txt", userinfo))))
    assert outcome.value["body"] == TEXT


def test_ftp_content_type(ftp_server: FTPServer) -> None:
    (ftp_server.root / "page.html").write_bytes(b"<p>x</p>")
    outcome = assert_same_ftp(lambda u: snapshot(u.urlopen(ftp_server.url("/page.html"))))
    assert outcome.value["headers"] == [("Content-type", "text/html")]


@pytest.mark.parametrize(
    "path, userinfo",
    [
        ("/missing.txt", ""),
        ("/sub/missing/x.txt", ""),
        ("/bin.dat", f"{USER}:wrong"),
        ("/bin.dat", "nobody:x"),
    ],
)
def test_ftp_errors(ftp_server: FTPServer, path: str, userinfo: str) -> None:
    outcome = assert_same_ftp(lambda u: u.urlopen(ftp_server.url(path, userinfo)))
    assert outcome.error_type == "urllib.error.URLError"


def test_ftp_no_host() -> None:
    outcome = assert_same_ftp(lambda u: u.urlopen("ftp:///file.txt"))
    assert outcome.error_text == "<urlopen error ftp error: no host given>"


def assert_ftp_reason(outcome: Outcome, reason_type: str, text: str) -> None:
    """The reason of urllib's URLError for a socket failure in ``FTPHandler``: the socket's
    exception, or (Python 3.9) a string, ``"ftp error: <its repr>"``."""
    assert outcome.error_type == "urllib.error.URLError"
    if outcome.reason_type == "str":
        assert outcome.reason.startswith("ftp error: ") and text in outcome.reason
    else:
        assert outcome.reason_type == reason_type


def test_ftp_timeout(silent_server: int) -> None:
    outcome = assert_same_ftp(
        lambda u: u.urlopen(f"ftp://127.0.0.1:{silent_server}/x", timeout=0.5)
    )
    assert_ftp_reason(outcome, TIMEOUT, "timed out")


def test_ftp_refused() -> None:
    port = free_port()
    outcome = assert_same_ftp(lambda u: u.urlopen(f"ftp://127.0.0.1:{port}/x"))
    assert_ftp_reason(outcome, "builtins.ConnectionRefusedError", "Connection refused")


def test_ftp_handler_closes_failed_connection(ftp_server: FTPServer) -> None:
    made = []

    class Recording(FTPHandler):
        def connect_ftp(self, *args: Any) -> Any:
            made.append(super().connect_ftp(*args))
            return made[-1]

    opener = compat.build_opener(Recording())
    with pytest.raises(urllib.error.URLError, match="550"):
        opener.open(ftp_server.url("/missing.txt"), timeout=5)
    assert len(made) == 1 and made[0].ftp.sock is None  # closed, not left to the collector


def test_ftp_through_proxy(server: RecordingServer) -> None:
    """With an ftp proxy, urllib asks the proxy over HTTP for the ftp URL (absolute form)."""
    server.route("*", Reply(200, [("Content-Type", "text/plain")], b"via proxy"))
    outcome = assert_same(
        lambda u: u.build_opener(u.ProxyHandler({"ftp": server.origin})).open(
            "ftp://ftp.example.invalid/pub/file.txt"
        ),
        server,
    ).outcome
    assert outcome.body == b"via proxy"
    assert server.received[0].target == "ftp://ftp.example.invalid/pub/file.txt"


# -- CacheFTPHandler ---------------------------------------------------------------------------


def test_cache_ftp_reuses_connection(ftp_server: FTPServer) -> None:
    def with_handler(name: str) -> Callable[[ModuleType], list[bytes]]:
        def scenario(u: ModuleType) -> list[bytes]:
            opener = u.build_opener(getattr(u, name)())
            try:
                bodies = []
                for path in ["/text.txt", "/bin.dat", "/text.txt;type=a", "/"]:
                    with opener.open(ftp_server.url(path)) as r:
                        bodies.append(r.read())
                return bodies
            finally:
                opener.close()

        return scenario

    ours = ours_without_leaks(with_handler("CacheFTPHandler"))
    theirs = stdlib_outcome(with_handler("CacheFTPHandler"))
    if theirs.kind == "error":
        # CPython before 3.11.4 (gh-81403): the stdlib's cached connection is out of step on
        # its second download (it reads the first transfer's reply).  Ours reads what urllib
        # reads over fresh connections (a documented difference).
        assert theirs.error_type == "urllib.error.URLError" and "200 " in theirs.error_text
        assert ours == stdlib_outcome(with_handler("FTPHandler"))
    else:
        assert ours == theirs
    assert ours.kind == "value" and ours.value[:2] == [TEXT, BINARY]
    handler = CacheFTPHandler()
    opener = compat.build_opener(handler)
    for path in ["/text.txt", "/bin.dat"]:
        with opener.open(ftp_server.url(path)) as r:
            r.read()
    assert len(handler.cache) == 1  # one connection for one (user, host, port, dir)
    wrapper = next(iter(handler.cache.values()))
    handler.close()
    assert handler.cache == {} and wrapper.ftp.sock is None


def test_cache_ftp_reuses_connection_with_pre_3_11_4_stdlib(
    ftp_server: FTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the stdlib's ``ftpwrapper.endtransfer`` as it was before gh-81403 (Python 3.9,
    3.10, 3.11.0-3.11.3), urllib's handler fails on a cached connection's second download;
    ours ends each transfer and reads both files over one connection."""
    import requests_urllib_compat.schemes as schemes

    def endtransfer_before_gh_81403(self: Any) -> None:
        self.busy = 0

    monkeypatch.setattr(urllib.request.ftpwrapper, "endtransfer", endtransfer_before_gh_81403)
    monkeypatch.setattr(schemes, "STDLIB_ENDS_TRANSFERS", False)

    def scenario(u: ModuleType, handler: Any) -> list[bytes]:
        opener = u.build_opener(handler)
        bodies = []
        for path in ["/text.txt", "/bin.dat"]:
            with opener.open(ftp_server.url(path), timeout=5) as r:
                bodies.append(r.read())
        return bodies

    stdlib_handler = urllib.request.CacheFTPHandler()
    theirs = stdlib_outcome(lambda u: scenario(u, stdlib_handler))
    stdlib_handler.clear_cache()
    assert theirs.error_type == "urllib.error.URLError" and "200 " in theirs.error_text
    handler = CacheFTPHandler()
    assert ours_without_leaks(lambda u: scenario(u, handler)).value == [TEXT, BINARY]
    assert len(handler.cache) == 1
    handler.close()


def test_cache_ftp_set_max_conns(ftp_server: FTPServer) -> None:
    handler = CacheFTPHandler()
    handler.setMaxConns(3)
    opener = compat.build_opener(handler)
    first = None
    (ftp_server.root / "other").mkdir()
    (ftp_server.root / "other" / "x.txt").write_bytes(b"x")
    for path in ["/text.txt", "/sub/inner.txt", "/other/x.txt"]:
        with opener.open(ftp_server.url(path)) as r:
            r.read()
        first = first or next(iter(handler.cache.values()))
    # The connection for a third (user, host, port, dir) reached max_conns: the stdlib's rule
    # evicts the oldest entry, and ours closes its connection instead of dropping it.
    assert len(handler.cache) == 2 and first not in handler.cache.values()
    assert first is not None and first.ftp.sock is None
    opener.close()


def test_cache_ftp_set_timeout(ftp_server: FTPServer) -> None:
    handler = CacheFTPHandler()
    handler.setTimeout(0.5)
    opener = compat.build_opener(handler)
    with opener.open(ftp_server.url("/text.txt")) as r:
        r.read()
    first = next(iter(handler.cache.values()))
    time.sleep(1.0)
    with opener.open(ftp_server.url("/sub/inner.txt")) as r:
        assert r.read() == INNER
    assert first not in handler.cache.values() and first.ftp.sock is None  # expired: closed
    assert handler.delay == 0.5
    opener.close()


# -- opener.session: the same handlers as requests adapters -------------------------------------


def test_session_file(files: pathlib.Path) -> None:
    opener = compat.build_opener()
    url = (files / "page.html").as_uri()
    r = opener.session.get(url)
    with urllib.request.urlopen(url) as expected:
        assert r.status_code == STATUS == 200
        assert list(r.headers.items()) == expected.info().items()
        assert r.content == expected.read()
    assert r.url == url and r.encoding == "ISO-8859-1"
    with opener.session.get(url, stream=True) as streamed:
        assert b"".join(streamed.iter_content(3)) == b"<p>hi</p>"
    opener.close()


def test_session_data_and_ftp(ftp_server: FTPServer) -> None:
    opener = compat.build_opener(CacheFTPHandler())
    r = opener.session.get("data:text/plain;charset=utf-8,%E2%82%AC")
    assert (r.text, r.headers["Content-Type"]) == ("€", "text/plain;charset=utf-8")
    for _ in range(2):
        r = opener.session.get(ftp_server.url("/bin.dat"), timeout=5)
        assert (r.status_code, r.content) == (200, BINARY)
    opener.close()


def test_session_errors(files: pathlib.Path, ftp_server: FTPServer) -> None:
    opener = compat.build_opener()
    with pytest.raises(requests.ConnectionError) as missing:
        opener.session.get((files / "missing").as_uri())
    assert isinstance(missing.value.__cause__, urllib.error.URLError)
    with pytest.raises(requests.ConnectionError) as remote:
        opener.session.get("file://10.0.0.1/etc/hostname")
    assert str(remote.value.__cause__) == "<urlopen error file not on local host>"
    with pytest.raises(requests.exceptions.InvalidURL):
        opener.session.get("data:no-comma")
    with pytest.raises(requests.ConnectionError):
        opener.session.get(ftp_server.url("/missing.txt"))
    opener.close()


def test_session_without_handler_has_no_adapter(files: pathlib.Path) -> None:
    opener = compat.OpenerDirector()
    opener.add_handler(compat.HTTPHandler())
    with pytest.raises(requests.exceptions.InvalidSchema):
        opener.session.get((files / "page.html").as_uri())


def test_session_ftp_proxy(server: RecordingServer) -> None:
    server.route("*", Reply(200, [("Content-Type", "text/plain")], b"via proxy"))
    opener = compat.build_opener()
    r = opener.session.get("ftp://ftp.example.invalid/pub/f.txt", proxies={"ftp": server.origin})
    assert r.content == b"via proxy"
    assert server.received[0].target == "ftp://ftp.example.invalid/pub/f.txt"
    opener.close()


def test_session_ftp_proxy_from_proxy_handler(server: RecordingServer) -> None:
    server.route("*", Reply(200, [("Content-Type", "text/plain")], b"via proxy"))
    opener = compat.build_opener(compat.ProxyHandler({"ftp": server.origin}))
    r = opener.session.get("ftp://ftp.example.invalid/pub/f.txt")
    assert r.content == b"via proxy"
    assert server.received[0].target == "ftp://ftp.example.invalid/pub/f.txt"
    opener.close()


def test_session_ftp_timeout(silent_server: int) -> None:
    opener = compat.build_opener()
    with pytest.raises(requests.Timeout) as caught:
        opener.session.get(f"ftp://127.0.0.1:{silent_server}/x", timeout=0.5)
    assert isinstance(caught.value, requests.ConnectionError)
    urllib_error = caught.value.__cause__
    assert isinstance(urllib_error, urllib.error.URLError)  # reason: the timeout, or on 3.9 its
    assert "timed out" in str(urllib_error.reason)  # repr ("ftp error: timeout('timed out')")
    opener.close()


# -- redirects never reach file: (or data:, or ftp: on the Session) -----------------------------


@pytest.fixture
def secret(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "secret.txt"
    path.write_bytes(b"TOP SECRET")
    return path


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_opener_refuses_redirect_to_file(
    server: RecordingServer, secret: pathlib.Path, status: int
) -> None:
    server.route("/r", Reply(status, [("Location", secret.as_uri())]))
    outcome = assert_same(lambda u: u.urlopen(server.url("/r")), server).outcome
    assert outcome.error_type == "urllib.error.HTTPError"
    if urllib_follows(status):
        assert "is not allowed" in str(outcome.reason)
    else:  # a 308 this urllib does not follow: the redirect response itself is the HTTPError
        assert outcome.status == status
    assert b"TOP SECRET" not in (outcome.body or b"")


def test_opener_refuses_redirect_to_data(server: RecordingServer) -> None:
    server.route("/r", Reply(302, [("Location", "data:,hello")]))
    outcome = assert_same(lambda u: u.urlopen(server.url("/r")), server).outcome
    assert outcome.error_type == "urllib.error.HTTPError"


def test_opener_follows_redirect_to_ftp_as_urllib(
    server: RecordingServer, ftp_server: FTPServer
) -> None:
    """urllib's redirect handler allows http -> ftp; kept (the stdlib's policy)."""
    server.route("/r", Reply(302, [("Location", ftp_server.url("/text.txt"))]))
    outcome = same_addinfourl(lambda u: u.urlopen(server.url("/r")), server)
    assert outcome.value["body"] == TEXT


@pytest.mark.parametrize("target", ["file", "FILE", "data", "ftp", "file-localhost"])
def test_session_refuses_redirect_to_local_schemes(
    server: RecordingServer, secret: pathlib.Path, ftp_server: FTPServer, target: str
) -> None:
    location = {
        "file": secret.as_uri(),
        "FILE": "FILE://" + secret.as_uri()[len("file://") :],
        "data": "data:,TOP%20SECRET",
        "ftp": ftp_server.url("/text.txt"),
        "file-localhost": "file://localhost" + secret.as_uri()[len("file://") :],
    }[target]
    server.route("/r", Reply(302, [("Location", location)]))
    opener = compat.build_opener()
    with pytest.raises(requests.exceptions.InvalidSchema, match="refusing to follow"):
        opener.session.get(server.url("/r"))
    # Not following is still possible, and a direct request to the file still works.
    r = opener.session.get(server.url("/r"), allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == location
    assert opener.session.get(secret.as_uri()).content == b"TOP SECRET"
    opener.close()


def test_session_still_follows_http_redirects(server: RecordingServer) -> None:
    server.route("/r", Reply(302, [("Location", "/final")]))
    opener = compat.build_opener()
    r = opener.session.get(server.url("/r"))
    assert r.status_code == 200 and r.url == server.url("/final")
    assert [h.status_code for h in r.history] == [302]
    opener.close()


def test_file_path_helpers_are_stdlib(files: pathlib.Path) -> None:
    path = str(files / "with space.txt")
    assert compat.pathname2url(path) == urllib.request.pathname2url(path)
    assert compat.url2pathname(compat.pathname2url(path)) == path
    assert os.path.exists(compat.url2pathname(compat.pathname2url(path)))


def test_session_leaves_nothing_to_the_collector(
    ftp_server: FTPServer, files: pathlib.Path
) -> None:
    def scenario(u: ModuleType) -> None:
        opener = u.build_opener()
        assert opener.session.get(ftp_server.url("/bin.dat")).content == BINARY
        assert b"inner.txt" in opener.session.get(ftp_server.url("/sub/")).content
        with opener.session.get(ftp_server.url("/bin.dat"), stream=True) as partly_read:
            assert partly_read.raw.read(10) == BINARY[:10]
        with opener.session.get((files / "page.html").as_uri(), stream=True):
            pass  # closed unread
        assert opener.session.get((files / "noext").as_uri()).content == b"plain"
        opener.close()

    assert ours_without_leaks(scenario).kind == "value"
