"""Invalid responses and requests, one (at least) per rule; every problem at once; junk never raises."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.fidelity import MAX_RESPONSE_BYTES
from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.payloads.validate import (
    RULES,
    Problem,
    response_size_problem,
    validate_request,
    validate_response,
    validate_response_text,
)

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"


def ex(name: str):
    return json.loads((EXAMPLES / name).read_text())


TOKEN_REQ = ex("token.request.json")
ID_ONLY_REQ = copy.deepcopy(TOKEN_REQ)
del ID_ONLY_REQ["data"]["access"]
SAML_REQ = ex("saml.request.filled.json")
SSR_REQ = ex("registration-ssr.request.json")
PP_REQ = ex("registration-pp.request.json")


def idp(*ops):
    return {"commands": [{"type": "com.okta.identity.patch", "value": list(ops)}]}


def acp(*ops):
    return {"commands": [{"type": "com.okta.access.patch", "value": list(ops)}]}


def saml(*ops):
    return {"commands": [{"type": "com.okta.assertion.patch", "value": list(ops)}]}


def cmd(ctype, value):
    return {"commands": [{"type": ctype, "value": value}]}


V0 = "$.commands[0].value[0]"

# (id, kind, body, request, [(path, rule), ...] exactly expected)
RESPONSE_CASES = [
    ("not-object", "token", ["commands"], None, [("$", "response_not_object")]),
    ("null-body", "saml", None, None, [("$", "response_not_object")]),
    ("commands-not-list", "token", {"commands": {"type": "com.okta.identity.patch"}}, None,
     [("$.commands", "commands_not_list")]),
    ("command-not-object", "registration", {"commands": ["com.okta.action.update"]}, None,
     [("$.commands[0]", "command_shape")]),
    ("command-without-value", "password-import", {"commands": [{"type": "com.okta.action.update"}]}, None,
     [("$.commands[0].value", "command_shape")]),
    ("unknown-command-token", "token", cmd("com.okta.assertion.patch", []), None,
     [("$.commands[0].type", "unknown_command")]),
    ("unknown-command-registration-typo", "registration", cmd("com.action.update", {"registration": "DENY"}), None,
     [("$.commands[0].type", "unknown_command")]),
    ("error-not-object", "telephony", {"error": [{"errorSummary": "x"}]}, None, [("$.error", "error_shape")]),
    ("error-summary-not-string", "saml", {"error": {"errorSummary": 42}}, None,
     [("$.error.errorSummary", "error_shape")]),
    ("error-causes-not-objects", "registration", {"error": {"errorCauses": ["bad email"]}}, None,
     [("$.error.errorCauses[0]", "error_shape")]),
    ("debug-context-not-object", "import", {"debugContext": "trace"}, None,
     [("$.debugContext", "debug_context_shape")]),
    ("patch-value-not-list", "token", cmd("com.okta.identity.patch", {"op": "add"}), None,
     [("$.commands[0].value", "patch_ops_not_list")]),
    ("patch-op-missing-path", "token", idp({"op": "add", "value": 1}), None, [(f"{V0}.path", "patch_op_shape")]),
    ("patch-op-not-object", "saml", saml("add /claims/x"), None, [(V0, "patch_op_shape")]),
    ("add-without-value", "token", idp({"op": "add", "path": "/claims/x"}), None,
     [(f"{V0}.value", "patch_value_required")]),
    ("token-move-op", "token", acp({"op": "move", "path": "/claims/x", "value": 1}), None,
     [(f"{V0}.op", "invalid_op")]),
    ("token-remove-lifetime", "token", acp({"op": "remove", "path": "/token/lifetime/expiration"}), None,
     [(f"{V0}.op", "invalid_op")]),
    ("token-bad-path", "token", idp({"op": "add", "path": "/extPatientId", "value": "1"}), None,
     [(f"{V0}.path", "invalid_path")]),
    ("saml-bad-path", "saml", saml({"op": "add", "path": "/assertion/x", "value": "1"}), None,
     [(f"{V0}.path", "invalid_path")]),
    ("reserved-claim-both", "token", acp({"op": "add", "path": "/claims/iss", "value": "x"}), None,
     [(f"{V0}.path", "reserved_claim")]),
    ("reserved-claim-id-only", "token", idp({"op": "replace", "path": "/claims/nonce", "value": "x"}), None,
     [(f"{V0}.path", "reserved_claim")]),
    ("reserved-claim-access-only", "token", acp({"op": "add", "path": "/claims/scp", "value": ["a"]}), None,
     [(f"{V0}.path", "reserved_claim")]),
    ("aud-in-id-token", "token", idp({"op": "replace", "path": "/claims/aud", "value": "x"}), None,
     [(f"{V0}.path", "aud_sub_access_only")]),
    ("lifetime-too-short", "token", idp({"op": "replace", "path": "/token/lifetime/expiration", "value": 299}),
     None, [(f"{V0}.value", "lifetime_range")]),
    ("lifetime-too-long", "token", acp({"op": "replace", "path": "/token/lifetime/expiration", "value": 86401}),
     None, [(f"{V0}.value", "lifetime_range")]),
    ("lifetime-not-number", "token", acp({"op": "replace", "path": "/token/lifetime/expiration", "value": "3600"}),
     None, [(f"{V0}.value", "lifetime_range")]),
    ("remove-with-value", "token", acp({"op": "remove", "path": "/claims/external_guid", "value": "x"}), None,
     [(f"{V0}.value", "remove_value_not_null")]),
    ("replace-missing-claim", "token", idp({"op": "replace", "path": "/claims/birthdate", "value": "x"}), TOKEN_REQ,
     [(f"{V0}.path", "claim_not_in_request")]),
    ("remove-missing-array-index", "token", acp({"op": "remove", "path": "/claims/firstName/3"}), TOKEN_REQ,
     [(f"{V0}.path", "claim_not_in_request")]),
    ("access-patch-without-access-token", "token",
     acp({"op": "add", "path": "/claims/x", "value": 1}), ID_ONLY_REQ,
     [("$.commands[0].type", "token_not_in_request")]),
    ("saml-remove", "saml", saml({"op": "remove", "path": "/claims/array", "value": None}), None,
     [(f"{V0}.op", "saml_no_remove")]),
    ("saml-copy", "saml", saml({"op": "copy", "path": "/claims/array", "value": None}), None,
     [(f"{V0}.op", "invalid_op")]),
    ("saml-session-lifetime", "saml", saml({"op": "add", "path": "/authentication/sessionLifetime", "value": "5m"}),
     None, [(f"{V0}.value", "saml_session_lifetime")]),
    ("saml-new-claim-shape", "saml", saml({"op": "add", "path": "/claims/newClaim", "value": "4321"}), None,
     [(f"{V0}.value", "saml_claim_value")]),
    ("saml-replace-missing", "saml",
     saml({"op": "replace", "path": "/claims/array/attributeValues/7/value", "value": "x"}), SAML_REQ,
     [(f"{V0}.path", "claim_not_in_request")]),
    ("registration-action-value", "registration", cmd("com.okta.action.update", {"registration": "REJECT"}), None,
     [("$.commands[0].value.registration", "registration_action_value")]),
    ("registration-action-key", "registration", cmd("com.okta.action.update", {"result": "DENY"}), None,
     [("$.commands[0].value.registration", "registration_action_value")]),
    ("profile-value-not-object", "registration", cmd("com.okta.user.profile.update", ["login", "x"]), None,
     [("$.commands[0].value", "profile_value_shape")]),
    ("profile-sets-password", "registration", cmd("com.okta.user.profile.update", {"password": "hunter2"}), None,
     [("$.commands[0].value", "profile_no_password")]),
    ("profile-update-in-progressive", "registration", cmd("com.okta.user.profile.update", {"login": "a@b.c"}),
     PP_REQ, [("$.commands[0].type", "profile_update_ssr_only")]),
    ("progressive-update-in-ssr", "registration",
     cmd("com.okta.user.progressive.profile.update", {"employeeNumber": "1"}), SSR_REQ,
     [("$.commands[0].type", "progressive_profile_update_pp_only")]),
    ("import-action-value", "import", cmd("com.okta.action.update", {"result": "MERGE_USER"}), None,
     [("$.commands[0].value.result", "import_action_value")]),
    ("import-app-profile-not-object", "import", cmd("com.okta.appUser.profile.update", "x"), None,
     [("$.commands[0].value", "profile_value_shape")]),
    ("user-update-without-id", "import",
     {"commands": [{"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
                   {"type": "com.okta.user.update", "value": {"id": ""}}]}, None,
     [("$.commands[0].value.result", "link_user_needs_user_update"), ("$.commands[1].value.id", "user_update_needs_id")]),
    ("link-user-alone", "import", cmd("com.okta.action.update", {"result": "LINK_USER"}), None,
     [("$.commands[0].value.result", "link_user_needs_user_update")]),
    ("password-credential-value", "password-import", cmd("com.okta.action.update", {"credential": "OK"}), None,
     [("$.commands[0].value.credential", "password_credential_value")]),
    ("password-credential-missing", "password-import", cmd("com.okta.action.update", {"registration": "ALLOW"}),
     None, [("$.commands[0].value.credential", "password_credential_value")]),
    ("telephony-value-object", "telephony", cmd("com.okta.telephony.action", {"status": "SUCCESSFUL"}), None,
     [("$.commands[0].value", "telephony_value_not_list")]),
    ("telephony-no-status", "telephony", cmd("com.okta.telephony.action", [{"provider": "VONAGE"}]), None,
     [("$.commands[0].value[0].status", "telephony_status_required")]),
    ("telephony-empty-value", "telephony", cmd("com.okta.telephony.action", []), None,
     [("$.commands[0].value", "telephony_status_required")]),
    ("telephony-bad-status", "telephony", cmd("com.okta.telephony.action", [{"status": "DELIVERED"}]), None,
     [("$.commands[0].value[0].status", "telephony_status_value")]),
    ("verification-missing", "event", {"challenge": "abc"}, None, [("$.verification", "verification_missing")]),
    ("verification-mismatch", "event", {"verification": "abd"}, "abc", [("$.verification", "verification_mismatch")]),
    ("too-large", "import", {"debugContext": {"blob": "x" * MAX_RESPONSE_BYTES}}, None, [("$", "response_too_large")]),
]

REQUEST_CASES = [
    ("inline-with-event-spelling", "token",
     lambda b: b.update(cloudEventsVersion=b.pop("cloudEventVersion")), TOKEN_REQ,
     [("$.cloudEventVersion", "envelope_field"), ("$.cloudEventsVersion", "cloud_event_version")]),
    ("wrong-event-type", "saml", lambda b: b.update(eventType="com.okta.oauth2.tokens.transform"), SAML_REQ,
     [("$.eventType", "event_type")]),
    ("unknown-request-type", "registration", lambda b: b.update(requestType="registration"), SSR_REQ,
     [("$.requestType", "request_type")]),
    ("bad-timestamp", "registration", lambda b: b.update(eventTime="25/04/2022"), PP_REQ,
     [("$.eventTime", "timestamp_format")]),
    ("token-without-tokens", "token", lambda b: (b["data"].pop("identity"), b["data"].pop("access")), TOKEN_REQ,
     [("$.data", "token_request_no_tokens")]),
    ("import-bad-app-status", "import", lambda b: b["data"]["context"]["application"].update(status="ON"),
     ex("import.request.json"), [("$.data.context.application.status", "schema")]),
]


@pytest.mark.parametrize(("kind", "body", "request_", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in RESPONSE_CASES])
def test_invalid_response_yields_the_named_rule(kind, body, request_, expected):
    problems = validate_response(kind, body, request=request_)
    assert [(p.path, p.rule) for p in problems] == expected
    assert all(p.message for p in problems)


@pytest.mark.parametrize(("kind", "mutate", "base", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in REQUEST_CASES])
def test_invalid_request_yields_the_named_rule(kind, mutate, base, expected):
    body = copy.deepcopy(base)
    assert validate_request(kind, body) == []
    mutate(body)
    assert [(p.path, p.rule) for p in validate_request(kind, body)] == expected


def test_every_rule_has_a_failing_example():
    exercised = {rule for case in RESPONSE_CASES for _, rule in case[-1]}
    exercised |= {rule for case in REQUEST_CASES for _, rule in case[-1]}
    exercised |= {"invalid_json"}  # test_raw_text_rules
    assert set(RULES) == exercised, set(RULES) ^ exercised
    assert len(RESPONSE_CASES) >= 25


def test_semantic_rules_need_the_request():
    body = idp({"op": "replace", "path": "/claims/birthdate", "value": "x"})
    assert validate_response("token", body) == []
    assert validate_response("registration", cmd("com.okta.user.profile.update", {"a": 1})) == []


def test_lifetime_bounds_are_inclusive_and_access_may_change_aud_sub():
    for value in (300, 86400):
        assert validate_response("token", acp({"op": "replace", "path": "/token/lifetime/expiration",
                                               "value": value})) == []
    assert validate_response("token", acp({"op": "replace", "path": "/claims/aud", "value": "api://x"},
                                          {"op": "replace", "path": "/claims/sub", "value": "x"}), TOKEN_REQ) == []


def test_every_problem_is_returned_at_once():
    body = {
        "commands": [
            {"type": "com.okta.identity.patch", "value": [
                {"op": "add", "path": "/claims/iat", "value": 1},
                {"op": "replace", "path": "/token/lifetime/expiration", "value": 10},
                {"op": "remove", "path": "/claims/email", "value": "x"},
            ]},
            {"type": "com.okta.telephony.action", "value": []},
            7,
        ],
        "error": "nope",
        "debugContext": [],
    }
    problems = validate_response("token", body, TOKEN_REQ)
    assert [(p.path, p.rule) for p in problems] == [
        ("$.commands[0].value[0].path", "reserved_claim"),
        ("$.commands[0].value[1].value", "lifetime_range"),
        ("$.commands[0].value[2].value", "remove_value_not_null"),
        ("$.commands[1].type", "unknown_command"),
        ("$.commands[2]", "command_shape"),
        ("$.debugContext", "debug_context_shape"),
        ("$.error", "error_shape"),
    ]


def test_size_limit_and_raw_text_rules():
    assert response_size_problem(MAX_RESPONSE_BYTES - 1) is None
    problem = response_size_problem(MAX_RESPONSE_BYTES)
    assert problem.rule == "response_too_large" and "must be less than 256 KB" in problem.message
    bad = validate_response_text("token", '{"commands": [}')
    assert [(p.path, p.rule) for p in bad] == [("$", "invalid_json")]
    assert bad[0].message.startswith("Could not deserialize inline hook response due to error at Line 1 Column")
    padded = '{"commands": []}' + " " * MAX_RESPONSE_BYTES
    assert [p.rule for p in validate_response_text("token", padded)] == ["response_too_large"]
    assert validate_response_text("token", b'{"commands": []}') == []


def test_problem_to_dict_and_kind_aliases():
    problem = validate_response("com.okta.telephony.provider", {"commands": 1})[0]
    assert problem.to_dict() == {"path": "$.commands", "rule": "commands_not_list", "message": problem.message}
    assert isinstance(problem, Problem)
    assert validate_response("password_import", {"commands": 1}) == validate_response("password-import",
                                                                                     {"commands": 1})
    with pytest.raises(EmulatorUsageError, match="Did you mean 'token'"):
        validate_response("tokn", {})


def test_odd_keys_get_bracketed_paths():
    body = saml({"op": "add", "path": "/claims/x", "value": {"attributeValues": [{"attributes": {"xsi:type": 1},
                                                                                  "value": "v"}]}})
    assert validate_response("saml", body) == []
    req = copy.deepcopy(SAML_REQ)
    req["data"]["assertion"]["claims"]["array"]["attributeValues"][0]["attributes"]["xsi:type"] = 5
    paths = [p.path for p in validate_request("saml", req)]
    assert paths == ['$.data.assertion.claims.array.attributeValues[0].attributes["xsi:type"]']


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)
OPS = st.fixed_dictionaries({}, optional={
    "op": st.sampled_from(["add", "replace", "remove", "move"]) | JSON,
    "path": st.sampled_from(["/claims/x", "/claims/sub", "/token/lifetime/expiration", "/claims/a/0",
                             "/authentication/sessionLifetime", "/claims/array/attributeValues/1/value",
                             "/claims/", "/"]) | JSON,
    "value": JSON,
})
ALL_COMMANDS = sorted({c for k in KINDS.values() for c in k.commands})
COMMANDS = st.lists(st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(ALL_COMMANDS) | JSON,
    "value": st.lists(OPS | JSON, max_size=3) | JSON
    | st.fixed_dictionaries({}, optional={"result": JSON, "registration": JSON, "credential": JSON, "id": JSON}),
}) | JSON, max_size=4)
BODIES = JSON | st.fixed_dictionaries({}, optional={"commands": COMMANDS, "error": JSON, "debugContext": JSON})
REQUESTS = JSON | st.sampled_from([TOKEN_REQ, ID_ONLY_REQ, SAML_REQ, SSR_REQ, PP_REQ]) | st.fixed_dictionaries(
    {}, optional={"requestType": JSON, "data": st.fixed_dictionaries({}, optional={
        "identity": JSON, "access": JSON, "assertion": JSON})})


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), body=BODIES, request_=REQUESTS)
def test_junk_never_raises(kind, body, request_):
    for problem in validate_response(kind, body, request=request_) + validate_request(kind, body):
        assert isinstance(problem, Problem)
        assert problem.rule in RULES
        assert problem.path.startswith("$")


def test_schemas_follow_fidelity_choices():
    from okta_hook_emulator import fidelity
    from okta_hook_emulator.payloads.validate import load_schema

    channel = load_schema("telephony_request.json")["properties"]["data"]["properties"]["messageProfile"]
    assert fidelity.TELEPHONY_VOICE_CHANNEL in channel["properties"]["deliveryChannel"]["enum"]


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), raw=st.binary(max_size=40) | st.text(max_size=40))
def test_raw_junk_never_raises(kind, raw):
    for problem in validate_response_text(kind, raw):
        assert problem.rule in RULES


def test_unhashable_command_type_is_a_problem_not_a_crash():
    """Found by hypothesis: a list as a command type must not raise (dict lookups need hashable keys)."""
    request = {"data": {"identity": {"claims": {}}}}
    problems = validate_response("token", {"error": None, "commands": [{"type": []}]}, request)
    assert problems


def test_a_given_raw_size_is_judged_instead_of_re_encoding_the_body():
    """Callers holding the raw answer pass its byte size; 256 KB or more is a problem whatever the parsed body."""
    assert validate_response("token", {}, size=100) == []
    (problem,) = validate_response("token", {}, size=MAX_RESPONSE_BYTES)
    assert problem.rule == "response_too_large"
