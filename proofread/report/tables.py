"""``findings.csv`` (for tools: code headers) and ``report.xlsx`` (for people: Chinese headers,
column widths, filters), and the per-unit 整改 workbooks."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from ..columns import SCAN_COLUMNS
from ..finding import Severity, category_label
from ..messages import chinese_only
from .cells import csv_row, xlsx_cell
from .data import FailedRow, FindingRow, UnitRow, total_row
from .updates import ColumnRow

FINDING_HEADER = SCAN_COLUMNS  # findings.csv: FindingRow's fields, in this order
VERDICT_LABELS = {"": "待核实", "confirmed": "已核实", "false_alarm": "误报"}
VERDICT_HEADER = "核实状态"


def severity_label(code: str) -> str:
    try:
        return Severity.parse(code).zh
    except ValueError:
        return code


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its Chinese header, its width (in characters) and its value."""

    header: str
    width: int
    value: Callable[[Any], Any]


def _field(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


def _blank_if_none(name: str) -> Callable[[Any], Any]:
    return lambda row: "" if getattr(row, name) is None else getattr(row, name)


SUMMARY_COLUMNS = (
    Column("单位", 24, _field("unit")),
    Column("检查文章数", 11, _field("checked")),
    Column("有问题文章数", 12, _field("with_findings")),
    Column("有严重错误文章数", 15, _field("with_errors")),
    Column("问题数", 8, _field("findings")),
    Column("无法读取文件数", 13, _field("failed")),
    Column("待核实", 8, _field("open")),
    Column("已核实", 8, _field("confirmed")),
    Column("误报", 6, _field("false_alarms")),
    Column("最新发布日期", 13, _field("latest")),
    Column("距今天数", 9, _blank_if_none("days")),
    Column("首页更新", 11, _field("home")),
    Column("超期未更新栏目数", 15, _field("stale_columns")),
    Column("空白栏目数", 10, _field("blank_columns")),
    Column("未检查的页面文字块", 17, _field("dropped")),
)
COLUMN_COLUMNS = (
    Column("单位", 24, _field("unit")),
    Column("栏目", 20, _field("column")),
    Column("文章数", 8, _field("articles")),
    Column("最新发布日期", 13, _field("latest")),
    Column("距今天数", 9, _blank_if_none("days")),
    Column("更新周期（天）", 13, _blank_if_none("interval")),
    Column("更新情况", 11, _field("status")),
)
# People read the first columns; the codes after them are for tools and for reading verdicts back.
FINDING_COLUMNS = (
    Column("单位", 18, _field("unit")),
    Column("栏目", 12, _field("column")),
    Column("标题", 30, lambda r: r.title or r.path),
    Column("日期", 11, _field("date")),
    Column("原文", 12, _field("original")),
    Column("建议", 14, lambda r: " / ".join(s for s in r.suggestions.split("|") if s)),
    Column("类别", 9, lambda r: category_label(r.category)),
    Column("级别", 6, lambda r: severity_label(r.severity)),
    Column("说明", 40, _field("message")),
    Column("所在句子", 60, _field("sentence")),
    Column(VERDICT_HEADER, 10, lambda r: VERDICT_LABELS.get(r.verdict, r.verdict)),
    Column("网址", 30, _field("url")),
    Column("路径", 28, _field("path")),
    Column("规则", 24, _field("rule")),
    Column("类别代码", 11, _field("category")),
    Column("级别代码", 9, _field("severity")),
    Column("词典", 18, _field("dictionary")),
    Column("置信度", 7, _field("confidence")),
    Column("起", 6, _field("start")),
    Column("止", 6, _field("end")),
    Column("句内位置", 8, _field("offset")),
    Column("来源", 24, _field("source")),
)
FAILED_COLUMNS = (
    Column("单位", 18, _field("unit")),
    Column("文件", 40, _field("path")),
    Column("原因", 40, lambda r: chinese_only(r.reason)),
    Column("原因（原文）", 40, _field("reason")),
    Column("来源", 24, _field("source")),
)


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]


def write_csv(path: Path, findings: list[FindingRow], raw: bool = False) -> Path:
    """One row per finding; UTF-8 with BOM so that Excel opens Chinese text correctly. Text that
    starts like a formula gets a leading ``'`` unless ``raw``."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FINDING_HEADER)
        writer.writerows(csv_row(astuple(f), raw) for f in findings)
    return path


def report_sheets(
    units: list[UnitRow], findings: list[FindingRow], failed: list[FailedRow], columns: Sequence[ColumnRow] = ()
) -> list[Sheet]:
    """The sheets of report.xlsx: summary per unit, findings, 栏目 updates, unreadable files."""
    return [
        Sheet("汇总", SUMMARY_COLUMNS, [*units, total_row(units)] if units else []),
        Sheet("问题清单", FINDING_COLUMNS, findings),
        Sheet("栏目更新", COLUMN_COLUMNS, columns),
        Sheet("无法读取", FAILED_COLUMNS, failed),
    ]


def write_xlsx(
    path: Path,
    units: list[UnitRow],
    findings: list[FindingRow],
    failed: list[FailedRow],
    columns: Sequence[ColumnRow] = (),
) -> Path:
    """report.xlsx; every text cell is a string cell, never a formula."""
    return write_sheets(path, report_sheets(units, findings, failed, columns))


def write_sheets(path: Path, sheets: Sequence[Sheet]) -> Path:
    """A workbook: bold frozen header row, column widths, an autofilter over each table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(spec.columns, 1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width
        last = get_column_letter(len(spec.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(spec.rows) + 1}"
        _verdict_choices(sheet, spec, len(spec.rows))
        header_cells = [xlsx_cell(sheet, column.header) for column in spec.columns]
        for cell in header_cells:
            cell.font = bold
        sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([xlsx_cell(sheet, column.value(row)) for column in spec.columns])
    book.save(path)
    return path


def _verdict_choices(sheet: Any, spec: Sheet, rows: int) -> None:
    """The 核实状态 column offers its three values (a supervisor picks one; ``--verdicts`` reads it)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    at = next((i for i, c in enumerate(spec.columns, 1) if c.header == VERDICT_HEADER), None)
    if at is None or rows == 0:
        return
    letter = get_column_letter(at)
    choices = DataValidation(type="list", formula1='"' + ",".join(VERDICT_LABELS.values()) + '"', allow_blank=True)
    choices.add(f"{letter}2:{letter}{rows + 1}")
    sheet.data_validations.append(choices)
