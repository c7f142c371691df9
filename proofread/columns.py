"""The columns of finding tables: ``check --format csv``, and a scan's findings.csv and report.xlsx.

Both list a finding's own columns in the same order with the same names, around
what locates it: a line and column in a checked document, or an article of a scan.
One name differs, kept for the files people already read: the dictionary a finding
comes from (``Finding.source``) is headed ``source`` by ``check``, but ``dictionary``
in a scan, where ``source`` is the scanned folder or archive.
"""

from __future__ import annotations


def finding_columns(dictionary: str) -> tuple[str, ...]:
    """A finding's own columns; ``dictionary`` heads the column of ``Finding.source``."""
    return (
        "start",
        "end",
        "original",
        "suggestions",
        "category",
        "severity",
        "rule",
        dictionary,
        "confidence",
        "message",
        "sentence",
    )


# check --format csv: one row per finding of a document.
CHECK_COLUMNS = ("id", "line", "column", *finding_columns(dictionary="source"))
# A scan's findings.csv; ``offset``: the finding's start in its sentence; ``column``: the article's 栏目;
# ``verdict``: a supervisor's (confirmed, false_alarm; empty while open).
SCAN_COLUMNS = (
    "unit",
    "source",
    "path",
    "title",
    "url",
    "date",
    *finding_columns(dictionary="dictionary"),
    "offset",
    "column",
    "verdict",
)
