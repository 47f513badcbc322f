"""One builder for System Log events (``Emulator.log_event``): an event type has one shape — actor type,
displayMessage, legacyEventType, target types, keys — whichever front end (server, Python facade, inline flow,
verification) writes it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from okta_hook_emulator import fidelity
from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.system_log import OWN_EVENT_TYPES
from okta_hook_emulator.errors import EmulatorUsageError
from tests.helpers.server import (
    answer_token_with_claim,
    answer_verification,
    event_hook_body,
    inline_hook_body,
)


def _shape(event: dict) -> tuple:
    return (event["eventType"], event["actor"]["type"], event["displayMessage"], event["legacyEventType"],
            [t["type"] for t in event["target"]], sorted(event))


def test_server_and_facade_build_the_same_shape(server: Any, api: httpx.Client, httpserver: Any) -> None:
    answer_verification(httpserver)
    answer_token_with_claim(httpserver)
    hook = api.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for("/hook"))).json()
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").status_code == 200
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/deactivate").status_code == 200
    inline = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token"))).json()
    with Emulator(seed=3, clock=FixedClock()) as emu:
        request = emu.payloads.inline_request("token")
        assert api.post(f"/api/v1/inlineHooks/{inline['id']}/execute", json=request).status_code == 200
        logged = {e["eventType"]: e for e in api.get("/api/v1/logs", params={"limit": 1000}).json()}
        types = ["event_hook.created", "event_hook.verified", "event_hook.deactivated", "inline_hook.created",
                 "inline_hook.response.processed"]
        assert set(types) <= set(logged)
        for event_type in types:
            assert _shape(logged[event_type]) == _shape(emu.log_event(event_type)), event_type
            assert _shape(logged[event_type]) == _shape(emu.log_event(event_type, deferred=True)()), event_type
        # the facade's own flows write the same shapes
        (verified,) = emu.verify(httpserver.url_for("/hook")).log_events
        assert _shape(verified) == _shape(logged["event_hook.verified"])
        flow = emu.call_inline("token", httpserver.url_for("/token"))
        processed = next(e for e in flow.log_events if e["eventType"] == "inline_hook.response.processed")
        assert _shape(processed) == _shape(logged["inline_hook.response.processed"])


@pytest.mark.parametrize("event_type", sorted(OWN_EVENT_TYPES))
def test_own_event_types_follow_the_recorded_actor_choice(event_type: str) -> None:
    with Emulator(seed=1, clock=FixedClock()) as emu:
        event = emu.log_event(event_type, outcome="FAILURE", debug_data={"url": "http://hook"})
        admins = {u.id for u in emu.payloads.org.admins}
    assert event["eventType"] == event_type and event["legacyEventType"] is None
    assert event["outcome"]["result"] == "FAILURE" and event["debugContext"]["debugData"]["url"] == "http://hook"
    if event_type in fidelity.HOOK_LOG_SYSTEM_ACTOR_TYPES:
        assert event["actor"]["type"] == "SystemPrincipal"
    else:  # an admin's Management API call
        assert event["actor"]["type"] == "User" and event["actor"]["id"] in admins
    family = {"event_hook": "EventHook", "inline_hook": "InlineHook", "system": "HookKey"}[event_type.split(".")[0]]
    assert [t["type"] for t in event["target"]] == [family]


def test_deferred_and_immediate_events_are_both_seeded() -> None:
    with Emulator(seed=2, clock=FixedClock()) as a, Emulator(seed=2, clock=FixedClock()) as b:
        build = a.log_event("event_hook.delivery", deferred=True)
        assert build() == b.log_event("event_hook.delivery", deferred=True)()
        assert build() == build() and build() is not build()
        assert a.log_event("event_hook.created") == b.log_event("event_hook.created")


def test_unknown_types_are_refused_with_a_suggestion() -> None:
    with Emulator(seed=0) as emu, pytest.raises(EmulatorUsageError, match="Did you mean 'event_hook.created'"):
        emu.log_event("event_hook.craeted")
