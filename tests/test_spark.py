"""The Spark engine (``proofread.spark``, ``scan --engine spark``) in ``local[2]``: the same findings as
``Proofreader.pipe`` and the local scan, restart after kill -9, bad documents in the unreadable table."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'proofread[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "no Java runtime (apt-get install openjdk-17-jre-headless) - Spark cannot start", allow_module_level=True
    )

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from test_scan import BAD_1, BAD_2, GOOD, page

from proofread import apply_findings
from proofread.cli import main
from proofread.finding import Severity
from proofread.scan.work import BatchChecker

# pyspark has not certified pandas 3 yet and says so on every conversion; it works (these tests)
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
N_PAGES = 90
RECORDS = [
    {"url": f"https://mp.example.cn/s/{i}", "title": f"公众号文章{i}", "date": f"2023-06-{i % 28 + 1:02d}"}
    | ({"unit": "某某区融媒体中心"} if i % 2 else {})
    | (
        {"html": f"<div class='nav'>首页</div><p>{BAD_1}</p><p>第{i}期</p>"}
        if i % 3 == 0
        else {"text": f"{BAD_2}第{i}期。"}
    )
    for i in range(30)
]


@pytest.fixture(scope="module")
def spark():
    from proofread.spark import spark_session

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("proofread tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    assert spark_session() is session  # the scan uses the session it finds
    yield session
    session.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """Pages in two sites' folders, a .zip, a JSONL export and the same export as Parquet, bad files."""
    root = tmp_path_factory.mktemp("spark") / "archive"
    for i in range(N_PAGES):
        site = root / f"site{i % 3}"
        site.mkdir(parents=True, exist_ok=True)
        paragraphs = [GOOD, f"第{i}号文件：{BAD_1 if i % 2 else BAD_2}", f"本期共发布信息{i}条。"]
        (site / f"{i:04d}.html").write_text(page(f"通知{i}", f"2022-01-{i % 28 + 1:02d}", paragraphs), encoding="utf-8")
    with zipfile.ZipFile(root / "site1" / "old.zip", "w") as z:
        for i in range(5):
            z.writestr(f"2019/{i}.html", page(f"旧闻{i}", "2019-01-02", [BAD_1, GOOD]))
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS] + ["{oops", json.dumps({"title": "无正文"})]
    (root / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "site2" / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "site2" / "big.txt").write_text("很长的文本。" * 200_000, encoding="utf-8")  # 3.6 MB > --max-size 1
    (root / "site2" / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    return root


def _parquet_copy(archive: Path, tmp_path: Path) -> Path:
    """The archive plus its JSONL export as Parquet (which only the Spark engine reads)."""
    root = tmp_path / "with-parquet"
    shutil.copytree(archive, root)
    records = [json.loads(line) for line in (archive / "export.jsonl").read_text(encoding="utf-8").splitlines()[:30]]
    columns = ("url", "title", "date", "unit", "html", "text")
    pq.write_table(
        pa.table({c: [r.get(c) for r in records] for c in columns}), root / "export.parquet", row_group_size=7
    )
    (root / "broken.parquet").write_bytes(b"PAR1 truncated")
    return root


def _plain(row) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row)


def _scan(engine: str, sources: list[Path], out: Path, *extra: str) -> int:
    common = ["--out", str(out), "--max-size", "1", "--date", "2024-01-01", "--progress", "never"]
    return main(["scan", "--engine", engine, *map(str, sources), *common, *extra])


def _csv_rows(out: Path) -> list[dict]:
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _table(spark, out: Path, name: str) -> list[dict]:
    return [r.asDict() for r in spark.read.parquet(str(out / name)).drop("chunk").collect()]


@pytest.fixture(scope="module")
def spark_out(spark, archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark-out") / "out"
    assert _scan("spark", [archive], out, "--chunks", "6") == 1
    return out


def test_findings_and_documents_equal_proofreader_pipe(spark, proofreader):
    texts = [
        (f"d{i}", [GOOD + BAD_1, BAD_2 + "国家工商行政管理总局发布通知。", GOOD, "名族团结。" * (i % 3)][i % 4], i)
        for i in range(40)
    ]
    rows = [(d, t, f"unit{n % 3}", dt.date(2015 + n % 10, 6, 1)) for d, t, n in texts] + [("none", None, "u", None)]
    df = spark.createDataFrame(pd.DataFrame(rows, columns=["id", "text", "unit", "date"]))
    from proofread.spark import documents, findings

    got = sorted(_plain(r) for r in findings(df, date="date").collect())
    expected = []
    pipe = proofreader.pipe([(t, d) for _, t, _, d in rows[:-1]], batch_size=7)
    for (doc, _, unit, date), found in zip(rows, pipe):
        expected += [(doc, unit, date, *f.to_dict().values()) for f in found]
    assert got == sorted(_plain(r) for r in expected)
    assert len(got) > 30

    docs = {r["id"]: r for r in (r.asDict() for r in documents(df, date="date").collect())}
    assert docs["none"]["reason"].startswith("no text") and docs["none"]["corrected"] is None
    for (doc, text, _, _), found in zip(rows, proofreader.pipe([(t, d) for _, t, _, d in rows[:-1]])):
        assert docs[doc]["corrected"] == apply_findings(text, found) and docs[doc]["reason"] == ""
        assert docs[doc]["n_error"] == sum(f.severity == Severity.ERROR for f in found)
        assert docs[doc]["n_findings"] == len(found)
    with pytest.raises(ValueError, match="'message' would be overwritten"):
        findings(df.withColumnRenamed("unit", "message"))


def test_spark_scan_equals_local_scan_row_for_row(spark, spark_out, archive, tmp_path):
    local = tmp_path / "local"
    assert _scan("local", [archive], local, "--workers", "1") == 1
    assert (spark_out / "findings.csv").read_bytes() == (local / "findings.csv").read_bytes()
    rows = _csv_rows(spark_out)
    assert len(rows) == N_PAGES + 5 + 30 and {r["path"] for r in rows} >= {
        "site1/old.zip/2019/0.html",
        "export.jsonl:1",
    }
    import openpyxl

    sheets = [
        [list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(o / "report.xlsx").worksheets]
        for o in (spark_out, local)
    ]
    assert sheets[0] == sheets[1]
    # The Parquet table: one row per finding, partitioned by unit, the contract's fields.
    table = _table(spark, spark_out, "findings")
    assert sorted((r["unit"], r["path"], r["start"], r["original"]) for r in table) == sorted(
        (r["unit"], r["path"], int(r["start"]), r["original"]) for r in rows
    )
    assert {p.name for p in (spark_out / "findings" / "chunk=00000").iterdir() if p.is_dir()} <= {
        "unit=site0",
        "unit=site1",
        "unit=site2",
        "unit=export",
        "unit=某某区融媒体中心",
    }


def test_bad_documents_are_unreadable_rows_and_never_fail_the_job(spark, spark_out):
    reasons = {r["path"]: r["reason"] for r in _table(spark, spark_out, "unreadable")}
    assert set(reasons) == {
        "site2/binary.html",
        "site2/big.txt",
        "site2/broken.zip",
        "export.jsonl:31",
        "export.jsonl:32",
    }
    assert "binary file" in reasons["site2/binary.html"]
    assert reasons["site2/big.txt"].startswith("file too large (3 MB; limit 1 MB)")
    assert reasons["export.jsonl:32"].startswith("no text field")
    docs = _table(spark, spark_out, "documents")
    assert sum(d["status"] == "done" for d in docs) == N_PAGES + 5 + 30


class _Raising:
    """A proofreader whose checking raises on one word (as a bug in a component would)."""

    def __init__(self, real) -> None:
        self.real = real

    def pipe(self, texts, **kw):
        texts = list(texts)
        if any("自毁" in t for t, _ in texts):
            raise RuntimeError("boom")
        return self.real.pipe(texts, **kw)

    def check(self, text, *, date=None):
        if "自毁" in text:
            raise RuntimeError("boom")
        return self.real.check(text, date=date)


def test_a_check_that_raises_fails_only_its_document(proofreader):
    from proofread.spark import worker

    settings = worker.Settings(batch=8)
    worker._CHECKERS[settings] = BatchChecker(_Raising(proofreader), max_bytes=2**20, default_date=None)
    try:
        frame = pd.DataFrame({"id": ["a", "b", "c"], "text": [BAD_2, "自毁" + BAD_2, BAD_2]})
        (out,) = worker.text_documents([frame], settings, "text", None, ["id"])
    finally:
        worker._CHECKERS.pop(settings)
    assert list(out["reason"]) == ["", "checking failed (RuntimeError: boom)", ""]
    assert list(out["n_error"]) == [1, 0, 1]


def test_parquet_exports_are_read_like_jsonl(spark, spark_out, archive, tmp_path):
    out = tmp_path / "parquet"
    assert _scan("spark", [_parquet_copy(archive, tmp_path)], out, "--chunks", "2") == 1
    rows = _csv_rows(out)
    as_jsonl = [
        r | {"path": r["path"].replace("export.parquet", "export.jsonl")} for r in rows if ".parquet" in r["path"]
    ]
    assert len(as_jsonl) == 30
    jsonl = [r for r in _csv_rows(spark_out) if r["path"].startswith("export.jsonl")]
    assert sorted(map(sorted, (r.items() for r in as_jsonl))) == sorted(
        map(sorted, ((r | {"source": rows[0]["source"]}).items() for r in jsonl))
    )
    reasons = {r["path"]: r["reason"] for r in _table(spark, out, "unreadable")}
    assert reasons["broken.parquet"].startswith("not a readable Parquet file")


def _committed(out: Path) -> int:
    return len(list((out / "documents").glob("chunk=*/_SUCCESS")))


def test_kill_9_mid_scan_then_rerun_gives_the_findings_of_an_uninterrupted_run(spark, spark_out, archive, tmp_path):
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "proofread.cli", "scan", "--engine", "spark", "--master", "local[2]"]
    command += [str(archive), "--out", str(out), "--chunks", "6", "--max-size", "1", "--date", "2024-01-01"]
    env = os.environ | {"PYSPARK_PYTHON": sys.executable}
    proc = subprocess.Popen(
        command + ["--progress", "never"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None and _committed(out) < 2:
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the driver, its JVM and the Python workers, as kill -9 would
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    assert 2 <= _committed(out) < 6
    assert not (out / "findings.csv").exists()

    from proofread.scan import ScanOptions
    from proofread.spark import run_spark_scan

    options = ScanOptions([archive], out, max_bytes=2**20, date=dt.date(2024, 1, 1))
    resumed = run_spark_scan(options, spark=spark)
    assert resumed.skipped >= 2 and resumed.counts == {"done": N_PAGES + 5 + 30, "failed": 5}
    assert (out / "findings.csv").read_bytes() == (spark_out / "findings.csv").read_bytes()
    table = sorted(tuple(sorted(r.items())) for r in _table(spark, out, "findings"))
    assert table == sorted(tuple(sorted(r.items())) for r in _table(spark, spark_out, "findings"))
    again = run_spark_scan(options, spark=spark)  # everything committed: nothing checked
    assert (again.skipped, again.checked) == (6, 0)


def test_usage_errors_are_one_line(spark, spark_out, archive, tmp_path, capsys):
    assert _scan("spark", [tmp_path], spark_out) == 2
    assert "holds a scan of other sources" in capsys.readouterr().err
    assert _scan("spark", [archive], spark_out, "--chunks", "3") == 2
    assert "was started with --chunks 6" in capsys.readouterr().err
    assert _scan("local", [archive], tmp_path / "x", "--master", "local[2]") == 2
    assert "--master and --chunks need --engine spark" in capsys.readouterr().err


def _sheets(path: Path) -> list:
    import openpyxl

    return [list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(path).worksheets]


def test_period_project_verdicts_and_per_unit_files_as_the_local_scan(spark, spark_out, archive, tmp_path):
    rows = _csv_rows(spark_out)
    bushu = next(r["rule"] for r in rows if r["original"] == "布署")
    project = tmp_path / "proofread.toml"
    project.write_text(f'disabled_rules = ["{bushu}"]\n', encoding="utf-8")
    marked = [r for r in rows if r["date"].startswith("2022-01-1") and r["rule"] != bushu][:2]
    verdicts = tmp_path / "marked.csv"
    with verdicts.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([marked[0] | {"verdict": "误报"}, marked[1] | {"verdict": "已核实"}])
    period = ["--since", "2022-01-05", "--until", "2022-01-20", "--project", str(project), "--per-unit"]
    outs = {engine: tmp_path / engine for engine in ("local", "spark")}
    assert _scan("local", [archive], outs["local"], "--workers", "1", *period, "--verdicts", str(verdicts)) == 1
    assert _scan("spark", [archive], outs["spark"], "--chunks", "3", *period) == 1
    # The verdicts given to a later run, which checks nothing again: they are kept in scan.sqlite.
    assert _scan("spark", [archive], outs["spark"], *period, "--verdicts", str(verdicts)) == 1
    assert (outs["spark"] / "findings.csv").read_bytes() == (outs["local"] / "findings.csv").read_bytes()
    assert _sheets(outs["spark"] / "report.xlsx") == _sheets(outs["local"] / "report.xlsx")
    rectify = sorted(p.name for p in (outs["local"] / "整改").iterdir())
    assert rectify and sorted(p.name for p in (outs["spark"] / "整改").iterdir()) == rectify
    for name in rectify:
        assert _sheets(outs["spark"] / "整改" / name) == _sheets(outs["local"] / "整改" / name)
    got = _csv_rows(outs["spark"])
    assert got and all("2022-01-05" <= r["date"] <= "2022-01-20" for r in got)
    assert not any(r["rule"] == bushu for r in got)
    keys = [(r["path"], r["sentence"], r["rule"]) for r in marked]
    assert keys[0] not in {(r["path"], r["sentence"], r["rule"]) for r in got}  # 误报: not reported again
    assert next(r["verdict"] for r in got if (r["path"], r["sentence"], r["rule"]) == keys[1]) == "confirmed"
    docs = _table(spark, outs["spark"], "documents")
    assert {d["path"] for d in docs if d["status"] == "outside"} >= {"site1/old.zip/2019/0.html", "export.jsonl:1"}


def test_a_changed_or_removed_file_is_checked_again_with_its_chunk(spark, archive, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(archive, root)
    out = tmp_path / "out"
    assert _scan("spark", [root], out, "--chunks", "4") == 1
    changed = root / "site0" / "0003.html"
    changed.write_text(
        page("改过的通知", "2022-02-01", [GOOD, "请各单位认真学习名族团结进步的经验。"]), encoding="utf-8"
    )
    (root / "site1" / "0004.html").unlink()
    from proofread.scan import ScanOptions
    from proofread.spark import run_spark_scan

    options = ScanOptions([root], out, max_bytes=2**20, date=dt.date(2024, 1, 1))
    again = run_spark_scan(options, spark=spark)
    assert again.skipped in (2, 3) and again.checked < 100  # only the chunks of the two files
    local = tmp_path / "local"
    assert _scan("local", [root], local, "--workers", "1") == 1
    assert (out / "findings.csv").read_bytes() == (local / "findings.csv").read_bytes()
    rows = _csv_rows(out)
    assert any(r["path"] == "site0/0003.html" and r["original"] == "名族" for r in rows)
    assert not any(r["path"] == "site1/0004.html" for r in rows)


def test_the_default_chunk_count_follows_the_input_size():
    from proofread.scan.sources import Item
    from proofread.spark.scan import CHUNK_BYTES, DEFAULT_CHUNKS, default_chunks

    def items(*sizes: int) -> list[Item]:
        return [Item("/archive", f"{n}.html", "file", "unit", "fp", size=size) for n, size in enumerate(sizes)]

    assert default_chunks(items(10, 2000)) == 1  # a small archive: one job, not sixteen
    assert default_chunks(items(CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 1)) == 4
    assert default_chunks(items(*[CHUNK_BYTES] * 100)) == DEFAULT_CHUNKS
