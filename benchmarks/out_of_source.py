"""Out-of-source evaluation: clean text and typos that no part of the model has seen.

    python benchmarks/out_of_source.py [--per-register 3000] [--seed 5] [--source-cap 0.5]
        [--components a,b,...] [--model DIR] [--show K] [--speed] [--json OUT]

Clean text: the sources held out as a whole (``proofread.training.corpus.HELD_OUT_SOURCES`` and
the newest year of the 新闻联播 transcripts), which neither the language model, the scorer nor the
threshold were fitted on. Lines are normalised and split into sentences (6+ characters) as
``held_back_sentences`` does, deduplicated within a register, and each is checked as of the date
its text was written. Up to ``--per-register`` sentences are drawn per register with a fixed
seed, spread over its sources in proportion to their size, no source taking more than
``--source-cap`` of the register while others still have sentences.

Planted typos: an independent generator, not the model's confusion tables nor our input-method
generator (``planted_errors.py``): the SIGHAN 2013 sound and shape sets of ``confusion/``. In each
sampled clean sentence (the same sentences, so collateral findings compare with the clean run)
one Han character is chosen uniformly among those with confusables, sound or shape with equal
odds where both exist, then a confusable uniformly. Sound: the four pronunciation columns
(same/similar reading, same/other tone); shape: the shape file plus the pronunciation file's
同部首同笔画数 column. Confusables that are not Han (``is_han``) or equal the character are dropped.

Prints per register: clean sentences with any finding and with an ``error``; planted typos
detected (a finding overlaps the character) and corrected (its first suggestion restores it), by
kind; the real-pair figures (ECSpell law/med, SIGHAN15 test, ECSpell odw train which the scorer
was fitted on); reliability tables (finding confidence -> precision); and the issue's targets.
``--speed`` also runs ``throughput.py`` (slow) for the default / baseline ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from proofread.finding import Finding, Severity, apply_findings
from proofread.text.chars import is_han

REGISTERS = ("official", "news", "new-media", "technical")
SOUND_COLUMNS = ("同音同调", "同音异调", "近音同调", "近音异调")
SHAPE_COLUMN = "同部首同笔画数"
#: Confidence bins of the reliability tables: [low, high), the last one closed.
BINS = (0.0, 0.5, 0.7, 0.9, 0.95, 1.0)
#: Real pairs: (file, label); odw trained the scorer, so it is no test.
PAIRS = (
    ("ecspell_law_test.tsv", "ECSpell law test"),
    ("ecspell_med_test.tsv", "ECSpell med test"),
    ("sighan15_test.tsv", "SIGHAN15 test"),
    ("ecspell_odw_train.tsv", "ECSpell odw train (seen in training)"),
)
Confusables = dict[str, dict[str, tuple[str, ...]]]  # kind -> char -> confusable chars


@dataclass(frozen=True)
class Plant:
    clean: str
    text: str
    position: int
    original: str
    typo: str
    kind: str  # "sound" or "shape"


def _add(table: dict[str, set[str]], char: str, chars: str) -> None:
    if not is_han(char):
        return
    keep = {c for c in chars if is_han(c) and c != char}
    if keep:
        table.setdefault(char, set()).update(keep)


def load_confusables(confusion_dir: Path) -> Confusables:
    """The SIGHAN 2013 sets: ``{"sound": {char: chars}, "shape": {char: chars}}`` (sorted, Han only)."""
    sound: dict[str, set[str]] = {}
    shape: dict[str, set[str]] = {}
    with open(confusion_dir / "sighan13_similar_pronunciation.txt", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        sound_cols = [header.index(c) for c in SOUND_COLUMNS]
        shape_col = header.index(SHAPE_COLUMN)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if not cols[0]:
                continue
            cols += [""] * (len(header) - len(cols))
            _add(sound, cols[0], "".join(cols[i] for i in sound_cols))
            _add(shape, cols[0], cols[shape_col])
    with open(confusion_dir / "sighan13_similar_shape.txt", encoding="utf-8") as f:
        for line in f:
            char, _, chars = line.strip().partition(",")
            _add(shape, char, chars)
    return {kind: {c: tuple(sorted(s)) for c, s in t.items()} for kind, t in (("sound", sound), ("shape", shape))}


def plant(sentence: str, confusables: Confusables, rng: random.Random) -> Plant | None:
    """One typo in ``sentence`` (None when no character has confusables)."""
    positions = [i for i, c in enumerate(sentence) if any(c in t for t in confusables.values())]
    if not positions:
        return None
    i = rng.choice(positions)
    char = sentence[i]
    kind = rng.choice([k for k in sorted(confusables) if char in confusables[k]])
    typo = rng.choice(confusables[kind][char])
    return Plant(sentence, sentence[:i] + typo + sentence[i + 1 :], i, char, typo, kind)


def plant_all(sentences: Iterable[str], confusables: Confusables, seed: int) -> list[Plant | None]:
    """A typo per sentence (or None), drawn in order from one generator seeded ``seed``."""
    rng = random.Random(seed)
    return [plant(s, confusables, rng) for s in sentences]


def overlaps(f: Finding, position: int) -> bool:
    return f.start <= position < f.end


def corrects(f: Finding, p: Plant) -> bool:
    """Whether ``f`` covers the typo and its first suggestion, applied, restores the character."""
    if not overlaps(f, p.position) or not f.suggestions:
        return False
    fixed = p.text[: f.start] + f.suggestions[0] + p.text[f.end :]
    if len(f.suggestions[0]) == f.end - f.start:
        return fixed[p.position] == p.original
    return fixed == p.clean


def score_plants(plants: Sequence[Plant], findings: Sequence[Sequence[Finding]]) -> dict[str, int]:
    """Counts of typos planted, detected, corrected, and sentences with a finding elsewhere."""
    counts = Counter(planted=len(plants))
    for p, found in zip(plants, findings):
        counts["detected"] += any(overlaps(f, p.position) for f in found)
        counts["corrected"] += any(corrects(f, p) for f in found)
        counts["collateral"] += any(not overlaps(f, p.position) for f in found)
    return {k: counts[k] for k in ("planted", "detected", "corrected", "collateral")}


def pair_correct(f: Finding, src: str, tgt: str) -> tuple[bool, bool]:
    """(corrects, detects) of a finding on a real pair: its first suggestion is the target's
    text at the span; the span covers a position the target changes."""
    gold = any(src[i] != tgt[i] for i in range(f.start, min(f.end, len(src), len(tgt))))
    right = bool(f.suggestions) and len(src) == len(tgt) and f.suggestions[0] == tgt[f.start : f.end] and gold
    return right, gold


def bin_of(confidence: float) -> int:
    return next((b for b in range(len(BINS) - 2) if confidence < BINS[b + 1]), len(BINS) - 2)


def reliability(entries: Iterable[tuple[float, str, bool, bool]]) -> dict[str, list[dict]]:
    """Findings ``(confidence, severity, corrects, detects)`` -> count and precision per
    confidence bin and per severity."""
    by: dict[str, dict[str, list[int]]] = {
        "bin": defaultdict(lambda: [0, 0, 0]),
        "severity": defaultdict(lambda: [0, 0, 0]),
    }
    for conf, severity, right, hit in entries:
        b = bin_of(conf)
        for key, label in (
            ("bin", f"[{BINS[b]:.2f}, {BINS[b + 1]:.2f}{']' if b == len(BINS) - 2 else ')'}"),
            ("severity", severity),
        ):
            row = by[key][label]
            row[0] += 1
            row[1] += right
            row[2] += hit
    return {
        key: [
            {"label": k, "findings": n, "precision": r / n, "detect_precision": h / n}
            for k, (n, r, h) in sorted(rows.items())
        ]
        for key, rows in by.items()
    }


# --- data ---------------------------------------------------------------------------------


def held_out_pools(data_dir: Path) -> dict[str, dict[str, list[tuple[str, dt.date]]]]:
    """register -> source -> its held-out sentences (6+ chars, deduplicated within the register)."""
    from proofread.training.corpus import held_out_dated_lines, line_sentences

    pools: dict[str, dict[str, list[tuple[str, dt.date]]]] = defaultdict(lambda: defaultdict(list))
    seen: dict[str, set[str]] = defaultdict(set)
    for register, source, line, date in held_out_dated_lines(data_dir):
        for s in line_sentences(line):
            if s not in seen[register]:
                seen[register].add(s)
                pools[register][source].append((s, date))
    return pools


def quotas(sizes: dict[str, int], n: int, cap: float) -> dict[str, int]:
    """Sentences to draw per source: in proportion to ``sizes``, at most ``cap`` of ``n`` each
    while other sources still have sentences left (then the rest is filled anyway)."""
    n = min(n, sum(sizes.values()))
    limit = {s: min(c, max(1, int(cap * n))) for s, c in sizes.items()}
    take = dict.fromkeys(sizes, 0)
    for bound in (limit, sizes):
        while (left := n - sum(take.values())) > 0:
            open_ = {s: bound[s] - take[s] for s in sizes if take[s] < bound[s]}
            if not open_:
                break
            total = sum(sizes[s] for s in open_)
            for s in sorted(open_):
                take[s] += min(open_[s], max(1, left * sizes[s] // total))
                if sum(take.values()) == n:
                    break
    return take


def sample(
    pools: dict[str, list[tuple[str, dt.date]]], n: int, cap: float, seed: int
) -> dict[str, list[tuple[str, dt.date]]]:
    rng = random.Random(seed)
    take = quotas({s: len(v) for s, v in pools.items()}, n, cap)
    return {s: [pools[s][i] for i in sorted(rng.sample(range(len(pools[s])), take[s]))] for s in sorted(pools)}


# --- running ------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "nproc": os.cpu_count(), "python": platform.python_version()}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def describe(f: Finding) -> str:
    return f"{f.original}->{'/'.join(f.suggestions) or '?'} {f.severity} {f.rule or f.source} {f.confidence:.2f}"


def pct(a: int, b: int) -> str:
    return f"{a / b:.2%}" if b else "-"


def print_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    for r in (list(header), *rows):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def run_speed(data_dir: Path) -> float | None:
    """The default / baseline ratio of ``throughput.py`` (a separate process, its own memory)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speed.json"
        cmd = [sys.executable, str(Path(__file__).with_name("throughput.py")), "--skip", "dictionary"]
        subprocess.run([*cmd, "--data", str(data_dir), "--json", str(out)], check=True)
        return json.loads(out.read_text(encoding="utf-8")).get("ratio_default_over_baseline")


def main(argv: list[str] | None = None) -> None:
    from proofread.training.corpus import default_data_dir

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--per-register", type=int, default=3000, help="clean sentences per register")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--source-cap", type=float, default=0.5, help="largest share of a register one source may take")
    p.add_argument("--components", help="comma-separated components (default: the default pipeline)")
    p.add_argument("--model", type=Path, help="spelling model folder (default: the shipped models/charlm)")
    p.add_argument("--show", type=int, default=0, help="print K false findings and K missed typos per register")
    p.add_argument("--speed", action="store_true", help="also run throughput.py (slow) for the speed ratio")
    p.add_argument("--json", type=Path, help="write every figure here")
    p.add_argument("--batch", type=int, default=256, help="texts per pipe call")
    p.add_argument("--data", type=Path, default=default_data_dir())
    args = p.parse_args(argv)
    if not (args.data / "text").is_dir():
        p.exit(2, f"{p.prog}: {args.data}: not a shared/data directory (no text/)\n")
    t_start = time.perf_counter()
    info = machine()
    print("machine:", json.dumps(info, ensure_ascii=False))
    print(f"settings: per_register={args.per_register} seed={args.seed} source_cap={args.source_cap}", flush=True)
    result: dict = {"machine": info, "settings": {k: str(v) for k, v in vars(args).items()}}

    pools = held_out_pools(args.data)
    samples = {r: sample(pools[r], args.per_register, args.source_cap, args.seed) for r in REGISTERS if r in pools}
    print("\nclean sentences drawn (of the held-out sentences) per source:")
    print_table(
        ("register / source", "drawn", "held out"),
        [(f"{r} / {s}", len(v), len(pools[r][s])) for r, by in samples.items() for s, v in by.items()],
    )
    result["sources"] = {r: {s: [len(v), len(pools[r][s])] for s, v in by.items()} for r, by in samples.items()}
    del pools
    rss_data = peak_rss_mb()

    from proofread import Proofreader

    config = {"spelling_model": {"model": str(args.model)}} if args.model else None
    pr = Proofreader(components=args.components.split(",") if args.components else None, config=config)
    confusables = load_confusables(args.data / "confusion")

    def check(docs: list[tuple[str, dt.date | None]]) -> list[list[Finding]]:
        return list(pr.pipe(((t, d) if d else t for t, d in docs), batch_size=64))

    # Outdated names depend on when a text was written; a source's date is only its latest possible
    # one (a 2019 crawl holds older policies), so those findings are also counted apart.
    dated_rules = {r.id for d in pr.resources.dictionaries for r in d.entries if r.since}
    clean_rows, plant_rows, clean_entries, plant_entries = [], [], [], []
    rule_counts: Counter = Counter()
    t0, chars = time.perf_counter(), 0
    for register, by in samples.items():
        docs = [d for v in by.values() for d in v]
        found = check(docs)
        chars += sum(len(t) for t, _ in docs)
        n = len(docs)
        anyf = sum(bool(f) for f in found)
        errs = sum(any(x.severity == Severity.ERROR for x in f) for f in found)
        undated = sum(any(x.rule not in dated_rules for x in f) for f in found)
        by_model = sum(any(x.rule.startswith(("model.", "hf_model")) for x in f) for f in found)
        clean_rows.append(
            {"register": register, "sentences": n, "any": anyf, "error": errs, "undated": undated, "model": by_model}
        )
        for fs in found:
            for f in fs:
                rule_counts[(register, f.source, f.rule, str(f.severity))] += 1
                clean_entries.append((f.confidence, str(f.severity), False, False))
        shown = [(t, fs) for (t, _), fs in zip(docs, found) if fs][: args.show]
        if shown:
            print(f"\n{register}: findings on clean sentences (first {args.show}):")
        for t, fs in shown:
            print("  " + "; ".join(describe(f) for f in fs) + f": {t}")

        pairs = [(pl, d) for pl, (_, d) in zip(plant_all([t for t, _ in docs], confusables, args.seed), docs) if pl]
        found = check([(pl.text, d) for pl, d in pairs])
        chars += sum(len(pl.text) for pl, _ in pairs)
        for kind in ("sound", "shape", "all"):
            sel = [(pl, fs) for (pl, _), fs in zip(pairs, found) if kind in ("all", pl.kind)]
            counts = score_plants([pl for pl, _ in sel], [fs for _, fs in sel])
            plant_rows.append({"register": register, "kind": kind, **counts})
        for (pl, _), fs in zip(pairs, found):
            for f in fs:
                plant_entries.append((f.confidence, str(f.severity), corrects(f, pl), overlaps(f, pl.position)))
        if args.show:  # the miss rate's texture: which kinds and characters
            missed = [pl for (pl, _), fs in zip(pairs, found) if not any(corrects(f, pl) for f in fs)][: args.show]
            print(f"\n{register}: typos not corrected (first {args.show}):")
            for pl in missed:
                print(f"  {pl.original}->{pl.typo}@{pl.position} ({pl.kind}): {pl.text}")
    seconds = time.perf_counter() - t0

    print("\nclean held-out sentences (each checked as of when it was written):")
    print_table(
        ("register", "sentences", "any finding", "error", "errors / 5,000", "less outdated names", "by the model"),
        [
            (
                r["register"],
                r["sentences"],
                pct(r["any"], r["sentences"]),
                pct(r["error"], r["sentences"]),
                f"{5000 * r['error'] / max(r['sentences'], 1):.1f}",
                pct(r["undated"], r["sentences"]),
                pct(r["model"], r["sentences"]),
            )
            for r in clean_rows
        ],
    )
    print("  top rules of findings on clean sentences (register, source, rule, severity: count):")
    for (register, source, rule, sev), c in rule_counts.most_common(12):
        print(f"    {register}, {source}, {rule or '-'}, {sev}: {c}")

    print("\nplanted SIGHAN 2013 sound/shape typos (one per sentence, same sentences):")
    print_table(
        ("register", "kind", "typos", "detected", "corrected", "finding elsewhere"),
        [
            (
                r["register"],
                r["kind"],
                r["planted"],
                pct(r["detected"], r["planted"]),
                pct(r["corrected"], r["planted"]),
                pct(r["collateral"], r["planted"]),
            )
            for r in plant_rows
        ],
    )
    total = Counter()
    for r in plant_rows:
        if r["kind"] == "all":
            total.update({k: r[k] for k in ("planted", "detected", "corrected", "collateral")})
    n = total["planted"]
    print(f"  all registers: {n} typos, detected {pct(total['detected'], n)}, corrected {pct(total['corrected'], n)}")
    print(f"  {chars:,} chars checked in {seconds:.0f} s ({chars / seconds:,.0f} chars/s)")

    from accuracy import read_tsv, score

    pair_rows, pair_entries = [], []
    for name, label in PAIRS:
        path = args.data / "csc" / name
        if not path.exists():
            continue
        rows = read_tsv(path)
        found = check([(s, None) for s, _ in rows])
        predictions = [apply_findings(s, fs) for (s, _), fs in zip(rows, found)]
        measured = score(rows, predictions)
        pair_rows.append({"file": name, "label": label, "rows": len(rows), **{k: v[2] for k, v in measured.items()}})
        for (s, t), fs in zip(rows, found):
            for f in fs:
                if "train" not in name:  # the reliability of seen pairs says little
                    pair_entries.append((f.confidence, str(f.severity), *pair_correct(f, s, t)))
    print("\nreal pairs (sentence-level F1, pycorrector and strict conventions, as accuracy.py):")
    print_table(
        ("set", "rows", "det F1 pyc", "cor F1 pyc", "cor F1 strict"),
        [
            (r["label"], r["rows"], f"{r['det_pyc']:.3f}", f"{r['cor_pyc']:.3f}", f"{r['cor_strict']:.3f}")
            for r in pair_rows
        ],
    )

    tables = {
        "planted typos and clean sentences": reliability(plant_entries + clean_entries),
        "real pairs (test sets only)": reliability(pair_entries),
    }
    for title, table in tables.items():
        print(f"\nreliability, {title}: precision = corrects the error; detect = overlaps it")
        for key in ("bin", "severity"):
            print_table(
                (f"{'confidence' if key == 'bin' else 'severity'}", "findings", "precision", "detect"),
                [
                    (r["label"], r["findings"], f"{r['precision']:.3f}", f"{r['detect_precision']:.3f}")
                    for r in table[key]
                ],
            )

    ratio = run_speed(args.data) if args.speed else None
    rss = peak_rss_mb()
    by_reg = {r["register"]: r for r in clean_rows}
    n_clean = sum(r["sentences"] for r in clean_rows)
    n_err = sum(r["error"] for r in clean_rows)
    f1 = {r["file"]: r["cor_pyc"] for r in pair_rows}
    targets = []
    for register, limit in (("official", 0.003), ("news", 0.003), ("new-media", 0.005)):
        if register in by_reg:
            v = by_reg[register]["any"] / max(by_reg[register]["sentences"], 1)
            targets.append((f"clean {register} sentences with any finding", f"<= {limit:.1%}", f"{v:.2%}", v <= limit))
    targets.append(
        ("errors per 5,000 clean sentences", "<= 1", f"{5000 * n_err / max(n_clean, 1):.2f}", 5000 * n_err <= n_clean)
    )
    for key, limit in (("detected", 0.85), ("corrected", 0.70)):
        v = total[key] / max(total["planted"], 1)
        targets.append((f"independent planted typos {key}", f">= {limit:.0%}", f"{v:.1%}", v >= limit))
    for name, label, limit in (("ecspell_law_test.tsv", "ECSpell law", 0.82), ("sighan15_test.tsv", "SIGHAN15", 0.50)):
        if name in f1:
            targets.append((f"{label} correction F1 (pyc)", f">= {limit:.2f}", f"{f1[name]:.3f}", f1[name] >= limit))
    targets.append(
        (
            "throughput vs macbert4csc baseline",
            ">= 30x",
            f"{ratio}x" if ratio else "not run (--speed)",
            ratio is not None and ratio >= 30,
        )
    )
    targets.append(
        ("peak memory (this process)", "<= 1.5 GB", f"{rss:,.0f} MB (data loading {rss_data:,.0f} MB)", rss <= 1536)
    )
    print("\ntargets (issue 18):")
    print_table(("target", "goal", "measured", "met"), [(t, g, m, "yes" if ok else "no") for t, g, m, ok in targets])
    wall = time.perf_counter() - t_start
    print(f"\nwall time {wall:.0f} s on {info['cpu']} ({info['nproc']} cores)")

    if args.json:
        result.update(
            clean=clean_rows,
            clean_rules=[
                {"register": k[0], "source": k[1], "rule": k[2], "severity": k[3], "count": c}
                for k, c in rule_counts.most_common()
            ],
            planted=plant_rows,
            pairs=pair_rows,
            reliability=tables,
            speed_ratio=ratio,
            peak_rss_mb=round(rss),
            targets=[{"target": t, "goal": g, "measured": m, "met": ok} for t, g, m, ok in targets],
            wall_s=round(wall),
        )
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
