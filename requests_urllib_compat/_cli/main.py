"""``python -m requests_urllib_compat`` (installed as ``requests-urllib-compat``).

One subparser per command; each command's work lives in its own module, imported only when
that command runs.  ``python -m requests_urllib_compat URL`` (no command) still means ``get URL``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .common import CommandError

__all__ = ["build_parser", "main"]


def _get(args: argparse.Namespace) -> int:
    from .get import FetchOptions, fetch

    return fetch(
        args.url,
        FetchOptions(
            timeout=args.timeout,
            cafile=args.cafile,
            insecure=args.insecure,
            proxy=args.proxy,
            headers=args.header,
            data=args.data,
            output=args.output,
        ),
    )


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(compare=args.compare)


def _check(args: argparse.Namespace) -> int:
    from .check import check

    return check(args.paths, output_format=args.format, strict=args.strict, exclude=args.exclude)


def _migrate(args: argparse.Namespace) -> int:
    try:
        from .migrate import migrate
    except ImportError as exc:
        if exc.name != "libcst":
            raise
        raise CommandError(
            "this command needs libcst: pip install 'requests-urllib-compat[cli]'"
        ) from None

    return migrate(args.paths, write=args.write, exclude=args.exclude)


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or _prog(),
        description="The urllib.request API on top of requests: fetch, demo, run, check and "
        "migrate legacy urllib code.",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    p = commands.add_parser("get", help="fetch a URL and print status, headers and body")
    p.add_argument("url", help="the URL to fetch")
    p.add_argument("--timeout", type=float, default=None, help="seconds (default: none)")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument(
        "--cafile", metavar="FILE", help="verify the server against these CA certificates (PEM)"
    )
    tls.add_argument(
        "-k",
        "--insecure",
        action="store_true",
        help="do not verify the server's certificate or host name",
    )
    p.add_argument(
        "-x",
        "--proxy",
        metavar="URL",
        help="proxy for http and https (default: the *_proxy environment variables; '' for none)",
    )
    p.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a request header (repeatable)",
    )
    p.add_argument(
        "-d",
        "--data",
        metavar="DATA",
        help="send DATA as the body (a POST); @FILE sends a file, @- stdin",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the body to FILE (progress bar on a terminal)"
    )
    p.set_defaults(handler=_get)

    p = commands.add_parser(
        "demo", help="run a legacy urllib.request script against a local server, on requests"
    )
    p.add_argument(
        "--compare",
        action="store_true",
        help="run the script on the stdlib's urllib.request first, to compare",
    )
    p.set_defaults(handler=_demo)

    p = commands.add_parser(
        "check", help="report the urllib.request/urllib2/six.moves uses in Python files"
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive)")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default: text)"
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if any use is not supported by this package (uses on a line "
        "with a '# urllib-compat: ignore' comment are not reported)",
    )
    _add_exclude(p)
    p.set_defaults(handler=_check)

    p = commands.add_parser(
        "migrate", help="rewrite urllib.request/urllib.error imports to this package (libcst)"
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive)")
    p.add_argument(
        "--write",
        action="store_true",
        help="rewrite the files in place (default: print a unified diff)",
    )
    _add_exclude(p)
    p.set_defaults(handler=_migrate)

    # `run` takes the program's own options verbatim: main() hands its arguments to run.main
    # before argparse sees them; this entry is for --help.
    p = commands.add_parser(
        "run", help="run a script (or -m MODULE) with urllib.request swapped for this package"
    )
    p.add_argument("program", nargs=argparse.REMAINDER, metavar="SCRIPT [ARGS...] | -m MODULE")

    # what _with_default_command asks, through argparse's public API
    parser.set_defaults(command_names=frozenset(commands.choices))
    return parser


def _add_exclude(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip files and directories matching this glob (name, or path as given); repeatable",
    )


def _prog() -> str:
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if not name or name in ("__main__.py", "-c", "-m"):
        return "python -m requests_urllib_compat"
    return name


def _with_default_command(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``URL`` alone (the original command line) means ``get URL``."""
    commands: frozenset[str] = parser.get_default("command_names")
    if (
        argv
        and argv[0] not in commands
        and argv[0] not in ("-h", "--help", "--version")
        and any("://" in arg or arg.startswith("data:") for arg in argv)
    ):
        return ["get", *argv]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["run"]:
        from .run import main as run

        return run(args_list[1:])
    args = parser.parse_args(_with_default_command(args_list, parser))
    try:
        status = int(args.handler(args))
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
