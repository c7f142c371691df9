"""What every subcommand shares: exit codes, the usage error, argument types."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
import sys
import threading
from collections.abc import Iterator

from ..finding import Severity
from ..messages import chinese

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C
FAIL_ON = ("error", "warning", "info", "never")


def say(message: str) -> None:
    """One line for the user on standard error, in Chinese (the English kept in brackets)."""
    print(f"proofread: {chinese(message)}", file=sys.stderr)


class UsageError(Exception):
    """Bad arguments, input or output folder: one line on stderr, exit code 2."""


def iso_date(value: str) -> dt.date:
    """``--date`` values: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def severity(value: str) -> Severity:
    """``--min-severity`` values: info, warning, error."""
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


@contextlib.contextmanager
def interrupt_once() -> Iterator[None]:
    """The first Ctrl-C raises ``KeyboardInterrupt``; later ones are ignored from then on (the
    command is ending), so that a repeated Ctrl-C cannot break off the clean-up it started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def first(signum, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first)
    yield  # on KeyboardInterrupt, SIGINT stays ignored while the command winds up
    signal.signal(signal.SIGINT, previous)
