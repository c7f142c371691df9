"""Train a small character BERT corrector; saved in ``transformers`` format for :mod:`proofread.spelling.hf`.

    python -m proofread.training.neural.train --out DIR --steps N [--device cpu|cuda] [--resume]

The loss is candidate-restricted: at each position only ``{input} ∪ confusable(input)``
is scored (the same sets :class:`~proofread.spelling.hf.CandidateTable` gives at
inference), so the output layer never computes the whole vocabulary. Every
batch, dropout mask and sampled position is a function of ``(seed, step)``:
``--resume`` continues from ``DIR/checkpoint`` as if the run had never stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from ...similarity import default_similarity
from ...spelling.hf import SCORING_SIMILAR, CandidateTable, candidate_logits, quiet_loading
from ..corpus import default_data_dir
from .data import (
    DEFAULT_TEXT_FILES,
    Corruptor,
    char_vocab,
    load_clean_pool,
    load_pairs,
    make_batch,
    train_pair_files,
)

CHECKPOINT = "checkpoint"
STATE = "state.pt"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m proofread.training.neural.train", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, required=True, help="model directory (created)")
    p.add_argument("--steps", type=int, required=True, help="train until this many steps in total")
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--data", type=Path, default=default_data_dir(), help="shared/data folder")
    p.add_argument("--text", type=Path, action="append", help="clean text file(s); default: official registers")
    p.add_argument("--pairs", type=Path, action="append", help="pair file(s); default: data/csc/*_train.tsv")
    p.add_argument("--per-file", type=int, default=40000, help="clean lines read from each text file")
    p.add_argument("--real-fraction", type=float, default=0.2, help="share of real pairs in a batch")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--copy-rate", type=float, default=0.25, help="share of unchanged positions scored")
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--max-len", type=int, default=128, help="positions, [CLS] and [SEP] included")
    p.add_argument("--save-every", type=int, default=500)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    return p.parse_args(argv)


def build_model(vocab_size: int, args: argparse.Namespace):
    from transformers import BertConfig, BertForMaskedLM

    ours: dict[str, Any] = {"proofread_scoring": SCORING_SIMILAR}  # read by HFCorrector: score candidates only
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        intermediate_size=4 * args.hidden,
        max_position_embeddings=args.max_len,
        **ours,
    )
    return BertForMaskedLM(config)


def save_model(model, vocab: Sequence[str], out: Path) -> None:
    from transformers import BertTokenizer

    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    with quiet_loading():
        BertTokenizer.from_pretrained(out, do_lower_case=False).save_pretrained(out)
        model.save_pretrained(out)


def encode_batch(
    batch: Sequence[tuple[str, str]],
    token_ids: dict[str, int],
    candidates: CandidateTable,
    rng: random.Random,
    copy_rate: float,
):
    """Input ids, attention mask, and the scored positions with their candidates and answer."""
    unk, cls, sep = token_ids["[UNK]"], token_ids["[CLS]"], token_ids["[SEP]"]
    width = max(len(src) for src, _ in batch) + 2
    input_ids = torch.zeros((len(batch), width), dtype=torch.long)  # [PAD] is 0
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    rows, cols, cands, answers = [], [], [], []
    for r, (src, tgt) in enumerate(batch):
        input_ids[r, : len(src) + 2] = torch.tensor([cls, *(token_ids.get(c, unk) for c in src), sep])
        mask[r, : len(src) + 2] = 1
        for p, (a, b) in enumerate(zip(src, tgt)):
            ids = candidates.ids(a)
            if not ids or (a == b and rng.random() >= copy_rate):
                continue
            answer = token_ids.get(b)
            if answer is None:
                continue
            if answer not in ids:  # a real pair outside our confusion sets: still learn it
                ids = ids + [answer]
            rows.append(r)
            cols.append(p + 1)
            cands.append(ids)
            answers.append(ids.index(answer))
    k = max(map(len, cands), default=1)
    index = torch.zeros((len(cands), k), dtype=torch.long)
    valid = torch.zeros((len(cands), k), dtype=torch.bool)
    for i, ids in enumerate(cands):
        index[i, : len(ids)] = torch.tensor(ids)
        valid[i, : len(ids)] = True
    return input_ids, mask, torch.tensor(rows), torch.tensor(cols), index, valid, torch.tensor(answers)


def learning_rate(step: int, args: argparse.Namespace) -> float:
    """Linear warm-up, then constant: the same at a step whatever ``--steps`` says (resumable)."""
    return args.lr * min(1.0, (step + 1) / max(1, args.warmup))


def train(args: argparse.Namespace) -> dict:
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    data_dir = args.data
    text_files = args.text or [data_dir / "text" / name for name in DEFAULT_TEXT_FILES]
    pair_files = args.pairs if args.pairs is not None else train_pair_files(data_dir)
    vocab = char_vocab(data_dir)
    token_ids = {t: i for i, t in enumerate(vocab)}
    similarity = default_similarity()
    candidates = CandidateTable(token_ids, similarity)
    pool = load_clean_pool(text_files, args.per_file, data_dir, max_len=args.max_len - 2)
    pairs = load_pairs(pair_files, max_len=args.max_len - 2)
    corruptor = Corruptor(similarity, frozenset(t for t in vocab if len(t) == 1))
    print(f"data: {len(pool)} clean lines from {len(text_files)} files, {len(pairs)} real pairs", flush=True)

    checkpoint = args.out / CHECKPOINT
    step = 0
    model: Any
    if args.resume and (checkpoint / STATE).exists():
        from transformers import BertForMaskedLM

        state = torch.load(checkpoint / STATE, map_location="cpu", weights_only=False)
        with quiet_loading():
            model = BertForMaskedLM.from_pretrained(checkpoint, local_files_only=True)
        step = state["step"]
        print(f"resumed at step {step}", flush=True)
    else:
        torch.manual_seed(args.seed)
        model = build_model(len(vocab), args)
        state = None
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])

    started, chars, losses = time.time(), 0, []
    while step < args.steps:
        batch = make_batch(step, args.seed, pool, pairs, corruptor, args.batch_size, args.real_fraction)
        rng = random.Random(f"{args.seed}:{step}:positions")
        input_ids, mask, rows, cols, index, valid, answers = encode_batch(
            batch, token_ids, candidates, rng, args.copy_rate
        )
        torch.manual_seed(args.seed * 1_000_003 + step)  # dropout masks, reproducible on resume
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, args)
        hidden = model.bert(input_ids=input_ids.to(device), attention_mask=mask.to(device)).last_hidden_state
        logits = candidate_logits(model, hidden[rows.to(device), cols.to(device)], index.to(device))
        logits = logits.masked_fill(~valid.to(device), float("-inf"))
        loss = torch.nn.functional.cross_entropy(logits, answers.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        chars += sum(len(src) for src, _ in batch)
        losses.append(loss.item())
        if step % args.log_every == 0 or step == args.steps:
            rate = chars / max(1e-9, time.time() - started)
            print(
                f"step {step} loss {sum(losses) / len(losses):.4f} lr {learning_rate(step - 1, args):.2e} "
                f"{rate:.0f} chars/s",
                flush=True,
            )
            losses = []
        if step % args.save_every == 0 or step == args.steps:
            save_checkpoint(model, optimizer, vocab, step, args)
    save_model(model, vocab, args.out)
    summary = {"step": step, "vocab": len(vocab), "parameters": sum(p.numel() for p in model.parameters())}
    (args.out / "training.json").write_text(
        json.dumps({**summary, "args": _jsonable(args)}, indent=2), encoding="utf-8"
    )
    return summary


def save_checkpoint(model, optimizer, vocab: Sequence[str], step: int, args: argparse.Namespace) -> None:
    """Model weights and optimizer state; the state file is written last, atomically."""
    checkpoint = args.out / CHECKPOINT
    save_model(model, vocab, checkpoint)
    tmp = checkpoint / (STATE + ".tmp")
    torch.save({"step": step, "optimizer": optimizer.state_dict(), "seed": args.seed}, tmp)
    os.replace(tmp, checkpoint / STATE)


def _jsonable(args: argparse.Namespace) -> dict:
    return {
        k: (str(v) if isinstance(v, Path) else [str(x) for x in v] if isinstance(v, list) else v)
        for k, v in vars(args).items()
    }


def main(argv: Sequence[str] | None = None) -> None:
    summary = train(parse_args(argv))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
