"""The ``proofread check`` subcommand: files or standard input, findings in a chosen format."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..config import ConfigError
from ..dictionaries import DictionaryError
from ..finding import Severity
from ..output import WRITERS, CheckedDocument, formats
from ..readers import read_document, read_page
from ..readers.word_docx import DOCX_SUFFIXES
from ..text.extract import InputError, decode
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, FAIL_ON, UsageError, iso_date, say, severity
from .pipeline_args import add_pipeline_arguments, add_project_argument, load_project, project_config

NAME = "check"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``check`` on the CLI's subparsers."""
    check = subparsers.add_parser(NAME, help="check files (.txt .md .html .docx .doc .wps .pdf) or standard input (-)")
    check.add_argument("paths", nargs="+", metavar="PATH", help="file to check, or - for standard input")
    check.add_argument("--format", choices=formats(), default="text", help="output format (default: text)")
    check.add_argument("--lines", action="store_true", help="every input line is its own document")
    check.add_argument(
        "--date",
        type=iso_date,
        help="date YYYY-MM-DD for date-aware rules, for documents without their own "
        "(a web page's publication date comes first; default: today)",
    )
    check.add_argument(
        "--min-severity",
        type=severity,
        default=Severity.INFO,
        metavar="LEVEL",
        help="report findings at or above LEVEL: info, warning, error (default: info)",
    )
    check.add_argument(
        "--fail-on",
        default="error",
        choices=FAIL_ON,
        help="exit 1 when a finding at or above this severity is reported (default: error)",
    )
    add_pipeline_arguments(check)
    add_project_argument(check)
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
    return check


def run(args: argparse.Namespace) -> int:
    """Check every input; exit 0/1 by findings (``--fail-on``), 2 when an input could not be read."""
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.paths.count("-") > 1:
        raise UsageError("standard input (-) can be given only once")
    if args.annotate and args.lines:
        raise UsageError("--annotate comments whole .docx documents; it does not combine with --lines")
    from ..pipeline import ComponentError, Proofreader  # after argument errors, which need no dictionaries

    project = load_project(args)
    try:
        proofreader = Proofreader(
            extra_dictionaries=[*project.dictionaries, *args.dicts],
            config=project_config(args, project),
            disabled_rules=project.disabled_rules,
            severities=project.severities,
        )
    except (DictionaryError, ComponentError, ConfigError) as e:
        raise UsageError(str(e)) from None
    fail_on = None if args.fail_on == "never" else Severity.parse(args.fail_on)
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    writer = WRITERS[args.format](sys.stdout, color, csv_raw=args.csv_raw)
    failed = input_error = False
    for path in args.paths:
        try:
            docs = list(_documents(path, args.lines))
        except InputError as e:
            say(str(e))
            input_error = True
            continue
        texts = [(text, date or args.date) for _, text, date in docs]
        for (doc_id, text, _), findings in zip(docs, proofreader.pipe(texts, batch_size=args.batch_size)):
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
    from ..annotate import annotate_docx

    source = Path(path)
    if path == "-" or source.suffix.lower() not in DOCX_SUFFIXES:
        say(f"{path}: --annotate writes comments into .docx files only; not annotated")
        return True
    out = out_dir / f"{source.stem}.proofread.docx"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if out.exists() and out.resolve() == source.resolve():
            raise InputError(path, "--annotate would overwrite the input; choose another directory")
        placed = annotate_docx(source.read_bytes(), path, findings, out)
    except InputError as e:
        say(str(e))
        return False
    except OSError as e:
        say(f"{out}: cannot write: {e.strerror or e}")
        return False
    missed = f"，{len(findings) - placed} 处无法定位，见报告" if placed < len(findings) else ""
    missed_en = f"; {len(findings) - placed} could not be anchored, see the report" if placed < len(findings) else ""
    say(
        f"已写出 {out}（批注 {placed} 条{missed}）"
        f"（wrote {out} ({placed} comment{'s' if placed != 1 else ''}{missed_en})）"
    )
    return True


def _documents(path: str, lines: bool) -> Iterator[tuple[str | int, str, dt.date | None]]:
    """``(id, text, date)`` for each document in ``path``: the file itself, or each of its lines.

    A web page is read as a scan reads it: its article (no menus or footers) under its title,
    with the page's own publication date."""
    date = None
    if path == "-":
        name, text = "<stdin>", decode(sys.stdin.buffer.read(), "<stdin>")
    elif lines:
        name, text = path, read_document(path)
    else:
        page = read_page(path)
        name, text, date = path, page.document, page.date
    if lines:
        rows = text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()  # a final newline ends the last line; it does not start another
        yield from ((n, row[:-1] if row.endswith("\r") else row, None) for n, row in enumerate(rows, 1))
        return
    if not text.strip():
        raise InputError(name, "empty document, nothing to check")
    yield name, text, date
