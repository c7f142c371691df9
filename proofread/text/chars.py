"""What counts as a Chinese character: the one definition the models share."""

from __future__ import annotations

import re

#: CJK Unified Ideographs and Extension A, as a regex character class body.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff"
HAN = re.compile(f"[{HAN_RANGES}]")


def is_han(token: str) -> bool:
    """Whether ``token`` is one Chinese character (the only characters a model may change)."""
    return len(token) == 1 and ("\u4e00" <= token <= "\u9fff" or "\u3400" <= token <= "\u4dbf")
