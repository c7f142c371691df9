"""疑似错别字: characters that form no word with their neighbours, flagged as warnings even where
no correction is sure (:mod:`proofread.spelling.suspects`; settings: :class:`SuspectCharsConfig`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import option
from ..finding import Finding, Severity
from ..spelling.suspects import Suspect, SuspectFinder, SuspectRules
from ..spelling.windows import DEFAULT_THREADS, WindowedCorrector
from .base import Checker, Priority, Sentence, register
from .spelling_model import load_model

_DEFAULTS = SuspectRules()


@dataclass(frozen=True)
class SuspectCharsConfig:
    model: str = option(
        "default",
        help="spelling model whose tables are read: default (the shipped one) or a folder",
        metavar="default|DIR",
    )
    alike_gain: float = option(_DEFAULTS.alike_gain, help="LM gain an alike word-completing replacement needs")
    any_gain: float = option(_DEFAULTS.any_gain, help="LM gain any word-completing replacement needs ...")
    any_margin: float = option(_DEFAULTS.any_margin, help="... and its lead over the next one")
    rare_gain: float = option(_DEFAULTS.rare_gain, help="LM gain any replacement of a rare character needs")
    threads: int = option(DEFAULT_THREADS, help="threads a batch is read on (several scan workers use 1 each)")


@register
class SuspectChars(Checker):
    """Warnings without a sure correction; never inside protected terms. Below the spelling
    model, whose correction wins where both flag a character."""

    name = "suspect_chars"
    priority = Priority.SUSPECT
    learned = True
    Config = SuspectCharsConfig

    def __init__(self, model: str, rules: SuspectRules, threads: int = DEFAULT_THREADS) -> None:
        self._model_name = model
        self.rules = rules
        self.threads = threads
        self._finder: SuspectFinder | None = None
        # Windows of each sentence, cached and spread over threads as the spelling model's are:
        # memory stays flat on a 10 MB line and repeated boilerplate is read once.
        self._runner: WindowedCorrector[Suspect] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_resources(cls, resources, config: SuspectCharsConfig) -> SuspectChars:
        rules = SuspectRules(
            alike_gain=config.alike_gain,
            any_gain=config.any_gain,
            any_margin=config.any_margin,
            rare_gain=config.rare_gain,
        )
        return cls(config.model, rules, config.threads)

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        if not sentences:
            return []
        with self._lock:  # loads on first use, as the spelling model does
            if self._finder is None or self._runner is None:
                self._finder = SuspectFinder(load_model(self._model_name), self.rules)
                self._runner = WindowedCorrector(self._finder.find, threads=self.threads, name=self.name)
        masks = [s.learned_scope() for s in sentences]
        found = self._runner.correct([s.text for s in sentences], masks)
        source = self._finder.model.name
        return [
            [
                self.finding(
                    x.position,
                    x.position + 1,
                    x.original,
                    x.suggestions,
                    rule="model.suspect",
                    source=source,
                    message=f"“{x.original}”与上下文不成词，疑为错别字"
                    + (f"（可能为“{'”“'.join(x.suggestions)}”）" if x.suggestions else ""),
                    severity=Severity.WARNING,
                    confidence=0.5,
                    sure=False,  # suggestions to choose from, not a correction
                )
                for x in suspects
            ]
            for suspects in found
        ]
