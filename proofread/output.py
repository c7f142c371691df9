"""Writers for checked documents, by format name: text, json, jsonl, csv, html.

A writer is a :class:`Writer` registered with ``@writer("name")``; ``check --format``
offers every registered one.
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, TypeVar

from .columns import CHECK_COLUMNS
from .finding import Finding, apply_findings
from .report import html
from .report.cells import csv_row
from .text import split_sentences


@dataclass(frozen=True)
class CheckedDocument:
    id: str | int
    text: str
    findings: list[Finding]

    def to_dict(self) -> dict:
        """The jsonl contract: id, text, corrected, findings."""
        return {
            "id": self.id,
            "text": self.text,
            "corrected": apply_findings(self.text, self.findings),
            "findings": [f.to_dict() for f in self.findings],
        }


class Locator:
    """Line/column and enclosing sentence of offsets in one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._sentences: list[tuple[int, int]] = []
        self._starts: list[int] = []

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._newlines, offset - 1)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        if not self._starts:
            self._sentences = split_sentences(self.text) or [(start, end)]
            self._starts = [s for s, _ in self._sentences]
        s_start, s_end = self._sentences[max(0, bisect_right(self._starts, start) - 1)]
        return min(s_start, start), max(s_end, end)


class Writer:
    """Base: ``write(doc)`` per document, then ``close()``."""

    def __init__(self, stream: IO[str], color: bool = False, *, csv_raw: bool = False) -> None:
        self.stream = stream
        self.color = color
        self.csv_raw = csv_raw  # csv only: exact text even where a spreadsheet would run it as a formula
        self.start()

    def start(self) -> None:
        """Called once before the first document (a header, an opening bracket)."""

    def write(self, doc: CheckedDocument) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stream.flush()


W = TypeVar("W", bound=Writer)


WRITERS: dict[str, type[Writer]] = {}


def writer(name: str) -> Callable[[type[W]], type[W]]:
    """Register the decorated :class:`Writer` as format ``name``."""

    def register(cls: type[W]) -> type[W]:
        WRITERS[name] = cls
        return cls

    return register


def formats() -> tuple[str, ...]:
    """The registered format names, in registration order."""
    return tuple(WRITERS)


@writer("text")
class TextWriter(Writer):
    """For people: each finding in its sentence, span marked, with the suggestion."""

    COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}
    RESET = "\033[0m"

    def start(self) -> None:
        self.total = 0
        self.documents = 0

    def write(self, doc: CheckedDocument) -> None:
        self.documents += 1
        locate = Locator(doc.text)
        for f in doc.findings:
            self.total += 1
            line, col = locate.line_col(f.start)
            s, e = locate.sentence(f.start, f.end)
            severity = str(f.severity)
            head = f"{_visible(str(doc.id))}:{line}:{col}: {self._paint(severity, severity)} [{f.rule}] "
            head += _visible(f.message)
            original = self._paint(_visible(f.original), severity)
            marked = f"{_visible(doc.text[s : f.start])}【{original}】{_visible(doc.text[f.end : e])}"
            fix = f" → {_visible(' / '.join(f.suggestions))}" if f.suggestions else ""
            self.stream.write(f"{head}\n    {marked}{fix}\n")

    def _paint(self, text: str, severity: str) -> str:
        return f"{self.COLORS[severity]}{text}{self.RESET}" if self.color else text

    def close(self) -> None:
        # No summary when nothing was checked (every input rejected): "0 findings" would read as a pass.
        if self.documents:
            self.stream.write(f"{self.total} finding{'s' if self.total != 1 else ''}\n")
        super().close()


# Control characters of the checked text (an ESC sequence can recolour, retitle or rewrite a
# terminal) are shown as escapes, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@writer("json")
class JsonWriter(Writer):
    """One JSON array of documents, streamed element by element."""

    def start(self) -> None:
        self._count = 0

    def write(self, doc: CheckedDocument) -> None:
        self.stream.write("[\n" if self._count == 0 else ",\n")
        self.stream.write(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2))
        self._count += 1

    def close(self) -> None:
        self.stream.write("\n]\n" if self._count else "[]\n")
        super().close()


@writer("jsonl")
class JsonlWriter(Writer):
    def write(self, doc: CheckedDocument) -> None:
        self.stream.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


@writer("csv")
class CsvWriter(Writer):
    """One row per finding; text that starts like a formula gets a leading ``'`` (unless ``csv_raw``)."""

    def start(self) -> None:
        self._csv = csv.writer(self.stream)
        self._csv.writerow(CHECK_COLUMNS)

    def write(self, doc: CheckedDocument) -> None:
        locate = Locator(doc.text)
        for f in doc.findings:
            line, col = locate.line_col(f.start)
            s, e = locate.sentence(f.start, f.end)
            row = csv_row(
                [
                    doc.id,
                    line,
                    col,
                    f.start,
                    f.end,
                    f.original,
                    "|".join(f.suggestions),
                    f.category,
                    str(f.severity),
                    f.rule,
                    f.source,
                    f"{f.confidence:.3f}",
                    f.message,
                    doc.text[s:e],
                ],
                self.csv_raw,
            )
            self._csv.writerow(row)


@writer("html")
class HtmlWriter(Writer):
    """One self-contained page for editors: each document's text with the findings marked in
    place (hover for the reason) and numbered, and a table of them below."""

    def start(self) -> None:
        self.documents = self.total = 0
        self.stream.write(html.document_page_head("文稿检查结果"))

    def write(self, doc: CheckedDocument) -> None:
        self.documents += 1
        self.total += len(doc.findings)
        findings = sorted(doc.findings, key=lambda f: (f.start, f.end))
        locate = Locator(doc.text)
        where = [locate.line_col(f.start) for f in findings]
        self.stream.write(html.document_section(str(doc.id), doc.text, findings, where, f"d{self.documents}"))

    def close(self) -> None:
        self.stream.write(html.document_page_tail(self.documents, self.total))
        super().close()


def write_all(docs: Iterable[CheckedDocument], fmt: str, stream: IO[str], color: bool = False) -> None:
    writer = WRITERS[fmt](stream, color)
    for doc in docs:
        writer.write(doc)
    writer.close()
