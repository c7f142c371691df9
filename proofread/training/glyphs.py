"""Characters that look alike as printed: nearest neighbours of rendered glyphs.

Build time only. Each character is drawn in Noto Sans CJK SC and Noto Serif CJK SC (SIL OFL 1.1;
Debian package ``fonts-noto-cjk``), blurred so that strokes a pixel apart still overlap, and
compared by cosine similarity. The model ships the resulting ``glyphs.tsv`` (each character's
nearest glyphs: 己/已, 休/体, 入/人, 冢/家, 宫/官), not the fonts. The scorer reads the
similarity of a candidate pair as a feature; the table adds no candidate pairs of its own (as
a source of pairs it lowered held-out F1, or, limited to mending broken words, the share of
planted input-method typos corrected: models/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..spelling.ngram import CharVocab
from ..text.chars import is_han

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
#: (file, face index of the Simplified Chinese face in the collection)
FONTS = (("NotoSansCJK-Regular.ttc", 2), ("NotoSerifCJK-Regular.ttc", 2))
NEIGHBOURS = 10  # per character
CANVAS, SIZE, BLUR, GRID = 48, 40, 1.5, 24  # render px, font px, Gaussian blur px, compared grid


def glyph_vectors(chars: Sequence[str], font_dir: Path = FONT_DIR) -> np.ndarray:
    """One unit vector per character: its blurred glyphs in each of ``FONTS``, concatenated."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    parts = []
    for name, index in FONTS:
        path = font_dir / name
        if not path.exists():
            raise FileNotFoundError(f"{path}: font not found (Debian: apt install fonts-noto-cjk)")
        font = ImageFont.truetype(str(path), SIZE, index=index)
        rows = []
        for ch in chars:
            image = Image.new("L", (CANVAS, CANVAS), 0)
            ImageDraw.Draw(image).text((CANVAS // 2, CANVAS // 2), ch, fill=255, font=font, anchor="mm")
            image = image.filter(ImageFilter.GaussianBlur(BLUR)).resize((GRID, GRID), Image.Resampling.BILINEAR)
            rows.append(np.asarray(image, dtype=np.float32).ravel())
        x = np.stack(rows)
        x -= x.mean(axis=1, keepdims=True)  # compare shapes, not ink density
        parts.append(x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-6))
    return np.hstack(parts) / np.sqrt(len(parts))


def glyph_neighbours(chars: Sequence[str], vectors: np.ndarray, k: int = NEIGHBOURS) -> dict[tuple[str, str], float]:
    """``{(a, b): similarity}`` with ``a < b``, for every b among a's k nearest glyphs or vice versa."""
    pairs: dict[tuple[str, str], float] = {}
    for start in range(0, len(chars), 1024):
        sims = vectors[start : start + 1024] @ vectors.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = -np.inf  # a glyph is not its own neighbour
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        for row, js in enumerate(top):
            a = chars[start + row]
            for j in js.tolist():
                b = chars[j]
                pairs[(min(a, b), max(a, b))] = round(float(sims[row, j]), 2)
    return pairs


def build_glyph_pairs(vocab: CharVocab, out: Path, font_dir: Path = FONT_DIR) -> int:
    """Write ``glyphs.tsv`` (a, b, similarity) for the Chinese characters of ``vocab``."""
    chars = [c for c in vocab.chars if is_han(c)]
    pairs = glyph_neighbours(chars, glyph_vectors(chars, font_dir))
    lines = ["# a\tb\tsimilarity: nearest rendered glyphs (Noto Sans/Serif CJK SC, SIL OFL 1.1)"]
    lines += [f"{a}\t{b}\t{s:.2f}" for (a, b), s in sorted(pairs.items())]
    (out / "glyphs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pairs)
