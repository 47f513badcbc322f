"""SQLite persistence for the server: hooks, System Log events (also the delivery queue), per-hook delivery
queues (``outbox``), deliveries.

One connection guarded by a lock (Flask's threaded server and the delivery threads share it). File databases
are created with mode 0600 and run in WAL mode with ``synchronous=FULL`` and autocommit, so every write is on
disk before the HTTP answer that acknowledges it; the schema is created on first use. Hook secrets are sealed
(``secrets_at_rest``) before they are written."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ..errors import EmulatorUsageError
from ..wire_json import dumps as wire_dumps
from .secrets_at_rest import Sealer, create_private_file, default_key_path, load_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS hooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,          -- 'event' | 'inline'
    data TEXT NOT NULL               -- full object as JSON, secrets included (never served as is)
);
CREATE TABLE IF NOT EXISTS logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    published TEXT NOT NULL,
    event_type TEXT NOT NULL,
    dispatched INTEGER NOT NULL DEFAULT 0,  -- unused since the meta key 'dispatched_through' (older files)
    data TEXT NOT NULL
);
DROP INDEX IF EXISTS logs_pending;
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    hook_id TEXT,
    kind TEXT NOT NULL,
    event_type TEXT,
    verdict TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (     -- people the org knows beyond the synthetic ones (registered, imported)
    login TEXT PRIMARY KEY,            -- lower case
    data TEXT NOT NULL                 -- the account as JSON (server/users.py), password as a scrypt hash only
);
CREATE TABLE IF NOT EXISTS outbox (   -- events fanned out to one event hook and not yet recorded as delivered
    hook_id TEXT NOT NULL,
    log_seq INTEGER NOT NULL,
    targets TEXT NOT NULL DEFAULT '',  -- every event hook the event goes to (debugData.targetEventHookIds)
    PRIMARY KEY (hook_id, log_seq)
) WITHOUT ROWID;
"""


class Store:
    """The server's database. Thread-safe; every method commits before it returns."""

    def __init__(self, path: str = ":memory:", secret_key: str | None = None):
        self.path = path
        try:
            if path != ":memory:" and not path.startswith("file:"):
                if not create_private_file(Path(path)):
                    _make_private(Path(path))
            self.sealer = Sealer(load_key(secret_key or default_key_path(path)))
        except (OSError, ValueError) as exc:
            raise EmulatorUsageError(f"Cannot use the database {path!r} or its secret key file: "
                                     f"{str(getattr(exc, 'strerror', None) or exc).rstrip('.')}.") from None
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._conn.row_factory = sqlite3.Row
        self._file = path != ":memory:"
        with self._lock:
            if self._file:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(SCHEMA)
            self._dispatched = self._dispatch_cursor()
        # The delivery threads read their queues through a second connection (WAL readers never wait for the
        # writer); a memory database has only the one.
        self._reader, self._reader_lock = self._conn, self._lock
        if self._file:
            self._reader = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            self._reader_lock = threading.RLock()

    # -- plumbing -----------------------------------------------------------------------------------------
    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def _run(self, sql: str, args: Iterable[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).rowcount

    @contextmanager
    def atomic(self, *, fsync: bool = True) -> Iterator[None]:
        """One transaction (``BEGIN IMMEDIATE``) holding the store lock: reads and writes inside it see and make
        one consistent state; an exception rolls everything back. ``fsync=False`` (the delivery worker's own
        bookkeeping, never an answer to a client) commits to the WAL without waiting for the disk: the commit
        survives a crash of the process at once, and a power loss once the next fsynced commit (any
        acknowledged write) or checkpoint has run; the WAL keeps commits in order either way."""
        with self._lock:
            relaxed = not fsync and self._file
            if relaxed:
                self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if relaxed:
                    self._conn.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock, self._reader_lock:
            for conn in {id(c): c for c in (self._reader, self._conn)}.values():
                try:
                    conn.close()
                except sqlite3.ProgrammingError:  # pragma: no cover - already closed
                    pass

    def _read(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        """Rows of a read for the delivery threads (through the reader connection)."""
        with self._reader_lock:
            return self._reader.execute(sql, tuple(args)).fetchall()

    def journal_mode(self) -> str:
        """The SQLite journal mode in use (``wal`` for files, ``memory`` for ``:memory:``)."""
        return self._all("PRAGMA journal_mode")[0][0]

    # -- meta -----------------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        self._run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  (key, value))

    # -- hooks ----------------------------------------------------------------------------------------------
    def put_hook(self, category: str, hook: dict) -> None:
        """Insert or replace a hook object (keyed by ``hook["id"]``), keeping its creation order."""
        data = json.dumps(self.sealer.seal_hook(hook))
        with self._lock:
            cur = self._conn.execute("UPDATE hooks SET data = ? WHERE id = ? AND category = ?",
                                     (data, hook["id"], category))
            if cur.rowcount == 0:
                self._conn.execute("INSERT INTO hooks (id, category, data) VALUES (?, ?, ?)",
                                   (hook["id"], category, data))

    def get_hook(self, category: str, hook_id: str) -> dict | None:
        rows = self._all("SELECT data FROM hooks WHERE id = ? AND category = ?", (hook_id, category))
        return self.sealer.open_hook(json.loads(rows[0]["data"])) if rows else None

    def id_exists(self, object_id: str) -> bool:
        """True when a hook or a delivery already has this id (a reseed replays the id sequence)."""
        return bool(self._all("SELECT 1 FROM hooks WHERE id = ? UNION ALL SELECT 1 FROM deliveries WHERE id = ?",
                              (object_id, object_id)))

    def list_hooks(self, category: str) -> list[dict]:
        return [self.sealer.open_hook(json.loads(r["data"])) for r in
                self._all("SELECT data FROM hooks WHERE category = ? ORDER BY seq", (category,))]

    def delete_hook(self, category: str, hook_id: str) -> bool:
        return self._run("DELETE FROM hooks WHERE id = ? AND category = ?", (hook_id, category)) > 0

    # -- System Log -------------------------------------------------------------------------------------
    def append_logs(self, events: Iterable[dict], texts: Iterable[str] | None = None) -> list[int]:
        """Write LogEvents (queued for delivery); returns their sequence numbers. ``texts``: the events already
        encoded as JSON, one per event, when the caller has them (stored as they are)."""
        if texts is None:
            rows = [_log_row(e) for e in events]
        else:
            rows = [_log_row(e, text) for e, text in zip(events, texts, strict=True)]
        with self.atomic():
            self._conn.executemany(_INSERT_LOG, rows)
            # one writer inside one transaction on an AUTOINCREMENT table: the new rows are consecutive
            last = self._conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        return list(range(last - len(rows) + 1, last + 1)) if rows else []

    def _dispatch_cursor(self) -> int:
        """The last System Log sequence number fanned out (meta ``dispatched_through``); a file from before the
        cursor resumes at its first row not marked dispatched."""
        stored = self._conn.execute("SELECT value FROM meta WHERE key = 'dispatched_through'").fetchone()
        if stored is not None:
            return int(stored[0])
        first = self._conn.execute("SELECT MIN(seq) FROM logs WHERE dispatched = 0").fetchone()[0]
        cursor = first - 1 if first is not None else \
            self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM logs").fetchone()[0]
        self._conn.execute("INSERT INTO meta (key, value) VALUES ('dispatched_through', ?)", (str(cursor),))
        return cursor

    def undispatched_logs(self, limit: int = 500, *, data: bool = True) -> list[tuple[int, str, str | None]]:
        """``(seq, eventType, JSON)`` of System Log events not yet fanned out to the event hooks, oldest first
        (``data=False``: the JSON is not read and is None, for a fan-out that filters on the type alone)."""
        rows = self._read(f"SELECT seq, event_type, {'data' if data else 'NULL'} FROM logs WHERE seq > ? "
                          "ORDER BY seq LIMIT ?", (self._dispatched, limit))
        return [(r[0], r[1], r[2]) for r in rows]

    def dispatch(self, seqs: Iterable[int], fanout: Iterable[tuple[str, int, str]]) -> None:
        """Fan events out, in one transaction: ``(hook_id, seq, targets)`` rows into the per-hook queues (``targets``:
        the comma-separated ids of every hook the event goes to) and the dispatch cursor moved past ``seqs``."""
        through = max(seqs)
        with self.atomic(fsync=False):
            self._conn.executemany("INSERT OR IGNORE INTO outbox (hook_id, log_seq, targets) VALUES (?, ?, ?)",
                                   list(fanout))
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'dispatched_through'", (str(through),))
            self._dispatched = through

    def hook_queue(self, hook_id: str, limit: int) -> list[tuple[int, dict, str]]:
        """The events queued for one event hook, oldest first: ``(seq, event, targets)``."""
        rows = self._read("SELECT o.log_seq, l.data, o.targets FROM outbox o JOIN logs l ON l.seq = o.log_seq "
                          "WHERE o.hook_id = ? ORDER BY o.log_seq LIMIT ?", (hook_id, limit))
        return [(r[0], _loads(r[1]), r[2]) for r in rows]

    def queued_hook_ids(self) -> list[str]:
        """Ids of the event hooks with events queued."""
        return [r[0] for r in self._all("SELECT DISTINCT hook_id FROM outbox")]

    def complete_delivery(self, hook_id: str, seqs: Iterable[int], records: Iterable[dict],
                          events: Iterable[dict] = ()) -> None:
        """In one transaction: store delivery ``records`` and System Log ``events`` and take ``seqs`` off the hook's
        queue (so a crash re-sends exactly what was not recorded)."""
        with self.atomic(fsync=False):
            for record in records:
                self.add_delivery(record)
            for e in events:
                self._insert_log(e)
            self._conn.executemany("DELETE FROM outbox WHERE hook_id = ? AND log_seq = ?",
                                   [(hook_id, s) for s in seqs])

    def drop_queue(self, hook_id: str) -> None:
        """Forget what is queued for a hook that is gone or inactive."""
        self._run("DELETE FROM outbox WHERE hook_id = ?", (hook_id,))

    def has_pending(self) -> bool:
        """Whether any event is still to be delivered (O(1), unlike :meth:`count_pending`, which counts every
        queued row: waiting loops call this one)."""
        with self._lock:
            return bool(self._conn.execute("SELECT EXISTS (SELECT 1 FROM logs WHERE seq > ?) OR "
                                           "EXISTS (SELECT 1 FROM outbox)", (self._dispatched,)).fetchone()[0])

    def count_pending(self) -> int:
        """Events still to be delivered: not yet fanned out, plus queued per hook."""
        with self._lock:
            return self._conn.execute("SELECT (SELECT COUNT(*) FROM logs WHERE seq > ?) + "
                                      "(SELECT COUNT(*) FROM outbox)", (self._dispatched,)).fetchone()[0]

    def _insert_log(self, e: dict) -> int:
        return self._conn.execute(_INSERT_LOG, _log_row(e)).lastrowid or 0

    def query_logs(self, *, since: str | None = None, until: str | None = None, after: int | None = None,
                   descending: bool = False, limit: int = 100,
                   match: Callable[[dict], bool] | None = None) -> tuple[list[tuple[int, dict]], bool]:
        """LogEvents in ``[since, until)`` by publication, after cursor ``after`` (a sequence number), filtered by
        ``match``; returns ``(rows, more)`` where ``more`` says another page exists."""
        where, args = [], []
        if since:
            where.append("published >= ?")
            args.append(since)
        if until:
            where.append("published < ?")
            args.append(until)
        if after is not None:
            where.append("seq < ?" if descending else "seq > ?")
            args.append(after)
        sql = "SELECT seq, data FROM logs" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY seq " + ("DESC" if descending else "ASC")
        out: list[tuple[int, dict]] = []
        for row in self._all(sql, args):
            event = json.loads(row["data"])
            if match is None or match(event):
                if len(out) == limit:
                    return out, True
                out.append((row["seq"], event))
        return out, False

    def last_log_seq(self) -> int:
        """The sequence number of the newest LogEvent (0 when there is none): a polling cursor for "now"."""
        return self._all("SELECT COALESCE(MAX(seq), 0) FROM logs")[0][0]

    def count_logs(self) -> int:
        return self._all("SELECT COUNT(*) FROM logs")[0][0]

    # -- deliveries ----------------------------------------------------------------------------------------
    def add_delivery(self, record: dict) -> None:
        """Store one delivery record: ``{id, hookId, kind, eventType, verdict, createdAt, attempts: [...], ...}``."""
        self._run("INSERT INTO deliveries (id, hook_id, kind, event_type, verdict, created_at, attempts, data) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (record["id"], record.get("hookId"), record["kind"], record.get("eventType"), record["verdict"],
                   record["createdAt"], len(record.get("attempts", [])), _dumps(_compact(record))))

    def list_deliveries(self, *, hook_id: str | None = None, kind: str | None = None, event_type: str | None = None,
                        verdict: str | None = None, limit: int = 100) -> list[dict]:
        """Delivery summaries, newest first."""
        where, args = [], []
        for column, value in (("hook_id", hook_id), ("kind", kind), ("verdict", verdict)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if event_type:
            where.append("(event_type = ? OR event_type LIKE ? OR event_type LIKE ? OR event_type LIKE ?)")
            args += [event_type, f"{event_type},%", f"%,{event_type}", f"%,{event_type},%"]
        sql = "SELECT id, hook_id, kind, event_type, verdict, created_at, attempts FROM deliveries"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq DESC LIMIT ?"
        args.append(limit)
        return [{"id": r["id"], "hookId": r["hook_id"], "kind": r["kind"], "eventType": r["event_type"],
                 "verdict": r["verdict"], "createdAt": r["created_at"], "attempts": r["attempts"]}
                for r in self._all(sql, args)]

    def get_delivery(self, delivery_id: str) -> dict | None:
        rows = self._all("SELECT data FROM deliveries WHERE id = ?", (delivery_id,))
        return _expand(json.loads(rows[0]["data"])) if rows else None

    def count_deliveries(self) -> int:
        return self._all("SELECT COUNT(*) FROM deliveries")[0][0]

    # -- users --------------------------------------------------------------------------------------------
    def put_user(self, login: str, data: dict) -> None:
        """Insert or replace the stored account of ``login`` (case-insensitive)."""
        self._run("INSERT INTO users (login, data) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET data = excluded.data",
                  (login.lower(), json.dumps(data)))

    def get_user(self, login: str) -> dict | None:
        """The stored account of ``login`` (case-insensitive), or None."""
        rows = self._all("SELECT data FROM users WHERE login = ?", (login.lower(),))
        return json.loads(rows[0]["data"]) if rows else None

    def list_users(self) -> list[dict]:
        """Every stored account, oldest first."""
        return [json.loads(row["data"]) for row in self._all("SELECT data FROM users ORDER BY rowid")]

    # -- reset --------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Remove every hook, log event, delivery and stored user."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            for table in ("hooks", "logs", "deliveries", "outbox", "users"):
                self._conn.execute(f"DELETE FROM {table}")
            self._conn.execute("COMMIT")


_INSERT_LOG = "INSERT INTO logs (uuid, published, event_type, data) VALUES (?, ?, ?, ?)"


def _log_row(e: dict, text: str | None = None) -> tuple[str, str, str, str]:
    return e.get("uuid", ""), e.get("published", ""), e.get("eventType", ""), _dumps(e) if text is None else text


def _make_private(path: Path) -> None:
    """Make an existing database file (and its WAL files) readable by its owner only, where we may."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if candidate.exists() and candidate.stat().st_mode & 0o077:
                os.chmod(candidate, 0o600)
        except OSError:  # not ours: leave it
            pass


def _loads(text: str) -> Any:
    """A stored row parsed (orjson; the standard library for what orjson refuses, e.g. integers over 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _dumps(value: Any) -> str:
    """Compact JSON text for a stored row (orjson; the standard library for what orjson refuses)."""
    try:
        return wire_dumps(value).decode("utf-8")
    except (TypeError, ValueError, UnicodeDecodeError):
        return json.dumps(value)


# An event-batch record carries its envelope three times over (``request``, ``result.envelope`` and the body of
# every attempt); it is stored once (``request``) and the copies are restored when the record is read.
_COMPACT = "storedOnce"


def _compact(record: dict) -> dict:
    result = record.get("result")
    if record.get("kind") != "event" or not isinstance(result, dict) or result.get("envelope") is not \
            record.get("request") or not isinstance(result.get("delivery"), dict):
        return record
    body = wire_dumps(record["request"]).decode("utf-8")
    attempts = []
    for attempt in record.get("attempts", []):
        sent = attempt.get("request") or {}
        if sent.get("body") == body:
            attempt = {**attempt, "request": {**sent, "body": None, _COMPACT: True}}
        attempts.append(attempt)
    delivery = {k: v for k, v in result["delivery"].items() if k != "attempts"}
    return {**record, "attempts": attempts,
            "result": {**{k: v for k, v in result.items() if k not in ("envelope", "delivery")},
                       "delivery": delivery, _COMPACT: True}}


def _expand(record: dict) -> dict:
    result = record.get("result")
    if not isinstance(result, dict) or not result.pop(_COMPACT, False):
        return record
    body = wire_dumps(record["request"]).decode("utf-8")
    for attempt in record.get("attempts", []):
        if attempt.get("request", {}).pop(_COMPACT, False):
            attempt["request"]["body"] = body
    result["envelope"] = record["request"]
    result["delivery"] = {"attempts": record.get("attempts", []), **result.get("delivery", {})}
    return record
