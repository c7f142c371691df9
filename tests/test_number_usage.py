import pytest

from proofread.finding import Severity, apply_findings


def _years(proofreader, text):
    return [
        (f.start, f.end, f.original, f.suggestions) for f in proofreader.check(text) if f.rule == "number.year_zero"
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        # a judicial interpretation's own commencement clause, as the corpus has it
        ("本解释自二零零七年二月一日起施行。", (4, 8, "二零零七", ("二〇〇七",))),
        ("一九五零年，国家颁布了婚姻法。", (0, 4, "一九五零", ("一九五〇",))),
        ("二0二三年工作要点", (0, 4, "二0二三", ("二〇二三",))),  # a Latin zero typed among Chinese digits
        ("迎接二O二四年的春天。", (2, 6, "二O二四", ("二〇二四",))),  # a letter O
    ],
)
def test_year_zero_written_wrong(proofreader, text, expected):
    assert _years(proofreader, text) == [expected]
    (f,) = [f for f in proofreader.check(text) if f.rule == "number.year_zero"]
    assert f.severity is Severity.WARNING and f.category == "normative" and "GB/T 15835" in f.source
    assert text[f.start : f.end] == f.original
    assert "〇" in apply_findings(text, [f])


@pytest.mark.parametrize(
    "text",
    [
        "二〇二三年的春天来得早。",
        "到二〇三五年基本实现社会主义现代化。",
        "2023年全市地区生产总值增长5.3%。",
        "这座桥已有一百零五年的历史。",  # 零 in a quantity
        "全年共接待游客二千零五十万人次。",
    ],
)
def test_correct_numbers_are_clean(proofreader, text):
    assert _years(proofreader, text) == []
