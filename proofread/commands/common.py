"""What every subcommand shares: exit codes, the usage error, argument types."""

from __future__ import annotations

import argparse
import datetime as dt

from ..finding import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C
FAIL_ON = ("error", "warning", "info", "never")


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
