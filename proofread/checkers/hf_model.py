"""Spelling corrections from a local Hugging Face CSC model (e.g. a downloaded macbert4csc).

Not in the default pipeline: a ``hf_model`` config section (``--hf-model DIR``) adds it beside
the shipped model; ``components=[...]`` without ``spelling_model`` uses it instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import option
from ..finding import Finding
from .base import Checker, Priority, Sentence, register


@dataclass(frozen=True)
class HFModelConfig:
    path: str | None = option(
        None,
        help="local Hugging Face BertForMaskedLM CSC model folder (e.g. macbert4csc)",
        flag="--hf-model",
        metavar="DIR",
        alias="hf_model",
        enables=True,
    )
    threshold: float = option(
        0.5, help="confidence an hf_model correction needs", flag="--hf-threshold", metavar="P", alias="hf_threshold"
    )
    batch_size: int = option(32, help="windows per forward pass", alias="hf_batch_size")
    device: str = option(
        "cpu", help="torch device for hf_model", flag="--hf-device", metavar="DEVICE", alias="hf_device"
    )
    scoring: str | None = option(
        None,
        help="all: argmax over the vocabulary; similar: over confusable characters (default: the model's own)",
        alias="hf_scoring",
        choices=("all", "similar"),
    )
    verify: bool | str = option(
        False,
        help="keep only proposals the shipped n-gram model also prefers (true), or another n-gram model folder's",
        alias="hf_verify",
    )
    verify_margin: float = option(0.0, help="log-score margin the verifier asks for", alias="hf_verify_margin")


@register
class HFModel(Checker):
    """Corrections from a local Hugging Face CSC model, optionally verified by the n-gram model."""

    name = "hf_model"
    priority = Priority.LEARNED
    learned = True
    default = False
    Config = HFModelConfig

    def __init__(self, corrector, verifier=None) -> None:
        self.corrector = corrector
        self.verifier = verifier
        self.source = f"hf_model:{Path(corrector.path).name}"

    @classmethod
    def from_resources(cls, resources, config: HFModelConfig) -> HFModel:
        from ..spelling.hf import HFCorrector  # torch/transformers load only when this checker is used

        if not config.path:
            raise ValueError('the hf_model checker needs config={"hf_model": {"path": "/path/to/model/dir"}}')
        verifier = None
        if config.verify:
            from ..spelling.verify import NgramVerifier

            path = None if config.verify is True else config.verify
            verifier = NgramVerifier.from_path(path, margin=config.verify_margin)
        corrector = HFCorrector(
            config.path,
            threshold=config.threshold,
            batch_size=config.batch_size,
            device=config.device,
            scoring=config.scoring,
        )
        return cls(corrector, verifier)

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        # Protected terms are never changed, even where they do not stand as a word.
        masks = [s.learned_scope() for s in sentences]
        proposed = self.corrector.correct([s.text for s in sentences], masks)
        out: list[list[Finding]] = []
        for sentence, corrections in zip(sentences, proposed):
            if self.verifier is not None and corrections:
                kept = self.verifier.keep(sentence.text, [(c.position, c.suggestion) for c in corrections])
                corrections = [c for c, ok in zip(corrections, kept) if ok]
            message = "疑似错别字：“{}”应为“{}”"
            out.append(
                [
                    self.finding(
                        c.start,
                        c.end,
                        c.original,
                        c.suggestion,
                        rule="hf_model",
                        source=self.source,
                        message=message.format(c.original, c.suggestion),
                        confidence=round(c.confidence, 4),
                    )
                    for c in corrections
                ]
            )
        return out
