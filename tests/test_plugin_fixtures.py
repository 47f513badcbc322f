"""The plugin's fixtures, markers and driving methods, used the way a hook developer uses them (the plugin is
installed, so this module's tests get `okta` and friends directly), plus pytester runs for markers."""

from __future__ import annotations

import json

import httpx
import pytest
from werkzeug import Response

from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.generate import PayloadFactory
from okta_hook_emulator.pytest_plugin.hooks import OktaHooks

pytest_plugins = ["pytester"]


def echo_challenge(environ, start_response):
    """A WSGI event hook: verification echoes the challenge, deliveries get 204; anything else 404."""
    if environ["REQUEST_METHOD"] == "GET" and environ["PATH_INFO"] == "/events":
        body = json.dumps({"verification": environ["HTTP_X_OKTA_VERIFICATION_CHALLENGE"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/events":
        start_response("204 No Content", [])
        return [b""]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"nothing here"]


@pytest.fixture
def okta_hook_target():
    return echo_challenge


def test_path_picks_a_route_of_the_in_process_app(okta):
    okta.verify(path="/events").assert_verified()
    result = okta.verify(path="/elsewhere")
    assert result.verdict == "UNVERIFIED"
    with pytest.raises(AssertionError, match="assert_verified failed for event hook verification"):
        result.assert_verified()


def test_keyword_overrides_reach_the_payload(okta):
    result = okta.send_events("user.lifecycle.create", count=2, path="/events",
                              displayMessage="Hello", actor__displayName="Ann")
    result.assert_delivered(attempts=1)
    envelope = result.request
    assert envelope["eventType"] == "com.okta.event_hook"
    assert [(e["displayMessage"], e["actor"]["displayName"]) for e in envelope["data"]["events"]] == [
        ("Hello", "Ann"), ("Hello", "Ann")]
    assert result.attempts[0].request.method == "POST"


def test_inline_request_override_with_double_underscores(okta):
    result = okta.registration_hook(path="/events", data__userProfile__email="ann@example.com")
    assert result.request["data"]["userProfile"]["email"] == "ann@example.com"
    assert result.verdict == "ok"  # a 204 allows the registration unchanged
    result.assert_allowed()


def test_helpers_refuse_results_of_the_wrong_kind(okta):
    result = okta.verify(path="/events")
    with pytest.raises(EmulatorUsageError, match="assert_claim.. applies to InlineResult results"):
        result.assert_claim("sub")
    token = okta.token_hook(path="/events")
    with pytest.raises(EmulatorUsageError, match="applies to telephony inline hooks, not to a token hook"):
        token.assert_failover()
    with pytest.raises(EmulatorUsageError, match="must be 'id' or 'access'"):
        token.assert_claim("sub", token="refresh")


def test_unknown_verify_keyword_is_a_usage_error(okta):
    with pytest.raises(EmulatorUsageError, match="verify.. got unexpected keyword"):
        okta.verify(path="/events", colour="blue")


def test_url_target_and_path_replacement(httpserver):
    httpserver.expect_request("/hooks/v2", method="GET").respond_with_handler(
        lambda req: Response(json.dumps({"verification": req.headers["X-Okta-Verification-Challenge"]}),
                             content_type="application/json"))
    hooks = OktaHooks(httpserver.url_for("/old"), policy_overrides={"timeout": 1})
    try:
        hooks.verify(path="/hooks/v2").assert_verified().assert_responds_within(1)
        assert hooks.results[0].attempts[0].request.url == httpserver.url_for("/hooks/v2")
    finally:
        hooks.close()


def test_okta_payloads_is_the_seeded_factory(okta_payloads):
    fresh = PayloadFactory(0)
    assert okta_payloads.inline_request("token") == fresh.inline_request("token")
    assert okta_payloads.log_event("user.lifecycle.create") == fresh.log_event("user.lifecycle.create")


def test_run_scenario_passes_and_reports(okta):
    result = okta.run_scenario("event-hook-verification", path="/events")
    result.assert_ok()
    assert result.verdict == "passed"


def test_run_scenario_failure_shows_the_report(okta):
    result = okta.run_scenario("event-hook-verification", path="/nowhere")
    with pytest.raises(AssertionError) as info:
        result.assert_ok()
    text = str(info.value)
    assert "the scenario failed at step(s): verify" in text
    assert "Scenario report:" in text and "event-hook-verification" in text
    assert "verdict: expected 'VERIFIED', got 'UNVERIFIED'" in text


def test_okta_server_runs_on_loopback_port_zero(okta_server):
    assert okta_server.url.startswith("http://127.0.0.1:")
    assert not okta_server.url.endswith(":0")
    answer = httpx.get(okta_server.url + "/api/v1/eventHooks",
                       headers={"Authorization": f"SSWS {okta_server.token}", "Accept": "application/json"})
    assert answer.status_code == 200
    assert isinstance(answer.json(), list)


MARKER_SUITE = '''
import json
import pytest


def hook(environ, start_response):
    if environ["PATH_INFO"] == "/events":
        body = json.dumps({"verification": environ["HTTP_X_OKTA_VERIFICATION_CHALLENGE"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    start_response("404 Not Found", [])
    return [b""]


@pytest.fixture
def okta_hook_target(request):
    from okta_hook_emulator.emulator.transport import Target
    return Target.wsgi(hook, getattr(request, "param", "/events"))


@pytest.mark.okta_scenario("event-hook-verification")
def test_scenario_passes():
    pass


@pytest.mark.parametrize("okta_hook_target", ["/broken"], indirect=True)
@pytest.mark.okta_scenario("event-hook-verification")
def test_scenario_fails_with_report(okta_hook_target):
    pass


@pytest.mark.okta_scenario("no-such-scenario")
def test_unknown_scenario():
    pass


def test_payloads_same_each_test_a(okta_payloads):
    print("UUID", okta_payloads.log_event("user.lifecycle.create")["uuid"])


def test_payloads_same_each_test_b(okta_payloads):
    print("UUID", okta_payloads.log_event("user.lifecycle.create")["uuid"])
'''


@pytest.mark.slow
def test_okta_scenario_marker_and_per_test_reseeding(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_marker=MARKER_SUITE)
    result = pytester.runpytest_subprocess("-s", "--okta-hooks-seed=11")
    result.assert_outcomes(passed=3, failed=1, errors=1)
    out = result.stdout.str()
    assert "test_scenario_fails_with_report FAILED" in out or "FAILED test_marker.py::test_scenario_fails" in out
    assert "verdict: expected 'VERIFIED', got 'UNVERIFIED'" in out  # the scenario's report is the message
    assert "no-such-scenario" in out  # the unknown name is reported at setup
    uuids = [line.split("UUID ")[1][:36] for line in out.splitlines() if "UUID " in line]
    assert len(uuids) == 2 and uuids[0] == uuids[1]


def test_every_okta_fixture_draws_from_the_org_of_the_run_seed(okta, okta_payloads):
    assert okta.payloads.org == okta_payloads.org == PayloadFactory(0).org
    assert okta.payloads.new_id("00u") == PayloadFactory(0).new_id("00u")  # sequences start afresh per test


def test_user_keyword_names_one_person_in_the_request(okta):
    result = okta.registration_hook(path="/events", request_type="progressive.profile",
                                    user={"login": "ann@acme.test", "firstName": "Ann"})
    context_user = result.request["data"]["context"]["user"]
    assert context_user["profile"]["login"] == "ann@acme.test" and context_user["profile"]["firstName"] == "Ann"
    delivered = okta.send_events("user.session.start", path="/events", user="ann@acme.test").request
    assert delivered["data"]["events"][0]["actor"]["alternateId"] == "ann@acme.test"
