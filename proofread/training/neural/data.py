"""Training data for the neural corrector: clean text with synthetic errors, plus real pairs.

Synthetic errors replace characters by confusable ones (:mod:`proofread.similarity`)
at about one error per one to two sentences, sound errors more often than shape
errors, as in real official-text typos. Every batch is a pure function of
``(seed, step)``, so a resumed run sees exactly the batches it would have seen.
The clean lines held back by :mod:`proofread.training.corpus` (evaluation and tuning
buckets) and lines overlapping any evaluation sentence are never used for
training; only ``*_train.tsv`` pair files are read for training.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...similarity import SHAPE, SIMILAR_SOUND, SOUND, CharSimilarity
from ...text import normalize
from ...text.chars import HAN
from ..corpus import EVAL_BUCKET, bucket, held_back, source_lines
from ..lm_build import contamination_matcher, evaluation_targets

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Official text is mostly the registers below; the default mix reads them first.
DEFAULT_TEXT_FILES = (
    "gwr_1954_2018_ljtyduyu.txt.gz",
    "gwr_2008_2022_liuzeyi.txt.gz",
    "govcn_policy_2019.txt.gz",
    "cpc19_report.txt.gz",
    "cpc20_report.txt.gz",
    "laws_lawrefbook.txt.gz",
    "xwlb_chinadata.txt.gz",
    "peoples_daily_1998.txt.gz",
)
#: How many errors a synthetic sentence gets (mean 0.75: about one per 1.3 sentences).
ERROR_COUNTS = ((0, 0.40), (1, 0.45), (2, 0.15))
#: Kind of a synthetic error: sound errors dominate (pinyin input methods).
ERROR_KINDS = ((SOUND, 0.65), (SIMILAR_SOUND, 0.15), (SHAPE, 0.20))


def iter_clean_lines(
    paths: Iterable[Path], *, min_len: int = 8, max_len: int = 126, holdout: bool = False
) -> Iterator[str]:
    """Mostly-Chinese normalised lines of the right length.

    Training lines, or with ``holdout`` the evaluation bucket only; never the lines of the sources
    held out whole for the out-of-source evaluation and the threshold (``corpus.source_lines``).
    """
    for path in paths:
        for line in source_lines(path)[0]:
            if holdout and bucket(line) != EVAL_BUCKET or not holdout and held_back(line):
                continue
            line = normalize(line).text
            if min_len <= len(line) <= max_len and len(HAN.findall(line)) >= 0.6 * len(line):
                yield line


def load_clean_pool(paths: Sequence[Path], per_file: int, data_dir: Path, **kwargs) -> list[str]:
    """Up to ``per_file`` training lines from each file, in file order (deterministic).

    Lines sharing a long stretch with any evaluation sentence of ``data_dir`` are dropped.
    """
    matcher = contamination_matcher(evaluation_targets(data_dir))
    pool: list[str] = []
    for path in paths:
        taken = 0
        for line in iter_clean_lines([path], **kwargs):
            if taken >= per_file:
                break
            if next(matcher.iter(line), None) is None:
                pool.append(line)
                taken += 1
    return pool


def load_pairs(paths: Iterable[Path], max_len: int = 126) -> list[tuple[str, str]]:
    """``(source, target)`` rows of same length; long rows cut into aligned pieces."""
    pairs: list[tuple[str, str]] = []
    for path in paths:
        if "_test" in path.name:
            raise ValueError(f"{path}: test rows are never used for training")
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 2 or len(parts[0]) != len(parts[1]) or not parts[0]:
                    continue
                src, tgt = parts
                for i in range(0, len(src), max_len):
                    pairs.append((src[i : i + max_len], tgt[i : i + max_len]))
    return pairs


def train_pair_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "csc").glob("*_train.tsv"))


def char_vocab(data_dir: Path) -> list[str]:
    """Special tokens, the 8,105 standard characters, ASCII and common punctuation."""
    chars: list[str] = []
    with open(data_dir / "lexicon" / "tongyong_guifan_hanzi_8105.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and len(parts[1]) == 1:
                chars.append(parts[1])
    chars += [chr(c) for c in range(33, 127)]
    chars += list("，。、；：？！“”‘’（）《》〈〉【】—…·「」『』％")
    return SPECIAL_TOKENS + list(dict.fromkeys(chars))


@dataclass
class Corruptor:
    """Puts confusion-set errors into clean sentences; characters limited to ``allowed``."""

    similarity: CharSimilarity
    allowed: frozenset[str]

    def __post_init__(self) -> None:
        self._by_kind: dict[str, dict[str, list[str]]] = {}

    def options(self, ch: str) -> dict[str, list[str]]:
        got = self._by_kind.get(ch)
        if got is None:
            got = {}
            for c, kind in sorted(self.similarity.similar(ch).items()):
                if c in self.allowed:
                    got.setdefault(kind, []).append(c)
            self._by_kind[ch] = got
        return got

    def corrupt(self, sentence: str, rng: random.Random) -> str:
        count = _pick(ERROR_COUNTS, rng)
        positions = [i for i, ch in enumerate(sentence) if ch in self.allowed and self.options(ch)]
        chars = list(sentence)
        for i in rng.sample(positions, min(count, len(positions))):
            options = self.options(chars[i])
            kinds = [(k, w) for k, w in ERROR_KINDS if k in options]
            chars[i] = rng.choice(options[_pick(kinds, rng)])
        return "".join(chars)


def _pick(weighted: Sequence[tuple[object, float]], rng: random.Random):
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


def make_batch(
    step: int,
    seed: int,
    pool: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    corruptor: Corruptor,
    batch_size: int,
    real_fraction: float = 0.2,
) -> list[tuple[str, str]]:
    """The ``(source, target)`` batch of one step: the same for the same ``(seed, step)``."""
    rng = random.Random(f"{seed}:{step}")
    batch = []
    for _ in range(batch_size):
        if pairs and (not pool or rng.random() < real_fraction):
            batch.append(pairs[rng.randrange(len(pairs))])
        else:
            clean = pool[rng.randrange(len(pool))]
            batch.append((corruptor.corrupt(clean, rng), clean))
    return batch
