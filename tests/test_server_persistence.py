"""Persistence: ``okta-hooks serve --db FILE`` killed with SIGKILL and restarted on the same file keeps every hook,
System Log event and completed delivery. Also: WAL mode, schema created on first run, ``:memory:``."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from okta_hook_emulator.server.store import Store
from tests.helpers.server import TOKEN, answer_verification, event_hook_body, inline_hook_body

AUTH = {"Authorization": f"SSWS {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", str(port),
         "--db", str(db), "--token", TOKEN, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/eventHooks", headers=AUTH, timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited: {proc.stdout.read() if proc.stdout else ''}") from None
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("serve did not come up")


@pytest.mark.slow
def test_sigkill_and_restart_keeps_hooks_logs_and_deliveries(tmp_path: Path, httpserver: Any) -> None:
    answer_verification(httpserver, "/events")
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    db = tmp_path / "org.db"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(db, port)
    try:
        hook = httpx.post(base + "/api/v1/eventHooks", headers=AUTH,
                          json=event_hook_body(httpserver.url_for("/events"))).json()
        assert httpx.post(f"{base}/api/v1/eventHooks/{hook['id']}/lifecycle/verify", headers=AUTH).status_code == 200
        inline = httpx.post(base + "/api/v1/inlineHooks", headers=AUTH, json=inline_hook_body("https://e.com/t")).json()
        events = httpx.post(base + "/_emulator/events", headers=AUTH,
                            json={"eventType": "user.lifecycle.create", "count": 2}).json()["events"]
        assert httpx.post(base + "/_emulator/wait", headers=AUTH, json={"timeout": 10}).json()["idle"]
        before_logs = httpx.get(base + "/api/v1/logs", headers=AUTH).json()
        before_deliveries = httpx.get(base + "/_emulator/deliveries", headers=AUTH).json()
        assert [d["kind"] for d in before_deliveries] == ["event", "verification"]
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        if proc.stdout:
            proc.stdout.close()
    posts_before = len([r for r, _ in httpserver.log if r.method == "POST"])

    proc = _start(db, port)
    try:
        hooks = httpx.get(base + "/api/v1/eventHooks", headers=AUTH).json()
        assert [(h["id"], h["verificationStatus"]) for h in hooks] == [(hook["id"], "VERIFIED")]
        assert [h["id"] for h in httpx.get(base + "/api/v1/inlineHooks", headers=AUTH).json()] == [inline["id"]]
        assert httpx.get(base + "/api/v1/logs", headers=AUTH).json() == before_logs
        assert {e["uuid"] for e in events} <= {e["uuid"] for e in before_logs}
        after = httpx.get(base + "/_emulator/deliveries", headers=AUTH).json()
        assert after == before_deliveries
        detail = httpx.get(f"{base}/_emulator/deliveries/{after[0]['id']}", headers=AUTH).json()
        assert detail["attempts"][0]["response"]["status"] == 200
        # new objects after the restart never reuse ids, and delivered events are not sent again
        new = httpx.post(base + "/api/v1/inlineHooks", headers=AUTH,
                         json=inline_hook_body("https://e.com/t", name="second")).json()
        assert new["id"] != inline["id"]
        assert httpx.post(base + "/_emulator/wait", headers=AUTH, json={"timeout": 10}).json()["idle"]
        assert len([r for r, _ in httpserver.log if r.method == "POST"]) == posts_before
    finally:
        proc.send_signal(signal.SIGINT)
        try:  # a clean stop drains the delivery lanes (up to 10 s); a loaded CI machine needs the slack
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out
    assert f"Org URL:        {base}" in out and f"API token:      {TOKEN}" in out and "Stopped." in out


def test_store_schema_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    store = Store(str(path))
    assert store.journal_mode() == "wal"
    store.put_hook("event", {"id": "who1", "name": "n"})
    store.append_logs([{"uuid": "u1", "published": "2026-01-01T00:00:00.000Z", "eventType": "x"}])
    store.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"hooks", "logs", "deliveries", "meta"} <= tables
    again = Store(str(path))
    assert again.get_hook("event", "who1") == {"id": "who1", "name": "n"}
    assert again.count_logs() == 1 and again.count_pending() == 1
    again.close()
    memory = Store(":memory:")
    assert memory.journal_mode() == "memory"
    memory.close()
