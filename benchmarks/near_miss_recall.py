"""Recall of the near-miss detectors on synthetic one-character substitutions.

Formulations: every shipped canonical formulation, 3 random confusable substitutions each.
Idioms: 400 random common idioms (jieba count >= 50), one same-sound substitution each.
Nothing here is tuned on: the substitutions are drawn at random with a fixed seed.

    python benchmarks/near_miss_recall.py [--seed 7]
"""

from __future__ import annotations

import argparse
import random

from proofread import Proofreader
from proofread.checkers.formulation_near_miss import NUMERALS
from proofread.checkers.idiom_near_miss import idiom_lexicon
from proofread.dictionaries import iter_rules, load_shipped
from proofread.similarity import SOUND, default_similarity
from proofread.text.chars import is_han

DICTIONARY_PATH = ["protected_terms", "dictionary_rules", "formulation_near_miss", "idiom_near_miss"]


def formulation_recall(proofreader: Proofreader, rng: random.Random) -> tuple[int, int]:
    similarity = default_similarity()
    total = hit = 0
    for _, rule in iter_rules(load_shipped(), "canonical"):
        form = rule.forms[0]
        positions = [i for i, c in enumerate(form) if is_han(c) and c not in NUMERALS and similarity.similar(c)]
        for _ in range(3 if positions else 0):
            i = rng.choice(positions)
            c = rng.choice(sorted(similarity.similar(form[i])))
            if c in NUMERALS:
                continue
            variant = form[:i] + c + form[i + 1 :]
            total += 1
            hit += any(f.rule == rule.id for f in proofreader.check(f"我们要认真学习{variant}，抓好落实。"))
    return hit, total


def idiom_recall(proofreader: Proofreader, rng: random.Random, sample: int = 400) -> tuple[int, int]:
    similarity = default_similarity()
    lexicon = idiom_lexicon()
    common = sorted(w for w, freq in lexicon.idioms.items() if freq >= 50)
    total = hit = 0
    for idiom in rng.sample(common, sample):
        i = rng.randrange(4)
        options = sorted(c for c, kind in similarity.similar(idiom[i]).items() if kind == SOUND)
        if not options:
            continue
        variant = idiom[:i] + rng.choice(options) + idiom[i + 1 :]
        if variant in lexicon.idioms:
            continue
        total += 1
        found = proofreader.check(f"他说这件事{variant}，大家都很关注。")
        hit += any(f.original == variant and idiom in f.suggestions for f in found)
    return hit, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    proofreader = Proofreader(components=DICTIONARY_PATH)
    for name, measure in (("formulations", formulation_recall), ("idioms", idiom_recall)):
        hit, total = measure(proofreader, random.Random(args.seed))
        print(f"{name}: recall {hit}/{total} = {hit / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
