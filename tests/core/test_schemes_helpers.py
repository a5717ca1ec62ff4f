"""urlretrieve/urlcleanup (differential against urllib.request), the path and parsing helpers,
the deprecated URLopener classes, and the public surface of our request and error modules."""

from __future__ import annotations

import os
import pathlib
import sys
import tracemalloc
import types
import urllib.error
import urllib.request
import warnings
from types import ModuleType
from typing import Any

import pytest

import requests_urllib_compat.error as compat_error
import requests_urllib_compat.request as compat
import requests_urllib_compat.retrieve as retrieve

from ..support.differential import assert_same
from ..support.servers import RecordingServer, Reply, write_raw


def retrieved(u: ModuleType, url: str, **kwargs: Any) -> dict[str, Any]:
    """urlretrieve, with what it reported, what it wrote and whether the file is temporary."""
    calls: list[tuple[int, int, int]] = []
    filename, headers = u.urlretrieve(url, reporthook=lambda *a: calls.append(a), **kwargs)
    with open(filename, "rb") as f:
        body = f.read()
    temporary = filename in (u._url_tempfiles if u is urllib.request else retrieve._url_tempfiles)
    result = {
        "calls": calls,
        "body": body,
        "temporary": temporary,
        "headers": [(k, v) for k, v in headers.items() if k.lower() != "date"],
        "headers_type": type(headers).__qualname__,
    }
    if "filename" in kwargs:
        result["filename"] = filename
    return result


BIG = bytes(range(256)) * 100  # 25600 bytes: three full 8 KiB blocks and a partial one


def test_urlretrieve_http(server: RecordingServer) -> None:
    server.route("/f", Reply(200, [("Content-Type", "application/octet-stream")], BIG))
    run = assert_same(lambda u: retrieved(u, server.url("/f")), server)
    value = run.outcome.value
    assert value["body"] == BIG and value["temporary"]
    assert value["calls"] == [
        (0, 8192, len(BIG)),
        (1, 8192, len(BIG)),
        (2, 8192, len(BIG)),
        (3, 8192, len(BIG)),
        (4, 8192, len(BIG)),
    ]
    compat.urlcleanup()
    urllib.request.urlcleanup()


def test_urlretrieve_unknown_size(server: RecordingServer) -> None:
    server.route(
        "/chunked",
        write_raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        ),
    )
    value = assert_same(lambda u: retrieved(u, server.url("/chunked")), server).outcome.value
    assert value["calls"] == [(0, 8192, -1), (1, 8192, -1)]
    compat.urlcleanup()
    urllib.request.urlcleanup()


def test_urlretrieve_to_filename_with_data(server: RecordingServer, tmp_path: pathlib.Path) -> None:
    target = str(tmp_path / "out.bin")
    value = assert_same(
        lambda u: retrieved(u, server.url("/post"), filename=target, data=b"a=1"), server
    ).outcome.value
    assert value["filename"] == target and not value["temporary"]
    assert value["body"] == b"hello /post"


def test_urlretrieve_too_short(server: RecordingServer) -> None:
    server.route("/short", write_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"))

    def scenario(u: ModuleType) -> Any:
        try:
            u.urlretrieve(server.url("/short"))
        except urllib.error.ContentTooShortError as exc:
            filename, headers = exc.content
            with open(filename, "rb") as f:
                return (type(exc).__name__, str(exc), f.read(), headers["Content-Length"])
        return None

    value = assert_same(scenario, server).outcome.value
    assert value == (
        "ContentTooShortError",
        "<urlopen error retrieval incomplete: got only 5 out of 10 bytes>",
        b"hello",
        "10",
    )
    compat.urlcleanup()
    urllib.request.urlcleanup()


def test_urlretrieve_http_error(server: RecordingServer) -> None:
    server.route("/gone", Reply(404, body=b"no"))
    outcome = assert_same(lambda u: u.urlretrieve(server.url("/gone")), server).outcome
    assert outcome.status == 404


def test_urlretrieve_file(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "source.txt"
    source.write_bytes(b"local data")
    # Without a filename, a file: URL gives back its own path: nothing is copied.
    value = assert_same(lambda u: retrieved(u, source.as_uri())).outcome.value
    assert value["calls"] == [] and not value["temporary"]
    assert compat.urlretrieve(source.as_uri())[0] == str(source)
    # With a filename, the file is copied (the reporthook sees it).
    copy = str(tmp_path / "copy.txt")
    value = assert_same(lambda u: retrieved(u, source.as_uri(), filename=copy)).outcome.value
    assert value["body"] == b"local data" and value["calls"] == [(0, 8192, 10), (1, 8192, 10)]
    assert_same(lambda u: u.urlretrieve((tmp_path / "missing").as_uri()))


def test_urlretrieve_data_url() -> None:
    value = assert_same(lambda u: retrieved(u, "data:,abc")).outcome.value
    assert value["body"] == b"abc" and value["temporary"]
    compat.urlcleanup()
    urllib.request.urlcleanup()


def test_urlretrieve_uses_installed_opener(server: RecordingServer) -> None:
    opener = compat.build_opener()
    opener.addheaders = [("X-Opener", "installed")]
    compat.install_opener(opener)
    compat.urlretrieve(server.url("/x"))
    assert server.received[0].header("X-Opener") == "installed"
    compat.urlcleanup()


def test_urlcleanup_removes_files_and_uninstalls_opener(server: RecordingServer) -> None:
    filename, _ = compat.urlretrieve(server.url("/t"))
    assert os.path.exists(filename)
    opener = compat.build_opener()
    compat.install_opener(opener)
    compat.urlcleanup()
    assert not os.path.exists(filename) and retrieve._url_tempfiles == []
    from requests_urllib_compat import _director as opener_module

    assert opener_module._opener is None
    compat.urlcleanup()  # nothing left: still fine


def test_urlretrieve_streams_in_constant_memory(
    server: RecordingServer, tmp_path: pathlib.Path
) -> None:
    size = 16 * 1024 * 1024
    body = b"x" * size
    server.route("/big", Reply(200, [], body))
    target = str(tmp_path / "big")
    compat.urlretrieve(server.url("/small"), target)  # warm up imports and the pool
    tracemalloc.start()
    try:
        compat.urlretrieve(server.url("/big"), target)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert os.path.getsize(target) == size
    assert peak < 1024 * 1024, peak  # a few blocks, not the 16 MiB body


def test_urlretrieve_is_the_stdlib_body() -> None:
    assert (
        compat.urlretrieve.__doc__
        and retrieve._urlretrieve.__code__ is urllib.request.urlretrieve.__code__
    )


# -- small helpers: the stdlib's own functions ---------------------------------------------------


def test_parsing_and_proxy_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    header = 'a="b, c", d=e, f'
    assert compat.parse_http_list(header) == urllib.request.parse_http_list(header)
    assert compat.parse_keqv_list(["a=1", 'b="2"']) == {"a": "1", "b": "2"}
    monkeypatch.setenv("ftp_proxy", "http://127.0.0.1:3128")
    assert compat.getproxies() == urllib.request.getproxies()
    assert compat.getproxies()["ftp"] == "http://127.0.0.1:3128"


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="removed from the stdlib in 3.14")
def test_deprecated_urlopeners_are_the_stdlib_classes() -> None:
    assert compat.URLopener is urllib.request.URLopener
    assert compat.FancyURLopener is urllib.request.FancyURLopener
    with pytest.warns(DeprecationWarning, match="URLopener style of invoking requests"):
        compat.URLopener()
    with pytest.warns(DeprecationWarning):
        compat.FancyURLopener()


# -- the public surface --------------------------------------------------------------------------

# Modules urllib.request imports for itself; re-exporting them would be an accident, not API.
STDLIB_IMPORTED_MODULES = {
    "base64",
    "bisect",
    "contextlib",
    "email",
    "hashlib",
    "http",
    "io",
    "os",
    "posixpath",
    "re",
    "socket",
    "ssl",
    "string",
    "sys",
    "tempfile",
    "time",
    "warnings",
}


def public(module: ModuleType) -> set[str]:
    return {name for name in dir(module) if not name.startswith("_")}


def test_all_names_exist() -> None:
    assert [n for n in urllib.request.__all__ if not hasattr(compat, n)] == []
    assert [n for n in urllib.error.__all__ if not hasattr(compat_error, n)] == []
    assert sorted(compat.__all__) == sorted(urllib.request.__all__)
    assert sorted(compat_error.__all__) == sorted(urllib.error.__all__)


def test_dir_offers_what_urllib_request_offers() -> None:
    missing = public(urllib.request) - public(compat)
    assert missing <= STDLIB_IMPORTED_MODULES, missing - STDLIB_IMPORTED_MODULES
    assert all(isinstance(getattr(urllib.request, n), types.ModuleType) for n in missing)
    assert public(urllib.error) - public(compat_error) <= {"io", "urllib"}


def test_names_that_stay_the_stdlibs() -> None:
    """Pure logic is the stdlib's object (isinstance checks in legacy code keep working)."""
    for name in [
        "Request",
        "FileHandler",
        "DataHandler",
        "pathname2url",
        "url2pathname",
        "getproxies",
        "parse_http_list",
        "parse_keqv_list",
        "ftpwrapper",
    ]:
        assert getattr(compat, name) is getattr(urllib.request, name), name
    assert issubclass(compat.FTPHandler, urllib.request.FTPHandler)
    assert issubclass(compat.CacheFTPHandler, urllib.request.CacheFTPHandler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compat.CacheFTPHandler().close()


def test_urlretrieve_ftp(ftp_server: Any) -> None:
    value = assert_same(lambda u: retrieved(u, ftp_server.url("/text.txt"))).outcome.value
    assert value["calls"] == [(0, 8192, -1), (1, 8192, -1)]  # the server announces no size
    assert value["body"] == b"line one\nline two\n"
    compat.urlcleanup()
    urllib.request.urlcleanup()
