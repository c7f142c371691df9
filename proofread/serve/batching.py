"""Concurrent requests checked together: one ``Proofreader.pipe`` call per batch, off the event loop.

Requests that arrive while a batch is being checked wait and form the next batch, so a lone
request starts at once and a burst is checked in one pass (model components see the whole
batch). One thread per worker process checks; the event loop only queues and answers. The
sentence cache is shared by every request of the process: boilerplate, and a draft sent again
after a small edit (what editor plug-ins do on every keystroke pause), is checked once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..finding import Finding
from ..pipeline import Proofreader
from ..scan.work import SentenceLRU

log = logging.getLogger("proofread.serve")

MAX_BATCH_DOCS = 64
MAX_BATCH_CHARS = 50_000  # a batch that big takes about a second on one core: later requests wait no longer
CACHE_SENTENCES = 20_000  # sentences remembered: a 200,000-character draft has about 5,000


@dataclass
class _Job:
    text: str
    date: dt.date | None
    future: asyncio.Future


class Batcher:
    """``await batcher.check(text, date)``: the findings, checked in a batch with concurrent requests."""

    def __init__(
        self,
        proofreader: Proofreader,
        *,
        max_docs: int = MAX_BATCH_DOCS,
        max_chars: int = MAX_BATCH_CHARS,
        cache_sentences: int = CACHE_SENTENCES,
        batching: bool = True,
    ) -> None:
        self.proofreader = proofreader
        self.max_docs = max_docs if batching else 1
        self.max_chars = max_chars
        self.cache = SentenceLRU(cache_sentences)
        self.batches = self.documents = 0
        self._pending: deque[_Job] = deque()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="proofread-check")
        self._draining: asyncio.Task | None = None

    async def check(self, text: str, date: dt.date | None = None) -> list[Finding]:
        loop = asyncio.get_running_loop()
        job = _Job(text, date, loop.create_future())
        self._pending.append(job)
        if self._draining is None or self._draining.done():
            self._draining = loop.create_task(self._drain())
        return await job.future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch = self._next_batch()
            if not batch:
                continue
            try:
                results = await loop.run_in_executor(self._executor, self._check, [(j.text, j.date) for j in batch])
            except Exception:
                # One bad document must not fail the others of its batch: check them one by one.
                results = [await loop.run_in_executor(self._executor, self._check_one, j.text, j.date) for j in batch]
            for job, found in zip(batch, results):
                if job.future.done():  # timed out (cancelled) while it was checked
                    continue
                if isinstance(found, BaseException):
                    job.future.set_exception(found)
                else:
                    job.future.set_result(found)

    def _next_batch(self) -> list[_Job]:
        batch: list[_Job] = []
        chars = 0
        while self._pending and len(batch) < self.max_docs:
            job = self._pending[0]
            if job.future.done():  # its request timed out before its turn: nothing to check
                self._pending.popleft()
                continue
            if batch and chars + len(job.text) > self.max_chars:
                break
            batch.append(self._pending.popleft())
            chars += len(job.text)
        return batch

    def _check(self, docs: list[tuple[str, dt.date | None]]) -> list[list[Finding] | BaseException]:
        self.batches += 1
        self.documents += len(docs)
        return list(self.proofreader.pipe(docs, batch_size=len(docs), cache=self.cache))

    def _check_one(self, text: str, date: dt.date | None) -> list[Finding] | BaseException:
        try:
            return self.proofreader.check(text, date=date)
        except Exception as e:
            log.error("checking failed: %s", type(e).__name__)  # the type only: messages may quote the text
            return e

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
