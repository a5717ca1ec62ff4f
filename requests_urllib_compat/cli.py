"""``python -m requests_urllib_compat URL``: fetch a URL through the compat layer."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence

from .error import HTTPError, URLError
from .opener import urlopen


def fetch(url: str, timeout: float | None) -> int:
    """Print status line, headers and body of ``url``; exit status 0, or 1 on an error."""
    try:
        response = urlopen(url, timeout=timeout)
    except HTTPError as exc:
        response = exc
    except URLError as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with response:
        status = response.status
        print(f"{status} {response.reason}" if status is not None else response.geturl())
        for name, value in response.headers.items():
            print(f"{name}: {value}")
        print()
        sys.stdout.flush()
        shutil.copyfileobj(response, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return 0 if status is None or status < 400 else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m requests_urllib_compat",
                                     description=__doc__)
    parser.add_argument("url", help="the URL to fetch")
    parser.add_argument("--timeout", type=float, default=None, help="seconds (default: none)")
    args = parser.parse_args(argv)
    return fetch(args.url, args.timeout)
