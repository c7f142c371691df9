"""Reading one item into the text to check, its title, date and URL (runs in the workers)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..readers import read_article, reader_for
from ..text.article import Article, extract_article, parse_date
from ..text.extract import InputError
from .sources import Item

TEXT_FIELDS = ("text", "content", "body", "正文")
HTML_FIELDS = ("html",)
COLUMN_FIELDS = ("column", "channel", "栏目")
# Folders named by date (2022, 202203, t20220305, 05) say when, not which 栏目.
_DATED = re.compile(r"^(?:t?\d{4,8}(?:_\d+)?|\d{1,2})$", re.I)


@dataclass(frozen=True)
class Loaded:
    """The checked text is the title (when there is one) on its own line, then the main text."""

    text: str
    title: str
    date: dt.date | None
    url: str
    digest: str  # sha1 of the raw bytes read
    column: str = ""  # 栏目: the page's own, else the last folder of its URL or path not named by date
    dropped: int = 0  # blocks of the page's visible text not checked (menus, footers)


def load_item(item: Item, *, max_bytes: int, zips: dict[str, zipfile.ZipFile] | None = None) -> Loaded:
    """Read ``item``; raises ``InputError`` with a one-line reason when it cannot be checked."""
    if item.kind == "jsonl":
        return _load_jsonl(item, max_bytes)
    suffix = PurePosixPath(item.member or item.file).suffix.lower()
    reader_for(suffix, item.path)  # an unsupported format is refused before it is read
    if item.size > max_bytes:
        raise InputError(item.path, f"file too large ({item.size / 2**20:.0f} MB; limit {max_bytes / 2**20:.0f} MB)")
    data = _read_member(item, zips) if item.kind == "zip" else _read_file(item)
    digest = hashlib.sha1(data).hexdigest()
    return _loaded(read_article(data, item.path, suffix), digest, item.path)


def _read_file(item: Item) -> bytes:
    try:
        return Path(item.file).read_bytes()
    except FileNotFoundError:
        raise InputError(item.path, "no such file (removed during the scan)") from None
    except PermissionError:
        raise InputError(item.path, "permission denied") from None
    except OSError as e:
        raise InputError(item.path, f"cannot read: {e.strerror or e}") from None


def _read_member(item: Item, zips: dict[str, zipfile.ZipFile] | None) -> bytes:
    try:
        archive = zips.get(item.file) if zips is not None else None
        if archive is None:
            archive = zipfile.ZipFile(item.file)
            if zips is not None:
                zips[item.file] = archive
        return archive.read(item.member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError) as e:
        raise InputError(item.path, f"cannot extract from archive ({type(e).__name__}: {e})") from None
    except Exception as e:  # zlib.error and friends for corrupt members
        raise InputError(item.path, f"corrupt archive member ({type(e).__name__}: {e})") from None


def _load_jsonl(item: Item, max_bytes: int) -> Loaded:
    if item.size > max_bytes:
        raise InputError(item.path, f"line too large ({item.size / 2**20:.0f} MB; limit {max_bytes / 2**20:.0f} MB)")
    try:
        with open(item.file, "rb") as handle:
            handle.seek(item.offset)
            line = handle.readline()
    except OSError as e:
        raise InputError(item.path, f"cannot read: {e.strerror or e}") from None
    return load_line(line, item.path)


def load_line(line: bytes, name: str) -> Loaded:
    """One JSONL line (or a Parquet row as JSON): ``text`` or ``html``, ``title``, ``url``, ``date``, 栏目."""
    digest = hashlib.sha1(line).hexdigest()
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("not an object")
    except ValueError as e:
        raise InputError(name, f"not a JSON object ({e})") from None
    title = str(record.get("title") or "").strip()
    url = str(record.get("url") or "").strip()
    date = _date(record.get("date") or record.get("pubdate") or record.get("published"))
    column = next((str(record[f]).strip() for f in COLUMN_FIELDS if str(record.get(f) or "").strip()), "")
    text = next((record[f] for f in TEXT_FIELDS if isinstance(record.get(f), str) and record[f].strip()), None)
    if text is None:
        markup = next((record[f] for f in HTML_FIELDS if isinstance(record.get(f), str)), None)
        if markup is None:
            raise InputError(name, f"no text field ({', '.join(TEXT_FIELDS + HTML_FIELDS)})")
        page = extract_article(markup)
        article = Article(
            title or page.title, date or page.date, page.text, url or page.url, column or page.column, page.dropped
        )
    else:
        article = Article(title, date, text, url, column)
    return _loaded(article, digest, name)


def _date(value) -> dt.date | None:
    return parse_date(value) if isinstance(value, str) else None


def _loaded(article: Article, digest: str, name: str) -> Loaded:
    title, body = article.title, article.text.strip("\n")
    if not body.strip() and not title.strip():
        raise InputError(name, "no article text found")
    text = f"{title}\n{body}" if title else body
    column = article.column or path_column(article.url.split("://", 1)[-1].partition("/")[2] or name)
    return Loaded(text, title, article.date, article.url, digest, column, article.dropped)


def path_column(path: str) -> str:
    """The 栏目 a URL path or archive path suggests: its last folder not named by date."""
    folders = [f for f in path.split("?")[0].split("/")[:-1] if f and not _DATED.match(f)]
    return folders[-1] if folders else ""
