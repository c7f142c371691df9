"""Masked word index: which characters complete a dictionary word around a given position.

For every word of 2..4 characters and every position ``k`` in it, the key is the word's ids
with position ``k`` replaced by ``MASK``; the value is the character at ``k`` and the word's
log frequency. Looking up all spans around a position in one ``np.searchsorted`` gives at
once every character that would form a word there, and whether the original one does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .ngram import SPECIAL, _search_runs, load_mapped

MASK = 0xFFFF
WORD_LENGTHS = (2, 3, 4)
FREQ_SCALE = 10.0  # stored as round(ln(freq) * FREQ_SCALE) in uint8


class WordIndex:
    """Read-only masked word index loaded from a model directory (memory-mapped)."""

    def __init__(self, directory: Path) -> None:
        self._keys = {n: load_mapped(directory / f"words{n}.keys.npy") for n in WORD_LENGTHS}
        self._chars = {n: load_mapped(directory / f"words{n}.chars.npy") for n in WORD_LENGTHS}
        self._freq = {n: load_mapped(directory / f"words{n}.freq.npy") for n in WORD_LENGTHS}

    def fillers(self, n: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For masked ``n``-character ``keys``: (query index, filler char id, ln freq) of each match."""
        table = self._keys[n]
        lo = np.searchsorted(table, keys, "left")
        hi = np.searchsorted(table, keys, "right")
        counts = hi - lo
        query = np.repeat(np.arange(len(keys)), counts)
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        entry = starts + np.arange(len(query))
        return query, self._chars[n][entry].astype(np.int64), self._freq[n][entry] / FREQ_SCALE

    def contains(self, n: int, keys: np.ndarray, chars: np.ndarray) -> np.ndarray:
        """Whether char id ``chars[i]`` at the masked place of ``keys[i]`` makes a word (entries
        are sorted by key, then char: a binary search, without listing every filler)."""
        table, stored = self._keys[n], self._chars[n]
        lo = np.searchsorted(table, keys, "left")
        hi = np.searchsorted(table, keys, "right")
        idx = _search_runs(stored, lo, hi, chars.astype(stored.dtype))
        return (idx < hi) & (stored[np.minimum(idx, len(stored) - 1)] == chars)


class Homophones:
    """Two-character words sounding like a given character pair (memory-mapped)."""

    def __init__(self, directory: Path) -> None:
        self.sounds = load_mapped(directory / "sounds.npy").astype(np.int64)
        self._keys = np.load(directory / "homophones2.keys.npy")
        self._words = load_mapped(directory / "homophones2.words.npy")
        self._freq = load_mapped(directory / "homophones2.freq.npy")

    def words(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For char id pairs: (query index, first char, second char, ln freq) of each homophone word."""
        queries, keys = [], []
        for j in range(2):
            for k in range(2):
                sa, sb = self.sounds[first, j], self.sounds[second, k]
                ok = (sa > 0) & (sb > 0)
                queries.append(np.nonzero(ok)[0])
                keys.append((sa[ok] << 16) | sb[ok])
        query, key = np.concatenate(queries), np.concatenate(keys).astype(np.uint32)
        lo = np.searchsorted(self._keys, key, "left")
        hi = np.searchsorted(self._keys, key, "right")
        counts = hi - lo
        q = np.repeat(query, counts)
        entry = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        word = self._words[entry].astype(np.int64)
        return q, word >> 16, word & 0xFFFF, self._freq[entry] / FREQ_SCALE


SEG_MAX = 4  # longest word the segmentation lattice uses


class WordLattice:
    """Best word-segmentation log-probability of character windows (a unigram word model over
    jieba's dictionary, as jieba's own DAG route): how word-like a stretch of text reads."""

    def __init__(self, directory: Path) -> None:
        self._keys = load_mapped(directory / "wordlp.keys.npy")
        self._logp = load_mapped(directory / "wordlp.logp.npy")
        # A character no word covers costs a bit less than the rarest dictionary word.
        self._floor = float(np.min(self._logp)) - 1.0

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        idx = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where(self._keys[idx] == keys, self._logp[idx].astype(np.float64), -np.inf)

    def best_logp(self, windows: np.ndarray) -> np.ndarray:
        """Log-probability of the best segmentation of each row of ``windows`` (M, W)."""
        m, w = windows.shape
        ids = windows.astype(np.uint64)
        best = np.zeros((m, w + 1))
        for j in range(1, w + 1):
            score = best[:, j - 1] + np.maximum(self._lookup(ids[:, j - 1]), self._floor)
            key = ids[:, j - 1]
            real = windows[:, j - 1] >= SPECIAL  # boundaries, digits, Latin are never inside a word
            for length in range(2, min(SEG_MAX, j) + 1):
                real = real & (windows[:, j - length] >= SPECIAL)
                key = key | (ids[:, j - length] << np.uint64(16 * (length - 1)))
                score = np.maximum(score, best[:, j - length] + np.where(real, self._lookup(key), -np.inf))
            best[:, j] = score
        return best[:, w]
