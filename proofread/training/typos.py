"""Typos as a pinyin input method makes them, planted in clean sentences.

One character of a common word (2-4 characters, jieba frequency >= ``MIN_WORD_FREQ``) is
replaced by a character with the same toneless main reading or a fuzzy-similar one (z/zh,
n/l, in/ing, ...), so that the word is no longer a word (民族 -> 名族, 管理 -> 管里). The
replacement is drawn in proportion to its frequency, as an input method lists common
characters first. The model's confusion tables are not used, so a typo they lack is possible.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jieba

from ..segment import jieba_entries
from ..similarity import SIMILAR_SOUND, SOUND, fuzzy, main_reading
from ..spelling.ngram import SPECIAL, CharNgramLM
from ..text.chars import is_han

MIN_WORD_FREQ = 100


@dataclass(frozen=True)
class Typo:
    text: str  # the sentence with the typo
    clean: str
    position: int
    kind: str  # SOUND or SIMILAR_SOUND


class TypoMaker:
    """Plants one typo per sentence; ``char_freq`` gives each replacement character's weight
    (characters missing from it are never used)."""

    def __init__(self, char_freq: Mapping[str, float]) -> None:
        self.word_freq = {w: f for w, f, _ in jieba_entries()}
        self.by_fuzzy: dict[str, list[tuple[str, float]]] = {}
        for c, f in sorted(char_freq.items()):
            if f > 0 and is_han(c) and (r := main_reading(c)):
                self.by_fuzzy.setdefault(fuzzy(r), []).append((c, f))

    def plant(self, sentence: str, rng: random.Random) -> Typo | None:
        words, pos = [], 0
        for w in jieba.cut(sentence, HMM=False):
            if 2 <= len(w) <= 4 and all(is_han(c) for c in w) and self.word_freq.get(w, 0) >= MIN_WORD_FREQ:
                words.append((pos, w))
            pos += len(w)
        if not words:
            return None
        start, word = rng.choice(words)
        k = rng.randrange(len(word))
        reading = main_reading(word[k])
        subs = [
            (c, f)
            for c, f in self.by_fuzzy.get(fuzzy(reading), ())
            if c != word[k] and word[:k] + c + word[k + 1 :] not in self.word_freq
        ]
        if not subs:
            return None
        c = rng.choices([c for c, _ in subs], [f for _, f in subs])[0]
        at = start + k
        kind = SOUND if main_reading(c) == reading else SIMILAR_SOUND
        return Typo(sentence[:at] + c + sentence[at + 1 :], sentence, at, kind)

    def plant_many(self, sentences: Iterable[str], n: int, seed: int) -> list[Typo]:
        """Up to ``n`` typos, one in each of the first sentences (in the given order) that take one."""
        rng = random.Random(seed)
        out: list[Typo] = []
        for s in sentences:
            if len(out) >= n:
                break
            typo = self.plant(s, rng)
            if typo is not None:
                out.append(typo)
        return out


def model_char_frequencies(lm: CharNgramLM) -> dict[str, float]:
    """Each vocabulary character's count in the language model's text."""
    return {c: float(lm.unigram[i + SPECIAL]) for i, c in enumerate(lm.vocab.chars)}
