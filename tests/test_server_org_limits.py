"""Org limits under concurrency (issue #18 finding 6): the limit check and the write happen in one transaction,
so simultaneous requests cannot all pass it."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.helpers.server import AUTH, event_hook_body, inline_hook_body

HOOK_URI = "http://127.0.0.1:9/hook"


def run_together(url: str, calls: list[tuple[str, str, dict | None]]) -> list[httpx.Response]:
    """Send every call at once (one thread and one connection each, released by a barrier)."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def one(i: int, method: str, path: str, body: dict | None) -> None:
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as client:
            barrier.wait()
            answers[i] = client.request(method, path, json=body)

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is not None for a in answers)
    return answers  # type: ignore[return-value]


@pytest.mark.slow
def test_fifty_simultaneous_creates_leave_exactly_25_active_event_hooks(server):
    calls = [("POST", "/api/v1/eventHooks", event_hook_body(HOOK_URI, name=f"hook {i}")) for i in range(50)]
    answers = run_together(server.url, calls)
    assert sorted({a.status_code for a in answers}) == [200, 400]
    assert sum(a.status_code == 200 for a in answers) == 25
    refused = [a.json() for a in answers if a.status_code == 400]
    assert all(r["errorCode"] == "E0000001" and "at most 25" in str(r["errorCauses"]) for r in refused)
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        hooks = client.get("/api/v1/eventHooks").json()
    assert sum(h["status"] == "ACTIVE" for h in hooks) == 25


@pytest.mark.slow  # end to end through servers or processes
def test_simultaneous_activations_never_pass_25_active_event_hooks(server):
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        ids = []
        for i in range(30):
            created = client.post("/api/v1/eventHooks", json=event_hook_body(HOOK_URI, name=f"h{i}")).json()
            ids.append(created["id"])
            if i >= 20:  # 20 active, 10 inactive
                assert client.post(f"/api/v1/eventHooks/{ids[-1]}/lifecycle/deactivate").status_code == 200
    answers = run_together(server.url, [("POST", f"/api/v1/eventHooks/{i}/lifecycle/activate", None)
                                        for i in ids[20:]])
    assert sum(a.status_code == 200 for a in answers) == 5
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        assert sum(h["status"] == "ACTIVE" for h in client.get("/api/v1/eventHooks").json()) == 25


@pytest.mark.slow  # end to end through servers or processes
def test_simultaneous_password_import_hooks_leave_exactly_one(server):
    calls = [("POST", "/api/v1/inlineHooks", inline_hook_body(HOOK_URI, "com.okta.user.credential.password.import",
                                                              name=f"pw {i}")) for i in range(20)]
    answers = run_together(server.url, calls)
    assert sum(a.status_code == 200 for a in answers) == 1
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        assert len(client.get("/api/v1/inlineHooks").json()) == 1
