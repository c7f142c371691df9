"""栏目 update monitoring: per unit and per 栏目, articles, the latest publication and whether a
栏目 is past its update interval (the State Council's inspection indicators by default)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

#: Days a 栏目 may go without a new article, by a word its name contains (the longest word wins).
#: 《政府网站与政务新媒体检查指标》: the home page and 动态、要闻 栏目 two weeks; 通知公告、政策文件 six months.
DEFAULT_INTERVALS: dict[str, int] = {
    "首页": 14,
    "动态": 14,
    "要闻": 14,
    "通知公告": 183,
    "通知": 183,
    "公告": 183,
    "政策文件": 183,
    "文件": 183,
}
HOME = "首页"  # a unit's home page shows its latest article, whatever its 栏目
NO_COLUMN = "（未标明栏目）"
OK, STALE, BLANK, UNWATCHED = "正常", "超期未更新", "空白栏目", "无更新要求"


@dataclass(frozen=True)
class ColumnRow:
    """One 栏目 of one unit."""

    unit: str
    column: str
    articles: int  # articles with a publication date up to the reference day
    latest: str  # the latest publication date (ISO), "" when none
    days: int | None  # days from ``latest`` to the reference day
    interval: int | None  # days allowed without an update; None: no requirement
    status: str  # OK, STALE, BLANK or UNWATCHED


def interval_for(column: str, intervals: Mapping[str, int]) -> int | None:
    """The update interval of a 栏目 by the longest word of ``intervals`` its name contains."""
    words = [w for w in intervals if w and w in column]
    return intervals[max(words, key=len)] if words else None


def status(articles: int, days: int | None, interval: int | None) -> str:
    if articles == 0:
        return BLANK
    if interval is None or interval <= 0:
        return UNWATCHED
    return STALE if days is not None and days > interval else OK


def column_rows(db: sqlite3.Connection, intervals: Mapping[str, int], as_of: dt.date) -> list[ColumnRow]:
    """Every 栏目 the pages name, by unit then 栏目. A 栏目 seen only on pages without a
    publication date (its list pages) has no article: a 空白栏目."""
    rows = db.execute(
        """
        SELECT unit, column_name, SUM(date != '' AND date <= ?), MAX(CASE WHEN date <= ? THEN date END)
        FROM articles WHERE status IN ('done', 'outside')
        GROUP BY unit, column_name ORDER BY unit, column_name
        """,
        (as_of.isoformat(), as_of.isoformat()),
    ).fetchall()
    out = []
    for unit, column, articles, latest in rows:
        name = column or NO_COLUMN
        days = days_since(latest, as_of)
        interval = interval_for(name, intervals)
        out.append(ColumnRow(unit, name, articles or 0, latest or "", days, interval, status(articles, days, interval)))
    return out


def days_since(latest: str | None, as_of: dt.date) -> int | None:
    return (as_of - dt.date.fromisoformat(latest)).days if latest else None
