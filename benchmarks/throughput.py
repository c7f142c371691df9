"""Throughput of the whole ``Proofreader.pipe`` path, in characters per second.

    python benchmarks/throughput.py [--chars 5000000] [--model-chars 300000] [--baseline-chars 3000]

Runs, on one machine and in one process:

1. the dictionary path (every default component that is not a learned model);
2. the full default path (with the default ``spelling_model``, when installed);
3. a baseline of macbert4csc-base's architecture: ``BertForMaskedLM`` with the
   bert-base configuration (12 layers, hidden 768, vocabulary 21,128) and random
   weights (identical compute), saved to a temporary folder and run through the
   same batched ``hf_model`` checker, after the dictionary components;
4. optionally (``--neural DIR``) a model trained by ``proofread.training.neural.train``;

and prints chars/s for each and the ratio default / baseline. The corpus is
official-style text: the held-back 1% of the government and state-media lines of
``shared/data/text`` (never used for training), grouped into documents of about
eight sentences and repeated as needed to reach the requested size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import torch

from proofread import Proofreader
from proofread.checkers import REGISTRY, default_components
from proofread.training.corpus import default_data_dir
from proofread.training.neural.data import char_vocab, iter_clean_lines

CORPUS_FILES = (
    "gwr_1954_2018_ljtyduyu.txt.gz",
    "gwr_2008_2022_liuzeyi.txt.gz",
    "govcn_policy_2019.txt.gz",
    "cpc19_report.txt.gz",
    "cpc20_report.txt.gz",
    "laws_lawrefbook.txt.gz",
    "xwlb_chinadata.txt.gz",
)
BERT_BASE_CHINESE_VOCAB = 21128


def held_back_sentences(data_dir: Path) -> list[str]:
    paths = [data_dir / "text" / name for name in CORPUS_FILES]
    missing = [p for p in paths if not p.exists()]
    if missing:
        sys.exit(f"corpus text not found: {missing[0]} (use --data to point at shared/data)")
    return list(iter_clean_lines(paths, min_len=4, max_len=300, holdout=True))


def documents(sentences: list[str], n_chars: int, seed: int = 0) -> list[str]:
    """Documents of about eight sentences, ``n_chars`` characters in all."""
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    while total < n_chars:
        order = sentences[:]
        rng.shuffle(order)
        for i in range(0, len(order), 8):
            doc = "".join(s if s[-1] in "。！？；" else s + "。" for s in order[i : i + 8])
            docs.append(doc)
            total += len(doc)
            if total >= n_chars:
                break
    return docs


def measure(name: str, make, docs: list[str], batch_size: int) -> dict:
    """Build the proofreader (timed apart), then time ``pipe`` over ``docs``."""
    t0 = time.perf_counter()
    proofreader = make()
    load_s = time.perf_counter() - t0
    proofreader.check(docs[0][:50])  # lazy loads (jieba, tables) do not count as throughput
    chars = sum(map(len, docs))
    t0 = time.perf_counter()
    findings = sum(len(f) for f in proofreader.pipe(docs, batch_size=batch_size))
    seconds = time.perf_counter() - t0
    row = {
        "path": name,
        "chars": chars,
        "seconds": round(seconds, 2),
        "chars_per_s": round(chars / seconds, 1),
        "findings": findings,
        "load_s": round(load_s, 2),
    }
    print(
        f"{name:<28} {chars:>10,} chars {seconds:>9.2f} s {chars / seconds:>12,.0f} chars/s "
        f"{findings:>7} findings (load {load_s:.1f} s)",
        flush=True,
    )
    return row


def save_baseline(directory: Path, data_dir: Path) -> None:
    """bert-base (macbert4csc-base's shape) with random weights and a 21,128-token character vocabulary."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    vocab = char_vocab(data_dir)
    seen = set(vocab)
    code = 0x4E00
    while len(vocab) < BERT_BASE_CHINESE_VOCAB:
        if chr(code) not in seen:
            vocab.append(chr(code))
        code += 1
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig(vocab_size=BERT_BASE_CHINESE_VOCAB)).save_pretrained(directory)
    BertTokenizer.from_pretrained(directory, do_lower_case=False).save_pretrained(directory)


def machine(threads: int) -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "torch_threads": threads,
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--chars", type=int, default=1_000_000, help="corpus size for the dictionary path")
    p.add_argument("--model-chars", type=int, default=200_000, help="corpus size for the default path")
    p.add_argument("--baseline-chars", type=int, default=3_000, help="corpus size for the bert-base baseline")
    p.add_argument("--batch-size", type=int, default=64, help="documents per pipe batch")
    p.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads")
    p.add_argument("--neural", type=Path, help="also time this hf_model directory (e.g. a trained small model)")
    p.add_argument("--data", type=Path, default=default_data_dir())
    p.add_argument("--skip", action="append", default=[], choices=["dictionary", "default", "baseline"])
    p.add_argument("--json", type=Path, help="write the results here")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)

    info = machine(args.threads)
    print("machine:", json.dumps(info, ensure_ascii=False))
    print(
        f"settings: batch_size={args.batch_size} chars={args.chars} model_chars={args.model_chars} "
        f"baseline_chars={args.baseline_chars}",
        flush=True,
    )
    sentences = held_back_sentences(args.data)
    curated = [n for n in default_components() if not REGISTRY[n].learned]
    print(f"corpus: {len(sentences)} held-back sentences; dictionary path = {curated}", flush=True)
    rows: list[dict] = []
    if "dictionary" not in args.skip:
        rows.append(
            measure(
                "dictionary path",
                lambda: Proofreader(components=curated),
                documents(sentences, args.chars),
                args.batch_size,
            )
        )
    default_row = None
    if "default" not in args.skip:
        if "spelling_model" in REGISTRY and "spelling_model" in default_components():
            try:
                default_row = measure(
                    "default path", Proofreader, documents(sentences, args.model_chars), args.batch_size
                )
                rows.append(default_row)
            except Exception as e:  # e.g. the model is not built in this checkout: time the rest
                print(f"default path: FAILED ({type(e).__name__}: {e})")
        else:
            print("default path: skipped (no spelling_model checker in the default pipeline yet)")
    if args.neural:
        rows.append(
            measure(
                f"neural {args.neural.name}",
                lambda: Proofreader(components=curated + ["hf_model"], options={"hf_model": str(args.neural)}),
                documents(sentences, args.model_chars),
                args.batch_size,
            )
        )
    baseline_row = None
    if "baseline" not in args.skip:
        with tempfile.TemporaryDirectory(prefix="bert-base-random-") as tmp:
            save_baseline(Path(tmp), args.data)
            baseline_row = measure(
                "baseline bert-base (random)",
                lambda: Proofreader(components=curated + ["hf_model"], options={"hf_model": tmp, "hf_scoring": "all"}),
                documents(sentences, args.baseline_chars),
                args.batch_size,
            )
            rows.append(baseline_row)
    result = {"machine": info, "rows": rows}
    if default_row and baseline_row:
        ratio = default_row["chars_per_s"] / baseline_row["chars_per_s"]
        result["ratio_default_over_baseline"] = round(ratio, 1)
        print(f"ratio default / baseline: {ratio:.1f}x (target >= 20x)")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
