"""A legacy script, written against ``urllib.request`` as the urllib HOWTO teaches it.

Usage: ``python legacy_script.py SITE_URL PROXY_URL CLOSED_URL``.  It knows nothing about
requests or requests-urllib-compat: ``python -m requests_urllib_compat demo`` runs it unmodified
with the swap installed, and it runs just as well on the plain stdlib.  Each step prints what
happened; the exit status is 0 when every step behaved as the HOWTO says it should.
"""

import http.cookiejar
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable


class Unexpected(Exception):
    pass


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Unexpected(what)


def fetch_a_page(site: str) -> str:
    with urllib.request.urlopen(site + "/") as response:
        html = response.read()
        expect(response.status == 200 and html.startswith(b"Welcome"), f"got {html!r}")
        return (
            f"GET / -> {response.status} {response.reason}, {len(html)} bytes of "
            f"{response.headers.get_content_type()}"
        )


def post_a_form(site: str) -> str:
    values = {"name": "Michael Foord", "location": "Northampton", "language": "Python"}
    data = urllib.parse.urlencode(values).encode("ascii")
    req = urllib.request.Request(site + "/cgi-bin/register.cgi", data)
    with urllib.request.urlopen(req) as response:
        page = response.read().decode("utf-8")
    expect(page == "registered Michael Foord (Northampton, Python)", f"got {page!r}")
    return f"POST {len(data)}-byte urlencoded form -> {page!r}"


def custom_user_agent(site: str) -> str:
    user_agent = "Mozilla/5.0 (Windows NT 6.1; Win64; x64)"
    req = urllib.request.Request(site + "/whoami", headers={"User-Agent": user_agent})
    with urllib.request.urlopen(req) as response:
        page = response.read().decode("utf-8")
    expect(page == f"you are {user_agent}", f"got {page!r}")
    return f"the server saw {page[8:]!r}"


def not_found_is_httperror(site: str) -> str:
    try:
        urllib.request.urlopen(site + "/no-such-page")
    except urllib.error.HTTPError as e:
        with e:
            body = e.read().decode("utf-8")
        expect(e.code == 404 and body == "no such page: /no-such-page", f"got {e.code} {body!r}")
        return f"HTTPError {e.code} {e.reason!r}, e.read() -> {body!r}"
    raise Unexpected("no HTTPError raised")


def refused_is_urlerror(closed: str) -> str:
    try:
        urllib.request.urlopen(closed, timeout=5)
    except urllib.error.HTTPError as e:
        raise Unexpected(f"HTTPError {e.code}, not a URLError") from None
    except urllib.error.URLError as e:
        expect(isinstance(e.reason, ConnectionRefusedError), f"reason {e.reason!r}")
        return f"URLError, e.reason = {e.reason!r}"
    raise Unexpected("no URLError raised")


def redirect_and_geturl(site: str) -> str:
    with urllib.request.urlopen(site + "/old-page") as response:
        final = response.geturl()
        page = response.read()
    expect(final == site + "/new-page" and page == b"this is the new page\n", f"got {final}")
    return f"GET /old-page -> followed the 302, geturl() = {final}"


def basic_auth(site: str) -> str:
    password_mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    password_mgr.add_password(None, site + "/private/", "guido", "s3cret")
    handler = urllib.request.HTTPBasicAuthHandler(password_mgr)
    opener = urllib.request.build_opener(handler)
    with opener.open(site + "/private/report") as response:
        page = response.read().decode("utf-8")
    expect(page == "hello guido, here is the report", f"got {page!r}")
    return f"401 challenge answered from the password manager -> {page!r}"


def cookies(site: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(site + "/login") as response:
        response.read()
    names = sorted(f"{cookie.name}={cookie.value}" for cookie in jar)
    with opener.open(site + "/account") as response:
        page = response.read().decode("utf-8")
    expect(names == ["session=c0ffee"] and page.startswith("welcome back"), f"got {page!r}")
    return f"the jar kept {', '.join(names)} and sent it back -> {page!r}"


def through_a_proxy(proxy: str) -> str:
    proxy_support = urllib.request.ProxyHandler({"http": proxy})
    opener = urllib.request.build_opener(proxy_support)
    with opener.open("http://intranet.test/status") as response:
        page = response.read().decode("utf-8")
        via = response.headers["Via"]
    expect(via == "1.1 demo-proxy" and page.endswith("all systems go"), f"got {page!r}")
    return f"http://intranet.test/status via {proxy} -> {page!r} (Via: {via})"


def timeout(site: str) -> str:
    started = time.monotonic()
    try:
        urllib.request.urlopen(site + "/slow", timeout=0.5)
    except socket.timeout as e:  # what urlopen raises when the server is slow to answer
        error = repr(e)
    except urllib.error.URLError as e:  # what it raises when connecting takes too long
        expect(isinstance(e.reason, socket.timeout), f"URLError {e.reason!r}")
        error = f"URLError({e.reason!r})"
    else:
        raise Unexpected("the slow page was answered")
    waited = time.monotonic() - started
    expect(waited < 4, f"gave up only after {waited:.1f} s")
    return f"timeout=0.5 on a page that takes 5 s -> {error} after {waited:.1f} s"


def main(argv: list[str]) -> int:
    site, proxy, closed = argv[1].rstrip("/"), argv[2], argv[3]
    steps: list[tuple[str, Callable[[], str]]] = [
        ("fetch a page", lambda: fetch_a_page(site)),
        ("POST a form", lambda: post_a_form(site)),
        ("custom User-Agent", lambda: custom_user_agent(site)),
        ("404 is an HTTPError", lambda: not_found_is_httperror(site)),
        ("refused is a URLError", lambda: refused_is_urlerror(closed)),
        ("redirect, geturl()", lambda: redirect_and_geturl(site)),
        ("Basic auth", lambda: basic_auth(site)),
        ("cookies", lambda: cookies(site)),
        ("proxy", lambda: through_a_proxy(proxy)),
        ("timeout", lambda: timeout(site)),
    ]
    failed = 0
    for number, (title, step) in enumerate(steps, 1):
        try:
            outcome = step()
        except Exception as e:  # report every step, whatever goes wrong in one
            failed += 1
            print(f"  FAIL {number:2}. {title}: {type(e).__name__}: {e}", flush=True)
        else:
            print(f"  ok   {number:2}. {title}: {outcome}", flush=True)
    print(f"{len(steps) - failed} of {len(steps)} steps behaved as the urllib HOWTO says.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
