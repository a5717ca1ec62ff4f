#!/usr/bin/env python3
"""CPU cost of one request, for before/after comparisons on a busy machine.

    python bench/cost_per_request.py                    # CPU µs per request, interleaved rounds
    python bench/cost_per_request.py --instructions     # instructions per request (callgrind)

Against the benchmark's nginx (started here), three cases: compat ``urlopen(url)`` and stdlib
``urlopen(url)`` over plain HTTP, compat ``urlopen(url, context=ctx)`` over HTTPS.  CPU time
(``time.process_time``: user + system of this process) is steadier than wall time when other
work shares the CPUs; the minimum over rounds is printed.  ``--instructions`` counts the
instructions this process executes in user space per request under ``valgrind --tool=callgrind``
(the difference between a run of 250 and one of 50 requests, with ``PYTHONHASHSEED=0``): the
same to a few hundred instructions from run to run, whatever the load.  It leaves out the
kernel (system calls) and the server, which wall time includes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CASES = ("compat http", "stdlib http", "compat https")


def _steps(server: dict[str, str]) -> dict[str, Callable[[], None]]:
    from requests_urllib_compat import request as compat

    url = server["http"] + "/small"
    tls_url = server["https"] + "/small"
    context = ssl.create_default_context(cafile=server["ca"])

    def compat_http() -> None:
        with compat.urlopen(url) as r:
            r.read()

    def stdlib_http() -> None:
        with urllib.request.urlopen(url) as r:
            r.read()

    def compat_https() -> None:
        with compat.urlopen(tls_url, context=context) as r:
            r.read()

    return dict(zip(CASES, (compat_http, stdlib_http, compat_https)))


def _child(case: str, n: int, server_file: str) -> None:
    with open(server_file) as f:
        step = _steps(json.load(f))[case]
    for _ in range(20 + n):
        step()


def _instructions(case: str, server_file: str) -> int:
    counts = []
    for n in (50, 250):
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--child",
                case,
                str(n),
                server_file,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=True,
        )
        counts.append(int(re.findall(r"Collected : (\d+)", result.stderr)[-1]))
    return (counts[1] - counts[0]) // 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]), args.child[2])
        return 0
    import bench

    server = bench.BenchServer()
    try:
        info = {"http": server.http_base, "https": server.https_base, "ca": server.ca_file}
        if args.instructions:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(info, f)
            try:
                for case in CASES:
                    print(f"{case:14s} {_instructions(case, f.name):9d} instructions per request")
            finally:
                os.unlink(f.name)
            return 0
        steps = _steps(info)
        cpu: dict[str, list[float]] = {case: [] for case in CASES}
        for r in range(args.rounds):
            for case in CASES if r % 2 else CASES[::-1]:
                for _ in range(5):
                    steps[case]()
                start = time.process_time()
                for _ in range(400):
                    steps[case]()
                cpu[case].append((time.process_time() - start) / 400 * 1e6)
        for case in CASES:
            print(f"{case:14s} {min(cpu[case]):7.1f} µs CPU per request (best of {args.rounds})")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
