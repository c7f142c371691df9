"""Reports of a scan: ``report.html``, ``findings.csv`` and ``report.xlsx`` in the output folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .data import FailedRow, FindingRow, UnitRow, failed_rows, finding_rows, sort_findings, unit_rows
from .html import render_html, write_html
from .tables import write_csv, write_xlsx

__all__ = ["FailedRow", "FindingRow", "UnitRow", "render_html", "sort_findings", "write_report_files", "write_reports"]


def write_reports(db: sqlite3.Connection, out_dir: Path, *, csv_raw: bool = False) -> list[Path]:
    """Write the three reports from the scan store; returns their paths. ``csv_raw``: exact text in
    findings.csv, even where a spreadsheet would read it as a formula."""
    return write_report_files(out_dir, unit_rows(db), finding_rows(db), failed_rows(db), csv_raw=csv_raw)


def write_report_files(
    out_dir: Path, units: list[UnitRow], findings: list[FindingRow], failed: list[FailedRow], *, csv_raw: bool = False
) -> list[Path]:
    """Write the three reports from their rows (any engine's); returns their paths."""
    out_dir = Path(out_dir)
    written = [
        write_html(out_dir / "report.html.tmp", units, findings, failed),
        write_csv(out_dir / "findings.csv.tmp", findings, raw=csv_raw),
        write_xlsx(out_dir / "report.xlsx.tmp", units, findings, failed),
    ]
    # Replaced only when all are written: a killed run never leaves a half-written report.
    return [tmp.replace(tmp.with_suffix("")) for tmp in written]
