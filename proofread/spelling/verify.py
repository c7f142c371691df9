"""The n-gram language model as a verifier of another model's proposals.

A proposal ``text[i] -> c`` is kept only where the character n-gram model scores
the ``±window`` context higher with ``c`` than with the original, by at least
``margin`` (natural-log units). Cheap: one batched lookup for all proposals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .ngram import BOUNDARY, SPECIAL, CharNgramLM


class NgramVerifier:
    def __init__(self, lm: CharNgramLM, *, margin: float = 0.0, window: int = 3) -> None:
        self.lm = lm
        self.margin = margin
        self.window = window

    @classmethod
    def from_path(cls, path: str | Path | None = None, **kwargs) -> NgramVerifier:
        """The LM in ``path``, or the shipped default model's when ``None``."""
        if path is None:
            from ..data_files import shipped_data_dir
            from .model import DEFAULT_NAME

            path = shipped_data_dir("models") / DEFAULT_NAME
        return cls(CharNgramLM(path), **kwargs)

    def gains(self, text: str, proposals: Sequence[tuple[int, str]]) -> list[float]:
        """LM log-score change for each ``(index, replacement)`` in ``text`` (each on its own)."""
        if not proposals:
            return []
        w = self.window
        ids = np.full(len(text) + 2 * w, BOUNDARY, dtype=np.int64)
        ids[w : w + len(text)] = self.lm.vocab.encode(text)
        index = np.array([i for i, _ in proposals], dtype=np.int64)
        windows = ids[index[:, None] + np.arange(2 * w + 1)[None, :]]
        changed = windows.copy()
        changed[:, w] = [self.lm.vocab.id(c) for _, c in proposals]
        # Score the centre and the characters after it up to the boundary that ends the text.
        valid = index[:, None] + np.arange(w + 1)[None, :] <= len(text)
        before = self.lm.position_scores(windows, w)
        after = self.lm.position_scores(changed, w)
        gain = ((after - before) * valid).sum(axis=1)
        gain[changed[:, w] < SPECIAL] = -np.inf  # a character the LM does not know is never confirmed
        return gain.tolist()

    def keep(self, text: str, proposals: Sequence[tuple[int, str]]) -> list[bool]:
        return [g > self.margin for g in self.gains(text, proposals)]
