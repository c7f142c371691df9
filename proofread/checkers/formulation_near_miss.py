"""Political formulations (规范表述) written with one wrong character, parts out of order,
or 次 and 届 mixed up in the name of a congress, plenum or session.

Canonical forms come from dictionaries of kind ``canonical`` (shipped ``formulations.tsv``
and any user dictionary). Known non-standard variants of other lengths (以习近平总书记为核心的
党中央) are ordinary ``rules`` entries (``formulation_variants.tsv``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from ..dictionaries import Dictionary, Rule, iter_rules
from ..finding import Finding, Severity
from ..similarity import CharSimilarity, default_similarity
from ..text.chars import is_han
from .base import Checker, Priority, Sentence, register
from .near_miss import confusable

NUMERALS = set("零〇一二两三四五六七八九十百千0123456789")
LIST_SEPARATORS = "、，"
MAX_LIST_PARTS = 6  # 6! = 720 orders at most per listed formulation
# A form this short is checked only where the wrong character does not make a word with its
# neighbour (四个自信 must not fire on ordinary text); longer forms are specific enough.
SHORT_FORM = 5


@dataclass(frozen=True)
class _Canonical:
    form: str
    rule: Rule
    dictionary: str


def _list_parts(form: str) -> tuple[list[str], list[str]] | None:
    """``(parts, separators)`` of a listed formulation (创新、协调、绿色、开放、共享)."""
    parts = re.split(f"[{LIST_SEPARATORS}]", form)
    if not 2 <= len(parts) <= MAX_LIST_PARTS or len(set(parts)) != len(parts) or not all(parts):
        return None
    return parts, re.findall(f"[{LIST_SEPARATORS}]", form)


def swapped_orders(form: str) -> Iterator[str]:
    """Other orders of the same parts: list items (、，) or two halves that begin alike (一带一路)."""
    split = _list_parts(form)
    if split:
        parts, seps = split
        for order in itertools.permutations(parts):
            joined = order[0] + "".join(s + p for s, p in zip(seps, order[1:]))
            if joined != form:
                yield joined
        return
    half = len(form) // 2
    if len(form) % 2 == 0 and half >= 2 and form[0] == form[half] and form[:half] != form[half:]:
        yield form[half:] + form[:half]


# --- 次 and 届 -----------------------------------------------------------------------------
# Party congresses are counted by 次 (第二十次全国代表大会, 党的二十大); a Central Committee,
# an NPC and a CPPCC National Committee by 届 (二十届三中全会, 第十四届全国人民代表大会,
# 全国政协十四届); the plenums and sessions of one 届 by 次 (第三次全体会议, 二次会议).
_DIGITS = "零〇一二两三四五六七八九十百0-9"
_N = f"[{_DIGITS}]+"
_HAN_N = "[零〇一二三四五六七八九十百]+"  # foreign parties' congresses are often written 第54届
CI_JIE_PATTERNS: tuple[tuple[str, re.Pattern, str, str], ...] = (
    # (rule id, wrong pattern (group 1: the wrong character), wrong char -> right char, message)
    (
        "formulation.ci_jie.congress",
        re.compile(f"(?<![{_DIGITS}])第?{_HAN_N}(届)全国代表大会"),
        "次",
        "党的全国代表大会按“次”计，如“第二十次全国代表大会”",
    ),
    (
        "formulation.ci_jie.plenum",
        re.compile(f"(?<![{_DIGITS}])第?{_N}(次){_N}中全会"),
        "届",
        "中央委员会按“届”计，全会按“次”计，如“二十届三中全会”",
    ),
    (
        "formulation.ci_jie.committee",
        re.compile(f"第{_N}(次)中央委员会"),
        "届",
        "中央委员会按“届”计，如“第二十届中央委员会”",
    ),
    (
        "formulation.ci_jie.plenary",
        re.compile(f"中央委员会第{_N}(届)全体会议"),
        "次",
        "全体会议按“次”计，如“第三次全体会议”",
    ),
    (
        "formulation.ci_jie.npc",
        re.compile(f"第{_N}(次)全国人民代表大会"),
        "届",
        "全国人民代表大会按“届”计，如“第十四届全国人民代表大会”",
    ),
    (
        "formulation.ci_jie.npc_short",
        re.compile(f"(?<!第){_N}(次)全国人大(?={_N}[次届]会议|常委会)"),
        "届",
        "全国人大按“届”计，如“十四届全国人大二次会议”",
    ),
    (
        "formulation.ci_jie.session",
        re.compile(f"(?:全国人民代表大会|全国委员会)第{_N}(届)会议"),
        "次",
        "会议按“次”计，如“第二次会议”",
    ),
    (
        "formulation.ci_jie.session_short",
        re.compile(f"(?:全国人大|全国政协{_N}[届次]){_N}(届)会议"),
        "次",
        "会议按“次”计，如“十四届全国人大二次会议”“全国政协十四届二次会议”",
    ),
    (
        "formulation.ci_jie.cppcc",
        re.compile(f"(?:全国政协{_N}(次)(?={_N}[次届]会议)|政治协商会议第{_N}(次)全国委员会)"),
        "届",
        "全国政协按“届”计，如“全国政协十四届二次会议”“第十四届全国委员会”",
    ),
)


def chinese_number(n: int) -> str:
    """1..99 as written in meeting names: 十四, 二十, 二十一."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is outside 1..99")
    digits = "零一二三四五六七八九"
    tens, units = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[units] if units else "")


def meeting_names(term: int, session: int) -> list[str]:
    """The correct names, full and short, of congress ``term`` and of session/plenum ``session``
    of the Party, the NPC and the CPPCC (what ``CI_JIE_PATTERNS`` must leave alone)."""
    t, s = chinese_number(term), chinese_number(session)
    return [
        f"中国共产党第{t}次全国代表大会",
        f"党的{t}大",
        f"中国共产党第{t}届中央委员会第{s}次全体会议",
        f"{t}届{s}中全会",
        f"第{t}届全国人民代表大会第{s}次会议",
        f"{t}届全国人大{s}次会议",
        f"中国人民政治协商会议第{t}届全国委员会第{s}次会议",
        f"全国政协{t}届{s}次会议",
    ]


@register
class FormulationNearMiss(Checker):
    """Near misses of canonical formulations, and 次/届 errors in meeting names."""

    name = "formulation_near_miss"
    priority = Priority.NEAR_MISS

    def __init__(self, canonical: Iterable[tuple[Dictionary, Rule]], similarity: CharSimilarity) -> None:
        self._similarity = similarity
        self._forms: list[_Canonical] = []
        self._exact: set[str] = set()
        halves: dict[str, list[tuple[int, int]]] = {}  # half -> (form index, offset in form)
        swaps: dict[str, int] = {}
        for d, rule in canonical:
            for form in rule.forms:
                if len(form) < 4 or form in self._exact:
                    continue
                index = len(self._forms)
                self._forms.append(_Canonical(form, rule, d.name))
                self._exact.add(form)
                # One substituted character leaves one half intact: find either half, then compare.
                h = len(form) // 2
                halves.setdefault(form[:h], []).append((index, 0))
                halves.setdefault(form[h:], []).append((index, h))
                for other in swapped_orders(form):
                    swaps.setdefault(other, index)
        self._automaton = ahocorasick.Automaton()
        for half, hits in halves.items():
            self._automaton.add_word(half, ("half", len(half), tuple(hits)))
        for other, index in swaps.items():
            if other not in self._exact:
                if other in halves:
                    continue  # a half of another form: keep the substitution search intact
                self._automaton.add_word(other, ("swap", len(other), index))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    @classmethod
    def from_resources(cls, resources, config) -> FormulationNearMiss:
        return cls(iter_rules(resources.dictionaries, "canonical"), default_similarity())

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        text = sentence.text
        found: dict[tuple[int, int], Finding] = {}
        if not self._empty:
            for last, (kind, length, payload) in self._automaton.iter(text):
                start = last + 1 - length
                if kind == "swap":
                    f = self._finding(sentence, start, start + length, self._forms[payload], "swap")
                    found.setdefault((f.start, f.end), f)
                    continue
                for index, offset in payload:
                    canonical = self._forms[index]
                    span_start = start - offset
                    span_end = span_start + len(canonical.form)
                    if span_start < 0 or span_end > len(text) or (span_start, span_end) in found:
                        continue
                    if self._near_miss(sentence, span_start, canonical.form):
                        found[(span_start, span_end)] = self._finding(sentence, span_start, span_end, canonical, "char")
        if "次" in text or "届" in text:
            for f in self._ci_jie(text):
                found.setdefault((f.start, f.end), f)
        return sorted(found.values(), key=lambda f: (f.start, f.end))

    def _near_miss(self, sentence: Sentence, start: int, form: str) -> bool:
        """Whether ``text[start:]`` is ``form`` with exactly one confusable character changed."""
        span = sentence.text[start : start + len(form)]
        diff = [i for i, (a, b) in enumerate(zip(span, form)) if a != b]
        if len(diff) != 1 or span in self._exact:
            return False
        pos = diff[0]
        wrong, right = span[pos], form[pos]
        if not (is_han(wrong) and is_han(right)) or wrong in NUMERALS or right in NUMERALS:
            return False
        if confusable(self._similarity, right, wrong) is None:
            return False
        if len(form) <= SHORT_FORM:
            # The span must not be a phrase of its own: whole words at its ends, and the wrong
            # character not part of a word that lies inside the span.
            if not sentence.is_word_span(start, start + len(form)):
                return False
            bounds = sentence.word_bounds
            left = max((b for b in bounds if b <= start + pos), default=0)
            right_b = min((b for b in bounds if b > start + pos), default=len(sentence.text))
            if right_b - left > 1 and start <= left and right_b <= start + len(form):
                return False
        return True

    def _finding(self, sentence: Sentence, start: int, end: int, canonical: _Canonical, how: str) -> Finding:
        original = sentence.text[start:end]
        return self.finding(
            start,
            end,
            original,
            canonical.form,
            category="formulation",
            severity=Severity.ERROR,
            rule=canonical.rule.id,
            source=canonical.dictionary,
            confidence=0.95,
            message=f"“{original}”顺序有误，应为“{canonical.form}”"
            if how == "swap"
            else f"“{original}”应为规范表述“{canonical.form}”",
        )

    def _ci_jie(self, text: str) -> Iterator[Finding]:
        for rule_id, pattern, right, message in CI_JIE_PATTERNS:
            for m in pattern.finditer(text):
                group = next(g for g in range(1, (pattern.groups or 0) + 1) if m.group(g))
                fixed = text[m.start() : m.start(group)] + right + text[m.end(group) : m.end()]
                yield self.finding(
                    m.start(),
                    m.end(),
                    m.group(0),
                    fixed,
                    category="formulation",
                    severity=Severity.ERROR,
                    rule=rule_id,
                    source="formulation_near_miss",
                    confidence=0.95,
                    message=f"“{m.group(0)}”中“次”“届”混用：{message}",
                )
