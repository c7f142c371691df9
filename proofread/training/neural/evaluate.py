"""Sentence-level scores of proofreader configurations on spelling pairs.

    python -m proofread.training.neural.evaluate --hf-model DIR [--pairs TSV ...] [--synthetic N]

Each configuration's single-suggestion findings are applied to the source
sentence; a sentence counts as corrected when the result equals the target.
Configurations: the model alone (``hf_model``), and, when the default pipeline
has a spelling model, the default pipeline with and without the model.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path

from ...checkers import REGISTRY, default_components
from ...finding import apply_findings
from ...pipeline import Proofreader
from ...similarity import default_similarity
from ..corpus import OFFICIAL_FILES, default_data_dir
from .data import Corruptor, iter_clean_lines


def scores(pairs: Sequence[tuple[str, str]], predictions: Sequence[str]) -> dict:
    """Sentence-level correction precision/recall/F1 and the false-positive rate on clean sentences."""
    wrong = sum(s != t for s, t in pairs)
    clean = len(pairs) - wrong
    changed = sum(p != s for (s, _), p in zip(pairs, predictions))
    corrected = sum(s != t and p == t for (s, t), p in zip(pairs, predictions))
    false_alarms = sum(s == t and p != s for (s, t), p in zip(pairs, predictions))
    precision = corrected / changed if changed else 0.0
    recall = corrected / wrong if wrong else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "sentences": len(pairs),
        "with_errors": wrong,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "clean_fpr": round(false_alarms / clean, 4) if clean else None,
    }


def predict(proofreader: Proofreader, sources: Sequence[str]) -> list[str]:
    return [apply_findings(s, found) for s, found in zip(sources, proofreader.pipe(sources, batch_size=64))]


def held_back(data_dir: Path, seed: int = 7) -> list[str]:
    """The held-back official lines (evaluation bucket), shuffled by ``seed``."""
    paths = [data_dir / "text" / f"{name}.txt.gz" for name in OFFICIAL_FILES]
    lines = list(iter_clean_lines(paths, holdout=True))
    random.Random(seed).shuffle(lines)
    return lines


def synthetic_pairs(data_dir: Path, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` held-back official lines with confusion errors at the training rate."""
    lines = held_back(data_dir, seed)
    rng = random.Random(seed)
    corruptor = Corruptor(default_similarity(), frozenset(c for line in lines for c in line))
    return [(corruptor.corrupt(line, rng), line) for line in lines[:n]]


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == len(parts[1]):
            pairs.append((parts[0], parts[1]))
    return pairs


def configurations(hf_model: Path, threshold: float, with_default: bool = True) -> dict[str, Proofreader]:
    options = {"hf_model": str(hf_model), "hf_threshold": threshold}
    configs = {
        "hf_model alone": Proofreader(components=["hf_model"], options=options),
        "hf_model + n-gram verifier": Proofreader(components=["hf_model"], options={**options, "hf_verify": True}),
    }
    if with_default and "spelling_model" in REGISTRY and "spelling_model" in default_components():
        configs["default"] = Proofreader()
        configs["default + hf_model"] = Proofreader(components=default_components() + ["hf_model"], options=options)
        configs["default + verified hf_model"] = Proofreader(
            components=default_components() + ["hf_model"], options={**options, "hf_verify": True}
        )
    return configs


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m proofread.training.neural.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("--hf-model", type=Path, required=True)
    p.add_argument("--pairs", type=Path, action="append", default=[], help="evaluation TSV (source, target)")
    p.add_argument("--synthetic", type=int, default=0, help="held-back lines with synthetic errors")
    p.add_argument("--clean", type=int, default=0, help="held-back lines left clean (false-positive rate)")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--limit", type=int, default=0, help="first N rows of each pair file")
    p.add_argument("--data", type=Path, default=default_data_dir())
    p.add_argument("--no-default", action="store_true", help="skip the default-pipeline configurations")
    p.add_argument("--only", action="append", help="run only the configurations with these names")
    args = p.parse_args(argv)
    sets = {path.name: read_pairs(path)[: args.limit or None] for path in args.pairs}
    if args.synthetic:
        sets[f"synthetic held-back x{args.synthetic}"] = synthetic_pairs(args.data, args.synthetic)
    if args.clean:  # the lines after the synthetic ones: no overlap
        lines = held_back(args.data)[args.synthetic : args.synthetic + args.clean]
        sets[f"clean held-back x{len(lines)}"] = [(line, line) for line in lines]
    results = {}
    for config, proofreader in configurations(args.hf_model, args.threshold, not args.no_default).items():
        if args.only and config not in args.only:
            continue
        for name, pairs in sets.items():
            got = scores(pairs, predict(proofreader, [s for s, _ in pairs]))
            results[f"{config} | {name}"] = got
            print(f"{config:<28} {name:<28} {json.dumps(got)}", flush=True)


if __name__ == "__main__":
    main()
