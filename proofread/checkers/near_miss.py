"""What the near-miss checkers share: which characters count as confusable."""

from __future__ import annotations

import functools

from ..similarity import SOUND, CharSimilarity, readings


@functools.lru_cache(maxsize=8192)
def _readings(ch: str) -> tuple[str, ...]:
    return readings(ch)


def confusable(similarity: CharSimilarity, right: str, wrong: str) -> str | None:
    """How ``wrong`` resembles ``right`` (a ``proofread.similarity`` kind), or ``None``.

    The confusion tables miss some rare characters (砥, 竽, 浃): there the same main
    reading is enough (not a secondary one: 说 shuō is not 乐 lè).
    """
    kind = similarity.similar(right).get(wrong)
    if kind is not None:
        return kind
    a, b = _readings(right), _readings(wrong)
    return SOUND if a and b and a[0] == b[0] else None
