"""``Proofreader``: build once, then ``check`` a text or ``pipe`` many."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from .checkers import REGISTRY, Checker, Component, Guard, Sentence, default_components
from .checkers.base import Priority
from .component_resources import Resources
from .config import ConfigError, make, translate_options
from .finding import Finding, Severity
from .merge import drop_repeated_forms, merge
from .text import normalize, split_sentences

#: A document for ``pipe``: its text, or ``(text, date)``.
DocumentInput = str | tuple[str, dt.date | None]
#: A sentence cache for ``pipe``: key from ``Proofreader.sentence_key`` -> merged findings (sentence offsets).
SentenceCache = MutableMapping[tuple[str, int], list[Finding]]


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
        config: Mapping[str, Mapping[str, Any]] | None = None,
        options: Mapping[str, Any] | None = None,
        disabled_rules: Iterable[str] = (),
        severities: Mapping[str, Severity | str] | None = None,
    ) -> None:
        """``config``: settings by component name, e.g. ``{"spelling_model": {"threshold": 0.7}}``
        (``proofread components`` lists them); a component that is not default joins the default
        pipeline when it has a section. ``options``: the older flat keys (``model_threshold``,
        ``hf_model``, ...), translated onto the same settings. ``disabled_rules``: rule ids never
        reported; ``severities``: a severity per rule id, instead of the rule's own (proofread.toml)."""
        if config is not None and options is not None:
            raise ConfigError("give config or options, not both")
        sections = dict(config or {}) if options is None else translate_options(options, REGISTRY)
        unknown = [n for n in sections if n not in REGISTRY]
        if unknown:
            raise ConfigError(f"unknown component {unknown[0]!r} in config; available: {', '.join(sorted(REGISTRY))}")
        self.config = {n: make(REGISTRY[n].Config, sections.get(n), n) for n in REGISTRY}
        names = list(components) if components is not None else default_components(sections)
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown component {unknown[0]!r}; available: {', '.join(sorted(REGISTRY))}")
        self.resources = Resources.load(extra_dictionaries, shipped=shipped_dictionaries)
        built = sorted((_build(REGISTRY[n], self.resources, self.config[n]) for n in names), key=lambda c: -c.priority)
        self.guards = [c for c in built if isinstance(c, Guard)]
        self.checkers = [c for c in built if isinstance(c, Checker)]
        # The document date reaches findings only through rules' ``since`` (dictionary_rules):
        # dates between the same two thresholds give the same findings, so a sentence cache
        # keys by this bucket, not the date, and boilerplate hits across days stay exact.
        self.disabled_rules = frozenset(disabled_rules)
        self.severities = {rule: Severity.parse(s) for rule, s in (severities or {}).items()}
        self._date_thresholds = sorted({r.since for d in self.resources.dictionaries for r in d.entries if r.since})

    def sentence_key(self, text: str, date: dt.date) -> tuple[str, int]:
        """Cache key of a (normalised) sentence: identical keys get identical findings."""
        return text, bisect_right(self._date_thresholds, date)

    def check(self, text: str, *, date: dt.date | None = None) -> list[Finding]:
        """Findings for one text, ordered by position, offsets into ``text``."""
        return next(self.pipe([(text, date)], batch_size=1))

    def pipe(
        self,
        texts: Iterable[DocumentInput],
        *,
        batch_size: int = 64,
        date: dt.date | None = None,
        cache: SentenceCache | None = None,
    ) -> Iterator[list[Finding]]:
        """Stream the findings of each text, in input order, checking ``batch_size`` texts at a time.

        An item may be ``(text, date)`` to give that document its own date. With ``cache``
        (e.g. a dict), a sentence seen before is not checked again; the findings are the same.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        default_date = date or dt.date.today()
        items = iter(texts)
        while batch := list(islice(items, batch_size)):
            docs = [(text, doc_date or default_date) for text, doc_date in map(_pair, batch)]
            yield from self._check_batch(docs, cache)

    def _check_batch(self, docs: list[tuple[str, dt.date]], cache: SentenceCache | None = None) -> list[list[Finding]]:
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
        merged = self._check_sentences(sentences, cache)
        results: list[list[Finding]] = [[] for _ in docs]
        for s, found in zip(sentences, merged):
            norm = normalized[s.doc]
            for f in found:
                start, end = norm.to_original(s.start + f.start, s.start + f.end)
                results[s.doc].append(replace(f, start=start, end=end, original=norm.original[start:end]))
        # Across sentences, so after the sentence cache: the same sentence may stand in other documents.
        return [drop_repeated_forms(n.original, r, Priority.LEARNED + 1) for n, r in zip(normalized, results)]

    def _check_sentences(self, sentences: list[Sentence], cache: SentenceCache | None) -> list[list[Finding]]:
        """Merged findings (sentence offsets) of each sentence; with ``cache``, each distinct key is checked once."""
        if cache is None:
            todo = sentences
        else:
            keys = [self.sentence_key(s.text, s.date) for s in sentences]
            known: dict[tuple[str, int], list[Finding]] = {}  # read now: a bounded cache may evict later
            first: dict[tuple[str, int], Sentence] = {}
            for key, s in zip(keys, sentences):
                if key in known or key in first:
                    continue
                found = cache.get(key)
                if found is None:
                    first[key] = s
                else:
                    known[key] = found
            todo = list(first.values())
        for guard in self.guards:
            for s in todo:
                s.protected.extend(guard.protect(s))
        per_sentence: list[list[Finding]] = [[] for _ in todo]
        for checker in self.checkers if todo else ():  # all cached: models never see an empty batch
            for bucket, found in zip(per_sentence, checker.check_batch(todo)):
                bucket.extend(found)
        if self.disabled_rules or self.severities:  # before merging: a disabled finding hides no other
            per_sentence = [self._project_rules(found) for found in per_sentence]
        merged = [merge(found, s) for s, found in zip(todo, per_sentence)]
        if cache is None:
            return merged
        fresh = dict(zip(first, merged))
        cache.update(fresh)
        known.update(fresh)
        return [known[key] for key in keys]

    def _project_rules(self, found: list[Finding]) -> list[Finding]:
        return [
            replace(f, severity=self.severities[f.rule]) if f.rule in self.severities else f
            for f in found
            if f.rule not in self.disabled_rules
        ]


class ComponentError(ValueError):
    """A component could not be built from its settings (bad model path, ...)."""


def _build(component: type[Component], resources: Resources, config: Any) -> Component:
    try:
        return component.from_resources(resources, config)
    except (OSError, ValueError) as e:
        raise ComponentError(f"{component.name}: {e}") from e


def _pair(item: DocumentInput) -> tuple[Any, dt.date | None]:
    if isinstance(item, tuple):
        if len(item) != 2:
            raise TypeError("a pipe item must be a text or a (text, date) pair")
        return item
    return item, None
