"""What a pipeline component is, what it sees, and how it is registered."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from ..finding import Finding

if TYPE_CHECKING:
    from ..component_resources import Resources
    from ..segment import Segmenter


class Sentence:
    """One sentence of a document, in normalised text, as checkers see it.

    Findings a checker returns use offsets local to ``text``; the pipeline maps
    them to the original document.
    """

    __slots__ = ("text", "start", "date", "doc", "protected", "_segmenter", "_bounds")

    def __init__(self, text: str, start: int, date: dt.date, doc: int, segmenter: Segmenter) -> None:
        self.text = text
        self.start = start  # offset in the normalised document
        self.date = date
        self.doc = doc  # index of the document in the batch
        self.protected: list[tuple[int, int]] = []  # spans of protected terms
        self._segmenter = segmenter
        self._bounds: frozenset[int] | None = None

    @property
    def word_bounds(self) -> frozenset[int]:
        """Word boundaries from jieba, computed only when a checker asks."""
        if self._bounds is None:
            self._bounds = self._segmenter.bounds(self.text)
        return self._bounds

    def is_word_span(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` does not cut through a word."""
        bounds = self.word_bounds
        return start in bounds and end in bounds

    def __repr__(self) -> str:
        return f"Sentence({self.text!r}, start={self.start})"


class Component(ABC):
    """A pipeline stage. Subclasses register with :func:`register`."""

    name: ClassVar[str]
    #: Higher runs earlier and wins overlaps: protected (100) > curated rules (50)
    #: > near-miss detectors (45) > model (10).
    priority: ClassVar[int] = 0
    #: Part of the default pipeline.
    default: ClassVar[bool] = True
    #: A learned model (not curated data): benchmarks of the dictionary path leave these out.
    learned: ClassVar[bool] = False
    #: A component that is not default joins the default pipeline when this option is set.
    enabled_by: ClassVar[str | None] = None

    @classmethod
    @abstractmethod
    def from_resources(cls, resources: Resources) -> Component: ...


class Guard(Component):
    """Marks spans that no checker may flag (``Sentence.protected``)."""

    @abstractmethod
    def protect(self, sentence: Sentence) -> list[tuple[int, int]]: ...


class Checker(Component):
    """Finds problems. Override ``check`` (one sentence) or ``check_batch``."""

    def check_batch(self, sentences: Sequence[Sentence]) -> list[list[Finding]]:
        return [list(self.check(s)) for s in sentences]

    def check(self, sentence: Sentence) -> Iterable[Finding]:
        raise NotImplementedError(f"{type(self).__name__} implements neither check nor check_batch")


REGISTRY: dict[str, type[Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    """Class decorator: make a component available by its ``name``."""
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise ValueError(f"component name {cls.name!r} is already registered")
    REGISTRY[cls.name] = cls
    return cls


def default_components(options: dict | None = None) -> list[str]:
    """Names of the components a ``Proofreader`` builds when none are named."""
    options = options or {}
    chosen = [c for c in REGISTRY.values() if c.default or (c.enabled_by and options.get(c.enabled_by))]
    return [c.name for c in sorted(chosen, key=lambda c: -c.priority)]


ComponentFactory = Callable[["Resources"], Component]
