import pytest

from proofread import Proofreader
from proofread.cli import main
from proofread.finding import Severity, apply_findings


@pytest.fixture(scope="module")
def pr() -> Proofreader:
    return Proofreader(components=["protected_terms", "punctuation"])


def _found(pr, text):
    return [(f.rule, f.start, f.end, f.original, f.suggestions, f.severity) for f in pr.check(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "违反本条例规定,有下列行为之一的,由城市管理部门予以处罚。",
            [
                ("punct.half_width", 7, 8, ",", ("，",), Severity.INFO),
                ("punct.half_width", 16, 17, ",", ("，",), Severity.INFO),
            ],
        ),
        ("联系人:王明", [("punct.half_width", 3, 4, ":", ("：",), Severity.INFO)]),
        ("会议强调。。要做好冬季安全生产工作。", [("punct.doubled", 4, 6, "。。", ("。",), Severity.WARNING)]),
        ("各单位要高度重视，，认真组织自查。", [("punct.doubled", 8, 10, "，，", ("，",), Severity.WARNING)]),
    ],
)
def test_punctuation_slips(pr, text, expected):
    assert _found(pr, text) == expected
    fixed = apply_findings(text, pr.check(text))
    assert not any(c in fixed for c in ",:") and "。。" not in fixed and "，，" not in fixed


@pytest.mark.parametrize(
    "text",
    [
        "他说：“我们一定能完成任务……”",  # an ellipsis is two marks by design
        "坚持和发展中国特色社会主义——这是主题。",
        "详见网址:https://www.gov.cn/。",  # a half-width colon before a URL
        "增长3.5%,高于全国平均水平。",  # after a digit: not between two Chinese characters
    ],
)
def test_correct_punctuation_is_clean(pr, text):
    assert _found(pr, text) == []


def test_punctuation_is_opt_in(capsys, tmp_path):
    assert "punctuation" not in {type(c).__name__.lower() for c in Proofreader().checkers}
    path = tmp_path / "draft.txt"
    path.write_text("联系人:王明\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert main(["check", "--punctuation", "--format", "jsonl", str(path)]) == 0  # info only: below --fail-on
    assert '"rule": "punct.half_width"' in capsys.readouterr().out
