"""Curated and user dictionaries of kind ``rules``: wrong form -> finding."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import ahocorasick

from ..dictionaries import Dictionary, Rule, iter_rules
from ..finding import Finding
from .base import Checker, Priority, Sentence, register

if TYPE_CHECKING:
    import datetime as dt

CONTEXT = 30  # characters of context the before/after patterns see
OPEN_QUOTES = "“‘「『\"'《"
CLOSE_QUOTES = "”’」』\"'》"
ASCII_QUOTES = "\"'"

# Rules with ``since`` describe a change (a renamed agency): a mention placed before
# that change is correct. "原"/"前" before the name (原国家工商行政管理总局,
# 原广东省中山市国土资源局), or 曾/历任/时任 earlier in the sentence, places it in the past.
_PAST_PREFIX = re.compile(
    r"(?:(?<![太平中高草西还复])原(?:[\u4e00-\u9fff]{0,8}?(?:省|市|县|区|州|盟|旗))*(?:国家|中国|中共中央|中央|国务院)?"
    r"|(?<![目此之以日提当年月天眼面空史生从])前"
    r"|(?:曾|历任|时任|原任)[^。；;]*)\Z"
)
# ... and so does what follows the name: 国家卫计委（现国家卫健委）, 农业部更名为农业农村部.
_PAST_SUFFIX = re.compile(r"[（(](?:现|今)|(?:已|后|先后)?(?:更名|改名|改为|改组|并入|撤销|不再保留)")
# A decade of the last century (上世纪八十年代, 90年代): its last year counts as the year named.
_DECADE = re.compile(r"(?<!\d)(?:19)?([1-9])0年代|([一二三四五六七八九])十年代|(?:上|二十|20)世纪")
_HAN_DECADE = {c: i for i, c in enumerate("一二三四五六七八九", 1)}
# A year (and optional month) in the sentence: 2016年, 2016—2020年, 2018年3月, 二〇一六年.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:年(?:(\d{1,2})月)?|\s*[-—–~～至到])")
_HAN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_HAN_YEAR = re.compile(r"[一二][〇零一二三四五六七八九]{3}年")


@register
class DictionaryRules(Checker):
    """Multi-pattern (Aho-Corasick) match of every form, then each rule's conditions."""

    name = "dictionary_rules"
    priority = Priority.CURATED

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
    def from_resources(cls, resources, config) -> DictionaryRules:
        return cls(iter_rules(resources.dictionaries, "rules"))

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        if self._empty:
            return
        text = sentence.text
        for last, (length, hits) in self._automaton.iter(text):
            start, end = last + 1 - length, last + 1
            for dictionary, rule in hits:
                if applies(rule, sentence, start, end):
                    yield self.finding(
                        start,
                        end,
                        text[start:end],
                        rule.suggestions,
                        category=rule.category,
                        severity=rule.severity,
                        rule=rule.id,
                        source=dictionary,
                        message=rule.message,
                    )


def applies(rule: Rule, sentence: Sentence, start: int, end: int) -> bool:
    """Whether ``rule``, matched at ``[start, end)``, fires in ``sentence``."""
    text = sentence.text
    if rule.since is not None and sentence.date < rule.since:
        return False
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    if rule.since is not None and placed_before(rule.since, text, before, after):
        return False
    if rule.before is not None and not rule.before.search(before):
        return False
    if rule.not_before is not None and rule.not_before.search(before):
        return False
    if rule.after is not None and not rule.after.match(after):
        return False
    if rule.not_after is not None and rule.not_after.match(after):
        return False
    if rule.action == "quote" and inside_quotes(before, after):
        return False
    # Checked last: it is the only condition that needs word segmentation.
    return rule.boundary == "char" or sentence.is_word_span(start, end)


def placed_before(change: dt.date, text: str, before: str, after: str = "") -> bool:
    """Whether the sentence places the match before ``change``: 原/前 before it, 现/更名 after it,
    or an earlier year or decade in the sentence."""
    if _PAST_PREFIX.search(before) or _PAST_SUFFIX.match(after):
        return True
    for m in _DECADE.finditer(text):
        digit = m.group(1) or m.group(2)
        decade_end = 1909 + 10 * (int(digit) if digit and digit.isdigit() else _HAN_DECADE.get(digit, 9))
        if decade_end < change.year:
            return True
    years = text
    if _HAN_YEAR.search(text):
        years = _HAN_YEAR.sub(lambda m: m.group().translate(_HAN_DIGITS), text)
    for m in _YEAR.finditer(years):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        if year < change.year or (year == change.year and month is not None and month <= change.month):
            return True
    return False


def inside_quotes(before: str, after: str) -> bool:
    """Whether the match stands inside a quotation (“台独”分裂势力, 所谓“立法院”)."""
    opened = max(before.rfind(q) for q in OPEN_QUOTES if q not in ASCII_QUOTES)
    closed = max(before.rfind(q) for q in CLOSE_QUOTES if q not in ASCII_QUOTES)
    if opened > closed:
        return any(q in after for q in CLOSE_QUOTES if q not in ASCII_QUOTES)
    # ASCII quotes open and close alike: inside when an odd number precede the match.
    return any(before.count(q) % 2 == 1 and q in after for q in ASCII_QUOTES)
