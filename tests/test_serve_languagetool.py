"""``proofread serve``'s LanguageTool-compatible API: ``/v2/check`` and ``/v2/languages``."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from serving import running_server  # noqa: E402

from proofread.finding import Finding, Severity  # noqa: E402
from proofread.serve import languagetool as lt  # noqa: E402
from proofread.serve.app import create_app  # noqa: E402
from proofread.serve.settings import ServeSettings  # noqa: E402

SEED = "坚持和完善名族区域自治制度"
ASTRAL = "𠀀"  # U+20000: one code point, two UTF-16 code units


@pytest.fixture(scope="module")
def client(proofreader):
    with TestClient(create_app(ServeSettings(), proofreader)) as c:
        yield c


def check(client, **params):
    response = client.post("/v2/check", data={"language": "zh-CN", **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_utf16_offsets_count_astral_characters_twice():
    units = lt.Utf16(f"a{ASTRAL}b{ASTRAL}{ASTRAL}c")
    assert [units(i) for i in range(7)] == [0, 1, 3, 4, 6, 8, 9]


def test_the_seed_sentence_in_languagetool_shape(client):
    body = check(client, text=SEED)
    assert body["software"]["apiVersion"] == 1
    assert body["language"]["code"] == "zh-CN"
    (match,) = body["matches"]
    assert match["offset"] == 5 and match["length"] == 2
    assert match["replacements"] == [{"value": "民族"}]
    assert match["message"] == "“名族”为错别字，应为“民族”"
    assert match["shortMessage"] == "错别字"
    assert match["context"] == {"text": SEED, "offset": 5, "length": 2}
    assert match["sentence"] == SEED
    assert match["type"] == {"typeName": "Other"}
    assert match["rule"] == {
        "id": "typo.minzu",
        "description": "“名族”为错别字，应为“民族”",
        "issueType": "misspelling",
        "category": {"id": "TYPO", "name": "错别字"},
    }
    # ours, beside LanguageTool's fields
    assert (match["severity"], match["confidence"], match["source"]) == ("error", 1.0, "seed_misspellings")


def test_a_character_outside_the_bmp_does_not_shift_the_mark(client):
    text = f"{ASTRAL}{ASTRAL}{SEED}"
    (match,) = check(client, text=text)["matches"]
    assert (match["offset"], match["length"]) == (9, 2)  # 2 × 2 units, then 5
    units = text.encode("utf-16-le")
    assert units[2 * match["offset"] : 2 * (match["offset"] + match["length"])].decode("utf-16-le") == "名族"
    context = match["context"]
    shown = context["text"].encode("utf-16-le")
    assert shown[2 * context["offset"] : 2 * (context["offset"] + context["length"])].decode("utf-16-le") == "名族"


def test_annotated_data_skips_markup_but_counts_it(client):
    annotation = [
        {"markup": "<p>"},
        {"text": f"{ASTRAL}坚持和完善"},
        {"markup": "<b class='x'>"},
        {"text": "名族区域自治制度"},
        {"markup": "</b>"},
        {"markup": "<br/>", "interpretAs": "\n"},
        {"text": "加强城市管里执法队伍建设。"},
    ]
    original = "".join(p.get("text", p.get("markup")) for p in annotation)
    matches = check(client, data=json.dumps({"annotation": annotation}))["matches"]
    units = original.encode("utf-16-le")
    found = [units[2 * m["offset"] : 2 * (m["offset"] + m["length"])].decode("utf-16-le") for m in matches]
    assert found == ["名族", "城市管里"]
    assert matches[0]["offset"] == len("<p>") + 2 + len("坚持和完善<b class='x'>")
    assert matches[0]["context"]["text"].startswith(f"{ASTRAL}坚持和完善名族")  # the checked text, no markup


def test_annotation_offsets_map_back_through_interpret_as():
    annotated = lt.parse_annotation(
        json.dumps({"annotation": [{"text": "ab"}, {"markup": "<br>", "interpretAs": "\n"}, {"text": "cd"}]})
    )
    assert annotated.plain == "ab\ncd" and annotated.original == "ab<br>cd"
    assert annotated.to_original(3, 5) == (6, 8)
    assert annotated.to_original(1, 4) == (1, 7)
    assert annotated.to_original(2, 3) == (2, 6)  # the newline is the whole markup


@pytest.mark.parametrize(
    "params",
    [
        {"disabledRules": "typo.minzu"},
        {"disabledCategories": "TYPO"},
        {"disabledCategories": "typo,NO_SUCH_CATEGORY"},
        {"enabledOnly": "true", "enabledRules": "typo.chengshi_guanli"},
        {"enabledOnly": "true", "enabledCategories": "FORMULATION"},
    ],
)
def test_rule_and_category_filters(client, params):
    assert check(client, text=SEED, **params)["matches"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"disabledRules": "NO_SUCH_RULE,UPPERCASE_SENTENCE_START"},  # unknown ids are ignored
        {"enabledRules": "NO_SUCH_RULE"},
        {"enabledOnly": "true", "enabledRules": "typo.minzu,NO_SUCH_RULE"},
        {"enabledOnly": "true", "enabledCategories": "typo"},
        {"disabledCategories": "TYPO", "enabledRules": "typo.minzu"},  # a rule named explicitly wins
        {"level": "picky"},
        {"motherTongue": "de-DE", "preferredVariants": "en-GB"},  # parameters we have no use for
    ],
)
def test_filters_that_keep_the_finding(client, params):
    assert [m["rule"]["id"] for m in check(client, text=SEED, **params)["matches"]] == ["typo.minzu"]


def test_languages_and_language_codes(client):
    assert client.get("/v2/languages").json() == [{"name": "Chinese", "code": "zh", "longCode": "zh-CN"}]
    for code in ("zh", "zh-CN", "auto", "zh_cn"):
        assert len(check(client, text=SEED, language=code)["matches"]) == 1


def test_get_with_query_parameters(client):
    response = client.get("/v2/check?" + urllib.parse.urlencode({"text": SEED, "language": "zh"}))
    assert response.status_code == 200
    assert response.json()["matches"][0]["offset"] == 5


@pytest.mark.parametrize(
    "body, content_type, line",
    [
        ({"text": SEED, "language": "en-US"}, None, "Error: 'en-US' is not a language code this server knows"),
        ({"text": SEED}, None, "Error: Missing 'language' parameter"),
        ({"language": "zh-CN"}, None, "Error: Missing 'text' or 'data' parameter"),
        ({"language": "zh-CN", "data": "{not json"}, None, "Error: 'data' is not valid JSON"),
        ({"language": "zh-CN", "data": '{"annotation": [{"text": 1}]}'}, None, "Error: 'data' annotation item 0"),
        ({"language": "zh-CN", "text": SEED, "enabledOnly": "true"}, None, "Error: 'enabledOnly=true' needs"),
        ({"language": "zh-CN", "text": SEED, "level": "extreme"}, None, "Error: 'level' must be default or picky"),
        (b"language=zh-CN&text=%E5%90", "application/x-www-form-urlencoded", "Error: malformed form"),
        (b"language=zh-CN&&&text", "application/x-www-form-urlencoded", "Error: malformed form"),
        (b'{"text": "x"}', "application/json", "Error: expected a form"),
    ],
)
def test_bad_requests_get_one_plain_line(client, body, content_type, line):
    if isinstance(body, bytes):
        response = client.post("/v2/check", content=body, headers={"Content-Type": content_type})
    else:
        response = client.post("/v2/check", data=body)
    assert response.status_code == 400
    assert response.text.startswith(line) and "\n" not in response.text
    assert response.headers["content-type"].startswith("text/plain")  # what LanguageTool's clients show


def test_text_over_the_limit_is_413(proofreader):
    with TestClient(create_app(ServeSettings(max_chars=20), proofreader)) as c:
        response = c.post("/v2/check", data={"text": SEED * 2, "language": "zh-CN"})
        assert response.status_code == 413
        assert response.text == (
            "Error: Your text exceeds the limit of 20 characters (it's 26 characters). Please submit a shorter text."
        )
        assert c.post("/v2/check", data={"text": SEED, "language": "zh-CN"}).status_code == 200


def test_match_for_a_finding_without_message_or_suggestion():
    f = Finding(0, 2, "名族", (), "custom", Severity.INFO, "custom.x", "user.tsv", 0.5, "")
    (match,) = lt.response(lt.plain("名族"), [f])["matches"]
    assert match["replacements"] == [] and match["message"] == "“名族”"
    assert match["type"] == {"typeName": "Hint"} and match["rule"]["issueType"] == "uncategorized"
    assert match["rule"]["category"] == {"id": "CUSTOM", "name": "自定义"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve"), "--access-log") as s:
        yield s


def test_language_tool_python_gets_our_findings(server):
    language_tool_python = pytest.importorskip("language_tool_python")
    tool = language_tool_python.LanguageTool("zh-CN", remote_server=server.url)
    (match,) = tool.check(f"{ASTRAL}{SEED}")
    assert match.rule_id == "typo.minzu" and match.replacements == ["民族"]
    assert match.offset == 6 and match.error_length == 2  # the client converts UTF-16 back to code points
    assert match.category == "TYPO"
    assert tool.correct(SEED) == "坚持和完善民族区域自治制度"


def test_the_real_server_answers_utf16_offsets(server):
    data = urllib.parse.urlencode({"text": f"{ASTRAL}{SEED}", "language": "zh-CN"}).encode()
    with urllib.request.urlopen(urllib.request.Request(server.url + "/v2/check", data=data), timeout=30) as r:
        (match,) = json.load(r)["matches"]
    assert (match["offset"], match["length"]) == (7, 2)


def test_sigterm_stops_it_gracefully_and_no_text_was_logged(server):
    # a request in flight when SIGTERM comes is still answered
    long_text = "".join(f"第{i}项：坚持和完善名族区域自治制度。" for i in range(2000))
    data = urllib.parse.urlencode({"text": long_text, "language": "zh-CN"}).encode()
    answered: list = []

    def send() -> None:
        with urllib.request.urlopen(urllib.request.Request(server.url + "/v2/check", data=data), timeout=60) as r:
            answered.append((r.status, len(json.load(r)["matches"])))

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.5)
    assert server.stop() == 0
    sender.join(60)
    assert answered == [(200, 2000)]
    log = server.log()
    assert "POST /v2/check 200" in log  # the access log is on, and says only method, path and status
    assert "Application shutdown complete" in log
    assert "名族" not in log and "自治" not in log and "%E5" not in log
    assert "http://127.0.0.1:" in log  # loopback unless told otherwise
