"""The language model's compact n-gram storage: exact two-level tables for common n-grams and
fingerprint sets for those seen once or twice, counted from real text and read back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from proofread.spelling.ngram import MAX_ORDER, CharNgramLM, _search_runs, ngram_keys
from proofread.text import normalize
from proofread.training.lm_build import FINGERPRINT_ORDERS, build_vocab, count_and_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_lm(tmp_path_factory):
    """A model counted from the bundled notice, repeated with its lines in several orders so
    that some n-grams are seen once, some twice and some many times."""
    lines = [
        normalize(line).text
        for line in (ROOT / "examples" / "notice.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    text = "\n".join(lines + lines[::2] + lines[:3] * 5)
    out = tmp_path_factory.mktemp("lm")
    vocab = build_vocab(text)
    meta = count_and_store(text, vocab, out, log=lambda *_: None)
    (out / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return CharNgramLM(out), text


def true_counts(text: str, n: int) -> Counter:
    return Counter(g for line in text.split("\n") for g in (line[i : i + n] for i in range(len(line) - n + 1)))


@pytest.mark.parametrize("n", range(2, MAX_ORDER + 1))
def test_every_ngram_of_the_text_reads_back_with_its_count(small_lm, n):
    lm, text = small_lm
    counts = {g: c for g, c in true_counts(text, n).items() if all(lm.vocab.id(ch) >= 4 for ch in g)}
    grams = list(counts)
    ids = np.stack([lm.vocab.encode(g) for g in grams]).astype(np.int64)
    got = lm.log_counts(n, ngram_keys(ids, n)[:, 0])
    want = np.log([counts[g] for g in grams])
    # Quantised to uint8 over ln(max count): at most half a step off; counts 1 and 2 are exact.
    step = 1.0 / lm.meta["scale"][str(n)]
    assert np.all(np.abs(got - want) <= step / 2 + 1e-9)
    if n in FINGERPRINT_ORDERS:
        assert {1, 2} <= set(counts.values())  # the fixture exercises both fingerprint sets
        small = np.array([counts[g] <= 2 for g in grams])
        assert np.array_equal(got[small], want[small])


def test_ngrams_not_in_the_text_are_unseen(small_lm):
    lm, text = small_lm
    seen = true_counts(text, 4)
    chars = sorted({ch for ch in text if lm.vocab.id(ch) >= 4})
    rng = np.random.default_rng(0)
    probes = {"".join(rng.choice(chars, 4)) for _ in range(3000)} - set(seen)
    ids = np.stack([lm.vocab.encode(g) for g in sorted(probes)]).astype(np.int64)
    got = lm.log_counts(4, ngram_keys(ids, 4)[:, 0])
    # A fingerprint set of k entries lets an unseen key through with probability k / 2**32.
    assert np.isinf(got).all()


def test_binary_search_over_runs_handles_empty_and_out_of_range_runs():
    values = np.array([1, 5, 9, 2, 4, 4, 8], dtype=np.uint32)  # runs [0, 3) and [3, 7), each sorted
    lo = np.array([0, 0, 0, 3, 3, 3, 3, 5])
    hi = np.array([3, 3, 3, 7, 7, 7, 7, 5])
    query = np.array([0, 6, 10, 4, 5, 1, 9, 4], dtype=np.uint32)
    assert _search_runs(values, lo, hi, query).tolist() == [0, 2, 3, 4, 6, 3, 7, 5]


def test_the_shipped_model_is_in_this_layout_and_unpruned():
    """The shipped tables hold what meta.json says, seen-once n-grams included."""
    from proofread.spelling.model import load_default

    lm = load_default().lm
    sizes = lm.meta["ngrams"]
    for n in range(2, MAX_ORDER + 1):
        assert len(lm._counts[n]) == sizes[str(n)] > 0
    for n in FINGERPRINT_ORDERS:
        assert len(lm._small[n]) == sizes[f"{n}_count1"] + sizes[f"{n}_count2"]
        assert sizes[f"{n}_count1"] > sizes[str(n)]  # most n-grams are seen once: none was pruned


def test_contexts_know_how_many_different_characters_followed_them(small_lm):
    lm, text = small_lm
    followers: dict[tuple, set] = {}
    for line in text.split("\n"):
        ids = lm.vocab.encode(line).tolist() + [0]  # a line's end (the boundary id) is a follower too
        for i in range(len(ids) - 1):
            for n in (1, 2, 3):
                if i + n < len(ids) and min(ids[i : i + n]) >= 4:
                    followers.setdefault(tuple(ids[i : i + n]), set()).add(ids[i + n])
    for n in (1, 2, 3):
        grams = [g for g in followers if len(g) == n]
        counts, fanout = lm.log_counts_fanout(n, ngram_keys(np.array(grams, dtype=np.int64), n)[:, 0])
        want = np.log([len(followers[g]) for g in grams])
        exact = np.exp(counts) > 2.5  # seen once or twice: the count stands in for the fan-out
        step = 1.0 / lm.meta["fanout_scale"]
        assert exact.any() and np.all(np.abs(fanout[exact] - want[exact]) <= step / 2 + 1e-9)
        assert np.all(fanout[~exact] >= want[~exact] - 1e-9)


def test_witten_bell_probabilities_of_all_next_characters_sum_to_one(small_lm):
    lm, text = small_lm
    line = max(text.split("\n"), key=len)
    for end in (1, 2, 3, 8, 20):
        context = lm.vocab.encode(line[max(0, end - 3) : end]).astype(np.int64)
        every = np.arange(len(lm.vocab), dtype=np.int64)
        windows = np.column_stack([np.tile(context, (len(every), 1)), every])
        total = np.exp(lm.position_scores(windows, windows.shape[1] - 1)).sum()
        assert abs(total - 1.0) < 0.05, (line[:end], total)


def test_a_fingerprint_collision_never_makes_an_ngram_with_an_unseen_part_seen(small_lm, monkeypatch):
    lm, text = small_lm
    # The worst collision: every 3- and 4-gram key matches a stored fingerprint.
    for n in FINGERPRINT_ORDERS:
        monkeypatch.setattr(lm._small[n], "log_counts", lambda keys: np.zeros(len(keys)))
    line = max(text.split("\n"), key=len)
    bigrams = true_counts(text, 2)
    # A character of the text that never follows line[9] nor precedes line[10], put between them.
    odd = next(
        ch
        for ch in sorted(set(text) - {"\n"}, key=text.count, reverse=True)
        if line[9] + ch not in bigrams and ch + line[10] not in bigrams
    )
    window = lm.vocab.encode(line[:10] + odd + line[10:20])[None].astype(np.int64)
    counts, _ = lm.window_counts(window)
    assert not np.isfinite(counts[2][0, 10:12]).any()
    for n in (3, 4):
        seen, lower = np.isfinite(counts[n][0]), np.isfinite(counts[n - 1][0])
        assert not seen[n - 1 :][~(lower[n - 1 :] & lower[n - 2 : -1])].any()
        assert seen.any()  # the n-grams whose parts are all seen still read as seen
    # So an unseen continuation keeps the small probability Witten-Bell gives it.
    assert lm.position_scores(window, 10)[0, :2].max() < np.log(0.05)
