"""Everything components share, loaded once per ``Proofreader``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .dictionaries import Dictionary, load_dictionary, load_shipped
from .segment import Segmenter

# jieba frequencies for our terms: correct terms must stay whole; known wrong forms
# only win where they really stand (著名族群 stays 著名/族群, not 著/名族/群).
CORRECT_TERM_FREQ = 2000
WRONG_FORM_FREQ = 5


@dataclass
class Resources:
    dictionaries: list[Dictionary]
    segmenter: Segmenter

    @classmethod
    def load(
        cls,
        extra_dictionaries: Iterable[str | Path] = (),
        *,
        shipped: bool = True,
    ) -> Resources:
        dictionaries = load_shipped() if shipped else []
        dictionaries += [load_dictionary(p) for p in extra_dictionaries]
        return cls(dictionaries, Segmenter(_user_words(dictionaries)))


def _user_words(dictionaries: Sequence[Dictionary]) -> list[tuple[str, int]]:
    words: dict[str, int] = {}
    for d in dictionaries:
        for rule in d.entries:
            if d.kind in ("protected", "canonical"):
                for form in rule.forms:
                    words[form] = CORRECT_TERM_FREQ
                continue
            for s in rule.suggestions:
                words.setdefault(s, CORRECT_TERM_FREQ)
            for form in rule.forms:
                words.setdefault(form, WRONG_FORM_FREQ)
    return [(w, f) for w, f in words.items() if len(w) > 1]
