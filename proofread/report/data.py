"""What the reports show, read from the scan store: a summary row per unit, findings, failures."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitRow:
    """One line of the summary table, as in the notice's attachment tables."""

    unit: str
    checked: int  # articles read and checked
    with_findings: int
    with_errors: int  # articles with at least one finding of severity ``error``
    findings: int
    failed: int  # files that could not be read


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


@dataclass(frozen=True)
class FailedRow:
    unit: str
    source: str
    path: str
    reason: str


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def unit_rows(db: sqlite3.Connection) -> list[UnitRow]:
    """Per unit, by name; pending articles (an interrupted run) are not counted as checked."""
    rows = db.execute("""
        SELECT a.unit,
               SUM(a.status = 'done'),
               SUM(a.status = 'done' AND f.n > 0),
               SUM(a.status = 'done' AND f.errors > 0),
               SUM(COALESCE(f.n, 0)),
               SUM(a.status = 'failed')
        FROM articles a
        LEFT JOIN (SELECT article, COUNT(*) AS n, SUM(severity = 'error') AS errors
                   FROM findings GROUP BY article) f ON f.article = a.id
        GROUP BY a.unit ORDER BY a.unit
    """).fetchall()
    return [UnitRow(u, c or 0, w or 0, e or 0, n or 0, x or 0) for u, c, w, e, n, x in rows]


def total_row(rows: list[UnitRow]) -> UnitRow:
    return UnitRow(
        "合计 Total",
        *(sum(getattr(r, f) for r in rows) for f in ("checked", "with_findings", "with_errors", "findings", "failed")),
    )


def finding_rows(db: sqlite3.Connection) -> list[FindingRow]:
    """Every finding, by unit, then severity (errors first), then article and position."""
    rows = db.execute("""
        SELECT a.unit, a.source, a.path, a.title, a.url, a.date, f.start, f."end", f.original, f.suggestions,
               f.category, f.severity, f.rule, f.source, f.confidence, f.message, f.sentence, f.offset
        FROM findings f JOIN articles a ON a.id = f.article
        WHERE a.status = 'done'
    """).fetchall()
    return sort_findings([FindingRow(*row) for row in rows])


def sort_findings(rows: list[FindingRow]) -> list[FindingRow]:
    """The reports' order: by unit, then severity (errors first), then article and position."""
    return sorted(
        rows, key=lambda r: (r.unit, SEVERITY_ORDER.get(r.severity, 9), r.source, r.path, r.start, r.end, r.rule)
    )


def failed_rows(db: sqlite3.Connection) -> list[FailedRow]:
    rows = db.execute(
        "SELECT unit, source, path, reason FROM articles WHERE status = 'failed' ORDER BY unit, source, path"
    ).fetchall()
    return [FailedRow(*row) for row in rows]
