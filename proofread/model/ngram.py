"""Character n-gram language model: compact storage, memory-mapped loading, batched scoring.

Characters map to 16-bit ids, so an n-gram of up to four characters is an exact 64-bit key
(no hashing, no collisions). Each order is a sorted ``uint64`` key array plus a ``uint8``
quantised log-count array, both ``.npy`` files opened with ``mmap_mode="r"``: loading is
instant and the pages are shared read-only between threads and processes. Scoring is
stupid backoff (Brants et al. 2007) over counts, looked up with one ``np.searchsorted`` per
order for a whole batch of windows.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BOUNDARY, UNK, DIGIT, LATIN = 0, 1, 2, 3
SPECIAL = 4  # ids below this are reserved
MAX_ORDER = 4
BACKOFF = float(np.log(0.4))
_BMP = 0x10000


def ngram_keys(ids: np.ndarray, order: int) -> np.ndarray:
    """Keys of the ``order``-grams ending at each position ``j >= order - 1`` of the last axis."""
    ids = ids.astype(np.uint64)
    width = ids.shape[-1] - order + 1
    key = np.zeros(ids.shape[:-1] + (max(width, 0),), dtype=np.uint64)
    for t in range(order):
        key = (key << np.uint64(16)) | ids[..., t:t + width]
    return key


class CharVocab:
    """Character -> id. Digits and Latin letters each share one id; unknown characters get ``UNK``."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars  # chars[id] for ids >= SPECIAL
        table = np.full(_BMP, UNK, dtype=np.uint16)
        table[ord("0"):ord("9") + 1] = DIGIT
        table[ord("A"):ord("Z") + 1] = LATIN
        table[ord("a"):ord("z") + 1] = LATIN
        table[ord("\n")] = BOUNDARY  # line separator of the training text
        for i, ch in enumerate(chars, start=SPECIAL):
            if ord(ch) < _BMP:
                table[ord(ch)] = i
        self._table = table
        self._index = {ch: i for i, ch in enumerate(chars, start=SPECIAL)}

    def __len__(self) -> int:
        return len(self.chars) + SPECIAL

    def id(self, ch: str) -> int:
        return self._index.get(ch, UNK)

    def char(self, i: int) -> str:
        return self.chars[i - SPECIAL]

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``text`` (``uint16``), one per character."""
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        out = self._table[np.minimum(points, _BMP - 1)]
        out[points >= _BMP] = UNK
        return out


class CharNgramLM:
    """A read-only character 1..4-gram model stored in ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        directory = Path(directory)
        self.directory = directory
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        self.meta = meta
        chars = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.vocab = CharVocab([c for c in chars if c])
        self.unigram = np.load(directory / "unigram.npy", mmap_mode="r").astype(np.float64)
        self.total = float(self.unigram.sum())
        self._log_unigram = np.log(np.maximum(self.unigram, 0.5) / self.total)
        self._keys = {n: np.load(directory / f"order{n}.keys.npy", mmap_mode="r") for n in range(2, MAX_ORDER + 1)}
        self._logq = {n: np.load(directory / f"order{n}.q.npy", mmap_mode="r") for n in range(2, MAX_ORDER + 1)}
        self._scale = {int(k): float(v) for k, v in meta["scale"].items()}

    def log_counts(self, order: int, keys: np.ndarray) -> np.ndarray:
        """Natural-log counts of ``order``-gram ``keys`` (``-inf`` where the n-gram is absent)."""
        flat = keys.ravel()
        if order == 1:
            counts = self.unigram[flat.astype(np.int64)]
            with np.errstate(divide="ignore"):
                return np.log(counts).reshape(keys.shape)
        table = self._keys[order]
        # Sorted, distinct queries: far fewer probes, and each starts where the last one ended.
        uniq, inverse = np.unique(flat, return_inverse=True)
        idx = np.minimum(np.searchsorted(table, uniq), len(table) - 1)
        found = table[idx] == uniq
        out = np.full(uniq.shape, -np.inf)
        out[found] = self._logq[order][idx[found]] / self._scale[order]
        return out[inverse].reshape(keys.shape)

    def position_scores(self, windows: np.ndarray, first: int) -> np.ndarray:
        """Stupid-backoff log scores of positions ``first..W-1`` of each row of ``windows`` (M, W)."""
        m, w = windows.shape
        # suffix[n][:, j]: log count of the n-gram ending at column j (-inf where it does not fit).
        suffix = {}
        for n in range(1, MAX_ORDER + 1):
            arr = np.full((m, w), -np.inf)
            if w >= n:
                arr[:, n - 1:] = self.log_counts(n, ngram_keys(windows, n))
            suffix[n] = arr
        cols = np.arange(first, w)
        ids = windows[:, cols].astype(np.int64)
        score = self._log_unigram[ids] + (MAX_ORDER - 1) * BACKOFF
        done = np.zeros(score.shape, dtype=bool)
        for n in range(MAX_ORDER, 1, -1):
            hit = np.where(np.isfinite(suffix[n][:, cols]), suffix[n][:, cols], 0.0)
            ctx = suffix[n - 1][:, cols - 1] if first >= 1 else np.full(hit.shape, -np.inf)
            ok = ~done & np.isfinite(suffix[n][:, cols]) & np.isfinite(ctx)
            score = np.where(ok, hit - np.where(ok, ctx, 0.0) + (MAX_ORDER - n) * BACKOFF, score)
            done |= ok
        return score
