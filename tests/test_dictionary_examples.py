"""Every shipped rule's own examples, and the dictionary semantics they rely on.

Each rule's ``bad`` sentences must yield that rule's findings exactly at the 【…】
marks and its ``good`` sentences none (as LanguageTool runs its rules' examples);
then the example and fragment syntax, date-aware outdated names, quotation marks,
protected terms and user-supplied sensitive lists.
"""

import datetime as dt
from collections import Counter

import pytest

from proofread import Proofreader, Severity
from proofread.dictionaries import DictionaryError, iter_rules, load_dictionary, load_shipped

SHIPPED = load_shipped()
RULES = [rule for _, rule in iter_rules(SHIPPED, "rules")]
CANONICAL = [rule for _, rule in iter_rules(SHIPPED, "canonical")]
# The rules checker with the protected-terms guard: each rule is judged on its own,
# not on how a near-miss checker or the model would compete with it for a span.
DICTIONARY_COMPONENTS = ["protected_terms", "dictionary_rules"]


@pytest.fixture(scope="module")
def dictionary_proofreader() -> Proofreader:
    return Proofreader(components=DICTIONARY_COMPONENTS)


def _rule_findings(pr: Proofreader, text: str, rule_id: str, date: dt.date | None = None):
    return [f for f in pr.check(text, date=date) if f.rule == rule_id]


def test_every_shipped_rule_has_examples():
    assert RULES, "no shipped rules found"
    for rule in RULES:
        assert rule.bad and rule.good, f"{rule.location}: rule {rule.id} lacks a bad or a good example"


def test_rule_ids_are_unique_across_shipped_dictionaries():
    ids = Counter(rule.id for d in SHIPPED for rule in d.entries)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(dictionary_proofreader, rule):
    assert len(rule.bad_spans) == len(rule.bad)
    for sentence, spans in zip(rule.bad, rule.bad_spans):
        found = _rule_findings(dictionary_proofreader, sentence, rule.id)
        assert [(f.start, f.end) for f in found] == list(spans), (
            f"{rule.location}: {rule.id} should report exactly {[sentence[a:b] for a, b in spans]} "
            f"in its bad example {sentence!r}, not {[f.original for f in found]}"
        )
        for f in found:
            assert sentence[f.start : f.end] == f.original
            assert f.original in rule.forms
            assert f.suggestions == rule.suggestions and f.severity is rule.severity
    for sentence in rule.good:
        found = _rule_findings(dictionary_proofreader, sentence, rule.id)
        assert not found, f"{rule.location}: {rule.id} flags its good example {sentence!r}: {found}"


@pytest.fixture(scope="module")
def near_miss_proofreader() -> Proofreader:
    return Proofreader(components=[*DICTIONARY_COMPONENTS, "formulation_near_miss", "idiom_near_miss"])


@pytest.mark.parametrize("rule", CANONICAL, ids=[r.id for r in CANONICAL])
def test_canonical_examples_at_their_marks(near_miss_proofreader, rule):
    # A canonical entry's bad example marks the near miss the formulation checker reports.
    for sentence, spans in zip(rule.bad, rule.bad_spans, strict=True):
        found = _rule_findings(near_miss_proofreader, sentence, rule.id)
        assert [(f.start, f.end) for f in found] == list(spans), f"{rule.location}: {sentence!r}: {found}"
    for sentence in rule.good:
        assert _rule_findings(near_miss_proofreader, sentence, rule.id) == []


# --- the format: marks in examples, fragments, actions -----------------------------------------------


def _load(tmp_path, body: str, header: str = "id\tmatch\tsuggest\tbad\n"):
    path = tmp_path / "mine.tsv"
    path.write_text(header + body, encoding="utf-8")
    return load_dictionary(path)


def test_bad_examples_are_stripped_of_their_marks(tmp_path):
    (rule,) = _load(tmp_path, "a\t名族\t民族\t【名族】和【名族】|坚持【名族】区域自治\n").entries
    assert rule.bad == ("名族和名族", "坚持名族区域自治")
    assert rule.bad_spans == (((0, 2), (3, 5)), ((2, 4),))


@pytest.mark.parametrize(
    "bad,reason",
    [
        ("坚持名族区域自治", "marks no span: put 【】 around each wrong form"),
        ("坚持【名族区域自治", "leaves a 【 mark unclosed"),
        ("坚持名族】区域自治", "closes a 】 mark it never opened"),
        ("【坚持【名族】】", "opens a 【 mark inside another"),
        ("【】名族", "has an empty 【】 mark"),
        ("坚持【名族区】域自治", "marks '名族区', not a match form"),
    ],
)
def test_bad_example_marks_are_checked_with_file_and_line(tmp_path, bad, reason):
    with pytest.raises(DictionaryError, match=r"mine\.tsv:2: .*" + reason):
        _load(tmp_path, f"a\t名族\t民族\t{bad}\n")


def test_good_examples_carry_no_marks(tmp_path):
    with pytest.raises(DictionaryError, match=r"mine\.tsv:2: the good example '【民族】' has 【】 marks"):
        _load(tmp_path, "a\t名族\t民族\t【名族】\t【民族】\n", header="id\tmatch\tsuggest\tbad\tgood\n")


def test_duplicate_id_in_a_user_dictionary_names_both_lines(tmp_path):
    with pytest.raises(DictionaryError, match=r"mine\.tsv:3: duplicate id 'a' \(first on line 2\)"):
        _load(tmp_path, "a\t名族\t民族\t【名族】\na\t城市管里\t城市管理\t【城市管里】\n")


def test_fragments_expand_into_regex_cells(tmp_path):
    header = "# {UNIT}: 个|件\n# {COUNT}: \\d+(?:{UNIT})\nmatch\tafter\tnot_before\n"
    (rule,) = _load(tmp_path, "名族\t{COUNT}\t[甲乙]{1,2}|{UNIT}\n", header=header).entries
    assert rule.after is not None and rule.after.pattern == r"\d+(?:个|件)"
    assert rule.not_before is not None and rule.not_before.pattern == r"(?:[甲乙]{1,2}|个|件)\Z"


@pytest.mark.parametrize(
    "header,reason",
    [
        ("match\tafter\n", r"mine\.tsv:2: column after: unknown fragment \{UNIT\}"),
        ("# {X}: a\n# {X}: b\nmatch\tafter\n", r"mine\.tsv:2: fragment \{X\} is defined twice"),
        ("# {X}: {UNIT}\nmatch\tafter\n", r"mine\.tsv:1: fragment \{X\}: unknown fragment \{UNIT\}"),
        ("# {X}: (\nmatch\tafter\n", r"mine\.tsv:1: fragment \{X\}: bad regular expression"),
    ],
)
def test_fragment_errors_name_file_and_line(tmp_path, header, reason):
    with pytest.raises(DictionaryError, match=reason):
        _load(tmp_path, "名族\t{UNIT}\n", header=header)


def test_flag_action_is_gone_empty_suggest_is_flag_only(tmp_path):
    with pytest.raises(DictionaryError, match=r"mine\.tsv:2: action 'flag' no longer exists"):
        _load(tmp_path, "名族\tflag\n", header="match\taction\n")
    (rule,) = _load(tmp_path, "名族\n", header="match\n").entries
    assert rule.suggestions == () and rule.action == "replace"


# --- miswritten words: the look-alike real words stay clean -----------------------------------------


def test_jiezhi_before_a_time_and_deadline_words(dictionary_proofreader):
    text = "截止2022年底，报名截止日期已过，截止时间为下午五点。"
    found = [f for f in dictionary_proofreader.check(text) if f.rule == "typo.jiezhi_jiezhi"]
    assert [(f.start, f.end, f.suggestions) for f in found] == [(0, 2, ("截至",))]


def test_lookalike_real_words_are_not_flagged(dictionary_proofreader):
    for text in ["会场布置已经完成。", "报名截止日期为3月1日。", "双方签订了合同。", "我们将一如既往地支持。"]:
        assert [f for f in dictionary_proofreader.check(text) if f.category == "typo"] == []


# --- outdated names: date-aware -----------------------------------------------------------------------

GONGSHANG = "国家工商行政管理总局"


def test_outdated_name_depends_on_the_document_date(dictionary_proofreader):
    text = f"{GONGSHANG}发布了新规定。"
    (f,) = [f for f in dictionary_proofreader.check(text, date=dt.date(2019, 1, 1)) if f.category == "outdated"]
    assert (f.start, f.end, f.original) == (0, 10, GONGSHANG)
    assert f.suggestions == ("国家市场监督管理总局",) and f.severity is Severity.WARNING
    # Before the 2018 reform took effect (挂牌 2018-04-10) the old name was the right one.
    for date in (dt.date(2017, 6, 1), dt.date(2018, 4, 9)):
        assert [f for f in dictionary_proofreader.check(text, date=date) if f.category == "outdated"] == []
    assert [
        f.original for f in dictionary_proofreader.check(text, date=dt.date(2018, 4, 10)) if f.category == "outdated"
    ] == [GONGSHANG]


@pytest.mark.parametrize(
    "text",
    [
        f"2016年，原{GONGSHANG}发布了新规定。",
        f"原{GONGSHANG}发布了新规定。",
        f"2016年，{GONGSHANG}发布了新规定。",
        f"{GONGSHANG}于2015—2017年开展了专项整治。",
        "二〇一六年，国家卫生和计划生育委员会发布了通知。",
        "2018年3月，国家卫计委发布了通知。",
        "原广东省中山市国土资源局作出了处罚决定。",
        "他曾任国家质检总局副局长。",
        "国家卫计委（现国家卫健委）发布了通知。",
        "上世纪八十年代，他出任文化部部长。",
    ],
)
def test_outdated_name_placed_in_the_past_is_not_flagged(dictionary_proofreader, text):
    assert [f for f in dictionary_proofreader.check(text, date=dt.date(2026, 1, 1)) if f.category == "outdated"] == []


@pytest.mark.parametrize(
    "text,original,suggestion",
    [
        ("2019年，国家卫计委发布了通知。", "国家卫计委", "国家卫健委"),
        ("目前国土资源部正在制定方案。", "国土资源部", "自然资源部"),
        ("请到县卫计委办理。", "卫计委", "卫健委"),
        ("市环保局开展了执法检查。", "环保局", "生态环境局"),
    ],
)
def test_outdated_name_in_the_present_is_flagged(dictionary_proofreader, text, original, suggestion):
    found = [f for f in dictionary_proofreader.check(text, date=dt.date(2026, 1, 1)) if f.category == "outdated"]
    assert [(text[f.start : f.end], f.suggestions[0]) for f in found] == [(original, suggestion)]


def test_foreign_ministries_are_not_outdated(dictionary_proofreader):
    for text in ["美国农业部公布了大豆产量预测。", "法国文化部部长出席了开幕式。", "美国国家环保局发布报告。"]:
        assert [f for f in dictionary_proofreader.check(text) if f.category == "outdated"] == []


# --- normative usage: the quote action ---------------------------------------------------------------


def test_quote_action_accepts_quoted_terms_only(dictionary_proofreader):
    unquoted = "坚决反对台独分裂活动。"
    (f,) = [f for f in dictionary_proofreader.check(unquoted) if f.category == "normative"]
    assert (f.start, f.end, f.original) == (4, 6, "台独")
    assert f.severity is Severity.ERROR
    for quoted in ["坚决反对“台独”分裂活动。", "坚决反对“台独分裂”活动。", '坚决反对"台独"分裂活动。']:
        assert [f for f in dictionary_proofreader.check(quoted) if f.category == "normative"] == []


def test_replace_action_normative_terms(dictionary_proofreader):
    text = "北朝鲜和韩国代表出席。"
    (f,) = [f for f in dictionary_proofreader.check(text) if f.category == "normative"]
    assert (f.start, f.end, f.suggestions) == (0, 3, ("朝鲜",))


# --- protected terms ---------------------------------------------------------------------------------


def test_protected_terms_suppress_overlapping_findings(tmp_path):
    rules = tmp_path / "user_rules.tsv"
    # A deliberately bad user rule whose match cuts into a leader's title and a place name.
    rules.write_text("match\tsuggest\tboundary\n近平总\t近平主\tchar\n家庄\t家装\tchar\n", encoding="utf-8")
    pr = Proofreader(components=["protected_terms", "dictionary_rules"], extra_dictionaries=[rules])
    assert pr.check("习近平总书记在石家庄考察。") == []
    # The same rule still fires where no protected term stands.
    assert [f.original for f in pr.check("这里写着近平总三个字。")] == ["近平总"]


def test_finding_that_contains_a_protected_term_stays(dictionary_proofreader):
    # 台湾 is protected; the wrong formulation around it is still reported.
    found = [f for f in dictionary_proofreader.check("台湾总统出席了活动。") if f.category == "normative"]
    assert [(f.start, f.end, f.suggestions) for f in found] == [(0, 4, ("台湾地区领导人",))]


# --- user-supplied sensitive lists -------------------------------------------------------------------


def test_user_sensitive_list_with_category_and_severity(tmp_path):
    user = tmp_path / "my_sensitive.tsv"
    user.write_text(
        "# kind: rules\n"
        "match\tsuggest\tcategory\tseverity\tmessage\n"
        "内部资料\t\tsensitive\terror\t涉密标识，不得公开发布\n"
        "小道消息\t\tsensitive\tinfo\t\n",
        encoding="utf-8",
    )
    pr = Proofreader(components=["protected_terms", "dictionary_rules"], extra_dictionaries=[user])
    text = "这份内部资料不要传播小道消息。"
    found = [(f.original, f.start, f.category, f.severity, f.source, f.message) for f in pr.check(text)]
    assert ("内部资料", 2, "sensitive", Severity.ERROR, "my_sensitive", "涉密标识，不得公开发布") in found
    assert ("小道消息", 10, "sensitive", Severity.INFO, "my_sensitive", "“小道消息”需核实") in found


def test_default_sensitive_list_leaves_political_vocabulary_alone(dictionary_proofreader):
    text = "习近平总书记强调，要坚持党的领导，加强党的建设，推进全面从严治党。"
    assert [f for f in dictionary_proofreader.check(text) if f.category == "sensitive"] == []
