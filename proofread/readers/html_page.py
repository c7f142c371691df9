"""HTML: the visible text; in a scan, the article's title, date and main text."""

from __future__ import annotations

from ..text.article import Article, extract_article
from ..text.extract import decode, html_text
from .registry import reader


def html_article(data: bytes, name: str) -> Article:
    return extract_article(decode(data, name, html=True))


@reader(".html", ".htm", ".xhtml", ".shtml", article=html_article)
def html_page(data: bytes, name: str) -> str:
    return html_text(decode(data, name, html=True))
