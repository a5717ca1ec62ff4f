"""The ``get URL`` command: fetch a URL through the compat layer and print what came back.

Options a fetch tool is expected to have (``--cafile``, ``--insecure``, ``--proxy``,
``--header``, ``--data``, ``-o FILE``), each mapped onto the urllib API a legacy caller would
use (an ``HTTPSHandler`` with an ``SSLContext``, a ``ProxyHandler``, ``Request`` headers and
data), so the command exercises the same code as the caller's.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import ssl
import sys
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

import requests

from .._director import build_opener
from .._proxies import ProxyHandler
from .._transport import HTTPSHandler
from ..error import ContentTooShortError, HTTPError, URLError
from .common import CommandError

__all__ = ["FetchOptions", "fetch"]

_CHUNK = 64 * 1024


@dataclass
class FetchOptions:
    """What ``get`` was asked besides the URL (the command-line options)."""

    timeout: float | None = None
    cafile: str | None = None
    insecure: bool = False
    proxy: str | None = None
    headers: Sequence[str] = ()
    data: str | None = None
    output: str | None = None


def fetch(url: str, options: FetchOptions | None = None) -> int:
    """Print status line and headers of ``url``, then its body (on stdout or into ``-o FILE``).

    Exit status 0, or 1 on an HTTP error status or a failure (one ``error:`` line on stderr
    naming the host, or the proxy, that failed); bad options raise :class:`CommandError`.
    """
    options = options or FetchOptions()
    data, headers = _data(options.data), dict(_header(h) for h in options.headers)
    opener = build_opener(*_handlers(options))
    proxies = _proxies(options)
    try:
        request = urllib.request.Request(url, data=data, headers=headers)
        response = opener.open(request, timeout=options.timeout)
    except HTTPError as exc:
        response = exc
    except (URLError, ValueError, OSError) as exc:
        print(f"error: {_failure(exc, url, proxies)}", file=sys.stderr)
        return 1
    with response:
        status = response.status
        print(f"{status} {response.reason}" if status is not None else response.geturl())
        for name, value in response.headers.items():
            print(f"{name}: {value}")
        print()
        sys.stdout.flush()
        try:
            if options.output in (None, "-"):
                shutil.copyfileobj(response, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                _save(response, options.output)
        except BrokenPipeError:
            raise  # (stdout piped into head: the command stops quietly)
        except (OSError, http.client.HTTPException) as exc:
            print(f"error: {_failure(exc, response.geturl(), proxies)}", file=sys.stderr)
            return 1
    return 0 if status is None or status < 400 else 1


def _handlers(options: FetchOptions) -> list[urllib.request.BaseHandler]:
    handlers: list[urllib.request.BaseHandler] = []
    if options.cafile or options.insecure:
        try:
            context = ssl.create_default_context(cafile=options.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise CommandError(f"--cafile {options.cafile}: {exc}") from None
        if options.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        handlers.append(HTTPSHandler(context=context))
    if options.proxy is not None:
        handlers.append(ProxyHandler(_proxies(options)))
    return handlers


def _proxies(options: FetchOptions) -> dict[str, str]:
    """The proxy per scheme: ``--proxy`` for http and https, else the environment's."""
    if options.proxy is None:
        return urllib.request.getproxies()
    proxy = options.proxy if "://" in options.proxy else f"http://{options.proxy}"
    return {"http": proxy, "https": proxy} if options.proxy else {}


def _header(line: str) -> tuple[str, str]:
    name, sep, value = line.partition(":")
    if not sep or not name.strip() or name != name.strip():
        raise CommandError(f"--header {line!r}: expected 'Name: value'")
    return name, value.strip()


def _data(data: str | None) -> bytes | None:
    """``--data TEXT`` (sent UTF-8 encoded), ``--data @FILE`` (its bytes), ``@-`` (stdin)."""
    if data is None:
        return None
    if not data.startswith("@"):
        return data.encode("utf-8")
    if data == "@-":
        return sys.stdin.buffer.read()
    try:
        with open(data[1:], "rb") as file:
            return file.read()
    except OSError as exc:
        raise CommandError(f"--data {data}: {exc.strerror or exc}") from None


def _failure(exc: BaseException, url: str, proxies: dict[str, str]) -> str:
    """``host: reason``, or ``proxy URL (for host): reason`` when the proxy failed; the URL
    is the one that failed (a redirect's target), credentials left out."""
    cause = exc.__cause__
    failed = getattr(getattr(cause, "request", None), "url", None) or url
    parts = urlsplit(failed)
    where = _netloc(parts.scheme, parts.hostname, parts.port) or failed
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(cause, requests.exceptions.ProxyError):
        proxy = proxies.get(parts.scheme)
        if proxy:
            p = urlsplit(proxy)
            where = f"proxy {_netloc(p.scheme, p.hostname, p.port)} (for {where})"
        else:
            where = f"the proxy for {where}"
    return f"{where}: {reason}"


def _netloc(scheme: str, host: str | None, port: int | None) -> str:
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def _save(response: Any, path: str) -> None:
    """Write the body to ``path`` (through ``path.part``, renamed when complete), with a
    progress bar on stderr when it is a terminal, then one summary line."""
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    progress = _Progress(path, total, sys.stderr)
    partial = f"{path}.part"
    done = 0
    try:
        with open(partial, "wb") as file:
            while chunk := response.read(_CHUNK):
                file.write(chunk)
                done += len(chunk)
                progress.update(done)
        if total is not None and done < total:  # read(n) ends quietly on a short body
            raise ContentTooShortError(  # as urlretrieve says it
                f"retrieval incomplete: got only {done} out of {total} bytes",
                (path, response.headers),
            )
        os.replace(partial, path)
    except BaseException:
        progress.close()
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    progress.close()
    print(f"saved {_size(done)} to {path}", file=sys.stderr)


class _Progress:
    """``FILE [#####.....] 42% 1.2 MiB/2.9 MiB`` redrawn in place, only on a terminal."""

    def __init__(self, label: str, total: int | None, stream: TextIO, width: int = 30) -> None:
        self.label, self.total, self.stream, self.width = label, total, stream, width
        try:
            self.enabled = stream.isatty()
        except (AttributeError, ValueError):  # a closed or unusual stream
            self.enabled = False
        self._shown = ""

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        if self.total:
            filled = min(self.width, done * self.width // self.total)
            text = (
                f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{done * 100 // self.total}% {_size(done)}/{_size(self.total)}"
            )
        else:
            text = f"{self.label} {_size(done)}"
        if text != self._shown:
            self._shown = text
            self.stream.write(f"\r{text}\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size, unit = count / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.1f} {unit}"
