"""What this package supports, name by name: the table behind the ``check`` command.

Keys are names as legacy code spells them in ``urllib.request`` / ``urllib.error`` (``six.moves``
and ``future.moves`` spellings are mapped onto those), handler hooks (methods a handler subclass
overrides), and modules.  Each entry says whether code using the name runs unchanged on this
package, and if a documented difference applies, which section of ``docs/differences.md``.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.error
import urllib.request
from typing import Literal

from .. import request as compat_request

__all__ = [
    "DIFFERENCES_PAGE",
    "HELPERS",
    "Entry",
    "Status",
    "lookup_hook",
    "lookup_module",
    "lookup_name",
]

Status = Literal["supported", "difference", "unsupported"]

DIFFERENCES_PAGE = "docs/differences.md"

KEEP_ALIVE = "Connections are kept alive and pooled"
TLS = "TLS"
AUTH_PROXIES = "Authentication and proxies"
BELOW = "Code that reaches below the handler chain"


@dataclasses.dataclass(frozen=True)
class Entry:
    status: Status
    note: str
    section: str | None = None  # a ``##`` heading of docs/differences.md

    @property
    def reference(self) -> str | None:
        """``docs/differences.md#anchor`` for the section, as Markdown renderers anchor it."""
        if self.section is None:
            return None
        anchor = re.sub(r"[^\w\- ]", "", self.section.lower()).replace(" ", "-")
        return f"{DIFFERENCES_PAGE}#{anchor}"


_SAME = "the stdlib's own object, re-exported unchanged"

# Names of urllib.request (and urllib.error) whose use deserves more than "supported".
NAMES: dict[str, Entry] = {
    "urlopen": Entry(
        "difference", "sent through requests over pooled keep-alive connections", KEEP_ALIVE
    ),
    "build_opener": Entry(
        "difference",
        "the opener's http(s) handlers use requests over pooled "
        "keep-alive connections; opener.session gives the requests.Session",
        KEEP_ALIVE,
    ),
    "install_opener": Entry(
        "difference",
        "installs for requests_urllib_compat's urlopen; the "
        "stdlib's urlopen keeps its own opener unless the swap is installed",
        BELOW,
    ),
    "OpenerDirector": Entry(
        "difference",
        "a subclass of the stdlib's; adds .session (a requests.Session configured like the opener)",
        KEEP_ALIVE,
    ),
    "HTTPHandler": Entry(
        "difference",
        "sends through requests over pooled keep-alive "
        "connections; a connection class of your own given to do_open is used "
        "as urllib uses it",
        KEEP_ALIVE,
    ),
    "HTTPSHandler": Entry(
        "difference", "sends through requests with the caller's SSLContext (never modified)", TLS
    ),
    "AbstractHTTPHandler": Entry(
        "difference",
        "do_open sends http.client's own connection "
        "classes through requests over pooled keep-alive connections; "
        "any other http_class (and its arguments) is used as urllib "
        "uses it",
        KEEP_ALIVE,
    ),
    "HTTPRedirectHandler": Entry(
        "difference",
        "a caller's own Authorization / "
        "Proxy-Authorization header is not sent to another host on "
        "redirect",
        AUTH_PROXIES,
    ),
    "ProxyHandler": Entry(
        "difference",
        "requests' proxy support: HTTPS through CONNECT, and SOCKS proxies too",
        AUTH_PROXIES,
    ),
    "urlretrieve": Entry(
        "difference",
        "the stdlib's own code over this package's urlopen "
        "(the installed opener, through requests): urlopen's differences "
        "apply",
        BELOW,
    ),
    "URLopener": Entry(
        "difference", "the stdlib's deprecated class, unchanged: it does not use requests", BELOW
    ),
    "FancyURLopener": Entry(
        "difference", "the stdlib's deprecated class, unchanged: it does not use requests", BELOW
    ),
    "HTTPError": Entry("supported", "the stdlib's exception class: except clauses keep working"),
    "URLError": Entry("supported", "the stdlib's exception class: except clauses keep working"),
    "ContentTooShortError": Entry("supported", "the stdlib's exception class"),
}

# Methods a handler subclass may define: (pattern, entry), first match wins.
HOOKS: list[tuple[re.Pattern[str], Entry]] = [
    (
        re.compile(r"do_open"),
        Entry(
            "supported",
            "the handler chain calls it as urllib does; super().do_open(http_class, "
            "req, **kwargs) uses the class and its arguments (context=, source_address=...) as "
            "urllib does",
        ),
    ),
    (
        re.compile(r"https?_open"),
        Entry(
            "supported",
            "the stdlib's handler chain calls it as urllib does; self.do_open(http_class, "
            "req, **kwargs) uses a connection class of your own and its arguments as urllib does "
            "(http.client's own classes, with context=, go over pooled connections)",
        ),
    ),
    (
        re.compile(
            r"redirect_request|http_error_\d{3}|http_error_default|http_error_auth_reqed"
            r"|retry_\w+_auth|get_authorization|get_cnonce|get_algorithm_impls"
            r"|get_entity_digest|\w+_request|\w+_response|\w+_open|do_request_|add_parent"
            r"|close|add_password|find_user_password|is_authenticated|update_authenticated"
            r"|reduce_uri|is_suburi"
        ),
        Entry("supported", "the stdlib's handler chain calls it exactly as urllib does"),
    ),
    (
        re.compile(r"get_method|get_full_url|has_header|add_header|add_unredirected_header"),
        Entry("supported", "the stdlib's Request class: the opener calls it as urllib does"),
    ),
]

MODULES: dict[str, Entry] = {
    "urllib.request": Entry(
        "supported",
        "`migrate` rewrites the import to "
        "requests_urllib_compat.request; unchanged code can run under the "
        "swap",
    ),
    "urllib.error": Entry("supported", "the same exception classes (requests_urllib_compat.error)"),
    "urllib2": Entry(
        "unsupported",
        "Python 2 module: port it to urllib.request / urllib.error first (same names)",
    ),
    "six.moves.urllib": Entry(
        "difference",
        "six.moves looks names up in urllib.request: run the "
        "code under the swap, or change the import to urllib.request "
        "(`migrate` leaves six alone)",
    ),
    "future.moves.urllib": Entry(
        "difference",
        "future.moves re-exports urllib.request: run the "
        "code under the swap, or change the import to urllib.request "
        "(`migrate` leaves future alone)",
    ),
}

# Python 2's urllib module functions that moved to urllib.request.
PY2_URLLIB = frozenset(
    {"urlopen", "urlretrieve", "urlcleanup", "URLopener", "FancyURLopener", "ContentTooShortError"}
)

# Names of urllib.request that do no HTTP (path and URL string helpers, proxy settings from the
# environment, header parsing): `migrate` leaves a module that uses only these on the stdlib, so
# it does not start importing requests.
HELPERS = frozenset(
    {
        "pathname2url",
        "url2pathname",
        "getproxies",
        "getproxies_environment",
        "proxy_bypass",
        "proxy_bypass_environment",
        "parse_http_list",
        "parse_keqv_list",
        "request_host",
        "quote",
        "unquote",
        "unquote_to_bytes",
        "urljoin",
        "urlparse",
        "urlsplit",
        "urlunparse",
        "unwrap",
        "localhost",
        "thishost",
    }
)


def lookup_name(module: str, name: str) -> Entry:
    """The entry for ``module.name`` (``module`` is ``urllib.request`` or ``urllib.error``)."""
    if module == "urllib.error":
        if hasattr(urllib.error, name) and not name.startswith("_"):
            return NAMES.get(name, Entry("supported", _SAME))
        return Entry("unsupported", f"urllib.error has no {name}")
    if name in NAMES:
        return NAMES[name]
    stdlib_value = getattr(urllib.request, name, None)
    ours = vars(compat_request).get(name)  # (its __getattr__ reaches every stdlib name)
    if ours is None:
        if stdlib_value is None:
            return Entry("unsupported", f"urllib.request has no {name}")
        return Entry(
            "unsupported",
            f"{name} is a private detail of the stdlib module, not part of the urllib.request API",
        )
    if ours is stdlib_value:
        return Entry("supported", _SAME)
    return Entry("supported", "provided by requests_urllib_compat.request")


def lookup_hook(method: str) -> Entry | None:
    """The entry for a method defined in a handler subclass, or None if it is no hook."""
    for pattern, entry in HOOKS:
        if pattern.fullmatch(method):
            return entry
    return None


def lookup_module(module: str) -> Entry:
    """The entry for one of :data:`MODULES`' keys (the only ones ``check.classify`` asks for)."""
    return MODULES[module]
