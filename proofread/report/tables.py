"""``findings.csv`` and ``report.xlsx`` (summary, findings and unreadable-file sheets)."""

from __future__ import annotations

import csv
from dataclasses import astuple, fields
from pathlib import Path

from ..columns import SCAN_COLUMNS
from .cells import csv_row, xlsx_cell
from .data import FailedRow, FindingRow, UnitRow, total_row

SUMMARY_HEADER = (
    "单位 Unit",
    "检查文章数 Articles checked",
    "有问题文章数 With findings",
    "有严重错误文章数 With errors",
    "问题数 Findings",
    "无法读取文件数 Unreadable files",
)
FINDING_HEADER = SCAN_COLUMNS  # FindingRow's fields, in this order
FAILED_HEADER = tuple(f.name for f in fields(FailedRow))


def write_csv(path: Path, findings: list[FindingRow], raw: bool = False) -> Path:
    """One row per finding; UTF-8 with BOM so that Excel opens Chinese text correctly. Text that
    starts like a formula gets a leading ``'`` unless ``raw``."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINDING_HEADER)
        writer.writerows(csv_row(astuple(f), raw) for f in findings)
    return path


def write_xlsx(path: Path, units: list[UnitRow], findings: list[FindingRow], failed: list[FailedRow]) -> Path:
    """Three sheets; every text cell is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = (
        ("Summary 汇总", SUMMARY_HEADER, [astuple(u) for u in units] + ([astuple(total_row(units))] if units else [])),
        ("Findings 问题清单", FINDING_HEADER, [astuple(f) for f in findings]),
        ("Unreadable 无法读取", FAILED_HEADER, [astuple(f) for f in failed]),
    )
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        header_cells = [xlsx_cell(sheet, name) for name in header]
        for cell in header_cells:
            cell.font = bold
        sheet.append(header_cells)
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    book.save(path)
    return path
