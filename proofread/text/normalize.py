"""Normalisation that keeps an exact map back to the original offsets.

Checkers see full-width letters and digits as ASCII and never see invisible
format characters (a zero-width space inside 名\u200b族 would otherwise hide the
error); every finding is mapped back to the user's original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Removed: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")

# One-to-one replacements: full-width ASCII letters/digits, NBSP and ideographic space.
# Full-width punctuation (，。！？：；（）) is ordinary Chinese punctuation and is kept.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_WIDTH[0x00A0] = 0x20
_WIDTH[0x3000] = 0x20


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus what is needed to map its offsets back."""

    original: str
    text: str
    # Normalised index before which each removed character stood (sorted).
    _removed_at: tuple[int, ...] = field(default=(), repr=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` to the original text."""
        if not self._removed_at:
            return start, end
        o_start = start + bisect_right(self._removed_at, start)
        if end <= start:
            return o_start, o_start
        o_last = (end - 1) + bisect_right(self._removed_at, end - 1)
        return o_start, o_last + 1


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for checking; linear in its length."""
    mapped = text.translate(_WIDTH)
    if not _INVISIBLE_RE.search(mapped):
        return NormalizedText(text, mapped)
    removed_at: list[int] = []
    kept = 0
    pieces: list[str] = []
    pos = 0
    for m in _INVISIBLE_RE.finditer(mapped):
        pieces.append(mapped[pos : m.start()])
        kept += m.start() - pos
        removed_at.append(kept)
        pos = m.end()
    pieces.append(mapped[pos:])
    return NormalizedText(text, "".join(pieces), tuple(removed_at))
