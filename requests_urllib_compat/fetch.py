"""The ``get URL`` command: fetch a URL through the compat layer and print what came back."""

from __future__ import annotations

import shutil
import sys

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
    except (ValueError, OSError) as exc:
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
