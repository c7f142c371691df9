"""What runs in Spark's Python workers: one checker per process, batches of pandas rows in and out.

Spark keeps a Python worker alive across tasks (``spark.python.worker.reuse``, the
default), so the ``Proofreader`` built by the first batch of a process serves every
later one; its model files are memory-mapped, so the workers of one host share pages.
Nothing here imports pyspark: these functions only see pandas frames.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from ..checkers import with_threads
from ..finding import Finding, Severity, apply_findings
from ..pipeline import Proofreader
from ..scan.load import Loaded, load_item, load_line
from ..scan.sources import Item, UnitMap, export_lines, record_unit
from ..scan.store import FINDING_COLUMNS
from ..scan.work import BatchChecker
from ..text.article import parse_date
from ..text.extract import InputError

#: The fields of a finding, as in the JSON Lines contract.
FINDING_FIELDS = (
    "start",
    "end",
    "original",
    "suggestions",
    "category",
    "severity",
    "rule",
    "source",
    "confidence",
    "message",
)
#: An item as a row: ``Item``'s fields, and a Parquet row's fields as JSON (kind "record").
ITEM_COLUMNS = ("source", "path", "kind", "unit", "fingerprint", "file", "member", "offset", "size", "error", "top")
#: A scan's finding columns, as the store keeps them (``scan.store.FINDING_COLUMNS``, ``source`` named as in
#: findings.csv: the dictionary).
STORED_FINDING = tuple("dictionary" if c == "source" else c for c in FINDING_COLUMNS)
#: One row per document of a scan; ``findings`` holds its finding rows as a JSON list of ``STORED_FINDING`` objects.
DOCUMENT_COLUMNS = (
    "unit",
    "source",
    "path",
    "fingerprint",
    "status",  # done, failed, or outside (published outside the inspection period: recorded, not checked)
    "reason",
    "title",
    "url",
    "date",
    "chars",
    "digest",
    "column",  # 栏目
    "dropped",  # blocks of the page's visible text not checked
    "n_findings",
    "n_error",
    "n_warning",
    "n_info",
    "findings",
)


@dataclass(frozen=True)
class Settings:
    """How the workers build their proofreader (hashable: the key of the per-process cache)."""

    dicts: tuple[str, ...] = ()
    components: tuple[str, ...] | None = None
    config: str = "{}"  # Proofreader(config=...) as JSON
    max_bytes: int = 20 * 2**20
    date: dt.date | None = None  # for documents without one (default: today)
    batch: int = 32  # documents per Proofreader.pipe call
    disabled: tuple[str, ...] = ()  # rules never reported (proofread.toml)
    severities: tuple[tuple[str, str], ...] = ()  # (rule, severity): instead of the rule's own
    since: dt.date | None = None  # the inspection period: documents published outside it are not checked
    until: dt.date | None = None


_CHECKERS: dict[Settings, BatchChecker] = {}


def checker(settings: Settings) -> BatchChecker:
    """This process's checker for ``settings``, built on first use."""
    found = _CHECKERS.get(settings)
    if found is None:
        # Spark runs one Python worker per core: one model thread each.
        proofreader = Proofreader(
            extra_dictionaries=settings.dicts,
            components=list(settings.components) if settings.components is not None else None,
            config=with_threads(json.loads(settings.config), 1),
            disabled_rules=settings.disabled,
            severities=dict(settings.severities),
        )
        found = _CHECKERS[settings] = BatchChecker(
            proofreader,
            max_bytes=settings.max_bytes,
            default_date=settings.date,
            since=settings.since,
            until=settings.until,
        )
    return found


def bucket(source: str, path: str, chunks: int) -> int:
    """The chunk of an item: a stable hash of its key, the same on every machine and run."""
    return zlib.crc32(f"{source}\n{path}".encode()) % chunks


# -- the library's findings() and documents(): a text column in, rows out ------------------------------------


def text_findings(
    frames: Iterable[pd.DataFrame], settings: Settings, text: str, date: str | None, keep: list[str]
) -> Iterator[pd.DataFrame]:
    """One row per finding: the ``keep`` columns, then ``FINDING_FIELDS``."""
    for frame, results in _checked(frames, settings, text, date):
        rows: list[tuple] = []
        for i, found in enumerate(results):
            if isinstance(found, list):
                rows.extend((i, *_contract(f)) for f in found)
        index = [r[0] for r in rows]
        out = frame[keep].iloc[index].reset_index(drop=True)
        for n, name in enumerate(FINDING_FIELDS, 1):
            out[name] = pd.Series([r[n] for r in rows], dtype=object)
        yield out


def text_documents(
    frames: Iterable[pd.DataFrame], settings: Settings, text: str, date: str | None, keep: list[str]
) -> Iterator[pd.DataFrame]:
    """One row per document: the ``keep`` columns, ``corrected``, counts by severity, ``reason``."""
    for frame, results in _checked(frames, settings, text, date):
        out = frame[keep].reset_index(drop=True)
        columns: dict[str, list[Any]] = {
            n: [] for n in ("corrected", "n_findings", "n_error", "n_warning", "n_info", "reason")
        }
        for value, found in zip(frame[text], results):
            ok = isinstance(found, list)
            findings = found if isinstance(found, list) else []
            columns["corrected"].append(apply_findings(value, findings) if ok else None)
            columns["reason"].append("" if ok else found)
            for name, count in _counts(findings).items():
                columns[name].append(count)
        for name, values in columns.items():
            out[name] = pd.Series(values, dtype=object)
        yield out


def _checked(
    frames: Iterable[pd.DataFrame], settings: Settings, text: str, date: str | None
) -> Iterator[tuple[pd.DataFrame, list[list[Finding] | str]]]:
    check = checker(settings)
    for frame in frames:
        results: list[list[Finding] | str] = []
        texts = list(frame[text])
        dates = list(frame[date]) if date else [None] * len(texts)
        for start in range(0, len(texts), settings.batch):
            todo, where = [], []
            for i in range(start, min(start + settings.batch, len(texts))):
                if isinstance(texts[i], str):
                    todo.append((texts[i], _as_date(dates[i])))
                    where.append(i)
            found = check.findings(todo) if todo else []
            part: list[list[Finding] | str] = ["no text (null or not a string)"] * (
                min(start + settings.batch, len(texts)) - start
            )
            for i, f in zip(where, found):
                part[i - start] = f
            results.extend(part)
        yield frame, results


def _contract(f: Finding) -> tuple:
    return (
        f.start,
        f.end,
        f.original,
        list(f.suggestions),
        f.category,
        str(f.severity),
        f.rule,
        f.source,
        f.confidence,
        f.message,
    )


def _counts(findings: list[Finding]) -> dict[str, int]:
    severities = [f.severity for f in findings]
    return {
        "n_findings": len(severities),
        "n_error": severities.count(Severity.ERROR),
        "n_warning": severities.count(Severity.WARNING),
        "n_info": severities.count(Severity.INFO),
    }


def _as_date(value: Any) -> dt.date | None:
    """A date column's value (date, timestamp or ``YYYY-MM-DD`` text) as a date; None when absent."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


# -- the scan: items in, one row per document out ------------------------------------------------------------


def split_exports(frames: Iterable[pd.DataFrame], units: UnitMap, chunk: int, chunks: int) -> Iterator[pd.DataFrame]:
    """The line items of each ``jsonl-export`` item that fall in ``chunk``."""
    for frame in frames:
        rows = []
        for export in _items(frame):
            for item in export_lines(export, units):
                if bucket(item.source, item.path, chunks) == chunk:
                    rows.append(_item_row(item))
        yield _frame(rows, ITEM_COLUMNS + ("record",))


def parquet_items(
    frames: Iterable[pd.DataFrame], files: dict[str, Item], chunk: int, chunks: int
) -> Iterator[pd.DataFrame]:
    """Parquet rows (``file_path``, ``row_index``, ``record`` JSON) of ``chunk`` as items of kind ``record``.

    A row's key is ``file.parquet:N``, N counting from 1, as a JSONL line's is.
    """
    for frame in frames:
        rows = []
        for file_path, row_index, record in zip(frame["file_path"], frame["row_index"], frame["record"]):
            export = files[_local_path(file_path)]
            item = replace(export, path=f"{export.path}:{int(row_index) + 1}", kind="record")
            if bucket(item.source, item.path, chunks) == chunk:
                rows.append((*_item_row(item)[:-1], record))
        yield _frame(rows, ITEM_COLUMNS + ("record",))


def check_items(frames: Iterable[pd.DataFrame], settings: Settings, units: UnitMap) -> Iterator[pd.DataFrame]:
    """Read and check items; one ``DOCUMENT_COLUMNS`` row each, failures with their reason."""
    check = checker(settings)
    for frame in frames:
        items = list(zip(_items(frame), frame["record"]))
        rows = []
        for start in range(0, len(items), settings.batch):
            rows.extend(_check_some(check, items[start : start + settings.batch], units))
        yield _frame(rows, DOCUMENT_COLUMNS)


def _check_some(check: BatchChecker, items: list[tuple[Item, Any]], units: UnitMap) -> list[tuple]:
    loaded: list[tuple[int, Loaded]] = []
    failed: dict[int, str] = {}
    named: list[Item] = []
    for i, (item, record) in enumerate(items):
        if item.kind == "record":
            item = replace(item, unit=_row_unit(record, units, item))
        named.append(item)
        try:
            if item.error:
                raise InputError(item.path, item.error)
            if item.kind == "record":
                data = record.encode("utf-8")
                if len(data) > check.max_bytes:
                    limit = check.max_bytes / 2**20
                    raise InputError(item.path, f"row too large ({len(data) / 2**20:.0f} MB; limit {limit:.0f} MB)")
                doc = load_line(data, item.path)
            else:
                doc = load_item(item, max_bytes=check.max_bytes, zips=check.zips)
            loaded.append((i, doc))
        except InputError as e:
            failed[i] = e.reason
        except Exception as e:  # a bad document never fails the job
            failed[i] = f"cannot read ({type(e).__name__}: {e})"
    results = {c.id: c for c in check.check_loaded(loaded)}
    rows: list[tuple] = []
    for i, item in enumerate(named):
        head = (item.unit, item.source, item.path, item.fingerprint)
        result = results.get(i)
        reason = failed.get(i) or (result.reason if result else "")
        if reason or result is None:
            # A failure of ours (a check that raised) is not remembered: a rerun of the chunk tries again.
            rows.append((*head, "failed", reason, "", "", "", 0, "", "", 0, 0, 0, 0, 0, "[]"))
            continue
        severities = [row[5] for row in result.findings]
        rows.append(
            (
                *head,
                "outside" if result.outside else "done",
                "",
                result.title,
                result.url,
                result.date,
                result.chars,
                result.digest,
                result.column,
                result.dropped,
                len(severities),
                *(severities.count(str(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)),
                json.dumps([dict(zip(STORED_FINDING, row)) for row in result.findings], ensure_ascii=False),
            )
        )
    return rows


def _row_unit(record: str, units: UnitMap, item: Item) -> str:
    try:
        fields = json.loads(record)
    except ValueError:
        fields = {}
    rel = item.path.rpartition(":")[0]
    return record_unit(fields if isinstance(fields, dict) else {}, units, rel, item.top)


def _items(frame: pd.DataFrame) -> Iterator[Item]:
    for values in zip(*(frame[c] for c in ITEM_COLUMNS)):
        fields = dict(zip(ITEM_COLUMNS, values))
        fields["offset"], fields["size"] = int(fields["offset"]), int(fields["size"])
        yield Item(**fields)


def _item_row(item: Item) -> tuple:
    return (*(getattr(item, c) for c in ITEM_COLUMNS), None)


def item_rows(items: Iterable[Item]) -> list[tuple]:
    """Items as rows of ``ITEM_COLUMNS`` and ``record`` (for ``createDataFrame``)."""
    return [_item_row(i) for i in items]


def _local_path(uri: str) -> str:
    """A Spark file URI (``file:/a/b%20c.parquet``) as the local path it names."""
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


def _frame(rows: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    # object columns: Arrow converts them by the declared schema (no float NaN for empty int columns)
    return pd.DataFrame({c: pd.Series([r[n] for r in rows], dtype=object) for n, c in enumerate(columns)})
