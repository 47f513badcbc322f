"""SQLite persistence for the server: hooks, System Log events (also the delivery queue), deliveries.

One connection guarded by a lock (Flask's threaded server and the delivery worker share it). File databases
run in WAL mode with ``synchronous=FULL`` and autocommit, so every write is on disk before the HTTP answer
that acknowledges it; the schema is created on first use."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import Any

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
    dispatched INTEGER NOT NULL DEFAULT 0,  -- 0: still queued for the event-hook worker
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_pending ON logs (dispatched, seq);
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
"""


class Store:
    """The server's database. Thread-safe; every method commits before it returns."""

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(SCHEMA)

    # -- plumbing -----------------------------------------------------------------------------------------
    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def _run(self, sql: str, args: Iterable[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).rowcount

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            try:
                self._conn.close()
            except sqlite3.ProgrammingError:  # pragma: no cover - already closed
                pass

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
        data = json.dumps(hook)
        with self._lock:
            cur = self._conn.execute("UPDATE hooks SET data = ? WHERE id = ? AND category = ?",
                                     (data, hook["id"], category))
            if cur.rowcount == 0:
                self._conn.execute("INSERT INTO hooks (id, category, data) VALUES (?, ?, ?)",
                                   (hook["id"], category, data))

    def get_hook(self, category: str, hook_id: str) -> dict | None:
        rows = self._all("SELECT data FROM hooks WHERE id = ? AND category = ?", (hook_id, category))
        return json.loads(rows[0]["data"]) if rows else None

    def id_exists(self, object_id: str) -> bool:
        """True when a hook or a delivery already has this id (a reseed replays the id sequence)."""
        return bool(self._all("SELECT 1 FROM hooks WHERE id = ? UNION ALL SELECT 1 FROM deliveries WHERE id = ?",
                              (object_id, object_id)))

    def list_hooks(self, category: str) -> list[dict]:
        return [json.loads(r["data"]) for r in
                self._all("SELECT data FROM hooks WHERE category = ? ORDER BY seq", (category,))]

    def delete_hook(self, category: str, hook_id: str) -> bool:
        return self._run("DELETE FROM hooks WHERE id = ? AND category = ?", (hook_id, category)) > 0

    # -- System Log -------------------------------------------------------------------------------------
    def append_logs(self, events: Iterable[dict]) -> list[int]:
        """Write LogEvents (queued for delivery); returns their sequence numbers."""
        seqs = []
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for e in events:
                    cur = self._conn.execute(
                        "INSERT INTO logs (uuid, published, event_type, data) VALUES (?, ?, ?, ?)",
                        (e.get("uuid", ""), e.get("published", ""), e.get("eventType", ""), json.dumps(e)))
                    seqs.append(cur.lastrowid)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return seqs

    def pending_logs(self, limit: int = 500) -> list[tuple[int, dict]]:
        """Queued LogEvents not yet handled by the delivery worker, oldest first."""
        rows = self._all("SELECT seq, data FROM logs WHERE dispatched = 0 ORDER BY seq LIMIT ?", (limit,))
        return [(r["seq"], json.loads(r["data"])) for r in rows]

    def count_pending(self) -> int:
        return self._all("SELECT COUNT(*) FROM logs WHERE dispatched = 0")[0][0]

    def mark_dispatched(self, seqs: Iterable[int]) -> None:
        seqs = list(seqs)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("UPDATE logs SET dispatched = 1 WHERE seq = ?", [(s,) for s in seqs])
            self._conn.execute("COMMIT")

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
                   record["createdAt"], len(record.get("attempts", [])), json.dumps(record)))

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
        return json.loads(rows[0]["data"]) if rows else None

    def count_deliveries(self) -> int:
        return self._all("SELECT COUNT(*) FROM deliveries")[0][0]

    # -- reset --------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Remove every hook, log event and delivery."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            for table in ("hooks", "logs", "deliveries"):
                self._conn.execute(f"DELETE FROM {table}")
            self._conn.execute("COMMIT")
