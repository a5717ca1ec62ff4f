"""``_seams``: each private name of the stdlib, urllib3 and requests the package reads still
exists on the installed versions, and still means what the package uses it for.

One check per registered name (``test_every_seam_is_checked`` fails for a new entry without
one).  Instance attributes are checked on real objects, made the way upstream makes them; run
at the declared minimums by ``tox -e minimums``.
"""

from __future__ import annotations

import ast
import http.client
import http.cookiejar
import inspect
import io
import re
import socket
import ssl
import sys
import types
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import requests.cookies
import requests.structures
import urllib3
import urllib3.connection
from requests.auth import HTTPDigestAuth
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from requests_urllib_compat import _seams

from ..support.servers import RecordingServer, Reply


def _timeout_default() -> None:
    assert _seams.GLOBAL_DEFAULT_TIMEOUT is socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
    default = inspect.signature(urllib.request.urlopen).parameters["timeout"].default
    assert default is _seams.GLOBAL_DEFAULT_TIMEOUT  # what urlopen() means by "none given"


def _https_context_factory() -> None:
    factory = _seams.https_context_factory()
    assert factory is ssl._create_default_https_context
    assert isinstance(factory(), ssl.SSLContext)


def _http_client_https_context() -> None:
    create = _seams.http_client_https_context()
    if sys.version_info < (3, 12):
        assert create is None
        return
    assert create is not None
    context = create(11)
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED


def _environ_data(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _seams.environ_data()
    assert data is not None
    before = dict(data)
    monkeypatch.setenv("RUC_SEAMS_CHECK", "1")
    assert _seams.environ_data() is data and dict(data) != before  # the live mapping


def _methods_expecting_body() -> None:
    assert {"PATCH", "POST", "PUT"} <= _seams.METHODS_EXPECTING_BODY
    assert "GET" not in _seams.METHODS_EXPECTING_BODY


def _request_started_state() -> None:
    """A connection in the state and with the buffer named here is one ``putheader`` checks."""
    conn = http.client.HTTPConnection("h.invalid")
    conn.putrequest("GET", "/")  # (connects at endheaders only)
    assert getattr(conn, _seams.HTTPCONNECTION_STATE) == _seams.CS_REQ_STARTED
    buffer = getattr(conn, _seams.HTTPCONNECTION_BUFFER)
    assert isinstance(buffer, list) and buffer[0] == b"GET / HTTP/1.1"
    conn.putheader("X-Ok", "1")
    assert buffer[-1] == b"X-Ok: 1"
    with pytest.raises(ValueError):
        conn.putheader("X-Bad", "a\r\nb")
    conn.close()


def _host_and_port() -> None:
    assert _seams.host_and_port(http.client.HTTPSConnection, "h") == ("h", 443)
    assert _seams.host_and_port(http.client.HTTPConnection, "h") == ("h", 80)
    assert _seams.host_and_port(http.client.HTTPConnection, "[::1]:8080") == ("::1", 8080)
    with pytest.raises(http.client.InvalidURL):
        _seams.host_and_port(http.client.HTTPConnection, "h:port")


def _validate_host() -> None:
    _seams.validate_host("h.example")
    with pytest.raises(http.client.InvalidURL):
        _seams.validate_host("h\r\nX-Injected: 1")


def _validate_method() -> None:
    _seams.validate_method("GET")
    with pytest.raises(ValueError):
        _seams.validate_method("GET\r\nX-Injected: 1")


def _validate_path() -> None:
    _seams.validate_path("/a?b=c")
    with pytest.raises(http.client.InvalidURL):
        _seams.validate_path("/a b")


class _Socket:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self._data))  # type: ignore[arg-type]


def _close_response_connection() -> None:
    response = http.client.HTTPResponse(_Socket(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"))  # type: ignore[arg-type]
    response.begin()
    assert not response.isclosed()
    _seams.close_response_connection(response)
    assert response.isclosed() and response.fp is None
    # the view in response.py overrides it: http.client's close() must still call it
    assert _seams.CLOSE_CONN in http.client.HTTPResponse.close.__code__.co_names


def _cookie_policy() -> None:
    policy = http.cookiejar.DefaultCookiePolicy(blocked_domains=["b.example"])
    assert _seams.cookie_policy(http.cookiejar.CookieJar(policy)) is policy
    jar = requests.cookies.RequestsCookieJar()
    assert isinstance(_seams.cookie_policy(jar), http.cookiejar.DefaultCookiePolicy)
    jar.set_policy(policy)
    assert _seams.cookie_policy(jar) is policy


def _installed_opener() -> None:
    opener = urllib.request.build_opener()
    urllib.request.install_opener(opener)
    assert _seams.installed_opener() is opener
    _seams.set_installed_opener(None)
    assert _seams.installed_opener() is None
    urllib.request.urlopen("data:,x").close()  # the stdlib's urlopen builds and caches one
    cached = _seams.installed_opener()
    assert isinstance(cached, urllib.request.OpenerDirector)
    _seams.set_installed_opener(opener)
    assert urllib.request._opener is opener  # type: ignore[attr-defined]


def _urlretrieve_tempfiles() -> None:
    code = urllib.request.urlretrieve.__code__
    assert _seams.URLRETRIEVE_TEMPFILES in code.co_names  # a global urlretrieve's code reads
    assert isinstance(getattr(urllib.request, _seams.URLRETRIEVE_TEMPFILES), list)
    assert _seams.URLRETRIEVE_TEMPFILES in urllib.request.urlcleanup.__code__.co_names


def _tunnel_host() -> None:
    req = urllib.request.Request("https://origin.example:8443/p")
    assert _seams.tunnel_host(req) is None
    req.set_proxy("proxy.example:3128", "https")
    assert _seams.tunnel_host(req) == "origin.example:8443"
    assert req.host == "proxy.example:3128"


def _handler_debuglevel() -> None:
    assert _seams.handler_debuglevel(urllib.request.HTTPHandler(debuglevel=2)) == 2
    assert _seams.handler_debuglevel(urllib.request.HTTPSHandler(debuglevel=1)) == 1
    assert _seams.handler_debuglevel(urllib.request.HTTPHandler()) == 0
    assert _seams.handler_debuglevel(urllib.request.FileHandler()) == 0


def _https_handler_settings() -> None:
    context = ssl.create_default_context()
    handler = urllib.request.HTTPSHandler(context=context)
    assert _seams.https_handler_settings(handler)[0] is context
    default, check_hostname = _seams.https_handler_settings(urllib.request.HTTPSHandler())
    assert check_hostname is None
    if sys.version_info >= (3, 12):  # the handler makes http.client's default context
        assert isinstance(default, ssl.SSLContext)
    else:
        assert default is None
    if sys.version_info < (3, 12):  # 3.12 removed the argument
        kwargs: Any = {"check_hostname": False}
        handler = urllib.request.HTTPSHandler(context=context, **kwargs)
        assert _seams.https_handler_settings(handler) == (context, False)


def _parse_realm() -> None:
    handler = urllib.request.HTTPBasicAuthHandler()
    pairs = list(_seams.parse_realm(handler, 'Basic realm="office", Digest realm="d"'))
    assert ("Basic", "office") in pairs


def _response_options(server: RecordingServer) -> None:
    """Set as the transport sets it, before http.client's own request: urllib3's
    ``getresponse`` builds its response from it."""
    assert set(_seams.ResponseOptions._fields) == {
        "request_method",
        "request_url",
        "preload_content",
        "decode_content",
        "enforce_content_length",
    }
    server.route("/o", Reply(200, [], b"options"))
    conn = urllib3.connection.HTTPConnection("127.0.0.1", server.port)
    try:
        http.client.HTTPConnection.request(conn, "GET", "/o")
        _seams.set_response_options(
            conn,
            request_method="GET",
            request_url="/o",
            preload_content=False,
            decode_content=False,
            enforce_content_length=True,
        )
        assert isinstance(getattr(conn, _seams.RESPONSE_OPTIONS), _seams.ResponseOptions)
        response = conn.getresponse()
        assert response.url == "/o" and response.read() == b"options"
        response.release_conn()
    finally:
        conn.close()


def _pool_methods() -> None:
    expected = {
        "_get_conn": ["self", "timeout"],
        "_put_conn": ["self", "conn"],
        "_make_request": ["self", "conn", "method", "url"],
        "_validate_conn": ["self", "conn"],
    }
    assert set(_seams.POOL_METHODS) == set(expected)
    for name in _seams.POOL_METHODS:
        method = getattr(HTTPConnectionPool, name)
        params = list(inspect.signature(method).parameters)
        assert params[: len(expected[name])] == expected[name], (name, params)


def _validate_conn() -> None:
    assert _seams.validate_conn is HTTPConnectionPool._validate_conn
    # HTTPS pools override it (connecting, and warning for unverified TLS): the quiet variant
    # calls this base instead
    assert HTTPSConnectionPool._validate_conn is not HTTPConnectionPool._validate_conn


def _pool_container() -> None:
    manager = urllib3.PoolManager()
    try:
        pool = manager.connection_from_url("http://h.invalid/")
        held = _seams.pool_container(manager.pools)
        assert list(held.values()) == [pool]
        key = next(iter(held))
        assert manager.pools.get(key) is pool
    finally:
        manager.clear()


def _wire_response(server: RecordingServer) -> None:
    server.route("/w", Reply(200, [("Set-Cookie", "a=b")], b"wire"))
    with urllib3.PoolManager() as manager:
        raw = manager.request("GET", server.url("/w"), preload_content=False)
        try:
            wire = _seams.wire_response(raw)
            assert isinstance(wire, http.client.HTTPResponse)
            assert getattr(raw, _seams.ORIGINAL_RESPONSE) is wire
            message = _seams.original_message(raw)
            assert message is wire.msg and message["Set-Cookie"] == "a=b"
            assert wire.read() == b"wire"  # the body is read through it
        finally:
            raw.release_conn()
    assert _seams.wire_response(urllib3.HTTPResponse(body=io.BytesIO(b""))) is None


def _original_response_is_what_requests_reads() -> None:
    """requests takes a response's cookies from ``raw.<ORIGINAL_RESPONSE>.msg``: a raw body
    of ours standing in for urllib3's provides that name."""
    source = inspect.getsource(requests.cookies.extract_cookies_to_jar)
    assert _seams.ORIGINAL_RESPONSE in source
    message = http.client.parse_headers(io.BytesIO(b"Set-Cookie: a=b\r\n\r\n"))
    raw = types.SimpleNamespace(**{_seams.ORIGINAL_RESPONSE: types.SimpleNamespace(msg=message)})
    jar = requests.cookies.RequestsCookieJar()
    prepared = requests.Request("GET", "http://h.example/").prepare()
    requests.cookies.extract_cookies_to_jar(jar, prepared, raw)  # type: ignore[no-untyped-call]
    assert jar.get("a") == "b"


def _pool_settings() -> None:
    adapter = requests.adapters.HTTPAdapter(pool_connections=3, pool_maxsize=4, pool_block=True)
    assert _seams.pool_settings(adapter) == (3, 4, True)
    adapter.close()


def _prepared_cookies() -> None:
    with requests.Session() as session:
        prepared = session.prepare_request(
            requests.Request("GET", "http://h.example/", cookies={"a": "b"})
        )
    jar = _seams.prepared_cookies(prepared)
    assert isinstance(jar, http.cookiejar.CookieJar) and requests.utils.dict_from_cookiejar(
        jar
    ) == {"a": "b"}
    assert _seams.prepared_cookies(prepared.copy()) is not None  # copied with the request
    mine = requests.cookies.RequestsCookieJar()
    _seams.set_prepared_cookies(prepared, mine)
    assert getattr(prepared, _seams.PREPARED_COOKIES) is mine
    assert _seams.prepared_cookies(object()) is None


def _consumed_content() -> None:
    response = requests.Response()
    response.raw = io.BytesIO(b"body")
    assert _seams.consumed_content(response) is None  # not read yet
    assert response.content == b"body"
    assert _seams.consumed_content(response) == b"body"


def _digest_challenge() -> None:
    auth = HTTPDigestAuth("user", "pass")
    auth.init_per_thread_state()
    _seams.set_digest_challenge(auth, {"realm": "r", "nonce": "n0", "qop": "auth"})
    header = auth.build_digest_header("GET", "http://h.example/p")
    assert header is not None and 'realm="r"' in header and 'nonce="n0"' in header


#: Registered name -> its check (a check may take the ``server`` or ``monkeypatch`` fixture).
def _case_insensitive_store() -> None:
    headers = requests.structures.CaseInsensitiveDict([("X-A", "1"), ("content-type", "t")])
    headers["x-a"] = "2"  # the name as last set, at its first position
    store = getattr(headers, _seams.CASE_INSENSITIVE_STORE)
    assert list(store.items()) == [("x-a", ("x-a", "2")), ("content-type", ("content-type", "t"))]
    assert list(_seams.case_insensitive_items(headers)) == list(headers.items())
    # every method reads the store: one provided on an instance is the whole mapping
    made = requests.structures.CaseInsensitiveDict.__new__(requests.structures.CaseInsensitiveDict)
    setattr(made, _seams.CASE_INSENSITIVE_STORE, store)
    assert made == headers and made["X-A"] == "2" and len(made) == 2 and "Content-Type" in made
    assert list(made.copy().items()) == list(headers.items())
    assert list(made.lower_items()) == [("x-a", "2"), ("content-type", "t")]


CHECKS: dict[str, Callable[..., None]] = {
    "GLOBAL_DEFAULT_TIMEOUT": _timeout_default,
    "https_context_factory": _https_context_factory,
    "http_client_https_context": _http_client_https_context,
    "environ_data": _environ_data,
    "METHODS_EXPECTING_BODY": _methods_expecting_body,
    "CS_REQ_STARTED": _request_started_state,
    "HTTPCONNECTION_STATE": _request_started_state,
    "HTTPCONNECTION_BUFFER": _request_started_state,
    "host_and_port": _host_and_port,
    "validate_host": _validate_host,
    "validate_method": _validate_method,
    "validate_path": _validate_path,
    "CLOSE_CONN": _close_response_connection,
    "close_response_connection": _close_response_connection,
    "cookie_policy": _cookie_policy,
    "installed_opener": _installed_opener,
    "set_installed_opener": _installed_opener,
    "URLRETRIEVE_TEMPFILES": _urlretrieve_tempfiles,
    "tunnel_host": _tunnel_host,
    "handler_debuglevel": _handler_debuglevel,
    "https_handler_settings": _https_handler_settings,
    "parse_realm": _parse_realm,
    "ResponseOptions": _response_options,
    "RESPONSE_OPTIONS": _response_options,
    "set_response_options": _response_options,
    "POOL_METHODS": _pool_methods,
    "validate_conn": _validate_conn,
    "pool_container": _pool_container,
    "wire_response": _wire_response,
    "ORIGINAL_RESPONSE": _original_response_is_what_requests_reads,
    "original_message": _wire_response,
    "pool_settings": _pool_settings,
    "PREPARED_COOKIES": _prepared_cookies,
    "prepared_cookies": _prepared_cookies,
    "set_prepared_cookies": _prepared_cookies,
    "consumed_content": _consumed_content,
    "set_digest_challenge": _digest_challenge,
    "CASE_INSENSITIVE_STORE": _case_insensitive_store,
    "case_insensitive_items": _case_insensitive_store,
}


def _registered() -> Iterator[str]:
    """The register's entries: its public names, less the modules and typing names it uses."""
    for name, value in vars(_seams).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if getattr(value, "__module__", _seams.__name__) in ("typing", "collections.abc"):
            continue
        if name in ("annotations", "HTTPConnectionPool"):
            continue
        yield name


def test_every_seam_is_checked() -> None:
    assert set(_registered()) == set(CHECKS)


@pytest.mark.parametrize("check", sorted({f.__name__: f for f in CHECKS.values()}))
def test_seam_exists(check: str, request: pytest.FixtureRequest) -> None:
    function = {f.__name__: f for f in CHECKS.values()}[check]
    fixtures = {
        name: request.getfixturevalue(name) for name in inspect.signature(function).parameters
    }
    function(**fixtures)


def _docstring_lines(tree: ast.AST) -> set[int]:
    return {
        number
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for number in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }


#: A private name of those modules, or of their objects, spelled in code.
_SPELLED = re.compile(
    r"\b(?:http\.client|urllib\.request|urllib3|requests|socket|ssl|os\.environ)(?:\.\w+)*"
    r"\._[a-zA-Z]"
    r"|(?:getattr|setattr|hasattr)\([^)]*[\"'](?:_fp|_original_response|_cookies|_policy|_content"
    r"|_content_consumed|_data|_context|_check_hostname|_debuglevel|_container|_thread_local"
    r"|_response_options|_tunnel_host|_url_tempfiles|_create_https_context)[\"']"
    r"|(?<!self)\._(?:parse_realm|thread_local|close_conn|tunnel_host|pool_connections"
    r"|pool_maxsize|pool_block|response_options|get_hostport|validate_\w+|cookies|buffer|fp"
    r"|HTTPConnection__state|original_response|policy|content|content_consumed)\b"
    r"|from (?:http|urllib|urllib3|requests)\b[\w.]* import (?:\w+(?: as \w+)?,\s*)*_[a-zA-Z]"
)


def test_other_modules_read_private_names_only_through_the_register() -> None:
    """No private name of http.client, urllib.request, urllib3 or requests (nor of their
    objects) is spelled in code outside ``_seams``, docstrings and comments aside."""
    package = Path(_seams.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "_seams.py":
            continue
        source = path.read_text()
        docstrings = _docstring_lines(ast.parse(source))
        for number, line in enumerate(source.splitlines(), 1):
            if number not in docstrings and _SPELLED.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert found == []


def test_public_names_are_used_where_they_exist() -> None:
    assert urllib3.HTTPHeaderDict is urllib3._collections.HTTPHeaderDict
    assert requests.utils.select_proxy is requests.adapters.select_proxy  # type: ignore[attr-defined]
