"""Reports of a scan: ``report.html``, ``findings.csv`` and ``report.xlsx`` in the output folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .data import FailedRow, FindingRow, UnitRow, failed_rows, finding_rows, unit_rows
from .html import render_html, write_html
from .tables import write_csv, write_xlsx

__all__ = ["FailedRow", "FindingRow", "UnitRow", "render_html", "write_reports"]


def write_reports(db: sqlite3.Connection, out_dir: Path, *, csv_raw: bool = False) -> list[Path]:
    """Write the three reports from the scan store; returns their paths. ``csv_raw``: exact text in
    findings.csv, even where a spreadsheet would read it as a formula."""
    units, findings, failed = unit_rows(db), finding_rows(db), failed_rows(db)
    out_dir = Path(out_dir)
    written = [
        write_html(out_dir / "report.html.tmp", units, findings, failed),
        write_csv(out_dir / "findings.csv.tmp", findings, raw=csv_raw),
        write_xlsx(out_dir / "report.xlsx.tmp", units, findings, failed),
    ]
    # Replaced only when all are written: a killed run never leaves a half-written report.
    return [tmp.replace(tmp.with_suffix("")) for tmp in written]
