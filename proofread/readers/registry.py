"""The suffix → reader registry, and reading files and bytes through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..text.article import Article
from ..text.extract import InputError

MAX_BYTES = 200 * 1024 * 1024

TextReader = Callable[[bytes, str], str]  # (data, name) -> the text to check; raises InputError
ArticleReader = Callable[[bytes, str], Article]  # (data, name) -> a published page's title, date, main text


@dataclass(frozen=True)
class Reader:
    text: TextReader
    article: ArticleReader | None = None  # for scans of published pages; None: the whole text, no title
    scanned: bool = True  # a scan reads files with this suffix in folders and archives


READERS: dict[str, Reader] = {}
# Formats we cannot read, with what to do instead; a scan lists them as unreadable.
UNSUPPORTED: dict[str, str] = {}
# Unknown suffixes are read as a file without one is: plain text.
FALLBACK_SUFFIX = ""


def reader(
    *suffixes: str, article: ArticleReader | None = None, scanned: bool = True
) -> Callable[[TextReader], TextReader]:
    """Register the decorated ``(data, name) -> text`` function for ``suffixes`` (lower case, with the dot)."""

    def register(text: TextReader) -> TextReader:
        for suffix in suffixes:
            READERS[suffix] = Reader(text, article, scanned)
        return text

    return register


def unsupported(suffix: str, reason: str) -> None:
    """Declare a format that is refused with ``reason`` (say what to do instead)."""
    UNSUPPORTED[suffix] = reason


def reader_for(suffix: str, name: str) -> Reader:
    """The reader of ``suffix``; ``InputError`` for an unsupported format."""
    if suffix in UNSUPPORTED:
        raise InputError(name, UNSUPPORTED[suffix])
    return READERS.get(suffix) or READERS[FALLBACK_SUFFIX]


def scanned_suffixes() -> set[str]:
    """Suffixes a scan takes for articles (unsupported ones too: they are reported)."""
    return {s for s, r in READERS.items() if r.scanned} | set(UNSUPPORTED)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The checkable text of a file, chosen by its suffix (unknown suffixes: plain text)."""
    path = Path(path)
    return reader_for(path.suffix.lower(), str(path)).text(_read_bytes(path, max_bytes), str(path))


def read_page(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Article:
    """A file as a scan reads it: a published page's title, date, URL, 栏目 and main text
    (``Article.document`` is the text to check); other formats: the whole text."""
    path = Path(path)
    reader_for(path.suffix.lower(), str(path))  # an unsupported format is refused before it is read
    return read_article(_read_bytes(path, max_bytes), str(path), path.suffix.lower())


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(name, "is a directory (use `proofread scan` for folders)")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(name, f"file too large ({size / 2**20:.0f} MB; limit {max_bytes / 2**20:.0f} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as e:
        raise InputError(name, f"cannot read: {e.strerror or e}") from None


def document_text(data: bytes, name: str, suffix: str) -> str:
    """Text of a document given as bytes; ``suffix`` picks the format."""
    return reader_for(suffix, name).text(data, name)


def read_article(data: bytes, name: str, suffix: str) -> Article:
    """A published page's title, date and main text; formats without pages: the whole text."""
    chosen = reader_for(suffix, name)
    if chosen.article is not None:
        return chosen.article(data, name)
    return Article("", None, chosen.text(data, name))
