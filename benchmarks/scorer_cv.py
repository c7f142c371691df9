"""Tune the spelling model's scorer without touching a test set: fit on 80% of the CSC training
pairs, measure on the other 20% (``md5(source) % 5 == 0``), per training file.

    python benchmarks/scorer_cv.py [--model DIR] [--max-clean-fp 0.004] [--official-weight 4] [--follow-ratio 1,0.6]
                                   [--planted 10000] [--planted-weight 0.3]

The n-gram tables and word indexes of ``models/charlm`` are reused; the confusion pairs and the
scorer are refitted on the 80% only, so a held-out error never counts itself. The threshold is
set on half of the clean tuning buckets (as the build does) and the other half is reported as
the clean false-positive rate, with the share of 3,000 input-method typos planted in that half
that the model corrects (``proofread.training.typos``; the scorer's own planted typos, as in the
build, come from the fitting half). Candidate features are cached in ``--cache`` between runs
of the same feature code, confusion table and language model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from accuracy import model_corrector, predict, score  # the sibling benchmark's scorer

from proofread import similarity
from proofread.spelling import model as corrector
from proofread.spelling import ngram, words
from proofread.spelling.model import FEATURES, SpellingModel, load_default
from proofread.training.build import (
    CLEAN_WEIGHT,
    FOLLOW_RATIO,
    MAX_CLEAN_FP,
    MEMBERS,
    OFFICIAL_TRAIN,
    OFFICIAL_WEIGHT,
    PLANTED_TYPOS,
    PLANTED_WEIGHT,
    TRAIN_FILES,
    best_per_sentence,
    candidate_rows,
    clean_tuning_sentences,
    error_rows,
    fit_scorer,
    planted_rows,
    read_pairs,
    scorer_threshold,
    write_pair_counts,
)
from proofread.training.corpus import default_data_dir
from proofread.training.typos import TypoMaker, model_char_frequencies


def held_out(source: str) -> bool:
    return hashlib.md5(source.encode("utf-8")).digest()[0] % 5 == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped one)")
    parser.add_argument("--scorer", default="mlp")
    parser.add_argument("--max-clean-fp", type=float, default=MAX_CLEAN_FP)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "proofread_scorer_cv.npz")
    parser.add_argument("--seeds", type=int, default=1, help="fit this many scorers (seeds S..S+N-1); report each")
    parser.add_argument("--first-seed", type=int, default=0, help="S above (more seeds in a second run)")
    parser.add_argument("--members", type=int, default=MEMBERS, help="MLPs averaged into one scorer")
    parser.add_argument(
        "--official-weight",
        type=float,
        default=OFFICIAL_WEIGHT,
        help="weight of error rows from the official-register training files (law, odw)",
    )
    parser.add_argument("--clean-weight", type=float, default=CLEAN_WEIGHT, help="weight of clean-sentence candidates")
    parser.add_argument("--drop", default="", help="comma-separated features to leave out (zeroed)")
    parser.add_argument(
        "--follow-ratio",
        default=str(FOLLOW_RATIO),
        help="comma-separated threshold factors for further edits in a sentence with one; each is reported",
    )
    parser.add_argument(
        "--planted",
        type=int,
        default=PLANTED_TYPOS,
        help="input-method typos planted in the clean fitting half as further error rows",
    )
    parser.add_argument("--planted-weight", type=float, default=PLANTED_WEIGHT, help="weight of a planted typo's rows")
    parser.add_argument("--show", type=int, default=0, help="print N missed held-out law sentences")
    parser.add_argument(
        "--save", type=Path, default=None, help="write the first seed's scorer (JSON) here, to inspect misses"
    )
    args = parser.parse_args(argv)
    t0 = time.time()
    by_file = {name: read_pairs(args.data / "csc" / f"{name}.tsv") for name in TRAIN_FILES}
    fit = [p for rows in by_file.values() for p in rows if not held_out(p[0])]
    held = {name: [p for p in rows if held_out(p[0])] for name, rows in by_file.items()}
    model = load_default() if args.model is None else SpellingModel(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        write_pair_counts(fit, Path(tmp))
        model._load_confusion(Path(tmp) / "pairs.tsv")
    clean = clean_tuning_sentences(args.data)
    clean_fit, clean_hold = clean[::2], clean[1::2]
    # Features differ with the language model and with the code that computes them.
    code = hashlib.md5(
        b"".join(Path(m.__file__).read_bytes() for m in (corrector, ngram, words, similarity))
    ).hexdigest()
    key = (
        "|".join(FEATURES)
        + "|"
        + code
        + "|"
        + json.dumps([model.lm.meta["ngrams"], model.lm.meta.get("smoothing")], sort_keys=True)
    )
    model.scorer = {"min_gain": -2.0}
    cached = np.load(args.cache, allow_pickle=False) if args.cache.exists() else None
    if cached is not None and str(cached["key"]) == key:
        xe, ye, se, xc, yc, xh, sh = (cached[k] for k in ("xe", "ye", "se", "xc", "yc", "xh", "sh"))
    else:
        src, tgt = [s for s, _ in fit], [t for _, t in fit]
        xe, ye, se = error_rows(model, src, tgt)
        negatives = tgt + clean_fit
        xc, yc, _ = candidate_rows(model, negatives, negatives)
        xh, _, sh = candidate_rows(model, clean_hold, clean_hold)
        np.savez(args.cache, key=key, xe=xe, ye=ye, se=se, xc=xc, yc=yc, xh=xh, sh=sh)
    print(f"rows: {len(xe):,} error-side, {len(xc):,} clean ({time.time() - t0:.0f} s)")
    file_of = np.concatenate(
        [np.full(sum(not held_out(p[0]) for p in rows), name in OFFICIAL_TRAIN) for name, rows in by_file.items()]
    )
    weight = np.where(file_of[se], args.official_weight, 1.0)
    xp, yp = planted_rows(model, clean_fit, args.planted)
    print(f"planted typos: {len(xp):,} rows, {int(yp.sum()):,} right ({time.time() - t0:.0f} s)")
    xe, ye = np.vstack([xe, xp]), np.concatenate([ye, yp])
    weight = np.concatenate([weight, np.full(len(xp), args.planted_weight)])
    # Typos planted in the clean half the threshold is set on (never fitted on), to report recall on.
    typos_hold = TypoMaker(model_char_frequencies(model.lm)).plant_many(clean_hold, 3000, seed=2)
    for name in filter(None, args.drop.split(",")):
        for x in (xe, xc, xh):
            x[:, FEATURES.index(name)] = 0.0
    # Per follow ratio: each measure's value for every seed (means printed at the end).
    results: dict[float, dict[str, list[float]]] = {}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        scorer = fit_scorer(
            xe,
            ye,
            xc,
            yc,
            args.scorer,
            min_gain=-2.0,
            clean_weight=args.clean_weight,
            seed=seed * args.members,
            members=args.members,
            error_weight=weight,
        )
        model.scorer = scorer
        best_clean, _ = best_per_sentence(model.confidence(xh), sh, len(clean_hold))
        scorer["threshold"] = scorer_threshold(best_clean, args.max_clean_fp)
        print(f"{args.scorer} seed {seed}: threshold {scorer['threshold']:.3f} ({time.time() - t0:.0f} s)")
        if args.save and seed == args.first_seed:
            args.save.write_text(json.dumps(scorer), encoding="utf-8")
        for ratio in (float(x) for x in args.follow_ratio.split(",")):
            scorer["follow_ratio"] = ratio
            print(f"follow ratio {ratio}")
            changed = sum(a != b for a, b in zip(clean_hold, predict(model_corrector(model), clean_hold, 256)))
            print(
                f"clean tuning half changed (full decoding): {changed}/{len(clean_hold)} "
                f"= {changed / len(clean_hold):.2%}"
            )
            fixed = predict(model_corrector(model), [t.text for t in typos_hold], 256)
            measures = results.setdefault(ratio, {})
            planted = float(np.mean([f == t.clean for f, t in zip(fixed, typos_hold)]))
            measures.setdefault("planted typos corrected", []).append(planted)
            print(f"typos planted in it corrected: {planted:.1%}")
            pooled_rows, pooled_pred = [], []
            for name, rows in held.items():
                pred = predict(model_corrector(model), [s for s, _ in rows], 256)
                pooled_rows += rows
                pooled_pred += pred
                p, r, f = score(rows, pred)["cor_pyc"]
                measures.setdefault(name, []).append(f)
                print(f"  {name:20} {len(rows):5} rows  P {p:.3f} R {r:.3f} F1 {f:.3f}")
                if name == "ecspell_law_train" and args.show:
                    misses = [(s, t, q) for (s, t), q in zip(rows, pred) if q != t][: args.show]
                    for s, t, q in misses:
                        gold = ",".join(f"{s[i]}->{t[i]}@{i}" for i in range(len(s)) if s[i] != t[i])
                        got = ",".join(f"{s[i]}->{q[i]}@{i}" for i in range(len(s)) if s[i] != q[i])
                        print(f"    gold {gold} | got {got or '-'} | {s}")
            p, r, f = score(pooled_rows, pooled_pred)["cor_pyc"]
            measures.setdefault("pooled", []).append(f)
            print(
                f"  {'pooled':20} {len(pooled_rows):5} rows  P {p:.3f} R {r:.3f} F1 {f:.3f}  ({time.time() - t0:.0f} s)"
            )
    for ratio, measures in results.items():
        print(f"follow ratio {ratio}, mean over {args.seeds} seed(s) (min-max):")
        for name, values in measures.items():
            unit = ".1%" if name.startswith("planted") else ".3f"
            print(f"  {name:24} {np.mean(values):{unit}} ({min(values):{unit}}-{max(values):{unit}})")


if __name__ == "__main__":
    main()
