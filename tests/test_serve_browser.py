"""The editor page in headless Chromium (Debian's), driven by Playwright, against a real server."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

from serving import running_server  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SEED = "坚持和完善名族区域自治制度"
pytestmark = [
    pytest.mark.slow,  # starts a server and a browser
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium) - no browser test"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve")) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(server.url) else problems.append(f"outside: {r.url}"))
    page.goto(server.url + "/")
    yield page
    context.close()
    assert problems == []  # no script error, no CSP violation, nothing fetched from elsewhere


def test_paste_see_the_mark_accept_it(page, tmp_path):
    page.fill("#source", f"𠀀{SEED}。加强城市管里执法队伍建设。")
    page.click("#check")
    mark = page.locator("mark", has_text="名族")
    mark.wait_for()
    assert mark.get_attribute("class") == "error"
    assert "“名族”为错别字" in mark.get_attribute("title")
    assert page.locator("mark").all_text_contents() == ["名族", "城市管里"]
    mark.click()
    page.click("#detail button.accept")
    assert page.locator("mark").all_text_contents() == ["城市管里"]
    assert page.text_content("#doc") == "𠀀坚持和完善民族区域自治制度。加强城市管里执法队伍建设。"
    # ignore the other one: the text stays as it was there
    page.locator("mark", has_text="城市管里").click()
    page.click("#detail button.ignore")
    assert page.locator("mark").count() == 0
    with page.expect_download() as download:
        page.click("#download-text")
    saved = tmp_path / "corrected.txt"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == "𠀀坚持和完善民族区域自治制度。加强城市管里执法队伍建设。"
    assert download.value.suggested_filename == "文稿.corrected.txt"


def test_filters_and_accept_all_of_a_rule(page):
    page.fill("#source", f"{SEED}。{SEED}。加强城市管里执法。")
    page.click("#check")
    page.locator("mark").first.wait_for()
    assert page.locator("mark").count() == 3
    page.uncheck("input.severity[value=error]")
    assert page.locator("mark").count() == 0
    page.check("input.severity[value=error]")
    page.locator("mark").first.click()
    page.click("#detail button.accept-rule")
    assert page.locator("mark").all_text_contents() == ["城市管里"]
    assert page.text_content("#doc").count("民族") == 2
    page.uncheck("input.category[value=typo]")
    assert page.locator("mark").count() == 0
    page.click("#edit")  # back to editing, with the accepted corrections
    assert page.input_value("#source") == "坚持和完善民族区域自治制度。坚持和完善民族区域自治制度。加强城市管里执法。"


def test_article_text_is_never_markup(page):
    page.fill("#source", f'<img src=x onerror="document.title=1">{SEED}<script>document.title=2</script>')
    page.click("#check")
    page.locator("mark").first.wait_for()
    assert page.locator("#doc img").count() == 0 and page.locator("#doc script").count() == 0
    assert "<img src=x" in page.text_content("#doc")
    assert page.title() == "proofread 文稿校对"


def test_upload_a_docx_and_get_the_annotated_copy(page, tmp_path):
    d = docx.Document()
    d.add_paragraph("关于做好政务公开工作的通知")
    d.add_paragraph(SEED + "。")
    draft = tmp_path / "通知.docx"
    d.save(draft)
    page.set_input_files("#file", str(draft))
    page.locator("mark", has_text="名族").wait_for()
    assert page.is_visible("#download-docx")
    with page.expect_download() as download:
        page.click("#download-docx")
    assert download.value.suggested_filename == "通知.proofread.docx"
    saved = tmp_path / "annotated.docx"
    download.value.save_as(saved)
    (comment,) = docx.Document(saved).comments
    assert "建议：民族" in comment.text and comment.author == "proofread"


def test_docs_page_lists_the_api(page, server):
    page.goto(server.url + "/docs")
    page.locator("h2", has_text="POST /v2/check").wait_for()
    assert page.locator("h2", has_text="POST /api/check-file").count() == 1
