"""Reports of a scan: ``report.html``, ``findings.csv`` and ``report.xlsx`` in the output folder."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from .data import FailedRow, FindingRow, UnitRow, failed_rows, finding_rows, unit_rows
from .html import render_html, write_html
from .rectify import write_per_unit
from .tables import write_csv, write_xlsx
from .updates import DEFAULT_INTERVALS, HOME, ColumnRow, column_rows, interval_for

__all__ = ["DEFAULT_INTERVALS", "ColumnRow", "FailedRow", "FindingRow", "UnitRow", "render_html", "write_reports"]


def write_reports(
    db: sqlite3.Connection,
    out_dir: Path,
    *,
    csv_raw: bool = False,
    as_of: dt.date | None = None,
    intervals: Mapping[str, int] = DEFAULT_INTERVALS,
    per_unit: bool = False,
) -> list[Path]:
    """Write the three reports from the scan store; returns their paths. ``csv_raw``: exact text in
    findings.csv, even where a spreadsheet would read it as a formula; ``as_of``: the day 栏目
    updates are measured to (default today); ``intervals``: 栏目 update intervals in days;
    ``per_unit``: also a 整改 workbook per unit (``整改/<unit>.xlsx``)."""
    as_of = as_of or dt.date.today()
    every = finding_rows(db)
    columns = column_rows(db, intervals, as_of)
    units = unit_rows(db, every, columns, as_of=as_of, home_interval=interval_for(HOME, intervals))
    findings = [f for f in every if f.verdict != "false_alarm"]  # a false alarm is not reported again
    failed = failed_rows(db)
    out_dir = Path(out_dir)
    written = [
        write_html(out_dir / "report.html.tmp", units, findings, failed, columns, as_of),
        write_csv(out_dir / "findings.csv.tmp", findings, raw=csv_raw),
        write_xlsx(out_dir / "report.xlsx.tmp", units, findings, failed, columns),
    ]
    # Replaced only when all are written: a killed run never leaves a half-written report.
    reports = [tmp.replace(tmp.with_suffix("")) for tmp in written]
    if per_unit:
        reports.append(write_per_unit(out_dir, units, findings, columns))
    return reports
