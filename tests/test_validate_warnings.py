"""Judging answers: `null` members Okta treats as absent, warnings (never verdicts) and messages without Python
values (payloads/validate.py, payloads/answer_warnings.py, the CLI `validate`, `InlineResult.warnings`)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from okta_hook_emulator.commands.validate import command as validate_command
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.payloads.generate import PayloadFactory
from okta_hook_emulator.payloads.validate import response_warnings, validate_response

ALLOW = {"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}


def rules(found):
    return [(p.path, p.rule) for p in found]


# ------------------------------------------------------------------------------------------ null as absent

@pytest.mark.parametrize("body", [
    {"commands": [ALLOW], "error": None},
    {"commands": [ALLOW], "debugContext": None},
    {"commands": None},
    {"error": {"errorSummary": None, "errorCauses": None}},
    {"error": {"errorSummary": "no", "errorCauses": [{"errorSummary": "bad", "reason": None, "locationType": None,
                                                      "location": None, "domain": None}]}},
])
def test_null_optional_members_are_absent(body):
    assert validate_response("registration", body) == []


def test_null_where_a_value_is_required_is_still_a_problem():
    assert ("$.commands[0].value", "registration_action_value") in rules(
        validate_response("registration", {"commands": [{"type": "com.okta.action.update", "value": None}]}))


def test_cli_accepts_error_null_on_success():
    body = json.dumps({"commands": [ALLOW], "error": None})
    result = CliRunner().invoke(validate_command, ["registration", "-"], input=body)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "valid"


def test_registration_hook_answering_error_null_allows_the_registration():
    def hook(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"commands": [ALLOW], "error": None}).encode()]

    with Emulator(seed=0) as emu:
        result = emu.call_inline("registration", hook)
    assert result.verdict == "ok", result.reason
    assert result.problems == [] and result.warnings == []


# ------------------------------------------------------------------------------------------ warnings

def test_unknown_top_level_key_is_a_warning_not_a_problem():
    body = {"result": "SUCCESS", "commands": []}
    assert validate_response("token", body) == []
    (warning,) = response_warnings("token", body)
    assert (warning.path, warning.rule, warning.severity) == ("$.result", "unknown_key", "warning")
    assert "`result`" in warning.message
    assert warning.to_dict()["severity"] == "warning"
    assert str(warning).startswith("$.result: warning [unknown_key]")


def test_cli_prints_the_warning_and_exits_0():
    result = CliRunner().invoke(validate_command, ["token", "-"], input='{"result":"SUCCESS","commands":[]}')
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "valid"
    assert "warning [unknown_key]" in lines[1] and "`result`" in lines[1]


def test_cli_json_lists_problems_then_warnings():
    body = json.dumps({"result": "SUCCESS", "commands": [{"type": "com.okta.identity.patch", "value": 1}]})
    result = CliRunner().invoke(validate_command, ["token", "-", "--json"], input=body)
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert [i.get("severity", "error") for i in items] == ["error", "warning"]


def test_unknown_key_inside_a_command_is_a_warning():
    body = {"commands": [{"type": "com.okta.access.patch", "value": [], "op": "add"}]}
    assert validate_response("token", body) == []
    assert rules(response_warnings("token", body)) == [("$.commands[0].op", "unknown_command_key")]


def _import_request(variant):
    return PayloadFactory(0).inline_request("import", variant=variant)


@pytest.mark.parametrize("variant", ["conflict", "match"])
def test_import_create_user_despite_conflict_or_match_warns(variant):
    body = {"commands": [{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}}]}
    request = _import_request(variant)
    assert validate_response("import", body, request) == []
    assert rules(response_warnings("import", body, request)) == [
        ("$.commands[0].value.result", "create_user_despite_match")]
    assert response_warnings("import", body, _import_request("plain")) == []


def test_import_link_user_to_an_unmatched_id_warns():
    request = _import_request("match")
    matched = request["data"]["context"]["matches"][0]

    def body(user_id):
        return {"commands": [{"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
                             {"type": "com.okta.user.update", "value": {"id": user_id}}]}

    assert response_warnings("import", body(matched), request) == []
    (warning,) = response_warnings("import", body("00u0000000000000000x"), request)
    assert (warning.path, warning.rule) == ("$.commands[1].value.id", "link_user_not_matched")
    assert matched in warning.message


def test_profile_value_of_the_wrong_type_warns():
    request = PayloadFactory(0).inline_request("registration")
    body = {"commands": [{"type": "com.okta.user.profile.update",
                          "value": {"firstName": 42, "lastName": None, "favouriteNumber": 7}}]}
    assert validate_response("registration", body, request) == []
    assert rules(response_warnings("registration", body, request)) == [
        ("$.commands[0].value.firstName", "profile_value_type")]
    request["data"]["userProfile"]["favouriteNumber"] = "seven"
    assert ("$.commands[0].value.favouriteNumber", "profile_value_type") in rules(
        response_warnings("registration", body, request))


@pytest.mark.parametrize("body", [None, [], 3, "x", {"commands": 5}, {"commands": [None, 1, {"type": None}]}])
def test_warnings_never_raise(body):
    for kind in ("token", "saml", "registration", "import", "password-import", "telephony", "event"):
        response_warnings(kind, body, {"data": {"context": {"matches": None}}})


def test_inline_result_carries_warnings_separately_from_problems():
    def hook(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"result": "SUCCESS", "commands": []}']

    with Emulator(seed=0) as emu:
        result = emu.call_inline("token", hook)
    assert result.verdict == "ok"
    assert result.problems == []
    assert rules(result.warnings) == [("$.result", "unknown_key")]
    assert result.to_dict()["warnings"][0]["severity"] == "warning"


# ------------------------------------------------------------------------------------------ messages

PYTHON_VALUE = re.compile(r"\bNone\b|'[^']*' is|\bTrue\b|\bFalse\b")


@pytest.mark.parametrize("kind, body", [
    ("registration", {"commands": [{"value": {"registration": "ALLOW"}}]}),
    ("import", {"commands": [{"type": None, "value": {}}]}),
    ("token", {"commands": [{"type": None, "value": []}]}),
    ("telephony", {"commands": [{"type": "com.okta.telephony.action", "value": [{"status": None}]}]}),
    ("registration", {"commands": [{"type": "com.okta.action.update", "value": {"registration": None}}],
                      "error": 5}),
])
def test_messages_never_show_python_values(kind, body):
    def hook(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    with Emulator(seed=0) as emu:
        result = emu.call_inline(kind, hook)
    texts = [result.reason, *(p.message for p in result.problems), *(c.reason for c in result.commands),
             *(c.type for c in result.commands)]
    assert result.problems
    for text in texts:
        assert not PYTHON_VALUE.search(text), text


def test_a_command_without_type_is_worded_so():
    def hook(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"commands": [{"value": {"result": "CREATE_USER"}}]}']

    with Emulator(seed=0) as emu:
        result = emu.call_inline("import", hook)
    assert "a command has no `type`" in result.commands[0].reason
    assert result.commands[0].type == "null"
