"""Sentence splitting with exact offsets.

Splits after 。！？；… (and ASCII !?; ) and at line breaks, keeps closing quotes
and brackets with their sentence, and does not split inside quotes or brackets.
Over-long stretches are cut (at a comma where possible) so that every later
stage stays linear even on a 10 MB line without punctuation.
"""

from __future__ import annotations

import re

TERMINATORS = "。！？；!?;…"
OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕"}
CLOSERS = set(OPENERS.values())
SOFT_BREAKS = "，、,：: "
MAX_SENTENCE = 400
# Brackets left open longer than this are treated as unbalanced (typo or stray quote).
MAX_NESTED = 200

_BOUNDARY = re.compile(r"[\n\r\u2028\u2029" + re.escape(TERMINATORS + "".join(OPENERS) + "".join(CLOSERS)) + r'"]')


def split_sentences(text: str, max_len: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    stack: list[tuple[str, int]] = []  # (expected closer, position opened)
    n = len(text)
    i = 0
    for m in _BOUNDARY.finditer(text):
        i = m.start()
        if i < start:
            continue
        ch = text[i]
        if stack and i - stack[-1][1] > MAX_NESTED:
            stack.clear()
        if ch in "\n\r\u2028\u2029":
            stack.clear()
            _emit(text, start, i, spans, max_len)
            start = i + 1
        elif ch == '"':
            if stack and stack[-1][0] == '"':
                stack.pop()
                if i > start and text[i - 1] in TERMINATORS and not stack:
                    _emit(text, start, i + 1, spans, max_len)
                    start = i + 1
            else:
                stack.append(('"', i))
        elif ch in OPENERS:
            stack.append((OPENERS[ch], i))
        elif ch in CLOSERS:
            if stack and stack[-1][0] == ch:
                stack.pop()
            # A closer right after a terminator ends the sentence with it: 他说：“好。”
            if not stack and i > start and text[i - 1] in TERMINATORS:
                _emit(text, start, i + 1, spans, max_len)
                start = i + 1
        elif not stack:
            end = i + 1
            while end < n and text[end] in TERMINATORS:
                end += 1
            if end < n and text[end] in CLOSERS:
                continue  # the closer branch ends the sentence
            if ch in "!?;" and end < n and not text[end].isspace():
                continue  # ASCII punctuation inside Latin text or URLs
            _emit(text, start, end, spans, max_len)
            start = end
    _emit(text, start, n, spans, max_len)
    return spans


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]], max_len: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_len:
        cut = _soft_cut(text, start, start + max_len)
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Last soft break in the second half of ``[start, limit)``, else ``limit``."""
    floor = start + (limit - start) // 2
    for j in range(limit - 1, floor, -1):
        if text[j] in SOFT_BREAKS:
            return j + 1
    return limit
