"""The shipped statistical spelling model (models/charlm), alone and as a pipeline checker.

Example sentences are written for these tests (none is taken from an evaluation set); the
misspellings in them are not in the shipped dictionaries, so only the model can find them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from proofread import Proofreader
from proofread.checkers.base import Sentence
from proofread.checkers.spelling_model import ERROR_AT, SpellingModelChecker
from proofread.finding import Severity, apply_findings
from proofread.segment import Segmenter
from proofread.spelling.model import load_default
from proofread.spelling.windows import windows
from proofread.text.chars import is_han

ROOT = Path(__file__).resolve().parents[1]
# (text with one wrong character, position, wrong, right)
CLEAR_ERRORS = [
    # The notice's own examples, fixed by the model alone (the curated dictionaries also list them).
    ("坚持和完善名族区域自治制度。", 5, "名", "民"),
    ("加强城市管里执法队伍建设。", 5, "里", "理"),
    ("人民捡察院审查案件后依法提起公诉。", 2, "捡", "检"),
    ("切实保障农民的吐地承包经营权。", 7, "吐", "土"),
    ("坚决打赢防范化解重大风险功坚战。", 12, "功", "攻"),
    ("各级政府要加强对安全生产工作的领导，落时安全生产责任制。", 19, "时", "实"),
]
CLEAN = [
    "全面推进乡村振兴，加快建设农业强国。",
    "加快构建新发展格局，着力推动高质量发展。",
    "深入开展党史学习教育，弘扬伟大建党精神。",
    "推进国家治理体系和治理能力现代化。",
    "切实保障农民的土地承包经营权。",
    "本条例自公布之日起施行。",
    "各地区各部门要认真贯彻落实。",
    # <digit><digit>课荔 collides with a stored 4-gram fingerprint: read as seen, 棵 became 课 (0.87).
    "他们在山坡上种下300棵荔枝树。",
]


@pytest.fixture(scope="module")
def model():
    return load_default()


@pytest.fixture(scope="module")
def proofreader():
    return Proofreader(components=["protected_terms", "dictionary_rules", "spelling_model"])


def test_model_fixes_clear_errors_in_one_batch(model):
    found = model.correct([t for t, *_ in CLEAR_ERRORS])
    for (text, pos, wrong, right), corrections in zip(CLEAR_ERRORS, found):
        assert [(c.position, c.original, c.suggestion) for c in corrections] == [(pos, wrong, right)], text
        assert model.threshold <= corrections[0].confidence <= 1.0


def test_model_leaves_clean_official_sentences_alone(model):
    assert model.correct(CLEAN) == [[] for _ in CLEAN]


def test_two_errors_in_one_sentence_are_both_fixed(model):
    # Each error lowers the other's evidence; accepting one and rescoring finds the second.
    text = "人民捡察院依法保障农民的吐地承包经营权。"
    found = model.correct([text])[0]
    assert [(c.position, c.suggestion) for c in found] == [(2, "检"), (12, "土")]


def test_candidates_at_or_below_the_scorers_min_gain_are_never_accepted(model):
    text = CLEAR_ERRORS[0][0]
    assert model.correct([text], threshold=0.0)[0]  # something passes a zero threshold
    old = model.scorer
    model.scorer = dict(old, min_gain=1e9)
    try:
        assert model.min_gain == 1e9
        assert model.correct([text], threshold=0.0) == [[]]
    finally:
        model.scorer = old


def test_editable_mask_and_threshold(model):
    text, pos, _, _ = CLEAR_ERRORS[0]
    locked = [True] * len(text)
    locked[pos] = False
    assert model.correct([text], [locked]) == [[]]
    assert model.correct([text], threshold=1.01) == [[]]


def test_non_chinese_text_is_never_altered(model):
    texts = [
        "请登录https://www.gov.cn/zhengce查阅2024年第3号文件。",
        "GDP增长5.2%，CPI上涨0.2%，PMI为50.1。",
        "版本v2.3.1修复了bug，详见README。",
        "人民捡察院ABC123审查案件。",
    ]
    for text, corrections in zip(texts, model.correct(texts)):
        for c in corrections:
            assert is_han(text[c.position]) and is_han(c.suggestion), (text, c)
    assert [(c.position, c.suggestion) for c in model.correct([texts[3]])[0]] == [(2, "检")]


def test_pipeline_finding_has_exact_offsets_and_fields(proofreader):
    text = "第一条\u200b　人民捡察院审查案件后依法提起公诉。"
    findings = [f for f in proofreader.check(text) if f.rule == "model.ngram"]
    assert len(findings) == 1
    f = findings[0]
    assert (f.start, f.end, f.original, f.suggestions) == (7, 8, "捡", ("检",))
    assert text[f.start : f.end] == "捡"
    assert f.category == "typo" and f.source == "charlm" and f.priority == 10
    assert f.severity == (Severity.ERROR if f.confidence >= ERROR_AT else Severity.WARNING)
    assert f.message == "“捡”疑为“检”之误"
    assert apply_findings(text, findings) == "第一条\u200b　人民检察院审查案件后依法提起公诉。"


def test_pipeline_leaves_clean_text_alone(proofreader):
    assert [f for doc in proofreader.pipe(CLEAN) for f in doc if f.rule == "model.ngram"] == []


def test_protected_inspection_term_stays_whole_beside_a_real_error(proofreader):
    """The bundled notice: 落时 is fixed, and the edit lowers the bar for a second one in the
    sentence; 错敏词 (a protected term, rare in the corpus) is still not read as 错名词."""
    line = (ROOT / "examples" / "notice.txt").read_text(encoding="utf-8").splitlines()[8]
    findings = [f for f in proofreader.check(line) if f.rule == "model.ngram"]
    assert [(line[f.start : f.end], f.suggestions) for f in findings] == [("时", ("实",))]
    assert "错敏词" in line


def test_protected_formulation_is_not_read_as_a_common_word(proofreader):
    """亲清 (政商关系) is rare in the corpus outside 亲清政商关系; the model alone reads it as 亲情."""
    text = "政商关系更加亲清。"
    eager = {"spelling_model": {"threshold": 0.5}}  # below the shipped threshold, so the model speaks
    assert Proofreader(components=["spelling_model"], config=eager).check(text)  # what the protected term prevents
    protected = Proofreader(config=eager)
    assert [f for f in protected.check(text) if f.rule == "model.ngram"] == []


def test_protected_span_is_never_changed(model):
    checker = SpellingModelChecker(model)
    text = "人民捡察院审查案件后依法提起公诉。"
    free = Sentence(text, 0, dt.date(2024, 1, 1), 0, Segmenter())
    guarded = Sentence(text, 0, dt.date(2024, 1, 1), 0, Segmenter())
    guarded.protected.append((0, 5))
    plain, protected = checker.check_batch([free, guarded])
    assert [(f.start, f.suggestions) for f in plain] == [(2, ("检",))]
    assert protected == []


def test_options_turn_the_model_off_or_raise_the_threshold():
    text = "人民捡察院审查案件后依法提起公诉。"
    off = Proofreader(components=["spelling_model"], options={"model": "none"})
    strict = Proofreader(components=["spelling_model"], options={"model_threshold": 1.01})
    assert off.check(text) == [] and strict.check(text) == []


def test_long_sentences_are_windowed_with_exact_offsets(model):
    text = "，".join(["推进国家治理体系和治理能力现代化"] * 8) + "，人民捡察院审查案件。"
    spans = windows(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(b - a <= 64 for a, b in spans) and all(a == b for (_, a), (b, _) in zip(spans, spans[1:]))
    checker = SpellingModelChecker(model)
    found = checker.check_batch([Sentence(text, 0, dt.date(2024, 1, 1), 0, Segmenter())])[0]
    pos = text.index("捡")
    assert [(f.start, f.end, f.original) for f in found] == [(pos, pos + 1, "捡")]


def test_a_missing_model_directory_is_reported_when_the_proofreader_is_built(tmp_path):
    with pytest.raises(ValueError, match="no meta.json"):
        Proofreader(components=["spelling_model"], options={"model": str(tmp_path)})


def test_a_model_directory_of_an_older_layout_is_reported_when_the_proofreader_is_built(model, tmp_path):
    """A directory with the pruned uint64 tables of earlier versions: one clear error, not a traceback later."""
    import shutil

    for name in ("meta.json", "vocab.txt", "unigram.npy", "scorer.json"):
        shutil.copy(model.directory / name, tmp_path / name)
    (tmp_path / "order2.keys.npy").write_bytes(b"")
    with pytest.raises(ValueError, match=r"lacks order1\.fanout\.npy and 14 more .*rebuild"):
        Proofreader(components=["spelling_model"], options={"model": str(tmp_path)})


def test_the_model_directory_option_loads_that_model(model):
    pr = Proofreader(components=["spelling_model"], options={"model": str(model.directory)})
    assert [(f.start, f.suggestions) for f in pr.check("人民捡察院审查案件后依法提起公诉。")] == [(2, ("检",))]


def test_empty_and_astral_texts(model):
    # Characters outside the BMP (emoji) count as one position, like Python's str.
    found = model.correct(["", "。", "😀人民捡察院😀"])
    assert found[:2] == [[], []]
    assert [(c.position, c.original, c.suggestion) for c in found[2]] == [(3, "捡", "检")]


def test_gain_margin_compares_each_candidate_with_its_best_rival():
    from proofread.spelling.model import _margin_to_rivals

    # positions 5 (three candidates), 9 (one candidate)
    g = np.array([5, 5, 5, 9])
    gain = np.array([1.0, 4.0, 2.5, 3.0])
    margin, count = _margin_to_rivals(g, gain)
    assert margin.tolist() == [-3.0, 1.5, -1.5, 3.0]
    assert count.tolist() == [3.0, 3.0, 3.0, 1.0]


def test_a_scorer_fitted_on_fewer_features_reads_only_its_columns(model):
    from proofread.spelling.model import FEATURES

    full = model.confidence(np.zeros((1, len(FEATURES))) + 0.5)
    names = list(model.scorer["features"])
    feats = np.zeros((1, len(FEATURES))) + 0.5
    dropped = FEATURES.index(names[-1])  # the column the reduced scorer must no longer read
    subset = dict(model.scorer, features=names[:-1], mean=model.scorer["mean"][:-1], std=model.scorer["std"][:-1])
    if subset.get("type") == "mlp":
        subset["w1"] = subset["w1"][:-1]
    else:
        subset["weights"] = subset["weights"][:-1]
    old, model.scorer = model.scorer, subset
    try:
        assert model.confidence(feats).shape == full.shape
        feats[0, dropped] = -3.0
        first = model.confidence(feats)
        feats[0, dropped] = 3.0
        assert model.confidence(feats) == pytest.approx(first)
    finally:
        model.scorer = old
    # The full scorer does read that column.
    feats[0, dropped] = -3.0
    first = model.confidence(feats)
    feats[0, dropped] = 3.0
    assert not np.allclose(model.confidence(feats), first, rtol=1e-6, atol=0.0)


def test_word_lattice_prefers_the_sentence_that_reads_as_words(model):
    def logp(text):
        return float(model.lattice.best_logp(model.vocab.encode(text)[None, :].astype(np.int64))[0])

    # 死刑 is a word and 死行 (jieba frequency 3) hardly one; 具体 beats 集体 beats 真体 here.
    assert logp("秦代死刑中的") > logp("秦代死行中的") + 3
    assert logp("改变具体行政") > logp("改变集体行政") > logp("改变真体行政")
    # Boundaries, digits and Latin never join a word (their packed ids would collide with shorter keys).
    assert np.isfinite(logp("8大时")) and np.isfinite(logp("a一b"))


def test_name_characters_score_transliterations_above_function_words(model):
    share = {ch: model._name_char[model.vocab.id(ch)] for ch in "克尔斯的了是在"}
    assert min(share[c] for c in "克尔斯") > 0.8 > 0.3 > max(share[c] for c in "的了是在")


def test_component_pairs_come_from_character_construction(model, tmp_path):
    from proofread.training.word_tables import build_component_pairs

    build_component_pairs(model.vocab, tmp_path)
    pairs = {
        tuple(line.split("\t"))
        for line in (tmp_path / "components.tsv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    }
    for a, b in [("在", "茬"), ("利", "禾"), ("规", "见"), ("跌", "秩"), ("失", "跌")]:
        assert tuple(sorted((a, b))) in pairs
    # Sharing only a common radical (氵) makes no pair.
    assert not {("汉", "河"), ("河", "海"), ("汉", "海")} & pairs
    # The shipped table is exactly what the build derives.
    shipped = (model.directory / "components.tsv").read_text(encoding="utf-8")
    assert (tmp_path / "components.tsv").read_text(encoding="utf-8") == shipped


def test_shipped_pairs_and_components_reach_the_confusion_table(model):
    from proofread.spelling.model import COMPONENT

    v = model.vocab
    key = (v.id("茬") << 16) | v.id("在")
    i = np.searchsorted(model._conf_keys, key)
    assert model._conf_keys[i] == key
    kinds = set(model._conf_kind.tolist())
    assert COMPONENT in kinds  # some pairs come only from components.tsv


def test_ensemble_scorer_is_the_mean_of_its_members():
    from proofread.training.build import fit_ensemble, fit_mlp

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    y = (x[:, 0] + x[:, 1] > 0).astype(float)
    w = np.ones(len(x))

    def logit(net, z):
        hidden = np.maximum(z @ np.asarray(net["w1"]) + np.asarray(net["b1"]), 0.0)
        return hidden @ np.asarray(net["w2"]) + net["b2"]

    both = fit_ensemble(x, y, w, members=2, seed=3)
    members = [fit_mlp(x, y, w, hidden=128, epochs=40, seed=s) for s in (3, 4)]
    assert np.asarray(both["w1"]).shape == (5, 256)
    assert logit(both, x) == pytest.approx((logit(members[0], x) + logit(members[1], x)) / 2, abs=1e-4)


def test_rows_at_or_below_min_gain_are_dropped_before_scoring(model):
    text = CLEAR_ERRORS[1][0]
    flat, starts, lengths = model.encode_batch([text])
    editable = flat >= 4
    cands = model.candidates(flat, starts, lengths, editable)
    assert len(cands) and (cands.features[:, 0] > model.min_gain).all()


def _glyph_table(model) -> dict[tuple[str, str], float]:
    lines = (model.directory / "glyphs.tsv").read_text(encoding="utf-8").splitlines()
    return {(a, b): float(s) for a, b, s in (line.split("\t") for line in lines if not line.startswith("#"))}


def test_glyph_table_pairs_characters_that_look_alike_as_printed(model):
    table = _glyph_table(model)
    for a, b in [("己", "已"), ("入", "人"), ("休", "体"), ("冢", "家"), ("宫", "官"), ("劵", "券")]:
        assert table[tuple(sorted((a, b)))] >= 0.85, (a, b)
    for a, b in [("大", "小"), ("民", "名"), ("在", "再")]:  # confusable by sound or meaning, not by shape
        assert tuple(sorted((a, b))) not in table
    assert all(a < b and 0.0 < s <= 1.0 for (a, b), s in table.items())
    # It is a feature of listed pairs, in both directions: 己->已 carries its similarity.
    v = model.vocab
    for x, y in [("己", "已"), ("已", "己")]:
        key = (v.id(x) << 16) | v.id(y)
        i = np.searchsorted(model._conf_keys, key)
        assert model._conf_keys[i] == key and model._conf_glyph[i] == table[("己", "已")]


@pytest.mark.slow
def test_glyph_table_is_what_the_fonts_render(model, tmp_path):
    from proofread.training import glyphs

    pytest.importorskip("PIL")
    if not all((glyphs.FONT_DIR / name).exists() for name, _ in glyphs.FONTS):
        pytest.skip("fonts-noto-cjk is not installed (needed only to rebuild the model)")
    vectors = glyphs.glyph_vectors(list("己已大小"))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.9 > 0.5 > vectors[2] @ vectors[3]
    # The shipped table is exactly what the build derives (about 4 s).
    glyphs.build_glyph_pairs(model.vocab, tmp_path)
    assert (tmp_path / "glyphs.tsv").read_text(encoding="utf-8") == (model.directory / "glyphs.tsv").read_text(
        encoding="utf-8"
    )


def test_a_sentence_with_one_edit_takes_further_edits_at_the_follow_threshold(model):
    texts = (
        [t for t, *_ in CLEAR_ERRORS]
        + CLEAN
        + [
            "人民捡察院依法保障农民的吐地承包经营权。",
            "坚持和完善名族区域自治制度，加强城市管里执法队伍建设。",
        ]
    )
    strict = model.correct(texts, follow_ratio=1.0)
    relaxed = model.correct(texts, follow_ratio=0.5)
    # Which sentences change never depends on the follow ratio: a first edit needs the full threshold.
    assert [bool(f) for f in strict] == [bool(f) for f in relaxed]
    for found in relaxed:
        if found:
            assert max(c.confidence for c in found) >= model.threshold
            assert min(c.confidence for c in found) >= model.threshold * 0.5
    assert 0.0 < model.follow_ratio <= 1.0


def test_the_follow_threshold_admits_a_second_error_the_full_one_would_not(model):
    text = "人民捡察院依法保障农民的吐地承包经营权。"
    first, second = sorted(model.correct([text])[0], key=lambda c: -c.confidence)
    between = (first.confidence + second.confidence) / 2  # the first passes, the second does not
    strict = model.correct([text], threshold=between, follow_ratio=1.0)[0]
    assert [(c.position, c.suggestion) for c in strict] == [(first.position, first.suggestion)]
    relaxed = model.correct([text], threshold=between, follow_ratio=0.9)[0]
    assert sorted((c.position, c.suggestion) for c in relaxed) == [(2, "检"), (12, "土")]


def test_the_rebuild_names_a_wrong_data_directory_in_one_line(tmp_path, capsys, monkeypatch):
    from proofread.training import build, glyphs

    with monkeypatch.context() as m:  # whether this machine has the build-only fonts does not matter here
        m.setattr(build, "missing_build_requirements", lambda: [])
        with pytest.raises(SystemExit) as exit_info:
            build.main(["--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path) in err and "shared/data" in err
    assert not (tmp_path / "out").exists()
    # A missing build-only font is named, with the package that brings it.
    monkeypatch.setattr(glyphs, "FONT_DIR", tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        build.main(["--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1
    assert str(tmp_path / "NotoSansCJK-Regular.ttc") in err and "fonts-noto-cjk" in err


def test_the_follow_ratio_option_reaches_the_checker(model):
    text = "人民捡察院依法保障农民的吐地承包经营权。"
    first, second = sorted(model.correct([text])[0], key=lambda c: -c.confidence)
    between = (first.confidence + second.confidence) / 2

    def suggestions(**options):
        pr = Proofreader(components=["spelling_model"], options={"model_threshold": between, **options})
        return [(f.start, f.suggestions[0]) for f in pr.check(text)]

    assert suggestions(model_follow_ratio=1.0) == [(first.position, first.suggestion)]
    assert sorted(suggestions(model_follow_ratio=0.9)) == [(2, "检"), (12, "土")]


def test_a_batch_corrected_on_two_threads_finds_exactly_what_one_thread_finds():
    """Many windows are split between threads; the findings must not depend on the split."""
    notice = (ROOT / "examples" / "notice.txt").read_text(encoding="utf-8")
    docs = [notice] + [
        " ".join(t for t, *_ in CLEAR_ERRORS[i:] + CLEAR_ERRORS[:i]) + CLEAN[i] for i in range(len(CLEAR_ERRORS))
    ] * 40

    def findings(threads: int) -> list[list[tuple]]:
        pr = Proofreader(components=["spelling_model"], options={"model_threads": threads})
        return [
            [(f.start, f.end, f.suggestions, f.confidence) for f in found] for found in pr.pipe(docs, batch_size=64)
        ]

    one = findings(1)
    assert sum(map(len, one)) >= 6 * 6 * 40  # every clear error of every document is found
    assert findings(2) == one
