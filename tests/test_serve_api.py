"""``proofread serve``'s native API, limits, keys and the page's security headers (in process)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import docx
import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from proofread import Proofreader  # noqa: E402
from proofread.serve.app import STATIC, create_app  # noqa: E402
from proofread.serve.batching import Batcher  # noqa: E402
from proofread.serve.settings import ServeSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = "坚持和完善名族区域自治制度"


@pytest.fixture(scope="module")
def client(proofreader):
    with TestClient(create_app(ServeSettings(), proofreader)) as c:
        yield c


def word_draft() -> bytes:
    d = docx.Document()
    d.add_paragraph("关于做好政务公开工作的通知")
    p = d.add_paragraph()
    p.add_run("坚持和完善")
    p.add_run("名族区域自治制度，").bold = True
    p.add_run("加强城市管里执法。")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_api_check_is_exactly_the_jsonl_record_of_check(client, tmp_path):
    text = (ROOT / "examples" / "notice.txt").read_text(encoding="utf-8")
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "proofread.cli",
            "check",
            "--format",
            "jsonl",
            "--date",
            "2024-05-01",
            "examples/notice.txt",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expected = json.loads(cli.stdout)
    response = client.post("/api/check", json={"text": text, "date": "2024-05-01", "id": "examples/notice.txt"})
    assert response.status_code == 200
    assert response.json() == expected
    assert len(expected["findings"]) > 3
    assert response.text.startswith('{"id":"examples/notice.txt","text":')  # the contract's key order


def test_api_check_seed_sentence(client):
    record = client.post("/api/check", json={"text": f"𠀀{SEED}"}).json()
    assert record["id"] == 1 and record["corrected"] == "𠀀坚持和完善民族区域自治制度"
    (f,) = record["findings"]
    assert (f["start"], f["end"], f["original"]) == (6, 8, "名族")  # code points, as in the jsonl contract


def test_api_check_options(client):
    two = f"{SEED}。加强城市管里执法队伍建设。"
    rules = lambda **options: [  # noqa: E731
        f["rule"] for f in client.post("/api/check", json={"text": two, "options": options}).json()["findings"]
    ]
    assert rules() == ["typo.minzu", "typo.chengshi_guanli"]
    assert rules(disabled_rules=["typo.minzu", "no.such.rule"]) == ["typo.chengshi_guanli"]
    assert rules(enabled_only=True, enabled_rules=["typo.chengshi_guanli"]) == ["typo.chengshi_guanli"]
    assert rules(disabled_categories=["TYPO"]) == []
    assert rules(min_severity="error") == ["typo.minzu", "typo.chengshi_guanli"]


def test_api_check_date_reaches_date_aware_rules(client):
    text = "市卫计委负责。"
    assert client.post("/api/check", json={"text": text, "date": "2017-05-01"}).json()["findings"] == []
    assert [f["original"] for f in client.post("/api/check", json={"text": text}).json()["findings"]] == ["卫计委"]


@pytest.mark.parametrize(
    "content, line",
    [
        (b'{"text": ', "malformed JSON body"),
        (b'{"txt": "x"}', "text: Field required"),
        (b'{"text": 5}', "text: Input should be a valid string"),
        (b'{"text": "x", "date": "yesterday"}', "date: Input should be a valid date"),
        (b'{"text": "x", "options": {"min_severity": "fatal"}}', "options.min_severity: Input should be"),
        (b'{"text": "x", "options": {"colour": 1}}', "options.colour: Extra inputs are not permitted"),
        (b'{"text": "x", "options": {"enabled_only": true}}', "options.enabled_only needs enabled_rules"),
        (b"[1, 2]", "Input should be a valid dictionary"),
    ],
)
def test_malformed_json_is_400_with_one_line(client, content, line):
    response = client.post("/api/check", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    (message,) = response.json().values()
    assert line in message and "\n" not in message and "Traceback" not in message


def test_not_json_at_all(client):
    response = client.post("/api/check", data={"text": SEED})
    assert response.status_code == 400
    assert response.json() == {
        "error": "expected a JSON body (Content-Type: application/json), got application/x-www-form-urlencoded"
    }


def test_check_file_docx_comes_back_annotated(client):
    response = client.post("/api/check-file", files={"file": ("通知.docx", word_draft())})
    assert response.status_code == 200
    record = response.json()
    assert record["id"] == "通知.docx"
    assert [f["original"] for f in record["findings"]] == ["名族", "城市管里"]
    assert record["text"][record["findings"][0]["start"] : record["findings"][0]["end"]] == "名族"
    annotated = record["annotated"]
    assert annotated["filename"] == "通知.proofread.docx" and annotated["comments"] == 2
    comments = docx.Document(io.BytesIO(base64.b64decode(annotated["docx_base64"]))).comments
    assert [c.author for c in comments] == ["proofread", "proofread"]
    assert "建议：民族" in next(iter(comments)).text


def test_check_file_download_docx(client):
    response = client.post("/api/check-file?download=docx", files={"file": ("通知.docx", word_draft())})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E9%80%9A%E7%9F%A5.proofread.docx" in response.headers["content-disposition"]
    assert len(docx.Document(io.BytesIO(response.content)).comments) == 2


@pytest.mark.parametrize(
    "name, data",
    [
        ("draft.txt", f"{SEED}。\n".encode()),
        ("draft.md", f"# 标题\n\n{SEED}。\n".encode()),
        ("draft.html", f"<html><body><p>{SEED}。</p></body></html>".encode()),
        ("draft.txt", f"{SEED}。".encode("gb18030")),
    ],
)
def test_check_file_text_formats(client, name, data):
    record = client.post("/api/check-file", files={"file": (name, data)}, data={"date": "2024-01-01"}).json()
    assert record["annotated"] is None
    (f,) = record["findings"]
    assert record["text"][f["start"] : f["end"]] == "名族" and f["suggestions"] == ["民族"]


@pytest.mark.parametrize(
    "files, data, line",
    [
        ({"file": ("draft.pdf", b"%PDF-1.4")}, {}, "draft.pdf: not a valid PDF file"),
        ({"file": ("draft.exe", b"MZ")}, {}, "draft.exe: unsupported file type; send .doc, .docx"),
        ({"file": ("draft.docx", b"not a zip")}, {}, "draft.docx:"),
        ({"file": ("draft.txt", b"")}, {}, "draft.txt:"),
        ({"file": ("draft.txt", b"\x00\x01\x02binary\x00")}, {}, "draft.txt:"),
        ({"other": ("draft.txt", b"x")}, {}, "the upload has no 'file' field"),
        ({"file": ("draft.txt", SEED.encode())}, {"date": "2024-13-01"}, "date: expected YYYY-MM-DD"),
        ({"file": ("draft.txt", SEED.encode())}, {"min_severity": "fatal"}, "min_severity: unknown severity"),
    ],
)
def test_bad_uploads_are_400_with_one_line(client, files, data, line):
    response = client.post("/api/check-file", files=files, data=data)
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    assert message.startswith(line) and "\n" not in message


def test_upload_must_be_multipart(client):
    response = client.post("/api/check-file", content=b"x", headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()) == (
        400,
        {"error": "expected a multipart/form-data upload with a 'file' field"},
    )
    response = client.post(
        "/api/check-file", content=b"--x\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert response.status_code == 400 and response.json()["error"].startswith("the upload has no 'file'")
    response = client.post("/api/check-file?download=docx", files={"file": ("a.txt", SEED.encode())})
    assert response.json() == {"error": "download=docx needs a .docx upload"}


def test_limits(proofreader):
    settings = ServeSettings(max_chars=30, max_upload_mb=0.001)
    with TestClient(create_app(settings, proofreader)) as c:
        response = c.post("/api/check", json={"text": SEED * 3})
        assert response.status_code == 413
        assert response.json()["error"].startswith("Your text exceeds the limit of 30 characters (it's 39")
        response = c.post("/api/check-file", files={"file": ("big.txt", "。".join([SEED] * 10).encode())})
        assert response.status_code == 413
        response = c.post("/api/check-file", files={"file": ("big.txt", b"x" * 2000)})
        assert response.status_code == 413 and "larger than the limit" in response.json()["error"]
        response = c.post(
            "/api/check", content=b"{}", headers={"Content-Type": "application/json"} | {"Content-Length": "99999999"}
        )
        assert response.status_code == 413
        assert c.post("/api/check", json={"text": SEED}).status_code == 200  # and the next request is fine


def test_a_request_past_the_timeout_is_503_and_the_next_one_is_answered(proofreader):
    with TestClient(create_app(ServeSettings(timeout=0.05), proofreader)) as c:
        long_text = "".join(f"第{i}条：坚持和完善民族区域自治制度，加强城市管理。" for i in range(3000))
        response = c.post("/api/check", json={"text": long_text})
        assert response.status_code == 503
        assert response.json() == {"error": "checking took longer than the server's limit of 0.05 s"}
        response = c.post("/v2/check", data={"text": long_text + "x", "language": "zh"})
        assert response.status_code == 503 and response.text.startswith("Error: checking took longer")
    with TestClient(create_app(ServeSettings(timeout=30), proofreader)) as c:
        assert c.post("/api/check", json={"text": SEED}).json()["corrected"] == "坚持和完善民族区域自治制度"


def test_api_key(proofreader):
    with TestClient(create_app(ServeSettings(api_key="s3cret"), proofreader)) as c:
        assert c.post("/api/check", json={"text": SEED}).status_code == 401
        assert c.post("/v2/check", data={"text": SEED, "language": "zh"}).status_code == 401
        assert c.get("/v2/languages").status_code == 401
        assert c.post("/api/check", json={"text": SEED}, headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/api/check", json={"text": SEED}, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.post("/api/check", json={"text": SEED}, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        form = {"text": SEED, "language": "zh", "apiKey": "s3cret"}  # as LanguageTool's clients send it
        assert c.post("/v2/check", data=form).status_code == 200
        assert c.get("/health").json()["api_key_required"] is True  # the page asks for the key
        assert c.get("/").status_code == 200


def test_security_headers_and_local_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in csp
    for name in ("index.html", "docs.html", "editor.js", "docs.js", "editor.css"):
        source = (STATIC / name).read_text(encoding="utf-8")
        assert "http://" not in source and "https://" not in source and "//cdn" not in source, name
        assert "innerHTML" not in source and "outerHTML" not in source and "insertAdjacentHTML" not in source, name
        assert client.get(f"/static/{name}").status_code == 200
    assert "<script>" not in page.text and " on" + "click=" not in page.text  # no inline script
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/v2/check", params={"language": "zh"}).headers["content-security-policy"] == csp


def test_docs_and_openapi(client):
    spec = client.get("/openapi.json").json()
    assert {"/v2/check", "/v2/languages", "/api/check", "/api/check-file", "/health"} <= set(spec["paths"])
    assert "multipart/form-data" in spec["paths"]["/api/check-file"]["post"]["requestBody"]["content"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text and "cdn" not in docs.text.lower()


def test_health(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["max_chars"] == 200_000
    assert ".docx" in health["upload_suffixes"]


class Flaky(Proofreader):
    """The real pipeline, failing on one marked text (a bug that only one document triggers)."""

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        if any("BOOM" in (t if isinstance(t, str) else t[0]) for t in texts):
            raise RuntimeError("boom")
        return super().pipe(texts, **kwargs)

    def check(self, text, *, date=None):
        if "BOOM" in text:
            raise RuntimeError(f"failed on {text}")
        return super().check(text, date=date)


def test_one_bad_request_never_affects_another_and_no_traceback():
    flaky = Flaky()
    batcher = Batcher(flaky)

    async def burst():
        texts = [SEED, "BOOM " + SEED, "加强城市管里执法。", SEED + "。"]
        return await asyncio.gather(*(batcher.check(t) for t in texts), return_exceptions=True)

    results = asyncio.run(burst())
    assert [type(r).__name__ for r in results] == ["list", "RuntimeError", "list", "list"]
    assert [[f.original for f in r] for r in results if isinstance(r, list)] == [["名族"], ["城市管里"], ["名族"]]
    batcher.close()
    with TestClient(create_app(ServeSettings(), flaky)) as c:
        response = c.post("/api/check", json={"text": "BOOM 秘密文本"})
        assert response.status_code == 500
        assert response.json() == {"error": "internal error (RuntimeError)"}  # no traceback, no text
        assert c.post("/api/check", json={"text": SEED}).status_code == 200


def test_concurrent_requests_are_checked_in_batches(proofreader):
    batcher = Batcher(proofreader)
    texts = [f"第{i}段：{SEED}。" for i in range(12)]

    async def burst():
        return await asyncio.gather(*(batcher.check(t) for t in texts))

    results = asyncio.run(burst())
    assert results == [proofreader.check(t) for t in texts]
    assert batcher.documents == 12 and batcher.batches <= 2  # the first alone, the rest together
    assert len(batcher.cache) == 12
    again = asyncio.run(burst())  # the shared sentence cache: checked once
    assert again == results and batcher.cache.hits >= 12
    batcher.close()


def test_requests_from_many_threads(client):
    answers: list[int] = []

    def send(i: int) -> None:
        answers.append(len(client.post("/api/check", json={"text": f"{i}：{SEED}"}).json()["findings"]))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [1] * 8
