"""Multi-service scenarios (a top-level ``targets`` map and ``target:`` per step), in-process and through a
running server, and the checks that run before the first step: a bad option in a late step fails before any
step ran, naming the step (and its number) and the option; ``--server`` refuses what it cannot run up front."""

from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from flask import Flask, request
from werkzeug import Response

from okta_hook_emulator.commands.run import run
from okta_hook_emulator.emulator.transport import Target
from okta_hook_emulator.scenarios import ScenarioError, load_text, run_scenario
from tests.helpers.server import (
    AUTH,
    TOKEN,
    QuickStopHTTPServer,
    answer_token_with_claim,
    answer_verification,
)

TWO_SERVICES = """
version: 1
name: two-services
description: Events go to the events service, the token flow to the token service.
targets:
  events: null
  tokens: null
steps:
  - name: verify
    action: verify
    target: events
    expect: {verdict: VERIFIED}
  - name: created
    action: events
    target: events
    event_types: [user.lifecycle.create]
    count: 2
    expect: {verdict: ok, events: 2}
  - name: sign_in
    action: flow
    hook: token
    target: tokens
    expect:
      verdict: ok
      outcome:
        id_token.claims.extPatientId: P-1234
"""


def events_app(received: list[dict]) -> Flask:
    """An event hook service (WSGI): answers verification and records every delivered event."""
    app = Flask("events")

    @app.get("/events")
    def verify() -> dict:
        return {"verification": request.headers["X-Okta-Verification-Challenge"]}

    @app.post("/events")
    def deliver() -> tuple[str, int]:
        received.extend(request.get_json()["data"]["events"])
        return "", 204

    return app


def token_app(calls: list[str]) -> FastAPI:
    """A token inline hook service (ASGI)."""
    app = FastAPI()

    @app.post("/token")
    async def token() -> dict:
        calls.append("token")
        return {"commands": [{"type": "com.okta.identity.patch",
                              "value": [{"op": "add", "path": "/claims/extPatientId", "value": "P-1234"}]}]}

    return app


def test_two_target_scenario_passes_in_process():
    received: list[dict] = []
    calls: list[str] = []
    result = run_scenario(load_text(TWO_SERVICES), targets={"events": Target.wsgi(events_app(received), "/events"),
                                                            "tokens": Target.asgi(token_app(calls), "/token")})
    assert result.passed, [s.to_dict(include_doc=False) for s in result.steps]
    assert len(received) == 2 and calls == ["token"]
    assert [s.label for s in result.steps] == ["verify @events", "events user.lifecycle.create x2 @events",
                                               "flow token @tokens"]
    assert "events=in-process app" in result.target and "tokens=in-process app" in result.target


@pytest.fixture
def two_services():
    """Two hook services on loopback: events (verification + 204 for deliveries) and tokens (adds a claim)."""
    events, tokens = QuickStopHTTPServer(host="127.0.0.1", port=0), QuickStopHTTPServer(host="127.0.0.1", port=0)
    for service in (events, tokens):
        service.start()
    answer_verification(events, "/events")
    events.expect_request("/events", method="POST").respond_with_response(Response(status=204))
    answer_token_with_claim(tokens, "/token")
    yield events, tokens
    for service in (events, tokens):
        service.clear()
        service.stop()


def test_two_target_scenario_passes_with_server(tmp_path, server, two_services):
    events, tokens = two_services
    path = tmp_path / "two.yaml"
    path.write_text(TWO_SERVICES)
    res = CliRunner().invoke(run, [str(path), "--server", server.url, "--token", TOKEN,
                                   "--target", f"events={events.url_for('/events')}",
                                   "--target", f"tokens={tokens.url_for('/token')}"])
    assert res.exit_code == 0, res.output + res.stderr
    posts = [json.loads(r.data) for r, _ in events.log if r.method == "POST"]
    assert sum(len(body["data"]["events"]) for body in posts) == 2  # the events reached the events service
    assert [r.path for r, _ in tokens.log] == ["/token"]  # the token flow reached only the token service
    hooks = httpx.get(server.url + "/api/v1/eventHooks", headers=AUTH).json()
    assert [h["channel"]["config"]["uri"] for h in hooks] == [events.url_for("/events")]


def test_unknown_target_name_in_a_step_is_a_load_error():
    with pytest.raises(ScenarioError) as info:
        load_text(TWO_SERVICES.replace("target: tokens", "target: tokns"))
    text = str(info.value)
    assert "unknown target 'tokns'" in text and "Did you mean 'tokens'" in text and "(step 3)" in text


def test_a_named_target_without_a_url_fails_before_the_first_step():
    received: list[dict] = []
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(TWO_SERVICES), targets={"events": Target.wsgi(events_app(received), "/events")})
    assert "target 'tokens' has no URL" in str(info.value) and "(step 3)" in str(info.value)
    assert received == []  # nothing ran


def test_unknown_runtime_target_name_is_refused():
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(TWO_SERVICES), targets={"token": "http://127.0.0.1:9/token"})
    assert "no target named 'token'" in str(info.value) and "Did you mean 'tokens'" in str(info.value)


def test_cli_target_name_unknown_to_every_scenario_is_a_usage_error(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO_SERVICES)
    res = CliRunner().invoke(run, [str(path), "--target", "event=http://127.0.0.1:9/x"])
    assert res.exit_code == 2 and "no scenario names a target 'event'" in res.stderr


LATE_MISTAKES = """
version: 1
name: late-mistake
steps:
  - {name: s1, action: verify}
  - {name: s2, action: verify}
  - {name: s3, action: verify}
  - {name: s4, action: verify}
  - name: s5
    action: inline
    hook: token
"""


@pytest.mark.parametrize(("extra", "words"), [
    ("    policy: {timeout: -1}\n", ["policy", "timeout"]),
    ("    variant: id_tokn\n", ["unknown variant 'id_tokn'", "Did you mean 'id_token'"]),
    ("    overrides: {data.x: '${env:OKTA_HOOKS_TEST_UNSET}'}\n", ["OKTA_HOOKS_TEST_UNSET is not set"]),
    ("    target: 'http://[::1/x'\n", ["is not a valid URL", "target"]),
], ids=["policy", "variant", "env", "target-url"])
def test_a_bad_option_in_step_5_fails_before_step_1_runs(extra, words):
    received: list[dict] = []
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(LATE_MISTAKES + extra), target=Target.wsgi(events_app(received), "/events"), env={})
    text = str(info.value)
    assert "step 's5' (step 5)" in text and all(w in text for w in words), text
    assert received == []


EVENT_OPTIONS = """
version: 1
name: server-options
steps:
  - {name: verify, action: verify}
  - name: again
    action: events
    event_types: [user.lifecycle.create]
    duplicate: true
"""


def test_server_mode_refuses_options_it_cannot_run_before_any_step():
    # the server URL is never contacted: the refusal comes before the first step (port 9 refuses connections)
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(EVENT_OPTIONS), server="http://127.0.0.1:9", token="t")
    text = str(info.value)
    assert "step 'again' (step 2)" in text and "--server cannot express duplicate" in text
    assert "cannot reach" not in text


def test_server_mode_refuses_an_in_process_app_target_before_any_step():
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(TWO_SERVICES), server="http://127.0.0.1:9", token="t",
                     targets={"events": "http://127.0.0.1:9/events", "tokens": Target.asgi(token_app([]), "/t")})
    assert "step 'sign_in' (step 3)" in str(info.value) and "not an in-process app" in str(info.value)


@pytest.mark.parametrize("option", ["user: ann@example.com", "auth_header: {name: X-Secret, value: s}",
                                    "headers: {X-Env: ci}"])
def test_server_mode_refuses_inline_options_it_would_ignore(option):
    text = "version: 1\nname: opts\nsteps:\n  - {name: verify, action: verify}\n  - name: mint\n" \
           f"    action: inline\n    hook: token\n    {option}\n"
    with pytest.raises(ScenarioError) as info:
        run_scenario(load_text(text), server="http://127.0.0.1:9", token="t", target="http://127.0.0.1:9/hook")
    assert "step 'mint' (step 2)" in str(info.value) and "apply in-process only" in str(info.value)


def test_okta_run_scenario_takes_named_targets_as_apps(tmp_path):
    from okta_hook_emulator.pytest_plugin.hooks import OktaHooks

    path = tmp_path / "two.yaml"
    path.write_text(TWO_SERVICES)
    received: list[dict] = []
    with OktaHooks(None) as okta:
        okta.run_scenario(str(path), targets={"events": Target.wsgi(events_app(received), "/events"),
                                              "tokens": Target.asgi(token_app([]), "/token")}).assert_ok()
    assert len(received) == 2
