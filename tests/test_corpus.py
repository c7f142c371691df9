"""Dating of the clean corpus lines the benchmarks check (date-aware rules depend on it)."""

import datetime as dt

from proofread.training.corpus import CHRONOLOGICAL, line_date


def test_chronological_file_is_dated_by_position():
    first, last = (dt.date.fromisoformat(d) for d in CHRONOLOGICAL["xwlb_chinadata"])
    assert line_date("xwlb_chinadata", 0, 1001) == first
    assert line_date("xwlb_chinadata", 1000, 1001) == last
    middle = line_date("xwlb_chinadata", 500, 1001)
    assert abs((middle - first) - (last - middle)) <= dt.timedelta(days=1)


def test_other_files_take_their_last_possible_date_or_today():
    assert line_date("cpc19_report", 7, 10) == dt.date(2017, 10, 18)
    assert line_date("laws_lawrefbook", 7, 10) == dt.date.today()  # laws reach the present
