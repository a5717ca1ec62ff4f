#!/usr/bin/env python3
"""Where the cost of ``build_opener().open(url)`` per request goes, over plain HTTP.

    python bench/opener_cost.py [--rounds 20]

Against the benchmark's nginx, in CPU time of this process (steadier than wall time on a shared
machine), ``build_opener(HTTPSHandler(context=ctx)).open(url)`` per request is compared with one
reused opener, as in ``bench.py``, and then with two "what if" variants, each in a fresh process:

* ``unchecked``: the cached dispatch tables replayed without checking that they still apply
  (unsound: a class patched later would not be seen); what the checks cost;
* ``acyclic``: each opener's handlers unlinked from it after use, so that reference counting
  frees it instead of the cyclic garbage collector (``handler.parent`` is urllib's API, so this
  is only a measurement); what the reference cycles cost.

Each prints the best-round ratio and the median of per-round ratios (reused / per-request
rate, as bench.py's target: >= 0.9 is "within 10%").
"""

from __future__ import annotations

import argparse
import os
import ssl
import statistics
import subprocess
import sys
import time
from typing import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

VARIANTS = ("as shipped", "unchecked", "acyclic")


def measure(variant: str, url: str, ca_file: str, rounds: int, n: int = 400) -> str:
    from requests_urllib_compat import _opener_setup
    from requests_urllib_compat import request as compat

    if variant == "unchecked":
        _opener_setup._Template.fits = lambda self, handlers: True  # type: ignore[method-assign]
    ctx = ssl.create_default_context(cafile=ca_file)
    opener = compat.build_opener(compat.HTTPSHandler(context=ctx))

    def reused() -> None:
        with opener.open(url) as r:
            r.read()

    def per_request() -> None:
        fresh = compat.build_opener(compat.HTTPSHandler(context=ctx))
        with fresh.open(url) as r:
            r.read()
        if variant == "acyclic":
            for handler in fresh.handlers:
                del handler.parent  # type: ignore[attr-defined]

    rates: dict[str, list[float]] = {"reused": [], "per request": []}
    cases: list[tuple[str, Callable[[], None]]] = [("reused", reused), ("per request", per_request)]
    for r in range(rounds):
        for label, step in cases if r % 2 else cases[::-1]:
            for _ in range(5):
                step()
            start = time.process_time()
            for _ in range(n):
                step()
            rates[label].append(n / (time.process_time() - start))
    best = max(rates["per request"]) / max(rates["reused"])
    median = statistics.median(a / b for a, b in zip(rates["per request"], rates["reused"]))
    return (
        f"{variant:11s} reused {1e6 / max(rates['reused']):6.1f} us  per request "
        f"{1e6 / max(rates['per request']):6.1f} us CPU  ratio {best:.3f} "
        f"(median of rounds {median:.3f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        variant, url, ca_file = args.child
        print(measure(variant, url, ca_file, args.rounds), flush=True)
        return 0

    import bench

    server = bench.BenchServer()
    try:
        print(f"server: {server.kind}; {args.rounds} rounds of 400 GETs per case, CPU time")
        for variant in VARIANTS:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--rounds",
                    str(args.rounds),
                    "--child",
                    variant,
                    server.http_base + "/small",
                    server.ca_file,
                ],
                check=True,
            )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
