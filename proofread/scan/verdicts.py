"""A supervisor's verdicts on findings (已核实 confirmed, 误报 false alarm), read back from the
report.xlsx or 整改 workbooks they marked, from findings.csv, or from report.html's export.

A verdict is keyed by unit, article (URL, else path), sentence and rule, so that it finds its
finding again after a rescan, whatever the row ids or the order of rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..report.cells import FORMULA_STARTS

#: What a status cell may say → the stored verdict ("" : open, i.e. forget an earlier verdict).
STATUSES = {
    "已核实": "confirmed",
    "confirmed": "confirmed",
    "误报": "false_alarm",
    "false_alarm": "false_alarm",
    "false-alarm": "false_alarm",
    "待核实": None,  # a row nobody marked: no verdict given
    "": None,
    "open": "",
}
# The columns that make the key, by the names each format heads them with.
_KEYS = {
    "unit": ("单位", "unit"),
    "url": ("网址", "url"),
    "path": ("路径", "path"),
    "sentence": ("所在句子", "sentence"),
    "rule": ("规则", "rule"),
    "verdict": ("核实状态", "verdict"),
}


class VerdictError(ValueError):
    """A verdicts file that cannot be read: ``file:row: what is wrong``."""


@dataclass(frozen=True)
class Verdict:
    unit: str
    location: str  # the article's URL, else its path
    sentence: str
    rule: str
    verdict: str  # "confirmed", "false_alarm", or "" to forget an earlier one


def read_verdicts(path: str | Path) -> list[Verdict]:
    """Every marked row of ``path`` (.xlsx, .csv or .json); ``VerdictError`` names the file and row."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            rows = _xlsx_rows(path)
        elif suffix == ".csv":
            rows = _csv_rows(path)
        elif suffix == ".json":
            rows = _json_rows(path)
        else:
            raise VerdictError(f"{path}: verdicts are read from .xlsx, .csv or .json files")
        return [v for n, row in rows if (v := _verdict(path, n, row)) is not None]
    except OSError as e:
        raise VerdictError(f"{path}: cannot read: {e.strerror or e}") from None
    except (ValueError, KeyError) as e:
        if isinstance(e, VerdictError):
            raise
        raise VerdictError(f"{path}: not a verdicts file ({type(e).__name__}: {e})") from None


def _verdict(path: Path, n: int, row: Mapping[str, Any]) -> Verdict | None:
    status = str(row.get("verdict") or "").strip()
    if status not in STATUSES:
        raise VerdictError(f"{path}:{n}: unknown status {status!r} (use 已核实, 误报 or 待核实)")
    verdict = STATUSES[status]
    if verdict is None:
        return None
    unit, sentence, rule = (str(row.get(k) or "") for k in ("unit", "sentence", "rule"))
    location = str(row.get("location") or row.get("url") or row.get("path") or "")
    if not (unit and location and sentence and rule):
        raise VerdictError(f"{path}:{n}: a marked row needs its unit, URL or path, sentence and rule")
    return Verdict(unit, location, sentence, rule, verdict)


def _columns(header: list[Any], path: Path) -> dict[str, int]:
    names = [str(h or "").strip() for h in header]
    found = {key: next((names.index(n) for n in options if n in names), -1) for key, options in _KEYS.items()}
    if found["verdict"] < 0 or found["rule"] < 0:
        raise VerdictError(f"{path}:1: no 核实状态 (verdict) and 规则 (rule) columns")
    return found


def _table(rows: Iterator[list[Any]], path: Path) -> list[tuple[int, dict[str, Any]]]:
    header = next(rows, None)
    if header is None:
        return []
    at = _columns(list(header), path)
    out = []
    for n, row in enumerate(rows, 2):
        cells = list(row)
        out.append((n, {k: cells[i] if 0 <= i < len(cells) else None for k, i in at.items()}))
    return out


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a file that is not a workbook
        raise VerdictError(f"{path}: not an .xlsx workbook ({type(e).__name__})") from None
    try:
        sheet = book["问题清单"] if "问题清单" in book.sheetnames else book.worksheets[0]
        return _table((list(r) for r in sheet.iter_rows(values_only=True)), path)
    finally:
        book.close()


def _csv_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [[_unquoted(cell) for cell in row] for row in csv.reader(handle)]
    return _table(iter(rows), path)


def _unquoted(cell: str) -> str:
    """findings.csv's cell as the text it stands for (a formula-like cell got a leading ')."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _json_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise VerdictError(f"{path}: expected a list of objects (report.html's 导出核实结果)")
    return list(enumerate(data, 1))
