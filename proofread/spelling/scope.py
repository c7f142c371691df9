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

#: Words that stand just before a name (titles, roles) and just after one (speech verbs, titles).
TITLES = frozenset(
    "记者 通讯员 书记 副书记 主任 副主任 市长 副市长 县长 省长 部长 局长 主席 委员 代表 教授 院士 同志 董事长 总经理 "
    "经理 法官 检察官 律师 医生 老师 学生 选手 演员 导演 作者 编辑 村民 居民 网友 先生 女士 总理 总书记".split()
)
FOLLOWERS = frozenset(
    "表示 说 指出 认为 强调 介绍 告诉 称 坦言 回忆 同志 书记 主任 先生 女士 教授 院士 记者 局长 市长 县长 "
    "省长 部长 主席 委员 代表 老师 医生 等 、 （ (".split()
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of short quoted phrases (the text inside the quotes)."""
    return [m.span(1) for m in _QUOTED.finditer(text)]


def name_spans(text: str, words: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Spans of likely personal names: a surname standing alone as a word and one or two Chinese
    characters that also stand alone, with a title or role just before it or a word that follows
    names just after it (``words``: ``(word, start, end)`` in order). Without that context a lone
    surname is as often a typo's neighbour (适用范伟 for 范围) as a name."""
    out = []
    for i, (word, start, _) in enumerate(words):
        if word not in SURNAMES:
            continue
        given = 0
        for w, s, e in words[i + 1 : i + 3]:
            if e - s != 1 or not is_han(w):
                break
            given += 1
        end = start + 1 + given
        before = words[i - 1][0] if i > 0 else ""
        after = text[end : end + 2]
        if given and (before in TITLES or after in FOLLOWERS or after[:1] in FOLLOWERS):
            out.append((start, end))
    return out
