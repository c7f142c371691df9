"""Statistical spelling corrector: candidates, features, a learned scorer, iterative decisions.

For every editable Chinese character, candidates are the characters that (a) are confusable
with it (same/similar sound or shape, from ``proofread.similarity``, or a wrong->right pair
attested in training data) and (b) complete a dictionary word around it that the original
character does not. Each candidate gets features (language-model gain over the +-3 character
window, the word it forms, the word the original sits in, confusion type, how often the pair
was seen in training errors, character frequencies, how unlikely the original is in its
context, the margin over rival candidates); a learned scorer turns them into a
confidence. The best candidate of a sentence is accepted when its confidence reaches the
threshold, the sentence is rescored with the edit in place, and this repeats, so that two
errors close together no longer hide each other. Errors cluster, so a sentence that already
has an edit takes further ones at ``threshold * follow_ratio``; which sentences change at all
still depends on the full threshold alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from ..similarity import SHAPE, SIMILAR_SOUND, SOUND, default_similarity
from ..text.chars import is_han
from .correction import Correction, Editable
from .ngram import BOUNDARY, SPECIAL, CharNgramLM, ngram_keys
from .words import MASK, WORD_LENGTHS, Homophones, WordIndex, WordLattice

PAD = 4  # boundary ids on each side of a sentence in the flat batch array
WINDOW = 3  # characters of context scored on each side of a candidate
MAX_EDITS = 4  # per sentence
_KIND_CODE = {SOUND: 1, SIMILAR_SOUND: 2, SHAPE: 3}
ATTESTED_ONLY = 4  # a pair seen in training errors but in no confusion table
COMPONENT = 5  # alike by construction (components.tsv), in no pronunciation or stroke table

FEATURES = (
    "gain",
    "gain_pos",
    "new_word_2",
    "new_word_3plus",
    "new_word_freq",
    "orig_word_2",
    "orig_word_3plus",
    "sound",
    "similar_sound",
    "shape",
    "pair_count",
    "orig_char_freq",
    "cand_char_freq",
    "gain_x_orig_word",
    "only_real_word",
    "real_word_3plus",
    "real_minus_new_freq",
    "no_word",
    "gain_x_only_real",
    "gain_x_no_word",
    "orig_word_freq",
    "orig_trigram_count",
    "cand_trigram_count",
    "pair",
    "gain_x_pair",
    # How unlikely the original is in its context, and how the candidate compares with the
    # other candidates at the same position.
    "orig_window_logp",
    "orig_centre_logp",
    "gain_right",
    "gain_margin",
    "position_candidates",
    "component",  # the pair comes only from components.tsv (kind COMPONENT)
    # Word-level plausibility: best-segmentation log-probability change over +-SEG_WINDOW characters.
    "seg_gain",
    # How name-like the original and its neighbours are (transliterations and place names read as rare text).
    "orig_name_char",
    "neighbour_name_char",
    "glyph_similarity",  # rendered-glyph cosine of the pair where glyphs.tsv lists it, else 0
)
SEG_WINDOW = 4
PAIR_MIN_LOG_FREQ = 3.0  # ln of the jieba frequency a two-character replacement word needs (about 20)
MIN_ATTESTED = 2  # training-error count for a pair to apply without forming a word
DEFAULT_NAME = "charlm"  # the shipped model's folder in ``models/``


@dataclass
class Candidates:
    """Candidate rows of a batch: arrays of equal length."""

    sentence: np.ndarray  # index of the sentence in the batch
    position: np.ndarray  # character offset in the sentence
    orig: np.ndarray  # original char id
    cand: np.ndarray  # candidate char id
    features: np.ndarray  # (rows, len(FEATURES))
    cand2: np.ndarray  # second candidate char id of a two-character replacement, else -1

    def __len__(self) -> int:
        return len(self.position)


class SpellingModel:
    """The shipped model: language model, word index, confusion table and scorer. Thread-safe (read-only)."""

    def __init__(self, directory: str | Path) -> None:
        directory = Path(directory)
        self.directory = directory
        self.lm = CharNgramLM(directory)
        self.vocab = self.lm.vocab
        self.words = WordIndex(directory)
        self.homophones = Homophones(directory) if (directory / "sounds.npy").exists() else None
        self.lattice = WordLattice(directory) if (directory / "wordlp.keys.npy").exists() else None
        names = directory / "namechars.npy"
        self._name_char = np.load(names).astype(np.float64) if names.exists() else np.zeros(len(self.vocab))
        self.name = self.lm.meta.get("name", directory.name)
        scorer_path = directory / "scorer.json"
        self.scorer = json.loads(scorer_path.read_text(encoding="utf-8")) if scorer_path.exists() else None
        # Only Chinese characters are ever proposed.
        self._cjk = np.array([False] * SPECIAL + [is_han(ch) for ch in self.vocab.chars])
        self._load_confusion(directory / "pairs.tsv")

    @property
    def min_gain(self) -> float:
        """Candidates whose LM gain is not above this are never accepted (stored with the scorer)."""
        return float(self.scorer.get("min_gain", 0.0)) if self.scorer else 0.0

    @property
    def threshold(self) -> float:
        return float(self.scorer["threshold"]) if self.scorer else 1.0

    @property
    def follow_ratio(self) -> float:
        """Threshold factor for further edits in a sentence that already has one (errors cluster)."""
        return float(self.scorer.get("follow_ratio", 1.0)) if self.scorer else 1.0

    def _load_confusion(self, pairs_path: Path) -> None:
        kinds: dict[int, int] = {}
        counts: dict[int, float] = {}
        vocab = self.vocab
        similarity = default_similarity()
        for ch in vocab.chars:
            if not is_han(ch):
                continue
            a = vocab.id(ch)
            for other, kind in similarity.similar(ch).items():
                b = vocab.id(other)
                if b >= SPECIAL:
                    kinds[(a << 16) | b] = _KIND_CODE[kind]
        # Derived from the character set alone, so always the model's own, whatever pairs_path is.
        for x, y in _table_rows(self.directory / "components.tsv"):
            a, b = vocab.id(x), vocab.id(y)
            if a >= SPECIAL and b >= SPECIAL:
                kinds.setdefault((a << 16) | b, COMPONENT)
                kinds.setdefault((b << 16) | a, COMPONENT)
        glyph: dict[int, float] = {}
        for x, y, sim in _table_rows(self.directory / "glyphs.tsv"):
            a, b = vocab.id(x), vocab.id(y)
            if a >= SPECIAL and b >= SPECIAL:  # a feature of listed pairs, not a source of pairs
                glyph[(a << 16) | b] = glyph[(b << 16) | a] = float(sim)
        for wrong, right, count in _table_rows(pairs_path):
            a, b = vocab.id(wrong), vocab.id(right)
            if a >= SPECIAL and b >= SPECIAL:
                key = (a << 16) | b
                kinds.setdefault(key, ATTESTED_ONLY)
                counts[key] = float(count)
        keys = np.array(sorted(kinds), dtype=np.int64)
        self._conf_keys = keys
        self._conf_kind = np.array([kinds[k] for k in keys.tolist()], dtype=np.int8)
        self._conf_count = np.array([counts.get(k, 0.0) for k in keys.tolist()], dtype=np.float64)
        self._conf_glyph = np.array([glyph.get(k, 0.0) for k in keys.tolist()], dtype=np.float64)
        self._attested_keys = keys[self._conf_count >= MIN_ATTESTED]

    # -- candidates and features ------------------------------------------------------------

    def encode_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat id array with ``PAD`` boundaries around each text; start offsets; lengths."""
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        starts = PAD + np.concatenate(([0], np.cumsum(lengths + PAD)[:-1])) if len(texts) else lengths
        flat = np.full(int(lengths.sum() + PAD * (len(texts) + 1)), BOUNDARY, dtype=np.int64)
        for text, start in zip(texts, starts.tolist()):
            flat[start : start + len(text)] = self.vocab.encode(text)
        return flat, starts, lengths

    def editable_mask(
        self,
        texts: Sequence[str],
        flat: np.ndarray,
        starts: np.ndarray,
        editable: Editable | None = None,
    ) -> np.ndarray:
        """Over ``flat``: the Chinese characters in the vocabulary, less any ``editable`` locks."""
        allowed = np.zeros(len(flat), dtype=bool)
        for i, (text, start) in enumerate(zip(texts, starts.tolist())):
            mask = np.fromiter((is_han(ch) for ch in text), dtype=bool, count=len(text))
            if editable is not None:
                mask &= np.asarray(editable[i], dtype=bool)
            allowed[start : start + len(text)] = mask
        return allowed & (flat >= SPECIAL)

    def candidates(self, flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray, editable: np.ndarray) -> Candidates:
        """Candidate rows for every editable position (``editable``: bool over ``flat``)."""
        sent_of = np.repeat(np.arange(len(starts)), lengths)
        gpos = (
            np.concatenate([np.arange(s, s + n) for s, n in zip(starts.tolist(), lengths.tolist())])
            if len(starts)
            else np.zeros(0, dtype=np.int64)
        )
        keep = editable[gpos]
        sent_of, gpos = sent_of[keep], gpos[keep]
        # Rows: (position, candidate, word length, ln word freq, whether the original also was a word there).
        rows_g, rows_c, rows_len, rows_freq, rows_real = [], [], [], [], []
        orig_len = np.zeros(len(flat), dtype=np.int64)
        orig_freq = np.zeros(len(flat))
        for n, g, query, char, freq in self._span_fillers(flat, gpos):
            qg = g[query]
            is_orig = char == flat[qg]
            orig_word_here = np.zeros(len(g), dtype=bool)
            orig_word_here[query[is_orig]] = True
            np.maximum.at(orig_len, g[orig_word_here], n)
            np.maximum.at(orig_freq, qg[is_orig], freq[is_orig])
            other = ~is_orig
            rows_g.append(qg[other])
            rows_c.append(char[other])
            rows_len.append(np.full(int(other.sum()), n))
            rows_freq.append(freq[other])
            rows_real.append(orig_word_here[query][other])
        # Pairs attested in training errors may apply without forming a word (在->再, 阿->啊).
        if len(self._attested_keys):
            lo = np.searchsorted(self._attested_keys, flat[gpos] << 16)
            hi = np.searchsorted(self._attested_keys, (flat[gpos] << 16) | 0xFFFF)
            counts = hi - lo
            qg = np.repeat(gpos, counts)
            entry = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            rows_g.append(qg)
            rows_c.append(self._attested_keys[entry] & 0xFFFF)
            rows_len.append(np.zeros(len(qg), dtype=np.int64))
            rows_freq.append(np.zeros(len(qg)))
            rows_real.append(np.zeros(len(qg), dtype=bool))
        g = np.concatenate(rows_g).astype(np.int64)
        c = np.concatenate(rows_c).astype(np.int64)
        wlen = np.concatenate(rows_len)
        wfreq = np.concatenate(rows_freq)
        realword = np.concatenate(rows_real)
        # Only confusable pairs.
        pair = (flat[g] << 16) | c
        idx = np.minimum(np.searchsorted(self._conf_keys, pair), max(len(self._conf_keys) - 1, 0))
        conf = self._conf_keys[idx] == pair if len(self._conf_keys) else np.zeros(len(g), dtype=bool)
        g, c, wlen, wfreq, idx, realword = g[conf], c[conf], wlen[conf], wfreq[conf], idx[conf], realword[conf]
        # One row per (position, candidate): the longest, most frequent word it forms where the
        # original formed none (new), and the same over spans where the original was a word too.
        row_key = g * 65536 + c
        uniq, inverse = np.unique(row_key, return_inverse=True)
        new_len = np.zeros(len(uniq), dtype=np.int64)
        new_freq = np.zeros(len(uniq))
        real_len = np.zeros(len(uniq), dtype=np.int64)
        real_freq = np.zeros(len(uniq))
        np.maximum.at(new_len, inverse[~realword], wlen[~realword])
        np.maximum.at(new_freq, inverse[~realword], wfreq[~realword])
        np.maximum.at(real_len, inverse[realword], wlen[realword])
        np.maximum.at(real_freq, inverse[realword], wfreq[realword])
        first_of = np.zeros(len(uniq), dtype=np.int64)
        first_of[inverse[::-1]] = np.arange(len(inverse))[::-1]
        g, c, idx = uniq // 65536, uniq % 65536, idx[first_of]
        sentence = np.searchsorted(starts, g, "right") - 1
        gain, orig_ngram, cand_ngram, orig_logp, orig_centre, gain_right = self._gain(
            flat, g, c, starts[sentence] + lengths[sentence]
        )
        margin, per_position = _margin_to_rivals(g, gain)
        # Rows at or below min_gain are never accepted: drop them before the costlier features.
        keep = gain > self.min_gain
        (
            g,
            c,
            idx,
            sentence,
            gain,
            orig_ngram,
            cand_ngram,
            orig_logp,
            orig_centre,
            gain_right,
            margin,
            per_position,
            new_len,
            new_freq,
            real_len,
            real_freq,
        ) = tuple(
            a[keep]
            for a in cast(
                "tuple[np.ndarray, ...]",
                (
                    g,
                    c,
                    idx,
                    sentence,
                    gain,
                    orig_ngram,
                    cand_ngram,
                    orig_logp,
                    orig_centre,
                    gain_right,
                    margin,
                    per_position,
                    new_len,
                    new_freq,
                    real_len,
                    real_freq,
                ),
            )
        )
        kind = self._conf_kind[idx]
        o = flat[g]
        olen = orig_len[g]
        only_real = (new_len == 0) & (real_len > 0)
        no_word = (new_len == 0) & (real_len == 0)
        feats = np.column_stack(
            [
                gain,
                np.maximum(gain, 0.0),
                new_len == 2,
                new_len >= 3,
                new_freq,
                olen == 2,
                olen >= 3,
                kind == 1,
                kind == 2,
                kind == 3,
                np.log1p(self._conf_count[idx]),
                self.lm.log_unigram[o],
                self.lm.log_unigram[c],
                gain * (olen >= 2),
                only_real,
                real_len >= 3,
                real_freq - new_freq,
                no_word,
                gain * only_real,
                gain * no_word,
                orig_freq[g],
                orig_ngram,
                cand_ngram,
                np.zeros(len(g)),
                np.zeros(len(g)),
                orig_logp,
                orig_centre,
                gain_right,
                margin,
                np.log(per_position),
                kind == COMPONENT,
                self._seg_gain(flat, g, c[:, None]),
                self._name_char[o],
                np.maximum(self._name_char[flat[g - 1]], self._name_char[flat[g + 1]]),
                self._conf_glyph[idx],
            ]
        ).astype(np.float64)
        single = Candidates(sentence, g - starts[sentence], o, c, feats, np.full(len(g), -1))
        if self.homophones is None:
            return single
        return _concat(single, self._pair_candidates(flat, starts, lengths, gpos, orig_len, orig_freq))

    def _span_fillers(
        self, flat: np.ndarray, gpos: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """For each word length ``n`` and place ``k`` in the word: the positions of ``gpos`` whose
        ``n``-character span (starting ``k`` before) holds no boundary, digit or Latin letter around
        the position, and (index into them, filler char id, ln word freq) of every dictionary word
        that span forms with any character at the position."""
        for n, ok, ids in self._spans(flat, gpos):
            query, char, freq = self.words.fillers(n, ngram_keys(ids, n)[:, 0])
            yield n, gpos[ok], query, char, freq

    def _spans(self, flat: np.ndarray, gpos: np.ndarray) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """For each word length ``n`` and place in the word: which of ``gpos`` have an
        ``n``-character span around them with no boundary, digit or Latin letter around the
        position, and the spans' ids with the position masked."""
        real = flat >= SPECIAL
        for n in WORD_LENGTHS:
            for k in range(n):
                cols = (gpos - k)[:, None] + np.arange(n)[None, :]
                others = np.delete(cols, k, axis=1)
                ok = real[others].all(axis=1) & (cols[:, 0] >= 0) & (cols[:, -1] < len(flat))
                ids = flat[cols[ok]].copy()
                ids[:, k] = MASK
                yield n, ok, ids

    def in_word(self, flat: np.ndarray, gpos: np.ndarray) -> np.ndarray:
        """Whether the character at each of ``gpos`` lies in a dictionary word of 2-4 characters."""
        found = np.zeros(len(gpos), dtype=bool)
        for n, ok, ids in self._spans(flat, gpos):
            rows = np.nonzero(ok)[0]
            found[rows] |= self.words.contains(n, ngram_keys(ids, n)[:, 0], flat[gpos[rows]])
        return found

    def word_fillers(self, flat: np.ndarray, gpos: np.ndarray) -> tuple[np.ndarray, ...]:
        """Every (position, char id, word length, ln word freq) such that the char at that
        position of ``flat`` completes a dictionary word of 2-4 characters with its neighbours
        (the original character included, where it forms one)."""
        parts = [(g[q], c, np.full(len(q), n), f) for n, g, q, c, f in self._span_fillers(flat, gpos)]
        if not parts:
            return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
        return tuple(np.concatenate(x) for x in zip(*parts))

    def is_cjk(self, ids: np.ndarray) -> np.ndarray:
        """Whether each char id is a Chinese character the model may propose."""
        return self._cjk[ids]

    def window_gain(self, flat: np.ndarray, g: np.ndarray, c: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Language-model log-score change over the window when ``flat[g]`` becomes ``c``."""
        return self._gain(flat, g, c, ends)[0]

    def _pair_candidates(self, flat, starts, lengths, gpos, orig_len, orig_freq) -> Candidates:
        """Two adjacent characters both replaced by a homophone word (安检 -> 案件)."""
        assert self.homophones is not None
        g = gpos[np.isin(gpos + 1, gpos)]
        query, c1, c2, wfreq = self.homophones.words(flat[g], flat[g + 1])
        g0 = g[query]
        keep = (c1 != flat[g0]) & (c2 != flat[g0 + 1])
        g0, c1, c2, wfreq = g0[keep], c1[keep], c2[keep], wfreq[keep]
        key = (g0 << 32) | (c1 << 16) | c2
        key, first = np.unique(key, return_index=True)
        g0, c1, c2, wfreq = g0[first], c1[first], c2[first], wfreq[first]
        # Only common words that the corpus attests as a bigram (keeps the candidate count small).
        cand_bi = self.bigram_log_counts(c1, c2)
        keep = (wfreq >= PAIR_MIN_LOG_FREQ) & np.isfinite(cand_bi)
        g0, c1, c2, wfreq, cand_bi = g0[keep], c1[keep], c2[keep], wfreq[keep], cand_bi[keep]
        sentence = np.searchsorted(starts, g0, "right") - 1
        ends = starts[sentence] + lengths[sentence]
        offsets = np.arange(-WINDOW, WINDOW + 2)
        cols = g0[:, None] + offsets[None, :]
        windows = flat[np.clip(cols, 0, len(flat) - 1)]
        valid = cols[:, WINDOW:] <= ends[:, None]
        changed = windows.copy()
        changed[:, WINDOW] = c1
        changed[:, WINDOW + 1] = c2
        before = self.lm.position_scores(windows, WINDOW)
        delta = self.lm.position_scores(changed, WINDOW) - before
        gain = (delta * valid).sum(axis=1)
        keep = gain > self.min_gain
        g0, c1, c2, wfreq, cand_bi, sentence, gain = (a[keep] for a in (g0, c1, c2, wfreq, cand_bi, sentence, gain))
        before, delta, valid = before[keep], delta[keep], valid[keep]
        orig_bi = self.bigram_log_counts(flat[g0], flat[g0 + 1])
        olen = np.maximum(orig_len[g0], orig_len[g0 + 1])
        o = flat[g0]
        log_freq = self.lm.log_unigram
        feats = np.column_stack(
            [
                gain,
                np.maximum(gain, 0.0),
                olen == 0,
                np.zeros(len(g0)),
                wfreq,  # new two-character word where none stood
                olen == 2,
                olen >= 3,
                np.ones(len(g0)),
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                (log_freq[o] + log_freq[flat[g0 + 1]]) / 2,
                (log_freq[c1] + log_freq[c2]) / 2,
                gain * (olen >= 2),
                olen >= 2,
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                gain * (olen >= 2),
                np.zeros(len(g0)),
                np.maximum(orig_freq[g0], orig_freq[g0 + 1]),
                np.where(np.isfinite(orig_bi), orig_bi, -1.0),
                np.where(np.isfinite(cand_bi), cand_bi, -1.0),
                np.ones(len(g0)),
                gain,
                (before * valid).sum(axis=1),
                before[:, 0],
                (delta * valid)[:, 2:].sum(axis=1),
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                np.zeros(len(g0)),
                self._seg_gain(flat, g0, np.column_stack([c1, c2])),
                np.maximum(self._name_char[o], self._name_char[flat[g0 + 1]]),
                np.maximum(self._name_char[flat[g0 - 1]], self._name_char[flat[g0 + 2]]),
                np.zeros(len(g0)),
            ]
        ).astype(np.float64)
        return Candidates(sentence, g0 - starts[sentence], o, c1, feats, c2)

    def _seg_gain(self, flat: np.ndarray, g: np.ndarray, new: np.ndarray) -> np.ndarray:
        """Change of the best word segmentation's log-probability around ``g`` when the
        characters from ``g`` on become the columns of ``new``."""
        if self.lattice is None or len(g) == 0:
            return np.zeros(len(g))
        width = new.shape[1]
        cols = g[:, None] + np.arange(-SEG_WINDOW, SEG_WINDOW + width)[None, :]
        windows = flat[np.clip(cols, 0, len(flat) - 1)]
        _, first, inv = np.unique(g, return_index=True, return_inverse=True)
        before = self.lattice.best_logp(windows[first])[inv]
        changed = windows.copy()
        changed[:, SEG_WINDOW : SEG_WINDOW + width] = new
        return self.lattice.best_logp(changed) - before

    def bigram_log_counts(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """ln count of each bigram of char ids ``a b`` in the model's text (``-inf`` where unseen)."""
        return self.lm.log_counts(2, (a.astype(np.uint64) << np.uint64(16)) | b.astype(np.uint64))

    def _gain(self, flat: np.ndarray, g: np.ndarray, c: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, ...]:
        """LM log-score change over the window when ``flat[g]`` becomes ``c``; the highest log
        count of a trigram through ``g`` before and after the change; the original's window and
        centre log scores; the change over the characters after ``g`` only."""
        if len(g) == 0:
            return tuple(np.zeros(0) for _ in range(6))
        offsets = np.arange(-WINDOW, WINDOW + 1)
        cols = g[:, None] + offsets[None, :]
        windows = flat[np.clip(cols, 0, len(flat) - 1)]
        # Score the centre and the WINDOW characters after it, up to the first boundary after the text.
        valid = cols[:, WINDOW:] <= ends[:, None]
        _, first, inv = np.unique(g, return_index=True, return_inverse=True)
        counts = self.lm.window_counts(windows[first])
        before = self.lm.position_scores(windows[first], WINDOW, counts)[inv]
        orig_ngram = _trigram_evidence(counts)[inv]
        changed = windows.copy()
        changed[:, WINDOW] = c
        counts = self.lm.window_counts(changed)
        after = self.lm.position_scores(changed, WINDOW, counts)
        delta = (after - before) * valid
        return (
            delta.sum(axis=1),
            orig_ngram,
            _trigram_evidence(counts),
            (before * valid).sum(axis=1),
            before[:, 0],
            delta[:, 1:].sum(axis=1),
        )

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """Probability that each candidate is a right correction (the scorer in ``scorer.json``)."""
        if self.scorer is None:
            raise RuntimeError(f"{self.directory} has no scorer.json (run python -m proofread.training.build)")
        sc = self.scorer
        # A scorer fitted on fewer (older) features reads only its own columns.
        names = sc.get("features", FEATURES)
        if list(names) != list(FEATURES):
            features = features[:, [FEATURES.index(n) for n in names]]
        z = (features - np.asarray(sc["mean"])) / np.asarray(sc["std"])
        if sc.get("type") == "mlp":
            hidden = np.maximum(z @ np.asarray(sc["w1"]) + np.asarray(sc["b1"]), 0.0)
            logit = hidden @ np.asarray(sc["w2"]) + float(sc["b2"])
        else:
            logit = z @ np.asarray(sc["weights"]) + float(sc["bias"])
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))

    # -- decisions ----------------------------------------------------------------------------

    def correct(
        self,
        texts: Sequence[str],
        editable: Editable | None = None,
        threshold: float | None = None,
        max_edits: int = MAX_EDITS,
        follow_ratio: float | None = None,
    ) -> list[list[Correction]]:
        """Corrections for each text. ``editable[i][j]`` False keeps ``texts[i][j]`` untouched.
        Once a text has an edit, further ones need ``threshold * follow_ratio``."""
        threshold = self.threshold if threshold is None else threshold
        follow_ratio = self.follow_ratio if follow_ratio is None else follow_ratio
        needed = np.full(len(texts), threshold)
        flat, starts, lengths = self.encode_batch(texts)
        allowed = self.editable_mask(texts, flat, starts, editable)
        out: list[list[Correction]] = [[] for _ in texts]
        active = np.arange(len(texts))
        for _ in range(max_edits):
            if len(active) == 0:
                break
            # Rescore only the sentences still changing; the others keep their editable mask off.
            live = np.zeros(len(flat), dtype=bool)
            for s in active.tolist():
                live[starts[s] : starts[s] + lengths[s]] = True
            cands = self.candidates(flat, starts, lengths, allowed & live)
            if len(cands) == 0:
                break
            conf = self.confidence(cands.features)
            chinese = self._cjk[cands.cand] & ((cands.cand2 < 0) | self._cjk[np.maximum(cands.cand2, 0)])
            conf[~chinese] = 0.0
            conf[self._loose_real_word(cands.features)] = 0.0
            order = np.lexsort((-conf, cands.sentence))
            first = order[np.r_[True, cands.sentence[order][1:] != cands.sentence[order][:-1]]]
            accepted = first[(conf[first] >= needed[cands.sentence[first]]) & (conf[first] > 0)]  # 0: ruled out above
            for r in accepted.tolist():
                s, pos = int(cands.sentence[r]), int(cands.position[r])
                g = starts[s] + pos
                new = [int(cands.cand[r])] + ([int(cands.cand2[r])] if cands.cand2[r] >= 0 else [])
                suggestion = "".join(self.vocab.char(i) for i in new)
                out[s].append(Correction(pos, texts[s][pos : pos + len(new)], suggestion, float(conf[r])))
                flat[g : g + len(new)] = new
                allowed[g : g + len(new)] = False
            active = np.unique(cands.sentence[accepted])
            needed[active] = threshold * follow_ratio
        for found in out:
            found.sort(key=lambda c: c.position)
        return out

    @staticmethod
    def _loose_real_word(features: np.ndarray) -> np.ndarray:
        """Rows swapping one word for another whose characters are related only by a fuzzy sound
        (应为 -> 因为): both readings fit, and no typing slip links them. On the tuning sources not one
        right correction (of 2,136) nor clean false alarm fell in this class above the threshold; the
        seed notice's 应为订阅号 did, at 0.93."""
        col = {n: i for i, n in enumerate(FEATURES)}
        f = features
        return (
            (f[:, col["only_real_word"]] > 0)
            & (f[:, col["similar_sound"]] > 0)
            & (f[:, col["sound"]] == 0)
            & (f[:, col["shape"]] == 0)
            & (f[:, col["glyph_similarity"]] == 0)
            & (f[:, col["pair"]] == 0)
        )


def _table_rows(path: Path) -> list[list[str]]:
    """Tab-separated fields of a model table's lines, without ``#`` comments; none if it is absent."""
    if not path.exists():
        return []
    return [
        line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]


def _margin_to_rivals(g: np.ndarray, gain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gain minus the best gain of the other candidates at the same position (rows sorted by
    ``g``), and the number of candidates there."""
    if len(g) == 0:
        return np.zeros(0), np.ones(0)
    _, inverse, count = np.unique(g, return_inverse=True, return_counts=True)
    best = np.full(len(count), -np.inf)
    np.maximum.at(best, inverse, gain)
    # Second best: the best after masking each position's (first) best row.
    is_best = gain == best[inverse]
    first_best_rows = np.nonzero(is_best)[0][np.unique(inverse[is_best], return_index=True)[1]]
    first_best = np.zeros(len(g), dtype=bool)
    first_best[first_best_rows] = True
    second = np.full(len(count), -np.inf)
    np.maximum.at(second, inverse[~first_best], gain[~first_best])
    rival = np.where(first_best, second[inverse], best[inverse])
    margin = np.where(np.isfinite(rival), gain - rival, gain)
    return margin, count[inverse].astype(np.float64)


def _trigram_evidence(counts: tuple) -> np.ndarray:
    """Highest log count of the trigrams ending at the centre and the two columns after it
    (``counts``: ``CharNgramLM.window_counts`` of the windows)."""
    tri = counts[0][3][:, WINDOW : WINDOW + 3]
    return np.where(np.isfinite(tri), tri, -1.0).max(axis=1)


def _concat(a: Candidates, b: Candidates) -> Candidates:
    return Candidates(
        *(
            np.concatenate([getattr(a, f), getattr(b, f)])
            for f in ("sentence", "position", "orig", "cand", "features", "cand2")
        )
    )


def load_default() -> SpellingModel:
    """The model shipped in ``models/charlm``."""
    from ..data_files import shipped_data_dir

    return SpellingModel(shipped_data_dir("models") / DEFAULT_NAME)
