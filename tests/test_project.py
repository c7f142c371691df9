"""proofread.toml: read by check and scan; every bad key fails with file:line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from proofread.cli import main
from proofread.project import ProjectError, load

TEXT = "会议对下半年工作进行了布署。为进一步加强城市管里执法队伍建设，这是某某旧称。"
PROJECT = """\
# the inspection office's settings
dictionaries = ["terms.tsv"]
disabled_rules = ["typo.chengshi_guanli"]

[severity]
"typo.bushu" = "info"

[units]
"siteA" = "某某市人民政府"

[update_intervals]
"工作动态" = 30

[components.spelling_model]
threshold = 0.999
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "terms.tsv").write_text(
        "match\tsuggest\tcategory\tseverity\tmessage\n某某旧称\t某某新称\tcustom\twarning\t本单位已更名\n",
        encoding="utf-8",
    )
    path = tmp_path / "proofread.toml"
    path.write_text(PROJECT, encoding="utf-8")
    return path


def test_check_applies_the_projects_dictionaries_severities_and_disabled_rules(project, tmp_path, capsys, monkeypatch):
    draft = tmp_path / "draft.txt"
    draft.write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # found in the current folder
    assert main(["check", "--format", "jsonl", "--fail-on", "warning", str(draft)]) == 1
    found = [(f["original"], f["severity"], f["rule"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert ("布署", "info", "typo.bushu") in found and ("某某旧称", "warning", "custom") in [
        f[:2] + ("custom",) for f in found
    ]
    assert not any(f[0] == "城市管里" for f in found)
    monkeypatch.chdir(tmp_path.parent)
    assert main(["check", "--format", "jsonl", str(draft)]) == 1  # no project here: the rules as shipped
    found = [(f["original"], f["severity"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert ("布署", "error") in found and ("城市管里", "error") in found


def test_scan_takes_units_and_update_intervals_from_the_project(project, tmp_path, capsys):
    site = tmp_path / "archive" / "siteA" / "gzdt"
    site.mkdir(parents=True)
    (site / "1.html").write_text(
        "<html><head><title>动态</title><meta name='PubDate' content='2026-03-01'>"
        f"<meta name='ColumnName' content='工作动态'></head><body><div><p>{TEXT}</p></div></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["scan", str(tmp_path / "archive"), "--out", str(out), "--workers", "1", "--until", "2026-03-21"]
    args += ["--components", "dictionary_rules"]  # curated rules only: a disabled one leaves 城市管里 to the models
    assert main([*args, "--project", str(project), "--fail-on", "warning"]) == 1
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    columns = list(book["栏目更新"].iter_rows(min_row=2, values_only=True))
    assert columns == [("某某市人民政府", "工作动态", 1, "2026-03-01", 20, 30, "正常")]  # 20 days: within 30
    findings = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[4], r[7]) for r in findings) == [("布署", "提示"), ("某某旧称", "一般")]
    # Without the project the same folder is scanned with the shipped rules: everything is checked again.
    assert main([*args, "--fail-on", "warning"]) == 1
    assert "本次检查 1 篇" in capsys.readouterr().err.splitlines()[-2]
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert sorted(r[4] for r in book["问题清单"].iter_rows(min_row=2, values_only=True)) == ["城市管里", "布署"]


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("colour = 1\n", 1, "colour: unknown key; valid keys: dictionaries, disabled_rules"),
        (
            "[severity]\n'typo.bushu' = 'fatal'\n",
            2,
            "severity.typo.bushu: expected error, warning or info, got 'fatal'",
        ),
        ('\n[update_intervals]\n\n"首页" = -3\n', 4, "update_intervals.首页: expected a whole number of days"),
        ("[units]\nsiteA = 3\n", 2, "units.siteA: expected a non-empty string"),
        ("disabled_rules = 'typo.bushu'\n", 1, "disabled_rules: expected a list of strings"),
        ("[components.spelling_model]\nthreshold = 'high'\n", 2, "components.spelling_model.threshold: expected"),
        ("[components.nope]\nx = 1\n", 1, "components.nope: unknown component"),
        ("[severity]\nrule = \n", 2, "not valid TOML"),
    ],
)
def test_a_bad_project_file_fails_with_file_and_line(tmp_path, capsys, text, line, message):
    path = tmp_path / "proofread.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}:{line}: ") and message in str(raised.value), str(raised.value)
    draft = tmp_path / "a.txt"
    draft.write_text(TEXT, encoding="utf-8")
    assert main(["check", "--project", str(path), str(draft)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"proofread: {path}:{line}: ") and err.count("\n") == 1 and "Traceback" not in err
