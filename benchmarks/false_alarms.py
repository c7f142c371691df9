"""False alarms of the dictionary checkers on clean text, in findings per 10,000 characters.

    python benchmarks/false_alarms.py [--data DIR] [--limit-chars N] [--date YYYY-MM-DD]
                                      [--components a,b,...] [--top 15] [--samples 3] [--json OUT]

Runs the default ``Proofreader`` without the learned models (every default component
that is not ``learned``; ``--components`` names others) over every line of every
``text/*.txt.gz`` file in the shared data (``../shared/data`` beside the checkout, or
``--data``). Those texts are published, edited text, so every finding is either a false
alarm or a real error in the corpus: the top rules are printed with sample sentences to
judge which. Prints the rate overall, per file and per category, the rate without the
date-dependent rules, and the throughput of the run. ``--limit-chars`` stops each file
after that many characters.

Dates: the lines carry no dates, and an agency name that was right when a 2013 text was
written is outdated in a document dated today. Each file is therefore checked as of the
latest date its texts can have been written (``WRITTEN_BY`` in ``proofread.training.corpus``,
from ``text/sources/*.txt``); the 新闻联播 transcripts (2012-07 to 2026-06) are in date order, so
each line is dated by its position in the file (``CHRONOLOGICAL``; a few months off at worst);
other files whose texts reach the present (laws, …) are checked at today's date, so their older
lines still count.
``--date`` checks every line at one date instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from proofread import Proofreader
from proofread.checkers import REGISTRY, default_components
from proofread.training.corpus import default_data_dir, line_date, read_lines, text_files


def line_dates(name: str, n: int, fixed: dt.date | None) -> list[dt.date]:
    """The date each of a file's ``n`` lines is checked at."""
    return [fixed] * n if fixed is not None else [line_date(name, i, n) for i in range(n)]


def dictionary_components() -> list[str]:
    return [n for n in default_components() if not REGISTRY[n].learned]


def per_10k(findings: int, chars: int) -> float:
    return findings * 10_000 / chars if chars else 0.0


def limited(lines, limit: int | None):
    """The lines of one file, stopping once ``limit`` characters have been yielded."""
    total = 0
    for line in lines:
        if limit is not None and total >= limit:
            return
        total += len(line)
        yield line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=default_data_dir(), help="the shared data folder (holds text/)")
    ap.add_argument("--limit-chars", type=int, default=None, help="characters to read from each file")
    ap.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=None,
        help="check every file at this date (default: each file's WRITTEN_BY date, else today)",
    )
    ap.add_argument("--components", default=None, help="comma-separated components (default: dictionary components)")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--top", type=int, default=15, help="rules to list")
    ap.add_argument("--samples", type=int, default=3, help="sample sentences per listed rule")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers as JSON")
    args = ap.parse_args(argv)

    files = text_files(args.data)
    if not files:
        print(f"no text/*.txt.gz under {args.data}", file=sys.stderr)
        return 2
    components = args.components.split(",") if args.components else dictionary_components()
    t0 = time.perf_counter()
    pr = Proofreader(components=components)
    pr.check("预热。")  # load jieba before timing
    load_s = time.perf_counter() - t0

    since_rules = {r.id for d in pr.resources.dictionaries if d.kind == "rules" for r in d.entries if r.since}
    per_file: dict[str, tuple[int, int]] = {}
    by_rule: Counter = Counter()
    by_category: Counter = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    chars = found = dated = 0
    check_s = 0.0
    for path in files:
        name = path.name.removesuffix(".txt.gz")
        lines = list(limited(read_lines(path), args.limit_chars))
        n_chars = sum(map(len, lines))
        dates = line_dates(name, len(lines), args.date)
        t = time.perf_counter()
        results = list(pr.pipe(zip(lines, dates), batch_size=args.batch_size))
        check_s += time.perf_counter() - t
        n_found = 0
        for line, findings in zip(lines, results):
            for f in findings:
                n_found += 1
                by_rule[f.rule] += 1
                by_category[f.category] += 1
                dated += f.rule in since_rules
                if len(samples[f.rule]) < args.samples:
                    samples[f.rule].append(
                        f"[{name}] {line[max(0, f.start - 25) : f.end + 25]}  →  "
                        f"{f.original}→{'|'.join(f.suggestions) or '—'}"
                    )
        per_file[name] = (n_chars, n_found)
        chars += n_chars
        found += n_found
        when = f"{dates[0]}…{dates[-1]}" if dates and dates[0] != dates[-1] else str(dates[0] if dates else "")
        print(
            f"{name:32s} {when:22s} {n_chars:>11,} chars {n_found:>6} findings {per_10k(n_found, n_chars):7.3f} /10k",
            flush=True,
        )

    print()
    print(
        f"machine: {platform.node()} ({platform.machine()}, Python {platform.python_version()}); "
        f"date: {args.date or 'per file (WRITTEN_BY), else today'}"
    )
    print(f"components: {', '.join(components)}")
    print(f"total: {chars:,} chars, {found} findings, {per_10k(found, chars):.3f} per 10k chars")
    print(
        f"without date-dependent rules (since): {found - dated} findings, "
        f"{per_10k(found - dated, chars):.3f} per 10k chars"
    )
    print(f"throughput: {chars / check_s:,.0f} chars/s ({check_s:.1f} s checking, {load_s:.1f} s loading)")
    print("by category: " + ", ".join(f"{c} {n} ({per_10k(n, chars):.3f})" for c, n in by_category.most_common()))
    print(f"\ntop {args.top} rules:")
    for rule, n in by_rule.most_common(args.top):
        print(f"{n:6d}  {rule}")
        for s in samples[rule]:
            print(f"          {s}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": str(args.date or "per file"),
                    "components": components,
                    "chars": chars,
                    "findings": found,
                    "per_10k": per_10k(found, chars),
                    "per_10k_without_since": per_10k(found - dated, chars),
                    "chars_per_s": chars / check_s,
                    "per_file": per_file,
                    "by_category": dict(by_category),
                    "by_rule": dict(by_rule),
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
