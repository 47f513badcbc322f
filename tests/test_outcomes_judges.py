"""The judges enforce Okta's rules themselves (not only through the validator's problems): called directly with
``problems=[]``, each rule break still makes the answer invalid and the flow ends as on failure."""

from __future__ import annotations

import pytest

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator.keys import SigningKeys
from okta_hook_emulator.emulator.outcomes import (
    JudgeContext,
    password_import,
    registration,
    saml,
    telephony,
    token,
)
from okta_hook_emulator.emulator.outcomes import import_ as import_judge
from okta_hook_emulator.emulator.results import VERDICT_INVALID, VERDICT_OK
from tests.helpers.inline import load


def ctx() -> JudgeContext:
    return JudgeContext(keys=None, clock=FixedClock("2026-01-15T09:30:00.000Z"))


def ops(command: str, *items) -> dict:
    return {"commands": [{"type": command, "value": list(items)}]}


@pytest.mark.parametrize("body", [
    ops("com.okta.identity.patch", {"op": "add", "path": "/claims/sub", "value": "x"}),
    ops("com.okta.identity.patch", {"op": "replace", "path": "/claims/ghost", "value": "x"}),
    ops("com.okta.access.patch", {"op": "remove", "path": "/claims/firstName", "value": 1}),
    ops("com.okta.access.patch", {"op": "replace", "path": "/token/lifetime/expiration", "value": 100}),
    ops("com.okta.access.patch", {"op": "copy", "path": "/claims/x"}),
    ops("com.okta.assertion.patch", {"op": "add", "path": "/claims/x", "value": 1}),
    {"commands": [{"type": "com.okta.access.patch", "value": {"op": "add"}}]},
])
def test_token_judge_refuses_without_validator(body):
    request = load("token.request.json")
    judged = token.judge(request, body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID
    assert not judged.outcome.modified
    assert judged.outcome.access_token.claims["firstName"] == "Add-Min"
    assert judged.outcome.access_token.jwt is None  # no keys in this context: claims only


def test_token_judge_claims_include_iat_exp_from_the_clock():
    judged = token.judge(load("token.request.json"), None, True, [], ctx())
    claims = judged.outcome.id_token.claims
    assert claims["iat"] == 1768469400 and claims["exp"] == 1768469400 + 3600


def test_token_judge_mints_with_keys():
    keys = SigningKeys()
    c = JudgeContext(keys=keys, clock=FixedClock("2026-01-15T09:30:00.000Z"))
    judged = token.judge(load("token.request.json"), load("token.response.add-claims.json"), True, [], c)
    assert judged.verdict == VERDICT_OK
    decoded = keys.decode(judged.outcome.id_token.jwt, audience="customClientIdNative",
                          options={"verify_exp": False, "verify_iat": False})
    assert decoded["extPatientId"] == "1234"


@pytest.mark.parametrize("op", [
    {"op": "remove", "path": "/claims/array"},
    {"op": "replace", "path": "/claims/ghost/attributeValues/0/value", "value": "x"},
    {"op": "add", "path": "/claims/new", "value": "not an attribute statement"},
    {"op": "add", "path": "/authentication/sessionLifetime", "value": -5},
    {"op": "add", "path": "/claims/bad~2escape", "value": {"attributeValues": []}},
])
def test_saml_judge_refuses_without_validator(op):
    judged = saml.judge(load("saml.request.filled.json"), ops("com.okta.assertion.patch", op), True, [], ctx())
    assert judged.verdict == VERDICT_INVALID
    assert judged.outcome.assertion == load("saml.request.filled.json")["data"]["assertion"]


def test_registration_judge_refuses_pp_command_for_ssr():
    body = {"commands": [{"type": "com.okta.user.progressive.profile.update", "value": {"a": 1}}]}
    judged = registration.judge(load("registration-ssr.request.json"), body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID and judged.outcome.action == "DENY"


def test_registration_judge_refuses_password_in_profile():
    body = {"commands": [{"type": "com.okta.user.profile.update", "value": {"password": "hunter2"}}]}
    judged = registration.judge(load("registration-ssr.request.json"), body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID and "password" not in judged.outcome.profile


def test_import_judge_link_user_needs_id():
    body = {"commands": [{"type": "com.okta.action.update", "value": {"result": "LINK_USER"}}]}
    judged = import_judge.judge(load("import.request.json"), body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID and judged.outcome.action == "CREATE_USER"


def test_password_import_judge_bad_credential_value():
    body = {"commands": [{"type": "com.okta.action.update", "value": {"credential": "MAYBE"}}]}
    judged = password_import.judge(load("password-import.request.json"), body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID and not judged.outcome.sign_in_allowed


def test_telephony_judge_invalid_status():
    body = {"commands": [{"type": "com.okta.telephony.action", "value": [{"status": "SENT"}]}]}
    judged = telephony.judge(load("telephony.request.json"), body, True, [], ctx())
    assert judged.verdict == VERDICT_INVALID and judged.outcome.failover


@pytest.mark.parametrize("module", [token, saml, registration, import_judge, password_import, telephony])
def test_problems_from_the_validator_skip_the_answer(module):
    """Any validator problem alone makes the answer invalid, even if the judge would have applied it."""
    request = load({token: "token.request.json", saml: "saml.request.filled.json",
                    registration: "registration-ssr.request.json", import_judge: "import.request.json",
                    password_import: "password-import.request.json", telephony: "telephony.request.json"}[module])
    judged = module.judge(request, {"commands": []}, True, [{"path": "$", "rule": "schema", "message": "x"}], ctx())
    assert judged.verdict == VERDICT_INVALID and judged.outcome.summary
