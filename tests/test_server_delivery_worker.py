"""Event delivery per hook (issue #18 findings 2 and 7): a hanging hook delays only itself, and a crash re-sends to
a hook only the batch it had not yet recorded."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.hooks import HookService
from tests.helpers.server import AUTH, TOKEN, event_hook_body, start_cli_server, stop_cli_server

EVENT_TYPE = "user.lifecycle.create"


def register(client: httpx.Client, url: str, name: str) -> str:
    created = client.post("/api/v1/eventHooks", json=event_hook_body(url, [EVENT_TYPE], name=name))
    assert created.status_code == 200, created.text
    hook_id = created.json()["id"]
    verified = client.post(f"/api/v1/eventHooks/{hook_id}/lifecycle/verify")
    assert verified.json().get("verificationStatus") == "VERIFIED", verified.text
    return hook_id


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_hanging_hook_does_not_hold_back_a_healthy_hook_on_the_same_event_type():
    hanging, healthy = HookService(hang_after=0), HookService()
    # attempts wait 30 s for an answer: a single shared delivery worker would hold every event that long
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 30.0}, "worker_interval": 0.02}, dashboard=False)
    try:
        with httpx.Client(base_url=handle.url, headers=AUTH, timeout=30) as client:
            register(client, hanging.url, "hanging")  # registered first: it is the first hook served
            register(client, healthy.url, "healthy")
            assert client.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 1}).status_code == 200
            assert wait_for(lambda: hanging.posts >= 1, 20)  # the hanging hook now holds a delivery
            fired = client.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 200}).json()["events"]
            # the healthy hook gets all 201 events while the hanging hook's first POST is still unanswered
            assert wait_for(lambda: len(healthy.acked) >= 201, 25), f"healthy hook got {len(healthy.acked)} of 201"
            assert set(e["uuid"] for e in fired) <= set(healthy.acked)
            assert hanging.posts == 1 and hanging.acked == []
            records = client.get("/_emulator/deliveries", params={"kind": "event"}).json()
            assert records and {r["hookId"] for r in records} == {records[0]["hookId"]}  # only the healthy one
    finally:
        hanging.release()
        handle.stop(timeout=5)
        hanging.stop()
        healthy.stop()


@pytest.mark.slow
def test_a_crash_resends_to_a_hook_only_what_was_not_recorded(tmp_path):
    """Two batches acked and recorded, the third hanging when the server is SIGKILLed: after the restart the hook
    gets the third batch again, never the two it had acknowledged."""
    db = tmp_path / "okta.db"
    hook = HookService(hang_after=2)
    proc, url = start_cli_server(db)
    try:
        with httpx.Client(base_url=url, headers=AUTH, timeout=30) as client:
            register(client, hook.url, "crash")
            fired = client.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 120}).json()["events"]
            assert wait_for(lambda: hook.posts >= 3, 30), hook.posts  # 2 acked, the 3rd is hanging
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    acked_before = list(hook.acked)
    assert len(acked_before) == 100
    hook.hang_after = None
    hook.release()
    before = len(hook.acked)
    proc, url = start_cli_server(db)
    try:
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as client:
            assert client.post("/_emulator/wait", json={"timeout": 60}).json()["idle"]
    finally:
        stop_cli_server(proc)
        hook.stop()
    resent = hook.acked[before:]
    assert set(e["uuid"] for e in fired) == set(acked_before) | set(resent)  # nothing lost
    assert not set(resent) & set(acked_before), f"{len(set(resent) & set(acked_before))} acked events re-sent"
    assert len(resent) == 20
