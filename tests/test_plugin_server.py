"""The ``okta_server`` fixture as a CI suite uses it: register an event hook (verified) and inline hooks through the
Management API, run server-mode scenarios against them, and start every test from a clean org."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from tests.helpers.server import answer_token_with_claim, answer_verification

pytest_plugins = ["pytester"]

SECRET = ("Authorization", "s3cr3t-for-ci")

FLOW = """
version: 1
name: ci-flow
steps:
  - name: verify
    action: verify
    expect: {verdict: VERIFIED}
  - name: created
    action: events
    event_types: [user.lifecycle.create]
    count: 2
    expect: {verdict: ok, events: 2}
  - name: sign_in
    action: flow
    hook: token
    expect:
      verdict: ok
      outcome:
        id_token.claims.extPatientId: P-1234
"""


@pytest.fixture
def hook_service(httpserver):
    """One hook service: event hook at /events (verification + 204), token inline hook at /token."""
    answer_verification(httpserver, "/events")
    httpserver.expect_request("/events", method="POST").respond_with_response(Response(status=204))
    answer_token_with_claim(httpserver, "/token")
    return httpserver


def test_registered_hooks_run_server_mode_scenarios(okta_server, hook_service, tmp_path):
    hooks = okta_server.register_hooks(hook_service.url_for("/events"), events=["user.lifecycle.create"],
                                       auth_header=SECRET, token=hook_service.url_for("/token"))
    assert hooks["event"]["verificationStatus"] == "VERIFIED" and hooks["token"]["status"] == "ACTIVE"
    path = tmp_path / "ci-flow.yaml"
    path.write_text(FLOW)
    result = okta_server.run_scenario(str(path))  # no target: the steps use the hooks registered above
    result.assert_ok()
    posts = [r for r, _ in hook_service.log if r.method == "POST"]
    assert {r.path for r in posts} == {"/events", "/token"}
    assert all(r.headers["Authorization"] == SECRET[1] for r in posts)  # the hooks' own auth scheme
    delivered = [e for r in posts if r.path == "/events" for e in json.loads(r.data)["data"]["events"]]
    assert len(delivered) == 2
    assert {d["kind"] for d in okta_server.deliveries()} >= {"verification", "event", "token"}


def test_trigger_reaches_the_registered_event_hook(okta_server, hook_service):
    okta_server.register_event_hook(hook_service.url_for("/events"), auth_header=SECRET)
    events = okta_server.trigger("user.lifecycle.create", count=3, actor__displayName="CI")
    okta_server.wait()
    delivered = [e for r, _ in hook_service.log if r.method == "POST"
                 for e in json.loads(r.data)["data"]["events"]]
    assert sorted(e["uuid"] for e in delivered) == sorted(e["uuid"] for e in events)
    assert {e["actor"]["displayName"] for e in delivered} == {"CI"}


def test_a_hook_that_fails_verification_fails_the_test_with_okta_reasons(okta_server, httpserver):
    httpserver.expect_request("/events", method="GET").respond_with_data("nope", status=403)
    with pytest.raises(AssertionError) as info:
        okta_server.register_event_hook(httpserver.url_for("/events"))
    assert "verifying the event hook" in str(info.value) and "Unable to verify" in str(info.value)


def test_reset_gives_a_clean_org(okta_server, hook_service):
    okta_server.register_event_hook(hook_service.url_for("/events"))
    okta_server.register_inline_hook("registration", hook_service.url_for("/registration"))
    okta_server.reset()
    assert okta_server.api.get("/api/v1/eventHooks").json() == []
    assert okta_server.api.get("/api/v1/inlineHooks").json() == []
    assert okta_server.deliveries() == []


def test_inline_registration_refuses_event_kinds(okta_server):
    from okta_hook_emulator.errors import EmulatorUsageError

    with pytest.raises(EmulatorUsageError, match="not an inline hook kind"):
        okta_server.register_inline_hook("event", "http://127.0.0.1:9/x")


PER_TEST_SUITE = '''
import pytest


def test_a_registers_a_hook(okta_server):
    okta_server.register_event_hook("http://127.0.0.1:9/events", verify=False)
    assert len(okta_server.api.get("/api/v1/eventHooks").json()) == 1


def test_b_starts_from_a_clean_org(okta_server):
    assert okta_server.api.get("/api/v1/eventHooks").json() == []


def test_c_the_server_is_the_same_for_the_session(okta_server, okta_server_session):
    assert okta_server is okta_server_session and okta_server.url.startswith("http://127.0.0.1:")


@pytest.fixture
def registered(okta_server):
    okta_server.register_event_hook("http://127.0.0.1:9/events", verify=False)


def test_d_hooks_a_function_fixture_registers_survive_the_reset(okta_server, registered):
    assert len(okta_server.api.get("/api/v1/eventHooks").json()) == 1


def test_e_the_session_server_alone_is_never_reset(okta_server_session):
    okta_server_session.register_event_hook("http://127.0.0.1:9/more-events", verify=False)


def test_f_so_its_hooks_remain(okta_server_session):
    assert len(okta_server_session.api.get("/api/v1/eventHooks").json()) == 2
'''


@pytest.mark.slow  # pytester subprocess
def test_okta_server_resets_the_org_for_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_per_test=PER_TEST_SUITE)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=6)


README_CONFTEST = '''
import json

import pytest
from werkzeug import Response


@pytest.fixture
def my_hook_url(httpserver):
    """A stand-in hook service: event hook at /events, token inline hook at /token."""
    httpserver.expect_request("/events", method="GET").respond_with_handler(lambda request: Response(
        json.dumps({"verification": request.headers["X-Okta-Verification-Challenge"]}),
        content_type="application/json"))
    httpserver.expect_request("/events", method="POST").respond_with_response(Response(status=204))
    httpserver.expect_request("/token", method="POST").respond_with_response(Response(status=204))
    return httpserver.url_for("")
'''


@pytest.mark.slow  # pytester subprocess
def test_readme_okta_server_example_passes(pytester: pytest.Pytester) -> None:
    import re

    from tests.helpers.readme import README

    m = re.search(r"<!-- okta-server-example -->\n```python\n(.*?)```", README.read_text(), re.S)
    assert m, "README okta_server example not found"
    pytester.makeconftest(README_CONFTEST)
    pytester.makepyfile(test_readme_server=m.group(1))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
