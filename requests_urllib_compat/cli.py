"""``python -m requests_urllib_compat`` (installed as ``requests-urllib-compat``).

One subparser per command; each command's work lives in its own module, imported only when
that command runs.  ``python -m requests_urllib_compat URL`` (no command) still means ``get URL``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ._cli_common import CommandError

__all__ = ["build_parser", "main"]


def _get(args: argparse.Namespace) -> int:
    from .fetch import fetch

    return fetch(args.url, args.timeout)


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(compare=args.compare)


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or _prog(),
        description="The urllib.request API on top of requests: fetch, demo, check and "
                    "migrate legacy urllib code.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p = commands.add_parser("get", help="fetch a URL and print status, headers and body")
    p.add_argument("url", help="the URL to fetch")
    p.add_argument("--timeout", type=float, default=None, help="seconds (default: none)")
    p.set_defaults(handler=_get)

    p = commands.add_parser(
        "demo", help="run a legacy urllib.request script against a local server, on requests")
    p.add_argument("--compare", action="store_true",
                   help="run the script on the stdlib's urllib.request first, to compare")
    p.set_defaults(handler=_demo)

    return parser


def _prog() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if not name or name in ("__main__.py", "-c", "-m"):
        return "python -m requests_urllib_compat"
    return name


def _with_default_command(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``URL`` alone (the original command line) means ``get URL``."""
    commands: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    if argv and argv[0] not in commands and argv[0] not in ("-h", "--help", "--version") \
            and any("://" in arg or arg.startswith("data:") for arg in argv):
        return ["get", *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(_with_default_command(args_list, parser))
    try:
        status: int = args.handler(args)
    except CommandError as exc:
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{parser.prog} {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into ``head`` and friends: stop quietly, like other command-line tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
