"""The ``proofread scan`` subcommand: an archive of articles into reports per unit."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from ..finding import Severity
from .common import EXIT_FINDINGS, EXIT_OK, FAIL_ON, UsageError, iso_date
from .pipeline_args import add_pipeline_arguments, pipeline_config

NAME = "scan"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``scan`` on the CLI's subparsers."""
    scan = subparsers.add_parser(
        NAME, help="sweep an archive of published articles (folders, .zip, .jsonl) and write reports per unit"
    )
    scan.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="folder (recursive), .zip archive or .jsonl export (and .parquet with --engine spark)",
    )
    scan.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: scan state (scan.sqlite) and report.html, findings.csv, report.xlsx",
    )
    scan.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: number of cores)"
    )
    scan.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local: worker processes on this machine (default); spark: Spark jobs (pip install 'proofread[spark]', "
        "Java), findings as Parquet in DIR/findings",
    )
    scan.add_argument(
        "--master",
        metavar="URL",
        help="--engine spark: Spark master (local[4], yarn, k8s://...; default: spark-submit's, else local[*])",
    )
    scan.add_argument(
        "--chunks",
        type=int,
        metavar="N",
        help="--engine spark: jobs the archive is split into, each committed on its own; a rerun skips "
        "committed ones (default: 16; fixed by the first run into DIR)",
    )
    scan.add_argument(
        "--units",
        metavar="FILE",
        help="unit mapping: 'prefix<TAB>unit' lines (folder path or URL prefix); "
        "default: the JSONL unit field, else the top folder name",
    )
    add_pipeline_arguments(scan)
    scan.add_argument("--date", type=iso_date, help="date for articles without one, YYYY-MM-DD (default: today)")
    scan.add_argument(
        "--max-size",
        type=float,
        default=20,
        metavar="MB",
        help="files larger than this are listed as unreadable (default: 20)",
    )
    scan.add_argument(
        "--fail-on",
        default="error",
        choices=FAIL_ON,
        help="exit 1 when the archive has a finding at or above this severity (default: error)",
    )
    scan.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on standard error (default: on a terminal only)",
    )
    scan.add_argument(
        "--csv-raw",
        action="store_true",
        help="findings.csv with the exact text in every cell, even where a spreadsheet would run it as a formula "
        "(by default a cell starting with = + - @ tab or CR gets a leading '; report.xlsx holds text cells anyway)",
    )
    scan.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    # For benchmarks: a comma-separated component list instead of the default pipeline.
    scan.add_argument("--components", help=argparse.SUPPRESS)
    return scan


def run(args: argparse.Namespace) -> int:
    """Run the scan; exit 0/1 by findings (``--fail-on``); ``UsageError`` for usage errors."""
    # Loaded after argparse is done, so that `--help` and argument errors need no dictionaries or models.
    from ..checkers import REGISTRY
    from ..config import ConfigError
    from ..dictionaries import DictionaryError
    from ..pipeline import ComponentError
    from ..scan import ScanOptions, UnitMap, run_scan
    from ..scan.store import StoreError

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.max_size <= 0:
        raise UsageError("--max-size must be positive")
    if args.engine != "spark" and (args.master or args.chunks is not None):
        raise UsageError("--master and --chunks need --engine spark")
    if args.chunks is not None and args.chunks < 1:
        raise UsageError("--chunks must be at least 1")
    sources = [Path(s) for s in args.sources]
    missing = next((s for s in sources if not s.exists()), None)
    if missing is not None:
        raise UsageError(f"{missing}: no such file or folder")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: --out must be a folder")
    try:
        units = UnitMap.load(args.units) if args.units else UnitMap()
    except OSError as e:
        raise UsageError(f"{args.units}: cannot read unit mapping: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(str(e)) from None
    progress = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    components = [c.strip() for c in args.components.split(",") if c.strip()] if args.components else None
    unknown = [c for c in components or () if c not in REGISTRY]
    if unknown:
        raise UsageError(f"unknown component {unknown[0]!r}; available: {', '.join(sorted(REGISTRY))}")
    options = ScanOptions(
        sources,
        out,
        workers=args.workers,
        units=units,
        dicts=args.dicts,
        components=components,
        config=pipeline_config(args),
        date=args.date,
        max_bytes=int(args.max_size * 2**20),
        batch_articles=args.batch_size,
        progress=progress,
        csv_raw=args.csv_raw,
    )
    if args.engine == "spark":
        return _run_spark(args, options)
    try:
        result = run_scan(options)
    except (DictionaryError, ComponentError, ConfigError) as e:
        raise UsageError(str(e)) from None
    except (sqlite3.DatabaseError, StoreError) as e:
        raise UsageError(f"{out}: {e}") from None
    counts = result.counts
    rate = f", {result.checked / result.seconds:,.1f} articles/s" if result.checked and result.seconds > 0 else ""
    print(
        f"proofread: {result.items} items: {counts.get('done', 0)} articles checked, "
        f"{counts.get('failed', 0)} unreadable; this run checked {result.checked}{rate}"
        f"{f', removed {result.removed}' if result.removed else ''}",
        file=sys.stderr,
    )
    print(f"proofread: reports in {out}: {', '.join(p.name for p in result.reports)}", file=sys.stderr)
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if _worst(out) >= Severity.parse(args.fail_on) else EXIT_OK


def _run_spark(args: argparse.Namespace, options) -> int:
    """The same scan as Spark jobs (proofread.spark): Parquet tables and the same reports in ``--out``."""
    import shutil

    from ..config import ConfigError
    from ..dictionaries import DictionaryError
    from ..pipeline import ComponentError
    from ..scan.store import StoreError

    try:
        from ..spark import SparkScanError, run_spark_scan
    except ImportError as e:
        raise UsageError(f"--engine spark needs pyspark: pip install 'proofread[spark]' ({e})") from None
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise UsageError("--engine spark needs a Java runtime (e.g. apt-get install openjdk-17-jre-headless)")
    # The executors build their own proofreaders: check the settings here, once, with a clear error.
    from ..pipeline import Proofreader

    try:
        Proofreader(extra_dictionaries=options.dicts, components=options.components, config=options.config)
    except (DictionaryError, ComponentError, ConfigError) as e:
        raise UsageError(str(e)) from None

    def done(chunk: int, chunks: int) -> None:
        if options.progress:
            print(f"proofread: chunk {chunk + 1}/{chunks} committed", file=sys.stderr)

    try:
        result = run_spark_scan(options, master=args.master, chunks=args.chunks, on_chunk=done)
    except (SparkScanError, StoreError) as e:
        raise UsageError(str(e) if isinstance(e, SparkScanError) else f"{options.out}: {e}") from None
    except Exception as e:  # a job Spark gave up on (lost executors, no Java): one line, rerun resumes
        if not type(e).__module__.startswith(("pyspark", "py4j")):
            raise
        first = next((line for line in str(e).splitlines() if line.strip()), type(e).__name__)
        raise UsageError(f"{options.out}: the Spark job failed ({first.strip()}); run again to resume") from None
    counts = result.counts
    print(
        f"proofread: {counts.get('done', 0)} articles checked, {counts.get('failed', 0)} unreadable; "
        f"this run checked {result.checked} in {result.chunks - result.skipped} of {result.chunks} chunks "
        f"({result.seconds:.1f} s)",
        file=sys.stderr,
    )
    print(
        f"proofread: reports in {options.out}: {', '.join(p.name for p in result.reports)}; "
        "Parquet tables findings/, documents/, unreadable/",
        file=sys.stderr,
    )
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if result.worst >= Severity.parse(args.fail_on) else EXIT_OK


def _worst(out: Path) -> int:
    """The highest severity found in the whole archive (0 when none)."""
    from ..scan.store import DB_NAME

    db = sqlite3.connect(out / DB_NAME)
    try:
        rows = db.execute(
            "SELECT DISTINCT f.severity FROM findings f JOIN articles a ON a.id = f.article WHERE a.status = 'done'"
        ).fetchall()
    finally:
        db.close()
    return max((int(Severity.parse(s)) for (s,) in rows), default=0)
