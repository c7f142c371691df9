"""``proofread scan``: sources, units, bad files, resume after kill -9, reports (and a real browser)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from proofread import Proofreader
from proofread.checkers import REGISTRY, Checker, register
from proofread.cli import main
from proofread.scan import ScanOptions, UnitMap, run_scan
from proofread.scan.store import Store
from proofread.scan.work import SentenceLRU
from proofread.text.article import extract_article

NAV = (
    "<div class='header'><div class='logo'>某某市人民政府门户网站</div><ul class='nav'>"
    "<li><a href='/'>首页</a></li><li><a href='/zw'>政务公开</a></li><li><a href='/hd'>互动交流</a></li></ul></div>"
    "<div class='breadcrumb'>当前位置：<a href='/'>首页</a> &gt; 政务公开</div>"
)
FOOTER = (
    "<div class='footer'><p>主办：某某市人民政府办公室 承办：某某市大数据中心 版权所有 网站标识码1234567890</p>"
    "<p>联系我们 网站地图 地址：某某市人民路一号</p></div>"
)


def page(title: str, date: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} - 某某市人民政府</title>"
        f"<meta name='PubDate' content='{date} 09:00'></head><body>{NAV}"
        f"<div class='article'><h1>{title}</h1><div class='info'>发布时间：{date}</div>"
        f"<div class='TRS_Editor'>{body}</div><div class='share'>分享到：微信 微博</div></div>{FOOTER}</body></html>"
    )


GOOD = "各单位要充分认识做好这项工作的重要意义，切实把思想和行动统一到决策部署上来。"
BAD_1 = "为进一步加强城市管里执法队伍建设，现将有关事项通知如下。"  # 城市管里 at 6..10
BAD_2 = "会议对下半年工作进行了布署。"  # 布署 at 11..13


def finding_tuples(out: Path) -> list[tuple]:
    db = sqlite3.connect(out / "scan.sqlite")
    try:
        return sorted(
            db.execute(
                'SELECT a.source, a.path, a.unit, f.start, f."end", f.original, f.suggestions, f.rule, f.severity, '
                "f.sentence, f.offset FROM findings f JOIN articles a ON a.id = f.article"
            ).fetchall()
        )
    finally:
        db.close()


def statuses(out: Path) -> dict[str, str]:
    db = sqlite3.connect(out / "scan.sqlite")
    try:
        return dict(db.execute("SELECT path, status || ':' || reason FROM articles").fetchall())
    finally:
        db.close()


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    """A folder with two sites (one holding a .zip), plus a JSONL export beside it."""
    root = tmp_path / "archive"
    (root / "siteA" / "2022").mkdir(parents=True)
    (root / "siteB").mkdir()
    (root / "siteA" / "2022" / "notice.html").write_text(
        page("关于加强城市管理的通知", "2022-03-05", [GOOD, BAD_1]), encoding="utf-8"
    )
    (root / "siteA" / "clean.htm").write_text(page("工作动态", "2022-04-01", [GOOD]), encoding="gb18030")
    (root / "siteB" / "memo.txt").write_text(BAD_2 + "\n", encoding="utf-8")
    (root / "siteB" / "style.css").write_text("body{}", encoding="utf-8")  # not an article: ignored
    with zipfile.ZipFile(root / "siteB" / "old.zip", "w") as z:
        z.writestr("2019/a.html", page("旧闻", "2019-01-02", [BAD_1]))
    export = tmp_path / "wechat.jsonl"
    export.write_text(
        json.dumps(
            {
                "url": "https://mp.example.cn/s/1",
                "title": "公众号文章",
                "date": "2023-06-01",
                "unit": "某某区融媒体中心",
                "text": BAD_2,
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return root


def scan(sources: list[Path], out: Path, proofreader, **kw):
    return run_scan(ScanOptions(list(sources), out, **kw), proofreader=proofreader)


def test_scan_reads_folders_zips_jsonl_with_units_and_exact_offsets(archive, tmp_path, proofreader):
    out = tmp_path / "out"
    result = scan([archive, tmp_path / "wechat.jsonl"], out, proofreader)
    assert result.items == 5 and result.checked == 5 and result.counts == {"done": 5}
    src, jsonl = str(archive), str(tmp_path / "wechat.jsonl")
    # Offsets are into the checked text: the title line, then the main text (no menus, no footer).
    title = "关于加强城市管理的通知\n"
    notice_at = len(title + GOOD + "\n") + 6
    assert finding_tuples(out) == sorted(
        [
            (
                src,
                "siteA/2022/notice.html",
                "siteA",
                notice_at,
                notice_at + 4,
                "城市管里",
                "城市管理",
                "typo.chengshi_guanli",
                "error",
                BAD_1,
                6,
            ),
            (src, "siteB/memo.txt", "siteB", 11, 13, "布署", "部署", "typo.bushu", "error", BAD_2, 11),
            (
                src,
                "siteB/old.zip/2019/a.html",
                "siteB",
                3 + 6,
                3 + 10,
                "城市管里",
                "城市管理",
                "typo.chengshi_guanli",
                "error",
                BAD_1,
                6,
            ),
            (
                jsonl,
                "wechat.jsonl:1",
                "某某区融媒体中心",
                6 + 11,
                6 + 13,
                "布署",
                "部署",
                "typo.bushu",
                "error",
                BAD_2,
                11,
            ),
        ]
    )
    db = sqlite3.connect(out / "scan.sqlite")
    meta = db.execute(
        "SELECT title, date, url FROM articles WHERE path LIKE '%notice.html' OR path LIKE '%:1' ORDER BY path"
    ).fetchall()
    assert meta == [
        ("关于加强城市管理的通知", "2022-03-05", ""),
        ("公众号文章", "2023-06-01", "https://mp.example.cn/s/1"),
    ]


def test_unit_mapping_file_overrides_folder_names(archive, tmp_path, proofreader):
    mapping = tmp_path / "units.tsv"
    mapping.write_text(
        "# prefix\tunit\nsiteA\t某某市人民政府\nsiteA/2022\t某某市城管局\nsiteB\t某某市发改委\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    scan([archive], out, proofreader, units=UnitMap.load(mapping))
    db = sqlite3.connect(out / "scan.sqlite")
    assert dict(db.execute("SELECT path, unit FROM articles").fetchall()) == {
        "siteA/2022/notice.html": "某某市城管局",
        "siteA/clean.htm": "某某市人民政府",
        "siteB/memo.txt": "某某市发改委",
        "siteB/old.zip/2019/a.html": "某某市发改委",
    }


def test_bad_files_are_listed_with_reasons_and_the_scan_goes_on(tmp_path, proofreader, monkeypatch):
    monkeypatch.setenv("PROOFREAD_SOFFICE", "no-such-soffice")  # a machine without LibreOffice
    root = tmp_path / "site"
    root.mkdir()
    (root / "ok.txt").write_text(BAD_2, encoding="utf-8")
    (root / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "big.txt").write_text("很长的文本。" * 400_000, encoding="utf-8")  # 7.2 MB > --max-size 1 MB
    (root / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not a word document either")
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "empty.html").write_text("<html><body><div class='nav'><a>首页</a></div></body></html>", encoding="utf-8")
    (root / "export.jsonl").write_text(
        '{"text": "加强城市管里执法队伍建设。"}\n{oops\n{"title": "无正文"}\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = scan([root], out, proofreader, max_bytes=2**20)
    found = statuses(out)
    assert found["ok.txt"] == "done:" and found["export.jsonl:1"] == "done:"
    reasons = {path: status.split(":", 1)[1] for path, status in found.items() if status.startswith("failed")}
    assert set(reasons) == {
        "binary.html",
        "big.txt",
        "broken.zip",
        "broken.docx",
        "old.doc",
        "empty.html",
        "export.jsonl:2",
        "export.jsonl:3",
    }
    assert "binary file" in reasons["binary.html"]
    assert reasons["big.txt"].startswith("file too large (7 MB; limit 1 MB)")
    assert "not a readable .zip archive" in reasons["broken.zip"]
    assert "not a valid .docx" in reasons["broken.docx"]
    assert reasons["old.doc"].startswith("needs LibreOffice (soffice) to convert it to .docx")
    assert reasons["empty.html"] == "no article text found"
    assert reasons["export.jsonl:2"].startswith("line 2: not a JSON object")
    assert reasons["export.jsonl:3"].startswith("no text field")
    assert result.counts == {"done": 2, "failed": 8}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "site/broken.zip" in html and "需要 LibreOffice" in html


class _DiesOnMarker(Checker):
    """A component that kills its process on one word, as an out-of-memory kill would."""

    name = "test_dies_on_marker"
    default = False

    @classmethod
    def from_resources(cls, resources, config) -> _DiesOnMarker:
        return cls()

    def check(self, sentence):
        if "自毁" in sentence.text and multiprocessing.parent_process() is not None:
            os._exit(9)
        return []


def test_a_worker_dying_on_an_article_fails_only_that_article(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    for i in range(40):
        (root / f"{i:02d}.txt").write_text(("本文含自毁标记。" if i == 17 else "") + BAD_2, encoding="utf-8")
    register(_DiesOnMarker)
    try:
        proofreader = Proofreader(components=["dictionary_rules", "test_dies_on_marker"])
    finally:
        REGISTRY.pop("test_dies_on_marker")
    out = tmp_path / "out"
    result = scan([root], out, proofreader, workers=2, batch_articles=4)
    assert result.counts == {"done": 39, "failed": 1}
    assert statuses(out)["17.txt"] == "failed:the checking process died on this article (out of memory, or a crash)"
    assert sorted(r[1] for r in finding_tuples(out)) == sorted(f"{i:02d}.txt" for i in range(40) if i != 17)


def test_rerun_does_no_work_and_changed_or_removed_files_are_rechecked(archive, tmp_path, proofreader):
    out = tmp_path / "out"
    scan([archive], out, proofreader)
    before = finding_tuples(out)
    again = scan([archive], out, proofreader)
    assert (again.checked, again.removed, again.chars) == (0, 0, 0)
    assert finding_tuples(out) == before
    memo = archive / "siteB" / "memo.txt"
    memo.write_text("会议对下半年工作进行了部署。\n" + BAD_2 + "\n", encoding="utf-8")
    os.utime(memo, ns=(time.time_ns(), time.time_ns() + 10**9))  # coarse file systems: a different mtime
    (archive / "siteA" / "clean.htm").unlink()
    changed = scan([archive], out, proofreader)
    assert (changed.checked, changed.removed) == (1, 1)
    memo_rows = [r for r in finding_tuples(out) if r[1] == "siteB/memo.txt"]
    assert [(r[3], r[4], r[5]) for r in memo_rows] == [
        (15 + 11, 15 + 13, "布署")
    ]  # after a 14-character line and its newline
    assert len(finding_tuples(out)) == len(before)


def test_sentence_cache_gives_the_findings_of_an_uncached_run(proofreader):
    # 原国家工商行政管理总局 style rules depend on the date: the cache must not mix dates across a threshold.
    docs = []
    for year in (2015, 2018, 2019, 2024):
        for text in (BAD_1 + "\n网站首页 | 联系我们", "国家工商行政管理总局发布通知。" + BAD_2, GOOD):
            docs.append((text, dt.date(year, 6, 1)))
    cache: dict = {}
    plain = list(proofreader.pipe(docs, batch_size=5))
    cached = list(proofreader.pipe(docs, batch_size=5, cache=cache))
    assert cached == plain
    assert list(proofreader.pipe(docs, batch_size=7, cache=cache)) == plain
    assert 0 < len(cache) < sum(len(t.split("。")) for t, _ in docs)
    tiny = SentenceLRU(limit=3)  # evicts within every batch: still the same findings
    assert list(proofreader.pipe(docs, batch_size=5, cache=tiny)) == plain
    assert len(tiny) == 3
    repeated = [(GOOD + BAD_2, dt.date(2024, 1, 1))] * 3  # two sentences, checked once, then found twice
    fresh = SentenceLRU(limit=3)
    assert list(proofreader.pipe(repeated, batch_size=1, cache=fresh)) == list(proofreader.pipe(repeated, batch_size=1))
    assert (fresh.hits, fresh.misses) == (4, 2)


def test_article_extraction_keeps_main_text_title_and_date():
    article = extract_article(page("关于加强城市管理的通知", "2022-03-05", [GOOD, BAD_1]))
    assert article.title == "关于加强城市管理的通知"
    assert article.date == dt.date(2022, 3, 5)
    assert article.text == GOOD + "\n" + BAD_1


def test_article_extraction_of_an_old_table_layout_page():
    markup = (
        "<html><head><title>某某县人民政府关于印发办法的通知_某某县人民政府</title></head><body>"
        "<table class='top'><tr><td><a href='/'>首页</a> <a>机构</a> <a>信息公开</a></td></tr></table>"
        "<table><tr><td class='left'><a>通知公告</a><br><a>工作动态</a><br><a>政策解读</a></td>"
        "<td><div class='title'>某某县人民政府关于印发办法的通知</div><div>2021年05月10日 来源：县政府办</div>"
        "<div id='zoom'>各乡镇人民政府，县直各单位：<br>现将《某某县城市管里办法》印发给你们，请认真贯彻执行。"
        "<br>特此通知。</div></td></tr></table>"
        "<div class='bottom'>主办单位：某某县人民政府办公室 技术支持：某某网络公司</div></body></html>"
    )
    article = extract_article(markup)
    assert (article.title, article.date) == ("某某县人民政府关于印发办法的通知", dt.date(2021, 5, 10))
    assert article.text == (
        "2021年05月10日 来源：县政府办\n各乡镇人民政府，县直各单位：\n"
        "现将《某某县城市管里办法》印发给你们，请认真贯彻执行。\n特此通知。"
    )


def test_cli_scan_exit_codes_and_reports(archive, tmp_path, capsys):
    pytest.importorskip("openpyxl")
    import openpyxl

    out = tmp_path / "out"
    assert main(["scan", str(archive), "--out", str(out), "--workers", "2", "--progress", "never"]) == 1
    assert main(["scan", str(archive), "--out", str(out), "--fail-on", "never"]) == 0
    err = capsys.readouterr().err
    assert "this run checked 0" in err
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((r["path"], r["original"], r["suggestions"]) for r in rows) == [
        ("siteA/2022/notice.html", "城市管里", "城市管理"),
        ("siteB/memo.txt", "布署", "部署"),
        ("siteB/old.zip/2019/a.html", "城市管里", "城市管理"),
    ]
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    summary = [row[:6] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[1:] == [("siteA", 2, 1, 1, 1, 0), ("siteB", 2, 2, 2, 2, 0), ("合计", 4, 3, 3, 3, 0)]
    assert sum(1 for _ in book.worksheets[1].iter_rows()) == 4
    assert main(["scan", str(tmp_path / "nope"), "--out", str(out)]) == 2
    assert "nope: 文件或文件夹不存在（no such file or folder）" in capsys.readouterr().err
    held = Store(out)  # a scan still running on the same folder
    try:
        assert main(["scan", str(archive), "--out", str(out)]) == 2
    finally:
        held.close()
    assert f"proofread: {out}: 另一个检查正在使用这个文件夹（another scan is running on this folder）" in (
        capsys.readouterr().err
    )


def _make_many(root: Path, n: int) -> None:
    for i in range(n):
        site = root / f"site{i % 3}"
        site.mkdir(parents=True, exist_ok=True)
        paragraphs = [GOOD, f"第{i}号文件：{BAD_1 if i % 2 else BAD_2}", f"本期共发布信息{i}条。"]
        (site / f"{i:04d}.html").write_text(page(f"通知{i}", f"2022-01-{i % 28 + 1:02d}", paragraphs), encoding="utf-8")


def test_kill_9_mid_scan_then_rerun_loses_and_duplicates_nothing(tmp_path, proofreader):
    root = tmp_path / "many"
    _make_many(root, 900)
    reference = tmp_path / "reference"
    scan([root], reference, proofreader)
    expected = finding_tuples(reference)
    assert sorted({(r[1], r[5]) for r in expected if r[5] in ("城市管里", "布署")}) == sorted(
        (f"site{i % 3}/{i:04d}.html", "城市管里" if i % 2 else "布署") for i in range(900)
    )

    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "proofread.cli",
        "scan",
        str(root),
        "--out",
        str(out),
        "--workers",
        "2",
        "--batch-size",
        "4",
        "--progress",
        "never",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    done = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "scan.sqlite").exists():
                try:
                    db = sqlite3.connect(out / "scan.sqlite", timeout=0.1)
                    done = db.execute("SELECT COUNT(*) FROM articles WHERE status = 'done'").fetchone()[0]
                    db.close()
                except sqlite3.OperationalError:
                    pass  # tables not created yet
            if done >= 40:
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the scan and its workers, as kill -9 would
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    partial = statuses(out)
    assert 40 <= sum(s.startswith("done") for s in partial.values()) < 900
    assert any(s.startswith("pending") for s in partial.values())

    resumed = scan([root], out, proofreader, workers=2)
    assert 0 < resumed.checked < 900
    assert finding_tuples(out) == expected
    assert resumed.counts == {"done": 900}


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(),
    reason="chromium is not installed (apt-get install chromium) - report.html is not rendered",
)
def test_report_html_renders_in_headless_chromium(archive, tmp_path, proofreader):
    out = tmp_path / "out"
    scan([archive], out, proofreader)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    url = (out / "report.html").as_uri()
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=60).stdout
    # The script ran (it fills the count) and the findings are there, span highlighted.
    assert '<span id="count">3 / 3</span>' in dom
    assert '<mark class="error">城市管里</mark>' in dom
    # Filters are read from the address: severity error, text 布署 -> the one memo.txt finding.
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", url + "#severity=error&q=%E5%B8%83%E7%BD%B2"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert '<span id="count">1 / 3</span>' in dom
    # The address is anyone's to write: a foreign key and a malformed escape are ignored, the rest applies.
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", url + "#__proto__=x&q=%E5%B8%83%E7%BD%B2&unit=%E0%A4%A"],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert '<span id="count">1 / 3</span>' in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, "--window-size=1280,900", f"--screenshot={shot}", url], capture_output=True, timeout=60
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_repeated_ctrl_c_stops_every_run_within_2_s_and_the_state_stays_intact(tmp_path, proofreader):
    # Ctrl-C in a terminal (or `timeout -s INT`) signals the scan and then its whole process group,
    # workers included, often more than once: every run must end promptly, and resuming must give
    # exactly the findings of an uninterrupted scan.
    import random

    root = tmp_path / "many"
    _make_many(root, 400)
    reference = tmp_path / "reference"
    scan([root], reference, proofreader)
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "proofread.cli", "scan", str(root), "--out", str(out)]
    command += ["--workers", "2", "--batch-size", "4", "--progress", "always"]
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    interrupted = 0
    for _ in range(5):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(rng.uniform(0.5, 4.5))  # start-up, loading, checking: anywhere
        signalled = time.monotonic()
        try:
            os.kill(proc.pid, signal.SIGINT)
            time.sleep(rng.uniform(0, 0.3))
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass  # it had finished
        try:
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        took = time.monotonic() - signalled
        err = proc.stderr.read().decode()
        assert proc.returncode in (130, 1), (seed, proc.returncode, err)
        if proc.returncode == 130:
            interrupted += 1
            assert took < 2.0, (seed, took)
            assert "Traceback" not in err and "proofread: 已中断（interrupted）" in err, (seed, err)
    assert interrupted >= 2, seed
    resumed = scan([root], out, proofreader)
    assert resumed.counts == {"done": 400}
    assert finding_tuples(out) == finding_tuples(reference)


ATTACHED = (
    "<html><head><title>关于做好防汛工作的通知</title><meta name='ColumnName' content='通知公告'>"
    "<link rel='canonical' href='http://www.example.gov.cn/zwgk/tzgg/202207/t20220701_9.html'></head><body>"
    "<div class='nav'><a href='/'>首页</a><a href='/zwgk'>政务公开</a></div>"
    f"<div class='main-box'><h1>关于做好防汛工作的通知</h1><div class='text'>{GOOD}<p>{BAD_1}</p></div></div>"
    f"<div class='attach'><p>附件：{BAD_2}</p></div>"
    "<div class='footer'><p>主办单位：某某市人民政府办公室</p><p>网站标识码：1234567890</p></div></body></html>"
)


def test_article_text_outside_the_main_block_is_kept_and_what_is_left_out_is_counted():
    article = extract_article(ATTACHED)
    # The attachment line sits in a block of its own, beside the main one: still article text.
    assert article.text == f"{GOOD}\n{BAD_1}\n附件：{BAD_2}"
    assert article.dropped == 2  # the footer's two lines (the menu is links, the <h1> is the title)
    assert extract_article(page("工作动态", "2022-04-01", [GOOD])).dropped == 6


def test_page_url_and_column_come_from_the_page_else_from_its_address(tmp_path, proofreader):
    root = tmp_path / "site"
    (root / "xxgk" / "2022").mkdir(parents=True)
    (root / "attached.html").write_text(ATTACHED, encoding="utf-8")
    crumb = page("工作动态", "2022-04-01", [BAD_1]).replace(  # TRS-style meta tag, breadcrumb
        "<head>", "<head><meta name='Url' content='https://www.example.gov.cn/xwdt/202204/t1.html'>"
    )
    (root / "crumb.html").write_text(crumb, encoding="utf-8")
    og = page("旧闻", "2019-01-02", [GOOD]).replace(NAV, "")  # no breadcrumb: the 栏目 from the address
    og = og.replace("<head>", "<head><meta property='og:url' content='http://x.cn/zwgk/gzdt/201901/t1.html'>")
    (root / "og.html").write_text(og, encoding="utf-8")
    (root / "xxgk" / "2022" / "memo.txt").write_text(BAD_2, encoding="utf-8")
    out = tmp_path / "out"
    scan([root], out, proofreader)
    db = sqlite3.connect(out / "scan.sqlite")
    rows = db.execute("SELECT path, url, column_name FROM articles ORDER BY path").fetchall()
    assert rows == [
        ("attached.html", "http://www.example.gov.cn/zwgk/tzgg/202207/t20220701_9.html", "通知公告"),
        ("crumb.html", "https://www.example.gov.cn/xwdt/202204/t1.html", "政务公开"),  # 首页 > 政务公开
        ("og.html", "http://x.cn/zwgk/gzdt/201901/t1.html", "gzdt"),
        ("xxgk/2022/memo.txt", "", "xxgk"),  # the folder, not the year
    ]
    # The finding in the attachment line, at its exact place in the checked text.
    title = "关于做好防汛工作的通知\n"
    at = len(title + GOOD + "\n" + BAD_1 + "\n附件：") + 11
    found = [r for r in finding_tuples(out) if r[1] == "attached.html"]
    assert [(r[3], r[4], r[5]) for r in found] == [
        (len(title + GOOD + "\n") + 6, len(title + GOOD + "\n") + 10, "城市管里"),
        (at, at + 2, "布署"),
    ]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<a href='http://www.example.gov.cn/zwgk/tzgg/202207/t20220701_9.html'>关于做好防汛工作的通知</a>" in html


def test_reports_speak_chinese_and_keep_the_codes_for_tools(archive, tmp_path, proofreader, monkeypatch):
    import openpyxl

    monkeypatch.setenv("PROOFREAD_SOFFICE", "no-such-soffice")
    (archive / "siteB" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (archive / "siteB" / "blob.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    scan([archive], out, proofreader)
    book = openpyxl.load_workbook(out / "report.xlsx")  # not read-only: widths and filters are read too
    assert book.sheetnames == ["汇总", "问题清单", "栏目更新", "无法读取"]
    findings = book["问题清单"]
    header = [c.value for c in findings[1]]
    assert header[:11] == [
        "单位",
        "栏目",
        "标题",
        "日期",
        "原文",
        "建议",
        "类别",
        "级别",
        "说明",
        "所在句子",
        "核实状态",
    ]
    assert {"规则", "类别代码", "级别代码"} <= set(header)
    rows = [dict(zip(header, (c.value for c in row))) for row in findings.iter_rows(min_row=2)]
    assert {(r["原文"], r["类别"], r["类别代码"], r["级别"], r["级别代码"], r["核实状态"]) for r in rows} == {
        ("城市管里", "错别字", "typo", "严重", "error", "待核实"),
        ("布署", "错别字", "typo", "严重", "error", "待核实"),
    }
    assert findings.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 1}"
    assert findings.column_dimensions["J"].width == 60  # the sentence
    failed = book["无法读取"]
    reasons = {row[1].value: row[2].value for row in failed.iter_rows(min_row=2)}
    assert reasons == {
        "siteB/old.doc": "需要 LibreOffice（soffice）转换为 .docx，本机未安装；请安装 LibreOffice，或另存为 .docx",
        "siteB/blob.txt": "二进制文件，不是文本",
    }
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<option value='typo'>错别字</option>" in html and "<option value='error'>严重</option>" in html
    assert "二进制文件，不是文本（binary file (contains NUL bytes), not text）" in html
