"""Which clean sentences the model may learn from, and which are held back for evaluation.

A line of ``shared/data/text`` is held back by a fixed hash, so every run and every machine
agrees on the split without a stored list: bucket 0 is the clean evaluation slice (the
false-positive benchmark), buckets 1-3 the clean tuning slice (the scorer's clean side and its
threshold); all are excluded from the language model. Whole sources (``HELD_OUT_SOURCES``, and
the newest year of the 新闻联播 transcripts) are held out from everything, for the out-of-source
evaluation.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

from ..text import normalize, split_sentences

EVAL_BUCKET = 0
# Three buckets (about 36,000 official sentences): the threshold is a 0.4% tail, and one bucket
# left it resting on two dozen sentences.
TUNE_BUCKETS = (1, 2, 3)
BUCKETS = 100

#: Official registers (gov and news-official) in ``text/``: the false-positive benchmark reads these.
OFFICIAL_FILES = (
    "xwlb_chinadata",
    "laws_lawrefbook",
    "gwr_1954_2018_ljtyduyu",
    "gwr_2008_2022_liuzeyi",
    "govcn_policy_2019",
    "cpc19_report",
    "cpc20_report",
)


#: The latest date each file's texts can have been written (its source's stated period, crawl
#: or release date, from ``text/sources/*.txt``). Files not listed span up to the present.
#: An agency name right when a 2013 text was written is outdated in a draft dated today, so
#: clean text is checked as of when it was written.
WRITTEN_BY = {
    "caixin_jiemian_rss_2026": "2026-02-28",  # RSS items 2026-01/02
    "cctv_guangming_rss_2026": "2026-02-28",
    "cmrc2018_wiki": "2018-12-31",  # CMRC 2018 (Wikipedia text)
    "cpc19_report": "2017-10-18",
    "cpc20_report": "2022-10-16",
    "fewclue_csl": "2021-06-30",  # FewCLUE release
    "fewclue_iflytek": "2021-06-30",
    "fewclue_tnews": "2021-06-30",
    "govcn_policy_2019": "2019-02-16",  # gov.cn crawl of 2019-02-16
    "gwr_1954_2018_ljtyduyu": "2018-03-05",  # last report: 2018-03-05
    "gwr_2008_2022_liuzeyi": "2022-03-05",
    "icwb2_pku_msr": "2005-12-31",  # SIGHAN 2005 bakeoff
    "msra_news": "2006-12-31",  # SIGHAN 2006 bakeoff
    "peoples_daily_1998": "1998-12-31",
    "thucnews_cnews1000": "2011-12-31",  # Sina news 2005-2011
    "thucnews_titles": "2011-12-31",
}
#: Files whose lines are in date order: (first date, last date); a line is dated by its position.
CHRONOLOGICAL = {"xwlb_chinadata": ("2012-07-01", "2026-06-30")}

#: Whole sources that no part of the model counts, fits or tunes on (language model, scorer,
#: threshold), by register: the out-of-source evaluation (``benchmarks/out_of_source.py``) reads
#: them. Lines of the same documents share phrasing, so hash buckets alone overstate how the
#: model does on text it has never seen.
HELD_OUT_SOURCES = {
    "govcn_policy_2019": "official",
    "cpc20_report": "official",
    "cctv_guangming_rss_2026": "news",
    "caixin_jiemian_rss_2026": "news",
    "peoples_daily_1998": "news",
    "msra_news": "news",
    "xxqg": "news",
    "fewclue_tnews": "new-media",
    "pypi_chatterbot_corpus_zh": "new-media",
    "deb_kicad_doc_zh": "technical",
}
#: Whole sources the language model does not count either, but the scorer's threshold is set on:
#: text the counts have never seen, as users' drafts are. Distinct from ``HELD_OUT_SOURCES``.
TUNING_SOURCES = {
    "cpc19_report": "official",
    "thucnews_titles": "news",
    "fewclue_iflytek": "new-media",
    "deb_debian_faq_zh_cn": "technical",
}
#: Date-ordered files whose newest lines are held out the same way: (first date held out, register).
HELD_OUT_FROM = {"xwlb_chinadata": ("2025-07-01", "news")}


def line_date(name: str, index: int, count: int) -> dt.date:
    """When line ``index`` of the ``count`` lines of text file ``name`` was written at the
    latest (a few months off at worst for ``CHRONOLOGICAL`` files; today where unknown)."""
    if name in CHRONOLOGICAL:
        first, last = (dt.date.fromisoformat(d) for d in CHRONOLOGICAL[name])
        return first + dt.timedelta(days=(last - first).days * index // max(1, count - 1))
    return dt.date.fromisoformat(WRITTEN_BY[name]) if name in WRITTEN_BY else dt.date.today()


def bucket(line: str) -> int:
    """The line's hash bucket in ``[0, BUCKETS)`` (md5 of its stripped UTF-8 text)."""
    digest = hashlib.md5(line.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little") % BUCKETS


def first_held_out_index(name: str, count: int) -> int:
    """Index of the first of the ``count`` lines of file ``name`` that is held out as a whole source
    (0: the whole file; ``count``: none)."""
    if name in HELD_OUT_SOURCES or name in TUNING_SOURCES:
        return 0
    if name not in HELD_OUT_FROM:
        return count
    cut = dt.date.fromisoformat(HELD_OUT_FROM[name][0])
    return next((i for i in range(count) if line_date(name, i, count) >= cut), count)


def source_lines(path: Path) -> tuple[list[str], list[str]]:
    """The lines of a text file the model may learn from, and those held out with their source."""
    name = path.name.removesuffix(".gz").removesuffix(".txt")
    if name in HELD_OUT_SOURCES or name in TUNING_SOURCES:
        return [], list(read_lines(path))
    lines = list(read_lines(path))
    cut = first_held_out_index(name, len(lines))
    return lines[:cut], lines[cut:]


def held_back(line: str) -> bool:
    """Whether the line is kept out of all training (the evaluation or a tuning bucket)."""
    return bucket(line) in (EVAL_BUCKET, *TUNE_BUCKETS)


def default_data_dir() -> Path:
    """``../shared/data`` next to the checkout (where the project keeps its data)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def text_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "text").glob("*.txt.gz"))


def read_lines(path: Path) -> Iterator[str]:
    """The non-empty stripped lines of a text file (gzip by its ``.gz`` suffix)."""
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield line


def held_back_dated_lines(
    data_dir: Path, which: int | tuple[int, ...] = EVAL_BUCKET, files: tuple[str, ...] = OFFICIAL_FILES
) -> Iterator[tuple[str, dt.date]]:
    """Lines of the official registers in hash bucket(s) ``which`` (never seen by the model),
    each with the date it was written by (``line_date``). A file is read once: its held-back
    lines are kept until its line count, which dates them, is known."""
    which = (which,) if isinstance(which, int) else which
    for name in files:
        kept, count = [], 0
        for count, line in enumerate(read_lines(data_dir / "text" / f"{name}.txt.gz"), start=1):
            if bucket(line) in which:
                kept.append((count - 1, line))
        cut = first_held_out_index(name, count)  # held-out sources belong to the out-of-source evaluation
        for index, line in kept:
            if index < cut:
                yield line, line_date(name, index, count)


def held_out_dated_lines(data_dir: Path) -> Iterator[tuple[str, str, str, dt.date]]:
    """``(register, source, line, date)`` of every line held out as a whole source."""
    sources = {**HELD_OUT_SOURCES, **{name: register for name, (_, register) in HELD_OUT_FROM.items()}}
    for name, register in sorted(sources.items()):
        path = data_dir / "text" / f"{name}.txt.gz"
        lines = list(read_lines(path))
        cut = first_held_out_index(name, len(lines))
        for index in range(cut, len(lines)):
            yield register, name, lines[index], line_date(name, index, len(lines))


def held_back_sentences(
    data_dir: Path, which: int | tuple[int, ...] = EVAL_BUCKET, min_chars: int = 6, max_chars: int | None = None
) -> Iterator[tuple[str, dt.date]]:
    """The normalised sentences of ``held_back_dated_lines`` (``min_chars`` to ``max_chars``
    characters long), each with its line's date."""
    for line, date in held_back_dated_lines(data_dir, which):
        for sentence in line_sentences(line, min_chars, max_chars):
            yield sentence, date


def line_sentences(line: str, min_chars: int = 6, max_chars: int | None = None) -> Iterator[str]:
    """The normalised sentences of a corpus line, ``min_chars`` to ``max_chars`` characters long."""
    text = normalize(line).text
    for start, end in split_sentences(text):
        if min_chars <= end - start and (max_chars is None or end - start <= max_chars):
            yield text[start:end]


def tuning_source_sentences(data_dir: Path, per_source: int, min_chars: int = 6) -> list[str]:
    """Up to ``per_source`` distinct normalised sentences of each ``TUNING_SOURCES`` file, drawn
    evenly through the file (a fixed order)."""
    out: list[str] = []
    for name in sorted(TUNING_SOURCES):
        seen: dict[str, None] = {}
        for line in read_lines(data_dir / "text" / f"{name}.txt.gz"):
            for sentence in line_sentences(line, min_chars):
                seen.setdefault(sentence)
        sentences = list(seen)
        step = max(1, len(sentences) // per_source)
        out += sentences[::step][:per_source]
    return out
