"""What a scan reads: articles in folders (recursive), .zip archives and JSONL exports.

Each article is an :class:`Item`, keyed by its source and its path inside it
(``folder/page.html``, ``site.zip/2022/a.html``, ``export.jsonl:17``), with a cheap
fingerprint that changes when its content does. Items are only located here;
workers read them (:mod:`proofread.scan.load`). Problems found while walking (a
corrupt archive, a malformed JSONL line) become items that carry their error.

With ``exports=True`` (the Spark engine) a JSONL or Parquet file is one ``export``
item, split into its lines or rows where it is read (:func:`export_lines`), so that
a large export is never read on the machine that walks the sources.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..readers import scanned_suffixes

ARCHIVE_SUFFIXES = {".zip"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
UNIT_FIELDS = ("unit", "site", "account", "单位")


@dataclass(frozen=True)
class Item:
    """One article to check (or a failure to report, when ``error`` is set)."""

    source: str  # the SOURCE argument, resolved
    path: str  # posix path inside the source; "export.jsonl:17" for a JSONL line
    kind: str  # "file", "zip", "jsonl", "error"; with exports: "jsonl-export", "parquet-export"
    unit: str
    fingerprint: str  # changes when the content changes
    file: str = ""  # the file to open (the archive, for "zip")
    member: str = ""  # archive member name
    offset: int = 0  # byte offset of a JSONL line
    size: int = 0
    error: str = ""
    top: str = ""  # exports: the unit of a line or row that names none (before the unit mapping)


class UnitMap:
    """``prefix → unit`` lines (TSV or CSV): a path prefix (``siteA``, ``siteA/news``) or a URL prefix/host."""

    def __init__(self, rules: list[tuple[str, str]] | None = None) -> None:
        # Longest prefix first, so a sub-folder's own unit beats its site's.
        self.rules = sorted(rules or [], key=lambda r: -len(r[0]))

    @classmethod
    def load(cls, path: str | Path) -> UnitMap:
        """Read a mapping file; raises ``ValueError`` with ``file:line`` on a bad line."""
        rules = []
        text = Path(path).read_text(encoding="utf-8-sig")
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            sep = "\t" if "\t" in line else ","
            prefix, _, unit = (part.strip() for part in line.partition(sep))
            if not prefix or not unit:
                raise ValueError(f"{path}:{n}: expected 'prefix<TAB>unit' (or 'prefix,unit')")
            rules.append((_strip_scheme(prefix).rstrip("/"), unit))
        return cls(rules)

    def unit_for(self, path: str, url: str = "") -> str | None:
        candidates = [path] + ([_strip_scheme(url)] if url else [])
        for prefix, unit in self.rules:
            for value in candidates:
                if value == prefix or value.startswith(prefix + "/"):
                    return unit
        return None


def _strip_scheme(value: str) -> str:
    for scheme in ("https://", "http://"):
        if value.lower().startswith(scheme):
            return value[len(scheme) :]
    return value


def iter_items(sources: list[Path], units: UnitMap, *, max_bytes: int, exports: bool = False) -> Iterator[Item]:
    """Every item of every source, in a stable order; ``exports``: JSONL and Parquet files unsplit."""
    for source in sources:
        source = source.resolve()
        if source.is_dir():
            yield from _walk_dir(source, units, max_bytes, exports)
        else:
            yield from _container_or_file(source, source, source.name, units, max_bytes, None, exports)


def export_lines(item: Item, units: UnitMap) -> Iterator[Item]:
    """The line items of a ``jsonl-export`` item: those ``iter_items`` gives without ``exports``."""
    return _walk_jsonl(Path(item.source), Path(item.file), item.path, units, item.top, item.fingerprint)


def record_unit(record: dict, units: UnitMap, rel: str, default: str) -> str:
    """The unit of a JSONL line or Parquet row: its own field, else the mapping, else ``default``."""
    url = str(record.get("url") or "")
    unit = next((str(record[f]).strip() for f in UNIT_FIELDS if str(record.get(f) or "").strip()), None)
    return unit or units.unit_for(rel, url) or default


def _walk_dir(root: Path, units: UnitMap, max_bytes: int, exports: bool) -> Iterator[Item]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            top = rel.split("/", 1)[0] if "/" in rel else None
            yield from _container_or_file(root, path, rel, units, max_bytes, top, exports)
        while errors:
            e = errors.pop()
            rel = Path(e.filename).relative_to(root).as_posix() if e.filename else "."
            yield _failed(root, rel, _unit(units, rel, root, None), f"cannot read folder: {e.strerror or e}")


def _unit(units: UnitMap, rel: str, source: Path, top: str | None, url: str = "") -> str:
    return units.unit_for(rel, url) or top or source.stem


def _failed(source: Path, rel: str, unit: str, reason: str, fingerprint: str = "") -> Item:
    return Item(str(source), rel, "error", unit, fingerprint or f"error:{reason}", error=reason)


def _container_or_file(
    source: Path, path: Path, rel: str, units: UnitMap, max_bytes: int, top: str | None, exports: bool
) -> Iterator[Item]:
    suffix = path.suffix.lower()
    try:
        st = path.stat()
    except OSError as e:
        yield _failed(source, rel, _unit(units, rel, source, top), f"cannot read: {e.strerror or e}")
        return
    stamp = f"{st.st_size}:{st.st_mtime_ns}"
    if suffix in ARCHIVE_SUFFIXES:
        yield from _walk_zip(source, path, rel, units, max_bytes, top, stamp)
    elif exports and suffix in JSONL_SUFFIXES | PARQUET_SUFFIXES:
        kind = "jsonl-export" if suffix in JSONL_SUFFIXES else "parquet-export"
        unit = _unit(units, rel, source, top)
        yield Item(str(source), rel, kind, unit, stamp, file=str(path), size=st.st_size, top=top or path.stem)
    elif suffix in JSONL_SUFFIXES:
        yield from _walk_jsonl(source, path, rel, units, top, stamp)
    elif suffix in scanned_suffixes() or path == source:
        yield Item(str(source), rel, "file", _unit(units, rel, source, top), stamp, file=str(path), size=st.st_size)


def _walk_zip(
    source: Path, path: Path, rel: str, units: UnitMap, max_bytes: int, top: str | None, stamp: str
) -> Iterator[Item]:
    # A .zip given as SOURCE: units come from its own top folders, else from its name.
    inside_source = path == source
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        yield _failed(source, rel, _unit(units, rel, source, top), f"not a readable .zip archive ({e})", stamp)
        return
    articles = scanned_suffixes()
    for info in sorted(members, key=lambda i: i.filename):
        if info.is_dir():
            continue
        name = _member_name(info)
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in articles:
            continue
        member_rel = name if inside_source else f"{rel}/{name}"
        member_top = top
        if inside_source:
            member_top = name.split("/", 1)[0] if "/" in name else path.stem
        unit = _unit(units, member_rel, source, member_top)
        fingerprint = f"{info.CRC:08x}:{info.file_size}"
        if info.flag_bits & 0x1:
            yield _failed(source, member_rel, unit, "encrypted archive member", fingerprint)
        elif info.file_size > max_bytes:
            yield _failed(
                source,
                member_rel,
                unit,
                f"file too large ({info.file_size / 2**20:.0f} MB; limit {max_bytes / 2**20:.0f} MB)",
                fingerprint,
            )
        else:
            yield Item(
                str(source),
                member_rel,
                "zip",
                unit,
                fingerprint,
                file=str(path),
                member=info.filename,
                size=info.file_size,
            )


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are often GBK (archives made on Chinese Windows)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _walk_jsonl(source: Path, path: Path, rel: str, units: UnitMap, top: str | None, stamp: str) -> Iterator[Item]:
    try:
        handle = path.open("rb")
    except OSError as e:
        yield _failed(source, rel, _unit(units, rel, source, top), f"cannot read: {e.strerror or e}", stamp)
        return
    default_top = top or path.stem
    with handle:
        offset = 0
        for n, line in enumerate(handle, 1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            key = f"{rel}:{n}"
            fingerprint = hashlib.sha1(line).hexdigest()
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as e:
                reason = f"line {n}: not a JSON object ({str(e).splitlines()[0][:80]})"
                yield _failed(source, key, _unit(units, rel, source, default_top), reason, fingerprint)
                continue
            unit = record_unit(record, units, rel, default_top)
            yield Item(str(source), key, "jsonl", unit, fingerprint, file=str(path), offset=start, size=len(line))
