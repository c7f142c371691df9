"""Spelling corrections from a local Hugging Face CSC model (e.g. a downloaded macbert4csc).

Not in the default pipeline: the option ``hf_model`` (a local folder) adds it, beside the
shipped model; ``components=[...]`` without ``spelling_model`` uses it instead.
Further options: ``hf_threshold`` (default 0.5), ``hf_batch_size`` (32),
``hf_device`` ("cpu"), ``hf_scoring`` ("all" or "similar"; default from the model),
``hf_verify`` (True: keep only proposals the shipped n-gram model also prefers; or the
path of another n-gram model directory) and ``hf_verify_margin`` (0.0, log units).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..finding import Finding, Severity
from .base import Checker, Sentence, register


@register
class HFModel(Checker):
    name = "hf_model"
    priority = 10
    learned = True
    default = False
    enabled_by = "hf_model"

    def __init__(self, corrector, verifier=None) -> None:
        self.corrector = corrector
        self.verifier = verifier
        self.source = f"hf_model:{Path(corrector.path).name}"

    @classmethod
    def from_resources(cls, resources) -> HFModel:
        from ..spelling.hf import HFCorrector  # torch/transformers load only when this checker is used

        options = resources.options
        path = options.get("hf_model")
        if not path:
            raise ValueError('the hf_model checker needs options={"hf_model": "/path/to/model/dir"}')
        verifier = None
        verify = options.get("hf_verify")
        if verify:
            from ..spelling.verify import NgramVerifier

            verifier = NgramVerifier.from_path(
                None if verify is True else verify, margin=float(options.get("hf_verify_margin", 0.0))
            )
        corrector = HFCorrector(
            path,
            threshold=float(options.get("hf_threshold", 0.5)),
            batch_size=int(options.get("hf_batch_size", 32)),
            device=str(options.get("hf_device", "cpu")),
            scoring=options.get("hf_scoring"),
        )
        return cls(corrector, verifier)

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        proposed = self.corrector.correct([s.text for s in sentences])
        out: list[list[Finding]] = []
        for sentence, corrections in zip(sentences, proposed):
            # Protected terms are never changed, even where they do not stand as a word.
            corrections = [c for c in corrections if not any(a <= c.position < b for a, b in sentence.protected)]
            if self.verifier is not None and corrections:
                kept = self.verifier.keep(sentence.text, [(c.position, c.suggestion) for c in corrections])
                corrections = [c for c, ok in zip(corrections, kept) if ok]
            found = []
            for c in corrections:
                found.append(
                    Finding(
                        start=c.position,
                        end=c.position + len(c.original),
                        original=c.original,
                        suggestions=(c.suggestion,),
                        category="typo",
                        severity=Severity.WARNING,
                        rule="hf_model",
                        source=self.source,
                        confidence=round(c.confidence, 4),
                        message=f"疑似错别字：“{c.original}”应为“{c.suggestion}”",
                        priority=self.priority,
                    )
                )
            out.append(found)
        return out
