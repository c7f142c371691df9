"""The ``proofread`` command line: builds the parser and runs the chosen subcommand."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from . import __version__
from .commands import check, components, scan, serve
from .commands.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError, say

SUBCOMMANDS = {command.NAME: command for command in (check, scan, serve, components)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="proofread", description="Proofread Chinese official text.")
    parser.add_argument("--version", action="version", version=f"proofread {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS.values():
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _utf8_stdio()
    try:
        return SUBCOMMANDS[args.command].run(args)
    except UsageError as e:
        say(str(e))
        return EXIT_USAGE
    except BrokenPipeError:
        # Output closed early (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
