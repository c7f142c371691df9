"""Sentence-level spelling-correction accuracy on ``source<TAB>target`` TSV files.

    python benchmarks/accuracy.py FILE.tsv [FILE.tsv ...] [--system model|pipeline] [--clean N]

Prints, per file, detection and correction precision/recall/F1 under two conventions:

* ``pycorrector``: as pycorrector's SIGHAN evaluation: a false positive is a clean sentence
  that was changed; an error sentence counts as a true positive only when the output equals the
  target (detection: when exactly the erroneous positions were changed), otherwise a false negative.
* ``strict`` (SIGHAN bake-off): every changed sentence is a positive prediction; it is a true
  positive only if it is exactly right, so a wrong edit in an error sentence is a false positive.

plus the share of clean rows (source == target) that were changed, and throughput.
``--clean N`` also measures the share changed of N sentences from the held-back clean slice of
the official registers in ``shared/data/text`` (hash bucket 0, never used in training), each
checked as of when it was written (``proofread.training.corpus.line_date``: an agency name right in
2015 news is not a false alarm of date-aware rules; ``--undated`` checks them as of today).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from proofread.finding import apply_findings
from proofread.spelling.model import SpellingModel, load_default
from proofread.text import normalize
from proofread.training.corpus import EVAL_BUCKET, default_data_dir, held_back_sentences

#: Texts (and, optionally, the date of each) -> the corrected texts.
Corrector = Callable[[Sequence[str], Sequence[dt.date] | None], list[str]]


def model_corrector(model: SpellingModel, threshold: float | None = None) -> Corrector:
    """The statistical model alone (no dictionaries, no protected terms)."""

    def run(texts: Sequence[str], dates: Sequence[dt.date] | None = None) -> list[str]:
        return [apply_findings(t, found) for t, found in zip(texts, model.correct(texts, threshold=threshold))]

    return run


def pipeline_corrector(threshold: float | None, components: list[str] | None, path: Path | None = None) -> Corrector:
    """The default ``Proofreader`` (or the named components); findings with one suggestion applied."""
    from proofread import Proofreader

    options = {} if threshold is None else {"model_threshold": threshold}
    if path:
        options["model"] = str(path)
    pr = Proofreader(components=components, options=options)

    def run(texts: Sequence[str], dates: Sequence[dt.date] | None = None) -> list[str]:
        docs = texts if dates is None else list(zip(texts, dates))
        return [apply_findings(t, found) for t, found in zip(texts, pr.pipe(docs, batch_size=64))]

    return run


def predict(run: Corrector, texts: Sequence[str], batch: int, dates: Sequence[dt.date] | None = None) -> list[str]:
    """``run`` over ``texts`` (dated ``dates``, if given) in batches of ``batch``."""
    out: list[str] = []
    for b in range(0, len(texts), batch):
        out += run(texts[b : b + batch], None if dates is None else dates[b : b + batch])
    return out


def read_tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            rows.append((normalize(parts[0].strip()).text, normalize(parts[1].strip()).text))
    return rows


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def changed_positions(a: str, b: str) -> set[int]:
    return {i for i, (x, y) in enumerate(zip(a, b)) if x != y} | set(range(min(len(a), len(b)), max(len(a), len(b))))


def score(rows: list[tuple[str, str]], predictions: list[str]) -> dict[str, tuple[float, float, float]]:
    counts = {k: [0, 0, 0] for k in ("det_pyc", "cor_pyc", "det_strict", "cor_strict")}
    for (src, tgt), pred in zip(rows, predictions):
        gold = changed_positions(src, tgt)
        got = changed_positions(src, pred)
        det_ok, cor_ok = got == gold, pred == tgt
        if not gold:
            for k in counts:
                if got:
                    counts[k][1] += 1
            continue
        for kind, ok in (("det", det_ok), ("cor", cor_ok)):
            counts[f"{kind}_pyc"][0 if ok else 2] += 1
            strict = counts[f"{kind}_strict"]
            if ok:
                strict[0] += 1
            else:
                strict[2] += 1
                if got:
                    strict[1] += 1
    return {k: prf(*v) for k, v in counts.items()}


def evaluate(path: Path, run: Corrector, batch: int) -> None:
    rows = read_tsv(path)
    t0, c0 = time.perf_counter(), time.process_time()
    predictions = predict(run, [s for s, _ in rows], batch)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    result = score(rows, predictions)
    clean = [(s, p) for (s, t), p in zip(rows, predictions) if s == t]
    clean_changed = sum(s != p for s, p in clean)
    chars = sum(len(s) for s, _ in rows)
    print(
        f"\n{path.name}: {len(rows)} rows, {len(rows) - len(clean)} with errors, "
        f"{chars / seconds:,.0f} chars/s wall, {chars / cpu:,.0f} per CPU second"
    )
    print(f"  {'':18}{'P':>7}{'R':>7}{'F1':>7}")
    for key, label in (
        ("det_pyc", "detection  pyc"),
        ("cor_pyc", "correction pyc"),
        ("det_strict", "detection  strict"),
        ("cor_strict", "correction strict"),
    ):
        p, r, f = result[key]
        print(f"  {label:18}{p:7.3f}{r:7.3f}{f:7.3f}")
    if clean:
        print(f"  clean rows changed: {clean_changed}/{len(clean)} = {clean_changed / len(clean):.2%}")


def clean_slice(n: int, data_dir: Path) -> list[tuple[str, dt.date]]:
    """``n`` sentences (6+ characters) drawn with a fixed seed from the held-back evaluation
    bucket, each with the date its text was written by."""
    import random

    out = list(held_back_sentences(data_dir, EVAL_BUCKET))
    if len(out) > n:
        out = [out[i] for i in sorted(random.Random(0).sample(range(len(out)), n))]
    return out


def evaluate_clean(
    sentences: list[str], run: Corrector, batch: int, show: int, dates: Sequence[dt.date] | None = None
) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    predictions = predict(run, sentences, batch, dates)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    changed = [(s, p) for s, p in zip(sentences, predictions) if s != p]
    chars = sum(map(len, sentences))
    print(
        f"\nheld-back clean official sentences (bucket {EVAL_BUCKET}, sample, "
        f"{'as of today' if dates is None else 'each as of when it was written'}): "
        f"{len(changed)}/{len(sentences)} changed "
        f"= {len(changed) / max(len(sentences), 1):.2%}; {chars / seconds:,.0f} chars/s wall, "
        f"{chars / cpu:,.0f} per CPU second"
    )
    for s, p in changed[:show]:
        diff = ", ".join(f"{s[i]}->{p[i]}@{i}" for i in sorted(changed_positions(s, p)) if i < min(len(s), len(p)))
        print(f"  {diff}: {s}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--system",
        choices=("model", "pipeline"),
        default="model",
        help="the statistical model alone, or the full Proofreader (default components)",
    )
    parser.add_argument("--components", help="comma-separated components for --system pipeline")
    parser.add_argument("--model", type=Path, help="model directory (default: the shipped models/charlm)")
    parser.add_argument("--threshold", type=float, help="model confidence threshold (default: the shipped one)")
    parser.add_argument("--clean", type=int, default=0, help="also measure N held-back clean sentences")
    parser.add_argument("--show", type=int, default=0, help="print up to N changed clean sentences")
    parser.add_argument(
        "--undated", action="store_true", help="check the clean sentences as of today, not as of when they were written"
    )
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args(argv)
    if args.system == "model":
        run = model_corrector(SpellingModel(args.model) if args.model else load_default(), args.threshold)
    else:
        run = pipeline_corrector(args.threshold, args.components.split(",") if args.components else None, args.model)
    for path in args.files:
        evaluate(path, run, args.batch)
    if args.clean:
        sentences, dates = zip(*clean_slice(args.clean, args.data))
        evaluate_clean(list(sentences), run, args.batch, args.show, None if args.undated else list(dates))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
