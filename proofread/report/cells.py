"""Spreadsheet cells from article text, which anyone who can post to a site may have written.

A cell that starts like a formula is run by Excel or WPS when the file is opened (CSV or
formula injection): in CSV it gets a leading single quote (OWASP's rule); in XLSX every text
cell is stored as a string, never a formula.
"""

from __future__ import annotations

import re
from typing import Any

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The most characters one Excel cell holds; a longer one makes Excel refuse the file.
XLSX_MAX_CHARS = 32_767
# Control characters that XML (and so .xlsx) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: tuple | list, raw: bool = False) -> list:
    """A CSV row; ``raw`` keeps the exact text (for pipelines, not spreadsheets)."""
    return list(values) if raw else [csv_cell(v) for v in values]


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: numbers stay numbers; text is a string cell whatever it starts with
    (characters XML cannot hold become U+FFFD; past Excel's limit it is cut, with an ellipsis)."""
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    text = _ILLEGAL_XML.sub("\ufffd", value)
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - 1] + "…"
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl stores text starting with "=" as a formula unless told otherwise
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and it stays text when someone edits the cell in Excel
    return cell
