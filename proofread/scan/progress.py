"""A one-line progress bar (articles, articles/s, ETA) for terminals."""

from __future__ import annotations

import sys
import time
from typing import IO


class Progress:
    """Redraws at most every ``interval`` seconds; prints nothing unless ``enabled``."""

    def __init__(self, total: int, *, enabled: bool, stream: IO[str] | None = None, interval: float = 0.2) -> None:
        self.total = total
        self.done = 0
        self.chars = 0
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.interval = interval
        self.started = time.monotonic()
        self._drawn = 0.0

    def advance(self, articles: int, chars: int = 0) -> None:
        self.done += articles
        self.chars += chars
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= self.interval or self.done >= self.total):
            self._drawn = now
            self.stream.write("\r" + self.line(now - self.started))
            self.stream.flush()

    def line(self, elapsed: float) -> str:
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 28
        filled = int(width * self.done / self.total) if self.total else width
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} articles "
            f"{rate:,.0f}/s ETA {_clock(left)} "
        )

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
