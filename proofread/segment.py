"""jieba word segmentation, with our dictionary terms loaded so they stay whole."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator

import jieba


def jieba_entries() -> Iterator[tuple[str, int, str]]:
    """``(word, frequency, part of speech)`` for every entry of jieba's own dictionary."""
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            yield word, int(freq), tag


class Segmenter:
    """A private jieba tokenizer (never the global one), initialised on first use."""

    def __init__(self, words: Iterable[tuple[str, int]] = ()) -> None:
        self._words = list(words)
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def _ready(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    # jieba reports its dictionary loading at DEBUG on its own handler.
                    logging.getLogger("jieba").setLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for word, freq in self._words:
                        tokenizer.add_word(word, freq)
                    self._tokenizer = tokenizer
        return self._tokenizer

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` for each word of ``text``."""
        return list(self._ready().tokenize(text, HMM=False))

    def bounds(self, text: str) -> frozenset[int]:
        """Offsets in ``text`` where a word starts or ends."""
        out = {0, len(text)}
        for _, start, end in self._ready().tokenize(text, HMM=False):
            out.add(start)
            out.add(end)
        return frozenset(out)
