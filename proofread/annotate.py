"""Word copies of checked .docx drafts with a review comment (批注) on each finding.

Editors work in Word: the copy keeps the draft as it was and anchors a comment on exactly
the characters of each finding, with the severity, the reason and the suggestion. A run
that holds more than the finding is split at the finding's edges (only plain runs, text
and formatting; a run with fields, drawings or breaks is commented whole rather than
rewritten).
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from .finding import Finding
from .text.extract import InputError, docx_all_paragraphs, first_line, open_docx

AUTHOR = "proofread"
_PLAIN = {"rPr", "t"}  # run children a split can rewrite without losing anything


def annotate_docx(data: bytes, name: str, findings: Sequence[Finding], out: Path | BinaryIO) -> int:
    """Write ``out`` (a path, or a binary stream such as the server's response buffer): the .docx
    ``data`` with a comment on each finding (offsets into the text ``read_document`` gives for it).
    Returns how many findings got a comment; one that spans two paragraphs is left to the report.
    ``InputError`` where python-docx cannot do it (the findings are still reported); ``OSError``
    where ``out`` cannot be written."""
    document = open_docx(data, name)
    try:
        placed = _comment_all(document, findings)
        document.save(str(out) if isinstance(out, Path) else out)
    except OSError:
        raise
    except Exception as e:  # python-docx/lxml on an unusual document
        raise InputError(name, f"could not annotate ({type(e).__name__}: {first_line(e)})") from None
    return placed


def _comment_all(document, findings: Sequence[Finding]) -> int:
    """Add the comments; how many findings got one (Word anchors none in headers and footers)."""
    paragraphs, body = docx_all_paragraphs(document)
    starts, pos = [], 0
    for paragraph in paragraphs:
        starts.append(pos)
        pos += len(paragraph.text) + 1
    placed = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        i = bisect_right(starts, f.start) - 1
        a, b = f.start - starts[i], f.end - starts[i]
        if i >= body or b > len(paragraphs[i].text):
            continue
        runs = _runs_covering(paragraphs[i], a, b)
        if runs:
            document.add_comment(runs, text=_comment(f), author=AUTHOR, initials="PR")
            placed += 1
    return placed


def _comment(f: Finding) -> str:
    fix = f"\n建议：{' / '.join(f.suggestions)}" if f.suggestions else ""
    return f"【{f.severity.zh}】{f.message}{fix}\n（{f.rule}）"


def _runs(paragraph) -> list:
    """The paragraph's runs in order, those inside hyperlinks included."""
    out: list = []
    for item in paragraph.iter_inner_content():
        out.extend(item.runs if hasattr(item, "runs") else [item])
    return out


def _runs_covering(paragraph, a: int, b: int) -> list:
    """Runs whose text is exactly ``[a, b)`` of the paragraph (plain runs split at the edges),
    or the smallest run range holding it where a run cannot be split."""
    runs = _runs(paragraph)
    if "".join(r.text for r in runs) != paragraph.text:
        return []
    for edge in (b, a):  # split at the end first: the start's offsets stay valid
        pos = 0
        for run in runs:
            n = len(run.text)
            if pos < edge < pos + n and _plain(run):
                _split(run, edge - pos)
                break
            pos += n
        runs = _runs(paragraph)
    covering, pos = [], 0
    for run in runs:
        n = len(run.text)
        if n and pos < b and pos + n > a:
            covering.append(run)
        pos += n
    return covering


def _plain(run) -> bool:
    return all(child.tag.rsplit("}", 1)[-1] in _PLAIN for child in run._r)


def _split(run, k: int) -> None:
    """Cut a plain run after ``k`` characters into two runs with the same formatting."""
    from docx.text.run import Run

    text = run.text
    tail = copy.deepcopy(run._r)
    run._r.addnext(tail)
    run.text = text[:k]
    Run(tail, run._parent).text = text[k:]
