"""The `proofread check` command: formats, exit codes and every kind of bad input."""

import csv
import io
import json
import subprocess
import sys
import time
from html.parser import HTMLParser

import docx
import pytest

from proofread.cli import main

ERROR_TEXT = "坚持和完善名族区域自治制度。"
CLEAN_TEXT = "坚持和完善民族区域自治制度。"
JSONL_KEYS = ["id", "text", "corrected", "findings"]
FINDING_KEYS = [
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
]


def run(capsys, *args, stdin: str | bytes | None = None, monkeypatch=None):
    if stdin is not None:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_jsonl_contract_with_lines(capsys, tmp_path):
    path = write(tmp_path, "a.txt", f"{CLEAN_TEXT}\n{ERROR_TEXT}\r\n加强城市管里。\n")
    code, out, _ = run(capsys, "check", "--lines", "--format", "jsonl", path)
    assert code == 1
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in docs] == [1, 2, 3]
    assert all(list(d) == JSONL_KEYS for d in docs)
    assert docs[0]["findings"] == [] and docs[0]["corrected"] == CLEAN_TEXT
    assert docs[1]["text"] == ERROR_TEXT and docs[1]["corrected"] == CLEAN_TEXT
    (f,) = docs[1]["findings"]
    assert list(f) == FINDING_KEYS
    assert (f["start"], f["end"], f["original"], f["suggestions"], f["severity"]) == (5, 7, "名族", ["民族"], "error")
    assert docs[2]["corrected"] == "加强城市管理。"
    for d in docs:
        for f in d["findings"]:
            assert d["text"][f["start"] : f["end"]] == f["original"]


def test_json_format_is_one_array_with_the_path_as_id(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ERROR_TEXT)
    code, out, _ = run(capsys, "check", "--format", "json", path)
    (doc,) = json.loads(out)
    assert code == 1 and doc["id"] == path and doc["findings"][0]["rule"] == "typo.minzu"


def test_csv_format_one_row_per_finding(capsys, tmp_path):
    path = write(tmp_path, "a.txt", f"第一行没有问题。\n第二行：{ERROR_TEXT}加强城市管里。")
    code, out, _ = run(capsys, "check", "--format", "csv", path)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["line"], r["column"], r["original"], r["suggestions"]) for r in rows] == [
        ("2", "10", "名族", "民族"),
        ("2", "21", "城市管里", "城市管理"),
    ]
    assert rows[0]["sentence"] == "第二行：" + ERROR_TEXT


def test_text_format_marks_the_span_in_its_sentence(capsys, tmp_path):
    path = write(tmp_path, "a.txt", "前言。\n" + ERROR_TEXT)
    code, out, _ = run(capsys, "check", path)
    assert code == 1
    assert f"{path}:2:6: error [typo.minzu]" in out
    assert "坚持和完善【名族】区域自治制度。 → 民族" in out
    assert "\033[" not in out and out.rstrip().endswith("1 finding")
    _, coloured, _ = run(capsys, "check", "--color", "always", path)
    assert "\033[1;31m名族\033[0m" in coloured


class _Page(HTMLParser):
    """Per document section: its text as shown (without the finding numbers) and its marks."""

    def __init__(self) -> None:
        super().__init__()
        self.docs: list[dict] = []
        self._in_text = self._in_mark = self._in_sup = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "text":
            self.docs.append({"text": "", "marks": []})
            self._in_text = True
        elif self._in_text and tag == "mark":
            self._in_mark = True
            self.docs[-1]["marks"].append([attrs["class"], "", attrs["title"]])
        elif self._in_text and tag == "sup":
            self._in_sup = True
        elif self._in_text:
            raise AssertionError(f"unexpected <{tag}> inside the text")

    def handle_endtag(self, tag):
        if tag == "div":
            self._in_text = False
        self._in_mark = self._in_mark and tag != "mark"
        self._in_sup = self._in_sup and tag != "sup"

    def handle_data(self, data):
        if self._in_text and not self._in_sup:
            self.docs[-1]["text"] += data
            if self._in_mark:
                self.docs[-1]["marks"][-1][1] += data


def test_html_format_marks_every_finding_in_the_documents_own_text(capsys, tmp_path):
    texts = ["前言<b>&amp;</b>“引号”。\n" + ERROR_TEXT + "加强城市管里执法。", CLEAN_TEXT]
    paths = [write(tmp_path, f"{i}.txt", t) for i, t in enumerate(texts)]
    code, out, _ = run(capsys, "check", "--format", "html", *paths)
    assert code == 1 and out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    _, jsonl, _ = run(capsys, "check", "--format", "jsonl", *paths)
    page = _Page()
    page.feed(out)
    assert [d["text"] for d in page.docs] == texts  # markup in the text is shown, not obeyed
    for doc, want in zip(page.docs, map(json.loads, jsonl.splitlines())):
        assert [(m[0], m[1], m[2]) for m in doc["marks"]] == [
            (f["severity"], f["original"], f["message"]) for f in want["findings"]
        ]
    assert [m[1] for m in page.docs[0]["marks"]] == ["名族", "城市管里"]
    assert "<td class='n'><a href='#d1-1'>1</a></td><td class='n'>2:6</td><td>名族</td><td class='fix'>民族</td>" in out
    assert out.count("<mark id='d1-1' ") == 1 and "id='d2-" not in out  # each number links to its mark
    assert "没有发现问题" in out and "共 2 篇 · 问题 2 处" in out and "No findings" not in out
    assert "<span class='rule'>错别字 · " in out  # categories by their Chinese names


def test_stdin(capsys, monkeypatch):
    code, out, _ = run(capsys, "check", "--format", "jsonl", "-", stdin=ERROR_TEXT, monkeypatch=monkeypatch)
    (doc,) = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and doc["id"] == "<stdin>" and doc["corrected"] == CLEAN_TEXT


def test_exit_codes_and_severity_options(capsys, tmp_path):
    clean = write(tmp_path, "clean.txt", CLEAN_TEXT)
    bad = write(tmp_path, "bad.txt", ERROR_TEXT)
    assert run(capsys, "check", clean)[0] == 0
    assert run(capsys, "check", bad)[0] == 1
    assert run(capsys, "check", "--fail-on", "never", bad)[0] == 0
    info_dict = write(tmp_path, "info.tsv", "match\tseverity\tboundary\n区域\tinfo\tchar\n")
    code, out, _ = run(capsys, "check", "--dict", info_dict, "--format", "jsonl", clean)
    assert code == 0 and json.loads(out)["findings"][0]["severity"] == "info"
    code, out, _ = run(capsys, "check", "--dict", info_dict, "--fail-on", "info", "--format", "jsonl", clean)
    assert code == 1
    code, out, _ = run(capsys, "check", "--dict", info_dict, "--min-severity", "warning", "--format", "jsonl", clean)
    assert code == 0 and json.loads(out)["findings"] == []


def _assert_one_line_error(code, err, *needles):
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err


def test_gbk_file_from_an_old_site_is_decoded(capsys, tmp_path):
    path = write(tmp_path, "old.txt", ERROR_TEXT.encode("gbk"))
    code, out, _ = run(capsys, "check", "--format", "jsonl", path)
    assert code == 1 and json.loads(out)["findings"][0]["original"] == "名族"


def test_gbk_html_with_meta_charset(capsys, tmp_path):
    page = f'<html><head><meta charset="gb2312"><title>t</title></head><body><p>{ERROR_TEXT}</p></body></html>'
    path = write(tmp_path, "old.html", page.encode("gbk"))
    code, out, _ = run(capsys, "check", "--format", "jsonl", path)
    doc = json.loads(out)
    # The page's title on its own line, then its article, as a scan reads it.
    assert doc["text"] == "t\n" + ERROR_TEXT and doc["findings"][0]["start"] == 7


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        ("empty.txt", b"", "empty document"),
        ("blank.txt", b"  \n\n ", "empty document"),
        ("random.txt", bytes(range(128, 256)) * 40, "not text in UTF-8 or GB18030"),
        ("broken.docx", b"PK\x03\x04 this is not really a zip", "not a valid .docx"),
        ("scanned.pdf", b"%PDF-1.4 truncated", "not a valid PDF file"),
    ],
)
def test_bad_input_gets_one_line_error(capsys, tmp_path, name, content, needle):
    path = write(tmp_path, name, content)
    code, out, err = run(capsys, "check", path)
    _assert_one_line_error(code, err, path, needle)
    assert out == ""  # no "0 findings" summary: nothing was checked


def test_missing_file_and_directory(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.txt"))
    _assert_one_line_error(code, err, "nope.txt: 文件不存在（no such file）")
    code, _, err = run(capsys, "check", str(tmp_path))
    _assert_one_line_error(code, err, "is a directory")


def test_zip_that_is_not_a_word_document(capsys, tmp_path):
    import zipfile

    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    code, _, err = run(capsys, "check", str(path))
    _assert_one_line_error(code, err, "fake.docx", ".docx")


def test_bad_dictionary_and_bad_date(capsys, tmp_path):
    path = write(tmp_path, "a.txt", CLEAN_TEXT)
    bad_dict = write(tmp_path, "d.tsv", "match\tseverity\n名族\tfatal\n")
    code, _, err = run(capsys, "check", "--dict", bad_dict, path)
    _assert_one_line_error(code, err, "d.tsv:2: unknown severity 'fatal'")
    with pytest.raises(SystemExit) as e:
        main(["check", "--date", "2022-13-01", path])
    assert e.value.code == 2
    assert "not a date in YYYY-MM-DD form" in capsys.readouterr().err


def test_bad_file_among_good_ones_is_reported_and_the_rest_checked(capsys, tmp_path):
    good = write(tmp_path, "good.txt", ERROR_TEXT)
    bad = write(tmp_path, "bad.bin", b"\x00\x01\x02")
    code, out, err = run(capsys, "check", "--format", "jsonl", bad, good)
    assert code == 2
    assert "bad.bin: 二进制文件，不是文本（binary file" in err
    assert json.loads(out)["id"] == good


def test_docx_paragraphs_and_tables(capsys, tmp_path):
    document = docx.Document()
    document.add_paragraph("关于加强管理的通知")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = "城市管里局"
    document.add_paragraph(ERROR_TEXT)
    path = tmp_path / "draft.docx"
    document.save(path)
    code, out, _ = run(capsys, "check", "--format", "jsonl", str(path))
    doc = json.loads(out)
    assert doc["text"] == f"关于加强管理的通知\n单位\n城市管里局\n{ERROR_TEXT}"
    assert [(f["start"], f["original"]) for f in doc["findings"]] == [(13, "城市管里"), (24, "名族")]


def test_docx_merged_cells_are_read_once_and_nested_tables_are_read(capsys, tmp_path):
    """An attachment table with a title row merged across three columns, a unit name merged
    over two rows and a table inside a cell: each text once, in order, so each error is one finding."""
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "附件：城市管里局自查情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "名族宗教局"
    table.cell(1, 1).text = "合格"
    table.cell(2, 2).add_table(rows=1, cols=1).cell(0, 0).text = "截止目前已整改"
    path = tmp_path / "attachment.docx"
    document.save(path)
    code, out, _ = run(capsys, "check", "--format", "jsonl", str(path))
    doc = json.loads(out)
    lines = [line for line in doc["text"].split("\n") if line]
    assert lines == ["附件：城市管里局自查情况", "名族宗教局", "合格", "截止目前已整改"]
    assert sorted(f["original"] for f in doc["findings"]) == sorted(["城市管里", "名族", "截止"])
    for f in doc["findings"]:
        assert doc["text"][f["start"] : f["end"]] == f["original"]


def test_malformed_html_is_checked(capsys, tmp_path):
    path = write(tmp_path, "page.html", f"<div><p>通知<b>{ERROR_TEXT}<script>var x='名族'</p></span>")
    code, out, _ = run(capsys, "check", "--format", "jsonl", path)
    doc = json.loads(out)
    assert doc["text"] == "通知" + ERROR_TEXT
    assert [f["start"] for f in doc["findings"]] == [7]


def test_control_characters_are_kept_and_offsets_exact(capsys, tmp_path):
    text = "标题\x07\x1b[0m坚持和完善名族区域自治制度\x0c结束"
    path = write(tmp_path, "ctl.txt", text)
    code, out, _ = run(capsys, "check", "--format", "jsonl", path)
    doc = json.loads(out)
    (f,) = doc["findings"]
    assert doc["text"] == text and text[f["start"] : f["end"]] == "名族"


def test_ten_megabyte_single_line_is_linear(capsys, tmp_path):
    chunk = "坚持以人民为中心的发展思想推动经济社会高质量发展加强城市管理执法队伍建设" * 100
    text = (chunk + "名族") * (10_000_000 // (len(chunk) + 2))
    path = write(tmp_path, "huge.txt", text)
    started = time.perf_counter()
    code, out, _ = run(capsys, "check", "--format", "csv", path)
    elapsed = time.perf_counter() - started
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(text) >= 9_900_000
    assert len(rows) == text.count("名族")
    assert all(text[int(r["start"]) : int(r["end"])] == "名族" for r in rows)
    assert elapsed < 120, f"{elapsed:.0f}s for 10 MB: not linear"


def test_installed_entry_point_runs_the_sample():
    proc = subprocess.run(
        [sys.executable, "-m", "proofread.cli", "check", "examples/notice.txt"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "坚持和完善【名族】区域自治制度" in proc.stdout
    assert proc.stderr == ""


def test_model_threshold_and_follow_ratio_options(capsys, tmp_path):
    from proofread.spelling.model import load_default

    text = "人民捡察院依法保障农民的吐地承包经营权。"
    first, second = sorted(load_default().correct([text])[0], key=lambda c: -c.confidence)
    between = f"{(first.confidence + second.confidence) / 2:.6f}"
    path = write(tmp_path, "draft.txt", text)

    def corrected(*options):
        code, out, _ = run(capsys, "check", "--format", "jsonl", "--model-threshold", between, *options, path)
        return json.loads(out)["corrected"]

    assert (
        corrected("--model-follow-ratio", "1") == text[: first.position] + first.suggestion + text[first.position + 1 :]
    )
    assert corrected("--model-follow-ratio", "0.9") == "人民检察院依法保障农民的土地承包经营权。"


def _comment_ranges(document) -> list[str]:
    """The text each comment of a python-docx ``Document`` is anchored on, in document order."""
    import re

    xml = document.element.xml
    return [
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", m.group(1)))
        for m in re.finditer(r"<w:commentRangeStart [^>]*/>(.*?)<w:commentRangeEnd ", xml, re.S)
    ]


def test_annotate_writes_a_word_copy_with_a_comment_on_exactly_each_finding(capsys, tmp_path):
    from proofread.readers import read_document

    d = docx.Document()
    d.add_paragraph("关于做好政务公开工作的通知")
    p = d.add_paragraph()
    p.add_run("坚持和完善")
    p.add_run("名族区域自治制度，").bold = True  # the finding is cut out of a formatted run
    p.add_run("加强城市管里执法。")
    d.add_table(rows=1, cols=2).cell(0, 1).text = "市卫计委负责。"
    p = d.add_paragraph()
    p.add_run("各单位要认真落时\t本通知要求。")  # a tab: this run cannot be split, it is commented whole
    path = tmp_path / "draft.docx"
    d.save(path)
    code, jsonl, err = run(capsys, "check", "--format", "jsonl", "--annotate", str(tmp_path / "out"), str(path))
    assert code == 1
    out = tmp_path / "out" / "draft.proofread.docx"
    findings = json.loads(jsonl)["findings"]
    n = len(findings)
    assert err.strip() == f"proofread: 已写出 {out}（批注 {n} 条）（wrote {out} ({n} comments)）"
    annotated = docx.Document(out)
    assert [c.author for c in annotated.comments] == ["proofread"] * len(findings)
    texts = [c.text for c in annotated.comments]
    for f, text in zip(findings, texts):
        assert f["message"] in text and f"建议：{' / '.join(f['suggestions'])}" in text, text
    assert [f["original"] for f in findings] == ["名族", "城市管里", "卫计委", "时"]
    assert _comment_ranges(annotated) == [
        "名族",
        "城市管里",
        "卫计委",
        "各单位要认真落时\t本通知要求。".replace("\t", ""),
    ]
    # Nothing of the draft is lost or moved, and the formatting stays where it was.
    assert read_document(out) == read_document(path)
    runs = [(r.text, bool(r.bold)) for r in annotated.paragraphs[1].runs if r.text]
    assert runs == [
        ("坚持和完善", False),
        ("名族", True),
        ("区域自治制度，", True),
        ("加强", False),
        ("城市管里", False),
        ("执法。", False),
    ]


def test_annotate_says_which_inputs_it_cannot_annotate(capsys, tmp_path):
    path = write(tmp_path, "a.txt", ERROR_TEXT)
    code, _, err = run(capsys, "check", "--annotate", str(tmp_path / "out"), path)
    assert (
        code == 1
        and err.strip()
        == f"proofread: {path}: --annotate 只为 .docx 文件加批注；未加批注"
        "（--annotate writes comments into .docx files only; not annotated）"
    )
    assert not (tmp_path / "out").exists()
    code, _, err = run(capsys, "check", "--lines", "--annotate", str(tmp_path / "out"), path)
    _assert_one_line_error(code, err, "does not combine with --lines")


def test_a_document_python_docx_cannot_annotate_gets_one_line_and_its_findings(capsys, tmp_path, monkeypatch):
    import proofread.annotate

    d = docx.Document()
    d.add_paragraph(ERROR_TEXT)
    path = tmp_path / "draft.docx"
    d.save(path)

    def odd(*_):
        raise ValueError("odd\npart")

    monkeypatch.setattr(proofread.annotate, "_runs_covering", odd)
    code, out, err = run(capsys, "check", "--format", "jsonl", "--annotate", str(tmp_path / "out"), str(path))
    _assert_one_line_error(code, err, f"{path}: 无法写入批注（could not annotate (ValueError: odd)）")
    assert [f["original"] for f in json.loads(out)["findings"]] == ["名族"]


def _agency_page(date: str) -> str:
    return (
        "<html><head><meta charset='utf-8'><title>工作动态 - 某某市人民政府</title>"
        f"<meta name='PubDate' content='{date}'></head><body>"
        "<div class='nav'><a href='/'>首页</a> 国家工商行政管理总局</div>"
        "<div class='content'><h1>工作动态</h1><p>国家工商行政管理总局召开会议部署下一阶段的工作任务。</p></div>"
        "<div class='footer'><p>版权所有：某某市城市管里局 网站标识码1234567890</p></div></body></html>"
    )


def test_check_reads_a_page_as_scan_does_its_article_and_its_own_date(capsys, tmp_path):
    old = write(tmp_path, "old.html", _agency_page("2016-05-03 10:00"))
    new = write(tmp_path, "new.html", _agency_page("2019-05-03"))
    code, out, _ = run(capsys, "check", "--format", "jsonl", old, new)
    old_doc, new_doc = (json.loads(line) for line in out.splitlines())
    # The title, then the article: no menu, no footer (its 城市管里 is the site's, not the article's).
    assert old_doc["text"] == "工作动态\n国家工商行政管理总局召开会议部署下一阶段的工作任务。"
    assert old_doc["findings"] == []  # in 2016 the agency had that name
    assert [(f["start"], f["end"], f["rule"]) for f in new_doc["findings"]] == [(5, 15, "outdated.gongshang_zongju")]
    # --date is for documents without a date of their own; the page's own date still wins.
    code, out, _ = run(capsys, "check", "--format", "jsonl", "--date", "2024-01-01", old)
    assert json.loads(out)["findings"] == []
    undated = write(tmp_path, "undated.html", _agency_page("").replace("<meta name='PubDate' content=''>", ""))
    code, out, _ = run(capsys, "check", "--format", "jsonl", "--date", "2016-01-01", undated)
    assert json.loads(out)["findings"] == []
    code, out, _ = run(capsys, "check", "--format", "jsonl", "--date", "2024-01-01", undated)
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["outdated.gongshang_zongju"]


def test_word_headers_and_footers_are_checked_once(capsys, tmp_path):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "××市城市管里局文件"
    document.sections[0].footer.paragraphs[0].text = "会议对下半年工作进行了布署。"
    document.add_paragraph(CLEAN_TEXT)
    document.add_section()  # its header and footer are linked to the first section's: read once
    document.add_paragraph("第二节。")
    path = tmp_path / "memo.docx"
    document.save(path)
    code, out, err = run(capsys, "check", "--format", "jsonl", "--annotate", str(tmp_path / "a"), str(path))
    doc = json.loads(out)
    body = f"{CLEAN_TEXT}\n\n第二节。"  # add_section ends the first section with an empty paragraph
    assert doc["text"] == f"{body}\n××市城市管里局文件\n会议对下半年工作进行了布署。"
    at = len(body) + 1
    assert [(f["start"], f["end"], f["original"]) for f in doc["findings"]] == [
        (at + 3, at + 7, "城市管里"),
        (at + 11 + 11, at + 11 + 13, "布署"),
    ]
    # Word anchors no comment in a header or footer: said, and left to the report.
    assert "0 comments; 2 could not be anchored" in err
