"""Does a change leave the output alone? JSONL of this checkout against a base revision's.

    python benchmarks/same_output.py --base REV [--sentences 10000] [--data DIR] [--keep DIR]

Writes the first ``--sentences`` held-back official sentences of the shared data (hash bucket
never counted by the model) to one file, extracts revision ``REV`` into a temporary folder with
``git archive``, and runs ``proofread check --format jsonl`` of both trees on that file (one
document per line) and on every file in ``examples/``, all at one fixed date. Each tree runs as
``python -m proofread.cli`` with the tree as working directory, so it imports its own package
(checked). Prints the documents and findings compared and exits 1 at the first difference.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from proofread.training.corpus import default_data_dir, held_back_sentences

ROOT = Path(__file__).resolve().parents[1]
DATE = "2026-01-01"


def write_sentences(data_dir: Path, n: int, path: Path) -> int:
    rows = [text for text, _ in islice(held_back_sentences(data_dir), n)]
    path.write_text("".join(r.replace("\n", " ") + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def extract(rev: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def check(tree: Path, args: list[str]) -> str:
    """``proofread check`` of ``tree`` on ``args``; its stdout."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "proofread.cli",
            "check",
            "--format",
            "jsonl",
            "--date",
            DATE,
            "--fail-on",
            "never",
            *args,
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"{tree}: proofread check exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout


def imported_from(tree: Path) -> Path:
    code = "import proofread, pathlib; print(pathlib.Path(proofread.__file__).resolve().parent.parent)"
    return Path(
        subprocess.run(
            [sys.executable, "-c", code], cwd=tree, check=True, capture_output=True, text=True
        ).stdout.strip()
    )


def compare(name: str, base: str, head: str) -> int:
    """Number of findings compared; exits at the first differing line."""
    a, b = base.splitlines(), head.splitlines()
    for i, (x, y) in enumerate(zip(a, b), start=1):
        if x != y:
            sys.exit(f"{name}: line {i} differs\n  base: {x[:400]}\n  head: {y[:400]}")
    if len(a) != len(b):
        sys.exit(f"{name}: {len(a)} documents at the base, {len(b)} now")
    return sum(line.count('"rule": ') for line in b)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare against")
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=None, help="shared data folder (default: ../shared/data)")
    parser.add_argument("--keep", type=Path, help="also write both outputs into this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sentences = work / "sentences.txt"
        n = write_sentences(args.data or default_data_dir(), args.sentences, sentences)
        base = extract(args.base, work / "base")
        for tree in (base, ROOT):
            if imported_from(tree) != tree.resolve():
                sys.exit(f"{tree}: python imports proofread from {imported_from(tree)}, not from this tree")
        inputs = [("held-back sentences", ["--lines", str(sentences)])]
        inputs += [(p.name, [str(p)]) for p in sorted((ROOT / "examples").iterdir()) if p.is_file()]
        for name, files in inputs:
            started = time.monotonic()
            old, new = check(base, files), check(ROOT, files)
            findings = compare(name, old, new)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{name}.base.jsonl").write_text(old, encoding="utf-8")
                (args.keep / f"{name}.head.jsonl").write_text(new, encoding="utf-8")
            docs = len(new.splitlines())
            print(f"{name}: identical ({docs:,} documents, {findings:,} findings; {time.monotonic() - started:.0f} s)")
    print(f"same output as {args.base} on {n:,} held-back sentences and {len(inputs) - 1} example file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
