"""Scan state and findings in SQLite (``scan.sqlite`` in the output folder).

Crash safety: WAL journal, and an article's findings are written in the same
transaction that marks it done, so a kill at any moment leaves each article either
untouched (``pending``, checked again on the next run) or complete.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .sources import Item
from .verdicts import Verdict

DB_NAME = "scan.sqlite"
LOCK_NAME = "scan.lock"
LOCK_WAIT = 3.0  # seconds
SCHEMA_VERSION = "2"
# Columns added since schema 1: an older folder gets them, and its articles are read again to fill them.
_ADDED_COLUMNS = {"column_name": "TEXT NOT NULL DEFAULT ''", "dropped": "INTEGER NOT NULL DEFAULT 0"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    unit TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,          -- pending, done, failed, outside (published outside --since/--until)
    reason TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    chars INTEGER NOT NULL DEFAULT 0,
    digest TEXT NOT NULL DEFAULT '',
    column_name TEXT NOT NULL DEFAULT '',  -- 栏目
    dropped INTEGER NOT NULL DEFAULT 0,    -- blocks of the page's visible text not checked
    run INTEGER NOT NULL,
    UNIQUE (source, path)
);
CREATE TABLE IF NOT EXISTS findings (
    article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    original TEXT NOT NULL,
    suggestions TEXT NOT NULL,     -- joined with "|"
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    rule TEXT NOT NULL,
    source TEXT NOT NULL,
    confidence REAL NOT NULL,
    message TEXT NOT NULL,
    sentence TEXT NOT NULL,
    offset INTEGER NOT NULL        -- where ``original`` starts in ``sentence``
);
CREATE INDEX IF NOT EXISTS findings_article ON findings(article);
-- A supervisor's verdict on a finding, kept across rescans: keyed by what the finding is, not by row ids.
CREATE TABLE IF NOT EXISTS verdicts (
    unit TEXT NOT NULL,
    location TEXT NOT NULL,        -- the article's URL, else its path
    sentence TEXT NOT NULL,
    rule TEXT NOT NULL,
    verdict TEXT NOT NULL,         -- confirmed, false_alarm
    PRIMARY KEY (unit, location, sentence, rule)
);
CREATE INDEX IF NOT EXISTS articles_status ON articles(status);
"""

FINDING_COLUMNS = (
    "start",
    "end",
    "original",
    "suggestions",
    "category",
    "severity",
    "rule",
    "source",
    "confidence",
    "message",
    "sentence",
    "offset",
)
# An article's columns as another engine gives them (``Store.replace_results``).
ARTICLE_COLUMNS = (
    "source",
    "path",
    "unit",
    "fingerprint",
    "status",
    "reason",
    "title",
    "url",
    "date",
    "chars",
    "digest",
    "column_name",
    "dropped",
)


class StoreError(Exception):
    """The output folder cannot be used: locked by another scan, or of another schema."""


@dataclass(frozen=True)
class Checked:
    """The outcome for one article: findings rows (``FINDING_COLUMNS`` order), or a failure reason."""

    id: int
    reason: str = ""
    title: str = ""
    url: str = ""
    date: str = ""
    chars: int = 0
    digest: str = ""
    findings: tuple[tuple, ...] = ()
    retry: bool = False  # a failure of ours, not of the file: check it again on the next run
    column: str = ""
    dropped: int = 0
    outside: bool = False  # published outside the scan's period: recorded (for 栏目 updates), not checked


class Store:
    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / DB_NAME
        self._lock = _lock(Path(out_dir) / LOCK_NAME)
        self.db = sqlite3.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT below
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe against a killed process
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        version = self.meta("schema")
        if version not in (None, "1", SCHEMA_VERSION):
            raise StoreError(f"written by another version of proofread (schema {version}); use a new --out")
        self._add_columns()
        self.set_meta("schema", SCHEMA_VERSION)

    def _add_columns(self) -> None:
        have = {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}
        missing = [name for name in _ADDED_COLUMNS if name not in have]
        for name in missing:
            self.db.execute(f"ALTER TABLE articles ADD COLUMN {name} {_ADDED_COLUMNS[name]}")
        if missing:
            self.db.execute("UPDATE articles SET fingerprint = '' WHERE status = 'done'")

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()  # releases the lock

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def new_run(self) -> int:
        run = int(self.meta("run") or 0) + 1
        self.set_meta("run", str(run))
        return run

    def register(self, items: Iterable[Item], run: int, chunk: int = 2000) -> Iterator[tuple[int, Item]]:
        """Record every item of this run; yield ``(id, item)`` for those that need checking.

        An item whose fingerprint is unchanged keeps its result; a changed one goes back
        to ``pending`` (its old findings stay until its new ones replace them).
        """
        batch: list[Item] = []
        for item in items:
            batch.append(item)
            if len(batch) >= chunk:
                yield from self._register(batch, run)
                batch = []
        if batch:
            yield from self._register(batch, run)

    def _register(self, items: list[Item], run: int) -> list[tuple[int, Item]]:
        todo = []
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for item in items:
                row = db.execute(
                    "SELECT id, fingerprint, status FROM articles WHERE source = ? AND path = ?",
                    (item.source, item.path),
                ).fetchone()
                status = "failed" if item.error else "pending"
                if row is None:
                    cur = db.execute(
                        "INSERT INTO articles (source, path, unit, fingerprint, status, reason, run) "
                        "VALUES (?,?,?,?,?,?,?)",
                        (item.source, item.path, item.unit, item.fingerprint, status, item.error, run),
                    )
                    article_id = cur.lastrowid
                    assert article_id is not None  # every INSERT sets it
                elif row[1] == item.fingerprint and row[2] != "pending":
                    db.execute("UPDATE articles SET run = ?, unit = ? WHERE id = ?", (run, item.unit, row[0]))
                    continue
                else:
                    article_id = row[0]
                    db.execute(
                        "UPDATE articles SET run = ?, unit = ?, fingerprint = ?, status = ?, reason = ? WHERE id = ?",
                        (run, item.unit, item.fingerprint, status, item.error, article_id),
                    )
                    if item.error:
                        db.execute("DELETE FROM findings WHERE article = ?", (article_id,))
                if not item.error:
                    todo.append((article_id, item))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return todo

    def set_rules(self, digest: str) -> None:
        """Record what decides the findings (``ScanOptions.rules_digest``); when it changed,
        every article is checked again."""
        if self.meta("rules") not in (None, digest):
            self.db.execute("UPDATE articles SET fingerprint = '' WHERE status IN ('done', 'outside')")
        self.set_meta("rules", digest)

    def set_period(self, since: str, until: str) -> None:
        """Record the inspection period; when it changed, articles it now leaves out lose their
        findings and those left out before are read again."""
        period = f"{since}..{until}"
        if self.meta("period") in (None, period):
            self.set_meta("period", period)
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("UPDATE articles SET fingerprint = '' WHERE status = 'outside'")
            outside = "status = 'done' AND date != '' AND ((? != '' AND date < ?) OR (? != '' AND date > ?))"
            bounds = (since, since, until, until)
            db.execute(f"DELETE FROM findings WHERE article IN (SELECT id FROM articles WHERE {outside})", bounds)
            db.execute(f"UPDATE articles SET status = 'outside' WHERE {outside}", bounds)
            self.set_meta("period", period)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def forget_unseen(self, run: int) -> int:
        """Drop articles no longer in the sources (and their findings)."""
        cur = self.db.execute("DELETE FROM articles WHERE run != ?", (run,))
        return cur.rowcount

    def save(self, results: Iterable[Checked]) -> None:
        """Write a batch of results in one transaction: findings and ``done`` together."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for r in results:
                db.execute("DELETE FROM findings WHERE article = ?", (r.id,))
                if r.reason:
                    # An empty fingerprint never matches: a retry item is checked again next run.
                    db.execute(
                        "UPDATE articles SET status='failed', reason=?, title='', url='', date='', chars=0, "
                        "digest='', fingerprint = CASE WHEN ? THEN '' ELSE fingerprint END WHERE id=?",
                        (r.reason, r.retry, r.id),
                    )
                    continue
                db.executemany(
                    f"INSERT INTO findings (article, {', '.join(_q(c) for c in FINDING_COLUMNS)}) "
                    f"VALUES (?{', ?' * len(FINDING_COLUMNS)})",
                    [(r.id, *row) for row in r.findings],
                )
                db.execute(
                    "UPDATE articles SET status=?, reason='', title=?, url=?, date=?, chars=?, digest=?, "
                    "column_name=?, dropped=? WHERE id=?",
                    (
                        "outside" if r.outside else "done",
                        r.title,
                        r.url,
                        r.date,
                        r.chars,
                        r.digest,
                        r.column,
                        r.dropped,
                        r.id,
                    ),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def add_verdicts(self, verdicts: Iterable[Verdict]) -> int:
        """Remember a supervisor's verdicts (a later one replaces an earlier one; "" forgets it)."""
        db = self.db
        n = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for v in verdicts:
                key = (v.unit, v.location, v.sentence, v.rule)
                if v.verdict:
                    db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?)", (*key, v.verdict))
                else:
                    db.execute(
                        "DELETE FROM verdicts WHERE unit = ? AND location = ? AND sentence = ? AND rule = ?", key
                    )
                n += 1
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return n

    def replace_results(self, articles: Iterable[tuple], findings: Iterable[tuple], run: int) -> None:
        """Replace every article and finding with another engine's (the Spark scan's committed
        tables), so that the reports read them as the local scan's. ``articles``: ``ARTICLE_COLUMNS``
        rows; ``findings``: ``(source, path, *FINDING_COLUMNS)`` rows. Verdicts are kept."""
        db = self.db
        columns = ", ".join(ARTICLE_COLUMNS)
        findings_of = ", ".join(_q(c) for c in FINDING_COLUMNS)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM findings")
            db.execute("DELETE FROM articles")
            db.executemany(
                f"INSERT INTO articles ({columns}, run) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}, ?)",
                ((*row, run) for row in articles),
            )
            db.execute(f"CREATE TEMP TABLE incoming (item_source TEXT, item_path TEXT, {findings_of})")
            db.executemany(f"INSERT INTO incoming VALUES (?, ?{', ?' * len(FINDING_COLUMNS)})", findings)
            db.execute(
                f"INSERT INTO findings (article, {findings_of}) SELECT a.id, "
                f"{', '.join('i.' + _q(c) for c in FINDING_COLUMNS)} FROM incoming i "
                "JOIN articles a ON a.source = i.item_source AND a.path = i.item_path"
            )
            db.execute("DROP TABLE incoming")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM articles GROUP BY status").fetchall())


def _lock(path: Path, wait: float = LOCK_WAIT):
    """An exclusive lock on the output folder (released by the system even after kill -9)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        return None
    handle = path.open("a")
    # Workers of a scan just killed may take a moment to exit and let go of the lock.
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() >= deadline:
                handle.close()
                raise StoreError("another scan is running on this folder") from None
            time.sleep(0.1)


def _q(column: str) -> str:
    return f'"{column}"'
