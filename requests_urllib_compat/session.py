"""The opener's :class:`requests.Session`: each handler becomes a Session feature.

Calls through an opener run urllib's handler chain and send each hop through the transport
adapter (once this Session is built, the adapter it has mounted for the URL, so an adapter you
mount here is used by ``opener.open()`` too); the Session built here is for new code
(``opener.session.get(url)``) and carries the same configuration, so a script can move to
requests one call at a time:

- ``addheaders`` -> ``session.headers`` (plus ``Accept-Encoding: identity``, as urllib sends);
- ``HTTPHandler``/``HTTPSHandler`` -> the shared transport adapters mounted for ``http://`` and
  ``https://`` (the handler's SSLContext and debuglevel; the stdlib default context otherwise);
- ``HTTPCookieProcessor`` -> ``session.cookies`` *is* its jar, and the jar's policy decides what
  is sent as well as what is stored; no cookie processor -> a jar that keeps nothing;
- ``HTTPRedirectHandler`` -> ``session.max_redirects = handler.max_redirections``;
- user handlers' ``http_response``/``https_response`` -> ``session.hooks["response"]``
  (see :class:`ResponseProcessorHook`), their ``http_request``/``https_request`` ->
  ``session.request_processors`` (run by :class:`OpenerSession` on each request and hop).

Each entry of :data:`FEATURES` maps a handler type onto the Session; handlers of other types
contribute nothing.  Other helpers' handlers (auth, proxies, other schemes) add entries here.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterable, Mapping
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from . import _auth as auth
from . import _proxies as proxies_module
from . import _seams, _stdlib
from ._transport import default_https_context, handler_adapter, shared_adapter
from .response import HTTPResponse
from .schemes import mount_data, mount_file, mount_ftp

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["FEATURES", "OpenerSession", "ResponseProcessorHook", "build_session"]


class _StoreNothingPolicy(DefaultCookiePolicy):
    """Nothing a server sets is accepted (the jar of an opener without a cookie processor)."""

    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        return False


class NoCookieJar(CookieJar):
    """The jar of an opener without ``HTTPCookieProcessor``: as urllib, cookies a server sets
    are never stored nor sent back.  Cookies given explicitly for one call
    (``session.get(url, cookies=...)``) are still sent, like an explicit ``Cookie`` header."""

    def __init__(self) -> None:
        super().__init__(_StoreNothingPolicy())

    def set_cookie(self, cookie: Cookie) -> None:
        """Keeps nothing."""


class OpenerSession(requests.Session):
    """A :class:`requests.Session` whose cookie jar's *policy* also decides what is sent.

    requests copies the session's cookies into a fresh ``RequestsCookieJar`` (with a default
    policy) before computing the ``Cookie`` header; urllib's ``HTTPCookieProcessor`` asks the
    caller's jar, so a ``DefaultCookiePolicy(blocked_domains=...)`` or a custom policy is obeyed
    when sending.  Here the copy takes the session jar's policy, for the first request and for
    redirect hops (requests reuses the copy), so both paths agree.

    It also runs the opener's user request processors (``http_request``/``https_request`` of
    your handlers, in handler order) on each request and on each redirect hop, as urllib does.
    """

    #: User handlers whose ``<scheme>_request`` runs on each request (set by build_session).
    request_processors: list[urllib.request.BaseHandler]

    def __init__(self) -> None:
        super().__init__()
        self.request_processors = []

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """requests' preparation; the cookie jar it merged keeps this session's policy, and the
        request processors run on the result."""
        prepared = super().prepare_request(request)
        policy = _seams.cookie_policy(self.cookies)
        merged = _seams.prepared_cookies(prepared)
        if (
            policy is not None
            and isinstance(merged, CookieJar)
            and _seams.cookie_policy(merged) is not policy
        ):
            merged.set_policy(policy)
            explicit: CaseInsensitiveDict[str | bytes] = CaseInsensitiveDict(self.headers)
            explicit.update(request.headers or {})
            if explicit.get("Cookie") is None:  # the Cookie header came from the jar: redo it
                prepared.headers.pop("Cookie", None)
                prepared.prepare_cookies(merged)
        self.process_request(prepared)
        return prepared

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """Per redirect hop (requests' one hook there): credentials, then the processors."""
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        self.process_request(prepared_request)

    def process_request(self, prepared: requests.PreparedRequest) -> None:
        """Run the request processors on ``prepared`` as urllib's chain does: one
        ``urllib.request.Request`` rebuilt from it, passed from processor to processor; the
        headers they add, change or remove (and a changed URL) are then copied back."""
        scheme = urlsplit(str(prepared.url)).scheme
        processors = [
            process
            for process in (
                _user_method(handler, f"{scheme}_request") for handler in self.request_processors
            )
            if process is not None
        ]
        if not processors:
            return
        request = _urllib_request(prepared)
        before = dict(request.header_items())
        for process in processors:
            request = process(request)
        after = dict(request.header_items())
        for name, value in after.items():
            if before.get(name) != value:
                prepared.headers[name] = value
        for name in before.keys() - after.keys():
            prepared.headers.pop(name, None)
        if request.full_url != prepared.url:
            prepared.prepare_url(request.full_url, None)

    # (typed in requests' stubs with private aliases: Any here, as the register of private
    # names is _seams)
    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        """No environment (``trust_env`` is off); ``no_proxy`` applied as urllib does."""
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        settings["proxies"] = proxies_module.urllib_proxies(str(url), settings.get("proxies"))
        return settings

    def rebuild_proxies(
        self, prepared_request: requests.PreparedRequest, proxies: Mapping[str, str] | None
    ) -> dict[str, str]:
        """A redirect hop's proxies: the session's and the call's, unless urllib would bypass
        them.  Then requests' own hop work (with ``trust_env`` off): a caller's
        ``Proxy-Authorization`` dropped, a plain-http proxy URL's credentials sent, encoded as
        urllib's ``ProxyHandler`` does (requests' latin-1 would differ, or fail)."""
        wanted = proxies_module.urllib_proxies(
            str(prepared_request.url), {**self.proxies, **(proxies or {})}
        )
        headers = prepared_request.headers
        headers.pop("Proxy-Authorization", None)
        scheme = urlsplit(str(prepared_request.url)).scheme
        if not scheme.startswith("https") and scheme in wanted:
            headers.update(proxies_module.proxy_headers(wanted[scheme]))
        return wanted


def _transport(session: requests.Session, handler: urllib.request.AbstractHTTPHandler) -> None:
    scheme = "https" if isinstance(handler, _stdlib.HTTPSHandler) else "http"
    session.mount(f"{scheme}://", handler_adapter(handler))


def _cookies(session: requests.Session, handler: urllib.request.HTTPCookieProcessor) -> None:
    session.cookies = handler.cookiejar  # type: ignore[assignment]  # (any CookieJar works)


def _redirects(session: requests.Session, handler: urllib.request.HTTPRedirectHandler) -> None:
    session.max_redirects = int(handler.max_redirections)


# Response processors of these classes are already Session features (cookies are extracted by
# the Session; requests never raises for a status), so they are not hooks.
def _builtin(module: str) -> bool:
    return module == "urllib.request" or module.split(".", 1)[0] == "requests_urllib_compat"


def _user_method(handler: urllib.request.BaseHandler, name: str) -> Callable[..., Any] | None:
    """``handler.<name>`` when defined by a user class, not by urllib's or our handlers."""
    for klass in type(handler).__mro__:
        if name in vars(klass):
            if _builtin(klass.__module__ or ""):
                return None
            method: Callable[..., Any] = getattr(handler, name)
            return method
    return None


class _Readable(Protocol):
    """What a response processor returns: read and closed as urllib's caller would."""

    def read(self, amt: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class _ProcessedBody:
    """``Response.raw`` after a response processor replaced or read the urllib response.

    The body is what the processor's result reads (as urllib's caller would get it, so no
    further content decoding); ``_original_response`` stays the wire response so requests
    still extracts cookies, and closing releases the pooled connection.
    """

    def __init__(self, result: _Readable, original: object) -> None:
        self._result = result
        self._original = original
        # (requests reads it: see _seams.ORIGINAL_RESPONSE)
        self._original_response = getattr(original, _seams.ORIGINAL_RESPONSE, None)

    def read(self, amt: int | None = None, **kwargs: Any) -> bytes:
        data = self._result.read() if amt is None or amt < 0 else self._result.read(amt)
        return bytes(data)

    def close(self) -> None:
        self._result.close()

    def release_conn(self) -> None:
        release = getattr(self._original, "release_conn", None)
        if release is not None:
            release()


def _urllib_request(prepared: requests.PreparedRequest) -> urllib.request.Request:
    """The ``urllib.request.Request`` a processor would have seen for this request."""
    return urllib.request.Request(
        str(prepared.url),
        data=prepared.body,  # type: ignore[arg-type]
        headers=dict(prepared.headers),
        method=prepared.method,
    )


class _ProcessorView(HTTPResponse):
    """The urllib response a processor gets: over a shadow of the ``requests.Response`` (so
    closing it never reaches back into the hook's rewiring) and noting whether it was read."""

    touched = False

    def __init__(self, response: requests.Response) -> None:
        shadow = requests.Response()
        shadow.__dict__.update(response.__dict__)
        super().__init__(shadow, str(response.url))

    def read(self, amt: int | None = None) -> bytes:
        self.touched = True
        return super().read(amt)

    def read1(self, n: int = -1) -> bytes:
        self.touched = True
        return super().read1(n)

    def readinto(self, b: WriteableBuffer) -> int:
        self.touched = True
        return super().readinto(b)

    def readline(self, limit: int | None = -1) -> bytes:
        self.touched = True
        return super().readline(limit)

    def peek(self, n: int = -1) -> bytes:
        self.touched = True
        return super().peek(n)


class ResponseProcessorHook:
    """A user handler's ``http_response``/``https_response`` as a requests response hook.

    For each response (each redirect hop included, as urllib runs processors per hop) the hook
    calls ``handler.<scheme>_response(request, response)`` with a ``urllib.request.Request``
    rebuilt from the ``PreparedRequest`` (URL, method, headers, body) and this package's
    :class:`~requests_urllib_compat.response.HTTPResponse` view of the ``requests.Response``
    (status, reason, headers, undecoded body stream).  Then:

    - the processor returned that view without reading it: the ``requests.Response`` is
      unchanged (requests decodes the body as usual);
    - it read from the view, or returned another object (a wrapper, an ``addinfourl`` over a
      rewritten body): ``status_code``, ``reason`` and ``headers`` come from the returned
      object and the body is whatever it reads, as a urllib caller would see it;
    - it raised: the exception propagates out of the Session call.
    """

    def __init__(self, handler: urllib.request.BaseHandler) -> None:
        self.handler = handler

    def __repr__(self) -> str:
        return f"<ResponseProcessorHook for {self.handler!r}>"

    def __call__(
        self, response: requests.Response, *args: Any, **kwargs: Any
    ) -> requests.Response | None:
        scheme = urlsplit(str(response.url)).scheme
        process = _user_method(self.handler, f"{scheme}_response")
        if process is None:
            return None
        raw: object = response.raw
        # After another processor, this one gets what that one returned, as in urllib.
        previous = raw._result if isinstance(raw, _ProcessedBody) else None
        original = raw._original if isinstance(raw, _ProcessedBody) else raw
        view = previous if previous is not None else _ProcessorView(response)
        try:
            result = process(_urllib_request(response.request), view)
        except BaseException:
            response.close()  # the Session call fails: its connection is not left checked out
            raise
        if previous is not None and result is previous:
            return None
        if result is view and not getattr(view, "touched", True):
            view.fp = None  # detach unread: the requests.Response keeps its own stream
            return None
        response.raw = _ProcessedBody(result, original)
        status = getattr(result, "status", None) or getattr(result, "code", None)
        response.status_code = int(status or response.status_code)
        response.reason = getattr(result, "reason", response.reason)
        headers = getattr(result, "headers", None)
        if headers is not None:
            response.headers = CaseInsensitiveDict(list(headers.items()))
        return response


def _response_hooks(session: requests.Session, handler: urllib.request.BaseHandler) -> None:
    if _user_method(handler, "http_response") or _user_method(handler, "https_response"):
        session.hooks["response"].append(ResponseProcessorHook(handler))


def _request_processors(session: requests.Session, handler: urllib.request.BaseHandler) -> None:
    processors = getattr(session, "request_processors", None)
    if processors is not None and (
        _user_method(handler, "http_request") or _user_method(handler, "https_request")
    ):
        processors.append(handler)


#: A feature takes the handler of its row's type (so the table cannot say it more precisely).
Feature = Callable[[requests.Session, Any], None]

#: (handler type, how it configures the Session), applied in the opener's handler order
#: (``handler_order``, then order of addition), so hooks run in urllib's processor order.
FEATURES: list[tuple[type[object], Feature]] = [  # (the auth classes are mixins)
    (urllib.request.HTTPHandler, _transport),
    (urllib.request.HTTPSHandler, _transport),
    (urllib.request.HTTPCookieProcessor, _cookies),
    (urllib.request.HTTPRedirectHandler, _redirects),
    (urllib.request.ProxyHandler, proxies_module.configure_session),
    (urllib.request.AbstractBasicAuthHandler, auth.configure_session),
    (urllib.request.AbstractDigestAuthHandler, auth.configure_session),
    (urllib.request.FileHandler, mount_file),
    (urllib.request.DataHandler, mount_data),
    (urllib.request.FTPHandler, mount_ftp),  # CacheFTPHandler too
    (urllib.request.BaseHandler, _request_processors),
    (urllib.request.BaseHandler, _response_hooks),
]


def build_session(
    handlers: Iterable[urllib.request.BaseHandler], addheaders: Iterable[tuple[str, str]]
) -> OpenerSession:
    """A Session configured as an opener with these handlers and ``addheaders``."""
    session = OpenerSession()
    session.trust_env = False  # no .netrc, no REQUESTS_CA_BUNDLE, no environment proxies
    set_headers(session, addheaders)
    session.cookies = NoCookieJar()  # type: ignore[assignment]
    # Never requests' default adapters (certifi): the stdlib's trust, as urllib.
    session.mount("http://", shared_adapter(None))
    session.mount("https://", shared_adapter(default_https_context()))
    session.max_redirects = _stdlib.HTTPRedirectHandler.max_redirections
    for handler in sorted(handlers):
        for kind, configure in FEATURES:
            if isinstance(handler, kind):
                configure(session, handler)
    return session


def set_headers(session: requests.Session, addheaders: Iterable[tuple[str, str]]) -> None:
    """``session.headers`` as urllib sends them: ``addheaders`` and no requests defaults."""
    session.headers.clear()
    session.headers.update({k.capitalize(): v for k, v in addheaders})
    session.headers.setdefault("Accept-Encoding", "identity")
