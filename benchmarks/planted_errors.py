"""Recall of the default pipeline on typos planted in held-back official sentences.

    python benchmarks/planted_errors.py [--sentences 3000] [--seed 11] [--components a,b,...] [--show 20]

The error class of the 2022 notice (民族 written 名族, 城市管理 written 城市管里), made as a pinyin
input method makes it (``proofread.training.typos``): one character of a common word replaced by
one with the same or a fuzzy-similar toneless reading, common characters more often, so that
the word is no longer a word. The model's confusion tables are not used to plant, so a typo
they lack counts as missed. Sentences come from the held-back evaluation bucket of the
official registers, which no model or threshold was fitted on (the scorer's own planted typos
come from the tuning buckets), and are checked as of the date they were written. Nothing is
tuned on this benchmark: the typos are drawn at random with a fixed seed.

Prints the share of planted typos detected (a finding covers the character) and corrected
(its first suggestion restores the sentence), by kind of substitution; the share of sentences
with a finding elsewhere (a false alarm or a real error of the source); why the model missed
the rest; and the throughput.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from proofread import Finding, Proofreader
from proofread.similarity import SIMILAR_SOUND, SOUND
from proofread.spelling.model import SpellingModel, load_default
from proofread.training.corpus import EVAL_BUCKET, default_data_dir, held_back_sentences
from proofread.training.typos import Typo, TypoMaker, model_char_frequencies

KIND_NAMES = {SOUND: "same sound", SIMILAR_SOUND: "similar sound"}


def corrects(plant: Typo, f: Finding) -> bool:
    return bool(f.suggestions) and plant.text[: f.start] + f.suggestions[0] + plant.text[f.end :] == plant.clean


def miss_reason(model: SpellingModel, plant: Typo) -> str:
    """Where the model stands on the right fix of a missed typo (first round, alone)."""
    flat, starts, lengths = model.encode_batch([plant.text])
    allowed = model.editable_mask([plant.text], flat, starts)
    if not allowed[starts[0] + plant.position]:
        return "typo outside the model's vocabulary"
    cands = model.candidates(flat, starts, lengths, allowed)
    right = model.vocab.encode(plant.clean[plant.position])[0]
    rows = np.nonzero((cands.position == plant.position) & (cands.cand == right) & (cands.cand2 < 0))[0]
    if len(rows) == 0:
        return "right fix not a candidate"
    conf = float(model.confidence(cands.features[rows])[0])
    if conf >= model.threshold:
        return "candidate above threshold, masked in the sentence"
    return "confidence < 0.3" if conf < 0.3 else "confidence 0.3 to threshold"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--components", default=None, help="comma-separated components (default: all defaults)")
    parser.add_argument("--show", type=int, default=20, help="print N missed typos")
    args = parser.parse_args(argv)
    if not (args.data / "text").is_dir():
        parser.exit(2, f"{parser.prog}: {args.data}: not a shared/data directory (no text/)\n")
    model = load_default()
    sentences = list(held_back_sentences(args.data, EVAL_BUCKET, min_chars=10, max_chars=120))
    random.Random(args.seed).shuffle(sentences)
    dates = dict(sentences)
    plants = TypoMaker(model_char_frequencies(model.lm)).plant_many(
        (s for s, _ in sentences), args.sentences, args.seed
    )
    proofreader = Proofreader(components=args.components.split(",") if args.components else None)
    t0 = time.perf_counter()
    results = list(proofreader.pipe([(p.text, dates[p.clean]) for p in plants], batch_size=64))
    seconds = time.perf_counter() - t0
    total, detected, corrected = Counter(), Counter(), Counter()
    elsewhere = 0
    missed = []
    for plant, found in zip(plants, results):
        here = [f for f in found if f.start <= plant.position < f.end]
        for key in ("all", KIND_NAMES[plant.kind]):
            total[key] += 1
            detected[key] += bool(here)
            corrected[key] += any(corrects(plant, f) for f in here)
        elsewhere += any(not (f.start <= plant.position < f.end) for f in found)
        if not here:
            missed.append(plant)
    chars = sum(len(p.text) for p in plants)
    print(
        f"{len(plants)} planted typos in held-back official sentences ({chars:,} chars, seed {args.seed}); "
        f"{platform.processor() or platform.machine()}, {chars / seconds:,.0f} chars/s"
    )
    for key in ("all", *KIND_NAMES.values()):
        if total[key]:
            print(
                f"  {key:14} {total[key]:5}  detected {detected[key] / total[key]:.1%}  "
                f"corrected {corrected[key] / total[key]:.1%}"
            )
    print(f"  sentences with a finding elsewhere: {elsewhere / len(plants):.2%}")
    reasons = Counter(miss_reason(model, p) for p in missed)
    print("missed, by the model's view of the right fix:")
    for reason, count in reasons.most_common():
        print(f"  {reason:52} {count:4}")
    for p in missed[: args.show]:
        a = p.position
        print(f"  {p.text[max(0, a - 10) : a]}[{p.text[a]}→{p.clean[a]}]{p.text[a + 1 : a + 11]}")


if __name__ == "__main__":
    main()
