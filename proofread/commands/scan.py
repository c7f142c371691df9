"""The ``proofread scan`` subcommand: an archive of articles into reports per unit."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from ..finding import Severity
from .common import EXIT_FINDINGS, EXIT_OK, FAIL_ON, UsageError, interrupt_once, iso_date, say
from .pipeline_args import add_pipeline_arguments, add_project_argument, load_project, project_config

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
        "committed ones (default: one per 4 MB of input, at most 16; fixed by the first run into DIR)",
    )
    scan.add_argument(
        "--units",
        metavar="FILE",
        help="unit mapping: 'prefix<TAB>unit' lines (folder path or URL prefix); "
        "default: the JSONL unit field, else the top folder name",
    )
    add_pipeline_arguments(scan)
    add_project_argument(scan)
    scan.add_argument("--date", type=iso_date, help="date for articles without one, YYYY-MM-DD (default: today)")
    scan.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="inspection period: check articles published from this day"
    )
    scan.add_argument(
        "--until",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="inspection period: check articles published up to this day; 栏目 updates are measured to it "
        "(default: today). Articles without a date are always checked",
    )
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
    scan.add_argument(
        "--per-unit",
        action="store_true",
        help="also write one 整改 workbook per unit to send to it (OUT/整改/<unit>.xlsx: its findings, "
        "its 栏目 past their update interval or blank)",
    )
    scan.add_argument(
        "--verdicts",
        action="append",
        default=[],
        metavar="FILE",
        help="read a supervisor's verdicts (核实状态 已核实 / 误报) from a marked report.xlsx or 整改 workbook, "
        "findings.csv, or report.html's export (verdicts.json); they are kept for later scans (repeatable)",
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
    from ..report.updates import DEFAULT_INTERVALS
    from ..scan import ScanOptions, UnitMap, run_scan
    from ..scan.store import StoreError
    from ..scan.verdicts import VerdictError, read_verdicts

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.max_size <= 0:
        raise UsageError("--max-size must be positive")
    if args.since and args.until and args.since > args.until:
        raise UsageError("--since is after --until")
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
    project = load_project(args)
    try:
        units = UnitMap.load(args.units) if args.units else UnitMap()
        units = UnitMap(units.rules + list(project.units))  # --units first: it wins over the project file
    except OSError as e:
        raise UsageError(f"{args.units}: cannot read unit mapping: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(str(e)) from None
    try:
        verdicts = [v for name in args.verdicts for v in read_verdicts(name)]
    except VerdictError as e:
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
        dicts=[*project.dictionaries, *args.dicts],
        components=components,
        config=project_config(args, project),
        disabled_rules=project.disabled_rules,
        severities=dict(project.severities),
        intervals={**DEFAULT_INTERVALS, **project.update_intervals},
        date=args.date,
        max_bytes=int(args.max_size * 2**20),
        batch_articles=args.batch_size,
        progress=progress,
        csv_raw=args.csv_raw,
        since=args.since,
        until=args.until,
        per_unit=args.per_unit,
        verdicts=verdicts,
    )
    if args.engine == "spark":
        return _run_spark(args, options)
    try:
        with interrupt_once():
            result = run_scan(options)
    except (DictionaryError, ComponentError, ConfigError) as e:
        raise UsageError(str(e)) from None
    except (sqlite3.DatabaseError, StoreError) as e:
        raise UsageError(f"{out}: {e}") from None
    counts = result.counts
    outside = counts.get("outside", 0)
    rate = result.checked / result.seconds if result.checked and result.seconds > 0 else 0.0
    english = (
        f"{result.items} items: {counts.get('done', 0)} articles checked, {counts.get('failed', 0)} unreadable; "
        f"this run checked {result.checked}{f', {rate:,.1f} articles/s' if rate else ''}"
        f"{f', removed {result.removed}' if result.removed else ''}"
        f"{f', {outside} outside the period' if outside else ''}"
    )
    say(
        f"共 {result.items} 项：已检查文章 {counts.get('done', 0)} 篇，无法读取 {counts.get('failed', 0)} 个；"
        f"本次检查 {result.checked} 篇{f'（每秒 {rate:,.1f} 篇）' if rate else ''}"
        f"{f'，移除 {result.removed} 篇' if result.removed else ''}"
        f"{f'，{outside} 篇不在检查期内' if outside else ''}（{english}）"
    )
    say(f"报告在 {out}：{'、'.join(p.name for p in result.reports)}")
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
        Proofreader(
            extra_dictionaries=options.dicts,
            components=options.components,
            config=options.config,
            disabled_rules=options.disabled_rules,
            severities=options.severities,
        )
    except (DictionaryError, ComponentError, ConfigError) as e:
        raise UsageError(str(e)) from None

    def done(chunk: int, chunks: int) -> None:
        if options.progress:
            say(f"第 {chunk + 1}/{chunks} 块已提交（chunk committed）")

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
    say(
        f"已检查文章 {counts.get('done', 0)} 篇，无法读取 {counts.get('failed', 0)} 个；本次在 "
        f"{result.chunks - result.skipped}/{result.chunks} 个分块中检查 {result.checked} 篇，"
        f"用时 {result.seconds:.1f} 秒"
        f"（{counts.get('done', 0)} articles checked, {counts.get('failed', 0)} unreadable; this run checked "
        f"{result.checked} in {result.chunks - result.skipped} of {result.chunks} chunks）"
    )
    say(
        f"报告在 {options.out}：{'、'.join(p.name for p in result.reports)}；"
        "Parquet 表 findings/、documents/、unreadable/"
    )
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if _worst(options.out) >= Severity.parse(args.fail_on) else EXIT_OK


def _worst(out: Path) -> int:
    """The highest severity found in the whole archive (0 when none); false alarms do not count."""
    from ..report.data import LOCATION_SQL
    from ..scan.store import DB_NAME

    db = sqlite3.connect(out / DB_NAME)
    try:
        rows = db.execute(f"""
            SELECT DISTINCT f.severity FROM findings f JOIN articles a ON a.id = f.article
            WHERE a.status = 'done' AND NOT EXISTS (
                SELECT 1 FROM verdicts v WHERE v.verdict = 'false_alarm' AND v.unit = a.unit
                AND v.location = {LOCATION_SQL} AND v.sentence = f.sentence AND v.rule = f.rule)
        """).fetchall()
    finally:
        db.close()
    return max((int(Severity.parse(s)) for (s,) in rows), default=0)
