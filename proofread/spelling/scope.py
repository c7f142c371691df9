"""Where a learned model may not propose edits: deliberate forms that read as rare text.

A statistical model sees any unfamiliar sequence as a possible typo. Two kinds are usually
deliberate, and a model (not a curated rule) should leave them alone:

* short quoted coinages -- slogans, brands, project and campaign names (“和美湘村”, “浙里办”),
  which are quoted precisely because they are unusual;
* personal names -- a common surname followed by one or two characters that form no word
  (陈柏轩, 李晓霞), as jieba leaves unknown names in single characters.

Curated dictionaries still check these spans: a known misspelling inside quotes is reported.
"""

from __future__ import annotations

import re

from ..text.chars import is_han

MAX_QUOTED = 8  # characters of a quoted span treated as a coinage
_QUOTED = re.compile(rf"[“「『‘\"]([^”」』’\"\n]{{1,{MAX_QUOTED}}})[”」』’\"]")

#: Common surnames of mainland China (after 公安部户政管理研究中心《2020年全国姓名报告》's hundred
#: commonest), less those that stand alone as ordinary words too often (于, 向, 常, 高, 万, 张, 曾...).
SURNAMES = frozenset(
    "王李刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐韩冯邓曹彭肖田董潘袁蔡蒋杜叶程魏苏吕丁卢姚沈钟姜崔谭"
    "陆范汪廖韦贾夏邹熊孟秦邱侯尹薛闫雷黎陶贺郝顾龚邵覃武钱戴莫孔汤康乔赖"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of short quoted phrases (the text inside the quotes)."""
    return [m.span(1) for m in _QUOTED.finditer(text)]


def name_spans(text: str, words: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Spans of likely personal names: a surname standing alone as a word, followed by one or
    two Chinese characters that also stand alone (``words``: ``(word, start, end)`` in order)."""
    out = []
    for i, (word, start, _) in enumerate(words):
        if word not in SURNAMES:
            continue
        given = 0
        for w, s, e in words[i + 1 : i + 3]:
            if e - s != 1 or not is_han(w):
                break
            given += 1
        if given:
            out.append((start, start + 1 + given))
    return out
