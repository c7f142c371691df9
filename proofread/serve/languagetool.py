"""LanguageTool's HTTP API (v2) on our findings: request parameters, annotated text, matches.

LanguageTool's clients (LTeX, the browser extensions, ``language_tool_python``) count offsets
and lengths in UTF-16 code units, as Java and JavaScript strings do; our findings count
code points. A character outside the BMP (𠀀, an emoji) is one code point and two units, so
every offset goes through :class:`Utf16`.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .. import __version__
from ..finding import Finding, Severity
from ..output import Locator

#: What ``GET /v2/languages`` lists; ``language`` may also be ``auto``.
LANGUAGES = [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
_ACCEPTED_LANGUAGES = {"zh", "zh-cn", "zh_cn", "zh-hans", "zh-hans-cn", "auto"}
CONTEXT_CHARS = 40  # characters of context on each side, as LanguageTool gives

# Our categories as LanguageTool categories (id, name) and ITS issue types (clients colour by these).
CATEGORY_NAMES = {
    "typo": "错别字",
    "formulation": "规范表述",
    "idiom": "成语",
    "normative": "规范用语",
    "outdated": "过时名称",
    "sensitive": "敏感词",
    "punctuation": "标点符号",
    "custom": "自定义",
}
ISSUE_TYPES = {
    "typo": "misspelling",
    "idiom": "misspelling",
    "formulation": "terminology",
    "outdated": "terminology",
    "normative": "style",
    "sensitive": "register",
    "punctuation": "typographical",
}


class RequestError(ValueError):
    """A bad request: one line naming the problem (a 400 response)."""


def check_language(value: str | None) -> str:
    """The response's language code for the ``language`` parameter; ``RequestError`` if unsupported."""
    if value is None or not value.strip():
        raise RequestError("Missing 'language' parameter, e.g. language=zh-CN")
    if value.strip().lower() not in _ACCEPTED_LANGUAGES:
        raise RequestError(f"'{value.strip()[:40]}' is not a language code this server knows; use zh-CN, zh or auto")
    return "zh-CN"


class Utf16:
    """Code-point offsets of one text → UTF-16 code-unit offsets."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]

    def __call__(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)


@dataclass(frozen=True)
class Annotated:
    """LanguageTool's ``data`` parameter: the text to check (text pieces and each markup's
    ``interpretAs``) and where each of its characters stands in the original (markup included)."""

    original: str
    plain: str
    # plain offset p lies in the run of plain[run_plain[i]:...] that starts at original run_orig[i]
    _plain_starts: list[int] = field(default_factory=list)
    _orig_starts: list[int] = field(default_factory=list)
    _literal: list[bool] = field(default_factory=list)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the plain span ``[start, end)``."""
        return self._position(start, False), self._position(end, True)

    def _position(self, p: int, is_end: bool) -> int:
        # the run holding p (an end offset belongs to the run it closes)
        i = bisect_left(self._plain_starts, p + (0 if is_end else 1)) - 1
        i = max(i, 0)
        offset = p - self._plain_starts[i]
        if not self._literal[i]:  # inside an interpretAs: the whole markup
            return self._orig_starts[i] + (self._length(i) if is_end and offset else 0)
        return self._orig_starts[i] + offset

    def _length(self, i: int) -> int:
        following = self._orig_starts[i + 1] if i + 1 < len(self._orig_starts) else len(self.original)
        return following - self._orig_starts[i]


def parse_annotation(data: str) -> Annotated:
    """Parse ``data`` (``{"annotation": [{"text": ...}, {"markup": ..., "interpretAs": ...}]}``)."""
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as e:
        raise RequestError(f"'data' is not valid JSON ({e.msg} at position {e.pos})") from None
    pieces = parsed.get("annotation") if isinstance(parsed, dict) else None
    if not isinstance(pieces, list):
        raise RequestError("'data' must be a JSON object with an 'annotation' list")
    original: list[str] = []
    plain: list[str] = []
    plain_starts: list[int] = []
    orig_starts: list[int] = []
    literal: list[bool] = []
    o = p = 0
    for n, piece in enumerate(pieces):
        if not isinstance(piece, dict):
            raise RequestError(f"'data' annotation item {n} is not an object")
        text, markup, interpret = piece.get("text"), piece.get("markup"), piece.get("interpretAs", "")
        if (text is None) == (markup is None) or not isinstance(text if markup is None else markup, str):
            raise RequestError(f"'data' annotation item {n} needs exactly one of 'text' or 'markup' (a string)")
        if not isinstance(interpret, str) or (text is not None and "interpretAs" in piece):
            raise RequestError(f"'data' annotation item {n}: 'interpretAs' is a string, and only beside 'markup'")
        shown: str = text if text is not None else interpret
        source: str = text if text is not None else str(markup)
        plain_starts.append(p)
        orig_starts.append(o)
        literal.append(text is not None)
        original.append(source)
        plain.append(shown)
        o += len(source)
        p += len(shown)
    return Annotated("".join(original), "".join(plain), plain_starts, orig_starts, literal)


def plain(text: str) -> Annotated:
    """A ``text`` parameter as an annotation of one piece."""
    return Annotated(text, text, [0], [0], [True])


def _ids(value: str | None) -> set[str]:
    return {v.strip() for v in (value or "").split(",") if v.strip()}


@dataclass(frozen=True)
class RuleFilter:
    """``enabledRules``, ``disabledRules``, ``enabledCategories``, ``disabledCategories``, ``enabledOnly``.

    Rule ids are ours (``typo.minzu``); categories are ours, in any case (``TYPO``, ``typo``).
    Unknown ids match nothing and are ignored, as LanguageTool ignores them.
    """

    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()
    disabled_categories: frozenset[str] = frozenset()
    enabled_only: bool = False
    min_severity: Severity = Severity.INFO

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> RuleFilter:
        enabled_only = (params.get("enabledOnly") or "false").strip().lower()
        if enabled_only not in ("true", "false"):
            raise RequestError(f"'enabledOnly' must be true or false, not '{enabled_only[:20]}'")
        level = (params.get("level") or "default").strip().lower()
        if level not in ("default", "picky"):
            raise RequestError(f"'level' must be default or picky, not '{level[:20]}'")
        result = cls(
            frozenset(_ids(params.get("enabledRules"))),
            frozenset(_ids(params.get("disabledRules"))),
            frozenset(c.lower() for c in _ids(params.get("enabledCategories"))),
            frozenset(c.lower() for c in _ids(params.get("disabledCategories"))),
            enabled_only == "true",
        )
        if result.enabled_only and not (result.enabled_rules or result.enabled_categories):
            raise RequestError("'enabledOnly=true' needs 'enabledRules' or 'enabledCategories'")
        return result

    def keeps(self, f: Finding) -> bool:
        if f.severity < self.min_severity:
            return False
        category = f.category.lower()
        if self.enabled_only:
            return f.rule in self.enabled_rules or category in self.enabled_categories
        if f.rule in self.enabled_rules:  # named explicitly: wins over its category being off
            return True
        return f.rule not in self.disabled_rules and category not in self.disabled_categories

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.keeps(f)]


def software() -> dict:
    """The ``software`` block of a response."""
    return {
        "name": "proofread",
        "version": __version__,
        "buildDate": None,
        "apiVersion": 1,
        "premium": False,
        "status": "",
    }


def category(name: str) -> dict:
    return {"id": name.upper(), "name": CATEGORY_NAMES.get(name, name)}


def response(annotated: Annotated, findings: Sequence[Finding]) -> dict:
    """The ``/v2/check`` response for ``findings`` (offsets into ``annotated.plain``)."""
    plain_units, original_units = Utf16(annotated.plain), Utf16(annotated.original)
    locate = Locator(annotated.plain)
    matches = []
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        start, end = annotated.to_original(f.start, f.end)
        s, e = locate.sentence(f.start, f.end)
        c_start, c_end = max(0, f.start - CONTEXT_CHARS), min(len(annotated.plain), f.end + CONTEXT_CHARS)
        matches.append(
            {
                "message": f.message or f"“{f.original}”" + (f"，建议：{f.suggestions[0]}" if f.suggestions else ""),
                "shortMessage": CATEGORY_NAMES.get(f.category, f.category),
                "replacements": [{"value": s} for s in f.suggestions],
                "offset": original_units(start),
                "length": original_units(end) - original_units(start),
                "context": {
                    "text": annotated.plain[c_start:c_end],
                    "offset": plain_units(f.start) - plain_units(c_start),
                    "length": plain_units(f.end) - plain_units(f.start),
                },
                "sentence": annotated.plain[s:e].strip(),
                "type": {"typeName": "Hint" if f.severity == Severity.INFO else "Other"},
                "rule": {
                    "id": f.rule,
                    "description": f.message or f.rule,
                    "issueType": ISSUE_TYPES.get(f.category, "uncategorized"),
                    "category": category(f.category),
                },
                "ignoreForIncompleteSentence": False,
                "contextForSureMatch": 0,
                # ours; LanguageTool clients ignore fields they do not know
                "severity": str(f.severity),
                "confidence": f.confidence,
                "source": f.source,
            }
        )
    return {
        "software": software(),
        "warnings": {"incompleteResults": False},
        "language": {
            "name": "Chinese",
            "code": "zh-CN",
            "detectedLanguage": {"name": "Chinese", "code": "zh-CN", "confidence": 1.0},
        },
        "matches": matches,
    }
