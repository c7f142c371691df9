"""Readers and writers registered outside proofread are used by ``check`` and ``scan``."""

from __future__ import annotations

import base64
import csv
from dataclasses import fields

import pytest

from proofread.cli import main
from proofread.columns import CHECK_COLUMNS, SCAN_COLUMNS, finding_columns
from proofread.output import WRITERS, CheckedDocument, Writer, formats, writer
from proofread.readers import READERS, UNSUPPORTED, reader, unsupported
from proofread.report.data import FindingRow

ERROR_TEXT = "坚持和完善名族区域自治制度。"


@pytest.fixture
def registries():
    """Registrations made by a test are undone after it."""
    saved = dict(READERS), dict(UNSUPPORTED), dict(WRITERS)
    yield
    for registry, before in zip((READERS, UNSUPPORTED, WRITERS), saved):
        registry.clear()
        registry.update(before)


def _register_base64_reader() -> None:
    @reader(".b64")
    def base64_text(data: bytes, name: str) -> str:
        return base64.b64decode(data).decode("utf-8")


def _register_count_writer() -> None:
    @writer("counts")
    class CountWriter(Writer):
        """One line per document: its id and how many findings it has."""

        def write(self, doc: CheckedDocument) -> None:
            self.stream.write(f"{doc.id}\t{len(doc.findings)}\n")


def test_check_reads_and_writes_with_registered_formats(registries, capsys, tmp_path):
    _register_base64_reader()
    _register_count_writer()
    assert formats()[-1] == "counts"
    path = tmp_path / "doc.b64"
    path.write_bytes(base64.b64encode(ERROR_TEXT.encode("utf-8")))
    assert main(["check", "--format", "counts", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}\t1\n"


def test_an_unregistered_format_is_not_offered(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--format", "counts", "-"])
    assert "invalid choice: 'counts'" in capsys.readouterr().err


def test_scan_takes_files_of_a_registered_reader(registries, tmp_path):
    _register_base64_reader()
    site = tmp_path / "archive" / "siteA"
    site.mkdir(parents=True)
    (site / "page.b64").write_bytes(base64.b64encode(ERROR_TEXT.encode("utf-8")))
    (site / "notes.xyz").write_text(ERROR_TEXT, encoding="utf-8")  # no reader: not an article
    out = tmp_path / "out"
    assert main(["scan", str(tmp_path / "archive"), "--out", str(out), "--workers", "1"]) == 1
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["path"], r["original"]) for r in rows] == [("siteA/page.b64", "名族")]


def test_an_unsupported_format_is_refused_with_its_reason(registries, capsys, tmp_path):
    unsupported(".xyz", "XYZ is not supported; save it as .docx")
    path = tmp_path / "doc.xyz"
    path.write_text(ERROR_TEXT, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err == f"proofread: {path}: XYZ is not supported; save it as .docx\n"


def test_both_finding_tables_share_the_finding_columns():
    assert [f.name for f in fields(FindingRow)] == list(SCAN_COLUMNS)
    assert CHECK_COLUMNS[3:] == finding_columns("source")
    assert SCAN_COLUMNS[6:-3] == finding_columns("dictionary")
