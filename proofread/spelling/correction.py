"""What every spelling model returns, and the one way protected spans reach a model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Correction:
    """One proposed change: ``text[position:position + len(original)]`` -> ``suggestion``
    (one character, or two for a two-character word)."""

    position: int
    original: str
    suggestion: str
    confidence: float

    # The fields ``proofread.apply_findings`` reads, so corrections apply the same way findings do.
    @property
    def start(self) -> int:
        return self.position

    @property
    def end(self) -> int:
        return self.position + len(self.original)

    @property
    def suggestions(self) -> tuple[str, ...]:
        return (self.suggestion,)

    @property
    def sure(self) -> bool:
        return True


#: ``editable[i][j]`` False: character ``j`` of text ``i`` must stay as it is.
Editable = Sequence[Sequence[bool]]


class Corrector(Protocol):
    """A spelling model at run time: corrections for many texts at a time, by position."""

    def correct(self, texts: Sequence[str], editable: Editable | None = None) -> list[list[Correction]]: ...


def editable_mask(length: int, protected: Sequence[tuple[int, int]]) -> list[bool]:
    """Per character of a text: False inside any ``protected`` span (``[start, end)``)."""
    allowed = [True] * length
    for start, end in protected:
        allowed[start:end] = [False] * (end - start)
    return allowed


def keep_editable(corrections: list[Correction], editable: Sequence[bool]) -> list[Correction]:
    """The corrections that change only editable characters (for models that cannot take a mask)."""
    return [c for c in corrections if all(editable[c.start : c.end])]
