"""docs/auth-and-proxies.md: every ``python`` block runs, in order, in one namespace, against
real servers and proxies on loopback; what the servers received is checked afterwards."""

from __future__ import annotations

import re

import requests_urllib_compat._director as compat_opener
from requests_urllib_compat._transport import close_shared_pools

from ..support import ROOT
from ..support.auth_server import basic, basic_credentials

PAGE = ROOT / "docs" / "auth-and-proxies.md"


def _blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.S | re.M)


def test_page_examples_run(server, tls_server, ca_file, forward_proxy, socks_proxy):
    server.route("/howto/", basic("howto", "klaus", "geheim"))
    namespace = {
        "top_level_url": server.url("/howto/"),
        "a_url": server.url("/howto/"),
        "username": "klaus",
        "password": "geheim",
        "proxy_url": forward_proxy.url,
        "https_url": tls_server.url("/secure"),
        "ca_file": ca_file,
        "socks_url": f"socks5h://127.0.0.1:{socks_proxy.port}",
    }
    proxy_mark, socks_mark = forward_proxy.mark(), socks_proxy.mark()
    blocks = _blocks()
    assert len(blocks) >= 8
    try:
        for block in blocks:
            exec(compile(block, str(PAGE), "exec"), namespace)
    finally:
        compat_opener.install_opener(None)
    # Basic auth: each fetch was challenged first, then answered with the credentials.
    answered = [r.header("Authorization") for r in server.received]
    assert answered[:2] == [None, basic_credentials("klaus", "geheim")]
    assert tls_server.received[0].target == "/secure"
    close_shared_pools()  # proxy.py logs a connection when it closes
    assert forward_proxy.lines_since(proxy_mark, f"GET 127.0.0.1:{server.port}/howto/")
    assert forward_proxy.lines_since(proxy_mark, f"CONNECT 127.0.0.1:{tls_server.port}")
    assert socks_proxy.lines_since(socks_mark, f"-> 127.0.0.1:{server.port}")
