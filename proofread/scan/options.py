"""What a scan is asked to do: :class:`ScanOptions` (``run_scan`` and its workers read them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..finding import Severity
from ..report.updates import DEFAULT_INTERVALS
from .sources import UnitMap
from .verdicts import Verdict

BATCH_ARTICLES = 32
MAX_BYTES = 20 * 2**20


@dataclass
class ScanOptions:
    """The sources to scan, the output folder, and how to read and check the articles."""

    sources: list[Path]
    out: Path
    workers: int = 1
    units: UnitMap = field(default_factory=UnitMap)
    dicts: list[str] = field(default_factory=list)
    components: list[str] | None = None  # None: the default pipeline
    config: dict = field(default_factory=dict)  # Proofreader(config=...): component settings
    disabled_rules: frozenset[str] = frozenset()  # proofread.toml's: never reported
    severities: dict[str, Severity] = field(default_factory=dict)  # proofread.toml's: a severity per rule
    date: dt.date | None = None  # for articles without a date (default: today)
    max_bytes: int = MAX_BYTES
    batch_articles: int = BATCH_ARTICLES
    progress: bool = False
    csv_raw: bool = False  # findings.csv: exact text, even where a spreadsheet would run it
    since: dt.date | None = None  # the inspection period: articles published outside it are not checked
    until: dt.date | None = None
    intervals: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_INTERVALS))  # 栏目 update intervals
    as_of: dt.date | None = None  # the day 栏目 updates are measured to (default: --until, else today)
    per_unit: bool = False  # also 整改/<unit>.xlsx for each unit
    verdicts: list[Verdict] = field(default_factory=list)  # a supervisor's, remembered in the store

    def rules_digest(self) -> str:
        """What decides the findings besides an article's content: when it changes, a rescan
        checks every article again (their stored findings are of other rules)."""
        import hashlib
        import json

        settings = {
            "dicts": [str(d) for d in self.dicts],
            "components": self.components,
            "config": self.config,
            "disabled": sorted(self.disabled_rules),
            "severities": {rule: str(s) for rule, s in sorted(self.severities.items())},
        }
        return hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()
