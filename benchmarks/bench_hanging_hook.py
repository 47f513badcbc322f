"""A hanging event hook beside a healthy one: how long the healthy hook waits for 1,000 events.

    .venv/bin/python benchmarks/bench_hanging_hook.py [--events 1000]

Design: ``okta-hooks serve`` in-process (memory database) and two hook services in child processes: a healthy
no-op hook (``_support.start_noop_hook``) and a hanging hook that answers Okta's verification GET but never answers
a POST. Run 1: only the healthy hook is registered; ``--events`` events are fired with ``POST /_emulator/events``
and the clock stops when the server has recorded every batch to the healthy hook as delivered. Run 2: a fresh
server with the hanging hook registered first and the healthy hook second, both subscribed to the same event type;
same measurement for the healthy hook. Each run is repeated (``--repeat``, median reported). Okta delivers to each hook independently, so a hanging hook should cost the
healthy one little. Last line: the ratio of run 2 to run 1 (goal <= 2x) and run 2's time (goal < 3 s).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import time

import httpx
from _support import start_hanging_hook, start_noop_hook

from okta_hook_emulator.server import serve

TOKEN = "00bench-hanging-token"
EVENT_TYPE = "user.lifecycle.create"
BATCH = 50
GOAL_RATIO = 2.0
GOAL_SECONDS = 3.0


def register(api: httpx.Client, uri: str, name: str) -> str:
    hook = api.post("/api/v1/eventHooks", json={
        "name": name, "events": {"type": "EVENT_TYPE", "items": [EVENT_TYPE]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": uri}}}).json()
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").status_code == 200
    return hook["id"]


def time_healthy(healthy_url: str, hanging_url: str | None, events: int) -> float:
    """Seconds from firing ``events`` events until every batch to the healthy hook is recorded as delivered."""
    handle = serve({"api_token": TOKEN, "worker_interval": 0.01}, dashboard=False)
    try:
        with httpx.Client(base_url=handle.url, headers={"Authorization": f"SSWS {TOKEN}"}, timeout=60) as api:
            if hanging_url:
                register(api, hanging_url, "hanging")
            healthy = register(api, healthy_url, "healthy")
            batches = -(-events // BATCH)
            t0 = time.perf_counter()
            assert api.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": events}).status_code == 200
            while True:
                done = api.get("/_emulator/deliveries", params={"hookId": healthy, "kind": "event", "verdict": "ok",
                                                                "limit": 1000}).json()
                if len(done) >= batches:
                    return time.perf_counter() - t0
                if time.perf_counter() - t0 > 600:
                    raise SystemExit(f"the healthy hook got {len(done)} of {batches} batches in 600 s")
                time.sleep(0.005)
    finally:
        handle.server.shutdown()
        handle.server.server_close()  # not stop(): it would wait for the hanging hook


def main() -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the median is reported")
    args = parser.parse_args()
    healthy_proc, healthy_url = start_noop_hook()
    hanging_proc, hanging_url = start_hanging_hook()
    try:
        time_healthy(healthy_url, None, 50)  # warm-up: imports, first connections
        alone = statistics.median(time_healthy(healthy_url, None, args.events) for _ in range(args.repeat))
        beside = statistics.median(time_healthy(healthy_url, hanging_url, args.events) for _ in range(args.repeat))
    finally:
        for proc in (healthy_proc, hanging_proc):
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
    ratio = beside / alone
    print(f"events: {args.events} to a healthy hook ({-(-args.events // BATCH)} batches of <= {BATCH})")
    print(f"  healthy hook alone           : {alone:.2f} s")
    print(f"  beside a hanging hook        : {beside:.2f} s (goal < {GOAL_SECONDS:g} s): "
          f"{'met' if beside < GOAL_SECONDS else 'NOT met'}")
    print(f"ratio beside hanging / alone: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x): "
          f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}")
    return {"alone": alone, "beside": beside, "ratio": ratio}


if __name__ == "__main__":
    main()
