"""Characters easily confused with a given one: same or similar sound, similar shape.

Built at run time from dependencies only: pycorrector's confusion tables
(``same_pinyin.txt``, ``same_stroke.txt``) and pypinyin readings, with the usual
fuzzy-pinyin pairs (z/zh, c/ch, s/sh, n/l, en/eng, in/ing, an/ang) for "similar sound".
pycorrector's sound table covers 3,413 characters; the 6,763 of GB 2312 are completed by
their main reading (余/与 yu, 覆/府 fu).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

from pypinyin import Style, pinyin

SOUND, SIMILAR_SOUND, SHAPE = "sound", "similar_sound", "shape"
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FUZZY_FINALS = (("eng", "en"), ("ing", "in"), ("ang", "an"))


def pycorrector_data_dir() -> Path:
    """pycorrector's data folder, found without importing pycorrector (slow, noisy)."""
    spec = importlib.util.find_spec("pycorrector")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pycorrector is not installed; it provides the confusion tables")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _no_reading(_: str) -> Any:
    return [""]  # pypinyin takes a list from ``errors`` as the readings of a character it lacks


def readings(ch: str) -> tuple[str, ...]:
    """Toneless pinyin readings of one character (empty for non-Chinese)."""
    got = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=_no_reading)
    return tuple(r for r in got[0] if r) if got else ()


@functools.lru_cache(maxsize=1)
def common_hanzi() -> tuple[str, ...]:
    """The 6,763 characters of GB 2312, the basic set of simplified Chinese (Python's codec)."""
    out = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return tuple(out)


def main_reading(ch: str) -> str:
    """The toneless pinyin pypinyin gives ``ch`` first (its commonest reading; empty for non-Chinese)."""
    got = pinyin(ch, style=Style.NORMAL, errors=_no_reading)
    return got[0][0] if got and got[0] else ""


def fuzzy(reading: str) -> str:
    for a, b in _FUZZY_INITIALS:
        if reading.startswith(a):
            reading = b + reading[len(a) :]
            break
    for a, b in _FUZZY_FINALS:
        if reading.endswith(a):
            reading = reading[: -len(a)] + b
            break
    return reading


class CharSimilarity:
    """``similar(ch)`` -> {candidate: kind}; built once, read-only afterwards."""

    def __init__(self, data_dir: Path | None = None) -> None:
        data_dir = data_dir or pycorrector_data_dir()
        self._table: dict[str, dict[str, str]] = {}
        inventory: set[str] = set()
        for line in _lines(data_dir / "same_pinyin.txt"):
            parts = line.split("\t")
            ch = parts[0]
            inventory.add(ch)
            for col in parts[1:3]:
                for c in col:
                    self._add(ch, c, SOUND)
                    inventory.add(c)
        for line in _lines(data_dir / "same_stroke.txt"):
            self._add_group([c for c in line.split("\t") if len(c) == 1], SHAPE)
        by_sound: dict[str, list[str]] = {}
        for ch in inventory:
            for r in set(map(fuzzy, readings(ch))):
                by_sound.setdefault(r, []).append(ch)
        for group in by_sound.values():
            self._add_group(group, SIMILAR_SOUND)
        # pycorrector's table lists only some characters (not 余, 覆 or 飚): over the common
        # characters, the same main reading also counts as the same sound, a fuzzy-similar one
        # as a similar sound (main readings only: rare readings such as 有 wei would add noise).
        by_main: dict[str, list[str]] = {}
        for ch in sorted(inventory | set(common_hanzi())):
            if reading := main_reading(ch):
                by_main.setdefault(reading, []).append(ch)
        by_fuzzy: dict[str, list[str]] = {}
        for reading, group in by_main.items():
            by_fuzzy.setdefault(fuzzy(reading), []).extend(group)
        for kind, groups in ((SOUND, by_main), (SIMILAR_SOUND, by_fuzzy)):
            for group in groups.values():
                self._add_group(group, kind)

    def _add_group(self, group: list[str], kind: str) -> None:
        """Every two characters of ``group`` are alike as ``kind``."""
        for a in group:
            for b in group:
                if a != b:
                    self._add(a, b, kind)

    def _add(self, a: str, b: str, kind: str) -> None:
        # Keep the strongest relation: sound > shape > similar sound.
        rank = {SOUND: 3, SHAPE: 2, SIMILAR_SOUND: 1}
        current = self._table.setdefault(a, {}).get(b)
        if current is None or rank[kind] > rank[current]:
            self._table[a][b] = kind

    def similar(self, ch: str) -> dict[str, str]:
        return self._table.get(ch, {})

    def are_similar(self, a: str, b: str) -> bool:
        return b in self._table.get(a, {}) or a in self._table.get(b, {})


@functools.lru_cache(maxsize=1)
def default_similarity() -> CharSimilarity:
    """The shared table (about a second to build; built on first use)."""
    return CharSimilarity()


def _lines(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line
