"""Answer warnings in the pytest plugin (`HookResult.warnings`, `assert_no_warnings`, the failure output) and in
scenario reports (text, JSON, JUnit)."""

from __future__ import annotations

import json

import pytest

from okta_hook_emulator.scenarios.reports import json_report, junit_report, progress_line, text_report
from okta_hook_emulator.scenarios.runner import PASSED, ScenarioResult, StepResult


def token_hook_with_extra_key(environ, start_response):
    """A token hook that answers no change plus a key Okta ignores."""
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"result": "SUCCESS", "commands": []}).encode()]


@pytest.fixture
def okta_hook_target():
    return token_hook_with_extra_key


def test_assert_no_warnings_fails_naming_the_key(okta):
    result = okta.token_hook()
    result.assert_ok().assert_no_problems()
    assert [w.rule for w in result.warnings] == ["unknown_key"]
    with pytest.raises(AssertionError, match=r"assert_no_warnings failed") as info:
        result.assert_no_warnings()
    assert "`result`" in str(info.value)


def test_failure_output_lists_the_warnings(okta):
    result = okta.token_hook()
    with pytest.raises(AssertionError) as info:
        result.assert_claim("no_such_claim")
    text = str(info.value)
    assert "Warnings:" in text and "unknown_key" in text


def _results() -> list[ScenarioResult]:
    doc = {"verdict": "ok", "warnings": [{"path": "$.result", "rule": "unknown_key", "severity": "warning",
                                          "message": "Okta ignores the key `result`."}]}
    step = StepResult("call", "inline", "token hook", PASSED, doc=doc, summary="ok")
    quiet = StepResult("again", "inline", "token hook", PASSED, doc={"verdict": "ok", "warnings": []}, summary="ok")
    return [ScenarioResult("s", "d", "s.yaml", 0, "t", "in-process", steps=[step, quiet])]


def test_scenario_reports_show_warnings_in_every_format():
    results = _results()
    text = text_report(results)
    assert "Warnings" in text and "$.result unknown_key: Okta ignores the key `result`." in text
    assert "unknown_key" in progress_line("s", results[0].steps[0])
    doc = json.loads(json_report(results, include_docs=False))
    assert [s["warnings"] for s in doc["scenarios"][0]["steps"]] == [
        ["$.result unknown_key: Okta ignores the key `result`."], []]
    assert "warning: $.result unknown_key" in junit_report(results)
    assert results[0].passed  # a warning never fails a step
