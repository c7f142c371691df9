"""Article text is written by anyone who can post to a site: it must reach no spreadsheet as a
live formula, no terminal as control sequences, and the machine-readable outputs unchanged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from proofread.cli import main
from proofread.report.cells import FORMULA_STARTS

HOSTILE = '=HYPERLINK("http://evil.example","点击")坚持和完善名族区域自治制度。'
ARTICLES = [
    {"unit": "=cmd|' /C calc'!A0", "title": "+SUM(1,2)通知", "url": "@SUM(1+1)", "date": "2024-05-01", "text": HOSTILE},
    {"unit": "-2+3", "title": "\t=1+1", "url": "-1", "date": "2024-05-02", "text": "-1+2会议对下半年工作进行了布署。"},
    {
        "unit": "@单位",
        "title": "\r=1",
        "url": "https://www.example.gov.cn/a.html",
        "date": "2024-05-03",
        "text": "+为进一步加强城市管里执法队伍建设，现将有关事项通知如下。",
    },
]


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def hostile_archive(tmp_path: Path) -> list[Path]:
    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    folder = tmp_path / "=HYPERLINK(1)"
    folder.mkdir()
    (folder / "@bad.txt").write_bytes(b"\x00\x01binary\x00" * 50)  # an unreadable row with hostile unit and path
    (folder / "+memo.txt").write_text("=1+1会议对下半年工作进行了布署。\n", encoding="utf-8")
    return [export, folder]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_scan_reports_hold_no_formula_cell(hostile_archive, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = run(capsys, "scan", *map(str, hostile_archive), "--out", str(out), "--workers", "1")
    assert code == 1, err
    book = openpyxl.load_workbook(out / "report.xlsx")
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    # The text is there exactly, as text (no quote added to the xlsx value itself).
    assert HOSTILE in texts and "=cmd|' /C calc'!A0" in texts and "+SUM(1,2)通知" in texts
    assert "=HYPERLINK(1)" in texts and "=1+1" in texts  # titles are stripped of white space
    findings = book["问题清单"]
    header = [c.value for c in findings[1]]
    first = [c for c in findings[2]]
    assert isinstance(first[header.index("起")].value, int)  # numbers stay numbers
    assert first[header.index("置信度")].data_type == "n"
    unreadable = [[c.value for c in row] for row in book["无法读取"].iter_rows(min_row=2)]
    assert [(r[0], Path(r[1]).name) for r in unreadable] == [("=HYPERLINK(1)", "@bad.txt")]

    rows = read_csv(out / "findings.csv")
    header, body = rows[0], rows[1:]
    assert len(body) == 4
    for row in body:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value
    sentences = {row[header.index("sentence")] for row in body}
    assert "'" + HOSTILE in sentences and "'=1+1会议对下半年工作进行了布署。" in sentences
    units = {row[header.index("unit")] for row in body}
    assert units == {"'=cmd|' /C calc'!A0", "'-2+3", "'@单位", "'=HYPERLINK(1)"}


def test_scan_csv_raw_keeps_the_exact_text(hostile_archive, tmp_path, capsys):
    out = tmp_path / "out"
    run(capsys, "scan", *map(str, hostile_archive), "--out", str(out), "--workers", "1", "--csv-raw")
    rows = read_csv(out / "findings.csv")
    sentence = rows[0].index("sentence")
    assert HOSTILE in {row[sentence] for row in rows[1:]}
    assert "=cmd|' /C calc'!A0" in {row[0] for row in rows[1:]}


def test_check_csv_is_neutralised_and_json_outputs_stay_exact(tmp_path, capsys):
    text = HOSTILE + "\n@会议对下半年工作进行了布署。\n"
    path = tmp_path / "-draft.txt"
    path.write_text(text, encoding="utf-8")
    _, out, _ = run(capsys, "check", "--format", "csv", "--", str(path))
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert len(rows) == 2 and all(not v.startswith(FORMULA_STARTS) for row in rows for v in row)
    assert [row[-1] for row in rows] == ["'" + HOSTILE, "'@会议对下半年工作进行了布署。"]

    _, out, _ = run(capsys, "check", "--format", "csv", "--csv-raw", "--", str(path))
    assert [row[-1] for row in list(csv.reader(io.StringIO(out)))[1:]] == [HOSTILE, "@会议对下半年工作进行了布署。"]

    for fmt in ("jsonl", "json"):
        _, out, _ = run(capsys, "check", "--format", fmt, "--", str(path))
        (doc,) = json.loads(out) if fmt == "json" else [json.loads(out)]
        assert doc["text"] == text
        assert [(doc["text"][f["start"] : f["end"]], f["original"]) for f in doc["findings"]] == [
            ("名族", "名族"),
            ("布署", "布署"),
        ]


def test_text_output_sends_no_control_sequence_to_the_terminal(tmp_path, capsys):
    path = tmp_path / "ctl.txt"
    path.write_text("\x1b]0;pwned\x07\x1b[2J坚持和完善名族区域自治制度。", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--color", "never", str(path))
    assert code == 1 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;pwned\\x07\\x1b[2J坚持和完善【名族】区域自治制度。" in out
    _, coloured, _ = run(capsys, "check", "--color", "always", str(path))
    # Only our own colour codes reach the terminal.
    assert coloured.replace("\x1b[1;31m", "").replace("\x1b[0m", "").count("\x1b") == 0


def test_xlsx_cell_longer_than_excel_holds_is_cut_not_left_to_break_the_file(tmp_path):
    from proofread.report.cells import XLSX_MAX_CHARS
    from proofread.report.data import FindingRow
    from proofread.report.tables import write_xlsx

    sentence = "=" + "名族" * 20_000  # a page without sentence punctuation: one 40,001-character "sentence"
    row = FindingRow(
        "单位",
        "src",
        "a.txt",
        "",
        "",
        "",
        1,
        3,
        "名族",
        "民族",
        "typo",
        "error",
        "typo.minzu",
        "seed_misspellings",
        1.0,
        "“名族”为错别字，应为“民族”",
        sentence,
        1,
        "",
        "",
    )
    write_xlsx(tmp_path / "r.xlsx", [], [row], [])
    cell = openpyxl.load_workbook(tmp_path / "r.xlsx")["问题清单"].cell(2, 10)  # 所在句子
    assert cell.data_type == "s" and len(cell.value) == XLSX_MAX_CHARS
    assert cell.value == sentence[: XLSX_MAX_CHARS - 1] + "…"
