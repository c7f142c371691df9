"""Word .docx: paragraphs and table cells in reading order, one paragraph a line."""

from __future__ import annotations

from ..text.extract import docx_text
from .registry import reader

DOCX_SUFFIXES = (".docx",)

reader(*DOCX_SUFFIXES)(docx_text)
