"""Batched inference with any local Hugging Face ``BertForMaskedLM``-style CSC model.

The model format is macbert4csc's: one token per input character, the output at
each position is the corrected character. Texts are tokenised character by
character (so positions map back to characters exactly), windowed when longer
than ``max_length``, sorted by length and batched. Only Chinese characters that
are in the model's vocabulary may change, and only into a Chinese character.

Two scoring modes:

* ``"all"``: argmax over the whole vocabulary (macbert4csc semantics);
* ``"similar"``: argmax over ``{input} ∪ confusable(input)`` from
  :mod:`proofread.similarity` (what models trained by
  :mod:`proofread.training.neural.train` learn; they record it in their config as
  ``proofread_scoring``).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..similarity import CharSimilarity, default_similarity
from ..text.chars import is_han
from .correction import Correction, Editable, keep_editable

SCORING_ALL, SCORING_SIMILAR = "all", "similar"


class CandidateTable:
    """``ids(ch)``: ``[id of ch] + ids of its confusable characters`` within a vocabulary.

    Empty for a character the model may not change (not Chinese or not in the vocabulary).
    Shared by inference and training, so both score the same sets.
    """

    def __init__(self, vocab: dict[str, int], similarity: CharSimilarity) -> None:
        self._vocab = {t: i for t, i in vocab.items() if is_han(t)}
        self._similarity = similarity
        self._cache: dict[str, list[int]] = {}

    def ids(self, ch: str) -> list[int]:
        got = self._cache.get(ch)
        if got is None:
            own = self._vocab.get(ch)
            if own is None:
                got = []
            else:
                others = {self._vocab[c] for c in self._similarity.similar(ch) if c in self._vocab}
                got = [own] + sorted(others - {own})
            self._cache[ch] = got
        return got


@dataclass(frozen=True)
class _Window:
    text: int  # index of the text
    start: int  # first character of the window in the text
    ids: list[int]
    own_from: int  # window positions [own_from, own_to) are reported from this window
    own_to: int


class HFCorrector:
    """Loads a model directory once; :meth:`correct` takes many texts at a time."""

    def __init__(
        self,
        path: str | Path,
        *,
        threshold: float = 0.5,
        batch_size: int = 32,
        max_length: int = 128,
        overlap: int = 16,
        device: str = "cpu",
        scoring: str | None = None,
        num_threads: int | None = None,
        similarity: CharSimilarity | None = None,
    ) -> None:
        from transformers import AutoTokenizer, BertForMaskedLM

        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(f"{path} is not a directory")
        if num_threads:
            torch.set_num_threads(num_threads)
        self.path = path
        self.threshold = threshold
        self.batch_size = batch_size
        self.device = torch.device(device)
        with quiet_loading():
            self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            loaded: Any = BertForMaskedLM.from_pretrained(path, local_files_only=True)
            self.model = loaded.to(self.device).eval()
        max_length = min(max_length, self.model.config.max_position_embeddings)
        self.window = max_length - 2  # [CLS] and [SEP]
        if self.window < 4:
            raise ValueError(f"windows of {max_length} tokens are too short")
        self.overlap = min(overlap, (self.window - 1) // 4)  # windows must advance
        self.scoring = scoring or getattr(self.model.config, "proofread_scoring", SCORING_ALL)
        if self.scoring not in (SCORING_ALL, SCORING_SIMILAR):
            raise ValueError(f"scoring must be {SCORING_ALL!r} or {SCORING_SIMILAR!r}, not {self.scoring!r}")
        self._similarity = similarity
        tok = self.tokenizer
        self.unk_id = tok.unk_token_id
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
        self.cls_id, self.sep_id = tok.cls_token_id, tok.sep_token_id
        self._ids: dict[str, int] = {}
        vocab = tok.get_vocab()
        # Output ids the model may propose: single Chinese characters only.
        self._id_to_char = {i: t for t, i in vocab.items() if is_han(t)}
        self._candidates: CandidateTable | None = None

    # -- tokenisation ------------------------------------------------------------
    def char_id(self, ch: str) -> int:
        """Vocabulary id of one character, ``[UNK]`` when absent (cached)."""
        got = self._ids.get(ch)
        if got is None:
            token = self.tokenizer.convert_tokens_to_ids(ch)
            got = token if isinstance(token, int) else self.unk_id
            self._ids[ch] = got
        return got

    def _changeable(self, ch: str, token: int) -> bool:
        return token != self.unk_id and token in self._id_to_char and is_han(ch)

    def _candidate_ids(self, ch: str) -> list[int]:
        if self._candidates is None:
            self._candidates = CandidateTable(self.tokenizer.get_vocab(), self._similarity or default_similarity())
        return self._candidates.ids(ch)

    def _windows(self, texts: Sequence[str]) -> list[_Window]:
        windows: list[_Window] = []
        size, step = self.window, self.window - 2 * self.overlap
        for t, text in enumerate(texts):
            ids = [self.char_id(ch) for ch in text]
            n = len(ids)
            start = 0
            while True:
                last = start + size >= n
                own_from = 0 if start == 0 else self.overlap
                own_to = n - start if last else size - self.overlap
                windows.append(_Window(t, start, ids[start : start + size], own_from, own_to))
                if last:
                    break
                start += step
        return windows

    # -- inference ---------------------------------------------------------------
    @torch.inference_mode()
    def correct(self, texts: Sequence[str], editable: Editable | None = None) -> list[list[Correction]]:
        """Proposed corrections for each text, at or above ``threshold``, by position; none
        where ``editable[i][j]`` is False (the model reads the whole text, then those are dropped)."""
        results: list[list[Correction]] = [[] for _ in texts]
        windows = [w for w in self._windows(texts) if w.ids]
        windows.sort(key=lambda w: len(w.ids))  # similar lengths share a batch: little padding
        for b in range(0, len(windows), self.batch_size):
            batch = windows[b : b + self.batch_size]
            width = max(len(w.ids) for w in batch) + 2
            input_ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, w in enumerate(batch):
                input_ids[r, : len(w.ids) + 2] = torch.tensor([self.cls_id, *w.ids, self.sep_id])
                mask[r, : len(w.ids) + 2] = 1
            input_ids, mask = input_ids.to(self.device), mask.to(self.device)
            if self.scoring == SCORING_ALL:
                logits = self.model(input_ids=input_ids, attention_mask=mask).logits.float()
                self._from_full(batch, texts, logits, results)
            else:
                hidden = self.model.bert(input_ids=input_ids, attention_mask=mask).last_hidden_state
                self._from_candidates(batch, texts, hidden, results)
        for found in results:
            found.sort(key=lambda c: c.position)
        if editable is not None:
            results = [keep_editable(found, mask) for found, mask in zip(results, editable)]
        return results

    def _from_full(self, batch, texts, logits: torch.Tensor, results) -> None:
        logits = logits[:, 1:]
        top, best = logits.max(-1)
        best_p = (top - logits.logsumexp(-1)).exp()  # softmax of the best only: no [B, L, V] copy
        best_ids, best_probs = best.cpu().tolist(), best_p.cpu().tolist()
        for r, w in enumerate(batch):
            text = texts[w.text]
            for p in range(w.own_from, w.own_to):
                token, proposed = w.ids[p], best_ids[r][p]
                if proposed == token or best_probs[r][p] < self.threshold:
                    continue
                ch = text[w.start + p]
                if self._changeable(ch, token) and proposed in self._id_to_char:
                    results[w.text].append(Correction(w.start + p, ch, self._id_to_char[proposed], best_probs[r][p]))

    def _from_candidates(self, batch, texts, hidden: torch.Tensor, results) -> None:
        # Gather only the candidates' logits: one row per changeable position.
        rows, cands = [], []
        for r, w in enumerate(batch):
            text = texts[w.text]
            for p in range(w.own_from, w.own_to):
                ch, token = text[w.start + p], w.ids[p]
                if self._changeable(ch, token):
                    ids = self._candidate_ids(ch)
                    if len(ids) > 1:
                        rows.append((r, p, w))
                        cands.append(ids)
        if not rows:
            return
        k = max(map(len, cands))
        index = torch.zeros((len(rows), k), dtype=torch.long)
        valid = torch.zeros((len(rows), k), dtype=torch.bool)
        for i, ids in enumerate(cands):
            index[i, : len(ids)] = torch.tensor(ids)
            valid[i, : len(ids)] = True
        r_idx = torch.tensor([r for r, _, _ in rows], device=self.device)
        p_idx = torch.tensor([p + 1 for _, p, _ in rows], device=self.device)  # +1: [CLS]
        picked = candidate_logits(self.model, hidden[r_idx, p_idx], index.to(self.device)).float().cpu()
        picked = picked.masked_fill(~valid, float("-inf"))
        best_p, best = picked.softmax(-1).max(-1)
        for (_r, p, w), ids, j, prob in zip(rows, cands, best.tolist(), best_p.tolist()):
            if j == 0 or prob < self.threshold:  # candidate 0 is the input itself
                continue
            ch = texts[w.text][w.start + p]
            results[w.text].append(Correction(w.start + p, ch, self._id_to_char[ids[j]], prob))


def candidate_logits(model, hidden: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Logits of only the candidate ids ``index`` [N, K] for hidden states [N, H].

    The same numbers ``BertForMaskedLM``'s head gives, computed against the union of
    the candidates (one matrix product) instead of the whole vocabulary.
    """
    head = model.cls.predictions
    h = head.transform(hidden)  # [N, H]
    union, where = torch.unique(index, return_inverse=True)
    bias = head.decoder.bias if head.decoder.bias is not None else head.bias
    logits = h @ head.decoder.weight[union].T + bias[union]  # [N, |union|]
    return logits.gather(1, where)


@contextmanager
def quiet_loading():
    """No progress bars on stderr while a model loads (the CLI's output must stay clean)."""
    from transformers.utils import logging as hf_logging

    was_disabled = (
        hf_logging.are_progress_bars_disabled() if hasattr(hf_logging, "are_progress_bars_disabled") else True
    )
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if not was_disabled:
            hf_logging.enable_progress_bar()
