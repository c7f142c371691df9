"""Dating of the clean corpus lines the benchmarks check (date-aware rules depend on it)."""

import datetime as dt

import pytest

from proofread.training.corpus import CHRONOLOGICAL, default_data_dir, line_date

needs_text = pytest.mark.skipif(not (default_data_dir() / "text").is_dir(), reason="shared/data/text not present")


def test_chronological_file_is_dated_by_position():
    first, last = (dt.date.fromisoformat(d) for d in CHRONOLOGICAL["xwlb_chinadata"])
    assert line_date("xwlb_chinadata", 0, 1001) == first
    assert line_date("xwlb_chinadata", 1000, 1001) == last
    middle = line_date("xwlb_chinadata", 500, 1001)
    assert abs((middle - first) - (last - middle)) <= dt.timedelta(days=1)


def test_other_files_take_their_last_possible_date_or_today():
    assert line_date("cpc19_report", 7, 10) == dt.date(2017, 10, 18)
    assert line_date("laws_lawrefbook", 7, 10) == dt.date.today()  # laws reach the present


@needs_text
def test_held_out_sources_reach_no_training_or_tuning_slice():
    from proofread.training.corpus import (
        HELD_OUT_FROM,
        first_held_out_index,
        held_back_dated_lines,
        source_lines,
    )

    data = default_data_dir()
    lines, held_out = source_lines(data / "text" / "cpc20_report.txt.gz")
    assert lines == [] and len(held_out) > 500
    kept, held_out = source_lines(data / "text" / "gwr_1954_2018_ljtyduyu.txt.gz")
    assert held_out == [] and len(kept) > 500
    # A tuning source is not counted either: the scorer's threshold is set on it.
    lines, held_out = source_lines(data / "text" / "cpc19_report.txt.gz")
    assert lines == [] and len(held_out) > 500
    # The newest year of the date-ordered transcripts: every held-out line is dated from the cut on.
    count = 100_000
    cut = first_held_out_index("xwlb_chinadata", count)
    start = dt.date.fromisoformat(HELD_OUT_FROM["xwlb_chinadata"][0])
    assert line_date("xwlb_chinadata", cut - 1, count) < start <= line_date("xwlb_chinadata", cut, count)
    # The clean evaluation and tuning buckets of the official registers leave the held-out sources out.
    assert not list(held_back_dated_lines(data, (0, 1, 2, 3), files=("cpc20_report",)))
    assert list(held_back_dated_lines(data, (0, 1, 2, 3), files=("gwr_1954_2018_ljtyduyu",)))


@needs_text
def test_neural_training_lines_skip_the_held_out_sources():
    from proofread.training.neural.data import iter_clean_lines

    text = default_data_dir() / "text"
    assert list(iter_clean_lines([text / "cpc20_report.txt.gz"])) == []
    assert list(iter_clean_lines([text / "cpc20_report.txt.gz"], holdout=True)) == []
    assert next(iter_clean_lines([text / "gwr_1954_2018_ljtyduyu.txt.gz"]), None)
