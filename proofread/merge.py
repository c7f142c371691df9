"""Merging of overlapping findings.

Precedence, stated once: a protected term suppresses every finding inside or
across its span (one that strictly contains it, such as a wrong formulation
around a leader's title, stays); then higher component priority wins (curated
dictionaries beat the model), then higher severity, then the longer span, then
the earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checkers.base import Sentence
from .finding import Finding


def merge(findings: Sequence[Finding], sentence: Sentence) -> list[Finding]:
    """Resolve the findings of one sentence (sentence-local offsets)."""
    if not findings:
        return []
    kept = [f for f in findings if not _protected(f, sentence)]
    kept.sort(key=lambda f: (-f.priority, -f.severity, -(f.end - f.start), f.start, f.rule))
    chosen: list[Finding] = []
    for f in kept:
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    chosen.sort(key=lambda f: (f.start, f.end))
    return chosen


def _protected(f: Finding, sentence: Sentence) -> bool:
    for p_start, p_end in sentence.protected:
        overlaps = f.start < p_end and p_start < f.end
        contains = f.start <= p_start and p_end <= f.end and (f.end - f.start) > (p_end - p_start)
        # A protected term only counts where it stands as a word (not across two words).
        if overlaps and not contains and sentence.is_word_span(p_start, p_end):
            return True
    return False


def drop_repeated_forms(text: str, findings: list[Finding], learned_below: int) -> list[Finding]:
    """Drop the findings of learned models (priority below ``learned_below``) whose form -- the
    flagged characters with one neighbour on each side -- stands twice or more in ``text``: a form
    a writer used twice in one document is deliberate (a name, a term of the trade), which a
    model cannot know and a curated rule would have said. At either end of the text there is no
    such form, and the finding stays (a shorter form would match far too often)."""
    out = []
    for f in findings:
        if f.priority < learned_below and 0 < f.start and f.end < len(text):
            if text.count(text[f.start - 1 : f.end + 1]) >= 2:
                continue
        out.append(f)
    return out
