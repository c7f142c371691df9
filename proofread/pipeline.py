"""``Proofreader``: build once, then ``check`` a text or ``pipe`` many."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, Union

from .checkers import REGISTRY, Checker, Guard, Sentence, default_components
from .finding import Finding
from .merge import merge
from .resources import Resources
from .text import normalize, split_sentences

#: A document for ``pipe``: its text, or ``(text, date)``.
DocumentInput = Union[str, tuple[str, Union[dt.date, None]]]


class Proofreader:
    """Loads dictionaries (and models) once; reusable and safe to share between threads.

    >>> pr = Proofreader()
    >>> [f.suggestions for f in pr.check("坚持和完善名族区域自治制度")]
    [('民族',)]
    """

    def __init__(
        self,
        *,
        extra_dictionaries: Iterable[str | Path] = (),
        components: Sequence[str] | None = None,
        shipped_dictionaries: bool = True,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.resources = Resources.load(extra_dictionaries, shipped=shipped_dictionaries, options=options)
        names = list(components) if components is not None else default_components()
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown component {unknown[0]!r}; available: {', '.join(sorted(REGISTRY))}")
        built = sorted((REGISTRY[n].from_resources(self.resources) for n in names), key=lambda c: -c.priority)
        self.guards = [c for c in built if isinstance(c, Guard)]
        self.checkers = [c for c in built if isinstance(c, Checker)]

    def check(self, text: str, *, date: dt.date | None = None) -> list[Finding]:
        """Findings for one text, ordered by position, offsets into ``text``."""
        return next(self.pipe([(text, date)], batch_size=1))

    def pipe(
        self,
        texts: Iterable[DocumentInput],
        *,
        batch_size: int = 64,
        date: dt.date | None = None,
    ) -> Iterator[list[Finding]]:
        """Stream the findings of each text, in input order, checking ``batch_size`` texts at a time.

        An item may be ``(text, date)`` to give that document its own date.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        default_date = date or dt.date.today()
        items = iter(texts)
        while batch := list(islice(items, batch_size)):
            docs = [(text, doc_date or default_date) for text, doc_date in map(_pair, batch)]
            yield from self._check_batch(docs)

    def _check_batch(self, docs: list[tuple[str, dt.date]]) -> list[list[Finding]]:
        segmenter = self.resources.segmenter
        normalized = []
        sentences: list[Sentence] = []
        for i, (text, date) in enumerate(docs):
            if not isinstance(text, str):
                raise TypeError(f"document {i}: expected str, got {type(text).__name__}")
            norm = normalize(text)
            normalized.append(norm)
            for start, end in split_sentences(norm.text):
                sentences.append(Sentence(norm.text[start:end], start, date, i, segmenter))
        for guard in self.guards:
            for s in sentences:
                s.protected.extend(guard.protect(s))
        per_sentence: list[list[Finding]] = [[] for _ in sentences]
        for checker in self.checkers:
            for bucket, found in zip(per_sentence, checker.check_batch(sentences)):
                bucket.extend(found)
        results: list[list[Finding]] = [[] for _ in docs]
        for s, found in zip(sentences, per_sentence):
            norm = normalized[s.doc]
            for f in merge(found, s):
                start, end = norm.to_original(s.start + f.start, s.start + f.end)
                results[s.doc].append(replace(f, start=start, end=end, original=norm.original[start:end]))
        return results


def _pair(item: DocumentInput) -> tuple[Any, dt.date | None]:
    if isinstance(item, tuple):
        if len(item) != 2:
            raise TypeError("a pipe item must be a text or a (text, date) pair")
        return item
    return item, None

