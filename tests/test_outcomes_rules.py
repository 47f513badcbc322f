"""Okta's rules for applying inline answers (docs/okta-behaviour.md#inline-hook-kinds), one behaviour per
test, over real HTTP: token patch rules and minted JWTs, SAML pointers, registration / import / password
import / telephony commands."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import jwt
import pytest

from okta_hook_emulator.emulator.keys import SigningKeys
from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK
from tests.helpers.inline import load

SAML_NS = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}


@pytest.fixture
def run(emu, hook_server):
    """run(kind, answer, request, status=200) -> InlineResult, the answer served at /hook over HTTP."""

    def call(kind: str, body, request: dict, status: int = 200):
        hook_server.clear()
        hook_server.expect_request("/hook", method="POST").respond_with_json(body, status=status)
        return emu.call_inline(kind, hook_server.url_for("/hook"), request=request, timeout=1.0)

    return call


def patch(*commands) -> dict:
    return {"commands": [{"type": t, "value": list(ops)} for t, ops in commands]}


ID, AT = "com.okta.identity.patch", "com.okta.access.patch"


def token_request(**access_claims) -> dict:
    request = load("token.request.json")
    request["data"]["access"]["claims"].update(access_claims)
    return request


# -- token -------------------------------------------------------------------------------------------------------

def test_one_bad_op_skips_the_whole_token_hook(run):
    body = patch((ID, [{"op": "add", "path": "/claims/extPatientId", "value": "1234"}]),
                 (AT, [{"op": "add", "path": "/claims/good", "value": 1},
                       {"op": "replace", "path": "/claims/not_there", "value": 2}]))
    result = run("token", body, token_request())
    assert result.verdict == VERDICT_INVALID
    out = result.outcome
    assert out.tokens_issued and not out.modified
    assert "extPatientId" not in out.id_token.claims and "good" not in out.access_token.claims
    assert [c.applied for c in result.commands] == [False, False, False]
    refused = [c for c in result.commands if "not_there" in c.reason]
    assert len(refused) == 1 and "cannot be replaced" in refused[0].reason
    assert "skipped" in result.commands[0].reason


@pytest.mark.parametrize(("command", "claim"), [(ID, "sub"), (ID, "aud"), (ID, "amr"), (ID, "nonce"), (ID, "iss"),
                                                (AT, "scp"), (AT, "iat"), (AT, "uid"), (AT, "jti"), (AT, "cid")])
def test_reserved_claims_are_refused(run, command, claim):
    result = run("token", patch((command, [{"op": "add", "path": f"/claims/{claim}", "value": "x"}])),
                 token_request())
    assert result.verdict == VERDICT_INVALID
    assert not result.outcome.modified
    assert "reserved claim" in result.commands[0].reason


@pytest.mark.parametrize("claim", ["aud", "sub"])
def test_aud_and_sub_can_be_changed_in_access_tokens(run, claim):
    result = run("token", patch((AT, [{"op": "replace", "path": f"/claims/{claim}", "value": "changed"}])),
                 token_request())
    assert result.verdict == VERDICT_OK, result.reason
    assert result.outcome.access_token.claims[claim] == "changed"


@pytest.mark.parametrize(("seconds", "ok"), [(299, False), (300, True), (86400, True), (86401, False),
                                             ("3600", False)])
def test_lifetime_range(run, seconds, ok):
    result = run("token", patch((AT, [{"op": "replace", "path": "/token/lifetime/expiration", "value": seconds}])),
                 token_request())
    assert (result.verdict == VERDICT_OK) is ok, result.reason
    assert result.outcome.access_token.lifetime == (seconds if ok else 3600)


def test_add_on_existing_claim_replaces_it(run):
    result = run("token", patch((ID, [{"op": "add", "path": "/claims/name", "value": "New Name"}])), token_request())
    assert result.verdict == VERDICT_OK
    assert result.outcome.id_token.claims["name"] == "New Name"


def test_array_index_append_and_sub_paths(run):
    request = token_request(preferred_airports=["SFO", "LAX"], employee_profile={"employee_id": "1"})
    body = patch((AT, [{"op": "add", "path": "/claims/preferred_airports/-", "value": "JFK"},
                       {"op": "replace", "path": "/claims/preferred_airports/0", "value": "OAK"},
                       {"op": "add", "path": "/claims/preferred_airports/1", "value": "SJC"},
                       {"op": "add", "path": "/claims/employee_profile/department_id", "value": "4000"},
                       {"op": "remove", "path": "/claims/employee_profile/employee_id"}]))
    result = run("token", body, request)
    assert result.verdict == VERDICT_OK, result.reason
    claims = result.outcome.access_token.claims
    assert claims["preferred_airports"] == ["OAK", "SJC", "LAX", "JFK"]
    assert claims["employee_profile"] == {"department_id": "4000"}
    assert all(c.applied for c in result.commands)


@pytest.mark.parametrize("op", [
    {"op": "replace", "path": "/claims/preferred_airports/5", "value": "X"},  # element that doesn't exist
    {"op": "add", "path": "/claims/preferred_airports/7", "value": "X"},  # invalid index
    {"op": "remove", "path": "/claims/firstName", "value": "not null"},  # remove value must be null
    {"op": "remove", "path": "/claims/missing"},  # claim that doesn't exist
    {"op": "move", "path": "/claims/firstName", "from": "/claims/sub"},  # invalid operation
    {"op": "add", "path": "/profile/firstName", "value": "x"},  # not /claims/ or the lifetime
    {"op": "remove", "path": "/token/lifetime/expiration"},
])
def test_invalid_ops_skip_the_hook(run, op):
    result = run("token", patch((AT, [op])), token_request(preferred_airports=["SFO"]))
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.access_token.claims["firstName"] == "Add-Min"
    assert result.outcome.tokens_issued and not result.outcome.modified


def test_patch_for_a_token_that_was_not_requested(run):
    request = token_request()
    del request["data"]["access"]
    result = run("token", patch((AT, [{"op": "add", "path": "/claims/x", "value": 1}])), request)
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.access_token is None and result.outcome.id_token is not None
    assert "no access token was requested" in result.reason


def test_minted_jwt_verifies_against_jwks_and_carries_patched_claims(emu, run):
    result = run("token", patch((AT, [{"op": "add", "path": "/claims/groups_custom", "value": ["a", "b"]}])),
                 token_request())
    token = result.outcome.access_token.jwt
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == emu.keys.kid
    jwks = jwt.PyJWKSet.from_dict(emu.keys.jwks())
    claims = jwt.decode(token, jwks[header["kid"]].key, algorithms=["RS256"], audience="api://default")
    assert claims["groups_custom"] == ["a", "b"]
    assert claims == result.outcome.access_token.claims
    # a token signed by another emulator's key does not verify against this JWKS
    other = SigningKeys().mint(claims)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(other, jwks[header["kid"]].key, algorithms=["RS256"], audience="api://default")
    assert SigningKeys().kid != emu.keys.kid


def test_unmodified_tokens_are_still_real_jwts(emu, run):
    result = run("token", {"oops": True}, token_request(), status=503)
    assert result.verdict == VERDICT_FAILED
    decoded = emu.keys.decode(result.outcome.id_token.jwt, audience="customClientIdNative")
    assert decoded["sub"] == "00uq8tMo3zV0OfJON0g3"


def test_jwks_shape():
    keys = SigningKeys()
    jwk = keys.jwks()["keys"][0]
    assert {k: jwk[k] for k in ("kty", "alg", "use", "e")} == {"kty": "RSA", "alg": "RS256", "use": "sig",
                                                                  "e": "AQAB"}
    assert jwk["kid"] == keys.kid and len(jwk["n"]) > 300


# -- SAML --------------------------------------------------------------------------------------------------------

SAML_PATCH = "com.okta.assertion.patch"
URI_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/foo"


def test_saml_pointer_escaping_for_uri_claim_names(run):
    """docs/okta-behaviour.md#saml-assertion-hook: URI claim names are JSON-Pointer escaped (~1 for '/',
    ~0 for '~')."""
    value = {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"},
             "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "bar"}]}
    request = load("saml.request.filled.json")
    request["data"]["assertion"]["claims"][URI_CLAIM] = copy.deepcopy(value)
    new_claim = "urn:x~tilde/claim"
    body = patch((SAML_PATCH, [
        {"op": "replace", "path": f"/claims/{URI_CLAIM.replace('/', '~1')}/attributeValues/0/value", "value": "baz"},
        {"op": "add", "path": "/claims/urn:x~0tilde~1claim", "value": value}]))
    result = run("saml", body, request)
    assert result.verdict == VERDICT_OK, result.reason
    claims = result.outcome.assertion["claims"]
    assert claims[URI_CLAIM]["attributeValues"][0]["value"] == "baz"
    assert claims[new_claim]["attributeValues"][0]["value"] == "bar"
    root = ET.fromstring(result.outcome.assertion_xml)
    names = {a.get("Name"): a for a in root.iter("{urn:oasis:names:tc:SAML:2.0:assertion}Attribute")}
    assert names[URI_CLAIM].find("saml:AttributeValue", SAML_NS).text == "baz"
    assert names[new_claim].get("NameFormat") == "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


@pytest.mark.parametrize("op", [
    {"op": "remove", "path": "/claims/array"},  # SAML has no remove
    {"op": "replace", "path": "/claims/nope/attributeValues/0/value", "value": "x"},  # doesn't exist
    {"op": "replace", "path": "/lifetime/expiration", "value": 600},  # not a patchable root
])
def test_saml_bad_op_keeps_the_original_assertion(run, op):
    body = patch((SAML_PATCH, [{"op": "replace", "path": "/subject/nameId", "value": "changed@example.com"}, op]))
    result = run("saml", body, load("saml.request.filled.json"))
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.assertion["subject"]["nameId"] == "administrator1@example.com"
    assert not result.outcome.denied and not result.outcome.modified
    assert "administrator1@example.com" in result.outcome.assertion_xml


def test_saml_conditions_and_subject(run):
    body = patch((SAML_PATCH, [{"op": "replace", "path": "/conditions/audienceRestriction/0", "value": "urn:sp:2"},
                               {"op": "replace", "path": "/subject/nameId", "value": "n@example.com"}]))
    result = run("saml", body, load("saml.request.filled.json"))
    root = ET.fromstring(result.outcome.assertion_xml)
    assert root.find("saml:Conditions/saml:AudienceRestriction/saml:Audience", SAML_NS).text == "urn:sp:2"
    assert root.find("saml:Subject/saml:NameID", SAML_NS).text == "n@example.com"


def test_saml_error_denies_with_summary(run):
    result = run("saml", {"error": {"errorSummary": "Not allowed for this app"}}, load("saml.request.filled.json"))
    assert result.verdict == VERDICT_ERROR
    assert result.outcome.denied and result.outcome.error_message == "Not allowed for this app"


# -- registration ------------------------------------------------------------------------------------------------

ACTION, PROFILE, PP = "com.okta.action.update", "com.okta.user.profile.update", "com.okta.user.progressive.profile.update"


def cmds(*pairs) -> dict:
    return {"commands": [{"type": t, "value": v} for t, v in pairs]}


@pytest.mark.parametrize(("request_name", "message"), [("registration-ssr.request.json", "Registration denied."),
                                                       ("registration-pp.request.json", "Profile update denied.")])
def test_deny_without_error(run, request_name, message):
    result = run("registration", cmds((ACTION, {"registration": "DENY"})), load(request_name))
    assert result.verdict == VERDICT_OK
    assert result.outcome.action == "DENY" and result.outcome.end_user_message == message
    assert not [e for e in result.log_events if e["eventType"] in ("user.lifecycle.create",
                                                                    "user.account.update_profile")]


def test_error_without_causes_on_pp(run):
    result = run("registration", {"error": {"errorSummary": "nope"}, **cmds((ACTION, {"registration": "DENY"}))},
                 load("registration-pp.request.json"))
    assert result.outcome.end_user_message == "We found some errors. Please review the form and make corrections."


def test_profile_updates_apply_in_order(run):
    body = cmds((PROFILE, {"firstName": "A", "lastName": "B"}), (ACTION, {"registration": "ALLOW"}),
                (PROFILE, {"firstName": "C"}))
    result = run("registration", body, load("registration-ssr.request.json"))
    assert result.verdict == VERDICT_OK
    assert result.outcome.profile["firstName"] == "C" and result.outcome.profile["lastName"] == "B"
    created = [e for e in result.log_events if e["eventType"] == "user.lifecycle.create"]
    assert len(created) == 1 and created[0]["target"][0]["alternateId"] == "rosario.jones@example.com"


@pytest.mark.parametrize(("request_name", "command"), [("registration-ssr.request.json", PP),
                                                       ("registration-pp.request.json", PROFILE)])
def test_command_not_fitting_request_type_is_refused(run, request_name, command):
    result = run("registration", cmds((command, {"employeeNumber": "9"})), load(request_name))
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.action == "DENY"  # fails closed
    assert "employeeNumber" not in result.outcome.profile or result.outcome.profile["employeeNumber"] == "1234"


# -- user import -------------------------------------------------------------------------------------------------

APP_USER, USER_PROFILE, USER_UPDATE = ("com.okta.appUser.profile.update", "com.okta.user.profile.update",
                                       "com.okta.user.update")


def test_import_link_user(run):
    body = cmds((ACTION, {"result": "LINK_USER"}), (USER_UPDATE, {"id": "00uabc123def456ghi78"}))
    result = run("import", body, load("import.request.json"))
    assert result.verdict == VERDICT_OK, result.reason
    assert result.outcome.action == "LINK_USER" and result.outcome.linked_user_id == "00uabc123def456ghi78"
    assert "user.lifecycle.create" not in [e["eventType"] for e in result.log_events]


def test_import_link_user_without_id_is_invalid(run):
    result = run("import", cmds((ACTION, {"result": "LINK_USER"})), load("import.request.json"))
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.action == "CREATE_USER" and result.outcome.linked_user_id is None


def test_import_profile_updates(run):
    body = cmds((APP_USER, {"accountType": "FREE"}), (USER_PROFILE, {"firstName": "Sally", "city": "Paris"}))
    result = run("import", body, load("import.request.json"))
    out = result.outcome
    assert result.verdict == VERDICT_OK and out.action == "CREATE_USER"
    assert out.app_user_profile["accountType"] == "FREE" and out.user_profile["firstName"] == "Sally"
    assert out.user_profile["city"] == "Paris" and out.user_profile["lastName"] == "Admin2"
    assert "user.lifecycle.create" in [e["eventType"] for e in result.log_events]


def test_import_empty_object_and_error(run):
    assert run("import", {}, load("import.request.json")).outcome.action == "CREATE_USER"
    result = run("import", {"error": {"errorSummary": "bad row"}}, load("import.request.json"))
    assert result.verdict == VERDICT_ERROR
    assert result.outcome.error_logged == "bad row" and result.outcome.action == "CREATE_USER"


# -- password import ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("credential", "allowed"), [("VERIFIED", True), ("UNVERIFIED", False)])
def test_password_import(run, credential, allowed):
    result = run("password-import", cmds((ACTION, {"credential": credential})), load("password-import.request.json"))
    assert result.verdict == VERDICT_OK
    out = result.outcome
    assert out.credential == credential and out.sign_in_allowed is allowed and out.credential_stored is allowed
    logged = [e for e in result.log_events if e["eventType"] == "user.import.password"]
    assert len(logged) == 1 and logged[0]["outcome"]["result"] == ("SUCCESS" if allowed else "FAILURE")


def test_password_import_error_means_unverified(run):
    body = {"error": {"errorSummary": "x"}, **cmds((ACTION, {"credential": "VERIFIED"}))}
    result = run("password-import", body, load("password-import.request.json"))
    assert result.verdict == VERDICT_ERROR and not result.outcome.sign_in_allowed


# -- telephony ---------------------------------------------------------------------------------------------------

TEL = "com.okta.telephony.action"


@pytest.mark.parametrize(("status", "failover"), [("SUCCESSFUL", False), ("PENDING", False), ("FAILED", True)])
def test_telephony_statuses(run, status, failover):
    body = cmds((TEL, [{"status": status, "provider": "TWILIO", "transactionId": "SM1"}]))
    result = run("telephony", body, load("telephony.request.json"))
    assert result.verdict == VERDICT_OK
    assert result.outcome.failover is failover and result.outcome.status == status
    assert result.outcome.delivered_by == ("okta" if failover else "hook")


@pytest.mark.parametrize("body", [cmds((TEL, [{"status": "DELIVERED"}])), cmds((TEL, [])), {"commands": []},
                                  cmds((TEL, {"status": "SUCCESSFUL"}))])
def test_telephony_malformed_answers_fail_over(run, body):
    result = run("telephony", body, load("telephony.request.json"))
    assert result.verdict == VERDICT_INVALID and result.outcome.failover


def test_telephony_non_200_success_body_fails_over(run):
    body = cmds((TEL, [{"status": "SUCCESSFUL", "provider": "TWILIO", "transactionId": "SM1"}]))
    result = run("telephony", body, load("telephony.request.json"), status=201)
    assert result.verdict == VERDICT_FAILED and result.outcome.failover
    assert "201" in result.reason


def test_other_2xx_accepted_and_noted(run):
    body = patch((AT, [{"op": "add", "path": "/claims/x", "value": 1}]))
    result = run("token", body, token_request(), status=202)
    assert result.verdict == VERDICT_OK and result.outcome.access_token.claims["x"] == 1
    assert "202" in result.reason


def test_generated_requests_are_judged(emu, run):
    """The seeded generator's requests (every kind) go through the same judges."""
    for kind in ("token", "saml", "registration", "import", "password-import", "telephony"):
        request = emu.payloads.inline_request(kind)
        result = run(kind, {}, copy.deepcopy(request))
        assert result.verdict in (VERDICT_OK, VERDICT_INVALID), (kind, result.reason)
        assert result.outcome.summary


@pytest.mark.parametrize("body", [None, [], 3, "ok"])
def test_non_object_json_answer_is_invalid(run, body):
    """JSON that isn't an object is not an empty answer: the whole answer is skipped (tokens unmodified)."""
    result = run("token", body, token_request())
    assert result.verdict == VERDICT_INVALID and result.problems
    assert result.outcome.tokens_issued and not result.outcome.modified


def test_telephony_empty_200_fails_over(emu, hook_server):
    hook_server.clear()
    hook_server.expect_request("/hook", method="POST").respond_with_data("", status=200)
    result = emu.call_inline("telephony", hook_server.url_for("/hook"), request=load("telephony.request.json"),
                             timeout=1.0)
    assert result.verdict == VERDICT_INVALID and result.outcome.failover


def test_kid_is_the_rfc7638_thumbprint():
    import base64
    import hashlib

    keys = SigningKeys()
    jwk = keys.public_jwk()
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert keys.kid == expected
    assert jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk)).public_numbers() == keys.public_key.public_numbers()
