"""Concurrency: 50 clients at once run inline flows and fire event bursts through the server (file database, real
HTTP) against one hook. No lost or duplicated records, every event delivered exactly once, and no "database is
locked" (or any other 5xx) reaches a user."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.examples import hostile_hook

pytestmark = pytest.mark.slow

TOKEN = "00hardening-concurrency-token"
CLIENTS = 50
EVENTS_PER_CLIENT = 20
TYPES = ["user.lifecycle.create", "group.lifecycle.create"]


@pytest.fixture
def env(tmp_path):
    hook = hostile_hook().HostileHook("ok").start()  # every path answers like a correct hook; hits counted per path
    handle = serve({"api_token": TOKEN, "db": str(tmp_path / "c.db"), "policy": {"timeout": 5},
                    "worker_interval": 0.02})
    try:
        yield handle, hook
    finally:
        handle.stop()
        hook.stop()


def test_fifty_concurrent_flows_and_bursts(env):
    handle, hook = env
    auth = {"Authorization": f"SSWS {TOKEN}"}
    with httpx.Client(base_url=handle.url, headers=auth, timeout=60) as api:
        eh = api.post("/api/v1/eventHooks", json={
            "name": "burst", "events": {"type": "EVENT_TYPE", "items": TYPES},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": f"{hook.url}/events-hook"}}}).json()
        assert api.post(f"/api/v1/eventHooks/{eh['id']}/lifecycle/verify").status_code == 200
        ih = api.post("/api/v1/inlineHooks", json={
            "name": "reg", "type": "com.okta.user.pre-registration", "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0",
                        "config": {"uri": f"{hook.url}/inline-hook", "method": "POST"}}}).json()

    def client(i: int) -> tuple[list[int], list[str], dict]:
        statuses, texts = [], []
        with httpx.Client(base_url=handle.url, headers=auth, timeout=60) as c:
            flow = c.post("/_emulator/flows/registration", json={})
            burst = c.post("/_emulator/events", json={"eventType": TYPES[i % 2], "count": EVENTS_PER_CLIENT})
            listing = c.get("/_emulator/deliveries", params={"limit": 50})
            for r in (flow, burst, listing):
                statuses.append(r.status_code)
                texts.append(r.text)
        return statuses, texts, {"flow": flow.json(), "events": burst.json()["events"]}

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))

    for statuses, texts, _ in results:
        assert statuses == [200, 200, 200], texts
        assert not any("locked" in t.lower() for t in texts)
    flows = [r[2]["flow"] for r in results]
    assert all(f["verdict"] == "ok" and f["outcome"]["action"] == "ALLOW" for f in flows)
    fired = [e["uuid"] for r in results for e in r[2]["events"]]
    assert len(fired) == len(set(fired)) == CLIENTS * EVENTS_PER_CLIENT

    with httpx.Client(base_url=handle.url, headers=auth, timeout=60) as api:
        wait = api.post("/_emulator/wait", json={"timeout": 60}).json()
        assert wait["idle"] and not wait["errors"], wait
        inline = api.get("/_emulator/deliveries", params={"kind": "registration", "limit": 1000}).json()
        assert len(inline) == len({d["id"] for d in inline}) == CLIENTS  # none lost, none doubled
        assert hook.hits["/inline-hook"] == CLIENTS
        # seeded values drawn by concurrent flows never collide: request ids, inline eventIds, log uuids
        full = [api.get(f"/_emulator/deliveries/{d['id']}").json() for d in inline]
        request_ids = {r["attempts"][0]["request"]["headers"]["X-Okta-Request-Id"] for r in full}
        event_ids = {r["request"]["eventId"] for r in full}
        assert len(request_ids) == len(event_ids) == CLIENTS
        flow_uuids = [e["uuid"] for f in flows for e in f["log_events"]]
        assert len(flow_uuids) == len(set(flow_uuids))
        batches = api.get("/_emulator/deliveries", params={"hookId": eh["id"], "kind": "event",
                                                           "limit": 1000}).json()
        assert all(b["verdict"] == "ok" for b in batches)
        assert hook.hits["/events-hook"] == len(batches) + 1  # + the verification GET
        delivered: list[str] = []
        for b in batches:
            record = api.get(f"/_emulator/deliveries/{b['id']}").json()
            delivered += [e["uuid"] for e in record["request"]["data"]["events"]]
        # the flows' own System Log events (a registration that is allowed writes user.lifecycle.create) count too
        from_flows = [e["uuid"] for f in flows for e in f["log_events"] if e["eventType"] in TYPES]
        assert len(from_flows) == CLIENTS
        assert sorted(delivered) == sorted(fired + from_flows)  # every event exactly once
        processed = api.get("/api/v1/logs", params={"filter": 'eventType eq "inline_hook.response.processed"',
                                                     "limit": 1000}).json()
        assert len([e for e in processed if ih["id"] in json.dumps(e)]) == CLIENTS
