"""Years written in Chinese numerals with the wrong zero (二零二三年, 二0二三年 -> 二〇二三年).

GB/T 15835—2011《出版物上数字用法》: a number used as a label, as a year is, writes its zero
as “〇”; “零” is for quantities (一百零五). A Latin 0 or letter O among Chinese digits is a
typing slip of the same kind. Years in Arabic numerals (2023年) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..finding import Finding
from .base import Checker, Priority, Sentence, register

SOURCE = "GB/T 15835—2011《出版物上数字用法》"
# Four digits of a year in the 1000s or 2000s (not inside a longer run of numerals: checked
# after the match, as a leading look-behind would be tried at every character). Checkers see
# normalised text, where full-width digits and letters are already ASCII.
_YEAR = re.compile(r"[一二][〇零一二三四五六七八九0Oo]{3}(?=年)")
_NUMERALS = frozenset("〇零一二三四五六七八九十百千万两0123456789")
_WRONG_ZERO = str.maketrans({"零": "〇", "0": "〇", "O": "〇", "o": "〇"})


@register
class NumberUsage(Checker):
    """Chinese-numeral years whose zero is written 零, 0 or O instead of 〇."""

    name = "number_usage"
    priority = Priority.CURATED  # a curated rule, like the dictionaries

    @classmethod
    def from_resources(cls, resources, config) -> NumberUsage:
        return cls()

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        text = sentence.text
        if "年" not in text:
            return
        for m in _YEAR.finditer(text):
            if m.start() and text[m.start() - 1] in _NUMERALS:
                continue
            year = m.group()
            fixed = year.translate(_WRONG_ZERO)
            if fixed == year:
                continue
            yield self.finding(
                m.start(),
                m.end(),
                year,
                fixed,
                category="normative",
                rule="number.year_zero",
                source=SOURCE,
                message=f"年份中的“0”用汉字写作“〇”：“{fixed}年”（“零”用于计量，如“一百零五”）",
            )
