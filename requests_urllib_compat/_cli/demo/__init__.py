"""``demo``: a legacy ``urllib.request`` script, unmodified, running on requests.

A local site and a forward proxy start on loopback (no internet needed), then
:mod:`.legacy_script` runs under :func:`requests_urllib_compat.patched` (the swap).  At the end the
site's counters show what the swap buys: many requests over few TCP connections.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path

from ...swap import patched
from .server import DemoProxy, DemoSite, closed_port_url

__all__ = ["SCRIPT", "run_demo"]

SCRIPT = Path(__file__).with_name("legacy_script.py")

# The demo talks to loopback only: a proxy configured in the environment must not see it.
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")


@contextlib.contextmanager
def _no_proxy_environment() -> Iterator[None]:
    saved = {
        name: os.environ.pop(name) for name in list(os.environ) if name.lower() in _PROXY_VARIABLES
    }
    try:
        yield
    finally:
        os.environ.update(saved)


def _run_script(argv: list[str]) -> int:
    saved_argv = sys.argv
    sys.argv = [str(SCRIPT), *argv]
    try:
        runpy.run_path(str(SCRIPT), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        sys.argv = saved_argv
    return 0


def _run_once(label: str, swap: bool) -> tuple[int, int, int]:
    """Run the script against fresh servers; (exit status, requests, connections)."""
    site, proxy = DemoSite().start(), DemoProxy().start()
    try:
        with _no_proxy_environment():
            if swap:
                with patched():
                    print(f"{label}: urllib.request swapped with requests_urllib_compat.patched()")
                    status = _run_script([site.url, proxy.url, closed_port_url()])
                from ..._transport import close_shared_pools

                close_shared_pools()
            else:
                print(f"{label}: the stdlib's own urllib.request")
                status = _run_script([site.url, proxy.url, closed_port_url()])
    finally:
        site.stop()
        proxy.stop()
    return status, site.requests + proxy.requests, site.connections + proxy.connections


def run_demo(compare: bool = False) -> int:
    """Print the script's story and the connection counts; 0 when every step behaved."""
    print(f"Demo: {SCRIPT.name}, a script written against urllib.request (see the urllib HOWTO),")
    print("run unmodified against a local site and proxy on 127.0.0.1.\n")
    results = []
    if compare:
        results.append(("urllib.request (stdlib)", *_run_once("urllib.request", swap=False)))
        print()
    results.append(("requests_urllib_compat", *_run_once("requests_urllib_compat", swap=True)))
    print()
    for name, _status, requests, connections in results:
        print(f"{name}: the servers saw {requests} requests over {connections} TCP connections.")
    if not compare:
        print(
            "(urllib.request alone opens a new connection for every request: "
            "--compare runs it too.)"
        )
    failed = [name for name, status, _, _ in results if status != 0]
    if failed:
        print(f"Some steps did not behave as expected under {', '.join(failed)}.")
        return 1
    _, _, requests, connections = results[-1]
    if connections >= requests:
        print("No connection was reused: the swap did not take effect.")
        return 1
    return 0
