"""Normalisation, sentence splitting and extraction: exact offsets on real inputs."""

import pytest

from proofread.text import normalize, split_sentences
from proofread.text.extract import InputError, decode, html_text


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_splits_on_chinese_terminators_and_newlines():
    text = "第一句。第二句！第三句？第四句；\n第五句……第六句"
    assert sentences(text) == ["第一句。", "第二句！", "第三句？", "第四句；", "第五句……", "第六句"]


def test_closing_quote_stays_with_its_sentence():
    text = "他说：“我们要坚持。”然后离开了。"
    assert sentences(text) == ["他说：“我们要坚持。”", "然后离开了。"]


def test_no_split_inside_brackets_or_quotes():
    text = "通知（详见附件。附件另发）已印发。群众说“好！真好！”大家都满意。"
    assert sentences(text) == ["通知（详见附件。附件另发）已印发。", "群众说“好！真好！”", "大家都满意。"]


def test_unbalanced_quote_does_not_swallow_the_document():
    text = "他说“没有结束。" + "这是下一句。" * 60
    spans = split_sentences(text)
    assert max(e - s for s, e in spans) <= 400
    assert len(spans) > 20


def test_ascii_punctuation_inside_urls_does_not_split():
    text = "访问 http://example.gov.cn/?a=1;b=2 查看。"
    assert sentences(text) == [text]


def test_overlong_sentence_is_cut_at_a_comma():
    text = ("加强城市管理，" * 100) + "完。"
    spans = split_sentences(text, max_len=100)
    assert all(e - s <= 100 for s, e in spans)
    assert all(text[e - 1] == "，" for s, e in spans[:-1])
    assert "".join(text[s:e] for s, e in spans) == text


def test_normalize_maps_width_without_shifting_offsets():
    norm = normalize("ＧＤＰ增长５％，民族")
    assert norm.text == "GDP增长5％，民族"
    assert norm.to_original(7, 9) == (7, 9)


def test_normalize_removes_invisible_characters_and_maps_back():
    original = "完善名\u200b族区域\ufeff自治"
    norm = normalize(original)
    assert norm.text == "完善名族区域自治"
    start, end = norm.to_original(2, 4)
    assert original[start:end] == "名\u200b族"
    start, end = norm.to_original(6, 8)
    assert original[start:end] == "自治"


def test_decode_gb18030_and_utf8_bom():
    text = "坚持和完善民族区域自治制度"
    assert decode(text.encode("gbk"), "a.txt") == text
    assert decode(text.encode("gb18030"), "a.txt") == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt") == text
    assert decode(text.encode("utf-16"), "a.txt") == text


def test_decode_rejects_binary_with_the_file_name():
    with pytest.raises(InputError, match=r"^img\.png: binary file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "img.png")


def test_html_visible_text_only():
    markup = """<html><head><title>标题</title><style>p{color:red}</style></head>
    <body><nav>首页</nav><p>坚持和完善
       民族区域自治制度</p><script>var a = "名族";</script><p>第二段&amp;结尾</p></body></html>"""
    assert html_text(markup) == "首页\n坚持和完善民族区域自治制度\n第二段&结尾"


def test_malformed_html_keeps_what_a_browser_shows():
    assert html_text("<div><p>未闭合的段落<b>加粗<div>另一段</p></span>") == "未闭合的段落加粗\n另一段"
