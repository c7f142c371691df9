"""What the reports show, read from the scan store: a summary row per unit, findings, failures."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from .updates import BLANK, STALE, ColumnRow, days_since, status


@dataclass(frozen=True)
class UnitRow:
    """One line of the summary table, as in the notice's attachment tables. Findings marked
    误报 (false alarm) are counted apart and nowhere else."""

    unit: str
    checked: int  # articles read and checked
    with_findings: int
    with_errors: int  # articles with at least one finding of severity ``error``
    findings: int  # open and confirmed
    failed: int  # files that could not be read
    open: int = 0
    confirmed: int = 0
    false_alarms: int = 0
    latest: str = ""  # the unit's latest publication date: what its home page shows
    days: int | None = None
    home: str = ""  # the home page's update status (updates.OK, STALE, ...)
    stale_columns: int = 0
    blank_columns: int = 0
    dropped: int = 0  # blocks of visible page text not checked (menus, footers), all pages


@dataclass(frozen=True)
class FindingRow:
    """One finding of a scan; the fields are :data:`proofread.columns.SCAN_COLUMNS`, in order."""

    unit: str
    source: str
    path: str
    title: str
    url: str
    date: str
    start: int
    end: int
    original: str
    suggestions: str
    category: str
    severity: str
    rule: str
    dictionary: str
    confidence: float
    message: str
    sentence: str
    offset: int
    column: str  # the article's 栏目
    verdict: str  # "" (open), "confirmed" or "false_alarm": a supervisor's, kept across rescans


@dataclass(frozen=True)
class FailedRow:
    unit: str
    source: str
    path: str
    reason: str


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Where a verdict finds its finding again: the article's URL, else its path in its source.
LOCATION_SQL = "CASE WHEN a.url != '' THEN a.url ELSE a.path END"


def location(url: str, path: str) -> str:
    """The article part of a verdict's key (as :data:`LOCATION_SQL`)."""
    return url or path


def unit_rows(
    db: sqlite3.Connection,
    findings: list[FindingRow],
    columns: list[ColumnRow],
    *,
    as_of: dt.date,
    home_interval: int | None,
) -> list[UnitRow]:
    """Per unit, by name; pending articles (an interrupted run) are not counted as checked.
    ``findings``: every finding, false alarms included (they are counted apart)."""
    articles = db.execute(
        """
        SELECT unit, SUM(status = 'done'), SUM(status = 'failed'), SUM(dropped),
               MAX(CASE WHEN status IN ('done', 'outside') AND date <= ? THEN date END)
        FROM articles GROUP BY unit ORDER BY unit
        """,
        (as_of.isoformat(),),
    ).fetchall()
    rows = []
    for unit, checked, failed, dropped, latest in articles:
        mine = [f for f in findings if f.unit == unit]
        shown = [f for f in mine if f.verdict != "false_alarm"]
        days = days_since(latest, as_of)
        stale = sum(c.unit == unit and c.status == STALE for c in columns)
        blank = sum(c.unit == unit and c.status == BLANK for c in columns)
        rows.append(
            UnitRow(
                unit,
                checked or 0,
                len({(f.source, f.path) for f in shown}),
                len({(f.source, f.path) for f in shown if f.severity == "error"}),
                len(shown),
                failed or 0,
                sum(f.verdict == "" for f in mine),
                sum(f.verdict == "confirmed" for f in mine),
                len(mine) - len(shown),
                latest or "",
                days,
                status(1 if latest else 0, days, home_interval),
                stale,
                blank,
                dropped or 0,
            )
        )
    return rows


def total_row(rows: list[UnitRow]) -> UnitRow:
    counted = (
        "checked",
        "with_findings",
        "with_errors",
        "findings",
        "failed",
        "open",
        "confirmed",
        "false_alarms",
        "stale_columns",
        "blank_columns",
        "dropped",
    )
    sums = {name: sum(getattr(r, name) for r in rows) for name in counted}
    return UnitRow("合计", latest=max((r.latest for r in rows), default=""), **sums)


def finding_rows(db: sqlite3.Connection) -> list[FindingRow]:
    """Every finding, by unit, then severity (errors first), then article and position."""
    rows = db.execute(f"""
        SELECT a.unit, a.source, a.path, a.title, a.url, a.date, f.start, f."end", f.original, f.suggestions,
               f.category, f.severity, f.rule, f.source, f.confidence, f.message, f.sentence, f.offset,
               a.column_name, COALESCE(v.verdict, '')
        FROM findings f JOIN articles a ON a.id = f.article
        LEFT JOIN verdicts v ON v.unit = a.unit AND v.location = {LOCATION_SQL} AND v.sentence = f.sentence
                             AND v.rule = f.rule
        WHERE a.status = 'done'
    """).fetchall()
    found = [FindingRow(*row) for row in rows]
    found.sort(key=lambda r: (r.unit, SEVERITY_ORDER.get(r.severity, 9), r.source, r.path, r.start, r.end, r.rule))
    return found


def failed_rows(db: sqlite3.Connection) -> list[FailedRow]:
    rows = db.execute(
        "SELECT unit, source, path, reason FROM articles WHERE status = 'failed' ORDER BY unit, source, path"
    ).fetchall()
    return [FailedRow(*row) for row in rows]
