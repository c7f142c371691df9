"""What a pipeline component is, what it sees, and how it is registered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar

from ..config import NoConfig
from ..finding import Finding, Severity
from ..spelling.correction import editable_mask
from ..spelling.scope import name_spans, quoted_spans

if TYPE_CHECKING:
    from ..component_resources import Resources
    from ..segment import Segmenter


class Sentence:
    """One sentence of a document, in normalised text, as checkers see it.

    Findings a checker returns use offsets local to ``text``; the pipeline maps
    them to the original document.
    """

    __slots__ = ("text", "start", "date", "doc", "protected", "_segmenter", "_tokens", "_bounds")

    def __init__(self, text: str, start: int, date: dt.date, doc: int, segmenter: Segmenter) -> None:
        self.text = text
        self.start = start  # offset in the normalised document
        self.date = date
        self.doc = doc  # index of the document in the batch
        self.protected: list[tuple[int, int]] = []  # spans of protected terms
        self._segmenter = segmenter
        self._tokens: list[tuple[str, int, int]] | None = None
        self._bounds: frozenset[int] | None = None

    @property
    def tokens(self) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` from jieba, computed only when a checker asks."""
        if self._tokens is None:
            self._tokens = self._segmenter.tokens(self.text)
        return self._tokens

    @property
    def word_bounds(self) -> frozenset[int]:
        """Word boundaries from jieba."""
        if self._bounds is None:
            self._bounds = frozenset({0, len(self.text)} | {x for _, s, e in self.tokens for x in (s, e)})
        return self._bounds

    def learned_scope(self) -> list[bool]:
        """Per character, whether a learned model may edit it: not in a protected term, a short
        quoted coinage or a likely personal name (:mod:`proofread.spelling.scope`)."""
        spans = self.protected + quoted_spans(self.text) + name_spans(self.text, self.tokens)
        return editable_mask(len(self.text), spans)

    def is_word_span(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` does not cut through a word."""
        bounds = self.word_bounds
        return start in bounds and end in bounds

    def __repr__(self) -> str:
        return f"Sentence({self.text!r}, start={self.start})"


class Priority(IntEnum):
    """Higher runs earlier and wins overlaps (``merge``)."""

    PROTECTED = 100  # guards: protected terms
    CURATED = 50  # exact curated rules: dictionaries, number usage, punctuation
    NEAR_MISS = 45  # near-miss detectors: below the exact rules they derive from
    LEARNED = 10  # statistical and neural models
    SUSPECT = 5  # detections without a sure correction: below the models


class Component(ABC):
    """A pipeline stage. Subclasses register with :func:`register`."""

    name: ClassVar[str]
    priority: ClassVar[int] = 0  # a :class:`Priority`
    #: Part of the default pipeline. One that is not joins it when ``config`` has its section.
    default: ClassVar[bool] = True
    #: A learned model (not curated data): benchmarks of the dictionary path leave these out.
    learned: ClassVar[bool] = False
    #: Its settings: a frozen dataclass of :func:`proofread.config.option` fields.
    Config: ClassVar[type] = NoConfig
    #: Command-line switch that adds a component that is not default (``--punctuation``).
    flag: ClassVar[str | None] = None

    @classmethod
    @abstractmethod
    def from_resources(cls, resources: Resources, config: Any) -> Component:
        """Build from the shared resources and an instance of ``Config``."""


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

    def finding(
        self,
        start: int,
        end: int,
        original: str,
        suggestions: str | Iterable[str],
        *,
        rule: str,
        source: str,
        message: str,
        category: str = "typo",
        severity: Severity = Severity.WARNING,
        confidence: float = 1.0,
        sure: bool = True,
    ) -> Finding:
        """A finding of this checker (sentence offsets), ranked by its ``priority``."""
        return Finding(
            start=start,
            end=end,
            original=original,
            suggestions=(suggestions,) if isinstance(suggestions, str) else tuple(suggestions),
            category=category,
            severity=severity,
            rule=rule,
            source=source,
            confidence=confidence,
            message=message,
            priority=self.priority,
            sure=sure,
        )


REGISTRY: dict[str, type[Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    """Class decorator: make a component available by its ``name``."""
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise ValueError(f"component name {cls.name!r} is already registered")
    if not dataclasses.is_dataclass(cls.Config) or not cls.Config.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.name}: Config must be a frozen dataclass")
    REGISTRY[cls.name] = cls
    return cls


def by_priority(components: Iterable[type[Component]]) -> list[type[Component]]:
    return sorted(components, key=lambda c: -c.priority)


def default_components(config: Mapping[str, Any] | None = None) -> list[str]:
    """Names of the components a ``Proofreader`` builds when none are named: the default
    ones, and those that are not default but have a section in ``config``."""
    config = config or {}
    return [c.name for c in by_priority(REGISTRY.values()) if c.default or c.name in config]


def with_threads(config: Mapping[str, Mapping[str, Any]], threads: int) -> dict[str, dict[str, Any]]:
    """``config`` with ``threads`` for every component that has such a setting and was not given
    one: processes that already share out the cores (scan workers, server workers) set 1."""
    out = {name: dict(section) for name, section in config.items()}
    for component in REGISTRY.values():
        fields = getattr(component.Config, "__dataclass_fields__", {})
        if "threads" in fields and (component.default or component.name in out):
            out.setdefault(component.name, {}).setdefault("threads", threads)
    return out
