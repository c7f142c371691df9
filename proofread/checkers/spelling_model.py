"""Typos found by the shipped statistical spelling model (``models/charlm``).

Options (``Proofreader(options=...)``): ``model`` = ``"default"`` (the shipped model),
``"none"`` (off) or the path of another model directory built by
``python -m proofread.training.build``; ``model_threshold`` = the confidence a change needs
(default: the one tuned into the model); ``model_follow_ratio`` = the factor on that threshold
for further changes in a sentence that already has one (default: tuned into the model; 1 asks
every change to reach the full threshold); ``model_error_at`` = the confidence from which a
finding is an error rather than a warning (default 0.9); ``model_threads`` = threads a batch is
corrected on (default: 2 where the machine has them; the model's numpy work runs outside the
GIL enough for 1.6 times the throughput on two cores; ``proofread scan`` with several worker
processes uses 1 each).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..finding import Finding, Severity
from ..spelling.model import Correction, SpellingModel, load_default
from ..spelling.ngram import CharNgramLM
from .base import Checker, Sentence, register

WINDOW_CHARS = 64  # a long sentence is corrected in windows of at most this many characters
CONTEXT = 8  # characters read on each side of a window (the model looks 3-4 characters away)
MAX_PIECES = 256  # windows per model call: memory stays flat however long the input is
CACHE_SIZE = 20000  # windows remembered
DEFAULT_THREADS = min(2, os.cpu_count() or 1)  # more gain little: the rest holds the GIL
_CUT_AFTER = re.compile(r"[，、：；,:;）)》”]")


@functools.lru_cache(maxsize=4)
def _load(path: str) -> SpellingModel:
    """One model object per path, shared read-only by every Proofreader and thread."""
    return load_default() if path == "default" else SpellingModel(Path(path))


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


@register
class SpellingModelChecker(Checker):
    """Batched character-level corrections; never inside protected terms or on non-Chinese text."""

    name = "spelling_model"
    priority = 10
    learned = True

    def __init__(
        self,
        model: SpellingModel | str | None,
        threshold: float | None = None,
        error_at: float = 0.9,
        follow_ratio: float | None = None,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        # A model name/path loads on first use (about a second), so building a Proofreader stays fast.
        self._model = model
        self._threshold = threshold
        self.follow_ratio = follow_ratio  # None: the model's own
        self.error_at = error_at
        # Recent windows -> corrections: boilerplate repeated across pages is corrected once.
        self._cache: OrderedDict[tuple[str, tuple[bool, ...]], list[Correction]] = OrderedDict()
        self._lock = threading.Lock()
        self.threads = max(1, threads)
        self._pool: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool): a forked worker makes its own

    @property
    def model(self) -> SpellingModel | None:
        if isinstance(self._model, str):
            self._model = _load(self._model)
        return self._model

    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        return self.model.threshold if self.model is not None else 1.0

    @classmethod
    def from_resources(cls, resources) -> SpellingModelChecker:
        options = resources.options
        which = str(options.get("model", "default"))
        missing = CharNgramLM.missing_files(Path(which)) if which not in ("default", "none") else []
        if "meta.json" in missing:
            raise ValueError(
                f"spelling model directory {which!r} has no meta.json (build one with "
                "python -m proofread.training.build --out DIR)"
            )
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise ValueError(
                f"spelling model directory {which!r} lacks {missing[0]}{more} (built by another "
                "version? rebuild it with python -m proofread.training.build --out DIR)"
            )
        threshold, follow = options.get("model_threshold"), options.get("model_follow_ratio")
        return cls(
            None if which == "none" else which,
            None if threshold is None else float(threshold),
            float(options.get("model_error_at", 0.9)),
            None if follow is None else float(follow),
            int(options.get("model_threads", DEFAULT_THREADS)),
        )

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        out: list[list[Finding]] = [[] for _ in sentences]
        if self._model is None or not sentences:
            return out
        pieces: list[tuple[int, int]] = []  # (sentence index, offset of the piece in the sentence)
        texts: list[str] = []
        editable: list[list[bool]] = []
        for i, sentence in enumerate(sentences):
            text = sentence.text
            allowed = [True] * len(text)
            for start, end in sentence.protected:
                allowed[start:end] = [False] * (end - start)
            for start, end in windows(text):
                # Each window is read with CONTEXT characters on both sides but edited only inside.
                lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
                pieces.append((i, lo))
                texts.append(text[lo:hi])
                editable.append([False] * (start - lo) + allowed[start:end] + [False] * (hi - end))
        model = self.model
        keys = [(t, tuple(e)) for t, e in zip(texts, editable)]
        with self._lock:
            known = {k: self._cache[k] for k in keys if k in self._cache}
        todo = list(dict.fromkeys(k for k in keys if k not in known))
        size = min(MAX_PIECES, -(-len(todo) // self.threads)) or 1
        parts = [todo[first : first + size] for first in range(0, len(todo), size)]

        def correct(part: list[tuple[str, tuple[bool, ...]]]) -> list[list[Correction]]:
            return model.correct(
                [t for t, _ in part], [e for _, e in part], self.threshold, follow_ratio=self.follow_ratio
            )

        found = self._executor().map(correct, parts) if len(parts) > 1 and self.threads > 1 else map(correct, parts)
        for part, corrections in zip(parts, found):
            known.update(zip(part, corrections))
        with self._lock:
            for k in todo:
                self._cache[k] = known[k]
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        for (i, offset), key in zip(pieces, keys):
            out[i].extend(self._finding(model, offset + c.position, c) for c in known[key])
        return out

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pool[0] != os.getpid():
                self._pool = (os.getpid(), ThreadPoolExecutor(self.threads, thread_name_prefix="spelling_model"))
            return self._pool[1]

    def _finding(self, model: SpellingModel, pos: int, c: Correction) -> Finding:
        return Finding(
            start=pos,
            end=pos + len(c.original),
            original=c.original,
            suggestions=(c.suggestion,),
            category="typo",
            severity=Severity.ERROR if c.confidence >= self.error_at else Severity.WARNING,
            rule="model.ngram",
            source=model.name,
            confidence=round(c.confidence, 4),
            message=f"“{c.original}”疑为“{c.suggestion}”之误",
            priority=self.priority,
        )
