"""Characters that read as a typo even where no correction is sure (疑似错别字).

A character is *isolated* when it forms a word with neither neighbour: it lies in no
dictionary word of 2-4 characters (the model's word index: jieba's dictionary and our terms).
How many of its two bigrams the language model saw is kept as evidence (``max_sides_seen``
limits it; by default it does not). Isolation alone is common in informal text
(names, slang, app descriptions), so an isolated character is reported only with more
evidence, measured on the tuning sources (``benchmarks/suspect_tuning.py``):

* a replacement alike in sound or shape completes a dictionary word there and raises the
  language-model score of the window by at least ``alike_gain`` (natural log), or
* any word-completing replacement gains ``any_gain`` and leads the next one by ``any_margin``
  (a rule for rare characters, ``rare_gain``, is off by default: informal text is full of them).

Only the alike replacements and the ``max_fillers`` most plausible others (seen next to a
neighbour in the corpus, then of frequent words) are scored: a function word completes hundreds
of rare words, and scoring them all halved the pipeline's throughput for 3% more detections.
Suggestions are the characters that complete a dictionary word there, whatever they look or
sound like (衮作 -> 工作), ranked by the language-model gain, alike characters ahead; there may be
none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..similarity import default_similarity
from ..text.chars import is_han
from .correction import Editable
from .model import SpellingModel
from .ngram import SPECIAL, UNK
from .words import FREQ_SCALE

MAX_SUGGESTIONS = 3
ALIKE_BONUS = 5.0  # ranking: an alike replacement counts as this much more gain
RARE_LOG_FREQ = -14.0  # ln unigram frequency below which a character is rare
MAX_FILLERS = 24  # non-alike replacements scored per position (those of the most frequent words)
GAIN_CHUNK = 65536  # candidates scored at once (bounds memory on a long document)


@dataclass(frozen=True)
class Suspect:
    """An isolated character at ``position`` and what might stand there instead (best first)."""

    position: int
    original: str
    suggestions: tuple[str, ...]
    gain: float  # language-model gain of the best alike candidate (0 if none)
    rare: bool


@dataclass(frozen=True)
class Isolated:
    """A character that forms no word with its neighbours, and the evidence about it."""

    text: int  # index of the text in the batch
    position: int
    original: str
    ranked: tuple[tuple[str, float], ...]  # word-completing replacements and their gains, best first
    alike_gain: float  # best gain of a replacement alike in sound or shape (0: none)
    best_gain: float  # best gain of any replacement
    margin: float  # best gain minus the second best
    sides_seen: int  # how many of its two bigrams (with each neighbour) are attested
    rare: bool  # outside the vocabulary, or rarer than RARE_LOG_FREQ


@dataclass(frozen=True)
class SuspectRules:
    """When an isolated character is reported (tuned by ``benchmarks/suspect_tuning.py``)."""

    alike_gain: float = 20.0  # an alike replacement completing a word gains this much
    any_gain: float = 25.0  # or any replacement gains this much ...
    any_margin: float = 4.0  # ... this far ahead of the next one
    # Or the character is rare and any replacement gains this much: off, as informal text is full
    # of rare characters (at 15-20 it added 0.7-2% of new-media sentences on the tuning sources).
    rare_gain: float = float("inf")
    max_sides_seen: int = 2  # only characters with at most this many bigrams attested (0, 1 or 2)
    show_gain: float = 3.0  # least gain of a suggestion
    show_within: float = 8.0  # and at most this far below the best one

    def flags(self, c: Isolated) -> bool:
        if c.sides_seen > self.max_sides_seen:
            return False
        return (
            c.alike_gain >= self.alike_gain
            or (c.best_gain >= self.any_gain and c.margin >= self.any_margin)
            or (c.rare and c.best_gain >= self.rare_gain)
        )


class SuspectFinder:
    """Finds isolated characters with a :class:`SpellingModel`'s tables. Thread-safe (read-only)."""

    def __init__(self, model: SpellingModel, rules: SuspectRules | None = None, max_fillers: int = MAX_FILLERS) -> None:
        self.model = model
        self.rules = rules or SuspectRules()
        self.max_fillers = max_fillers
        self._similar = default_similarity()
        self._alike_cache: dict[int, np.ndarray] = {}  # filled on use; a lost race only recomputes

    def find(self, texts: Sequence[str], editable: Editable | None = None) -> list[list[Suspect]]:
        """The suspects of each text (positions in it), in text order."""
        out: list[list[Suspect]] = [[] for _ in texts]
        for c in self.candidates(texts, editable):
            if self.rules.flags(c):
                least = max(self.rules.show_gain, c.best_gain - self.rules.show_within)
                shown = tuple(ch for ch, gain in c.ranked if gain >= least)[:MAX_SUGGESTIONS]
                out[c.text].append(Suspect(c.position, c.original, shown, c.best_gain, c.rare))
        return out

    def candidates(self, texts: Sequence[str], editable: Editable | None = None) -> list[Isolated]:
        """Every isolated character of ``texts`` with the evidence about it."""
        m = self.model
        flat, starts, lengths = m.encode_batch(texts)
        han = np.zeros(len(flat), dtype=bool)
        may_edit = np.zeros(len(flat), dtype=bool)
        for i, (text, start) in enumerate(zip(texts, starts.tolist())):
            mask = np.fromiter((is_han(ch) for ch in text), dtype=bool, count=len(text))
            han[start : start + len(text)] = mask
            if editable is not None:
                mask = mask & np.asarray(editable[i], dtype=bool)
            may_edit[start : start + len(text)] = mask
        # Between two Chinese characters.
        g = np.nonzero(may_edit & np.roll(han, 1) & np.roll(han, -1))[0]
        if len(g) == 0:
            return []
        g = g[~m.in_word(flat, g)]  # in no dictionary word
        if len(g) == 0:
            return []
        left, right = self._attested(flat, g - 1, g), self._attested(flat, g, g + 1)
        fill_g, fill_c, _, fill_f = m.word_fillers(flat, g)
        sentence = np.searchsorted(starts, g, "right") - 1
        keep = m.is_cjk(fill_c)
        cg, cc, alike = self._fillers_to_score(flat, fill_g[keep], fill_c[keep], fill_f[keep])
        ends = (starts + lengths)[np.searchsorted(starts, cg, "right") - 1]
        gain = (
            np.concatenate(
                [
                    m.window_gain(flat, cg[i : i + GAIN_CHUNK], cc[i : i + GAIN_CHUNK], ends[i : i + GAIN_CHUNK])
                    for i in range(0, len(cg), GAIN_CHUNK)
                ]
            )
            if len(cg)
            else np.zeros(0)
        )
        # Rank each position's replacements: by gain, an alike one counting ALIKE_BONUS more.
        order = np.lexsort((-(gain + ALIKE_BONUS * alike), cg))
        cg, cc, gain, alike = cg[order], cc[order], gain[order], alike[order]
        lo, hi = np.searchsorted(cg, g, "left").tolist(), np.searchsorted(cg, g, "right").tolist()
        log_freq = m.lm.log_unigram
        chars = [m.vocab.char(int(c)) for c in cc.tolist()]
        gains = gain.tolist()
        out = []
        for j, (pos, s) in enumerate(zip(g.tolist(), sentence.tolist())):
            a, b = lo[j], hi[j]
            top = sorted(gains[a:b], reverse=True)[:2] + [0.0, 0.0]
            alike_gains = gain[a:b][alike[a:b]]
            out.append(
                Isolated(
                    text=s,
                    position=pos - int(starts[s]),
                    original=texts[s][pos - int(starts[s])],
                    ranked=tuple(zip(chars[a:b], gains[a:b])),
                    alike_gain=float(alike_gains.max()) if len(alike_gains) else 0.0,
                    best_gain=top[0],
                    margin=top[0] - top[1],
                    sides_seen=int(left[j]) + int(right[j]),
                    rare=bool(flat[pos] == UNK or log_freq[flat[pos]] < RARE_LOG_FREQ),
                )
            )
        return out

    def _fillers_to_score(
        self, flat: np.ndarray, g: np.ndarray, c: np.ndarray, freq: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The (position, char) pairs worth a language-model score, sorted by position, and whether
        each char is alike to the original: at each position every alike filler and the
        ``max_fillers`` most plausible others (a function word completes hundreds of rare words;
        scoring them all cost half the pipeline's time)."""
        # One row per (position, char), with its most frequent word: sort one packed integer
        # (freq is stored in tenths of ln, 0-255).
        q = np.rint(freq * FREQ_SCALE).astype(np.int64)
        packed = np.sort((g * 65536 + c) * 256 + (255 - q))
        key = packed >> 8
        first = np.r_[True, key[1:] != key[:-1]]
        key, freq = key[first], (255 - (packed[first] & 255)) / FREQ_SCALE
        g, c = key >> 16, key & 65535
        alike = self._alike(flat[g], c)
        # Then, at each position: alike fillers, fillers the corpus saw next to a neighbour, and
        # those of frequent words (seen is at most ~25, freq at most 25.5).
        seen = self._seen(flat[g - 1], c) + self._seen(c, flat[g + 1])
        score = alike * 4096.0 + (seen + 2.0) * 64.0 + freq
        order = np.argsort(g * 65536.0 - score, kind="stable")
        g, c, alike = g[order], c[order], alike[order]
        rank = np.arange(len(g)) - np.searchsorted(g, g, "left")
        keep = alike | (rank < self.max_fillers)
        return g[keep], c[keep], alike[keep]

    def _alike(self, orig: np.ndarray, cand: np.ndarray) -> np.ndarray:
        """Whether each candidate char id is alike in sound or shape to the original's."""
        if len(orig) == 0:
            return np.zeros(0, dtype=bool)
        keys = orig.astype(np.int64) * 65536 + cand
        table = np.concatenate([self._alike_keys(o) for o in np.unique(orig).tolist()] + [np.zeros(0, np.int64)])
        return np.isin(keys, table)

    def _alike_keys(self, orig: int) -> np.ndarray:
        """``orig * 65536 + id`` of the characters alike to char id ``orig`` (cached)."""
        keys = self._alike_cache.get(orig)
        if keys is None:
            ids = self.model.vocab.encode("".join(self._similar.similar(self.model.vocab.char(orig))))
            keys = self._alike_cache[orig] = orig * 65536 + ids[ids >= SPECIAL].astype(np.int64)
        return keys

    def _seen(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """ln count of the bigram ``x y`` in the model's text, floored at -1 where unseen."""
        return np.maximum(self.model.bigram_log_counts(x, y), -1.0)

    def _attested(self, flat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether the model's text has the bigram ``flat[a] flat[b]`` (never for unknown characters)."""
        x, y = flat[a], flat[b]
        return (x >= SPECIAL) & (y >= SPECIAL) & np.isfinite(self.model.bigram_log_counts(x, y))
