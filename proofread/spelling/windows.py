"""Windowing, caching and threads around a spelling model's ``correct``."""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from .correction import Editable


class Positioned(Protocol):
    """What a windowed function finds: a dataclass with a ``position`` in its text (a
    :class:`~proofread.spelling.correction.Correction`, a :class:`~proofread.spelling.suspects.Suspect`)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def position(self) -> int: ...


Found = TypeVar("Found", bound=Positioned)

WINDOW_CHARS = 64  # a long text is corrected in windows of at most this many characters
CONTEXT = 8  # characters read on each side of a window (the n-gram model looks 3-4 characters away)
MAX_PIECES = 256  # windows per model call: memory stays flat however long the input is
CACHE_SIZE = 20000  # windows remembered
DEFAULT_THREADS = min(2, os.cpu_count() or 1)  # more gain little: the rest holds the GIL
_CUT_AFTER = re.compile(r"[，、：；,:;）)》”]")

_Key = tuple[str, tuple[bool, ...]]


def windows(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Spans covering ``text``, each at most ``size`` long, cut after punctuation where possible."""
    spans = []
    start = 0
    while len(text) - start > size:
        cut = start + size
        best = max((m.end() for m in _CUT_AFTER.finditer(text, start + size // 2, cut)), default=cut)
        spans.append((start, best))
        start = best
    spans.append((start, len(text)))
    return spans


class WindowedCorrector(Generic[Found]):
    """A :class:`~proofread.spelling.correction.Corrector` that corrects windows of each text
    (or runs any function of texts and masks that returns positioned findings).

    Each window is read with ``context`` characters on both sides but edited only inside, so
    cost grows linearly with length. Recent windows are remembered (boilerplate repeated across
    pages is corrected once) and a batch is spread over ``threads`` (the n-gram model's numpy
    work runs outside the GIL enough for 1.6 times the throughput on two cores).
    """

    def __init__(
        self,
        correct: Callable[[list[str], list[tuple[bool, ...]]], list[list[Found]]],
        *,
        threads: int = DEFAULT_THREADS,
        name: str = "spelling",
    ) -> None:
        self._correct = correct
        self.threads = max(1, threads)
        self._name = name
        self._cache: OrderedDict[_Key, list[Found]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): a forked worker makes its own

    def correct(self, texts: Sequence[str], editable: Editable | None = None) -> list[list[Found]]:
        out: list[list[Found]] = [[] for _ in texts]
        pieces: list[tuple[int, int]] = []  # (text index, offset of the piece in the text)
        keys: list[_Key] = []
        for i, text in enumerate(texts):
            allowed = list(editable[i]) if editable is not None else [True] * len(text)
            for start, end in windows(text):
                lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
                pieces.append((i, lo))
                mask = [False] * (start - lo) + allowed[start:end] + [False] * (hi - end)
                keys.append((text[lo:hi], tuple(mask)))
        with self._lock:
            known = {k: self._cache[k] for k in keys if k in self._cache}
        todo = list(dict.fromkeys(k for k in keys if k not in known))
        size = min(MAX_PIECES, -(-len(todo) // self.threads)) or 1
        parts = [todo[first : first + size] for first in range(0, len(todo), size)]

        def correct(part: list[_Key]) -> list[list[Found]]:
            return self._correct([t for t, _ in part], [e for _, e in part])

        found = self._executor().map(correct, parts) if len(parts) > 1 and self.threads > 1 else map(correct, parts)
        for part, corrections in zip(parts, found):
            known.update(zip(part, corrections))
        with self._lock:
            for k in todo:
                self._cache[k] = known[k]
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        for (i, offset), key in zip(pieces, keys):
            out[i].extend(dataclasses.replace(c, position=offset + c.position) for c in known[key])
        return out

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pool[0] != os.getpid():
                self._pool = (os.getpid(), ThreadPoolExecutor(self.threads, thread_name_prefix=self._name))
            return self._pool[1]
