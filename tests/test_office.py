"""Office inputs: text PDF (pypdf), and .doc/.wps through LibreOffice (a clear one-line error without it)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import docx
import pytest

from proofread.cli import main

BAD = "会议对下半年工作进行了布署。"  # 布署 at 11..13


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose text layer holds ``pages`` (lines of Chinese) through a ToUnicode map, as
    exported documents carry it (the glyphs themselves are not needed to read the text)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>"
    )
    cid = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>" % descriptor
    )
    to_unicode = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap))
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, to_unicode)
    )
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 72 760 Td"]
        for i, line in enumerate(lines):
            ops += [b"0 -24 Td"] if i else []
            ops.append(b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> Tj")
        stream = b"\n".join([*ops, b"ET"])
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (font, content)
            )
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def check_jsonl(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["check", "--format", "jsonl", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_text_pdf_pages_are_checked_with_offsets_into_the_extracted_text(tmp_path, capsys):
    path = tmp_path / "notice.pdf"
    path.write_bytes(text_pdf([["关于做好防汛工作的通知", "为进一步加强城市管里执法队伍建设。"], [BAD]]))
    code, doc, _ = check_jsonl(capsys, str(path))
    assert code == 1
    assert doc["text"] == f"关于做好防汛工作的通知\n为进一步加强城市管里执法队伍建设。\n{BAD}"
    second_page = len("关于做好防汛工作的通知\n为进一步加强城市管里执法队伍建设。\n")
    assert [(f["start"], f["end"], f["original"]) for f in doc["findings"]] == [
        (12 + 6, 12 + 10, "城市管里"),
        (second_page + 11, second_page + 13, "布署"),
    ]


def test_a_pdf_without_a_text_layer_gets_one_line(tmp_path, capsys):
    scanned = tmp_path / "scanned.pdf"
    scanned.write_bytes(text_pdf([[]]))  # a page with no text: a scanned image, as far as text goes
    code, _, err = check_jsonl(capsys, str(scanned))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"proofread: {scanned}: PDF 没有文字层（扫描图片），请先做文字识别（OCR）（no text layer")


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_without_libreoffice_get_a_clear_one_line_error(tmp_path, capsys, monkeypatch, suffix):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice anywhere
    path = tmp_path / f"old{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    code, _, err = check_jsonl(capsys, str(path))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"proofread: {path}: 需要 LibreOffice（soffice）转换为 .docx，本机未安装")
    assert "（needs LibreOffice (soffice) to convert it to .docx and none is installed" in err


def _fake_soffice(folder: Path, converted: Path) -> None:
    """A stand-in for LibreOffice's command line: writes the .docx it would make where it would."""
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "args = sys.argv[1:]\n"
        "assert '--headless' in args and args[args.index('--convert-to') + 1] == 'docx', args\n"
        "out, source = args[args.index('--outdir') + 1], args[-1]\n"
        "import pathlib; pathlib.Path(out).mkdir(parents=True, exist_ok=True)\n"
        f"shutil.copy({str(converted)!r}, pathlib.Path(out) / (pathlib.Path(source).stem + '.docx'))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)


def test_doc_is_converted_and_read_as_its_docx(tmp_path, capsys, monkeypatch):
    converted = tmp_path / "converted.docx"
    document = docx.Document()
    document.add_paragraph("第一段没有问题。")
    document.add_paragraph(BAD)
    document.save(converted)
    _fake_soffice(tmp_path / "bin", converted)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    code, doc, _ = check_jsonl(capsys, str(path))
    assert code == 1 and doc["text"] == f"第一段没有问题。\n{BAD}"
    (f,) = doc["findings"]
    assert (f["start"], f["end"], f["original"]) == (9 + 11, 9 + 13, "布署")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_through_a_real_libreoffice(tmp_path, capsys):
    source = tmp_path / "draft.docx"
    document = docx.Document()
    document.add_paragraph(BAD)
    document.save(source)
    import subprocess

    subprocess.run(
        ["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    code, doc, _ = check_jsonl(capsys, str(tmp_path / "draft.doc"))
    assert code == 1 and doc["text"].strip() == BAD
    assert [(f["start"], f["end"]) for f in doc["findings"]] == [(11, 13)]
