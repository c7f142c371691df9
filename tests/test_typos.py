"""Input-method typos planted for the planted-typo benchmark and the scorer's tuning."""

from __future__ import annotations

import jieba

from proofread.segment import jieba_entries
from proofread.similarity import SIMILAR_SOUND, SOUND, common_hanzi, default_similarity, fuzzy, main_reading
from proofread.spelling.model import load_default
from proofread.training.typos import TypoMaker, model_char_frequencies

SENTENCES = [
    "坚持和完善民族区域自治制度。",
    "加强城市管理执法队伍建设。",
    "深入开展党史学习教育，弘扬伟大建党精神。",
    "推进国家治理体系和治理能力现代化。",
]


def test_a_planted_typo_replaces_one_character_of_a_word_by_a_character_that_sounds_alike():
    maker = TypoMaker(model_char_frequencies(load_default().lm))
    words = {w for w, _, _ in jieba_entries()}
    typos = maker.plant_many(SENTENCES * 10, 40, seed=3)
    assert len(typos) == 40
    for typo in typos:
        wrong, right = typo.text[typo.position], typo.clean[typo.position]
        assert typo.text[: typo.position] + right + typo.text[typo.position + 1 :] == typo.clean
        assert wrong != right
        assert fuzzy(main_reading(wrong)) == fuzzy(main_reading(right))
        assert typo.kind == (SOUND if main_reading(wrong) == main_reading(right) else SIMILAR_SOUND)
        # The word of the clean sentence the typo falls in is no dictionary word with it.
        start = 0
        for word in jieba.cut(typo.clean, HMM=False):
            if start <= typo.position < start + len(word):
                break
            start += len(word)
        assert word in words and typo.text[start : start + len(word)] not in words
    assert len({(t.clean, t.position, t.text) for t in typos}) > 10  # varied, not one typo repeated


def test_planting_is_reproducible_and_prefers_common_characters():
    maker = TypoMaker({"名": 1000.0, "明": 1.0, "民": 500.0, "鸣": 0.0})
    sentences = ["保护民族文化。"] * 3000
    first = maker.plant_many(sentences, 100, seed=5)
    assert first == maker.plant_many(sentences, 100, seed=5)
    assert len(first) == 100
    # Only 民 (of 民族) has alike characters in this table; 鸣 (weight 0) is never used.
    assert {t.text[t.position] for t in first} <= {"名", "明"}
    assert {t.position for t in first} == {2}
    assert sum(t.text[t.position] == "名" for t in first) >= 95


def test_common_characters_with_one_reading_are_confusable_even_where_pycorrector_lists_neither():
    # pycorrector's same_pinyin table has no line for 余, 覆 or 飚; a pinyin input method offers
    # them for yu, fu and biao all the same.
    similarity = default_similarity()
    for a, b in [("余", "与"), ("覆", "府"), ("飚", "表"), ("瞩", "注")]:
        assert similarity.similar(a).get(b) == SOUND
        assert similarity.similar(b).get(a) == SOUND
    assert similarity.similar("民").get("名") == SIMILAR_SOUND  # min / ming
    assert len(common_hanzi()) == 6763 and "余" in common_hanzi()
