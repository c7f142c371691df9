"""A whole scan: locate items, skip what is unchanged, check the rest, write the reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .options import ScanOptions
from .sources import Item, iter_items
from .store import Store

if TYPE_CHECKING:
    from ..pipeline import Proofreader


@dataclass(frozen=True)
class ScanResult:
    items: int  # items in the sources now
    checked: int  # items read and checked in this run
    removed: int  # gone from the sources since an earlier run
    counts: dict[str, int]  # items by status (done, failed, pending), whole archive
    seconds: float
    chars: int  # characters checked in this run
    cache_hits: int  # sentences answered from the cache (this process; 1 worker)
    reports: list[Path]


def run_scan(
    options: ScanOptions, stream: IO[str] | None = None, *, proofreader: Proofreader | None = None
) -> ScanResult:
    """Scan ``options.sources`` into ``options.out``; resumes and skips unchanged items.

    ``proofreader`` (built from ``options.dicts`` when not given) is shared with forked workers.
    """
    from ..report import write_reports  # loaded only after argument and source errors
    from .progress import Progress
    from .work import build_checker, check_all

    started = time.monotonic()
    options.out.mkdir(parents=True, exist_ok=True)
    store = Store(options.out)
    try:
        store.add_verdicts(options.verdicts)
        run = store.new_run()
        store.set_period(_iso(options.since), _iso(options.until))
        if proofreader is None:  # a given proofreader's rules are the caller's to keep stable
            store.set_rules(options.rules_digest())
        seen = _Counter(iter_items(options.sources, options.units, max_bytes=options.max_bytes))
        todo = list(store.register(seen, run))
        removed = store.forget_unseen(run)
        chars = hits = 0
        if todo:
            checker = build_checker(options, proofreader)
            checker.proofreader.check("预热分词词典。")  # load jieba once, before workers fork
            progress = Progress(len(todo), enabled=options.progress, stream=stream or sys.stderr)
            checking = check_all(checker, _chunks(todo, options.batch_articles), options.workers, options)
            # closing: on Ctrl-C the workers are stopped here and now, not whenever the generator is collected
            try:
                with contextlib.closing(checking):
                    for results in checking:
                        store.save(results)
                        done_chars = sum(r.chars for r in results)
                        chars += done_chars
                        progress.advance(len(results), done_chars)
            finally:
                progress.close()
            hits = checker.cache.hits
        reports = write_reports(
            store.db,
            options.out,
            csv_raw=options.csv_raw,
            as_of=options.as_of or options.until,
            intervals=options.intervals,
            per_unit=options.per_unit,
        )
        return ScanResult(
            seen.count, len(todo), removed, store.counts(), time.monotonic() - started, chars, hits, reports
        )
    finally:
        store.close()


class _Counter:
    """Passes items through, counting them."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[Item]:
        for item in self.items:
            self.count += 1
            yield item


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _chunks(todo: list[tuple[int, Item]], size: int) -> Iterator[list[tuple[int, Item]]]:
    for i in range(0, len(todo), size):
        yield todo[i : i + size]
