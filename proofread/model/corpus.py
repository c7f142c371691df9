"""Which clean sentences the model may learn from, and which are held back for evaluation.

A line of ``shared/data/text`` is held back by a fixed hash, so every run and every machine
agrees on the split without a stored list: bucket 0 is the clean evaluation slice (the
false-positive benchmark), buckets 1-3 the clean tuning slice (the scorer's clean side and its
threshold); all are excluded from the language model.
"""
from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Iterator

EVAL_BUCKET = 0
# Three buckets (about 36,000 official sentences): the threshold is a 0.4% tail, and one bucket
# left it resting on two dozen sentences.
TUNE_BUCKETS = (1, 2, 3)
BUCKETS = 100

#: Official registers (gov and news-official) in ``text/``: the false-positive benchmark reads these.
OFFICIAL_FILES = (
    "xwlb_chinadata", "laws_lawrefbook", "gwr_1954_2018_ljtyduyu", "gwr_2008_2022_liuzeyi",
    "govcn_policy_2019", "cpc19_report", "cpc20_report",
)


def bucket(line: str) -> int:
    """The line's hash bucket in ``[0, BUCKETS)`` (md5 of its stripped UTF-8 text)."""
    digest = hashlib.md5(line.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") % BUCKETS


def held_back(line: str) -> bool:
    """Whether the line is kept out of all training (the evaluation or a tuning bucket)."""
    return bucket(line) in (EVAL_BUCKET, *TUNE_BUCKETS)


def default_data_dir() -> Path:
    """``../shared/data`` next to the checkout (where the project keeps its data)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def text_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "text").glob("*.txt.gz"))


def read_lines(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield line


def held_back_lines(data_dir: Path, which: int | tuple[int, ...] = EVAL_BUCKET,
                    files: tuple[str, ...] = OFFICIAL_FILES) -> Iterator[str]:
    """Lines of the official registers in hash bucket(s) ``which`` (never seen by the model)."""
    which = (which,) if isinstance(which, int) else which
    for name in files:
        for line in read_lines(data_dir / "text" / f"{name}.txt.gz"):
            if bucket(line) in which:
                yield line
