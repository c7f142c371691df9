"""Load and validate dictionary files (rules are data; this module interprets them).

A dictionary is a UTF-8 TSV file::

    # proofread dictionary
    # kind: rules            (rules: wrong form -> finding; protected: allow-list;
                             canonical: correct forms whose near misses are findings)
    # description: ...
    # source: ...
    # licence: ...
    id	match	suggest	category	severity	message	source	bad	good

``match``, ``suggest``, ``bad`` and ``good`` may hold several values separated by
``|``; each ``bad`` example marks where the rule fires with 【…】. Optional columns:
``before``/``after`` (regex that must match the text ending right before / starting
right after the match), ``not_before``/``not_after`` (regex that must not),
``since`` (YYYY-MM-DD: the rule applies to documents dated on or after it),
``boundary`` (``word``: the match must not cut a jieba word, the default;
``char``: anywhere) and ``action`` (``replace``, the default, or ``quote``: fine
when the term stands in quotation marks). A header line ``# {NAME}: regex``
defines a fragment that regex cells use as ``{NAME}``. User dictionaries need
only ``match``. Any error stops loading with ``file:line: reason``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .finding import Severity

KINDS = ("rules", "protected", "canonical")
ACTIONS = ("replace", "quote")
BOUNDARIES = ("word", "char")
# Bad examples mark each span the rule must report: 坚持和完善【名族】区域自治制度。
MARK_OPEN, MARK_CLOSE = "【", "】"
# A header line ``# {NAME}: regex`` defines a fragment; regex cells reference it as {NAME}.
_FRAGMENT_DEF = re.compile(r"#\s*\{([A-Za-z_][A-Za-z0-9_]*)\}\s*:\s*(.*)")
_FRAGMENT_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # never a quantifier: those are digits
KNOWN_COLUMNS = {
    "id",
    "match",
    "suggest",
    "category",
    "severity",
    "message",
    "source",
    "bad",
    "good",
    "before",
    "after",
    "not_before",
    "not_after",
    "since",
    "boundary",
    "action",
}
# Columns every shipped (strict) dictionary must fill for each entry.
STRICT_RULE_COLUMNS = ("id", "match", "category", "severity", "message", "source", "bad", "good")
STRICT_PROTECTED_COLUMNS = ("id", "match", "category", "source")
STRICT_HEADER_KEYS = ("kind", "description", "source", "licence")


class DictionaryError(ValueError):
    """A dictionary file is malformed; the message starts with ``file:line:``."""


@dataclass(frozen=True)
class Rule:
    id: str
    forms: tuple[str, ...]
    suggestions: tuple[str, ...] = ()
    category: str = "custom"
    severity: Severity = Severity.WARNING
    message: str = ""
    source: str = ""
    bad: tuple[str, ...] = ()  # the sentences, marks removed
    good: tuple[str, ...] = ()
    bad_spans: tuple[tuple[tuple[int, int], ...], ...] = ()  # the marked spans of each bad sentence
    before: re.Pattern | None = None
    after: re.Pattern | None = None
    not_before: re.Pattern | None = None
    not_after: re.Pattern | None = None
    since: dt.date | None = None
    boundary: str = "word"
    action: str = "replace"
    location: str = field(default="", compare=False)  # file:line, for error messages


@dataclass(frozen=True)
class Dictionary:
    path: Path
    kind: str
    header: dict[str, str]
    entries: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return self.path.stem


def shipped_dir() -> Path:
    """The folder of the shipped dictionaries (installed wheel or source checkout)."""
    from .data_files import shipped_data_dir

    return shipped_data_dir("dictionaries")


def load_shipped() -> list[Dictionary]:
    return [load_dictionary(p, strict=True) for p in sorted(shipped_dir().glob("*.tsv"))]


def load_dictionary(path: str | Path, *, strict: bool = False) -> Dictionary:
    """Parse one dictionary file; ``strict`` applies the rules for shipped files."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DictionaryError(f"{path}: cannot read dictionary: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DictionaryError(f"{path}:{line}: not UTF-8 text") from None
    return parse_dictionary(text, path, strict=strict)


def parse_dictionary(text: str, path: Path, *, strict: bool = False) -> Dictionary:
    header: dict[str, str] = {}
    columns: list[str] | None = None
    entries: list[Rule] = []
    seen: dict[str, int] = {}
    fragments: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        where = f"{path}:{lineno}"
        if not line.strip():
            continue
        if line.startswith("#"):
            fragment = _FRAGMENT_DEF.fullmatch(line.rstrip())
            if fragment and columns is None:
                _define_fragment(fragments, fragment[1], fragment[2], where)
                continue
            key, sep, value = line[1:].partition(":")
            if sep and columns is None and re.fullmatch(r"\s*[a-z_]+\s*", key):
                header[key.strip()] = value.strip()
            continue
        if columns is None:
            columns = [c.strip() for c in line.split("\t")]
            _check_columns(columns, header, where, strict)
            continue
        cells = line.split("\t")
        if len(cells) > len(columns):
            raise DictionaryError(f"{where}: {len(cells)} fields but the header has {len(columns)} columns")
        row = {c: v.strip() for c, v in zip(columns, cells)}
        entry = _entry(row, header.get("kind", "rules"), where, path, lineno, strict, fragments)
        if entry.id in seen:
            raise DictionaryError(f"{where}: duplicate id {entry.id!r} (first on line {seen[entry.id]})")
        seen[entry.id] = lineno
        entries.append(entry)
    if columns is None:
        raise DictionaryError(
            f"{path}:1: no header row (a tab-separated line of column names, e.g. 'match<TAB>suggest')"
        )
    return Dictionary(path, header.get("kind", "rules"), header, tuple(entries))


def _check_columns(columns: list[str], header: dict[str, str], where: str, strict: bool) -> None:
    kind = header.get("kind", "rules")
    if kind not in KINDS:
        raise DictionaryError(f"{where}: unknown kind {kind!r} (use {' or '.join(KINDS)})")
    if strict:
        missing = [k for k in STRICT_HEADER_KEYS if not header.get(k)]
        if missing:
            raise DictionaryError(f"{where}: header lacks {', '.join('# ' + k + ':' for k in missing)}")
    unknown = [c for c in columns if c not in KNOWN_COLUMNS]
    if unknown:
        raise DictionaryError(f"{where}: unknown column {unknown[0]!r}")
    if len(set(columns)) != len(columns):
        raise DictionaryError(f"{where}: a column is named twice")
    if "match" not in columns:
        raise DictionaryError(f"{where}: the header needs a 'match' column")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _define_fragment(fragments: dict[str, str], name: str, value: str, where: str) -> None:
    if name in fragments:
        raise DictionaryError(f"{where}: fragment {{{name}}} is defined twice")
    if not value:
        raise DictionaryError(f"{where}: fragment {{{name}}} is empty")
    value = _expand(value, fragments, where, f"fragment {{{name}}}")  # earlier fragments only
    try:
        re.compile(value)
    except re.error as e:
        raise DictionaryError(f"{where}: fragment {{{name}}}: bad regular expression: {e}") from None
    fragments[name] = value


def _expand(value: str, fragments: dict[str, str], where: str, what: str) -> str:
    """Replace each ``{NAME}`` by its fragment's text (plain text substitution)."""

    def fragment(m: re.Match) -> str:
        if m[1] not in fragments:
            raise DictionaryError(
                f"{where}: {what}: unknown fragment {m[0]} (define it above the column row: '# {m[0]}: regex')"
            )
        return fragments[m[1]]

    return _FRAGMENT_REF.sub(fragment, value)


def _regex(row: dict[str, str], key: str, where: str, fragments: dict[str, str]) -> re.Pattern | None:
    value = row.get(key, "")
    if not value:
        return None
    value = _expand(value, fragments, where, f"column {key}")
    if key.endswith("before"):
        value = f"(?:{value})\\Z"  # anchored at the start of the match: use .search
    try:
        return re.compile(value)
    except re.error as e:
        raise DictionaryError(f"{where}: column {key}: bad regular expression: {e}") from None


def _marked(example: str, where: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A bad example without its 【…】 marks, and the marked spans in the unmarked text."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for ch in example:
        if ch == MARK_OPEN:
            if start is not None:
                raise DictionaryError(f"{where}: the bad example {example!r} opens a 【 mark inside another")
            start = len(plain)
        elif ch == MARK_CLOSE:
            if start is None:
                raise DictionaryError(f"{where}: the bad example {example!r} closes a 】 mark it never opened")
            if start == len(plain):
                raise DictionaryError(f"{where}: the bad example {example!r} has an empty 【】 mark")
            spans.append((start, len(plain)))
            start = None
        else:
            plain.append(ch)
    if start is not None:
        raise DictionaryError(f"{where}: the bad example {example!r} leaves a 【 mark unclosed")
    if not spans:
        raise DictionaryError(
            f"{where}: the bad example {example!r} marks no span: put 【】 around each wrong form, as 【名族】"
        )
    return "".join(plain), tuple(spans)


def _entry(
    row: dict[str, str], kind: str, where: str, path: Path, lineno: int, strict: bool, fragments: dict[str, str]
) -> Rule:
    required = STRICT_PROTECTED_COLUMNS if kind == "protected" else STRICT_RULE_COLUMNS
    if strict:
        empty = [c for c in required if not row.get(c)]
        if empty:
            raise DictionaryError(f"{where}: empty {empty[0]!r}")
    forms = _split(row.get("match", ""))
    if not forms:
        raise DictionaryError(f"{where}: empty 'match'")
    suggestions = _split(row.get("suggest", ""))
    clash = set(forms) & set(suggestions)
    if clash:
        raise DictionaryError(f"{where}: {clash.pop()!r} is both a match and a suggestion")
    try:
        severity = Severity.parse(row["severity"]) if row.get("severity") else Severity.WARNING
    except ValueError as e:
        raise DictionaryError(f"{where}: {e}") from None
    since = None
    if row.get("since"):
        try:
            since = dt.date.fromisoformat(row["since"])
        except ValueError:
            raise DictionaryError(f"{where}: since {row['since']!r} is not a YYYY-MM-DD date") from None
    boundary = row.get("boundary") or "word"
    if boundary not in BOUNDARIES:
        raise DictionaryError(f"{where}: boundary {boundary!r} (use word or char)")
    action = row.get("action") or "replace"
    if action == "flag":  # removed: it was accepted but changed nothing
        raise DictionaryError(f"{where}: action 'flag' no longer exists: leave 'suggest' empty for a flag-only rule")
    if action not in ACTIONS:
        raise DictionaryError(f"{where}: action {action!r} (use {' or '.join(ACTIONS)})")
    marked = [_marked(example, where) for example in _split(row.get("bad", ""))]
    bad = tuple(sentence for sentence, _ in marked)
    for sentence, spans in marked if kind == "rules" else ():
        for start, end in spans:
            if sentence[start:end] not in forms:
                raise DictionaryError(f"{where}: the bad example marks {sentence[start:end]!r}, not a match form")
    good = _split(row.get("good", ""))
    for example in good:
        if MARK_OPEN in example or MARK_CLOSE in example:
            raise DictionaryError(f"{where}: the good example {example!r} has 【】 marks (only bad examples do)")
    default_message = f"“{forms[0]}”应为“{suggestions[0]}”" if suggestions else f"“{forms[0]}”需核实"
    return Rule(
        id=row.get("id") or f"{path.stem}:{lineno}",
        forms=forms,
        suggestions=suggestions,
        category=row.get("category") or "custom",
        severity=severity,
        message=row.get("message") or default_message,
        source=row.get("source") or path.name,
        bad=bad,
        good=good,
        bad_spans=tuple(spans for _, spans in marked),
        before=_regex(row, "before", where, fragments),
        after=_regex(row, "after", where, fragments),
        not_before=_regex(row, "not_before", where, fragments),
        not_after=_regex(row, "not_after", where, fragments),
        since=since,
        boundary=boundary,
        action=action,
        location=where,
    )


def iter_rules(dictionaries: Iterable[Dictionary], kind: str) -> Iterable[tuple[Dictionary, Rule]]:
    for d in dictionaries:
        if d.kind == kind:
            for r in d.entries:
                yield d, r
