"""Protected terms (place, unit and leader names): an allow-list no checker may flag."""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from ..dictionaries import Dictionary, Rule, iter_rules
from .base import Guard, Priority, Sentence, register


@register
class ProtectedTerms(Guard):
    """Marks the protected terms of the dictionaries, which no checker may flag."""

    name = "protected_terms"
    priority = Priority.PROTECTED

    def __init__(self, terms: Iterable[tuple[Dictionary, Rule]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for _, rule in terms:
            for form in rule.forms:
                self._automaton.add_word(form, len(form))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    @classmethod
    def from_resources(cls, resources, config) -> ProtectedTerms:
        return cls(iter_rules(resources.dictionaries, "protected"))

    def protect(self, sentence: Sentence) -> list[tuple[int, int]]:
        if self._empty:
            return []
        return [(last + 1 - n, last + 1) for last, n in self._automaton.iter(sentence.text)]
