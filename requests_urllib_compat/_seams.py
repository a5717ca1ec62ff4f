"""Every private name of the stdlib, urllib3 and requests this package reads, in one place.

The package is glue between urllib's handler chain and requests' engine; a few joints have no
public name (like requests' own ``compat.py``, this module is where they are read).  Each entry
says which upstream versions have it -- the supported range is Python 3.9-3.13, requests 2.32+
and urllib3 2.0+ (``tox -e minimums`` runs the suite at the lowest) -- and what it is used for.
Other modules read these joints only through this module, and ``tests/core/test_seams.py`` checks
that each still exists on the installed versions: an upstream release that drops one fails
there, by name, rather than somewhere in the transport.

Names that can be imported are imported here; private attributes of instances get a named
accessor (or, for a name that is overridden or provided rather than read, a constant with the
attribute's name) that the test checks on a real object.  Where a public name exists it is used
instead and is not listed (``urllib3.HTTPHeaderDict``, ``requests.utils.select_proxy``).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import socket
import ssl
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable

import urllib3.connection
from urllib3.connectionpool import HTTPConnectionPool

# -- socket, ssl, os ---------------------------------------------------------------------------

#: ``urlopen``'s default ``timeout``: "none given", the socket default at connect time.
#: socket, Python 3.9-3.13.  (Typed ``Any``: it is the default of ``float | None`` parameters,
#: as typeshed spells urllib's own signatures.)
GLOBAL_DEFAULT_TIMEOUT: Any = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]


def https_context_factory() -> Callable[[], ssl.SSLContext]:
    """``ssl._create_default_https_context`` as it is *now* (Python 3.9-3.13): http.client
    builds its default context with it, and legacy code replaces it to turn verification off."""
    factory: Callable[[], ssl.SSLContext] = ssl._create_default_https_context
    return factory


def http_client_https_context() -> Callable[[int], ssl.SSLContext] | None:
    """``http.client._create_https_context(http_version)`` (Python 3.12+; None before): the
    default context http.client makes per connection (ALPN ``http/1.1``, post-handshake auth)."""
    create: Callable[[int], ssl.SSLContext] | None = getattr(
        http.client, "_create_https_context", None
    )
    return create


def environ_data() -> dict[Any, Any] | None:
    """``os.environ._data`` (``os._Environ``, Python 3.9-3.13), the raw mapping behind the
    environment: one dict comparison tells whether ``getproxies()`` would read the same."""
    data = getattr(os.environ, "_data", None)
    return data if isinstance(data, dict) else None


# -- http.client (Python 3.9-3.13) -------------------------------------------------------------

#: Methods for which http.client sends ``Content-Length: 0`` with no body (urllib3 too, by
#: another rule: the transport keeps http.client's).
METHODS_EXPECTING_BODY: frozenset[str] = frozenset(http.client._METHODS_EXPECTING_BODY)  # type: ignore[attr-defined]

#: ``HTTPConnection``'s "request started" state and the (name-mangled) attribute holding the
#: state, and its list of header lines: a never-connected connection in that state runs
#: ``putheader``'s checks, urllib's, on each header without sending anything.
CS_REQ_STARTED: str = http.client._CS_REQ_STARTED  # type: ignore[attr-defined]
HTTPCONNECTION_STATE = "_HTTPConnection__state"
HTTPCONNECTION_BUFFER = "_buffer"

# Captured at import: a recorder (vcrpy) replaces http.client's classes with its own.
_HTTP_CONNECTION: Any = http.client.HTTPConnection


def host_and_port(connection_class: Any, host: str) -> tuple[str, int]:
    """``HTTPConnection._get_hostport``: ``host[:port]`` as http.client reads it (``InvalidURL``
    for a port ``int()`` cannot read), the class's default port when none is given."""
    found: tuple[str, int] = connection_class._get_hostport(connection_class, host, None)
    return found


def validate_host(host: str) -> None:
    """``HTTPConnection._validate_host``: ``InvalidURL`` for control characters or a space."""
    _HTTP_CONNECTION._validate_host(None, host)


def validate_method(method: str) -> None:
    """``HTTPConnection._validate_method``: ``ValueError`` for control characters."""
    _HTTP_CONNECTION._validate_method(None, method)


def validate_path(path: str) -> None:
    """``HTTPConnection._validate_path``: ``InvalidURL`` for control characters or a space."""
    _HTTP_CONNECTION._validate_path(None, path)


#: ``HTTPResponse._close_conn``: ends the body as read (``fp`` None, ``isclosed()``); its
#: ``close()`` calls it, and urllib's response view overrides it to give the connection back.
CLOSE_CONN = "_close_conn"


def close_response_connection(response: http.client.HTTPResponse) -> None:
    """Call :data:`CLOSE_CONN` on ``response``."""
    getattr(response, CLOSE_CONN)()


# -- http.cookiejar (Python 3.9-3.13) ----------------------------------------------------------


def cookie_policy(jar: object) -> http.cookiejar.CookiePolicy | None:
    """``CookieJar._policy`` (no getter exists): a jar requests merged for one request is given
    the session jar's policy, as urllib's ``HTTPCookieProcessor`` asks the caller's jar."""
    policy = getattr(jar, "_policy", None)
    return policy if isinstance(policy, http.cookiejar.CookiePolicy) else None


# -- urllib.request (Python 3.9-3.13) ----------------------------------------------------------

_urllib_request: Any = urllib.request


def installed_opener() -> urllib.request.OpenerDirector | None:
    """``urllib.request._opener``: the opener ``install_opener`` set, or the one the stdlib's
    ``urlopen`` built and cached; the swap sets it aside and restores it."""
    opener: urllib.request.OpenerDirector | None = _urllib_request._opener
    return opener


def set_installed_opener(opener: urllib.request.OpenerDirector | None) -> None:
    """Set ``urllib.request._opener`` (``install_opener`` would also type-check it)."""
    _urllib_request._opener = opener


#: The global ``urlretrieve``'s code appends its temporary files to (``urlcleanup`` removes
#: them): ``retrieve.py`` runs that code with its own list under this name.
URLRETRIEVE_TEMPFILES = "_url_tempfiles"


def tunnel_host(req: urllib.request.Request) -> str | None:
    """``Request._tunnel_host``: the origin of a CONNECT tunnel (``set_proxy`` on https)."""
    host: str | None = req._tunnel_host  # type: ignore[attr-defined]
    return host


def handler_debuglevel(handler: object) -> int:
    """``AbstractHTTPHandler._debuglevel`` (``HTTPHandler(debuglevel=1)``), 0 for others."""
    return int(getattr(handler, "_debuglevel", 0) or 0)


def https_handler_settings(handler: object) -> tuple[ssl.SSLContext | None, bool | None]:
    """``HTTPSHandler._context`` (Python 3.9-3.13; from 3.12 a default context when none was
    given) and ``_check_hostname`` (3.9-3.11; 3.12 dropped the argument, None then): the TLS
    settings the stdlib's handler connects with."""
    return getattr(handler, "_context", None), getattr(handler, "_check_hostname", None)


def parse_realm(
    handler: urllib.request.AbstractBasicAuthHandler, header: str
) -> Iterator[tuple[str, str | None]]:
    """``AbstractBasicAuthHandler._parse_realm`` (Python 3.9-3.13): urllib's own parse of a
    ``WWW-Authenticate`` value into (scheme, realm) pairs, so ``opener.session`` answers the
    challenges the handler would."""
    pairs: Iterator[tuple[str, str | None]] = handler._parse_realm(header)  # type: ignore[attr-defined]
    return pairs


# -- urllib3 (2.0+) ----------------------------------------------------------------------------

#: What ``HTTPConnection.getresponse()`` reads to build its response (method, URL, content
#: options); set by ``HTTPConnection.request``, which the transport replaces for urllib's
#: requests with http.client's own.  urllib3 2.0+ (``urllib3.connection``).
ResponseOptions: Any = urllib3.connection._ResponseOptions
RESPONSE_OPTIONS = "_response_options"


def set_response_options(connection: object, **options: Any) -> None:
    """Set ``connection._response_options`` (see :data:`ResponseOptions`)."""
    setattr(connection, RESPONSE_OPTIONS, ResponseOptions(**options))


#: The methods of ``HTTPConnectionPool`` the transport's pool classes override (urllib3 2.0+):
#: checking a connection out and in (reuse rules), making the request (the target urllib
#: built, verbatim), and checking an HTTPS connection (without ``InsecureRequestWarning``).
POOL_METHODS = ("_get_conn", "_put_conn", "_make_request", "_validate_conn")

#: ``HTTPConnectionPool._validate_conn``, called as the base of the quiet HTTPS variant.
validate_conn: Callable[[Any, Any], None] = HTTPConnectionPool._validate_conn


def pool_container(pools: object) -> Mapping[Any, Any]:
    """``RecentlyUsedContainer._container`` (urllib3 2.0+): a pool manager's pools by key,
    read without touching their recency (``pools.get`` would), to find a pool's key."""
    container: Mapping[Any, Any] = getattr(pools, "_container", {})
    return container


def wire_response(raw: object) -> http.client.HTTPResponse | None:
    """``urllib3.HTTPResponse._fp`` (urllib3 2.0+): the ``http.client.HTTPResponse`` urllib3
    parsed, read directly by urllib's response view (None for a response not from a socket)."""
    response = getattr(raw, "_fp", None)
    return response if isinstance(response, http.client.HTTPResponse) else None


#: ``urllib3.HTTPResponse._original_response`` (urllib3 2.0+): the same http.client response,
#: under the name requests reads (``extract_cookies_to_jar`` takes the cookies from its
#: ``msg``); a raw body of ours that stands in for urllib3's provides it too.
ORIGINAL_RESPONSE = "_original_response"


def original_message(raw: object) -> http.client.HTTPMessage | None:
    """The headers of :data:`ORIGINAL_RESPONSE`, as http.client parsed them."""
    message = getattr(getattr(raw, ORIGINAL_RESPONSE, None), "msg", None)
    return message if isinstance(message, http.client.HTTPMessage) else None


# -- requests (2.32+) --------------------------------------------------------------------------

#: ``CaseInsensitiveDict._store`` (requests 2.32+): the ordered map ``lower name -> (name,
#: value)`` that every method of the class reads.  The transport's ``Response.headers`` provide
#: it on first use (made from urllib3's headers), and urllib's request headers are read from it
#: in one pass (:func:`case_insensitive_items`).
CASE_INSENSITIVE_STORE = "_store"


def case_insensitive_items(headers: object) -> Iterable[tuple[Any, Any]]:
    """The (name, value) pairs of a ``CaseInsensitiveDict`` as its ``items()`` gives them, read
    from :data:`CASE_INSENSITIVE_STORE` at once (``items()`` makes a Python call per header)."""
    items: Iterable[tuple[Any, Any]] = getattr(headers, CASE_INSENSITIVE_STORE).values()
    return items


def pool_settings(adapter: object) -> tuple[int, int, bool]:
    """``HTTPAdapter._pool_connections``, ``_pool_maxsize``, ``_pool_block``: the pool sizes
    it was made with, for the proxy managers the transport makes beside requests' own."""
    settings: Any = adapter
    return settings._pool_connections, settings._pool_maxsize, settings._pool_block


#: ``PreparedRequest._cookies``: the jar requests merged for the request; auth plugins' retries
#: and caches read it (set by the transport, read by ``opener.session``'s auth and cookies).
PREPARED_COOKIES = "_cookies"


def prepared_cookies(prepared: object) -> Any:
    """``PreparedRequest._cookies`` (None when requests did not prepare the request)."""
    return getattr(prepared, PREPARED_COOKIES, None)


def set_prepared_cookies(prepared: object, jar: http.cookiejar.CookieJar) -> None:
    setattr(prepared, PREPARED_COOKIES, jar)


def consumed_content(response: object) -> bytes | None:
    """``Response._content`` when ``_content_consumed``: the body a Session already read (a
    cached response), None while it is still to be read from ``raw``."""
    content = getattr(response, "_content", False)
    if getattr(response, "_content_consumed", False) and isinstance(content, bytes):
        return content
    return None


def set_digest_challenge(auth: object, challenge: dict[str, str]) -> None:
    """``HTTPDigestAuth._thread_local.chal``: the challenge its ``build_digest_header``
    answers (requests' own ``handle_401`` sets it the same way), per thread."""
    state: Any = auth
    state._thread_local.chal = challenge
