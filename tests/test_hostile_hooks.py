"""Hostile hook services over real HTTP on loopback (examples/hostile_hook, a raw-socket server): each misbehaviour
gets Okta's verdict on every surface (verification, event delivery, token = fail open / no retry, registration =
fail closed / one retry, telephony = failover), and the emulator and the server keep serving afterwards."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK
from okta_hook_emulator.server import serve
from tests.helpers.examples import hostile_hook
from tests.helpers.inline import load

BUDGET = 0.3  # seconds per attempt (Okta: 3 s)
SLACK = 2.5  # an enforced budget ends a call far below this; an unenforced one (sleep 1 s, dribble 3 s) does not
TOKEN = "00hardening-hostile-token"


hostile = hostile_hook()


@pytest.fixture(scope="module")
def hook():
    with hostile.HostileHook(sleep=1.0, dribble=0.05, dribble_max=3.0) as server:
        yield server


request = load


F, INV, OK, E = VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, VERDICT_ERROR
# behaviour -> (transport, verification, event accepted, event attempts, token verdict, registration verdict,
#               registration action, registration attempts)
RETRIED, ONCE = 2, 1
MATRIX = {
    "sleep": ("timeout", False, False, RETRIED, F, F, "DENY", RETRIED),
    "hang": ("timeout", False, False, RETRIED, F, F, "DENY", RETRIED),
    "reset": ("connection_error", False, False, RETRIED, F, F, "DENY", RETRIED),
    "close-mid-body": ("connection_error", False, False, RETRIED, F, F, "DENY", RETRIED),
    "redirect-301": ("redirect", False, False, ONCE, F, F, "DENY", ONCE),
    "redirect-302": ("redirect", False, False, ONCE, F, F, "DENY", ONCE),
    "redirect-307": ("redirect", False, False, ONCE, F, F, "DENY", ONCE),
    "status-400": ("http_error", False, False, ONCE, F, F, "DENY", ONCE),
    "status-401": ("http_error", False, False, ONCE, F, F, "DENY", ONCE),
    "status-500": ("http_error", False, False, RETRIED, F, F, "DENY", RETRIED),
    "status-503": ("http_error", False, False, RETRIED, F, F, "DENY", RETRIED),
    "html": ("ok", False, True, ONCE, F, F, "DENY", ONCE),
    "invalid-json": ("ok", False, True, ONCE, F, F, "DENY", ONCE),
    "non-utf8": ("ok", False, True, ONCE, F, F, "DENY", ONCE),
    "huge-body": ("too_large", False, False, ONCE, F, F, "DENY", ONCE),
    "empty": ("ok", False, True, ONCE, OK, OK, "ALLOW", ONCE),
    "wrong-verification": ("ok", False, True, ONCE, OK, OK, "ALLOW", ONCE),
    "verification-text": ("ok", False, True, ONCE, OK, OK, "ALLOW", ONCE),  # POSTs carry no challenge: empty
    "unknown-command": ("ok", False, True, ONCE, INV, INV, "DENY", ONCE),
    "wrong-shape": ("ok", False, True, ONCE, INV, INV, "DENY", ONCE),
    "huge-headers": ("connection_error", False, False, RETRIED, F, F, "DENY", RETRIED),
    "slow-loris": ("timeout", False, False, RETRIED, F, F, "DENY", RETRIED),
}


def test_every_behaviour_is_covered():
    assert set(MATRIX) == set(hostile.BEHAVIOURS) - {"ok"}


def assert_still_serving(emu, hook):
    """The same emulator still verifies and calls a well-behaved hook right after the hostile one."""
    assert emu.verify(f"{hook.url}/ok", timeout=2).verified
    ok = emu.call_inline("token", f"{hook.url}/ok", request=request("token.request.json"), timeout=2)
    assert ok.verdict == VERDICT_OK, ok.reason


WAIT_FOR_THE_BUDGET = ("hang", "sleep", "slow-loris")  # each waits out the timeout (twice, with the retry)


@pytest.mark.parametrize("behaviour", [pytest.param(b, marks=pytest.mark.slow) if b in WAIT_FOR_THE_BUDGET else b
                                       for b in sorted(MATRIX)])
def test_hostile_hook_gets_oktas_verdict(emu, hook, behaviour):
    transport, verified, accepted, ev_attempts, token_verdict, reg_verdict, action, reg_attempts = MATRIX[behaviour]
    url = f"{hook.url}/{behaviour}"
    started = time.monotonic()

    verification = emu.verify(url, timeout=BUDGET)
    assert verification.verified is verified
    assert verification.status == "UNVERIFIED"
    assert any(not c.passed for c in verification.checks)

    events = emu.send_events(url, "user.lifecycle.create", count=2, timeout=BUDGET)
    batch = events.batches[0]
    assert batch.accepted is accepted, batch.note
    assert batch.delivery.transport == transport
    assert len(batch.delivery.attempts) == ev_attempts
    assert [e["eventType"] for e in events.log_events] == ([] if accepted else ["event_hook.delivery"])

    token = emu.call_inline("token", url, request=request("token.request.json"), timeout=BUDGET)
    assert token.verdict == token_verdict, token.reason
    assert len(token.delivery.attempts) == 1  # the token hook is never retried
    assert token.outcome.tokens_issued and not token.outcome.modified  # fail open: Okta's unmodified tokens

    reg = emu.call_inline("registration", url, request=request("registration-ssr.request.json"), timeout=BUDGET)
    assert reg.verdict == reg_verdict, reg.reason
    assert reg.outcome.action == action  # fail closed
    assert len(reg.delivery.attempts) == reg_attempts

    tel = emu.call_inline("telephony", url, request=request("telephony.request.json"), timeout=BUDGET)
    assert tel.outcome.failover and tel.verdict != VERDICT_OK  # fail over to Okta's providers
    assert len(tel.delivery.attempts) == 1

    for result in (token, reg, tel):
        json.dumps(result.to_dict())
        assert "internal emulator error" not in result.reason
    # 5 calls (up to 8 attempts); an enforced per-attempt budget keeps the whole test short
    assert time.monotonic() - started < 8 * BUDGET + SLACK
    if behaviour.startswith("redirect"):
        assert hook.hits["/redirected-here"] == 0  # Location never followed
    assert_still_serving(emu, hook)


@pytest.mark.slow  # waits out three budgets
def test_timeouts_are_named_in_the_reason(emu, hook):
    for behaviour in ("sleep", "hang", "slow-loris"):
        result = emu.call_inline("saml", f"{hook.url}/{behaviour}", request=request("saml.request.filled.json"),
                                 timeout=BUDGET)
        assert result.timed_out and f"{BUDGET:g} s" in result.reason
        assert result.verdict == VERDICT_FAILED and not result.outcome.denied  # SAML fails open
        assert len(result.delivery.attempts) == 2  # SAML is retried once after a timeout


def test_huge_answers_are_cut_in_the_records(emu, hook):
    result = emu.call_inline("import", f"{hook.url}/huge-body", request=request("import.request.json"),
                             timeout=BUDGET)
    final = result.delivery.final
    assert final.transport == "too_large" and "256 KB" in final.error
    assert final.response is not None and final.response.truncated
    assert len(final.response.body) <= 64 * 1024
    assert result.outcome.action == "CREATE_USER"  # user import fails open


# -- through the server -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    handle = serve({"api_token": TOKEN, "policy": {"timeout": BUDGET}, "worker_interval": 0.02})
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server.url, headers={"Authorization": f"SSWS {TOKEN}"}, timeout=20) as client:
        yield client


def _inline_hook(api, uri: str, hook_type: str = "com.okta.user.pre-registration") -> dict:
    existing = api.get("/api/v1/inlineHooks").json()
    for old in existing:  # one ACTIVE hook per type for /_emulator/flows
        if old["status"] == "ACTIVE":
            api.post(f"/api/v1/inlineHooks/{old['id']}/lifecycle/deactivate")
    resp = api.post("/api/v1/inlineHooks", json={
        "name": f"hostile {len(existing)} {uri.rsplit('/', 1)[-1]}", "type": hook_type, "version": "1.0.0",
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": uri, "method": "POST"}}})
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("behaviour", ["reset", "slow-loris", "huge-body", "redirect-302", "status-503",
                                       "huge-headers", "non-utf8"])
def test_server_flow_survives_hostile_inline_hook(api, hook, behaviour):
    _inline_hook(api, f"{hook.url}/{behaviour}")
    resp = api.post("/_emulator/flows/registration", json={})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["verdict"] == VERDICT_FAILED and body["outcome"]["action"] == "DENY"
    assert body["transport"] == MATRIX[behaviour][0]
    recorded = api.get("/_emulator/deliveries", params={"kind": "registration", "limit": 1}).json()[0]
    assert recorded["verdict"] == VERDICT_FAILED and recorded["attempts"] == MATRIX[behaviour][7]
    # the server keeps serving: a well-behaved hook right after works
    _inline_hook(api, f"{hook.url}/ok")
    again = api.post("/_emulator/flows/registration", json={})
    assert again.status_code == 200 and again.json()["verdict"] == VERDICT_OK


@pytest.mark.slow  # end to end through servers or processes
def test_server_verify_refuses_hostile_event_hook(api, hook):
    for behaviour in ("hang", "wrong-verification", "verification-text", "redirect-301"):
        created = api.post("/api/v1/eventHooks", json={
            "name": f"hostile verify {behaviour}", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": f"{hook.url}/{behaviour}"}}}).json()
        resp = api.post(f"/api/v1/eventHooks/{created['id']}/lifecycle/verify")
        assert resp.status_code == 400 and resp.json()["errorCode"] == "E0000001", resp.text
        assert api.get(f"/api/v1/eventHooks/{created['id']}").json()["verificationStatus"] == "UNVERIFIED"
        api.post(f"/api/v1/eventHooks/{created['id']}/lifecycle/deactivate")
        assert api.delete(f"/api/v1/eventHooks/{created['id']}").status_code == 204
    assert hook.hits["/redirected-here"] == 0


def test_server_event_delivery_to_hostile_hook_is_recorded_as_failed(api, server, hook):
    created = api.post("/api/v1/eventHooks", json={
        "name": "hostile events", "events": {"type": "EVENT_TYPE", "items": ["group.lifecycle.create"]},
        "channel": {"type": "HTTP", "version": "1.0.0",
                    "config": {"uri": f"{hook.url}/verified/status-503"}}}).json()
    assert api.post(f"/api/v1/eventHooks/{created['id']}/lifecycle/verify").status_code == 200
    api.post("/_emulator/events", json={"eventType": "group.lifecycle.create", "count": 3})
    assert api.post("/_emulator/wait", json={"timeout": 10}).json()["idle"]
    records = api.get("/_emulator/deliveries", params={"hookId": created["id"], "kind": "event"}).json()
    assert len(records) == 1 and records[0]["verdict"] == VERDICT_FAILED and records[0]["attempts"] == 2
    failures = api.get("/api/v1/logs", params={"filter": 'eventType eq "event_hook.delivery"'}).json()
    assert any(created["id"] in json.dumps(e) for e in failures)
    api.post(f"/api/v1/eventHooks/{created['id']}/lifecycle/deactivate")
    assert api.get("/api/v1/eventHooks").status_code == 200
