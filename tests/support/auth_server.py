"""Routes for the RecordingServer that demand credentials, as real servers and proxies do.

``basic(...)`` and ``digest(...)`` answer 401 (407 with ``proxy=True``) with a challenge unless
the request carries the right credentials; Digest responses are verified with hashlib (qop
``auth`` or none; MD5, SHA, SHA-256, SHA-512).  :func:`normalised` makes recorded requests from two
runs comparable: a Digest ``cnonce`` (and so ``response``) is random per run.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.request
from typing import Any

from .servers import Received, Reply

_HASHES = {
    "MD5": hashlib.md5,
    "SHA": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-512": hashlib.sha512,
}


def _names(proxy: bool) -> tuple[int, str, str]:
    if proxy:
        return 407, "Proxy-Authenticate", "Proxy-Authorization"
    return 401, "WWW-Authenticate", "Authorization"


def basic_credentials(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def basic(
    realm: str, user: str, password: str, proxy: bool = False, body: bytes = b"welcome"
) -> Any:
    status, challenge, answer = _names(proxy)
    expected = basic_credentials(user, password)

    def route(rec: Received, handler: Any) -> Reply:
        if rec.header(answer) == expected:
            return Reply(200, [("Content-Type", "text/plain")], body)
        return Reply(status, [(challenge, f'Basic realm="{realm}"')], b"who are you?")

    return route


def challenge_only(value: str, status: int = 401, header: str = "WWW-Authenticate") -> Any:
    """Always challenge with ``value`` (for schemes urllib does not answer)."""
    return lambda rec, handler: Reply(status, [(header, value)], b"no")


def digest_fields(value: str) -> dict[str, str]:
    scheme, _, rest = value.partition(" ")
    assert scheme == "Digest", value
    return urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))


def digest(
    realm: str,
    user: str,
    password: str,
    proxy: bool = False,
    algorithm: str = "MD5",
    qop: str | None = "auth",
    nonce: str = "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    opaque: str | None = "5ccc069c403ebaf9f0171e9517f40e41",
    body: bytes = b"welcome",
) -> Any:
    status, challenge_name, answer = _names(proxy)
    H = _HASHES[algorithm]

    def h(text: str) -> str:
        return H(text.encode()).hexdigest()

    challenge = f'Digest realm="{realm}", nonce="{nonce}", algorithm={algorithm}'
    if qop:
        challenge += f', qop="{qop}"'
    if opaque:
        challenge += f', opaque="{opaque}"'

    def valid(rec: Received) -> bool:
        value = rec.header(answer)
        if not value or not value.startswith("Digest "):
            return False
        f = digest_fields(value)
        if (f.get("username"), f.get("realm"), f.get("nonce")) != (user, realm, nonce):
            return False
        if f.get("uri") != rec.target or (opaque and f.get("opaque") != opaque):
            return False
        ha1 = h(f"{user}:{realm}:{password}")
        ha2 = h(f"{rec.method}:{f['uri']}")
        if qop:
            expected = h(f"{ha1}:{nonce}:{f['nc']}:{f['cnonce']}:{f['qop']}:{ha2}")
        else:
            expected = h(f"{ha1}:{nonce}:{ha2}")
        return f.get("response") == expected

    def route(rec: Received, handler: Any) -> Reply:
        if valid(rec):
            return Reply(200, [("Content-Type", "text/plain")], body)
        return Reply(status, [(challenge_name, challenge)], b"who are you?")

    return route


_RANDOM = re.compile(r'(cnonce|response)="[0-9a-f]*"')


def normalised(received: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Recorded requests with a Digest answer's per-run random parts blanked."""
    out = []
    for method, target, version, headers, body in received:
        headers = [
            (k, _RANDOM.sub(r'\1="*"', v) if v.startswith("Digest ") else v) for k, v in headers
        ]
        out.append((method, target, version, headers, body))
    return out
