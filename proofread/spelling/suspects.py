"""Characters that read as a typo even where no correction is sure (疑似错别字).

A character is *isolated* when it forms a word with neither neighbour: it lies in no
dictionary word of 2-4 characters (the model's word index: jieba's dictionary and our terms)
and the language model never saw it next to either neighbour (both bigrams unattested, or the
character is outside the model's vocabulary). Isolation alone is common in informal text
(names, slang, app descriptions), so an isolated character is reported only with more
evidence, measured on the tuning sources (``benchmarks/suspect_tuning.py``):

* a character alike in sound or shape completes a dictionary word there and raises the
  language-model score of the window by at least ``min_gain`` (natural log), or
* the character is rare (outside the vocabulary, or ln frequency below ``rare_log_freq``) in a
  sentence the language model reads fluently (mean ln probability per character at least
  ``fluent_logp``): an odd character stands out in ordinary prose, not in slang.

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
from .model import WINDOW, SpellingModel
from .ngram import SPECIAL, UNK

MAX_SUGGESTIONS = 3
ALIKE_BONUS = 5.0  # ranking: an alike replacement counts as this much more gain
RARE_LOG_FREQ = -14.0  # ln unigram frequency below which a character is rare


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
    fluency: float  # mean ln probability per character of the sentence


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

    def __init__(self, model: SpellingModel, rules: SuspectRules | None = None) -> None:
        self.model = model
        self.rules = rules or SuspectRules()
        self._similar = default_similarity()

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
        left, right = self._attested(flat, g - 1, g), self._attested(flat, g, g + 1)
        fill_g, fill_c, _, _ = m.word_fillers(flat, g)
        alone = ~np.isin(g, fill_g[fill_c == flat[fill_g]])  # in no dictionary word
        g, left, right = g[alone], left[alone], right[alone]
        if len(g) == 0:
            return []
        sentence = np.searchsorted(starts, g, "right") - 1
        fluency = self._fluency(flat, starts, lengths)
        keep = (fill_c != flat[fill_g]) & m.is_cjk(fill_c) & np.isin(fill_g, g)
        key = np.unique(fill_g[keep] * 65536 + fill_c[keep])
        cg, cc = key // 65536, key % 65536
        ends = (starts + lengths)[np.searchsorted(starts, cg, "right") - 1]
        gain = m.window_gain(flat, cg, cc, ends) if len(cg) else np.zeros(0)
        log_freq = m.lm.log_unigram
        lo, hi = np.searchsorted(cg, g, "left").tolist(), np.searchsorted(cg, g, "right").tolist()  # cg is sorted
        out = []
        for j, (pos, s) in enumerate(zip(g.tolist(), sentence.tolist())):
            orig = texts[s][pos - int(starts[s])]
            rows = range(lo[j], hi[j])
            alike = self._similar.similar(orig)
            ranked = sorted(
                ((m.vocab.char(int(cc[r])), float(gain[r])) for r in rows),
                key=lambda x: -x[1] - ALIKE_BONUS * (x[0] in alike),
            )
            gains = sorted((gn for _, gn in ranked), reverse=True) + [0.0, 0.0]
            out.append(
                Isolated(
                    text=s,
                    position=pos - int(starts[s]),
                    original=orig,
                    ranked=tuple(ranked),
                    alike_gain=max((gn for ch, gn in ranked if ch in alike), default=0.0),
                    best_gain=gains[0],
                    margin=gains[0] - gains[1],
                    sides_seen=int(left[j]) + int(right[j]),
                    rare=bool(flat[pos] == UNK or log_freq[flat[pos]] < RARE_LOG_FREQ),
                    fluency=float(fluency[s]),
                )
            )
        return out

    def _attested(self, flat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether the model's text has the bigram ``flat[a] flat[b]`` (never for unknown characters)."""
        x, y = flat[a], flat[b]
        known = (x >= SPECIAL) & (y >= SPECIAL)
        keys = (x.astype(np.uint64) << np.uint64(16)) | y.astype(np.uint64)
        return known & np.isfinite(self.model.lm.log_counts(2, keys))

    def _fluency(self, flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Mean ln probability per character of each text under the language model."""
        g = np.concatenate([np.arange(s, s + n) for s, n in zip(starts.tolist(), lengths.tolist())])
        windows = flat[np.clip(g[:, None] + np.arange(-WINDOW, 1)[None, :], 0, len(flat) - 1)]
        scores = self.model.lm.position_scores(windows, WINDOW)[:, 0]
        total = np.zeros(len(starts))
        np.add.at(total, np.repeat(np.arange(len(starts)), lengths), scores)
        return total / np.maximum(lengths, 1)
