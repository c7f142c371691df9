"""Plain text and Markdown: decoded, checked as written."""

from __future__ import annotations

from ..text.extract import decode
from .registry import reader


# Files without a suffix (and .text) are read by `check`, but not taken from a scan's folders.
@reader(".txt", ".md", ".markdown")
@reader(".text", "", scanned=False)
def plain_text(data: bytes, name: str) -> str:
    return decode(data, name)
