"""``proofread scan --engine spark``: the archive scan as Spark jobs, restartable chunk by chunk.

The items are located on the driver (folders and .zip directories are listed; JSONL and
Parquet exports stay whole) and split by a stable hash of their key into ``chunks``.
Each chunk is one Spark job: exports are split and every item is read and checked on the
executors, then written with Spark's commit protocol as ``findings/chunk=N/unit=U/``,
``unreadable/chunk=N/`` and ``documents/chunk=N/`` (Parquet), in that order. A chunk is
committed once ``documents/chunk=N/_SUCCESS`` exists; a rerun skips committed chunks whose
items are unchanged (``_CONTENTS``: a digest of their keys and fingerprints) and redoes the
others from scratch, so a killed run loses at most its chunks in flight and never duplicates
a document, and a changed or removed file is checked again with its chunk. The reports are
the local scan's, from ``scan.sqlite`` filled from the committed chunks.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, reduce
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

from ..columns import SCAN_COLUMNS
from ..report import write_reports
from ..scan.options import ScanOptions
from ..scan.sources import Item, iter_items
from ..scan.store import ARTICLE_COLUMNS, FINDING_COLUMNS, Store
from .session import spark_session
from .worker import (
    DOCUMENT_COLUMNS,
    ITEM_COLUMNS,
    STORED_FINDING,
    Settings,
    bucket,
    check_items,
    item_rows,
    parquet_items,
    split_exports,
)

PLAN_NAME = "spark-scan.json"
CONTENTS_NAME = "_CONTENTS"  # in findings/chunk=N/: the digest of what the chunk was checked from
DEFAULT_CHUNKS = 16
CHUNK_BYTES = 4 * 2**20  # of input per chunk, up to DEFAULT_CHUNKS
TABLES = ("findings", "unreadable", "documents")  # written in this order; documents' _SUCCESS commits a chunk
# The findings table: findings.csv's columns but the verdict (a supervisor's, kept in scan.sqlite).
FINDINGS_TABLE = tuple(c for c in SCAN_COLUMNS if c != "verdict")

_LONG = {"offset", "size", "chars", "dropped", "n_findings", "n_error", "n_warning", "n_info", "start", "end"}


def _field(name: str) -> StructField:
    return StructField(name, LongType() if name in _LONG else DoubleType() if name == "confidence" else StringType())


ITEM_SCHEMA = StructType([_field(c) for c in ITEM_COLUMNS] + [StructField("record", StringType())])
DOCUMENT_SCHEMA = StructType([_field(c) for c in DOCUMENT_COLUMNS])
STORED_SCHEMA = StructType([_field(c) for c in STORED_FINDING])
FINDINGS_SCHEMA = StructType([_field(c) for c in FINDINGS_TABLE])


class SparkScanError(Exception):
    """The output folder holds another scan, or a source cannot be used."""


@dataclass(frozen=True)
class SparkScanResult:
    chunks: int
    skipped: int  # chunks committed by an earlier run
    checked: int  # documents checked (or failed) in this run
    counts: dict[str, int]  # documents by status (done, failed, outside), whole archive
    seconds: float
    reports: list[Path]


def run_spark_scan(
    options: ScanOptions,
    *,
    master: str | None = None,
    chunks: int | None = None,
    spark: SparkSession | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SparkScanResult:
    """Scan ``options.sources`` into ``options.out`` with Spark; a rerun resumes at the first uncommitted chunk.

    The reports are the local scan's, written from ``scan.sqlite``, which is filled from the
    committed tables (and keeps the supervisor's verdicts across runs)."""
    started = time.monotonic()
    out = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out)  # also the folder's lock
    try:
        items = list(iter_items(options.sources, options.units, max_bytes=options.max_bytes, exports=True))
        n = _plan(out, options, chunks, default=default_chunks(items))
        store.add_verdicts(options.verdicts)  # once the folder is known to be this scan's
        plain = [i for i in items if i.kind not in ("jsonl-export", "parquet-export")]
        jsonl = [i for i in items if i.kind == "jsonl-export"]
        groups, unreadable = _parquet_groups([i for i in items if i.kind == "parquet-export"])
        plain += unreadable
        session = spark or spark_session(master, progress=options.progress)
        # Unit and chunk folder names are text ("2022" is a unit, not a number).
        session.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        settings = Settings(
            dicts=tuple(str(Path(d).resolve()) for d in options.dicts),
            components=tuple(options.components) if options.components is not None else None,
            config=json.dumps(options.config, sort_keys=True),
            max_bytes=options.max_bytes,
            date=options.date,
            batch=options.batch_articles,
            disabled=tuple(sorted(options.disabled_rules)),
            severities=tuple((rule, str(s)) for rule, s in sorted(options.severities.items())),
            since=options.since,
            until=options.until,
        )
        by_chunk: list[list[Item]] = [[] for _ in range(n)]
        for item in plain:
            by_chunk[bucket(item.source, item.path, n)].append(item)
        exports = jsonl + [i for group in groups for i in group]  # their lines and rows fall in every chunk
        skipped = checked = 0
        for c in range(n):
            digest = _contents(by_chunk[c] + exports)
            if _committed(out, c, digest):
                skipped += 1
                continue
            for table in TABLES:
                shutil.rmtree(_chunk_dir(out, table, c), ignore_errors=True)  # a killed run's leftovers
            docs = _documents(session, c, n, by_chunk[c], jsonl, groups, settings, options).persist()
            try:
                checked += _write_chunk(docs, out, c, digest)
            finally:
                docs.unpersist()
            if on_chunk is not None:
                on_chunk(c, n)
        _fill_store(session, store, out, n)
        reports = write_reports(
            store.db,
            out,
            csv_raw=options.csv_raw,
            as_of=options.as_of or options.until,
            intervals=options.intervals,
            per_unit=options.per_unit,
        )
        counts = {k: v for k, v in store.counts().items() if v}
        return SparkScanResult(n, skipped, checked, counts, time.monotonic() - started, reports)
    finally:
        store.close()


def default_chunks(items: list[Item]) -> int:
    """Chunks for an archive: one per ``CHUNK_BYTES`` of input, at most ``DEFAULT_CHUNKS`` (each chunk
    is a Spark job of its own, a few seconds of overhead: a small archive needs few)."""
    return max(1, min(DEFAULT_CHUNKS, -(-sum(i.size for i in items) // CHUNK_BYTES)))


def _plan(out: Path, options: ScanOptions, chunks: int | None, default: int) -> int:
    """The chunk count, fixed by the first run into ``out`` (a document's chunk must not move).

    When the rules or the inspection period changed since, the committed chunks hold findings
    of other settings: they are dropped and every chunk is checked again."""
    path = out / PLAN_NAME
    sources = [str(s.resolve()) for s in options.sources]
    settings = {"rules": options.rules_digest(), "period": [str(options.since or ""), str(options.until or "")]}
    if path.exists():
        plan = json.loads(path.read_text(encoding="utf-8"))
        if plan.get("sources") != sources:
            raise SparkScanError(f"{out}: holds a scan of other sources ({', '.join(plan.get('sources', []))})")
        if chunks is not None and chunks != plan["chunks"]:
            raise SparkScanError(f"{out}: was started with --chunks {plan['chunks']}")
        n = int(plan["chunks"])
        if all(plan.get(k) == v for k, v in settings.items()):
            return n
        for table in TABLES:
            shutil.rmtree(out / table, ignore_errors=True)
    else:
        n = chunks or default
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"sources": sources, "chunks": n, **settings}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return n


def _parquet_groups(exports: list[Item]) -> tuple[list[list[Item]], list[Item]]:
    """Parquet files grouped by schema (one read each); a file whose footer cannot be read is unreadable."""
    import pyarrow.parquet as pq

    groups: dict[str, list[Item]] = {}
    bad = []
    for item in exports:
        try:
            schema = pq.read_metadata(item.file).schema.to_arrow_schema()
        except Exception as e:  # truncated, not Parquet at all, unreadable
            reason = f"not a readable Parquet file ({type(e).__name__}: {e})"
            bad.append(Item(item.source, item.path, "error", item.unit, item.fingerprint, error=reason))
            continue
        groups.setdefault(schema.to_string(), []).append(item)
    return list(groups.values()), bad


def _documents(
    session: SparkSession,
    c: int,
    n: int,
    mine: list[Item],
    jsonl: list[Item],
    groups: list[list[Item]],
    settings: Settings,
    options: ScanOptions,
) -> DataFrame:
    """One ``DOCUMENT_COLUMNS`` row per item of chunk ``c`` (``mine``: its files; the exports' lines and
    rows that fall in it), read and checked on the executors."""
    units = options.units
    parts = [session.createDataFrame(item_rows(mine), ITEM_SCHEMA)]
    if jsonl:
        exports = session.createDataFrame(item_rows(jsonl), ITEM_SCHEMA).repartition(len(jsonl))
        parts.append(exports.mapInPandas(lambda frames: split_exports(frames, units, c, n), ITEM_SCHEMA))
    for group in groups:
        files = {i.file: i for i in group}
        rows = session.read.parquet(*(f"file://{i.file}" for i in group))
        record = F.to_json(F.struct(*(F.col(f"`{name}`") for name in rows.columns)))
        rows = rows.select(
            F.col("_metadata.file_path").alias("file_path"),
            F.col("_metadata.row_index").alias("row_index"),
            record.alias("record"),
        )
        parts.append(rows.mapInPandas(partial(parquet_items, files=files, chunk=c, chunks=n), ITEM_SCHEMA))
    items = reduce(DataFrame.unionByName, parts)
    # Spread the chunk over every core: exports arrive as one partition per file.
    spread = items.repartition(session.sparkContext.defaultParallelism * 4)
    return spread.mapInPandas(lambda frames: check_items(frames, settings, units), DOCUMENT_SCHEMA)


def _write_chunk(docs: DataFrame, out: Path, c: int, contents: str) -> int:
    """Write chunk ``c``'s tables; documents' ``_SUCCESS``, written last, commits it."""
    article = [name for name in FINDINGS_TABLE if name not in STORED_FINDING]  # unit, source, path, ..., 栏目
    found = docs.where(F.col("status") == "done").select(
        *article, F.explode(F.from_json("findings", ArrayType(STORED_SCHEMA)))
    )
    findings = found.select(*(f"col.{name}" if name in STORED_FINDING else name for name in FINDINGS_TABLE))
    findings.write.mode("overwrite").partitionBy("unit").parquet(_uri(_chunk_dir(out, "findings", c)))
    failed = docs.where(F.col("status") == "failed").select("unit", "source", "path", "reason")
    failed.write.mode("overwrite").parquet(_uri(_chunk_dir(out, "unreadable", c)))
    # Before the commit: a chunk committed is always one whose contents are known.
    (_chunk_dir(out, "findings", c) / CONTENTS_NAME).write_text(contents, encoding="utf-8")
    docs.drop("findings").write.mode("overwrite").parquet(_uri(_chunk_dir(out, "documents", c)))
    return docs.count()


def _fill_store(session: SparkSession, store: Store, out: Path, n: int) -> None:
    """``scan.sqlite`` from the committed chunks' documents and findings (streamed to the driver)."""
    committed = [c for c in range(n) if _committed(out, c)]

    def table(name: str, schema: StructType) -> DataFrame:
        paths = [_uri(_chunk_dir(out, name, c)) for c in committed]
        if not paths:
            return session.createDataFrame([], schema)
        # unit is a partition column of findings: read from the folder names ("" comes back as null)
        return session.read.schema(schema).option("basePath", _uri(out / name)).parquet(*paths)

    def value(column: str):  # the store's columns are NOT NULL
        return F.coalesce(F.col(column), F.lit(0 if column in _LONG else ""))

    docs = table("documents", StructType([f for f in DOCUMENT_SCHEMA.fields if f.name != "findings"]))
    # The store calls a document's 栏目 column_name, and a finding's dictionary source.
    articles = docs.select(*(value("column" if c == "column_name" else c) for c in ARTICLE_COLUMNS))
    found = table("findings", FINDINGS_SCHEMA)
    findings = found.select("source", "path", *(value("dictionary" if c == "source" else c) for c in FINDING_COLUMNS))
    store.replace_results(
        (tuple(r) for r in articles.toLocalIterator()), (tuple(r) for r in findings.toLocalIterator()), store.new_run()
    )


def _contents(items: list[Item]) -> str:
    """What a chunk is checked from: the keys and fingerprints of its items (a changed file changes
    its chunk's digest)."""
    import hashlib

    keys = sorted((i.source, i.path, i.fingerprint, i.error) for i in items)
    return hashlib.sha1(json.dumps(keys, ensure_ascii=False).encode()).hexdigest()


def _committed(out: Path, c: int, contents: str | None = None) -> bool:
    """Chunk ``c`` is committed in every table (and, given ``contents``, was checked from those)."""
    if not all((_chunk_dir(out, t, c) / "_SUCCESS").exists() for t in TABLES):
        return False
    if contents is None:
        return True
    marker = _chunk_dir(out, "findings", c) / CONTENTS_NAME
    return marker.exists() and marker.read_text(encoding="utf-8") == contents


def _chunk_dir(out: Path, table: str, c: int) -> Path:
    return out / table / f"chunk={c:05d}"


def _uri(path: Path) -> str:
    # A local folder, whatever the cluster's default file system is.
    return f"file://{path}"
