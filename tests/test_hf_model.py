"""The hf_model option with a tiny BertForMaskedLM built here, whose behaviour is set by hand.

The model copies its input, except that it rewrites 名 into 民, and 错, the Latin
letter ``a`` and [UNK] into 对: only 错 and 名 may reach the output.
"""

from __future__ import annotations

import random

import pytest
import torch
from transformers import AutoTokenizer, BertConfig, BertForMaskedLM, BertTokenizer

from proofread import Proofreader
from proofread.similarity import default_similarity
from proofread.spelling.hf import HFCorrector
from proofread.spelling.verify import NgramVerifier

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "错",
    "对",
    "字",
    "文",
    "件",
    "有",
    "a",
    "1",
    "，",
    "。",
    "名",
    "民",
]
REWRITES = {"错": "对", "a": "对", "[UNK]": "对", "名": "民"}


def build_tiny_model(directory) -> None:
    """Save a one-layer model whose output is decided by the decoder weights alone."""
    size = 20
    (directory / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer.from_pretrained(directory, do_lower_case=False)  # reads vocab.txt
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=size,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=size,
        max_position_embeddings=64,
        hidden_dropout_prob=0.0,
    )
    model = BertForMaskedLM(config)
    ids = {t: i for i, t in enumerate(VOCAB)}
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.word_embeddings.weight.copy_(torch.eye(len(VOCAB), size))  # one-hot token vectors
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        layer = model.bert.encoder.layer[0]
        for dense in (layer.attention.output.dense, layer.output.dense):  # residual passes through
            dense.weight.zero_()
            dense.bias.zero_()
        head = model.cls.predictions
        head.transform.dense.weight.copy_(torch.eye(size))
        head.transform.dense.bias.zero_()
        decoder = torch.eye(len(VOCAB), size) * 10  # copy the input ...
        for source, target in REWRITES.items():
            decoder[ids[target], ids[source]] += 20  # ... except these
        head.decoder.weight.copy_(decoder)
        head.decoder.bias.zero_()
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny_csc")
    build_tiny_model(directory)
    return directory


@pytest.fixture(scope="module")
def proofreader(model_dir):
    return Proofreader(options={"hf_model": str(model_dir), "hf_batch_size": 3}, components=["hf_model"])


def test_model_rewrites_what_it_was_built_to(model_dir):
    # The raw model really proposes 对 for a and [UNK]: the checker must be what stops it.
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = BertForMaskedLM.from_pretrained(model_dir).eval()
    ids = [tok.cls_token_id] + [tok.convert_tokens_to_ids(c) for c in "错a鬼文"] + [tok.sep_token_id]
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids])).logits[0, 1:-1].argmax(-1).tolist()
    assert tok.convert_ids_to_tokens(out) == ["对", "对", "对", "文"]


def test_corrections_with_exact_offsets(proofreader):
    text = "文件有错字，错。"
    found = proofreader.check(text)
    assert [(f.start, f.end, f.original, f.suggestions) for f in found] == [
        (3, 4, "错", ("对",)),
        (6, 7, "错", ("对",)),
    ]
    for f in found:
        assert text[f.start : f.end] == f.original
        assert f.rule == "hf_model" and f.category == "typo"
        assert 0.5 <= f.confidence <= 1.0


def test_non_chinese_and_unknown_characters_never_altered(proofreader):
    text = "a1鬼错Abc"
    found = proofreader.check(text)
    assert [(f.start, f.original, f.suggestions) for f in found] == [(3, "错", ("对",))]


def test_batched_long_texts_match_one_by_one(proofreader):
    # Texts of many lengths, some longer than a window (62 characters: 64 positions), in one pipe call.
    # The filler is drawn until no flagged character's form (it with its two neighbours) stands
    # twice: a form used twice in a document is taken as deliberate (merge.drop_repeated_forms).
    rng = random.Random(5)
    texts = []
    for n in (1, 5, 40, 62, 63, 130, 300):
        spots = {0, n // 2, n - 1, min(45, n - 1), min(46, n - 1), min(61, n - 1), min(62, n - 1)}
        while True:
            chars = [rng.choice("文件有字") for _ in range(n)]
            for i in spots:
                chars[i] = "错"
            text = "".join(chars)
            if all(text.count(text[i - 1 : i + 2]) == 1 for i in spots if 0 < i < n - 1):
                break
        texts.append(text)
    together = list(proofreader.pipe(texts, batch_size=len(texts)))
    for text, found in zip(texts, together):
        expected = [i for i, ch in enumerate(text) if ch == "错"]
        assert [f.start for f in found] == expected
        assert all(text[f.start : f.end] == "错" for f in found)
        assert found == proofreader.check(text)


def test_protected_spans_are_honoured(tmp_path, model_dir):
    protected = tmp_path / "protected.tsv"
    protected.write_text("# kind: protected\nmatch\n错字\n", encoding="utf-8")
    pr = Proofreader(
        options={"hf_model": str(model_dir)}, components=["protected_terms", "hf_model"], extra_dictionaries=[protected]
    )
    text = "文件有错字，错。"
    assert [(f.start, f.original) for f in pr.check(text)] == [(6, "错")]


def test_threshold(model_dir):
    pr = Proofreader(options={"hf_model": str(model_dir), "hf_threshold": 1.01}, components=["hf_model"])
    assert pr.check("文件有错字。") == []


def test_ngram_verifier_keeps_only_what_the_language_model_confirms(model_dir):
    try:
        NgramVerifier.from_path()
    except FileNotFoundError:
        pytest.skip("the shipped n-gram model is not built")
    texts = ["坚持和完善名族区域自治制度", "他是一位著名的作家"]
    plain = Proofreader(options={"hf_model": str(model_dir)}, components=["hf_model"])
    verified = Proofreader(options={"hf_model": str(model_dir), "hf_verify": True}, components=["hf_model"])
    assert [[(f.start, f.suggestions) for f in found] for found in plain.pipe(texts)] == [
        [(5, ("民",))],
        [(5, ("民",))],
    ]
    assert [[(f.start, f.suggestions) for f in found] for found in verified.pipe(texts)] == [[(5, ("民",))], []]


class _Confusions:
    """A confusion table of our own, in the interface of ``CharSimilarity``."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def similar(self, ch: str) -> dict[str, str]:
        return {self.table[ch]: "sound"} if ch in self.table else {}


def test_candidate_scoring_only_proposes_confusable_characters(model_dir):
    with_pair = HFCorrector(model_dir, scoring="similar", similarity=_Confusions({"错": "对"}))
    without = HFCorrector(model_dir, scoring="similar", similarity=_Confusions({"错": "字"}))
    [got] = with_pair.correct(["有错字"])
    assert [(c.position, c.original, c.suggestion) for c in got] == [(1, "错", "对")]
    assert got[0].confidence > 0.99
    assert without.correct(["有错字"]) == [[]]


def test_missing_model_path_is_an_error():
    with pytest.raises(ValueError, match="hf_model"):
        Proofreader(components=["hf_model"])


def test_option_alone_adds_the_model_beside_the_default_pipeline(model_dir):
    from proofread.checkers import REGISTRY, default_components
    from proofread.config import translate_options

    assert "hf_model" not in default_components()
    beside = {"hf_model", "spelling_model", "dictionary_rules"}
    assert beside <= set(default_components({"hf_model": {"path": str(model_dir)}}))
    assert beside <= set(default_components(translate_options({"hf_model": str(model_dir)}, REGISTRY)))
    # The old flat keys of the model apply only with the key that enables it.
    assert "hf_model" not in default_components(translate_options({"hf_threshold": 0.7}, REGISTRY))


def test_cli_hf_model_option(model_dir, tmp_path, capsys):
    import json

    from proofread.cli import main

    path = tmp_path / "draft.txt"
    path.write_text("有错字的文件", encoding="utf-8")
    code = main(["check", "--model", "none", "--hf-model", str(model_dir), "--format", "jsonl", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0  # model findings are warnings; the default --fail-on is error
    assert [(f["start"], f["original"], f["suggestions"], f["rule"]) for f in doc["findings"]] == [
        (1, "错", ["对"], "hf_model")
    ]
    assert doc["corrected"] == "有对字的文件"
    code = main(["check", "--hf-model", str(tmp_path / "missing"), str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "missing is not a directory" in err


# -- the training pipeline ----------------------------------------------------------------------

SENTENCES = [
    "坚持和完善民族区域自治制度",
    "各级政府要依法全面履行职能",
    "深化行政体制改革，转变政府职能",
    "加快建设全国统一大市场",
    "推进城乡基本公共服务均等化",
    "全面贯彻党的教育方针",
]


@pytest.fixture(scope="module")
def training_data(tmp_path_factory):
    """A data folder of our own: a few clean lines, two real pairs, the character list."""
    root = tmp_path_factory.mktemp("data")
    (root / "lexicon").mkdir()
    (root / "csc").mkdir()
    chars = sorted(set("".join(SENTENCES)) | set("名族事制"))
    (root / "lexicon" / "tongyong_guifan_hanzi_8105.txt").write_text(
        "".join(f"U+{ord(c):04X}\t{c}\t-\n" for c in chars), encoding="utf-8"
    )
    (root / "clean.txt").write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    (root / "csc" / "tiny_train.tsv").write_text(
        "坚持和完善名族区域自治事度\t坚持和完善民族区域自治制度\n加快建设全国统一大市场\t加快建设全国统一大市场\n",
        encoding="utf-8",
    )
    return root


def _train(out, data, steps, *extra):
    from proofread.training.neural.train import main

    main(
        [
            "--out",
            str(out),
            "--steps",
            str(steps),
            "--data",
            str(data),
            "--text",
            str(data / "clean.txt"),
            "--layers",
            "1",
            "--hidden",
            "32",
            "--heads",
            "2",
            "--batch-size",
            "4",
            "--warmup",
            "1",
            "--save-every",
            "1",
            "--log-every",
            "1",
            *extra,
        ]
    )


@pytest.mark.slow
def test_training_produces_a_model_the_option_loads(tmp_path, training_data):
    _train(tmp_path / "m", training_data, 3)
    # Threshold 0: every position where the barely trained model prefers another candidate is reported.
    pr = Proofreader(options={"hf_model": str(tmp_path / "m"), "hf_threshold": 0.0}, components=["hf_model"])
    assert pr.checkers[0].corrector.scoring == "similar"
    text = "坚持和完善名族区域自治制度。Ab1"
    found = pr.check(text)
    assert found
    similarity = default_similarity()
    for f in found:  # whatever it proposes stays within the rules
        assert text[f.start : f.end] == f.original and f.end - f.start == 1 and f.start < 13
        assert similarity.are_similar(f.original, f.suggestions[0])


@pytest.mark.slow
def test_resume_continues_exactly(tmp_path, training_data, capsys):
    _train(tmp_path / "straight", training_data, 5)
    _train(tmp_path / "resumed", training_data, 3)
    _train(tmp_path / "resumed", training_data, 5, "--resume")
    assert "resumed at step 3" in capsys.readouterr().out
    state = torch.load(tmp_path / "resumed" / "checkpoint" / "state.pt", weights_only=False)
    assert state["step"] == 5
    a = BertForMaskedLM.from_pretrained(tmp_path / "straight").state_dict()
    b = BertForMaskedLM.from_pretrained(tmp_path / "resumed").state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    fresh = BertForMaskedLM.from_pretrained(tmp_path / "resumed" / "checkpoint").state_dict()
    assert all(torch.equal(b[k], fresh[k]) for k in b)  # the checkpoint holds the final weights too
