"""Punctuation slips in Chinese text (GB/T 15834—2011《标点符号用法》).

Two kinds that need no judgement: a half-width mark between two Chinese characters
(联系人:王明, 工作,确保; severity info) and the same mark typed twice (落实。。, 工作，，;
warning). An ellipsis (……) and a dash (——) are doubled by design and are not touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..finding import Finding, Severity
from ..text.chars import is_han
from .base import Checker, Priority, Sentence, register

SOURCE = "GB/T 15834—2011《标点符号用法》"
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF = re.compile(f"[{re.escape(''.join(_FULL_WIDTH))}]")
_DOUBLED = re.compile(r"([。，、；：])\1+")


@register
class Punctuation(Checker):
    """Half-width marks between Chinese characters; the same mark typed twice."""

    name = "punctuation"
    priority = Priority.CURATED  # a curated rule, like the dictionaries
    # Opt-in (config section ``punctuation``, ``--punctuation``): sources converted from other
    # formats often carry half-width commas throughout, which would bury the wording errors.
    default = False
    flag = "--punctuation"

    @classmethod
    def from_resources(cls, resources, config) -> Punctuation:
        return cls()

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        text = sentence.text
        for m in _HALF.finditer(text):
            i = m.start()
            if 0 < i < len(text) - 1 and is_han(text[i - 1]) and is_han(text[i + 1]):
                mark = m.group()
                yield self._finding(
                    i,
                    i + 1,
                    mark,
                    _FULL_WIDTH[mark],
                    "punct.half_width",
                    Severity.INFO,
                    f"中文之间的标点用全角“{_FULL_WIDTH[mark]}”，不用半角“{mark}”",
                )
        for m in _DOUBLED.finditer(text):
            yield self._finding(
                m.start(), m.end(), m.group(), m.group(1), "punct.doubled", Severity.WARNING, f"标点“{m.group(1)}”重复"
            )

    def _finding(
        self, start: int, end: int, original: str, suggestion: str, rule: str, severity: Severity, message: str
    ) -> Finding:
        return self.finding(
            start,
            end,
            original,
            suggestion,
            category="punctuation",
            severity=severity,
            rule=rule,
            source=SOURCE,
            message=message,
        )
