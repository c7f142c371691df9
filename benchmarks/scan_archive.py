"""End-to-end benchmark of ``proofread scan`` on a generated archive of government-site pages.

    nice python benchmarks/scan_archive.py [--articles 10000] [--workers 1 2] [--keep DIR]

Generates (in a temporary folder) ``--articles`` HTML pages spread over eight sites.
Each page has its site's header, menu, breadcrumb, sidebar and footer (the same on
every page of a site) around a main text of about 1,500 characters taken from the
government and news texts of ``shared/data/text``. About a third of the pages get one
or two injected errors: a ``bad`` example sentence of a shipped ``rules`` dictionary
entry, whose wrong form's offset in the checked text is recorded. A few unreadable
files are added too.

Then, each as a fresh ``proofread scan`` process: a scan with each ``--workers`` value
(articles/s, chars/s, peak memory of the largest process, recall of the injected
errors); a rerun on the unchanged archive; and a scan killed with SIGKILL part-way
and run again (time of the resumed run, and whether its findings equal those of the
uninterrupted scan exactly).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

from proofread.dictionaries import load_shipped

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = (
    "gwr_1954_2018_ljtyduyu",
    "gwr_2008_2022_liuzeyi",
    "govcn_policy_2019",
    "peoples_daily_1998",
    "msra_news",
    "thucnews_cnews1000",
    "laws_lawrefbook",
)
SITES = (
    "市人民政府",
    "市发展和改革委员会",
    "市教育局",
    "市生态环境局",
    "市卫生健康委员会",
    "市城市管理局",
    "县人民政府",
    "区融媒体中心",
)
BODY_CHARS = 1500


def corpus_sentences(data: Path, need_chars: int) -> list[str]:
    """Sentences of official and news text, in file order, until ``need_chars`` are collected."""
    out: list[str] = []
    total = 0
    for name in CORPUS:
        path = data / "text" / f"{name}.txt.gz"
        if not path.exists():
            sys.exit(f"{path} not found (use --data to point at shared/data)")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if len(line) < 12 or len(line) > 300 or "<" in line or "&" in line:
                    continue
                out.append(line if line[-1] in "。！？；”" else line + "。")
                total += len(out[-1])
                if total >= need_chars:
                    return out
    return out


def injectable_rules() -> list[tuple[str, str, str, object]]:
    """``(rule id, bad sentence, wrong form in it, since)`` for every shipped rules entry."""
    out = []
    for dictionary in load_shipped():
        if dictionary.kind != "rules":
            continue
        for rule in dictionary.entries:
            for bad in rule.bad:
                form = min((f for f in rule.forms if f in bad), key=bad.find, default=None)
                if form:
                    out.append((rule.id, bad, form, rule.since))
    return out


def site_chrome(site: str, n: int) -> tuple[str, str]:
    """Header/menu/breadcrumb and sidebar/footer markup of one site (identical on each of its pages)."""
    menu = "".join(
        f"<li><a href='/{i}/'>{escape(m)}</a></li>"
        for i, m in enumerate(("首页", "政务公开", "政务服务", "互动交流", "走进" + site[:2], "专题专栏", "数据开放"))
    )
    head = (
        f"<div class='header'><div class='logo'>某某{escape(site)}门户网站</div>"
        "<div class='search'><input type='text' value='请输入关键词'><button>搜索</button></div>"
        f"<ul class='nav-menu'>{menu}</ul></div>"
        "<div class='breadcrumb'>当前位置：<a href='/'>首页</a> &gt; <a href='/1/'>政务公开</a> &gt; 工作动态</div>"
    )
    related = "".join(f"<li><a href='/r{i}.html'>关于做好第{i}批重点项目申报工作的通知</a></li>" for i in range(1, 6))
    foot = (
        f"<div class='sidebar'><h3>相关链接</h3><ul>{related}</ul></div>"
        f"<div class='footer'><p>主办：某某{escape(site)}办公室　承办：某某市大数据中心</p>"
        f"<p>版权所有：某某{escape(site)}　网站标识码：{3300000000 + n}　备案号：某ICP备{10000000 + n}号</p>"
        "<p>地址：某某市人民路一号　邮编：310000　联系电话：0571-12345678</p>"
        "<p>为确保最佳浏览效果，建议使用谷歌、火狐或360浏览器极速模式浏览本网站。</p></div>"
    )
    return head, foot


def generate(root: Path, n_articles: int, data: Path, seed: int = 0) -> tuple[list[dict], int]:
    """Write the archive; return the injected errors (path, start, end, form, rule) and the body chars."""
    rng = random.Random(seed)
    sentences = corpus_sentences(data, int(n_articles * BODY_CHARS * 1.05))
    rules = injectable_rules()
    chrome = [site_chrome(s, i) for i, s in enumerate(SITES)]
    injected: list[dict] = []
    pos = 0
    body_chars = 0
    for i in range(n_articles):
        s = i % len(SITES)
        head, foot = chrome[s]
        paragraphs: list[str] = []
        size = 0
        while size < BODY_CHARS:
            para = []
            for _ in range(rng.randint(2, 5)):
                para.append(sentences[pos % len(sentences)])
                pos += 1
            paragraphs.append("".join(para))
            size += len(paragraphs[-1])
        date = f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        errors = []
        if i % 3 == 0:
            for _ in range(1 if i % 2 else 2):
                rule_id, bad, form, since = rng.choice(rules)
                if since is not None and date < since.isoformat():
                    date = since.isoformat()
                p = rng.randrange(len(paragraphs))
                paragraphs[p] = paragraphs[p] + bad  # after a whole sentence: the bad one stands alone
                errors.append((p, len(paragraphs[p]) - len(bad) + bad.find(form), form, rule_id))
        title = f"关于做好{rng.choice(('年度', '季度', '专项', '重点'))}工作的通知（第{i}号）"
        # The checked text is the title line, then the paragraphs one a line.
        starts = []
        offset = len(title) + 1
        for para in paragraphs:
            starts.append(offset)
            offset += len(para) + 1
        rel = f"{SITES[s]}/{date[:4]}/{i:05d}.html"
        for p, at, form, rule_id in errors:
            injected.append(
                {"path": rel, "start": starts[p] + at, "end": starts[p] + at + len(form), "form": form, "rule": rule_id}
            )
        body = "".join(f"<p style='text-indent:2em'>{escape(para)}</p>" for para in paragraphs)
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}_某某{escape(SITES[s])}</title>"
            f"<meta name='ArticleTitle' content='{escape(title)}'><meta name='PubDate' content='{date} 10:00'>"
            "<link rel='stylesheet' href='/css/main.css'><script src='/js/jquery.js'></script></head><body>"
            f"{head}<div class='main-wrap'><div class='article'><h1>{escape(title)}</h1>"
            f"<div class='info'>发布时间：{date}　来源：某某{escape(SITES[s])}　【字体：大 中 小】</div>"
            f"<div class='TRS_Editor'>{body}</div><div class='share'>分享到：微信 微博 QQ空间</div>"
            f"<div class='print'><a>打印本页</a> <a>关闭窗口</a></div></div>{foot}</div></body></html>"
        )
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        body_chars += offset
    # Unreadable files: listed in the report, never stopping the scan.
    (root / SITES[0] / "images").mkdir(parents=True, exist_ok=True)
    (root / SITES[0] / "images" / "banner.html").write_bytes(bytes(range(256)) * 8)
    (root / SITES[1] / "attachments.zip").write_bytes(b"PK\x03\x04 truncated download")
    (root / SITES[2] / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    return injected, body_chars


def run_scan(archive: Path, out: Path, workers: int, components: str | None, kill_after: int | None = None) -> dict:
    """One ``proofread scan`` process; with ``kill_after``, SIGKILL it once that many articles are done."""
    command = [
        sys.executable,
        "-m",
        "proofread.cli",
        "scan",
        str(archive),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--progress",
        "never",
        "--fail-on",
        "never",
    ]
    if components:
        command += ["--components", components]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    killed_at = None
    if kill_after is not None:
        while proc.poll() is None:
            if done_count(out) >= kill_after:
                os.killpg(proc.pid, signal.SIGKILL)
                killed_at = done_count(out)
                break
            time.sleep(0.05)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if kill_after is None and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"scan failed ({status}): {stderr}")
    # ru_maxrss of a waited child: the largest resident set of it and its waited-for workers (KiB).
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "killed_at": killed_at, "stderr": stderr.strip()}


def done_count(out: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{out / 'scan.sqlite'}?mode=ro", uri=True, timeout=0.2)
        try:
            return db.execute("SELECT COUNT(*) FROM articles WHERE status = 'done'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def findings(out: Path) -> list[tuple]:
    db = sqlite3.connect(out / "scan.sqlite")
    try:
        return sorted(
            db.execute(
                'SELECT a.path, f.start, f."end", f.original, f.suggestions, f.rule, f.severity '
                "FROM findings f JOIN articles a ON a.id = f.article"
            ).fetchall()
        )
    finally:
        db.close()


def recall(found: list[tuple], injected: list[dict]) -> tuple[float, int, list[dict]]:
    """Share of injected errors overlapped by a finding; findings elsewhere; the missed ones."""
    by_path: dict[str, list[tuple[int, int]]] = {}
    for path, start, end, *_ in found:
        by_path.setdefault(path, []).append((start, end))
    missed = [e for e in injected if not any(s < e["end"] and e["start"] < t for s, t in by_path.get(e["path"], ()))]
    hit_spans = {
        (e["path"], s, t) for e in injected for s, t in by_path.get(e["path"], ()) if s < e["end"] and e["start"] < t
    }
    elsewhere = sum(1 for path, start, end, *_ in found if (path, start, end) not in hit_spans)
    return 1 - len(missed) / max(1, len(injected)), elsewhere, missed


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=10_000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--data", type=Path, default=DATA, help="shared/data (default: beside the checkout)")
    p.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temporary one)")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--components", help="comma-separated pipeline components (default: the default pipeline)")
    p.add_argument("--no-resume", action="store_true", help="skip the rerun and the kill/resume runs")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        base = args.keep or Path(tmp)
        archive = base / "archive"
        t0 = time.perf_counter()
        injected, chars = generate(archive, args.articles, args.data)
        print(
            f"generated {args.articles:,} articles ({chars:,} checked chars, {len(injected)} injected errors) "
            f"in {time.perf_counter() - t0:.1f} s; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        from proofread.checkers import default_components

        components = args.components.split(",") if args.components else default_components()
        figures: dict = {
            "articles": args.articles,
            "chars": chars,
            "injected": len(injected),
            "runs": [],
            "components": components,
        }
        print(f"components: {', '.join(components)}", flush=True)
        reference = None
        for workers in args.workers:
            out = base / f"out-w{workers}"
            r = run_scan(archive, out, workers, args.components)
            found = findings(out)
            rec, elsewhere, missed = recall(found, injected)
            reference = reference or found
            row = {
                "workers": workers,
                "seconds": round(r["seconds"], 1),
                "articles_per_s": round(args.articles / r["seconds"], 1),
                "chars_per_s": round(chars / r["seconds"]),
                "peak_rss_mb": round(r["peak_rss_mb"]),
                "recall": round(rec, 4),
                "findings": len(found),
                "findings_elsewhere": elsewhere,
                "same_as_first": found == reference,
                "load_avg": round(os.getloadavg()[0], 2),
            }
            figures["runs"].append(row)
            print(
                f"workers={workers}: {r['seconds']:.1f} s, {row['articles_per_s']:,} articles/s, "
                f"{row['chars_per_s']:,} chars/s, peak RSS {row['peak_rss_mb']} MB (largest process), "
                f"recall {rec:.2%} ({len(injected) - len(missed)}/{len(injected)}), {len(found)} findings "
                f"({elsewhere} not at injected errors), same findings as first run: {row['same_as_first']}, "
                f"load {row['load_avg']}",
                flush=True,
            )
            for e in missed[:10]:
                print(f"   missed: {e}")
        if args.no_resume:
            _save(args.json, figures)
            return
        workers = args.workers[-1]
        out = base / f"out-w{workers}"
        again = run_scan(archive, out, workers, args.components)
        figures["unchanged_rerun_s"] = round(again["seconds"], 2)
        print(f"rerun on the unchanged archive: {again['seconds']:.2f} s ({again['stderr'].splitlines()[0]})")

        out = base / "out-killed"
        killed = run_scan(archive, out, workers, args.components, kill_after=args.articles * 2 // 5)
        resumed = run_scan(archive, out, workers, args.components)
        same = findings(out) == reference
        figures["resume"] = {
            "killed_at_done": killed["killed_at"],
            "killed_after_s": round(killed["seconds"], 1),
            "resumed_s": round(resumed["seconds"], 1),
            "findings_identical": same,
            "resumed_line": resumed["stderr"].splitlines()[0],
        }
        print(
            f"kill -9 after {killed['seconds']:.1f} s with {killed['killed_at']:,} articles done; resumed run "
            f"{resumed['seconds']:.1f} s ({resumed['stderr'].splitlines()[0]}); findings identical to an "
            f"uninterrupted run: {same}",
            flush=True,
        )
        _save(args.json, figures)


def _save(path: Path | None, figures: dict) -> None:
    if path:
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
