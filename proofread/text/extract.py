"""Document bytes -> text: decoding, the visible text of HTML, the paragraphs of .docx.

Which of these reads a file is the job of :mod:`proofread.readers` (by suffix).

Every failure is an ``InputError`` whose message names the file and says what is
wrong in one line; callers print it, they never show a traceback.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser


class InputError(Exception):
    """A document cannot be read; ``str(e)`` is ``"<name>: <reason>"``."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)


def decode(data: bytes, name: str, *, html: bool = False) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030/GBK/GB2312."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    name, f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}"
                ) from None
    if b"\x00" in data[:65536]:
        raise InputError(name, "binary file (contains NUL bytes), not text")
    declared = _META_CHARSET.search(data[:4096]) if html else None
    prefer_gb = bool(declared and declared.group(1).lower() in (b"gbk", b"gb2312", b"gb18030", b"x-gbk"))
    order = ("gb18030", "utf-8") if prefer_gb else ("utf-8", "gb18030")
    for encoding in order:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _looks_like_text(text):
            return text
    raise InputError(name, "not text in UTF-8 or GB18030/GBK encoding (binary file or unknown encoding)")


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes many binary byte strings; accept only plausible text."""
    sample = text[:20000]
    if not sample:
        return True
    odd = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\t\n\r\f")
    return odd / len(sample) < 0.01


class _VisibleText(HTMLParser):
    """Collects the text a browser shows: no <head>, <script>, <style> and the like."""

    HIDDEN = {"head", "script", "style", "noscript", "template", "svg", "iframe", "object"}
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "form",
        "title",
        "caption",
        "address",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden.append(tag)
        elif tag in self.BLOCK and not self.hidden:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in self.BLOCK and not self.hidden:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            # Tolerate malformed nesting: close the innermost matching hidden tag.
            if tag in self.hidden:
                while self.hidden and self.hidden.pop() != tag:
                    pass
        elif tag in self.BLOCK and not self.hidden:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v\n]+")
# CSS Text 3: a line break in the source between two wide (CJK) characters renders as nothing.
_CJK_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*[\r\n][ \t\r\n]*(?=[\u3000-\u9fff\uff00-\uffef])")
_BLANK_LINES = re.compile(r" *\n[ \n]*")


def html_text(markup: str) -> str:
    """Visible text of an HTML page: blocks on their own lines, white space collapsed as a browser does."""
    parser = _VisibleText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; anything it still rejects keeps what was read
        pass
    chunks = []
    for part in parser.parts:
        chunks.append("\n" if part == "\n" else _SPACES.sub(" ", _CJK_WRAP.sub("", part)))
    return _BLANK_LINES.sub("\n", "".join(chunks)).strip()


def docx_text(data: bytes, name: str) -> str:
    """Paragraphs and table cells (nested tables too, merged cells once) of a .docx in document
    order, one paragraph a line; then the text of its headers and footers (“××局文件”)."""
    try:
        return "\n".join(p.text for p in docx_all_paragraphs(open_docx(data, name))[0])
    except InputError:
        raise
    except Exception as e:  # python-docx/lxml raise many types for corrupt parts
        raise InputError(name, f"corrupt .docx file ({type(e).__name__}: {first_line(e)})") from None


def open_docx(data: bytes, name: str):
    """The python-docx ``Document`` of ``data``; ``InputError`` if it is not one."""
    import docx  # python-docx; imported here because only .docx needs it

    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(name, f"not a valid .docx file ({first_line(e)})") from None
    except Exception as e:
        raise InputError(name, f"corrupt .docx file ({type(e).__name__}: {first_line(e)})") from None


def docx_paragraphs(container, seen: set | None = None) -> Iterator:
    """The paragraphs of a document or table cell in reading order, those of table cells
    included (nested tables too); a merged cell is listed once per grid position it spans
    and read once. ``docx_text`` joins their text, so offsets into it map back here."""
    from docx.table import Table

    seen = set() if seen is None else seen
    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            yield block
            continue
        for row in block.rows:
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    yield from docx_paragraphs(cell, seen)  # cells may hold tables of their own


_HEADERS_FOOTERS = (
    "first_page_header",
    "header",
    "even_page_header",
    "first_page_footer",
    "footer",
    "even_page_footer",
)


def docx_all_paragraphs(document) -> tuple[list, int]:
    """The body's paragraphs (:func:`docx_paragraphs`), then the non-empty paragraphs of each
    header and footer once (sections share a linked one); and how many are the body's."""
    body = list(docx_paragraphs(document))
    margins: list = []
    seen: set[int] = set()
    for section in document.sections:
        for kind in _HEADERS_FOOTERS:
            part = getattr(section, kind)
            if part.is_linked_to_previous or id(part.part) in seen:
                continue  # no definition of its own: the previous section's, already read
            seen.add(id(part.part))
            margins.extend(p for p in docx_paragraphs(part) if p.text.strip())
    return body + margins, len(body)


def first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0][:120] if text else type(e).__name__
