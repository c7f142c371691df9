"""One 整改 (rectification) workbook per unit, to send to it: its findings and its 栏目 to update."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from .data import FindingRow, UnitRow
from .tables import COLUMN_COLUMNS, FINDING_COLUMNS, SUMMARY_COLUMNS, Sheet, write_sheets
from .updates import BLANK, STALE, ColumnRow

FOLDER = "整改"
# Characters no file system (or Windows, where these files are opened) takes in a name.
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')


def file_name(unit: str) -> str:
    """``unit`` as a file name: unsafe characters become ``_``; never empty, never hidden."""
    name = _UNSAFE.sub("_", unit).strip(" .") or "_"
    return f"{name[:120]}.xlsx"


def write_per_unit(
    out_dir: Path, units: Sequence[UnitRow], findings: Sequence[FindingRow], columns: Sequence[ColumnRow]
) -> Path:
    """``out_dir/整改/<unit>.xlsx`` for each unit with a finding or a 栏目 to update (false alarms
    are not sent); the folder is replaced whole, so a unit with nothing left has no file."""
    staging = out_dir / f"{FOLDER}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for unit in units:
        mine = [f for f in findings if f.unit == unit.unit]
        todo = [c for c in columns if c.unit == unit.unit and c.status in (STALE, BLANK)]
        if not mine and not todo and unit.home != STALE:
            continue
        write_sheets(
            staging / file_name(unit.unit),
            [
                Sheet("问题清单", FINDING_COLUMNS, mine),
                Sheet("栏目更新", COLUMN_COLUMNS, todo),
                Sheet("汇总", SUMMARY_COLUMNS, [unit]),
            ],
        )
    final = out_dir / FOLDER
    shutil.rmtree(final, ignore_errors=True)
    staging.replace(final)
    return final
