"""One Okta day through the server: 400,000 events (Okta's daily event-hook limit) to a no-op hook.

    .venv/bin/python benchmarks/bench_server_day.py [--events 400000] [--chunk 10000]

Design (honest end to end): ``okta-hooks serve`` runs as its own process on a file database (WAL,
synchronous=FULL); a no-op hook (HTTP/1.1 keep-alive, answers verification, 204 to POSTs) runs in another process.
One event hook is registered and verified over the Management API; the events are fired with
``POST /_emulator/events`` in chunks of ``--chunk`` (the server generates them, writes them to the System Log and
answers with them), while the server's delivery worker POSTs them in batches of 50 (Okta's batching, fidelity.py)
and records every attempt. The clock stops when ``POST /_emulator/wait`` reports the queue drained. The store is
then checked: every event delivered in an ``ok`` record.

Baseline, same run: a bare httpx keep-alive client POSTing the same number of 50-event envelopes (taken from the
store) to the same hook — the transport floor, without generation, System Log, worker or records.
Memory: the server process's peak resident set (``VmHWM``) after the day, against its peak after start-up.
Last lines: the memory goal, then the day time (and its ratio to the bare transport) against the goal of 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _support import start_noop_hook

TOKEN = "00bench-server-day-token"
EVENT_TYPE = "user.lifecycle.create"
GOAL_SECONDS = 60.0  # the whole day (400,000 events) through the server in at most a minute
GOAL_PEAK_MB = 512.0  # server peak RSS during the day
BATCH = 50


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size (``VmHWM``) of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
           "--db", str(db), "--token", TOKEN, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    for line in proc.stdout:
        if "listening on " in line:
            return proc, line.split("listening on ", 1)[1].strip()
    raise SystemExit("okta-hooks serve did not start")


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400_000)
    parser.add_argument("--chunk", type=int, default=10_000, help="events per POST /_emulator/events (max 10000)")
    args = parser.parse_args()
    hook_proc, hook_url = start_noop_hook()
    tmp = tempfile.TemporaryDirectory(prefix="bench_day_")
    db = Path(tmp.name) / "day.db"
    server, url = start_server(db)
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"SSWS {TOKEN}"}, timeout=600) as api:
            hook = api.post("/api/v1/eventHooks", json={
                "name": "day", "events": {"type": "EVENT_TYPE", "items": [EVENT_TYPE]},
                "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": hook_url}}}).json()
            assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").status_code == 200
            idle_mb = peak_rss_mb(server.pid)
            t0 = time.perf_counter()
            left = args.events
            while left > 0:
                n = min(args.chunk, left)
                resp = api.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": n})
                assert resp.status_code == 200, resp.text[:300]
                left -= n
            t_fired = time.perf_counter() - t0
            wait = api.post("/_emulator/wait", json={"timeout": 3600}).json()
            t_day = time.perf_counter() - t0
            assert wait["idle"] and not wait["errors"], wait
            day_peak_mb = peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()

    conn = sqlite3.connect(db)
    try:
        records, ok, delivered = conn.execute(
            "SELECT COUNT(*), SUM(verdict = 'ok'), SUM(json_extract(data, '$.outcome.events')) FROM deliveries "
            "WHERE kind = 'event'").fetchone()
        bodies = [json.dumps(json.loads(d)["request"], separators=(",", ":")).encode()
                  for (d,) in conn.execute("SELECT data FROM deliveries WHERE kind = 'event' ORDER BY seq LIMIT 200")]
    finally:
        conn.close()
    assert delivered == args.events and ok == records, (records, ok, delivered)

    # baseline: the same number of POSTs of real 50-event envelopes, bare keep-alive client, same hook
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    with httpx.Client(timeout=30) as bare:
        t0 = time.perf_counter()
        for i in range(records):
            bare.post(hook_url, content=bodies[i % len(bodies)], headers=headers)
        t_bare = time.perf_counter() - t0
    hook_proc.send_signal(signal.SIGTERM)
    hook_proc.wait(10)
    tmp.cleanup()

    rate, bare_rate = args.events / t_day, args.events / t_bare
    print(f"events: {args.events} through okta-hooks serve (file db) in {records} POSTs of <= {BATCH}")
    print(f"  fired (generated + System Log) in {t_fired:.1f} s; day delivered and recorded in {t_day:.1f} s")
    print(f"  server end to end : {rate:9,.0f} events/s ({t_day:.1f} s; a real day is 86,400 s)")
    print(f"  bare httpx floor  : {bare_rate:9,.0f} events/s ({t_bare:.1f} s for the same {records} POSTs)")
    print(f"  server peak RSS   : {day_peak_mb:.0f} MB after the day (after start-up: {idle_mb:.0f} MB)")
    scaled = t_day * 400_000 / args.events
    print(f"server peak RSS: {day_peak_mb:.0f} MB (goal <= {GOAL_PEAK_MB:g} MB): "
          f"{'met' if day_peak_mb <= GOAL_PEAK_MB else 'NOT met'}")
    print(f"day time (scaled to 400,000 events): {scaled:.1f} s, {t_day / t_bare:.1f}x the bare transport "
          f"(goal <= {GOAL_SECONDS:g} s): {'met' if scaled <= GOAL_SECONDS else 'NOT met'}")
    return {"seconds": t_day, "rate": rate, "bare_rate": bare_rate, "peak_mb": day_peak_mb, "idle_mb": idle_mb}


if __name__ == "__main__":
    main()
