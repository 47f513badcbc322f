"""One name for an event delivery's verdict: ``EventDeliveryResult.verdict`` is ``ok`` / ``failed`` (the inline
verdict names), and the pytest plugin, in-process scenarios, ``--server`` scenarios and the server's delivery
records all report that same name for the same delivery."""

from __future__ import annotations

import httpx
import pytest

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.results import VERDICT_FAILED, VERDICT_OK
from okta_hook_emulator.emulator.transport import Target
from okta_hook_emulator.scenarios import load_text, run_scenario
from okta_hook_emulator.server.runner import serve
from tests.helpers.examples import sample_hook

SAMPLE = sample_hook()

EVENT_STEP = """\
version: 1
name: one-event
steps:
  - name: send
    action: events
    event_types: [user.lifecycle.create]
    expect:
      verdict: {verdict}
"""


def _app(misbehave: str | None) -> object:
    return SAMPLE.create_app(misbehave)


@pytest.mark.parametrize(("misbehave", "verdict"), [(None, VERDICT_OK), ("error", VERDICT_FAILED)])
def test_core_result_names_the_verdict(misbehave: str | None, verdict: str) -> None:
    with Emulator(seed=1) as emu:
        result = emu.send_events(Target.wsgi(_app(misbehave), "/hooks"), ["user.lifecycle.create"])
    assert result.verdict == verdict
    assert result.to_dict()["verdict"] == verdict
    assert result.delivered is (verdict == VERDICT_OK)


@pytest.fixture
def okta_hook_target(request: pytest.FixtureRequest) -> object:
    return _app(getattr(request, "param", None))


@pytest.mark.parametrize(("okta_hook_target", "verdict"), [(None, VERDICT_OK), ("error", VERDICT_FAILED)],
                         indirect=["okta_hook_target"])
def test_plugin_reports_the_core_verdict(okta, verdict: str) -> None:
    result = okta.send_events("user.lifecycle.create", path="/hooks")
    assert result.verdict == result.raw.verdict == verdict


@pytest.mark.parametrize(("misbehave", "verdict"), [(None, VERDICT_OK), ("error", VERDICT_FAILED)])
@pytest.mark.slow  # end to end through servers or processes
def test_scenarios_in_process_and_through_the_server_agree(misbehave: str | None, verdict: str) -> None:
    scenario = load_text(EVENT_STEP.format(verdict=verdict), source="one-event.yaml")
    hook_server, hook_thread, hook_url = SAMPLE.serve(_app(misbehave))
    handle = serve({"seed": 0})
    try:
        local = run_scenario(scenario, target=hook_url + "/hooks")
        remote = run_scenario(scenario, target=hook_url + "/hooks", server=handle.url, token=handle.token)
        records = httpx.get(handle.url + "/_emulator/deliveries", params={"kind": "event"},
                            headers={"Authorization": f"SSWS {handle.token}"}).json()
    finally:
        handle.stop()
        hook_server.shutdown()
        hook_thread.join(5)
    assert local.passed and remote.passed, [c.describe() for r in (local, remote) for c in r.steps[0].checks]
    assert local.steps[0].doc["verdict"] == remote.steps[0].doc["verdict"] == verdict
    assert remote.steps[0].doc["via"].startswith("server:")
    assert [r["verdict"] for r in records] == [verdict]


def test_delivered_is_still_accepted_as_the_event_verdict_ok() -> None:
    scenario = load_text(EVENT_STEP.format(verdict="delivered"), source="old.yaml")
    assert run_scenario(scenario, target=Target.wsgi(_app(None), "/hooks")).passed
    failed = run_scenario(scenario, target=Target.wsgi(_app("error"), "/hooks"))
    assert not failed.passed
    assert failed.steps[0].failures()[0].describe().startswith("verdict: expected 'delivered', got 'failed'")
