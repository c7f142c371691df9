"""The Proofreader API: seed cases, offsets, streaming, threads, dictionaries, precedence."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofread import DictionaryError, Finding, Proofreader, Severity, apply_findings
from proofread.checkers import Checker, register

SEED_CASES = [
    ("坚持和完善名族区域自治制度", 5, "名族", "民族"),
    ("加强城市管里执法队伍建设。", 2, "城市管里", "城市管理"),
]


@pytest.mark.parametrize("text,start,original,suggestion", SEED_CASES)
def test_seed_errors_are_caught_as_errors(proofreader, text, start, original, suggestion):
    found = [f for f in proofreader.check(text) if f.original == original]
    assert len(found) == 1
    f = found[0]
    assert (f.start, f.end) == (start, start + len(original))
    assert f.suggestions == (suggestion,)
    assert f.severity is Severity.ERROR
    assert f.rule and f.source and f.message


def test_correct_text_and_lookalike_words_are_not_flagged(proofreader):
    for text in ["坚持和完善民族区域自治制度。", "他是著名族群研究专家。", "加强城市管理执法队伍建设。"]:
        assert [f for f in proofreader.check(text) if f.category == "typo" and f.source == "seed_misspellings"] == []


def test_offsets_survive_full_width_and_invisible_characters(proofreader):
    text = "ＡＢＣ２０２２年，坚持和完善名\u200b族区域自治制度。"
    (f,) = [f for f in proofreader.check(text) if f.rule == "typo.minzu"]
    assert text[f.start : f.end] == f.original == "名\u200b族"
    assert apply_findings(text, [f]) == "ＡＢＣ２０２２年，坚持和完善民族区域自治制度。"


def test_apply_findings_corrects_the_text(proofreader):
    text = "坚持和完善名族区域自治制度，加强城市管里。"
    assert apply_findings(text, proofreader.check(text)) == "坚持和完善民族区域自治制度，加强城市管理。"


def test_pipe_streams_in_order_and_matches_check(proofreader):
    texts = [f"第{i}条：坚持和完善名族区域自治制度。" if i % 3 == 0 else f"第{i}条：一切正常。" for i in range(50)]
    streamed = list(proofreader.pipe(iter(texts), batch_size=7))
    assert len(streamed) == 50
    assert streamed == [proofreader.check(t) for t in texts]
    assert [bool(r) for r in streamed] == [i % 3 == 0 for i in range(50)]


def test_pipe_accepts_per_document_dates(proofreader):
    texts = [("坚持和完善名族区域自治制度。", dt.date(2020, 1, 1)), "城市管里"]
    assert [len(r) for r in proofreader.pipe(texts)] == [1, 1]


def test_proofreader_is_safe_to_share_between_threads():
    proofreader = Proofreader()  # fresh: the lazy segmenter is initialised under contention
    texts = [f"第{i}段。坚持和完善名族区域自治制度，他是著名族群专家，加强城市管里。" for i in range(40)]
    expected = [[(f.start, f.rule) for f in proofreader.check(t)] for t in texts[:1]] * 40
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda t: [(f.start, f.rule) for f in proofreader.check(t)], texts))
    # Each text differs only in its leading number, which shifts nothing after it by the same width.
    assert [[(s - len(str(i)) + 1, r) for s, r in g] for i, g in enumerate(got)] == expected


def test_extra_dictionary_adds_rules(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("match\tsuggest\tseverity\tcategory\n阿里巴巴集团\t阿里巴巴\tinfo\tsensitive\n", encoding="utf-8")
    proofreader = Proofreader(extra_dictionaries=[path])
    (f,) = proofreader.check("据阿里巴巴集团公告。")
    assert (f.start, f.end, f.suggestions, f.severity, f.category, f.source) == (
        1,
        7,
        ("阿里巴巴",),
        Severity.INFO,
        "sensitive",
        "mine",
    )


@pytest.mark.parametrize(
    "content,reason",
    [
        ("match\tsuggest\n名族\t名族\n", r"mine\.tsv:2: '名族' is both a match and a suggestion"),
        ("match\tseverity\n名族\tfatal\n", r"mine\.tsv:2: unknown severity 'fatal'"),
        ("match\tcolour\n名族\tred\n", r"mine\.tsv:1: unknown column 'colour'"),
        ("match\tbefore\n名族\t(unclosed\n", r"mine\.tsv:2: column before: bad regular expression"),
        ("id\tmatch\na\t名族\na\t城市管里\n", r"mine\.tsv:3: duplicate id 'a' \(first on line 2\)"),
        ("match\tsuggest\n名族\t民族\textra\n", r"mine\.tsv:2: 3 fields but the header has 2 columns"),
        ("# only a comment\n", r"mine\.tsv:1: no header row"),
    ],
)
def test_bad_dictionary_line_fails_loudly_with_file_and_line(tmp_path, content, reason):
    path = tmp_path / "mine.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DictionaryError, match=reason):
        Proofreader(extra_dictionaries=[path])


def test_protected_term_suppresses_findings_on_its_span(tmp_path):
    rules = tmp_path / "rules.tsv"
    rules.write_text("match\tsuggest\tboundary\n东城\t东成\tchar\n", encoding="utf-8")
    protected = tmp_path / "protected.tsv"
    protected.write_text("# kind: protected\nmatch\n北京市东城区\n", encoding="utf-8")
    sentence = "北京市东城区召开会议。"
    assert Proofreader(extra_dictionaries=[rules], shipped_dictionaries=False).check(sentence)
    assert Proofreader(extra_dictionaries=[rules, protected], shipped_dictionaries=False).check(sentence) == []


class _FakeModel(Checker):
    """Stands in for the spelling model: proposes a change at every 名族/族区."""

    name = "test_fake_model"
    priority = 10
    default = False

    @classmethod
    def from_resources(cls, resources, config):
        return cls()

    def check(self, sentence):
        for form, fix in (("名族", "名人"), ("族区", "族群")):
            i = sentence.text.find(form)
            if i >= 0:
                yield Finding(
                    i,
                    i + 2,
                    form,
                    (fix,),
                    "typo",
                    Severity.WARNING,
                    "fake",
                    "fake-model",
                    0.6,
                    "model",
                    priority=self.priority,
                )


register(_FakeModel)


def test_curated_dictionaries_beat_the_model():
    proofreader = Proofreader(components=["protected_terms", "dictionary_rules", "test_fake_model"])
    findings = proofreader.check("坚持和完善名族区域自治制度")
    assert [(f.original, f.suggestions, f.source) for f in findings] == [("名族", ("民族",), "seed_misspellings")]


def test_unknown_component_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown component 'nope'"):
        Proofreader(components=["nope"])


# Random mixed text: Chinese (with seeded errors), ASCII, emoji, full-width, invisible and control characters.
_ALPHABET = st.sampled_from(
    list("名族城市管里理民区域自治制度著群的一是，。！？；“”（）《》\n\t ")
    + list("abcXYZ019;!?./")
    + ["😀", "👍🏽", "Ａ", "１", "\u3000", "\u200b", "\ufeff", "\x07", "\x00"]
)
_TEXT = st.lists(st.one_of(_ALPHABET, st.sampled_from(["名族", "城市管里", "名\u200b族"])), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_every_finding_points_at_its_original_text(proofreader, text):
    findings = proofreader.check(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.original
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:]))
