"""The inspection workflow: 栏目 updates, the inspection period, 整改 files per unit, verdicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from proofread.cli import main
from proofread.scan.verdicts import Verdict, read_verdicts

GOOD = "各单位要充分认识做好这项工作的重要意义，切实把思想和行动统一到决策部署上来。"
BAD_1 = "为进一步加强城市管里执法队伍建设，现将有关事项通知如下。"  # 城市管里
BAD_2 = "会议对下半年工作进行了布署。"  # 布署
UNTIL = dt.date(2026, 3, 31)


def page(title: str, column: str, date: str | None, paragraphs: list[str], extra: str = "") -> str:
    dated = f"<meta name='PubDate' content='{date}'>" if date else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{dated}"
        f"<meta name='ColumnName' content='{column}'>{extra}</head><body>"
        "<div class='nav'><a href='/'>首页</a><a href='/xwdt'>新闻动态</a></div>"
        f"<div class='article'><h1>{title}</h1><div class='TRS_Editor'>{body}</div></div>"
        "<div class='footer'><p>主办：某某市人民政府办公室</p></div></body></html>"
    )


def list_page(column: str) -> str:
    """A 栏目's list page with nothing in it: no publication date."""
    return (
        f"<html><head><title>{column}</title><meta name='ColumnName' content='{column}'></head><body>"
        f"<div class='list'><h2>{column}</h2><p>暂无信息</p></div></body></html>"
    )


HOSTILE_TITLE = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    """Two sites: 栏目 up to date, past their interval and blank; a hostile page; dated pages in
    and outside the inspection period (2026-01-01 to 2026-03-31)."""
    root = tmp_path / "archive"
    files = {
        "siteA/xwdt/1.html": page("市政府召开常务会议", "工作动态", "2026-03-01", [GOOD]),
        "siteA/xwdt/2.html": page("市领导调研城市管理工作", "工作动态", "2026-03-20", [GOOD, GOOD]),
        "siteA/xwdt/3.html": page(
            HOSTILE_TITLE, "工作动态", "2026-03-10", [BAD_2], "<script>alert(1)</script><meta name='x' content='\"'>"
        ),
        "siteA/tzgg/1.html": page("关于加强城市管理的通知", "通知公告", "2025-08-01", [BAD_1]),
        "siteA/zcwj/index.html": list_page("政策文件"),
        "siteB/gzdt/1.html": page("区政府工作动态", "工作动态", "2026-02-01", [BAD_1]),
        "siteB/tzgg/2015.html": page("旧通知", "通知公告", "2015-06-01", [BAD_2]),
    }
    for name, markup in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(markup, encoding="utf-8")
    return root


def sheet(path: Path, name: str) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def scan(archive: Path, out: Path, *extra: str) -> int:
    args = ["scan", str(archive), "--out", str(out), "--workers", "1", "--progress", "never", *extra]
    return main([*args, "--since", "2026-01-01", "--until", UNTIL.isoformat()])


def test_column_updates_per_unit_and_per_column_within_the_inspection_period(archive, tmp_path):
    out = tmp_path / "out"
    assert scan(archive, out) == 1
    days = lambda day: (UNTIL - dt.date.fromisoformat(day)).days  # noqa: E731
    columns = [
        (r["单位"], r["栏目"], r["文章数"], r["最新发布日期"], r["距今天数"], r["更新周期（天）"], r["更新情况"])
        for r in sheet(out / "report.xlsx", "栏目更新")
    ]
    assert columns == [
        ("siteA", "工作动态", 3, "2026-03-20", 11, 14, "正常"),
        ("siteA", "政策文件", 0, None, None, 183, "空白栏目"),  # empty cells
        ("siteA", "通知公告", 1, "2025-08-01", days("2025-08-01"), 183, "超期未更新"),
        ("siteB", "工作动态", 1, "2026-02-01", 58, 14, "超期未更新"),
        ("siteB", "通知公告", 1, "2015-06-01", days("2015-06-01"), 183, "超期未更新"),
    ]
    summary = {r["单位"]: r for r in sheet(out / "report.xlsx", "汇总")}
    picked = ("检查文章数", "问题数", "最新发布日期", "距今天数", "首页更新", "超期未更新栏目数", "空白栏目数")
    assert {u: tuple(r[k] for k in picked) for u, r in summary.items()} == {
        "siteA": (4, 1, "2026-03-20", 11, "正常", 1, 1),  # the list page is checked; tzgg/1 is outside
        "siteB": (1, 1, "2026-02-01", 58, "超期未更新", 2, 0),
        "合计": (5, 2, "2026-03-20", None, None, 3, 1),
    }
    # Articles published outside the period are not checked: no 城市管里 from tzgg/1, no 布署 from 2015.
    found = {(r["路径"], r["原文"]) for r in sheet(out / "report.xlsx", "问题清单")}
    assert found == {("siteA/xwdt/3.html", "布署"), ("siteB/gzdt/1.html", "城市管里")}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<td class='flag'>空白栏目</td>" in html and "栏目更新情况（截至 2026-03-31）" in html
    assert "<script>alert(1)</script>" not in html and "=HYPERLINK(" in html


def test_a_new_inspection_period_rechecks_what_it_now_takes_in(archive, tmp_path):
    out = tmp_path / "out"
    scan(archive, out)
    wider = ["scan", str(archive), "--out", str(out), "--workers", "1", "--progress", "never"]
    assert main([*wider, "--since", "2025-01-01", "--until", UNTIL.isoformat()]) == 1
    found = {(r["路径"], r["原文"]) for r in sheet(out / "report.xlsx", "问题清单")}
    assert ("siteA/tzgg/1.html", "城市管里") in found and ("siteB/tzgg/2015.html", "布署") not in found
    scan(archive, out)  # back to the first period: tzgg/1 leaves the report again
    found = {(r["路径"], r["原文"]) for r in sheet(out / "report.xlsx", "问题清单")}
    assert found == {("siteA/xwdt/3.html", "布署"), ("siteB/gzdt/1.html", "城市管里")}
    assert main([*wider, "--since", "2026-04-01", "--until", "2026-03-01"]) == 2


def test_per_unit_rectification_workbooks_hold_that_units_findings_and_columns(archive, tmp_path):
    units = tmp_path / "units.tsv"
    units.write_text("siteA\t某某市人民政府\nsiteB\t某某区/城管局\n", encoding="utf-8")  # "/" cannot be in a file name
    out = tmp_path / "out"
    assert scan(archive, out, "--units", str(units), "--per-unit") == 1
    files = sorted(p.name for p in (out / "整改").iterdir())
    assert files == ["某某区_城管局.xlsx", "某某市人民政府.xlsx"]
    city = out / "整改" / "某某市人民政府.xlsx"
    assert [(r["单位"], r["原文"], r["建议"], r["类别"], r["核实状态"]) for r in sheet(city, "问题清单")] == [
        ("某某市人民政府", "布署", "部署", "错别字", "待核实")
    ]
    assert [(r["栏目"], r["更新情况"]) for r in sheet(city, "栏目更新")] == [
        ("政策文件", "空白栏目"),
        ("通知公告", "超期未更新"),
    ]
    district = out / "整改" / "某某区_城管局.xlsx"
    assert [(r["单位"], r["原文"]) for r in sheet(district, "问题清单")] == [("某某区/城管局", "城市管里")]
    assert [r["栏目"] for r in sheet(district, "栏目更新")] == ["工作动态", "通知公告"]
    assert [(r["单位"], r["首页更新"]) for r in sheet(district, "汇总")] == [("某某区/城管局", "超期未更新")]


def _mark(report: Path, marked: Path, verdicts: dict[str, str]) -> None:
    """What a supervisor does in Excel or WPS: pick 已核实 or 误报 in the 核实状态 column."""
    book = openpyxl.load_workbook(report)
    findings = book["问题清单"]
    header = [c.value for c in findings[1]]
    for row in findings.iter_rows(min_row=2):
        original = row[header.index("原文")].value
        if original in verdicts:
            row[header.index("核实状态")].value = verdicts[original]
    book.save(marked)


def _keys(html: str) -> list[dict]:
    """The finding keys report.html's export button sends (its rows' data-key)."""
    import html as markup
    import json
    import re

    return [json.loads(markup.unescape(k)) for k in re.findall(r"data-key='([^']*)'", html)]


def test_verdicts_are_read_back_kept_across_rescans_and_counted_per_unit(archive, tmp_path, capsys):
    import json

    out = tmp_path / "out"
    scan(archive, out)
    marked = tmp_path / "marked.xlsx"
    _mark(out / "report.xlsx", marked, {"布署": "误报", "城市管里": "已核实"})
    assert scan(archive, out, "--verdicts", str(marked)) == 1  # the confirmed error still counts
    rows = sheet(out / "report.xlsx", "问题清单")
    assert [(r["单位"], r["原文"], r["核实状态"]) for r in rows] == [("siteB", "城市管里", "已核实")]
    counts = ("问题数", "待核实", "已核实", "误报")
    summary = {r["单位"]: tuple(r[k] for k in counts) for r in sheet(out / "report.xlsx", "汇总")}
    assert summary == {"siteA": (0, 0, 0, 1), "siteB": (1, 0, 1, 0), "合计": (1, 0, 1, 1)}
    assert "布署" not in (out / "findings.csv").read_text(encoding="utf-8-sig")
    # findings.csv carries the verdict code: it can be read back too.
    assert read_verdicts(out / "findings.csv") == [
        Verdict("siteB", "siteB/gzdt/1.html", BAD_1, "typo.chengshi_guanli", "confirmed")
    ]
    # A rescan without the file keeps them, even after the article changed around the sentence.
    hostile = archive / "siteA" / "xwdt" / "3.html"
    hostile.write_text(hostile.read_text(encoding="utf-8").replace("<p>", f"<p>{GOOD}</p><p>", 1), encoding="utf-8")
    assert scan(archive, out) == 1
    assert [r["原文"] for r in sheet(out / "report.xlsx", "问题清单")] == ["城市管里"]
    # report.html's export: every row it shows, with the status picked there ("open": 待核实 again).
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<option value='confirmed' selected>已核实</option>" in html and "布署" not in html
    exported = tmp_path / "verdicts.json"
    exported.write_text(json.dumps([{**k, "verdict": "false_alarm"} for k in _keys(html)]), encoding="utf-8")
    assert scan(archive, out, "--verdicts", str(exported)) == 0  # nothing left but false alarms
    exported.write_text(json.dumps([{**k, "verdict": "open"} for k in _keys(html)]), encoding="utf-8")
    assert scan(archive, out, "--verdicts", str(exported)) == 1
    assert [(r["原文"], r["核实状态"]) for r in sheet(out / "report.xlsx", "问题清单")] == [("城市管里", "待核实")]
    capsys.readouterr()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{**_keys(html)[0], "verdict": "maybe"}]), encoding="utf-8")
    assert scan(archive, out, "--verdicts", str(bad)) == 2
    err = capsys.readouterr().err
    english = "unknown status 'maybe' (use 已核实, 误报 or 待核实)"
    assert err == f"proofread: {bad}:1: 未知核实状态 'maybe'（可用：已核实、误报、待核实）（{english}）\n"
