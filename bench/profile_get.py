#!/usr/bin/env python3
"""CPU-time profile of compat GETs against the benchmark's nginx: where a request's time goes.

    python bench/profile_get.py            # one opener reused
    python bench/profile_get.py build      # build_opener().open(url) per request

cProfile inflates every Python call (about 10x here): compare shares, and before/after.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench
from requests_urllib_compat import request as compat

ROWS = {
    "opener.open (urllib chain, total)": ("urllib/request.py", "open"),
    "  build_opener": ("requests_urllib_compat/_director.py", "build_opener"),
    "  transport.send (ours, total)": ("requests_urllib_compat/_transport/handlers.py", "send"),
    "    HTTPAdapter.send (requests, total)": ("requests/adapters.py", "send"),
    "      get_connection_with_tls_context": (
        "requests/adapters.py",
        "get_connection_with_tls_context",
    ),
    "      get_connection_with_tls_context (CompatAdapter)": (
        "requests_urllib_compat/_transport/adapter.py",
        "get_connection_with_tls_context",
    ),
    "      build_response": ("requests/adapters.py", "build_response"),
    "      build_response (CompatAdapter)": (
        "requests_urllib_compat/_transport/adapter.py",
        "build_response",
    ),
    "      urllib3 pool urlopen (total)": ("urllib3/connectionpool.py", "urlopen"),
    "        http.client begin (status+headers)": ("http/client.py", "begin"),
    "  HTTPResponse() (ours)": ("requests_urllib_compat/response.py", "__init__"),
    "response.read (ours)": ("requests_urllib_compat/response.py", "read"),
    "response.close (ours)": ("requests_urllib_compat/response.py", "close"),
}


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "opener"
    n = 3000
    server = bench.BenchServer()
    try:
        url = server.http_base + "/small"
        opener = compat.build_opener()

        def step() -> None:
            chosen = compat.build_opener() if mode == "build" else opener
            with chosen.open(url) as r:
                r.read()

        for _ in range(50):
            step()
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(n):
            step()
        profile.disable()
        stats: Any = pstats.Stats(profile)
        found: dict[str, float] = {}
        for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            for label, (suffix, function) in ROWS.items():
                if filename.endswith(suffix) and name == function:
                    found[label] = max(found.get(label, 0.0), cumulative)
        print(
            f"total: {stats.total_tt / n * 1e6:.0f} us CPU per request under cProfile "
            f"({mode}, {n} GETs)"
        )
        for label in ROWS:
            print(f"{found.get(label, 0.0) / n * 1e6:7.0f} us  {label}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
