"""Curated and user dictionaries of kind ``rules``: wrong form -> finding."""
from __future__ import annotations

from typing import Iterable

import ahocorasick

from ..dictionaries import Dictionary, Rule, iter_rules
from ..finding import Finding
from .base import Checker, Sentence, register

CONTEXT = 30  # characters of context the before/after patterns see
OPEN_QUOTES = "“‘「『\"'《"
CLOSE_QUOTES = "”’」』\"'》"


@register
class DictionaryRules(Checker):
    """Multi-pattern (Aho-Corasick) match of every form, then each rule's conditions."""

    name = "dictionary_rules"
    priority = 50

    def __init__(self, rules: Iterable[tuple[Dictionary, Rule]]) -> None:
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, Rule]]] = {}
        for d, rule in rules:
            for form in rule.forms:
                entries.setdefault(form, []).append((d.name, rule))
        for form, hits in entries.items():
            self._automaton.add_word(form, (len(form), hits))
        self._empty = not entries
        if entries:
            self._automaton.make_automaton()

    @classmethod
    def from_resources(cls, resources) -> "DictionaryRules":
        return cls(iter_rules(resources.dictionaries, "rules"))

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        if self._empty:
            return
        text = sentence.text
        for last, (length, hits) in self._automaton.iter(text):
            start, end = last + 1 - length, last + 1
            for dictionary, rule in hits:
                if applies(rule, sentence, start, end):
                    yield Finding(
                        start=start,
                        end=end,
                        original=text[start:end],
                        suggestions=rule.suggestions,
                        category=rule.category,
                        severity=rule.severity,
                        rule=rule.id,
                        source=dictionary,
                        confidence=1.0,
                        message=rule.message,
                        priority=self.priority,
                    )


def applies(rule: Rule, sentence: Sentence, start: int, end: int) -> bool:
    """Whether ``rule``, matched at ``[start, end)``, fires in ``sentence``."""
    text = sentence.text
    if rule.since is not None and sentence.date < rule.since:
        return False
    before = text[max(0, start - CONTEXT):start]
    after = text[end:end + CONTEXT]
    if rule.before is not None and not rule.before.search(before):
        return False
    if rule.not_before is not None and rule.not_before.search(before):
        return False
    if rule.after is not None and not rule.after.match(after):
        return False
    if rule.not_after is not None and rule.not_after.match(after):
        return False
    if rule.action == "quote" and before[-1:] and before[-1] in OPEN_QUOTES and after[:1] and after[0] in CLOSE_QUOTES:
        return False
    # Checked last: it is the only condition that needs word segmentation.
    return rule.boundary == "char" or sentence.is_word_span(start, end)

