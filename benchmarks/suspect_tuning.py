"""Tuning of the 疑似错别字 rules (``proofread.spelling.suspects``) on the tuning sources only.

    python benchmarks/suspect_tuning.py [--per-source 3000] [--seed 7] [--top 12]

Clean text: sentences of ``TUNING_SOURCES`` (which the language model never counted and the
out-of-source evaluation never reads). Typos, planted one per sentence by two generators that
are not the evaluation's SIGHAN 2013 sets: the input-method generator the scorer trains on
(``proofread.training.typos``, same or fuzzy sound) and a slip of the pen or keyboard, any
common character in place of one in a word, drawn by corpus frequency. Each rule setting is
scored together with the default pipeline's own findings: clean sentences with any finding
per register, and typos detected. Prints the defaults' figures and the grid's best settings
among those that add at most ``ADDED`` clean sentences with a finding.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
from collections import Counter
from dataclasses import dataclass, replace

from proofread import Proofreader
from proofread.checkers import default_components
from proofread.checkers.base import Sentence
from proofread.spelling.model import load_default
from proofread.spelling.suspects import Isolated, SuspectFinder, SuspectRules
from proofread.text.chars import is_han
from proofread.training.corpus import TUNING_SOURCES, default_data_dir, line_sentences, read_lines
from proofread.training.typos import TypoMaker, model_char_frequencies

#: Clean sentences the rules may add to those the rest of the pipeline flags, per register.
ADDED = {"official": 0.0005, "news": 0.001, "new-media": 0.0015, "technical": 0.001}


@dataclass(frozen=True)
class Planted:
    text: str
    position: int
    generator: str


def source_sentences(name: str, n: int) -> list[str]:
    seen: dict[str, None] = {}
    for line in read_lines(default_data_dir() / "text" / f"{name}.txt.gz"):
        for s in line_sentences(line):
            seen.setdefault(s)
    sentences = list(seen)
    return sentences[:: max(1, len(sentences) // n)][:n]


def slip(sentence: str, chars: list[str], weights: list[float], rng: random.Random) -> Planted | None:
    """Any common character for one Chinese character between two others."""
    spots = [i for i in range(1, len(sentence) - 1) if all(is_han(c) for c in sentence[i - 1 : i + 2])]
    if not spots:
        return None
    i = rng.choice(spots)
    c = rng.choices(chars, weights)[0]
    return None if c == sentence[i] else Planted(sentence[:i] + c + sentence[i + 1 :], i, "slip")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-source", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()

    model = load_default()
    freq = model_char_frequencies(model.lm)
    maker = TypoMaker(freq)
    common = sorted(freq, key=lambda c: -freq[c])[:3000]
    weights = [freq[c] for c in common]
    rng = random.Random(args.seed)
    clean: list[tuple[str, str]] = []  # (register, sentence)
    planted: list[Planted] = []
    for name in sorted(TUNING_SOURCES):
        for s in source_sentences(name, args.per_source):
            clean.append((TUNING_SOURCES[name], s))
            if (t := maker.plant(s, rng)) is not None:
                planted.append(Planted(t.text, t.position, "input method"))
            if (p := slip(s, common, weights, rng)) is not None:
                planted.append(Planted(p.text, p.position, "slip"))

    pr = Proofreader(components=[n for n in default_components() if n != "suspect_chars"])
    base_clean = [bool(f) for f in pr.pipe([s for _, s in clean])]
    found = pr.pipe(p.text for p in planted)
    base_found = [any(f.start <= p.position < f.end for f in fs) for p, fs in zip(planted, found)]
    finder = SuspectFinder(model)

    def isolated(texts: list[str]) -> list[Isolated]:
        # The checker's own scope: no protected terms, quoted coinages or names.
        scopes = [Sentence(t, 0, dt.date.today(), 0, pr.resources.segmenter) for t in texts]
        for s in scopes:
            for guard in pr.guards:
                s.protected.extend(guard.protect(s))
        return finder.candidates(texts, [s.learned_scope() for s in scopes])

    iso_clean = isolated([s for _, s in clean])
    iso_planted = [c for c in isolated([p.text for p in planted]) if c.position == planted[c.text].position]
    totals = Counter(r for r, _ in clean)
    gens = Counter(p.generator for p in planted)

    def score(rules: SuspectRules) -> tuple[dict[str, float], dict[str, float]]:
        flagged = set(c.text for c in iso_clean if rules.flags(c))
        fp = Counter(clean[i][0] for i in range(len(clean)) if base_clean[i] or i in flagged)
        hit = set(c.text for c in iso_planted if rules.flags(c))
        det = Counter(p.generator for i, p in enumerate(planted) if base_found[i] or i in hit)
        return {r: fp[r] / totals[r] for r in totals}, {g: det[g] / gens[g] for g in gens}

    def show(label: str, rules: SuspectRules) -> None:
        fp, det = score(rules)
        fps = " ".join(f"{r} {v:.2%}" for r, v in sorted(fp.items()))
        dets = " ".join(f"{g} {v:.1%}" for g, v in sorted(det.items()))
        print(f"{label:<44} clean with a finding: {fps} | detected: {dets}")

    off = SuspectRules(alike_gain=1e9, any_gain=1e9, rare_gain=1e9)
    show("model and dictionaries alone", off)
    base_fp = score(off)[0]
    show(f"defaults {SuspectRules()}", SuspectRules())
    grid = []
    for alike, anyg, margin, rare, sides in itertools.product(
        (15, 20, 1e9), (20, 25, 30), (4, 8), (10, 15, 20, 1e9), (1, 2)
    ):
        rules = replace(
            SuspectRules(), alike_gain=alike, any_gain=anyg, any_margin=margin, rare_gain=rare, max_sides_seen=sides
        )
        fp, det = score(rules)
        if all(fp[r] - base_fp[r] <= ADDED[r] for r in fp):
            grid.append((sum(det.values()) / len(det), rules))
    grid.sort(key=lambda x: -x[0])
    print(f"\nbest adding at most {ADDED} clean sentences with a finding:")
    for _, rules in grid[: args.top]:
        r = rules
        label = f"alike {r.alike_gain:g} any {r.any_gain:g}/{r.any_margin:g} rare {r.rare_gain:g}"
        label += f" sides {r.max_sides_seen}"
        show(label, r)


if __name__ == "__main__":
    main()
