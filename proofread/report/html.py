"""``report.html``: one self-contained page (inline CSS and JS, nothing fetched).

The summary per unit comes first, as in the notice's attachment tables; then every
finding in its sentence with the span highlighted, filterable by unit, severity,
category and free text; then the files that could not be read. The page of
``check --format html`` (``document_*``) shares its styles: each draft's whole text
with the findings marked in place.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from ..finding import CATEGORY_LABELS, Finding, Severity, category_label
from ..messages import chinese
from .data import FailedRow, FindingRow, UnitRow, location, total_row
from .tables import COLUMN_COLUMNS, SUMMARY_COLUMNS, Column
from .updates import BLANK, STALE, ColumnRow

SEVERITY_LABELS = {str(s): s.zh for s in sorted(Severity, reverse=True)}  # errors first; the code is the value

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;font-size:14px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#666;margin-bottom:16px}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccd;padding:5px 8px;vertical-align:top;text-align:left}
th{background:#eef1f6;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.flag{color:#b00;font-weight:bold}
table.summary tr.total td{font-weight:bold;background:#f6f6f6}
mark{background:#ffd5d5;color:#b00;font-weight:bold;padding:0 1px;border-radius:2px}
mark.warning{background:#ffecc2;color:#8a5a00}mark.info{background:#d9efff;color:#00508a}
.sev{white-space:nowrap;font-weight:bold}.sev.error{color:#b00}.sev.warning{color:#8a5a00}.sev.info{color:#00508a}
.fix{color:#060;font-weight:bold}.rule{color:#666;font-size:12px}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:8px 0 10px}
.filters select,.filters input{font-size:14px;padding:3px 6px}
#count{color:#555}
.article a{color:#1a4fa0;text-decoration:none}.article small{color:#777;display:block}
td.sentence{max-width:520px}
"""
_DOC_CSS = """
.text{white-space:pre-wrap;line-height:2;border:1px solid #ccd;padding:12px 16px;margin-bottom:10px;max-width:60em}
sup{color:#777;font-size:10px;margin-left:1px}td.n{white-space:nowrap;font-variant-numeric:tabular-nums}
"""

_JS = """
(function(){
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
  var f={unit:document.getElementById('f-unit'),severity:document.getElementById('f-severity'),
         category:document.getElementById('f-category'),q:document.getElementById('f-q')};
  var count=document.getElementById('count');
  function apply(){
    var u=f.unit.value,s=f.severity.value,c=f.category.value,q=f.q.value.trim().toLowerCase(),n=0;
    rows.forEach(function(r){
      var ok=(!u||r.dataset.unit===u)&&(!s||r.dataset.severity===s)&&(!c||r.dataset.category===c)&&
             (!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.style.display=ok?'':'none'; if(ok)n++;
    });
    count.textContent=n+' / '+rows.length;
  }
  // Filters live in the address (#unit=...&q=...): a filtered view can be bookmarked or sent.
  function save(){
    var parts=[];for(var k in f)if(f[k].value)parts.push(k+'='+encodeURIComponent(f[k].value));
    history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname);
  }
  // The address is anyone's to write: only our own filter names are read, and a malformed
  // escape is ignored rather than stopping the page's script.
  location.hash.replace(/^#/,'').split('&').forEach(function(p){
    var kv=p.split('=');
    if(kv.length!==2||!Object.prototype.hasOwnProperty.call(f,kv[0]))return;
    try{f[kv[0]].value=decodeURIComponent(kv[1]);}catch(e){}
  });
  ['change','input'].forEach(function(e){for(var k in f)f[k].addEventListener(e,function(){apply();save();});});
  apply();
})();
(function(){
  // Verdicts: kept in this browser while marking, then exported for `proofread scan --verdicts`.
  var key='proofread-verdicts:'+location.pathname,saved={};
  try{saved=JSON.parse(localStorage.getItem(key)||'{}')||{};}catch(e){}
  var selects=[].slice.call(document.querySelectorAll('select.verdict'));
  selects.forEach(function(s){
    var k=s.closest('tr').dataset.key;
    if(Object.prototype.hasOwnProperty.call(saved,k))s.value=saved[k];
    s.addEventListener('change',function(){
      saved[k]=s.value;try{localStorage.setItem(key,JSON.stringify(saved));}catch(e){}
    });
  });
  var button=document.getElementById('export');
  if(button)button.addEventListener('click',function(){
    var out=selects.map(function(s){
      var v=JSON.parse(s.closest('tr').dataset.key);v.verdict=s.value||'open';return v;
    });
    var a=document.createElement('a');
    a.href=URL.createObjectURL(new Blob([JSON.stringify(out,null,1)],{type:'application/json'}));
    a.download='verdicts.json';document.body.appendChild(a);a.click();a.remove();
  });
})();
"""
_VERDICT_CHOICES = (("", "待核实"), ("confirmed", "已核实"), ("false_alarm", "误报"))


def render_html(
    units: list[UnitRow],
    findings: list[FindingRow],
    failed: list[FailedRow],
    columns: Sequence[ColumnRow] = (),
    as_of: dt.date | None = None,
    *,
    title: str = "网站文章检查报告",
    generated: dt.datetime | None = None,
) -> str:
    generated = generated or dt.datetime.now().replace(microsecond=0)
    as_of = as_of or generated.date()
    total = total_row(units)
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<div class='meta'>生成时间 {generated.isoformat(' ')} · 检查文章 {total.checked} 篇 · "
        f"问题 {total.findings} 处 · 无法读取 {total.failed} 个文件</div>",
        "<h2>各单位汇总</h2>",
        _table(SUMMARY_COLUMNS, [*units, total] if units else [], "summary", total),
        f"<h2>栏目更新情况（截至 {as_of.isoformat()}）</h2>",
        _table(COLUMN_COLUMNS, columns, "columns") if columns else "<p>没有。</p>",
        "<h2>问题清单</h2>",
        _filters(units, findings),
        _findings(findings),
        "<h2>无法读取的文件</h2>",
        _failed(failed),
        f"<script>{_JS}</script></body></html>",
    ]
    return "\n".join(parts)


def document_page_head(title: str, generated: dt.datetime | None = None) -> str:
    """Start of a `check --format html` page: the draft's text with every finding marked in place."""
    generated = generated or dt.datetime.now().replace(microsecond=0)
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_CSS}{_DOC_CSS}</style></head><body>\n"
        f"<h1>{escape(title)}</h1><div class='meta'>生成时间 {generated.isoformat(' ')}</div>\n"
    )


def document_section(
    doc_id: str, text: str, findings: list[Finding], where: list[tuple[int, int]], anchor: str = "d"
) -> str:
    """One checked document: its text with each finding's span marked and numbered (a span that
    overlaps an earlier one is listed but not marked twice), then the findings as a table
    (``where``: line and column of each finding) whose numbers link to the marks (ids
    ``{anchor}-{number}``, unique per document on the page)."""
    marked, pos, shown = [], 0, set()
    for i, f in enumerate(findings, start=1):
        if f.start < pos:
            continue
        marked.append(escape(text[pos : f.start]))
        marked.append(
            f"<mark id='{anchor}-{i}' class='{escape(str(f.severity))}' title='{escape(f.message)}'>"
            f"{escape(f.original)}</mark><sup>{i}</sup>"
        )
        shown.add(i)
        pos = f.end
    marked.append(escape(text[pos:]))
    number = {i: f"<a href='#{anchor}-{i}'>{i}</a>" for i in shown}
    rows = "".join(
        f"<tr><td class='n'>{number.get(i, i)}</td><td class='n'>{line}:{col}</td><td>{escape(f.original)}</td>"
        f"<td class='fix'>{' / '.join(escape(s) for s in f.suggestions) or '—'}</td>"
        f"<td class='sev {escape(str(f.severity))}'>{escape(SEVERITY_LABELS[str(f.severity)])}</td>"
        f"<td>{escape(f.message)}<br>"
        f"<span class='rule'>{escape(category_label(f.category))} · {escape(f.rule)}</span></td></tr>"
        for i, (f, (line, col)) in enumerate(zip(findings, where), start=1)
    )
    errors = sum(str(f.severity) == "error" for f in findings)
    table = (
        "<table><thead><tr><th>#</th><th>行:列</th><th>原文</th><th>建议</th>"
        f"<th>级别</th><th>说明</th></tr></thead><tbody>{rows}</tbody></table>"
        if findings
        else "<p>没有发现问题。</p>"
    )
    return (
        f"<section><h2>{escape(doc_id)} — 问题 {len(findings)} 处（严重 {errors}）</h2>"
        f"<div class='text'>{''.join(marked)}</div>{table}</section>\n"
    )


def document_page_tail(documents: int, findings: int) -> str:
    return f"<div class='meta'>共 {documents} 篇 · 问题 {findings} 处</div></body></html>\n"


def write_html(
    path: Path,
    units: list[UnitRow],
    findings: list[FindingRow],
    failed: list[FailedRow],
    columns: Sequence[ColumnRow] = (),
    as_of: dt.date | None = None,
) -> Path:
    path.write_text(render_html(units, findings, failed, columns, as_of), encoding="utf-8")
    return path


_FLAGGED = {STALE, BLANK}


def _table(columns: Sequence[Column], rows: Sequence[Any], css: str, total: Any = None) -> str:
    """A table of ``rows`` with the same columns as its spreadsheet sheet; numbers right-aligned,
    a 栏目 past its interval or blank flagged."""
    head = "".join(f"<th>{escape(c.header)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = c.value(row)
            kind = "n" if isinstance(value, (int, float)) else "flag" if value in _FLAGGED else ""
            cells.append(f"<td class='{kind}'>{escape(str(value))}</td>" if kind else f"<td>{escape(str(value))}</td>")
        body.append(f"<tr class='total'>{''.join(cells)}</tr>" if row is total else f"<tr>{''.join(cells)}</tr>")
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _options(label: str, values: list[str], labels: dict[str, str] | None = None) -> str:
    opts = "".join(f"<option value='{escape(v)}'>{escape((labels or {}).get(v, v))}</option>" for v in values)
    return f"<option value=''>{escape(label)}</option>{opts}"


def _filters(units: list[UnitRow], findings: list[FindingRow]) -> str:
    severities = [s for s in SEVERITY_LABELS if any(f.severity == s for f in findings)]
    found = {f.category for f in findings}
    categories = [c for c in CATEGORY_LABELS if c in found] + sorted(found - set(CATEGORY_LABELS))
    return (
        "<div class='filters'>"
        f"<select id='f-unit' aria-label='单位'>{_options('全部单位', [u.unit for u in units])}</select>"
        "<select id='f-severity' aria-label='级别'>"
        f"{_options('全部级别', severities, SEVERITY_LABELS)}</select>"
        "<select id='f-category' aria-label='类别'>"
        f"{_options('全部类别', categories, {c: category_label(c) for c in categories})}</select>"
        "<input id='f-q' type='search' placeholder='搜索…' aria-label='搜索'>"
        "<span id='count'></span></div>"
    )


def _findings(findings: list[FindingRow]) -> str:
    head = (
        "<tr><th>单位</th><th>文章</th><th>级别</th><th>类别</th><th>原文</th><th>建议</th><th>规则</th>"
        "<th>核实</th></tr>"
    )
    rows = []
    for f in findings:
        a, b = f.offset, f.offset + len(f.original)
        sentence = (
            f"{escape(f.sentence[:a])}<mark class='{escape(f.severity)}'>{escape(f.sentence[a:b])}</mark>"
            f"{escape(f.sentence[b:])}"
        )
        name = escape(f.title or f.path)
        link = f"<a href='{escape(f.url)}'>{name}</a>" if f.url.startswith(("http://", "https://")) else name
        where = escape(f.url or _location(f))
        date = f" · {escape(f.date)}" if f.date else ""
        column = f" · 栏目：{escape(f.column)}" if f.column else ""
        fix = " / ".join(escape(s) for s in f.suggestions.split("|") if s) or "—"
        key = {"unit": f.unit, "location": location(f.url, f.path), "sentence": f.sentence, "rule": f.rule}
        choices = "".join(
            f"<option value='{v}'{' selected' if v == f.verdict else ''}>{label}</option>"
            for v, label in _VERDICT_CHOICES
        )
        rows.append(
            f"<tr data-unit='{escape(f.unit)}' data-severity='{escape(f.severity)}' "
            f"data-category='{escape(f.category)}' data-verdict='{escape(f.verdict)}' "
            f"data-key='{escape(json.dumps(key, ensure_ascii=False))}'>"
            f"<td>{escape(f.unit)}</td><td class='article'>{link}<small>{where}{date}{column}</small></td>"
            f"<td class='sev {escape(f.severity)}'>{escape(SEVERITY_LABELS.get(f.severity, f.severity))}</td>"
            f"<td>{escape(category_label(f.category))}</td><td class='sentence'>{sentence}</td>"
            f"<td class='fix'>{fix}</td>"
            f"<td><span class='rule'>{escape(f.rule)}</span><br>{escape(f.message)}</td>"
            f"<td><select class='verdict' aria-label='核实状态'>{choices}</select></td></tr>"
        )
    body = "".join(rows) or ""
    empty = "" if rows else "<p>没有发现问题。</p>"
    export = (
        "<p class='meta'>标记核实状态后点 <button id='export' type='button'>导出核实结果</button>，"
        "得到 verdicts.json；用 <code>proofread scan … --verdicts verdicts.json</code> 读入，重新检查后保留。</p>"
        if rows
        else ""
    )
    return f"{export}<table id='findings'><thead>{head}</thead><tbody>{body}</tbody></table>{empty}"


def _location(row: FindingRow | FailedRow) -> str:
    """The path with its source's name (two sources may hold the same path)."""
    name = Path(row.source).name
    return row.path if row.path.startswith(name) else f"{name}/{row.path}"


def _failed(failed: list[FailedRow]) -> str:
    if not failed:
        return "<p>没有。</p>"
    rows = "".join(
        f"<tr><td>{escape(r.unit)}</td><td>{escape(_location(r))}</td><td>{escape(chinese(r.reason))}</td></tr>"
        for r in failed
    )
    return (
        "<table id='failed'><thead><tr><th>单位</th><th>文件</th><th>原因</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
