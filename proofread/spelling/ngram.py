"""Character n-gram language model: compact storage, memory-mapped loading, batched scoring.

Characters map to 16-bit ids, so an n-gram of up to four characters is an exact 64-bit key.
Nothing is pruned. N-grams seen three times or more (all bigrams) are stored exactly in two
levels: the distinct leading characters of the keys (``order{n}.high.npy``) with where each
run starts (``.start.npy``), and the last character -- the last two of a 4-gram -- per entry
(``.low.npy``), with a ``uint8`` quantised log count (``.q.npy``): 3 or 5 bytes an n-gram
instead of 9. The 3- and 4-grams seen once or twice (most of them) need only a hash
fingerprint and the count: ``order{n}.small.npy``, 2 bytes each; an unseen n-gram passes for
a seen one with probability about (entries / 2^32), 0.4% for the largest order, and is read as
seen only where both of its (n-1)-grams are seen, as every true one's are. The exact
tables of orders 1-3 also keep how many distinct characters followed each n-gram
(``order{n}.fanout.npy``, log-quantised) for Witten-Bell smoothing. Counts, fan-outs and
fingerprints open with ``mmap_mode="r"`` (pages shared read-only between processes); the exact
keys are put back together in memory at load, so that a lookup is one ``np.searchsorted``.
Scores are looked up for a whole batch of windows at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BOUNDARY, UNK, DIGIT, LATIN = 0, 1, 2, 3
SPECIAL = 4  # ids below this are reserved
MAX_ORDER = 4
_BMP = 0x10000


def ngram_keys(ids: np.ndarray, order: int) -> np.ndarray:
    """Keys of the ``order``-grams ending at each position ``j >= order - 1`` of the last axis."""
    ids = ids.astype(np.uint64)
    width = ids.shape[-1] - order + 1
    key = np.zeros(ids.shape[:-1] + (max(width, 0),), dtype=np.uint64)
    for t in range(order):
        key = (key << np.uint64(16)) | ids[..., t : t + width]
    return key


def load_mapped(path: Path) -> np.ndarray:
    """A ``.npy`` file memory-mapped read-only, as a plain ndarray (indexing an ``np.memmap``
    goes through a slow Python-level ``__getitem__``)."""
    return np.asarray(np.load(path, mmap_mode="r"))


def _search_runs(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, query: np.ndarray) -> np.ndarray:
    """For each query, the first index in ``values[lo:hi]`` (sorted) whose value is >= the query."""
    lo = lo.astype(np.int64)
    n = hi.astype(np.int64) - lo  # length of the part still searched
    last = len(values) - 1
    for _ in range(int(n.max(initial=0)).bit_length()):  # a vectorised binary search
        half = n >> 1
        less = (values[np.minimum(lo + half, last)] < query) & (n > 0)
        lo += (half + 1) * less
        n = np.where(less, n - half - 1, half)
    return lo


class CountTable:
    """Exact keys with quantised log counts (every bigram; 3- and 4-grams seen three times or more)."""

    def __init__(self, directory: Path, order: int, scale: float) -> None:
        stem = directory / f"order{order}"
        high = np.load(Path(f"{stem}.high.npy")).astype(np.uint64)
        start = np.load(Path(f"{stem}.start.npy")).astype(np.int64)
        low = np.load(Path(f"{stem}.low.npy"))
        # Whole keys in memory (8 bytes an entry, 51 MB for the shipped model): one C-level
        # search per lookup is three times faster than a search of the runs in numpy steps.
        self._keys = (np.repeat(high, np.diff(start)) << np.uint64(8 * low.dtype.itemsize)) | low.astype(np.uint64)
        self._q = load_mapped(Path(f"{stem}.q.npy"))
        self._scale = scale
        fanout = Path(f"{stem}.fanout.npy")
        self._fanout = load_mapped(fanout) if fanout.exists() else None

    @staticmethod
    def write(directory: Path, order: int, keys: np.ndarray, q: np.ndarray, low_bits: int) -> None:
        """Store sorted distinct ``keys`` with their quantised log counts ``q``; the low
        ``low_bits`` (16 or 32) of each key go in the per-entry array, the rest in the runs."""
        bits = np.uint64(low_bits)
        high, start = np.unique((keys >> bits).astype(np.uint32), return_index=True)
        stem = directory / f"order{order}"
        np.save(f"{stem}.high.npy", high)
        np.save(f"{stem}.start.npy", np.append(start, len(keys)).astype(np.uint32))
        np.save(f"{stem}.low.npy", (keys & ((np.uint64(1) << bits) - np.uint64(1))).astype(f"uint{low_bits}"))
        np.save(f"{stem}.q.npy", q)

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, uniq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted distinct keys ``uniq``: whether each is in the table, and the entry of those that are."""
        if len(self._keys) == 0 or len(uniq) == 0:
            return np.zeros(uniq.shape, dtype=bool), np.zeros(0, dtype=np.int64)
        idx = np.minimum(np.searchsorted(self._keys, uniq), len(self._keys) - 1)
        found = self._keys[idx] == uniq
        return found, idx[found]

    def log_counts(self, entries: np.ndarray) -> np.ndarray:
        return self._q[entries] / self._scale

    def log_fanouts(self, entries: np.ndarray, scale: float) -> np.ndarray:
        """Log number of distinct characters seen after each entry's n-gram."""
        if self._fanout is None:
            raise ValueError("this table stores no fan-outs")
        return self._fanout[entries] / scale


def _fingerprint(keys: np.ndarray) -> np.ndarray:
    """A well-mixed 64-bit hash of each key (the splitmix64 finaliser)."""
    z = keys.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class SmallCounts:
    """The n-grams of one order seen once or twice: per n-gram a ``uint16`` of a 15-bit hash
    fingerprint and one bit for the count, sorted within 131,072 hash buckets."""

    BUCKET_BITS = 17

    def __init__(self, directory: Path, order: int) -> None:
        self._start = load_mapped(directory / f"order{order}.small_start.npy")
        self._entry = load_mapped(directory / f"order{order}.small.npy")

    @classmethod
    def write(cls, directory: Path, order: int, keys: np.ndarray, counts: np.ndarray) -> None:
        """Store ``keys`` (each seen ``counts`` = 1 or 2 times)."""
        bucket, fp = cls._split(keys)
        entry = (fp << np.uint16(1)) | (counts - 1).astype(np.uint16)
        order_ = np.lexsort((entry, bucket))
        bucket, entry = bucket[order_], entry[order_]
        np.save(
            directory / f"order{order}.small_start.npy",
            np.searchsorted(bucket, np.arange((1 << cls.BUCKET_BITS) + 1)).astype(np.uint32),
        )
        np.save(directory / f"order{order}.small.npy", entry)

    @classmethod
    def _split(cls, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = _fingerprint(keys) >> np.uint64(32)
        bucket = (h >> np.uint64(32 - cls.BUCKET_BITS)).astype(np.int64)
        return bucket, (h & np.uint64((1 << (32 - cls.BUCKET_BITS)) - 1)).astype(np.uint16)

    def __len__(self) -> int:
        return len(self._entry)

    def log_counts(self, keys: np.ndarray) -> np.ndarray:
        """ln 1 or ln 2 where a key's fingerprint is listed, else ``-inf``."""
        bucket, fp = self._split(keys)
        lo, hi = self._start[bucket], self._start[bucket + 1]
        idx = _search_runs(self._entry, lo, hi, fp << np.uint16(1))
        rows = np.nonzero(idx < hi)[0]
        entry = self._entry[idx[rows]]
        match = (entry >> np.uint16(1)) == fp[rows]
        out = np.full(len(keys), -np.inf)
        out[rows[match]] = np.log((entry[match] & np.uint16(1)) + 1.0)
        return out


class CharVocab:
    """Character -> id. Digits and Latin letters each share one id; unknown characters get ``UNK``."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars  # chars[id] for ids >= SPECIAL
        table = np.full(_BMP, UNK, dtype=np.uint16)
        table[ord("0") : ord("9") + 1] = DIGIT
        table[ord("A") : ord("Z") + 1] = LATIN
        table[ord("a") : ord("z") + 1] = LATIN
        table[ord("\n")] = BOUNDARY  # line separator of the training text
        for i, ch in enumerate(chars, start=SPECIAL):
            if ord(ch) < _BMP:
                table[ord(ch)] = i
        self._table = table
        self._index = {ch: i for i, ch in enumerate(chars, start=SPECIAL)}

    def __len__(self) -> int:
        return len(self.chars) + SPECIAL

    def id(self, ch: str) -> int:
        return self._index.get(ch, UNK)

    def char(self, i: int) -> str:
        return self.chars[i - SPECIAL]

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``text`` (``uint16``), one per character."""
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        out = self._table[np.minimum(points, _BMP - 1)]
        out[points >= _BMP] = UNK
        return out


class CharNgramLM:
    """A read-only character 1..4-gram model stored in ``directory``."""

    @staticmethod
    def missing_files(directory: Path) -> list[str]:
        """Table files this version reads that ``directory`` lacks (a model built by another version)."""
        names = ["meta.json", "vocab.txt", "unigram.npy", "order1.fanout.npy"]
        names += [f"order{n}.{part}.npy" for n in range(2, MAX_ORDER + 1) for part in ("high", "start", "low", "q")]
        names += [f"order{n}.fanout.npy" for n in range(2, MAX_ORDER)]
        return [name for name in names if not (Path(directory) / name).is_file()]

    def __init__(self, directory: str | Path) -> None:
        directory = Path(directory)
        self.directory = directory
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        self.meta = meta
        chars = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.vocab = CharVocab([c for c in chars if c])
        self.unigram = np.load(directory / "unigram.npy", mmap_mode="r").astype(np.float64)
        self.total = float(self.unigram.sum())
        # Log unigram probability of each id (an id never seen counts as half an occurrence).
        self.log_unigram = np.log(np.maximum(self.unigram, 0.5) / self.total)
        scale = {int(k): float(v) for k, v in meta["scale"].items()}
        self._counts = {n: CountTable(directory, n, scale[n]) for n in range(2, MAX_ORDER + 1)}
        self._small = {
            n: SmallCounts(directory, n)
            for n in range(2, MAX_ORDER + 1)
            if (directory / f"order{n}.small.npy").exists()
        }
        # Smoothing needs how many distinct characters follow each context.
        self._fanout_scale = float(meta["fanout_scale"])
        with np.errstate(divide="ignore"):  # log 0 = -inf: an id never seen
            self._log_unigram_count = np.log(self.unigram)
            self._log_unigram_fanout = np.log(np.load(directory / "order1.fanout.npy").astype(np.float64))

    def log_counts(self, order: int, keys: np.ndarray) -> np.ndarray:
        """Natural-log counts of ``order``-gram ``keys`` (``-inf`` where the n-gram is absent)."""
        return self._lookup(order, keys, fanout=False)[0]

    def log_counts_fanout(self, order: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log counts of ``order``-gram ``keys`` and the log number of distinct characters seen
        after each (a context seen once or twice is taken to have had as many followers)."""
        counts, fanouts = self._lookup(order, keys, fanout=True)
        assert fanouts is not None
        return counts, fanouts

    def _lookup(self, order: int, keys: np.ndarray, fanout: bool) -> tuple[np.ndarray, np.ndarray | None]:
        flat = keys.ravel()
        if order == 1:
            ids = flat.astype(np.int64)
            return (
                self._log_unigram_count[ids].reshape(keys.shape),
                self._log_unigram_fanout[ids].reshape(keys.shape) if fanout else None,
            )
        # Distinct queries only: far fewer probes.
        uniq, inverse = np.unique(flat, return_inverse=True)
        table = self._counts[order]
        found, entries = table.find(uniq)
        out = np.full(uniq.shape, -np.inf)
        out[found] = table.log_counts(entries)
        fan = None
        if fanout:
            fan = np.full(uniq.shape, -np.inf)
            fan[found] = table.log_fanouts(entries, self._fanout_scale)
        if order in self._small:
            unseen = np.nonzero(np.isinf(out))[0]
            out[unseen] = self._small[order].log_counts(uniq[unseen])
            if fan is not None:
                fan[unseen] = out[unseen]
        return out[inverse].reshape(keys.shape), None if fan is None else fan[inverse].reshape(keys.shape)

    def window_counts(self, windows: np.ndarray) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
        """Log counts and log fan-outs of the n-grams ending at each column of ``windows`` (M, W),
        per order (``-inf`` where unseen or too close to the start). An
        n-gram whose two (n-1)-grams are not both seen is unseen: the n-grams seen once or twice
        are hash fingerprints, and a collision would otherwise make an unseen continuation of a
        rare context look seen, and likely."""
        m, w = windows.shape
        counts: dict[int, np.ndarray] = {}
        fanouts: dict[int, np.ndarray] = {}
        for n in range(1, MAX_ORDER + 1):
            c = np.full((m, w), -np.inf)
            f = np.full((m, w), -np.inf)
            if w >= n:
                keys = ngram_keys(windows, n)
                if n < MAX_ORDER:
                    c[:, n - 1 :], f[:, n - 1 :] = self.log_counts_fanout(n, keys)
                else:
                    c[:, n - 1 :] = self.log_counts(n, keys)
            if n >= 3:  # bigrams are exact
                lower = np.isfinite(counts[n - 1])
                ok = lower.copy()
                ok[:, 1:] &= lower[:, :-1]
                ok[:, :1] = False
                c = np.where(ok, c, -np.inf)
                f = np.where(ok, f, -np.inf)
            counts[n], fanouts[n] = c, f
        return counts, fanouts

    def position_scores(self, windows: np.ndarray, first: int, counts: tuple | None = None) -> np.ndarray:
        """Log-probabilities of positions ``first..W-1`` of each row of ``windows`` (M, W) given
        the characters before them, by interpolated Witten-Bell smoothing:
        P(w|h) = (c(hw) + F(h) P(w|h')) / (c(h) + F(h)), F(h) the number of distinct characters
        seen after h. A context followed by few different characters leaves an unseen
        continuation little probability (stupid backoff's fixed factor could not tell).
        ``counts``: ``window_counts(windows)`` where the caller has it already."""
        m, w = windows.shape
        counts, fanouts = counts or self.window_counts(windows)
        cols = np.arange(first, w)
        prob = np.exp(self.log_unigram[windows[:, cols].astype(np.int64)])
        if first < 1:
            cols, prob_first = cols[1:], prob[:, :1]
            prob = prob[:, 1:]
        for n in range(2, MAX_ORDER + 1):
            ctx, fan = counts[n - 1][:, cols - 1], fanouts[n - 1][:, cols - 1]
            ok = np.isfinite(ctx) & np.isfinite(fan)
            hit = np.exp(counts[n][:, cols])  # 0 where unseen
            c_h, f_h = np.exp(np.where(ok, ctx, 0.0)), np.exp(np.where(ok, fan, 0.0))
            prob = np.where(ok, (hit + f_h * prob) / (c_h + f_h), prob)
        if first < 1:
            prob = np.concatenate([prob_first, prob], axis=1)
        return np.log(prob)
