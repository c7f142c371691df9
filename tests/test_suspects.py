"""疑似错别字 and the learned models' scope, with the real shipped model: a character that forms
no word is flagged even without a sure correction; deliberate forms (quoted coinages, names,
words used twice in a document) are left to the curated rules.

The sentences are written for these tests, none taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from proofread import Proofreader
from proofread.finding import Severity, apply_findings
from proofread.spelling.model import load_default
from proofread.spelling.scope import name_spans, quoted_spans
from proofread.spelling.suspects import SuspectFinder, SuspectRules


@pytest.fixture(scope="module")
def pr() -> Proofreader:
    return Proofreader()


@pytest.fixture(scope="module")
def finder() -> SuspectFinder:
    return SuspectFinder(load_default())


@pytest.mark.parametrize(
    ("text", "position", "right"),
    [
        ("维护金融市涔稳定。", 5, "场"),  # 涔 is outside the model's vocabulary: no confusion set lists 场
        ("加快坚育新动能。", 2, "培"),  # 坚 and 培 sound and look different
    ],
)
def test_a_non_word_is_flagged_with_word_completing_suggestions(pr, text, position, right):
    (f,) = [f for f in pr.check(text) if f.start == position]
    assert (f.end, f.rule, f.severity) == (position + 1, "model.suspect", Severity.WARNING)
    assert f.original == text[position]
    assert f.suggestions[0] == right
    assert "疑为错别字" in f.message
    # A guess is for the editor: the corrected text leaves it as written.
    assert apply_findings(text, [f]) == text


def test_suspects_come_with_every_word_completing_replacement_ranked():
    # 衮 (rare) gains 24.7 with 工, just under the default any_gain: the rare-character rule finds it.
    finder = SuspectFinder(load_default(), SuspectRules(rare_gain=15.0))
    (suspects,) = finder.find(["要做好衮作部署。"])
    (s,) = suspects
    assert (s.position, s.original, s.rare) == (3, "衮", True)
    assert s.suggestions[0] == "工"  # 工作: alike neither in sound nor in shape


def test_clean_official_sentences_get_no_suspects(finder):
    clean = [
        "全面推进乡村振兴，加快建设农业强国。",
        "坚持和完善民族区域自治制度。",
        "各级政府要加强对安全生产工作的领导，落实安全生产责任制。",
        "深入开展党史学习教育，弘扬伟大建党精神。",
    ]
    assert finder.find(clean) == [[], [], [], []]


def test_a_quoted_coinage_is_left_alone(pr):
    # Quoted because it is unusual: 湘 (Hunan) for 乡 is a deliberate pun of a provincial slogan.
    assert pr.check("全力打造“和美湘村”示范样板。") == []
    # The same characters unquoted are the model's business.
    assert any(f.original == "湘" for f in pr.check("全力打造和美湘村示范样板。"))


def test_a_curated_misspelling_inside_quotes_is_still_reported(pr):
    (f,) = pr.check("部分新媒体将“城市管理”误写为“城市管里”。")
    assert (f.original, f.suggestions, f.rule) == ("城市管里", ("城市管理",), "typo.chengshi_guanli")


def test_quoted_spans_are_short_phrases_between_quotes():
    text = "打造“和美湘村”，推行「浙里办」，《关于进一步加强政务新媒体管理的通知》"
    assert [text[a:b] for a, b in quoted_spans(text)] == ["和美湘村", "浙里办"]
    assert quoted_spans("他说：“我们要把这项惠及千家万户的民生工程办好。”") == []  # a quotation, not a coinage


def test_a_personal_name_is_left_alone(pr):
    text = "东亚银行经济研究部陈柏轩表示，通胀环境下大宗商品看涨。"
    assert [f for f in pr.check(text) if 9 <= f.start < 12] == []


def test_name_spans_take_a_surname_and_lone_characters_in_a_names_context(pr):
    seg = pr.resources.segmenter

    def names(text: str) -> list[str]:
        return [text[a:b] for a, b in name_spans(text, seg.tokens(text))]

    assert names("陈柏轩表示") == ["陈柏轩"]
    assert names("记者陈柏轩报道") == ["陈柏轩"]
    assert names("陈述事实") == []  # 陈述 is a word
    # A lone surname character with no name context is left to the model: 范伟 here is 范围 miswritten.
    assert names("关于调解的适用范伟较宽") == []


def test_a_typo_next_to_a_surname_character_is_still_found(pr):
    text = "关于调解的适用范伟，下列说法正确的是"
    assert [(f.original, f.suggestions[0]) for f in pr.check(text)] == [("伟", "围")]


def test_the_notices_own_should_be_is_left_alone(pr):
    # 应为 (should be) is ordinary official usage; 因为 fits too, but 应/因 are linked only by a fuzzy
    # sound: a word-for-word swap of that kind is no typo the model can judge.
    assert pr.check("备案类型错误，应为订阅号。") == []
    assert pr.check("经核查，该账号备案类型错误，应为订阅号，请及时更正。") == []


def test_a_same_sound_typo_beside_it_is_still_found(pr):
    # 时 / 实: the same sound (shi), so the fuzzy-sound exclusion does not apply.
    (f,) = pr.check("要认真落时整改责任。")
    assert (f.original, f.suggestions, f.rule) == ("时", ("实",), "model.ngram")


def test_a_form_used_twice_in_a_document_is_deliberate(pr):
    once = "全力打造和美湘村示范样板。"
    assert any(f.original == "湘" for f in pr.check(once))
    twice = once + "和美湘村建设要因地制宜。"
    assert [f for f in pr.check(twice) if f.original == "湘"] == []
    # Curated rules are not models: a known misspelling is reported every time.
    assert [f.start for f in pr.check("名族团结。名族团结。")] == [0, 5]
