"""The opener's auth handlers as one requests auth object, for ``opener.session``.

Through the opener, urllib's own auth handlers answer challenges (their code runs unchanged on
our transport).  ``opener.session.auth`` is :class:`HandlerAuth`: it answers a 401 (or a 407 from
a plain-http proxy) the way those handlers decide, always asking the *caller's* password-manager
object (``find_user_password``, ``is_authenticated``/``update_authenticated``), never a copy of
its data:

- Basic: only after a challenge whose realm the manager has credentials for (the realm parsed
  by urllib's own ``_parse_realm``), or up front when a ``HTTPPasswordMgrWithPriorAuth`` says the
  URL ``is_authenticated``; the answer is not repeated when it was already refused.
- Digest: the challenge is answered by requests' :class:`~requests.auth.HTTPDigestAuth`
  machinery (qop ``auth``, nonce counting across requests, MD5, SHA, and also SHA-256, SHA-512
  and the ``-sess`` variants, which urllib lacks) with the manager's credentials for the realm.
- Handlers answer in urllib's order (``handler_order``: Digest before Basic).

As in requests, a challenge is answered once per request (urllib's Digest handler retries up
to six times); an unanswerable challenge leaves the 401/407 response as it is (requests never
raises for a status).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import threading
import urllib.request
from typing import IO, Any, Callable
from urllib.parse import urlsplit

import requests
from requests import cookies as _cookies
from requests import utils as _utils
from requests.auth import AuthBase, HTTPDigestAuth
from requests.utils import select_proxy

from . import _seams
from .error import URLError
from .response import HTTPResponse

__all__ = ["HandlerAuth", "answer_challenge", "basic_authorization", "configure_session"]

# AbstractBasicAuthHandler | AbstractDigestAuthHandler (plus BaseHandler): what is read from
# them (passwd, auth_header, _parse_realm, get_authorization) is untyped in typeshed.
_AuthHandler = Any

# Untyped in requests' stubs.
_parse_dict_header: Any = _utils.parse_dict_header
_extract_cookies_to_jar: Any = _cookies.extract_cookies_to_jar

_CHALLENGES = {
    401: ("WWW-Authenticate", "Authorization"),
    407: ("Proxy-Authenticate", "Proxy-Authorization"),
}


def _challenges(response: requests.Response, name: str) -> list[str]:
    """Each challenge header as received (requests joins repeated headers with commas)."""
    headers = getattr(response.raw, "headers", None)
    getlist = getattr(headers, "getlist", None)
    if getlist is not None:
        values = [str(v) for v in getlist(name)]
        if values:
            return values
    value = response.headers.get(name)
    return [value] if value else []


class HandlerAuth(AuthBase):
    """Answers 401/407 challenges as the opener's auth handlers would (see the module doc)."""

    def __init__(self) -> None:
        self.handlers: list[_AuthHandler] = []
        self._digests: dict[tuple[int, str, str], HTTPDigestAuth] = {}
        self._lock = threading.Lock()

    def add(self, handler: _AuthHandler) -> None:
        """Answer with ``handler`` too (handlers are consulted in the order added)."""
        self.handlers.append(handler)

    def __repr__(self) -> str:  # the handlers' class names only: no credentials
        names = ", ".join(type(h).__name__ for h in self.handlers)
        return f"<HandlerAuth [{names}]>"

    # -- sending ---------------------------------------------------------------------------

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = str(request.url)
        for handler in self.handlers:
            if (
                _is_basic(handler)
                and handler.auth_header == "Authorization"
                and _prior_auth(handler.passwd, url)
                and "Authorization" not in request.headers
            ):
                user, password = handler.passwd.find_user_password(None, url)
                if user is not None:
                    request.headers["Authorization"] = basic_authorization(user, password)
                break
        body: object = request.body
        position = None
        if hasattr(body, "tell"):
            try:
                position = body.tell()
            except OSError:
                position = None
        hookable: Any = request
        hookable.register_hook("response", lambda r, **kw: self._on_response(r, position, **kw))
        return request

    # -- answering -------------------------------------------------------------------------

    def _on_response(
        self, response: requests.Response, position: int | None, **kwargs: Any
    ) -> requests.Response:
        names = _CHALLENGES.get(response.status_code)
        if names is not None:
            challenge_name, answer_name = names
            answer = self._answer(response, challenge_name, answer_name, kwargs)
            if answer is not None:
                response = self._resend(response, answer_name, answer, position, kwargs)
        self._remember(response)
        return response

    def _answer(
        self,
        response: requests.Response,
        challenge_name: str,
        answer_name: str,
        kwargs: dict[str, Any],
    ) -> str | None:
        request = response.request
        url = str(request.url)
        challenges = _challenges(response, challenge_name)
        if not challenges:
            return None
        for handler in self.handlers:
            if str(getattr(handler, "auth_header", "")).lower() != answer_name.lower():
                continue  # (urllib spells it 'Proxy-authorization' in the Basic handler)
            if answer_name == "Proxy-Authorization":
                proxy = select_proxy(url, kwargs.get("proxies") or {})
                if not proxy:
                    continue
                where = urlsplit(proxy if "://" in proxy else f"http://{proxy}").netloc
                where = where.rpartition("@")[2]
            else:
                where = url
            if _is_digest(handler) and answer_name == "Proxy-Authorization":
                answer = _proxy_digest(handler, challenges[0], request, where)
            elif _is_digest(handler):
                # urllib's Digest handler reads the first challenge header only.
                answer = self._digest(handler, challenges[0], request, url)
            else:
                answer = _basic(handler, challenges, where)
            if answer is not None:
                if request.headers.get(answer_name) == answer:
                    return None  # refused already: urllib does not repeat it either
                return answer
        return None

    def _digest(
        self, handler: _AuthHandler, challenge: str, request: requests.PreparedRequest, url: str
    ) -> str | None:
        scheme, _, rest = challenge.strip().partition(" ")
        if scheme.lower() != "digest":
            return None
        chal = _parse_dict_header(rest)
        realm = chal.get("realm")
        if realm is None or "nonce" not in chal:
            return None
        # urllib's ProxyDigestAuthHandler too looks credentials up by the request's URL.
        user, password = handler.passwd.find_user_password(realm, url)
        if user is None:
            return None
        key = (id(handler), user, password)
        with self._lock:
            digest: Any = self._digests.get(key)
            if digest is None:
                digest = self._digests[key] = HTTPDigestAuth(user, password)
            digest.init_per_thread_state()
            _seams.set_digest_challenge(digest, chal)
            header: str | None = digest.build_digest_header(str(request.method), url)
            return header

    def _resend(
        self,
        response: requests.Response,
        name: str,
        value: str,
        position: int | None,
        kwargs: dict[str, Any],
    ) -> requests.Response:
        """Send the request again with ``name: value``, as requests' own Digest auth does."""
        request = response.request
        body: object = request.body
        if position is not None and hasattr(body, "seek"):
            body.seek(position)
        response.content  # noqa: B018 - read the body so the connection can be reused
        response.close()
        again = request.copy()
        cookies = _seams.prepared_cookies(again)
        if cookies is not None:
            _extract_cookies_to_jar(cookies, request, response.raw)
            again.prepare_cookies(cookies)
        again.headers[name] = value
        connection: requests.adapters.BaseAdapter | None = getattr(response, "connection", None)
        if connection is None:
            return response
        retried: requests.Response = connection.send(again, **kwargs)
        retried.history.append(response)
        retried.request = again
        return retried

    def _remember(self, response: requests.Response) -> None:
        """``HTTPBasicAuthHandler.http_response``: the outcome marks the URL for prior auth."""
        url = str(response.request.url)
        for handler in self.handlers:
            passwd: Any = getattr(handler, "passwd", None)
            if _is_basic(handler) and hasattr(passwd, "is_authenticated"):
                passwd.update_authenticated(url, 200 <= response.status_code < 300)


def basic_authorization(user: object, password: object) -> str:
    """A Basic credentials header value as urllib's handlers build it: ``user:password`` in
    UTF-8.  (requests' ``_basic_auth_str`` encodes in latin-1, so a non-ASCII password went
    out differently, and one beyond latin-1 raised ``UnicodeEncodeError``.)"""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _is_basic(handler: object) -> bool:
    return isinstance(handler, urllib.request.AbstractBasicAuthHandler)


def _is_digest(handler: object) -> bool:
    return isinstance(handler, urllib.request.AbstractDigestAuthHandler)


def _prior_auth(passwd: Any, url: str) -> bool:
    is_authenticated = getattr(passwd, "is_authenticated", None)
    return bool(is_authenticated is not None and is_authenticated(url))


def _proxy_digest(
    handler: Any, challenge: str, request: requests.PreparedRequest, proxy: str
) -> str | None:
    """Digest for a plain-http proxy, by urllib's own handler: the digest covers the request
    target, which through a proxy is the absolute URL (requests' Digest would use the path)."""
    scheme, _, rest = challenge.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    chal = urllib.request.parse_keqv_list([p for p in urllib.request.parse_http_list(rest) if p])
    req = urllib.request.Request(str(request.url), method=request.method)
    req.set_proxy(proxy, "http")
    try:
        value = handler.get_authorization(req, chal)
    except (ValueError, URLError):  # an algorithm or qop urllib does not know
        return None
    return f"Digest {value}" if value else None


def _basic(handler: Any, challenges: list[str], where: str) -> str | None:
    """What urllib's Basic handler would send for these challenges, or None."""
    for challenge in challenges:
        for scheme, realm in _seams.parse_realm(handler, challenge):
            if scheme.lower() != "basic" or realm is None:
                continue
            user, password = handler.passwd.find_user_password(realm, where)
            if user is not None:
                return basic_authorization(user, password)
    return None


def configure_session(session: requests.Session, handler: _AuthHandler) -> None:
    """FEATURES entry: every auth handler of the opener answers through one ``session.auth``."""
    if not isinstance(session.auth, HandlerAuth):
        session.auth = HandlerAuth()
    session.auth.add(handler)


#: A challenge body up to this size is read first so that its connection can carry the retry.
_BUFFER_LIMIT = 64 * 1024


def answer_challenge(
    error: Callable[..., Any],
    proto: str,
    req: urllib.request.Request,
    challenge: IO[bytes],
    *args: Any,
) -> Any:
    """``OpenerDirector.error`` for a 401/407: urllib's auth handlers answer it with a new
    request and drop the challenge response unclosed (harmless with http.client's connection
    per request).  Here the challenge's short body is read into memory first, so the retry
    reuses the pooled connection, and the dropped response is closed."""
    if isinstance(challenge, HTTPResponse):
        # (a broken challenge body is ignored: the handlers decide on the headers alone)
        with contextlib.suppress(OSError, http.client.HTTPException):
            challenge.buffer_body(_BUFFER_LIMIT)
    result = error(proto, req, challenge, *args)
    if (
        isinstance(challenge, HTTPResponse)
        and result is not None
        and result is not challenge
        and getattr(result, "fp", None) is not challenge
    ):
        challenge.close()
    return result
