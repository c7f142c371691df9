"""``findings(df)`` and ``documents(df)``: a DataFrame of texts checked on the executors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

from .worker import FINDING_FIELDS, Settings, text_documents, text_findings

FINDING_SCHEMA = StructType(
    [
        StructField("start", LongType()),
        StructField("end", LongType()),
        StructField("original", StringType()),
        StructField("suggestions", ArrayType(StringType())),
        StructField("category", StringType()),
        StructField("severity", StringType()),
        StructField("rule", StringType()),
        StructField("source", StringType()),
        StructField("confidence", DoubleType()),
        StructField("message", StringType()),
    ]
)
DOCUMENT_SCHEMA = StructType(
    [
        StructField("corrected", StringType()),
        StructField("n_findings", LongType()),
        StructField("n_error", LongType()),
        StructField("n_warning", LongType()),
        StructField("n_info", LongType()),
        StructField("reason", StringType()),  # why the document was not checked; "" when it was
    ]
)


def settings(
    config: Mapping[str, Mapping[str, Any]] | None = None,
    extra_dictionaries: Iterable[str | Path] = (),
    components: Sequence[str] | None = None,
    batch_size: int = 32,
) -> Settings:
    """What the executors build their ``Proofreader`` from (the dictionaries' paths must exist there)."""
    return Settings(
        dicts=tuple(str(Path(d).resolve()) for d in extra_dictionaries),
        components=tuple(components) if components is not None else None,
        config=json.dumps(config or {}, sort_keys=True),
        batch=batch_size,
    )


def findings(
    df: DataFrame,
    *,
    text: str = "text",
    id: str = "id",
    date: str | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    extra_dictionaries: Iterable[str | Path] = (),
    components: Sequence[str] | None = None,
    batch_size: int = 32,
) -> DataFrame:
    """One row per finding: ``id``, the JSON Lines contract's finding fields, then the other columns of ``df``
    (unit, url, title, ...; ``text`` is not repeated). Offsets are character offsets into ``text``; a document
    whose ``text`` is null yields no row (``documents`` gives its reason). ``date``: a column of document dates
    (date, timestamp or ``YYYY-MM-DD``) for date-aware rules."""
    keep = _kept(df, text, id, FINDING_SCHEMA.fieldNames())
    schema = StructType([df.schema[c] for c in keep] + list(FINDING_SCHEMA.fields))
    chosen = settings(config, extra_dictionaries, components, batch_size)
    return df.mapInPandas(lambda frames: text_findings(frames, chosen, text, date, keep), schema)


def documents(
    df: DataFrame,
    *,
    text: str = "text",
    id: str = "id",
    date: str | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    extra_dictionaries: Iterable[str | Path] = (),
    components: Sequence[str] | None = None,
    batch_size: int = 32,
) -> DataFrame:
    """One row per document: ``id``, the other columns of ``df`` but ``text``, ``corrected`` (every finding with
    one suggestion applied), the count of findings and of each severity, and ``reason`` (empty, or why the
    document could not be checked: it never fails the job)."""
    keep = _kept(df, text, id, DOCUMENT_SCHEMA.fieldNames())
    schema = StructType([df.schema[c] for c in keep] + list(DOCUMENT_SCHEMA.fields))
    chosen = settings(config, extra_dictionaries, components, batch_size)
    return df.mapInPandas(lambda frames: text_documents(frames, chosen, text, date, keep), schema)


def _kept(df: DataFrame, text: str, id: str, added: list[str]) -> list[str]:
    for name in (text, id):
        if name not in df.columns:
            raise ValueError(f"no column {name!r} (columns: {', '.join(df.columns)})")
    keep = [id] + [c for c in df.columns if c not in (id, text)]
    clash = next((c for c in keep if c in added), None)
    if clash is not None:
        raise ValueError(f"column {clash!r} would be overwritten by the output's own {clash!r}; rename it")
    return keep


__all__ = ["FINDING_FIELDS", "documents", "findings"]
