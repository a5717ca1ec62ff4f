"""Which Session's ``send`` and which adapter carry a hop: the :class:`Route` of an ``open()``
call, and the requests Session a hop goes through when something patched requests.

Above :mod:`.adapter` (it calls an adapter's ``send``), below :mod:`.handlers`, whose ``send``
hands every prepared request to :func:`_dispatch`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from contextvars import ContextVar
from typing import Any

import requests
import requests.adapters
import requests.auth
import requests.cookies
import requests.utils
import urllib3

from .. import _seams
from .adapter import set_urllib_target, urllib_target
from .checks import _HttpClientReader


class Route:
    """What an opener's ``open()`` call sends its http(s) hops through (see :data:`route`).

    ``session``: the caller's :class:`requests.Session` (``build_opener(session=...)``): each hop
    goes through its ``send()`` with its headers, cookies, auth, hooks, adapters and TLS.
    ``mounts``: without one, the opener's own :attr:`~.OpenerDirector.session` once built, whose
    mounted adapters pick the adapter of each hop (so an adapter mounted there is used).
    """

    __slots__ = ("mounts", "session")

    def __init__(
        self, session: requests.Session | None = None, mounts: requests.Session | None = None
    ) -> None:
        self.session = session
        self.mounts = mounts


#: The route of the ``open()`` call in progress in this context (set by ``OpenerDirector.open``;
#: ``None``: the handler's own adapter, as for a stdlib ``OpenerDirector`` holding our handlers).
route: ContextVar[Route | None] = ContextVar("route", default=None)

_SESSION_CLASS = requests.sessions.Session
_SESSION_SEND = requests.sessions.Session.send
_SESSION_GET_ADAPTER = requests.sessions.Session.get_adapter
#: What requests sends unless told otherwise: not the caller's configuration, never sent.
_REQUESTS_DEFAULT_HEADERS = requests.utils.default_headers()


def _dispatch(
    adapter: requests.adapters.BaseAdapter,
    prepared: requests.PreparedRequest,
    timeout: Any,
    proxies: dict[str, str],
) -> requests.Response:
    """Send one hop: through the caller's Session when the opener has one, else through a
    ``requests.Session`` of the class requests uses *now* (``requests.sessions.Session``), so
    whatever patches ``Session`` or its ``send``/``get_adapter`` (mocks, caches, tracing) sees
    urllib's traffic as it sees ``requests.get``'s.  While neither is patched, that ``send``
    would only call ``adapter.send``: the adapter is called directly (the hot path)."""
    current = route.get()
    if current is not None:
        if current.session is not None:
            return _send_through(current.session, prepared, timeout, proxies)
        if current.mounts is not None:
            adapter = current.mounts.get_adapter(str(prepared.url))
    cls = requests.sessions.Session
    if (
        cls is _SESSION_CLASS
        and cls.send is _SESSION_SEND
        and cls.get_adapter is _SESSION_GET_ADAPTER
    ):
        return adapter.send(
            prepared, stream=True, timeout=timeout, verify=True, cert=None, proxies=proxies
        )  # (as a Session calls it)
    session = _transport_session(adapter, cls)
    # as a prepared request from requests (a cache serialises it; auth plugins read it)
    _seams.set_prepared_cookies(prepared, requests.cookies.RequestsCookieJar())
    response: requests.Response = session.send(
        prepared, stream=True, timeout=timeout, proxies=proxies, allow_redirects=False
    )
    return _replayable(response)


class _KeepNothingJar(requests.cookies.RequestsCookieJar):
    """The transport Session's jar: cookies are urllib's business (``HTTPCookieProcessor``)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        """Keeps nothing."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        """Keeps nothing."""


def _no_redirect(response: requests.Response) -> None:
    """urllib's handler chain decides redirects: the transport Session never sees one."""
    return None


_TRANSPORT_ATTRIBUTE = "_requests_urllib_compat_transport"


def _transport_session(adapter: Any, cls: type[requests.Session]) -> requests.Session:
    """A Session of class ``cls`` sending every http(s) URL through ``adapter``, adding
    nothing: no environment (``trust_env`` off), no cookies kept, no redirects followed.
    Made once per adapter and class, and kept on the adapter."""
    made: tuple[type[Any], requests.Session] | None = getattr(adapter, _TRANSPORT_ATTRIBUTE, None)
    if made is not None:
        if made[0] is cls:
            return made[1]
        # The class changed back or again (a cache uninstalled): close the old Session as
        # requests.get closes its own (a cache's database connection), keeping the adapter.
        made[1].adapters.clear()
        made[1].close()
    session = cls()
    session.trust_env = False
    session.cookies = _KeepNothingJar()
    session.get_redirect_target = _no_redirect  # type: ignore[method-assign,assignment]
    for prefix in ("http://", "https://"):
        replaced = session.adapters.get(prefix)
        session.mount(prefix, adapter)
        if replaced is not None and replaced is not adapter:
            replaced.close()
    with contextlib.suppress(AttributeError):  # (an adapter with __slots__: one per hop)
        setattr(adapter, _TRANSPORT_ATTRIBUTE, (cls, session))
    return session


def _send_through(
    session: requests.Session,
    prepared: requests.PreparedRequest,
    timeout: Any,
    proxies: dict[str, str],
) -> requests.Response:
    """One hop through the caller's Session: what it would add to a request (its headers,
    cookies, auth and hooks; see docs/ecosystem.md for what wins over what), then its
    ``send()``, which picks the adapter and applies ``verify``/``cert``.  Not its ``request()``:
    urllib built the request and follows redirects itself; the environment stays urllib's."""
    if isinstance(prepared.body, io.TextIOBase):  # the session's adapter may write it as UTF-8
        prepared.body = _HttpClientReader(prepared.body)
    if session.params:  # added to the query as requests does (which requotes the URL)
        prepared.prepare_url(prepared.url, session.params)
        target = urllib_target(prepared)
        if target is not None:  # (the request target from the URL: requests')
            set_urllib_target(prepared, dataclasses.replace(target, selector=None))
    headers = prepared.headers
    session_headers: Any = session.headers
    for name, value in session_headers.items():
        if (
            value is not None
            and name not in headers
            and _REQUESTS_DEFAULT_HEADERS.get(name) != value
        ):
            headers[name] = value
    jar = session.cookies
    _seams.set_prepared_cookies(prepared, jar)  # auth plugins' retries read it
    if "Cookie" not in headers and len(jar):
        cookie = requests.cookies.get_cookie_header(jar, prepared)  # type: ignore[no-untyped-call]
        if cookie:
            headers["Cookie"] = cookie
    auth: Any = session.auth
    if auth:
        if isinstance(auth, tuple) and len(auth) == 2:
            auth = requests.auth.HTTPBasicAuth(*auth)
        authed = auth(prepared)  # may register its own response hook (challenge answers)
        if authed is not None and authed is not prepared:
            prepared.__dict__.update(authed.__dict__)
    prepared.register_hook(  # type: ignore[no-untyped-call]
        "response", session.hooks.get("response", [])
    )
    if not proxies and session.proxies:
        proxies = dict(session.proxies)
    try:
        response: requests.Response = session.send(
            prepared, stream=True, timeout=timeout, proxies=proxies, allow_redirects=False
        )
    except requests.TooManyRedirects as exc:
        # max_redirects=0: send() refuses even to prepare the next hop; urllib decides.
        if not isinstance(exc.response, requests.Response):
            raise
        response = exc.response
    return _replayable(response)


def _replayable(response: requests.Response) -> requests.Response:
    """A response whose body a Session already read (a cached one, a redirect whose next hop
    requests prepared) is read again from that content."""
    content = _seams.consumed_content(response)
    if content is not None:
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(content),
            headers=response.headers,
            status=response.status_code,
            reason=response.reason,
            preload_content=False,
            decode_content=False,
        )
    return response
