"""Count and store the character n-gram model (the slow half of ``python -m proofread.training.build``)."""

from __future__ import annotations

import json
import time
from fnmatch import fnmatch
from pathlib import Path

import ahocorasick
import numpy as np

from ..similarity import pycorrector_data_dir
from ..spelling.ngram import BOUNDARY, MAX_ORDER, UNK, CharVocab, CountTable, SmallCounts, ngram_keys
from ..text import normalize
from .corpus import held_back, source_lines, text_files

#: Orders whose n-grams seen once or twice are kept as fingerprints (2 bytes, not 5). Nothing is
#: pruned: dropping the n-grams seen once cost 0.024 held-out F1 (models/README.md).
FINGERPRINT_ORDERS = (3, 4)
#: Key bits stored per exact entry: the last character (runs share the rest), two for 4-grams,
#: whose three-character prefixes would be too many runs.
LOW_BITS = {2: 16, 3: 16, 4: 32}
MIN_CHAR_COUNT = 3
#: A training line sharing this many characters with an evaluation sentence is dropped.
OVERLAP = 16


def evaluation_targets(data_dir: Path) -> list[str]:
    """Corrected sentences of every evaluation set (kept out of the language model)."""
    paths = sorted((data_dir / "csc").glob("*_test.tsv")) + [pycorrector_data_dir() / "sighan2015_test.tsv"]
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                out.append(normalize(parts[1].strip()).text)
    return out


def contamination_matcher(targets: list[str]) -> ahocorasick.Automaton:
    """Finds training lines that share OVERLAP+ characters with an evaluation sentence."""
    automaton = ahocorasick.Automaton()
    for t in targets:
        if len(t) >= OVERLAP:
            for i in range(len(t) - OVERLAP + 1):
                automaton.add_word(t[i : i + OVERLAP], 0)
        elif len(t) >= 8:
            automaton.add_word(t, 0)
    automaton.make_automaton()
    return automaton


def training_text(data_dir: Path, log=print, exclude: tuple[str, ...] = ()) -> tuple[str, dict]:
    """All training lines joined by newlines, and statistics of what was excluded.

    ``exclude``: source names (file names without ``.txt.gz``, ``fnmatch`` patterns) to leave out.
    """
    matcher = contamination_matcher(evaluation_targets(data_dir))
    kept: list[str] = []
    stats = {"lines": 0, "held_back": 0, "overlap_with_evaluation": 0, "chars": 0}
    for path in text_files(data_dir):
        if any(fnmatch(path.name[: -len(".txt.gz")], pattern) for pattern in exclude):
            log(f"  skipped {path.name}")
            continue
        lines, held_out = source_lines(path)
        stats["held_out_sources"] = stats.get("held_out_sources", 0) + len(held_out)
        for line in lines:
            stats["lines"] += 1
            if held_back(line):
                stats["held_back"] += 1
                continue
            text = normalize(line).text
            if next(matcher.iter(text), None) is not None:
                stats["overlap_with_evaluation"] += 1
                continue
            kept.append(text)
            stats["chars"] += len(text)
        log(f"  read {path.name}: {stats['lines']} lines so far")
    return "\n".join(kept), stats


def build_vocab(text: str) -> CharVocab:
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    values, counts = np.unique(points, return_counts=True)
    probe = CharVocab([])
    chars = []
    for v, c in zip(values.tolist(), counts.tolist()):
        ch = chr(v)
        if c >= MIN_CHAR_COUNT and v < 0x10000 and probe.encode(ch)[0] == UNK and not ch.isspace():
            chars.append(ch)
    return CharVocab(chars)


def count_and_store(text: str, vocab: CharVocab, out: Path, log=print) -> dict:
    """Count every order, prune, quantise and write the ``.npy`` files; return the metadata."""
    ids = np.concatenate(([BOUNDARY], vocab.encode(text), [BOUNDARY])).astype(np.uint16)
    log(f"  encoded {len(ids):,} ids, vocabulary {len(vocab):,}")
    unigram = np.bincount(ids, minlength=len(vocab)).astype(np.uint32)
    np.save(out / "unigram.npy", unigram)
    (out / "vocab.txt").write_text("\n".join(vocab.chars) + "\n", encoding="utf-8")
    scale: dict[str, float] = {}
    sizes: dict[str, int] = {}
    is_boundary = ids == BOUNDARY
    prev_exact = np.arange(len(vocab), dtype=np.uint64)  # order 1: every id
    fanout_scale = 255.0 / float(np.log(len(vocab)))
    for n in range(2, MAX_ORDER + 1):
        t0 = time.time()
        keys = ngram_keys(ids, n)
        # An n-gram may start or end at a line boundary, never span one.
        inner = np.zeros(len(keys), dtype=bool)
        for t in range(1, n - 1):
            inner |= is_boundary[t : t + len(keys)]
        keys = keys[~inner]
        keys, counts = np.unique(keys, return_counts=True)
        # Distinct followers of each (n-1)-gram, stored beside the exact (n-1)-gram table.
        context, fanout = np.unique(keys >> np.uint64(16), return_counts=True)
        at = np.minimum(np.searchsorted(context, prev_exact), len(context) - 1)
        fan = np.where(context[at] == prev_exact, fanout[at], 0)
        if n == 2:
            np.save(out / "order1.fanout.npy", fan.astype(np.uint16))
        else:
            np.save(
                out / f"order{n - 1}.fanout.npy",
                np.clip(np.rint(np.log(np.maximum(fan, 1)) * fanout_scale), 0, 255).astype(np.uint8),
            )
        del context, fanout, at, fan
        small = (counts <= 2) if n in FINGERPRINT_ORDERS else np.zeros(len(keys), dtype=bool)
        if n in FINGERPRINT_ORDERS:
            SmallCounts.write(out, n, keys[small], counts[small])
            for c in (1, 2):
                sizes[f"{n}_count{c}"] = int((counts == c).sum())
        keys, counts = keys[~small], counts[~small]
        s = 255.0 / float(np.log(counts.max()))
        CountTable.write(out, n, keys, np.clip(np.rint(np.log(counts) * s), 0, 255).astype(np.uint8), LOW_BITS[n])
        scale[str(n)] = s
        sizes[str(n)] = int(len(keys))
        prev_exact = keys
        log(
            f"  order {n}: {len(keys):,} n-grams with counts, {int(small.sum()):,} as fingerprints "
            f"({time.time() - t0:.0f} s)"
        )
        del keys, counts, inner, small
    return {
        "scale": scale,
        "ngrams": sizes,
        "vocab": len(vocab),
        "ids": int(len(ids)),
        "smoothing": "witten_bell",
        "fanout_scale": fanout_scale,
    }


def build_lm(data_dir: Path, out: Path, log=print, exclude: tuple[str, ...] = ()) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("order*.npy"):  # tables of an earlier layout must not linger
        stale.unlink()
    t0 = time.time()
    text, stats = training_text(data_dir, log, exclude)
    stats["excluded_sources"] = list(exclude)
    log(f"  training text: {stats} ({time.time() - t0:.0f} s)")
    vocab = build_vocab(text)
    meta = count_and_store(text, vocab, out, log)
    meta["corpus"] = stats
    meta["build_seconds"] = round(time.time() - t0)
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    return meta
