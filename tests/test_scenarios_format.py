"""Scenario format: broken files exit 2 naming file/step/path with did-you-mean; references; expectations; --set/--skip."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from okta_hook_emulator.commands.run import run
from okta_hook_emulator.matchers import satisfies as match
from okta_hook_emulator.scenarios import ScenarioError, load, load_text, run_scenario
from okta_hook_emulator.scenarios.expectations import evaluate
from okta_hook_emulator.scenarios.refs import Resolver
from tests.helpers.examples import sample_hook

SAMPLE = sample_hook()

GOOD = """\
version: 1
name: two-steps
steps:
  - name: create_user
    action: events
    event_types: [user.lifecycle.create]
  - name: notify
    action: inline
    hook: token
    overrides:
      data.context.user.profile.login: ${create_user:batches[0].envelope.data.events[0].uuid}@example.com
"""


def _run_file(tmp_path, text, *args):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path, CliRunner().invoke(run, [str(path), "--target", "http://127.0.0.1:9/hooks", *args])


@pytest.mark.parametrize("text, step, needle, hint", [
    (GOOD.replace("${create_user:", "${craete_user:"), "notify", "unknown step 'craete_user'",
     "Did you mean 'create_user'?"),
    (GOOD.replace("[user.lifecycle.create]", "[user.lifecycle.craete]"), "create_user", "user.lifecycle.craete",
     "Did you mean 'user.lifecycle.create'?"),
    (GOOD.replace("hook: token", "hook: tokne"), "notify", "Unknown hook kind 'tokne'", "Did you mean 'token'?"),
    (GOOD.replace("action: inline", "action: inlin"), "notify", "unknown action 'inlin'", "Did you mean 'inline'?"),
    (GOOD.replace("    overrides:", "    overides:"), "notify", "unknown step key 'overides'",
     "Did you mean 'overrides'?"),
    (GOOD + "    expect:\n      verdikt: ok\n", "notify", "unknown expectation 'verdikt'", "Did you mean 'verdict'?"),
    (GOOD + "    policy:\n      timout: 1\n", "notify", "unknown policy setting 'timout'", "Did you mean 'timeout'?"),
    (GOOD.replace("${create_user:", "${fake:emial}${create_user:"), "notify", "unknown generator 'emial'",
     "Did you mean 'email'?"),
])
def test_broken_scenario_exits_2_with_file_step_and_suggestion(tmp_path, text, step, needle, hint):
    path, res = _run_file(tmp_path, text)
    assert res.exit_code == 2, res.output
    assert f"scenario '{path}'" in res.stderr
    assert f"step '{step}'" in res.stderr
    assert "$.steps[" in res.stderr  # the JSON path
    assert needle in res.stderr and hint in res.stderr


def test_invalid_yaml_exits_2_with_file_and_line(tmp_path):
    path, res = _run_file(tmp_path, GOOD.replace("  - name: notify", "  - name: notify\n   bad: [unclosed"))
    assert res.exit_code == 2
    assert f"scenario '{path}'" in res.stderr and "invalid YAML" in res.stderr and "line " in res.stderr


def test_unsupported_version_and_unknown_builtin(tmp_path):
    _, res = _run_file(tmp_path, GOOD.replace("version: 1", "version: 3"))
    assert res.exit_code == 2 and "version 3 is not supported" in res.stderr
    res = CliRunner().invoke(run, ["token-add-claim", "--target", "http://127.0.0.1:9/"])
    assert res.exit_code == 2 and "Did you mean 'token-add-claims'?" in res.stderr


def test_reference_to_the_step_itself_is_rejected():
    text = GOOD.replace("${create_user:", "${notify:")
    with pytest.raises(ScenarioError) as err:
        load_text(text, source="x.yaml")
    assert err.value.step == "notify" and "refers to the step itself" in str(err.value)


def test_references_resolve_env_fake_steps_and_defaults():
    r = Resolver(seed=3, env={"HOOK": "http://127.0.0.1:1"})
    r.results["a"] = {"batches": [{"eventId": "e-1"}], "n": 5}
    assert r.resolve("${env:HOOK}/x") == "http://127.0.0.1:1/x"
    assert r.resolve("${env:MISSING|fallback}") == "fallback"
    assert r.resolve("${a:batches[0].eventId}") == "e-1"
    assert r.resolve("${a:batches.0.eventId}") == "e-1"
    assert r.resolve("${a:n}") == 5  # whole-string reference keeps its type
    assert r.resolve("n=${a:n}") == "n=5"
    assert r.resolve("${a:nope|d}") == "d"
    email = r.resolve("${fake:email}")
    assert email == Resolver(seed=3, env={}).resolve("${fake:email}") != Resolver(seed=4, env={}).resolve(
        "${fake:email}")
    with pytest.raises(KeyError, match="Did you mean 'batches'"):
        r.resolve("${a:batchs}")


def test_matchers():
    assert match({"matches": "^P-"}, "P-x") == (True, "")
    assert match({"gte": 2, "lt": 5}, 4)[0] and not match({"gte": 2, "lt": 5}, 5)[0]
    assert match({"len": 3}, [1, 2, 3])[0] and match({"in": [200, 204]}, 204)[0]
    assert not match(True, 1)[0]  # booleans are not numbers
    checks = evaluate("inline", {"verdict": "ok", "problems": [{"rule": "reserved_claim"}], "response": {
        "commands": [{"type": "com.okta.identity.patch"}]}, "outcome": {"a": {"b": 1}}},
        {"verdict": "error", "problems": {"contains": "reserved_claim"}, "commands": ["com.okta.access.patch"],
         "outcome": {"a.b": 1, "a.c": {"exists": False}}})
    assert [c.passed for c in checks] == [False, True, False, True, True]


def test_expectations_fail_against_a_hook_that_changes_nothing(tmp_path):
    from flask import Flask

    app = Flask("nothing")
    app.add_url_rule("/", "h", lambda: ("", 204), methods=["POST"])
    result = run_scenario(load("token-add-claims"), target=app)
    assert not result.passed
    names = {c.name for c in result.steps[0].failures()}
    assert {"status", "commands", "outcome.id_token.claims.extPatientId"} <= names


def test_set_and_skip(tmp_path):
    app = SAMPLE.create_app()
    sc = load("password-import")
    result = run_scenario(sc, target=app, skip=["wrong_password"],
                          sets=[("known_password", "overrides.data.context.credential.password", "nope")])
    assert [s.status for s in result.steps] == ["failed", "skipped"]
    assert result.steps[0].doc["outcome"]["credential"] == "UNVERIFIED"
    res = CliRunner().invoke(run, ["password-import", "--target", "http://127.0.0.1:9/", "--skip", "known_pasword"])
    assert res.exit_code == 2 and "Did you mean 'known_password'?" in res.stderr


def test_json_report_and_exit_1_on_failure(tmp_path):
    server, thread, url = SAMPLE.serve(SAMPLE.create_app())
    try:
        res = CliRunner().invoke(run, ["token-add-claims", "--target", url + "/hooks", "--report", "json", "--set",
                                       "sign_in.expect.outcome.id_token.claims.extPatientId=P-someone-else"])
    finally:
        server.shutdown()
        thread.join(5)
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    step = report["scenarios"][0]["steps"][0]
    failed = [c for c in step["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["outcome.id_token.claims.extPatientId"]
    assert failed[0]["actual"] == "P-isaac.brock"
    assert "FAIL sign_in" in res.stderr  # progress line


def test_a_step_may_name_its_user():
    text = GOOD.replace("  - name: notify", "  - name: notify\n    user: {login: ann@acme.test}", 1)
    loaded = load_text(text, source="x.yaml")
    assert loaded.steps[1].spec["user"] == {"login": "ann@acme.test"}
    with pytest.raises(ScenarioError, match="user"):
        load_text(text.replace("{login: ann@acme.test}", "{nickname: Annie}"), source="x.yaml")
