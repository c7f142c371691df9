"""The ``proofread`` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__, config
from .dictionaries import DictionaryError
from .finding import Severity
from .output import FORMATS, WRITERS, CheckedDocument
from .scan import command as scan_command
from .text.extract import DOCX_SUFFIXES, InputError, decode, read_document

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or input: one line on stderr, exit code 2."""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="proofread", description="Proofread Chinese official text.")
    parser.add_argument("--version", action="version", version=f"proofread {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check files (.txt .md .html .docx) or standard input (-)")
    check.add_argument("paths", nargs="+", metavar="PATH", help="file to check, or - for standard input")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--lines", action="store_true", help="every input line is its own document")
    check.add_argument("--date", type=_date, help="document date YYYY-MM-DD for date-aware rules (default: today)")
    check.add_argument(
        "--min-severity",
        type=_severity,
        default=Severity.INFO,
        metavar="LEVEL",
        help="report findings at or above LEVEL: info, warning, error (default: info)",
    )
    check.add_argument(
        "--fail-on",
        default="error",
        choices=("error", "warning", "info", "never"),
        help="exit 1 when a finding at or above this severity is reported (default: error)",
    )
    add_pipeline_arguments(check)
    check.add_argument(
        "--csv-raw",
        action="store_true",
        help="with --format csv: the exact text in every cell, even where a spreadsheet would run it as a "
        "formula (by default a cell starting with = + - @ tab or CR gets a leading ')",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format (default: on a terminal only)",
    )
    check.add_argument(
        "--annotate",
        type=Path,
        metavar="DIR",
        help="also write each .docx input to DIR as NAME.proofread.docx with a Word comment on every finding",
    )
    check.add_argument("--batch-size", type=int, default=64, help=argparse.SUPPRESS)
    scan_command.add_parser(sub)
    sub.add_parser("components", help="list the pipeline components and their settings")
    return parser


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """Dictionary and model options, shared by ``check`` and ``scan``."""
    parser.add_argument(
        "--dict",
        dest="dicts",
        action="append",
        default=[],
        metavar="PATH",
        help="extra dictionary file (TSV; repeatable)",
    )
    config.add_arguments(parser, _components())


def pipeline_config(args: argparse.Namespace) -> dict:
    """``Proofreader(config=...)`` from the arguments of :func:`add_pipeline_arguments`."""
    return config.from_arguments(args, _components())


def _components() -> list:
    from .checkers import REGISTRY
    from .checkers.base import by_priority

    return by_priority(REGISTRY.values())


def _list_components() -> int:
    print(config.describe(_components()))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _utf8_stdio()
    try:
        if args.command == "components":
            return _list_components()
        return scan_command.run(args) if args.command == "scan" else _check(args)
    except UsageError as e:
        print(f"proofread: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # Output closed early (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("proofread: interrupted", file=sys.stderr)
        return 130


def _check(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.paths.count("-") > 1:
        raise UsageError("standard input (-) can be given only once")
    if args.annotate and args.lines:
        raise UsageError("--annotate comments whole .docx documents; it does not combine with --lines")
    from .pipeline import ComponentError, Proofreader  # after argument errors, which need no dictionaries

    try:
        proofreader = Proofreader(extra_dictionaries=args.dicts, config=pipeline_config(args))
    except (DictionaryError, ComponentError, config.ConfigError) as e:
        raise UsageError(str(e)) from None
    fail_on = None if args.fail_on == "never" else Severity.parse(args.fail_on)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    writer = WRITERS[args.format](sys.stdout, color, csv_raw=args.csv_raw)
    failed = input_error = False
    for path in args.paths:
        try:
            docs = list(_documents(path, args.lines))
        except InputError as e:
            print(f"proofread: {e}", file=sys.stderr)
            input_error = True
            continue
        texts = [(text, args.date) for _, text in docs]
        for (doc_id, text), findings in zip(docs, proofreader.pipe(texts, batch_size=args.batch_size)):
            shown = [f for f in findings if f.severity >= args.min_severity]
            writer.write(CheckedDocument(doc_id, text, shown))
            failed = failed or any(fail_on is not None and f.severity >= fail_on for f in shown)
            if args.annotate:
                input_error = not _annotate(path, shown, args.annotate) or input_error
    writer.close()
    if input_error:
        return EXIT_USAGE
    return EXIT_FINDINGS if failed else EXIT_OK


def _annotate(path: str, findings: list, out_dir: Path) -> bool:
    """Write the Word copy of a checked .docx with its comments; False (said on stderr) if not."""
    from .annotate import annotate_docx

    source = Path(path)
    if path == "-" or source.suffix.lower() not in DOCX_SUFFIXES:
        print(f"proofread: {path}: --annotate writes comments into .docx files only; not annotated", file=sys.stderr)
        return True
    out = out_dir / f"{source.stem}.proofread.docx"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if out.exists() and out.resolve() == source.resolve():
            raise InputError(path, "--annotate would overwrite the input; choose another directory")
        placed = annotate_docx(source.read_bytes(), path, findings, out)
    except InputError as e:
        print(f"proofread: {e}", file=sys.stderr)
        return False
    except OSError as e:
        print(f"proofread: {out}: cannot write: {e.strerror or e}", file=sys.stderr)
        return False
    missed = f"; {len(findings) - placed} could not be anchored, see the report" if placed < len(findings) else ""
    print(f"proofread: wrote {out} ({placed} comment{'s' if placed != 1 else ''}{missed})", file=sys.stderr)
    return True


def _documents(path: str, lines: bool) -> Iterator[tuple[str | int, str]]:
    """``(id, text)`` for each document in ``path``: the file itself, or each of its lines."""
    if path == "-":
        name, text = "<stdin>", decode(sys.stdin.buffer.read(), "<stdin>")
    else:
        name, text = path, read_document(path)
    if lines:
        rows = text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()  # a final newline ends the last line; it does not start another
        yield from ((n, row[:-1] if row.endswith("\r") else row) for n, row in enumerate(rows, 1))
        return
    if not text.strip():
        raise InputError(name, "empty document, nothing to check")
    yield name, text


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
