"""The one result type of every checker, and helpers that work on findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Protocol


class Severity(IntEnum):
    """Ordered so that ``Severity.ERROR > Severity.WARNING``."""

    INFO = 1
    WARNING = 2
    ERROR = 3  # the notice's "严重表述错误" class

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()

    @property
    def zh(self) -> str:
        """The Chinese name reports and Word comments give (严重 is the notice's class)."""
        return {Severity.ERROR: "严重", Severity.WARNING: "一般", Severity.INFO: "提示"}[self]


#: Categories used by the shipped checkers; user dictionaries may add their own.
CATEGORIES = (
    "typo",  # a miswritten character or word
    "formulation",  # political formulation (规范表述)
    "idiom",  # idiom or fixed phrase
    "normative",  # normative usage (Xinhua rules, 涉台港澳 terms)
    "outdated",  # outdated agency name
    "sensitive",  # sensitive term
    "custom",  # user dictionary entry without a category
)
#: What reports call each category (the code stays beside it, for tools).
CATEGORY_LABELS = {
    "typo": "错别字",
    "formulation": "政治表述",
    "idiom": "成语",
    "normative": "规范用法",
    "outdated": "过时名称",
    "sensitive": "敏感词",
    "punctuation": "标点符号",
    "custom": "自定义",
}


def category_label(category: str) -> str:
    """The Chinese name of a category; a user dictionary's own category as it is written."""
    return CATEGORY_LABELS.get(category, category)


@dataclass(frozen=True)
class Finding:
    """One problem found in a text.

    ``start``/``end`` are character offsets into the original input, so
    ``text[start:end] == original`` always holds.
    """

    start: int
    end: int
    original: str
    suggestions: tuple[str, ...] = ()
    category: str = "typo"
    severity: Severity = Severity.WARNING
    rule: str = ""
    source: str = ""
    confidence: float = 1.0
    message: str = ""
    # Not part of the output: used to order overlapping findings (higher wins).
    priority: int = field(default=0, compare=False, repr=False)
    # Not part of the output: False for a guess (疑似错别字), whose suggestions are for the editor
    # to choose from; apply_findings leaves it alone.
    sure: bool = field(default=True, compare=False, repr=False)

    def to_dict(self) -> dict:
        """The JSON form of the finding (the jsonl contract's field set)."""
        d = asdict(self)
        d.pop("priority")
        d.pop("sure")
        d["suggestions"] = list(self.suggestions)
        d["severity"] = str(self.severity)
        return d

    def shifted(self, offset: int) -> Finding:
        from dataclasses import replace

        return replace(self, start=self.start + offset, end=self.end + offset)


class Edit(Protocol):
    """What :func:`apply_findings` reads: a ``Finding``, or a model's ``Correction``."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def original(self) -> str: ...
    @property
    def suggestions(self) -> tuple[str, ...]: ...
    @property
    def sure(self) -> bool: ...


def apply_findings(text: str, findings: Iterable[Edit]) -> str:
    """Return ``text`` with every sure finding that has exactly one suggestion applied.

    Findings must not overlap (``Proofreader`` output never does); overlapping ones
    after the first are skipped rather than corrupting the text.
    """
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if not f.sure or len(f.suggestions) != 1 or f.start < pos or text[f.start : f.end] != f.original:
            continue
        out.append(text[pos : f.start])
        out.append(f.suggestions[0])
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
