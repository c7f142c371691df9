"""Typos found by the shipped statistical spelling model (``models/charlm``): a thin adapter
over :mod:`proofread.spelling` (settings: :class:`SpellingModelConfig`)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import option
from ..finding import Finding, Severity
from ..spelling.correction import Correction
from ..spelling.model import SpellingModel, load_default
from ..spelling.ngram import CharNgramLM
from ..spelling.windows import DEFAULT_THREADS, WindowedCorrector
from .base import Checker, Priority, Sentence, register

ERROR_AT = 0.99


@dataclass(frozen=True)
class SpellingModelConfig:
    model: str = option(
        "default",
        help="statistical spelling model: default (the shipped one), none, or a folder built by "
        "`python -m proofread.training.build`",
        flag="--model",
        metavar="default|none|DIR",
        alias="model",
    )
    threshold: float | None = option(
        None,
        help="confidence a model correction needs (default: the one tuned into the model)",
        flag="--model-threshold",
        metavar="P",
        alias="model_threshold",
    )
    follow_ratio: float | None = option(
        None,
        help="factor on that threshold for further corrections in a sentence that already has one "
        "(default: tuned into the model; 1: every correction needs the full threshold)",
        flag="--model-follow-ratio",
        metavar="F",
        alias="model_follow_ratio",
    )
    # Calibrated on the tuning sources (benchmarks/suspect_tuning.py's sentences): from 0.99 on,
    # about one clean sentence in 7,700 gets an error, where 0.9 gave 17.
    error_at: float = option(
        ERROR_AT, help="confidence from which a correction is an error rather than a warning", alias="model_error_at"
    )
    threads: int = option(
        DEFAULT_THREADS,
        help="threads a batch is corrected on (`proofread scan` with several workers uses 1 each)",
        alias="model_threads",
    )


@functools.lru_cache(maxsize=4)
def load_model(path: str) -> SpellingModel:
    """One model object per path, shared read-only by every Proofreader and thread."""
    return load_default() if path == "default" else SpellingModel(Path(path))


@register
class SpellingModelChecker(Checker):
    """Batched character-level corrections; never inside protected terms or on non-Chinese text."""

    name = "spelling_model"
    priority = Priority.LEARNED
    learned = True
    Config = SpellingModelConfig

    def __init__(
        self,
        model: SpellingModel | str | None,
        threshold: float | None = None,
        error_at: float = ERROR_AT,
        follow_ratio: float | None = None,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        # A model name/path loads on first use (about a second), so building a Proofreader stays fast.
        self._model = model
        self._threshold = threshold
        self.follow_ratio = follow_ratio  # None: the model's own
        self.error_at = error_at
        self.threads = max(1, threads)
        self._runner: WindowedCorrector | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SpellingModel | None:
        if isinstance(self._model, str):
            self._model = load_model(self._model)
        return self._model

    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        return self.model.threshold if self.model is not None else 1.0

    @classmethod
    def from_resources(cls, resources, config: SpellingModelConfig) -> SpellingModelChecker:
        which = config.model
        missing = CharNgramLM.missing_files(Path(which)) if which not in ("default", "none") else []
        if "meta.json" in missing:
            raise ValueError(
                f"spelling model directory {which!r} has no meta.json (build one with "
                "python -m proofread.training.build --out DIR)"
            )
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise ValueError(
                f"spelling model directory {which!r} lacks {missing[0]}{more} (built by another "
                "version? rebuild it with python -m proofread.training.build --out DIR)"
            )
        model = None if which == "none" else which
        return cls(model, config.threshold, config.error_at, config.follow_ratio, config.threads)

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        if self._model is None or not sentences:
            return [[] for _ in sentences]
        masks = [s.learned_scope() for s in sentences]
        found = self._windowed().correct([s.text for s in sentences], masks)
        source = self.model.name if self.model is not None else ""
        return [[self._finding(source, c) for c in corrections] for corrections in found]

    def _windowed(self) -> WindowedCorrector:
        with self._lock:
            if self._runner is None:
                model = self.model
                assert model is not None

                def correct(texts: list[str], editable: list[tuple[bool, ...]]) -> list[list[Correction]]:
                    return model.correct(texts, editable, self.threshold, follow_ratio=self.follow_ratio)

                self._runner = WindowedCorrector(correct, threads=self.threads, name=self.name)
            return self._runner

    def _finding(self, source: str, c: Correction) -> Finding:
        return self.finding(
            c.start,
            c.end,
            c.original,
            c.suggestion,
            rule="model.ngram",
            source=source,
            message=f"“{c.original}”疑为“{c.suggestion}”之误",
            severity=Severity.ERROR if c.confidence >= self.error_at else Severity.WARNING,
            confidence=round(c.confidence, 4),
        )
