"""Checking batches of items, in this process or in worker processes.

Each process holds one ``Proofreader`` and one sentence cache: boilerplate repeated
on every page of a site is checked once per process. A batch of articles goes
through ``Proofreader.pipe`` together, so model components see large batches.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
import time
import zipfile
from collections import OrderedDict, deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..checkers import with_threads
from ..finding import Finding
from ..output import Locator
from ..pipeline import Proofreader
from ..text.extract import InputError
from .load import Loaded, load_item
from .options import ScanOptions
from .sources import Item
from .store import Checked

CACHE_SENTENCES = 200_000


class SentenceLRU(OrderedDict):
    """A bounded sentence cache for ``Proofreader.pipe`` (least recently used entries go first)."""

    def __init__(self, limit: int = CACHE_SENTENCES) -> None:
        super().__init__()
        self.limit = limit
        self.hits = self.misses = 0

    def get(self, key, default=None):
        if key in self:
            self.hits += 1
            self.move_to_end(key)
            return self[key]
        self.misses += 1
        return default

    def update(self, fresh) -> None:  # type: ignore[override]
        for key, value in dict(fresh).items():
            self[key] = value
        while len(self) > self.limit:
            self.popitem(last=False)


class BatchChecker:
    """Reads and checks batches of items with one proofreader (one per process)."""

    def __init__(
        self,
        proofreader: Proofreader,
        *,
        max_bytes: int,
        default_date: dt.date | None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> None:
        self.proofreader = proofreader
        self.max_bytes = max_bytes
        self.default_date = default_date
        self.since, self.until = since, until
        self.cache = SentenceLRU()
        self.zips: dict[str, zipfile.ZipFile] = {}

    def check(self, batch: list[tuple[int, Item]]) -> list[Checked]:
        loaded, out = [], {}
        for article_id, item in batch:
            try:
                loaded.append((article_id, load_item(item, max_bytes=self.max_bytes, zips=self.zips)))
            except InputError as e:
                out[article_id] = Checked(article_id, reason=e.reason)
            except Exception as e:  # a bad file never stops the scan
                out[article_id] = Checked(article_id, reason=f"cannot read ({type(e).__name__}: {e})")
        out.update((c.id, c) for c in self.check_loaded(loaded))
        return [out[article_id] for article_id, _ in batch]

    def check_loaded(self, loaded: list[tuple[int, Loaded]]) -> list[Checked]:
        """Check texts already read, together; one that makes the checking raise fails alone.
        A text published outside the period is recorded (its date and 栏目 count for the 栏目
        updates), not checked."""
        out: dict[int, Checked] = {}
        todo = []
        for article_id, doc in loaded:
            if self._outside(doc.date):
                out[article_id] = Checked(article_id, outside=True, **_described(doc))
            else:
                todo.append((article_id, doc))
        for (article_id, doc), findings in zip(todo, self.findings([(d.text, d.date) for _, d in todo])):
            if isinstance(findings, str):
                out[article_id] = Checked(article_id, reason=findings, retry=True)
                continue
            rows = tuple(finding_rows(doc.text, findings))
            out[article_id] = Checked(article_id, chars=len(doc.text), findings=rows, **_described(doc))
        return [out[article_id] for article_id, _ in loaded]

    def findings(self, texts: list[tuple[str, dt.date | None]]) -> list[list[Finding] | str]:
        """The findings of each text, checked together, or the reason its checking failed."""
        try:
            return list(
                self.proofreader.pipe(texts, batch_size=max(1, len(texts)), date=self.default_date, cache=self.cache)
            )
        except Exception:
            pass  # find the text that fails, one at a time
        out: list[list[Finding] | str] = []
        for text, date in texts:
            try:
                out.append(self.proofreader.check(text, date=date or self.default_date))
            except Exception as e:
                out.append(f"checking failed ({type(e).__name__}: {e})")
        return out

    def _outside(self, date: dt.date | None) -> bool:
        """Published outside the period (an article without a date is checked)."""
        return date is not None and (
            (self.since is not None and date < self.since) or (self.until is not None and date > self.until)
        )


def _described(doc: Loaded) -> dict:
    """What the store keeps of an article besides its findings."""
    date = doc.date.isoformat() if doc.date else ""
    return dict(title=doc.title, url=doc.url, date=date, digest=doc.digest, column=doc.column, dropped=doc.dropped)


def build_checker(options: ScanOptions, proofreader: Proofreader | None = None) -> BatchChecker:
    """The checker of one process, around ``proofreader`` or a new one built from ``options``."""
    # Worker processes already use every core: one model thread each.
    config = with_threads(options.config, 1) if options.workers > 1 else dict(options.config)
    proofreader = proofreader or Proofreader(
        extra_dictionaries=options.dicts,
        components=options.components,
        config=config,
        disabled_rules=options.disabled_rules,
        severities=options.severities,
    )
    return BatchChecker(
        proofreader, max_bytes=options.max_bytes, default_date=options.date, since=options.since, until=options.until
    )


def finding_rows(text: str, findings: list[Finding]) -> Iterator[tuple]:
    """Rows for the store: each finding with its sentence and its offset in that sentence."""
    locate = Locator(text)
    for f in findings:
        s, e = locate.sentence(f.start, f.end)
        yield (
            f.start,
            f.end,
            f.original,
            "|".join(f.suggestions),
            f.category,
            str(f.severity),
            f.rule,
            f.source,
            round(f.confidence, 4),
            f.message,
            text[s:e],
            f.start - s,
        )


_WORKER: BatchChecker | None = None


def _run_in_worker(batch: list[tuple[int, Item]]) -> list[Checked]:
    assert _WORKER is not None
    return _WORKER.check(batch)


def _init_worker(checker: BatchChecker | None, options: ScanOptions | None) -> None:
    global _WORKER
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the scan in the main process, quietly
    if checker is None:  # spawn: build our own
        assert options is not None
        checker = build_checker(options)
    _WORKER = checker


def _exit_with_parent(parent: int) -> None:
    """A killed scan (kill -9) cannot stop its workers: they notice they were orphaned and exit."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def check_all(
    checker: BatchChecker, batches: Iterable[list[tuple[int, Item]]], workers: int, options: ScanOptions
) -> Generator[list[Checked], None, None]:
    """Results of every batch, as they complete (any order).

    A worker that dies (killed for memory, a crash in native code) takes the batches in
    flight with it: their articles are then checked one at a time, alone, so the one that
    kills a worker again is recorded as failed and the scan goes on.
    """
    if workers <= 1:
        for batch in batches:
            yield checker.check(batch)
        return
    # fork shares the loaded dictionaries and jieba; spawn (other systems) loads them per worker.
    forking = "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
    context = multiprocessing.get_context("fork" if forking else "spawn")
    initargs = (checker, None) if forking else (None, options)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs)

    pool = new_pool()
    pending: dict[Future, list[tuple[int, Item]]] = {}
    alone: Future | None = None  # a suspect running with nothing else in flight
    suspects: deque[list[tuple[int, Item]]] = deque()  # single articles to retry alone
    batches = iter(batches)
    exhausted = False
    finished = False
    try:
        while True:
            if suspects:
                if not pending:
                    batch = suspects.popleft()
                    alone = pool.submit(_run_in_worker, batch)
                    pending[alone] = batch
            else:
                while not exhausted and len(pending) < workers * 3:  # bounded: big archives stay out of memory
                    more = next(batches, None)
                    if more is None:
                        exhausted = True
                    else:
                        pending[pool.submit(_run_in_worker, more)] = more
            if not pending:
                finished = True
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                batch = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    if future is alone:
                        yield [
                            Checked(
                                batch[0][0],
                                reason="the checking process died on this article (out of memory, or a crash)",
                            )
                        ]
                    else:
                        suspects.extend([entry] for entry in batch)
            if broken:
                for batch in pending.values():  # lost with the pool: retried alone too
                    suspects.extend([entry] for entry in batch)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
    finally:
        if finished:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor, grace: float = 0.5) -> None:
    """Stop a pool at once (Ctrl-C, an error, the consumer gone): its workers hold nothing the
    store needs, and idle ones would otherwise keep the interpreter's exit join waiting forever."""
    processes = list((pool._processes or {}).values())  # private, but the only handle on the workers
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(grace)
